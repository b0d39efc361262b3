package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
)

// Format is the kind of file [Open] recognised.
type Format int

// The formats [Open] reads.
const (
	FormatCSV  Format = iota + 1 // delimited text: CSV, TSV, semicolon-separated
	FormatXLSX                   // Office Open XML workbook (.xlsx, .xlsm)
	FormatXLS                    // legacy Excel 97–2003 / WPS workbook (.xls: BIFF8, also BIFF5)
)

func (f Format) String() string {
	switch f {
	case FormatCSV:
		return "CSV"
	case FormatXLSX:
		return "XLSX"
	case FormatXLS:
		return "XLS"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Row is one row of a sheet as stored in the file.
type Row struct {
	// Line is 1-based. For CSV it is the physical line of the file on which
	// the record starts (a quoted field with newlines spans several lines;
	// blank lines are skipped but still counted). For Excel it is the row
	// number shown in the spreadsheet's margin.
	Line int
	// Cells holds the cell texts, left to right, without trimming; the slice
	// is the caller's to keep. Rows may
	// differ in length; a missing cell reads as "". Excel cells are the raw
	// stored values: numbers (and so dates, which Excel stores as serial
	// day numbers) appear unformatted, e.g. "45418" or "1E-4".
	Cells []string
}

// Cell returns the i-th cell, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// Rows iterates over the rows of one sheet.
//
// Next returns the next row, io.EOF after the last one, or an [*Error]. After
// a [CodeMalformedCSV] error the iterator may be advanced again to continue
// with the following record; any other error is final. Close releases
// temporary files and may be called at any time, more than once.
type Rows interface {
	Next() (Row, error)
	Close() error
}

// Options tune [OpenWithOptions]. The zero value means the defaults.
type Options struct {
	// MaxRecordBytes bounds one CSV record (default 4 MiB). A longer record —
	// usually an opening quote never closed — ends reading with
	// [ErrRecordTooBig] instead of swallowing the rest of a large file.
	MaxRecordBytes int
	// MaxXLSXBytes bounds the size of an XLSX or .xls file (default 256 MiB),
	// which is read into memory whole; larger ones are [ErrTooLarge]. CSV
	// files are streamed and have no limit.
	MaxXLSXBytes int64
	// MaxUnzipBytes bounds the uncompressed size of an XLSX (default 4 GiB),
	// a defence against ZIP bombs.
	MaxUnzipBytes int64
	// TempDir is where excelize spills large worksheets (default os.TempDir).
	TempDir string
}

const (
	defaultMaxRecordBytes = 4 << 20
	defaultMaxUnzipBytes  = 4 << 30
	defaultMaxXLSXBytes   = 256 << 20
	// sniffSize is how much of a file's start decides its format, and how
	// much decoded text decides a CSV's delimiter.
	sniffSize = 64 << 10
)

func (o Options) withDefaults() Options {
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = defaultMaxRecordBytes
	}
	if o.MaxXLSXBytes <= 0 {
		o.MaxXLSXBytes = defaultMaxXLSXBytes
	}
	if o.MaxUnzipBytes <= 0 {
		o.MaxUnzipBytes = defaultMaxUnzipBytes
	}
	return o
}

// Book is an opened file: one sheet for CSV, the workbook's worksheets for
// XLSX and XLS.
type Book struct {
	Format Format
	// Sheets are the sheet names in workbook order. A CSV has one sheet, named
	// after the file without its extension.
	Sheets []string
	// Encoding (CSV only) is the text encoding sniffed from the file's start:
	// EncodingASCII when its first 64 KiB are ASCII, the choice then being
	// made while reading (see [NewCSVReader]).
	Encoding Encoding
	// Delimiter (CSV only) is the sniffed field separator.
	Delimiter rune
	// Date1904 (XLSX and XLS) reports the workbook's 1904 date system, under
	// which serial day numbers count from 1904-01-01 (see [DateFromSerial]).
	Date1904 bool

	src  io.ReaderAt
	size int64
	opts Options
	xlsx *excelize.File
	xls  *xlsBook
}

// Open recognises a file by its content and prepares it for reading. name is
// the uploaded file name, used only for sheet naming and for choosing between
// two error messages; the content decides the format:
//
//   - a ZIP holding xl/workbook.xml is an XLSX workbook;
//   - an OLE2 compound file with a Workbook (BIFF8) or Book (BIFF5) stream is
//     a legacy .xls workbook, read by this package's own reader (see xls.go);
//     an OLE2 file may also be an encrypted workbook ([ErrEncrypted]) or
//     another Office document ([ErrNotTable]);
//   - PDF, HTML/XML disguised as .xls, other ZIPs and binary data are
//     [ErrNotTable]; an XLSX that cannot be read is [ErrCorrupt];
//   - anything else that decodes as text is CSV (see [NewCSVReader]).
//
// A zero-byte file, or one holding only a BOM and whitespace, is [ErrEmpty].
// Every error is an [*Error]; third-party readers are run under recover so
// that a malicious file can never crash the server.
//
// An XLSX is read into memory by excelize (its worksheets are then streamed,
// spilling to temporary files when large) and an .xls by this package (each
// worksheet parsed when [Book.Rows] asks for it), so callers should bound
// upload sizes; a CSV is streamed from r and never held whole.
func Open(r io.ReaderAt, size int64, name string) (*Book, error) {
	return OpenWithOptions(r, size, name, Options{})
}

// OpenWithOptions is [Open] with tuning.
func OpenWithOptions(r io.ReaderAt, size int64, name string, opts Options) (*Book, error) {
	opts = opts.withDefaults()
	if size <= 0 {
		return nil, newErr(ErrEmpty, 0, nil)
	}
	head := make([]byte, min(size, sniffSize))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		return nil, withMessage(ErrNotTable, 0, err, "无法读取文件内容")
	}
	b := &Book{src: r, size: size, opts: opts}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return b, b.openZip(name)
	case bytes.HasPrefix(head, oleMagic):
		if err := b.openOLE(); err != nil {
			return nil, err
		}
		return b, nil
	case bytes.HasPrefix(head, []byte("%PDF")):
		return nil, withMessage(ErrNotTable, 0, nil, "文件是 PDF 文档，不是 CSV 或 Excel 表格")
	case bytes.HasPrefix(head, []byte{0x09, 0x08}), bytes.HasPrefix(head, []byte{0x09, 0x04}), bytes.HasPrefix(head, []byte{0x09, 0x02}):
		// A bare BIFF stream without the OLE2 wrapper, as some very old tools write.
		return nil, newErr(ErrLegacyXLS, 0, nil)
	}
	if isMarkup(head) {
		return nil, withMessage(ErrNotTable, 0, nil,
			"文件是网页（HTML）或 XML 格式，只是扩展名为表格；请在 WPS/Excel 中打开后另存为 .xlsx 后重新上传")
	}
	cr, err := newCSVReader(io.NewSectionReader(r, 0, size), opts)
	if err != nil {
		return nil, err
	}
	b.Format = FormatCSV
	b.Encoding = cr.Encoding()
	b.Delimiter = cr.Delimiter()
	b.Sheets = []string{sheetNameFromFile(name)}
	return b, nil
}

// Rows starts reading sheet i (0-based). A CSV may be read again from the
// start by calling Rows(0) anew.
func (b *Book) Rows(i int) (Rows, error) {
	if i < 0 || i >= len(b.Sheets) {
		return nil, withMessage(ErrNoSheet, 0, nil, "工作表不存在：第 %d 个", i+1)
	}
	switch b.Format {
	case FormatCSV:
		return newCSVReader(io.NewSectionReader(b.src, 0, b.size), b.opts)
	case FormatXLSX:
		return b.xlsxRows(b.Sheets[i])
	case FormatXLS:
		return b.xlsRows(i)
	}
	return nil, newErr(ErrNotTable, 0, nil)
}

// Close releases the workbook's temporary files.
func (b *Book) Close() error {
	b.xls = nil
	if b.xlsx != nil {
		f := b.xlsx
		b.xlsx = nil
		return f.Close()
	}
	return nil
}

func sheetNameFromFile(name string) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if base == "." || base == "/" || base == "" {
		return "Sheet1"
	}
	if ext := path.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// openOLE names the document inside an OLE2 compound file by its streams:
// "Workbook" (BIFF8) or "Book" (BIFF5) is a legacy .xls, read by openXLS
// (Workbook preferred when both are present); "EncryptedPackage" a
// password-protected XLSX (Office stores those as OLE2); anything else (Word
// .doc, PowerPoint .ppt, Outlook .msg) is not a table.
func (b *Book) openOLE() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = withMessage(ErrCorrupt, 0, fmt.Errorf("mscfb panic: %v", p), "Excel 文件已损坏，无法读取")
		}
	}()
	doc, err := mscfb.New(io.NewSectionReader(b.src, 0, b.size))
	if err != nil {
		return newErr(ErrCorrupt, 0, err)
	}
	var names []string
	var workbook, book *mscfb.File
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		names = append(names, entry.Name)
		if len(entry.Path) == 0 && !entry.FileInfo().IsDir() {
			switch {
			case strings.EqualFold(entry.Name, "Workbook") && workbook == nil:
				workbook = entry
			case strings.EqualFold(entry.Name, "Book") && book == nil:
				book = entry
			}
		}
		if len(names) > 10000 {
			break
		}
	}
	if workbook == nil {
		workbook = book
	}
	if workbook != nil {
		return b.openXLS(workbook)
	}
	for _, n := range names {
		if n == "EncryptedPackage" {
			return newErr(ErrEncrypted, 0, nil)
		}
	}
	for _, n := range names {
		switch n {
		case "WordDocument":
			return withMessage(ErrNotTable, 0, nil, "文件是 Word 文档，不是 CSV 或 Excel 表格")
		case "PowerPoint Document":
			return withMessage(ErrNotTable, 0, nil, "文件是 PowerPoint 文档，不是 CSV 或 Excel 表格")
		}
	}
	return newErr(ErrNotTable, 0, nil)
}

func (b *Book) openZip(name string) (err error) {
	zr, zerr := zip.NewReader(b.src, b.size)
	if zerr != nil {
		if isExcelName(name) {
			return newErr(ErrCorrupt, 0, zerr)
		}
		return withMessage(ErrNotTable, 0, zerr, "文件是已损坏的压缩包或其他非表格文件，不是 CSV 或 Excel 表格")
	}
	kind := ""
	for _, f := range zr.File {
		switch {
		case f.Name == "xl/workbook.xml":
			kind = "xlsx"
		case f.Name == "xl/workbook.bin" && kind == "":
			kind = "xlsb"
		case strings.HasPrefix(f.Name, "word/") && kind == "":
			kind = "docx"
		case strings.HasPrefix(f.Name, "ppt/") && kind == "":
			kind = "pptx"
		case f.Name == "content.xml" && kind == "":
			kind = "ods"
		}
	}
	switch kind {
	case "xlsb":
		return withMessage(ErrNotTable, 0, nil, "暂不支持 .xlsb 二进制工作簿，请在 WPS/Excel 中另存为 .xlsx 后重新上传")
	case "docx":
		return withMessage(ErrNotTable, 0, nil, "文件是 Word 文档，不是 CSV 或 Excel 表格")
	case "pptx":
		return withMessage(ErrNotTable, 0, nil, "文件是 PowerPoint 文档，不是 CSV 或 Excel 表格")
	case "ods":
		return withMessage(ErrNotTable, 0, nil, "暂不支持 OpenDocument 表格（.ods），请另存为 .xlsx 后重新上传")
	case "":
		if isExcelName(name) {
			return newErr(ErrCorrupt, 0, errors.New("zip without xl/workbook.xml"))
		}
		return withMessage(ErrNotTable, 0, nil, "文件是压缩包，不是 CSV 或 Excel 表格")
	}

	if b.size > b.opts.MaxXLSXBytes {
		return withMessage(ErrTooLarge, 0, nil, "Excel 文件过大（%d MB，上限 %d MB），请拆分后上传，或另存为 CSV 后上传",
			b.size>>20, b.opts.MaxXLSXBytes>>20)
	}
	defer func() {
		if p := recover(); p != nil {
			err = newErr(ErrCorrupt, 0, fmt.Errorf("excelize panic: %v", p))
		}
	}()
	f, ferr := excelize.OpenReader(io.NewSectionReader(b.src, 0, b.size), excelize.Options{
		UnzipSizeLimit: b.opts.MaxUnzipBytes,
		TmpDir:         b.opts.TempDir,
	})
	if ferr != nil {
		return newErr(ErrCorrupt, 0, ferr)
	}
	b.xlsx = f
	b.Format = FormatXLSX
	b.Sheets = f.GetSheetList()
	if len(b.Sheets) == 0 {
		_ = f.Close()
		b.xlsx = nil
		return newErr(ErrCorrupt, 0, errors.New("workbook lists no sheets"))
	}
	if props, perr := f.GetWorkbookProps(); perr == nil && props.Date1904 != nil {
		b.Date1904 = *props.Date1904
	}
	return nil
}

func isExcelName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".xlsx", ".xlsm", ".xltx", ".xls", ".et":
		return true
	}
	return false
}

// isMarkup reports HTML or XML, which web systems often save with an .xls
// name (and Excel 2003 "XML Spreadsheet").
func isMarkup(head []byte) bool {
	s := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	s = bytes.TrimLeft(s, " \t\r\n")
	if len(s) == 0 || s[0] != '<' {
		return false
	}
	l := bytes.ToLower(s[:min(len(s), 512)])
	for _, p := range []string{"<?xml", "<html", "<!doctype html", "<table", "<head", "<body", "<meta", "<!--"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}
