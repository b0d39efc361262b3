package tabular

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

// rezip rewrites every entry of a ZIP through edit.
func rezip(t testing.TB, data []byte, edit func(name string, body []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		w, _ := zw.Create(f.Name)
		_, _ = w.Write(edit(f.Name, body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func makeZip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenRejectsWhatIsNotATable(t *testing.T) {
	xlsx := makeNationalXLSX(t)
	xls, err := os.ReadFile("testdata/jmzyclb.xls")
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(junk)

	encrypted := func() []byte {
		f, err := excelize.OpenReader(bytes.NewReader(xlsx))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf, excelize.Options{Password: "secret"}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()

	for _, tc := range []struct {
		name, file string
		data       []byte
		want       *Error
	}{
		{"EmptyFile", "a.csv", nil, ErrEmpty},
		{"OnlyBOMAndSpaces", "a.csv", []byte("\xEF\xBB\xBF \r\n\r\n"), ErrEmpty},
		{"OnlyUTF16BOM", "a.txt", []byte("\xFF\xFE"), ErrEmpty},
		{"PDF", "处罚.xlsx", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), ErrNotTable},
		{"BinaryJunk", "a.csv", junk, ErrNotTable},
		{"PNG", "a.xlsx", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotTable},
		{"HTMLDisguisedAsXLS", "导出.xls", []byte("<html><body><table><tr><td>名称</td></tr></table></body></html>"), ErrNotTable},
		{"ZipThatIsNotXLSX", "a.zip", makeZip(t, map[string]string{"readme.txt": "hi"}), ErrNotTable},
		{"DOCX", "a.docx", makeZip(t, map[string]string{"word/document.xml": "<w/>"}), ErrNotTable},
		{"ZipNamedXLSXWithoutWorkbook", "a.xlsx", makeZip(t, map[string]string{"readme.txt": "hi"}), ErrCorrupt},
		{"TruncatedXLSX", "a.xlsx", xlsx[:len(xlsx)/2], ErrCorrupt},
		{"GarbledWorkbookXML", "a.xlsx", rezip(t, xlsx, func(name string, body []byte) []byte {
			if name == "xl/workbook.xml" {
				return []byte("<workbook><sheets><sheet name=")
			}
			return body
		}), ErrCorrupt},
		{"BareBIFF4Stream", "a.xls", []byte{0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00}, ErrLegacyXLS},
		{"TruncatedXLS", "a.xls", xls[:1024], ErrCorrupt},
		{"EncryptedXLSX", "a.xlsx", encrypted, ErrEncrypted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := openBytes(tc.data, tc.file)
			if b != nil {
				b.Close()
			}
			wantCode(t, err, tc.want)
		})
	}
}

func TestOpenRejectsAnXLSXOverTheLimit(t *testing.T) {
	data := makeNationalXLSX(t)
	_, err := OpenWithOptions(bytes.NewReader(data), int64(len(data)), "a.xlsx", Options{MaxXLSXBytes: 1024})
	wantCode(t, err, ErrTooLarge)
}

func TestLegacyXLSMessage(t *testing.T) {
	// A bare BIFF stream without the OLE2 wrapper is still refused.
	b, err := openBytes([]byte{0x09, 0x02, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00}, "a.xls")
	if b != nil || err.(*Error).Message != "暂不支持旧版 .xls 文件，请在 WPS/Excel 中另存为 .xlsx 后重新上传" {
		t.Fatalf("got %v %v", b, err)
	}
}

func TestXLSOpenedByContent(t *testing.T) {
	// An .xls renamed .xlsx (or .csv) is read as what it is.
	xls, err := os.ReadFile("testdata/jmzyclb.xls")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"jmzyclb.xls", "jmzyclb.xlsx", "上传.csv"} {
		b, err := openBytes(xls, name)
		if err != nil || b.Format != FormatXLS || len(b.Sheets) != 14 {
			t.Fatalf("%s: %v %v", name, b, err)
		}
	}
}
