package tabular

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// ---- The real workbook -----------------------------------------------------

var jmzyclbSheets = []string{"环境影响评价法", "水污染防治法", "大气污染防治法", "固废污染防治法", "噪声污染防治法",
	"土壤污染防治法", "放射污染防治法", "建管条例", "畜禽条例", "广东省环保条例", "广东省大气条例", "潭江条例", "Sheet4", "Sheet5"}

var jmzyclbKnown = []string{"序号", "违法行为", "法律依据", "类别", "裁量情节", "裁量标准", "备注"}

// readXLSSheets opens a workbook and reads every sheet, with the merged
// areas the reader found.
func readXLSSheets(t testing.TB, data []byte) (*Book, [][]Row, [][]xlsRange) {
	t.Helper()
	b, err := openBytes(data, "a.xls")
	if err != nil {
		t.Fatal(err)
	}
	var sheets [][]Row
	var merges [][]xlsRange
	for i := range b.Sheets {
		rs, err := b.Rows(i)
		if err != nil {
			t.Fatalf("sheet %d: %v", i, err)
		}
		merges = append(merges, rs.(*xlsRows).merges)
		sheets = append(sheets, readAll(t, rs))
	}
	return b, sheets, merges
}

// TestXLSJiangmenMatchesCSV reads the real 江门 discretion workbook and
// compares every row with the CSV python3-xlrd made of it (testdata/SOURCE.md):
// columns sheet,row,c1..c7, each row padded to the sheet's seven columns.
func TestXLSJiangmenMatchesCSV(t *testing.T) {
	data, err := os.ReadFile("testdata/jmzyclb.xls")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.ReadFile("testdata/jmzyclb.csv")
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][][]string{}
	for _, rec := range records[1:] {
		want[rec[0]] = append(want[rec[0]], rec[1:])
	}

	b, sheets, _ := readXLSSheets(t, data)
	if b.Format != FormatXLS || b.Format.String() != "XLS" || b.Date1904 {
		t.Fatalf("format %v, 1904 %v", b.Format, b.Date1904)
	}
	if !slices.Equal(b.Sheets, jmzyclbSheets) {
		t.Fatalf("sheets %q", b.Sheets)
	}
	total := 0
	for i, rows := range sheets {
		w := want[b.Sheets[i]]
		if len(rows) != len(w) {
			t.Fatalf("sheet %s: %d rows, want %d", b.Sheets[i], len(rows), len(w))
		}
		for j, r := range rows {
			if strconv.Itoa(r.Line) != w[j][0] {
				t.Fatalf("sheet %s row %d: line %d, want %s", b.Sheets[i], j, r.Line, w[j][0])
			}
			if len(r.Cells) > 7 {
				t.Fatalf("sheet %s line %d: %d cells", b.Sheets[i], r.Line, len(r.Cells))
			}
			for c := range 7 {
				if got := r.Cell(c); got != w[j][1+c] {
					t.Errorf("sheet %s line %d column %d:\n got %q\nwant %q", b.Sheets[i], r.Line, c+1, got, w[j][1+c])
				}
			}
			total++
		}
	}
	if total != 896 {
		t.Fatalf("%d rows, want 896", total)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Rows(0); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Rows after Close: %v", err)
	}
}

// TestXLSMergedCellsLikeXLSX checks that merged areas read as the XLSX path
// reads them — the value in the top-left cell, the covered cells blank
// unless the file stores a (hidden) value there — by writing what the .xls
// reader returned, with the same merges, into an XLSX and reading that back:
// every row and every located header must be identical.
func TestXLSMergedCellsLikeXLSX(t *testing.T) {
	data, err := os.ReadFile("testdata/jmzyclb.xls")
	if err != nil {
		t.Fatal(err)
	}
	b, sheets, merges := readXLSSheets(t, data)
	nMerges, hidden, mergeXML := 0, []string(nil), map[string]string{}
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range b.Sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for _, m := range merges[i] {
			nMerges++
			for row := m.FirstRow; row <= m.LastRow && row < len(sheets[i]); row++ {
				for col := m.FirstCol; col <= m.LastCol; col++ {
					if (row != m.FirstRow || col != m.FirstCol) && sheets[i][row].Cell(col) != "" {
						hidden = append(hidden, fmt.Sprintf("%s!R%dC%d", name, row+1, col+1))
					}
				}
			}
			from, _ := excelize.CoordinatesToCellName(m.FirstCol+1, m.FirstRow+1)
			to, _ := excelize.CoordinatesToCellName(m.LastCol+1, m.LastRow+1)
			mergeXML[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)] += `<mergeCell ref="` + from + ":" + to + `"/>`
		}
		for _, r := range sheets[i] {
			for c, v := range r.Cells {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r.Line)
				if err := f.SetCellStr(name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// The workbook stores 17 values under merged areas, hidden in Excel and
	// WPS, 16 of them differing from the visible top-left value (e.g.
	// 大气污染防治法 R73C4 "5" under a 类别 "4" merged over R72:R73). Like
	// xlrd (whose CSV has them) and the XLSX path, the reader returns what is
	// stored.
	if nMerges != 904 || len(hidden) != 17 {
		t.Fatalf("%d merged areas, %d hidden values: %v", nMerges, len(hidden), hidden)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	// Merges go into the sheet XML directly: excelize's MergeCell and
	// SetCellStr would clear or redirect the covered cells' values, which
	// Excel and WPS keep.
	xlsx := rezip(t, buf.Bytes(), func(name string, body []byte) []byte {
		if m := mergeXML[name]; m != "" {
			return bytes.Replace(body, []byte("</sheetData>"), []byte("</sheetData><mergeCells>"+m+"</mergeCells>"), 1)
		}
		return body
	})
	xb, err := openBytes(xlsx, "a.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer xb.Close()
	if !slices.Equal(xb.Sheets, b.Sheets) {
		t.Fatalf("xlsx sheets %q", xb.Sheets)
	}
	for i, name := range b.Sheets {
		rs, err := xb.Rows(i)
		if err != nil {
			t.Fatal(err)
		}
		xrows := readAll(t, rs)
		if len(xrows) != len(sheets[i]) {
			t.Fatalf("sheet %s: xlsx %d rows, xls %d", name, len(xrows), len(sheets[i]))
		}
		for j := range xrows {
			if xrows[j].Line != sheets[i][j].Line || !slices.Equal(xrows[j].Cells, sheets[i][j].Cells) {
				t.Fatalf("sheet %s row %d:\nxlsx %d %q\n xls %d %q", name, j, xrows[j].Line, xrows[j].Cells, sheets[i][j].Line, sheets[i][j].Cells)
			}
		}
		if merged, err := xb.xlsx.GetMergeCells(name); err != nil || len(merged) != len(merges[i]) {
			t.Fatalf("sheet %s: xlsx has %d merged areas, %v", name, len(merged), err)
		}
		if len(xrows) == 0 {
			continue
		}
		h1, err1 := FindHeader(sheets[i], jmzyclbKnown)
		h2, err2 := FindHeader(xrows, jmzyclbKnown)
		if err1 != nil || err2 != nil || fmt.Sprint(h1) != fmt.Sprint(h2) || h1.Line != 2 || h1.Matched != 7 {
			t.Fatalf("sheet %s headers differ: %+v %v / %+v %v", name, h1, err1, h2, err2)
		}
	}
}

// ---- A BIFF writer for synthetic workbooks ----------------------------------

func u16(v int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)) }
func u32(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }
func f64(v float64) []byte {
	return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v))
}

type biffW struct{ bytes.Buffer }

func (w *biffW) rec(typ int, parts ...[]byte) {
	body := bytes.Join(parts, nil)
	w.Write(u16(typ))
	w.Write(u16(len(body)))
	w.Write(body)
}

// cell is the rw col ixfe prefix of a cell record.
func cell(row, col int) []byte { return slices.Concat(u16(row), u16(col), u16(15)) }

// xlStr is an XLUnicodeString: wide when any character is beyond Latin-1.
func xlStr(s string) []byte {
	units := utf16.Encode([]rune(s))
	wide := slices.ContainsFunc(units, func(u uint16) bool { return u > 0xFF })
	out := u16(len(units))
	if wide {
		out = append(out, 1)
		for _, u := range units {
			out = append(out, u16(int(u))...)
		}
		return out
	}
	out = append(out, 0)
	for _, u := range units {
		out = append(out, byte(u))
	}
	return out
}

type sheetSpec struct {
	name  []byte // BOUNDSHEET name field after cch (BIFF8: flags byte + chars)
	cch   int
	dt    byte // BOUNDSHEET sheet type: 0 worksheet, 2 chart
	bofDT int
	body  func(w *biffW)
}

func wsheet(name string, body func(w *biffW)) sheetSpec {
	s := xlStr(name)
	return sheetSpec{name: s[2:], cch: int(le16(s)), bofDT: bofWorksheet, body: body}
}

// buildStream writes a workbook stream: globals (BOF, extra, BOUNDSHEETs,
// EOF), then each sheet's substream, patching the BOUNDSHEET offsets.
func buildStream(version int, globals func(w *biffW), sheets ...sheetSpec) []byte {
	var w biffW
	w.rec(recBOF, u16(version), u16(bofGlobals), make([]byte, 12))
	if globals != nil {
		globals(&w)
	}
	var patch []int
	for _, s := range sheets {
		patch = append(patch, w.Len()+4)
		w.rec(recBoundSheet, u32(0), []byte{0, s.dt, byte(s.cch)}, s.name)
	}
	w.rec(recEOF)
	out := w.Bytes()
	for i, s := range sheets {
		binary.LittleEndian.PutUint32(out[patch[i]:], uint32(len(out)))
		var sw biffW
		sw.rec(recBOF, u16(version), u16(s.bofDT), make([]byte, 12))
		if s.body != nil {
			s.body(&sw)
		}
		sw.rec(recEOF)
		out = append(out, sw.Bytes()...)
	}
	return out
}

// cfbFile wraps streams in a version-3 compound file (512-byte sectors, at
// most 109 FAT sectors, up to three streams). Streams are padded to 4096
// bytes so none lives in the mini stream; size, if not negative, overrides
// the first stream's recorded size.
func cfbFile(t testing.TB, size int64, names []string, streams ...[]byte) []byte {
	t.Helper()
	const ss = 512
	const endOfChain, freeSect, fatSect, noStream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
	dataSectors := 0
	for _, s := range streams {
		dataSectors += (max(len(s), 4096) + ss - 1) / ss
	}
	nFAT := 1
	for nFAT*ss/4 < nFAT+1+dataSectors {
		nFAT++
	}
	if nFAT > 109 || len(streams) > 3 {
		t.Fatal("test compound file too large")
	}
	// Sectors 0..nFAT-1: FAT; nFAT: directory; then the streams.
	var fat []uint32
	for range nFAT {
		fat = append(fat, fatSect)
	}
	dirSector := len(fat)
	fat = append(fat, endOfChain)
	var body []byte
	type ent struct {
		name  string
		start uint32
		size  int64
	}
	var ents []ent
	for i, s := range streams {
		padded := append(slices.Clone(s), make([]byte, max(0, 4096-len(s)))...)
		if r := len(padded) % ss; r != 0 {
			padded = append(padded, make([]byte, ss-r)...)
		}
		start := uint32(len(fat))
		n := len(padded) / ss
		for k := range n {
			if k == n-1 {
				fat = append(fat, endOfChain)
			} else {
				fat = append(fat, uint32(len(fat)+1))
			}
		}
		sz := int64(len(s))
		if sz < 4096 {
			sz = int64(len(padded))
		}
		if i == 0 && size >= 0 {
			sz = size
		}
		ents = append(ents, ent{names[i], start, sz})
		body = append(body, padded...)
	}
	for len(fat) < nFAT*ss/4 {
		fat = append(fat, freeSect)
	}
	hdr := make([]byte, ss)
	copy(hdr, oleMagic)
	binary.LittleEndian.PutUint16(hdr[24:], 0x3E)
	binary.LittleEndian.PutUint16(hdr[26:], 3)
	binary.LittleEndian.PutUint16(hdr[28:], 0xFFFE)
	binary.LittleEndian.PutUint16(hdr[30:], 9)
	binary.LittleEndian.PutUint16(hdr[32:], 6)
	binary.LittleEndian.PutUint32(hdr[44:], uint32(nFAT))
	binary.LittleEndian.PutUint32(hdr[48:], uint32(dirSector))
	binary.LittleEndian.PutUint32(hdr[56:], 4096)
	binary.LittleEndian.PutUint32(hdr[60:], endOfChain)
	binary.LittleEndian.PutUint32(hdr[68:], endOfChain)
	for i := 76; i < ss; i += 4 {
		binary.LittleEndian.PutUint32(hdr[i:], freeSect)
	}
	for i := range nFAT {
		binary.LittleEndian.PutUint32(hdr[76+4*i:], uint32(i))
	}
	fatSec := make([]byte, 0, nFAT*ss)
	for _, v := range fat {
		fatSec = binary.LittleEndian.AppendUint32(fatSec, v)
	}
	dir := make([]byte, ss)
	dirEnt := func(i int, name string, typ byte, child, right uint32, start uint32, size int64) {
		e := dir[i*128:]
		units := utf16.Encode([]rune(name))
		for k, u := range units {
			binary.LittleEndian.PutUint16(e[2*k:], u)
		}
		binary.LittleEndian.PutUint16(e[64:], uint16(2*len(units)+2))
		e[66], e[67] = typ, 1
		binary.LittleEndian.PutUint32(e[68:], noStream)
		binary.LittleEndian.PutUint32(e[72:], right)
		binary.LittleEndian.PutUint32(e[76:], child)
		binary.LittleEndian.PutUint32(e[116:], start)
		binary.LittleEndian.PutUint64(e[120:], uint64(size))
	}
	dirEnt(0, "Root Entry", 5, 1, noStream, endOfChain, 0)
	for i, e := range ents {
		right := uint32(noStream)
		if i+1 < len(ents) {
			right = uint32(i + 2)
		}
		dirEnt(i+1, e.name, 2, noStream, right, e.start, e.size)
	}
	return slices.Concat(hdr, fatSec, dir, body)
}

func xlsFile(t testing.TB, stream []byte) []byte {
	return cfbFile(t, -1, []string{"Workbook"}, stream)
}

// sstItem is a shared string with optional formatting runs and phonetic data.
type sstItem struct {
	s    string
	runs int
	ext  int
}

// sstRecords lays out an SST record and its CONTINUE records the way Excel
// does, with at most limit bytes a record: a string's header is never split,
// its characters may be, and then the next record starts with an option byte
// saying whether the rest is one byte or two a character (each piece is
// wide only if it needs to be); runs and phonetic data split anywhere.
func sstRecords(items []sstItem, limit int) [][]byte {
	segs := [][]byte{slices.Concat(u32(len(items)), u32(len(items)))}
	cur := func() *[]byte { return &segs[len(segs)-1] }
	room := func() int { return limit - len(*cur()) }
	newSeg := func() { segs = append(segs, nil) }
	raw := func(b []byte) {
		for len(b) > 0 {
			if room() == 0 {
				newSeg()
			}
			k := min(room(), len(b))
			*cur() = append(*cur(), b[:k]...)
			b = b[k:]
		}
	}
	piece := func(units []uint16, room int) (n int, wide bool) {
		n = min(len(units), room)
		if slices.ContainsFunc(units[:n], func(u uint16) bool { return u > 0xFF }) {
			return min(len(units), room/2), true
		}
		return n, false
	}
	for _, it := range items {
		units := utf16.Encode([]rune(it.s))
		hdrLen := 3
		if it.runs > 0 {
			hdrLen += 2
		}
		if it.ext > 0 {
			hdrLen += 4
		}
		if room() < hdrLen+2 {
			newSeg()
		}
		n, wide := piece(units, room()-hdrLen)
		flags := byte(0)
		if wide {
			flags |= 1
		}
		if it.ext > 0 {
			flags |= 4
		}
		if it.runs > 0 {
			flags |= 8
		}
		h := slices.Concat(u16(len(units)), []byte{flags})
		if it.runs > 0 {
			h = append(h, u16(it.runs)...)
		}
		if it.ext > 0 {
			h = append(h, u32(it.ext)...)
		}
		*cur() = append(*cur(), h...)
		for {
			for _, u := range units[:n] {
				if wide {
					*cur() = append(*cur(), u16(int(u))...)
				} else {
					*cur() = append(*cur(), byte(u))
				}
			}
			units = units[n:]
			if len(units) == 0 {
				break
			}
			newSeg()
			n, wide = piece(units, room()-1)
			if wide {
				*cur() = append(*cur(), 1)
			} else {
				*cur() = append(*cur(), 0)
			}
		}
		raw(bytes.Repeat([]byte{0xAB}, 4*it.runs))
		raw(bytes.Repeat([]byte{0xCD}, it.ext))
	}
	return segs
}

func writeSST(w *biffW, segs [][]byte) {
	w.rec(recSST, segs[0])
	for _, s := range segs[1:] {
		w.rec(recContinue, s)
	}
}

// openSheets opens a synthetic workbook file and reads all its sheets.
func openSheets(t *testing.T, file []byte) (*Book, [][]Row) {
	t.Helper()
	b, err := openBytes(file, "a.xls")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]Row
	for i := range b.Sheets {
		rs, err := b.Rows(i)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, readAll(t, rs))
	}
	return b, out
}

func rowsText(rows []Row) string {
	var s []string
	for _, r := range rows {
		s = append(s, fmt.Sprintf("%d:%q", r.Line, r.Cells))
	}
	return strings.Join(s, "\n")
}

// ---- Synthetic workbooks -----------------------------------------------------

func TestXLSSharedStringsAcrossContinue(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := []rune("abcXYZ 019éüß中文行政处罚江门市生态环境局\n😀𠀀")
	var items []sstItem
	for i := range 300 {
		n := rng.Intn(60)
		if i%50 == 0 {
			n = 3000 + rng.Intn(3000) // longer than a record
		}
		rs := make([]rune, n)
		for k := range rs {
			rs[k] = alphabet[rng.Intn(len(alphabet))]
		}
		it := sstItem{s: string(rs)}
		if rng.Intn(3) == 0 {
			it.runs = rng.Intn(5) + 1
		}
		if rng.Intn(3) == 0 {
			it.ext = rng.Intn(40) + 1
		}
		items = append(items, it)
	}
	items = append(items, sstItem{s: ""}, sstItem{s: "尾"})
	for _, limit := range []int{8224, 97, 20, 12} {
		t.Run(strconv.Itoa(limit), func(t *testing.T) {
			segs := sstRecords(items, limit)
			stream := buildStream(biff8, func(w *biffW) { writeSST(w, segs) },
				wsheet("S", func(w *biffW) {
					for i := range items {
						w.rec(recLabelSST, cell(i, 0), u32(i))
					}
				}))
			b, sheets := openSheets(t, xlsFile(t, stream))
			if len(b.xls.sst) != len(items) {
				t.Fatalf("%d strings, want %d (%d records)", len(b.xls.sst), len(items), len(segs))
			}
			for i, it := range items {
				if b.xls.sst[i] != it.s {
					t.Fatalf("string %d:\n got %q\nwant %q", i, b.xls.sst[i], it.s)
				}
				if got := sheets[0][i].Cell(0); got != it.s {
					t.Fatalf("cell %d: %q", i, got)
				}
			}
		})
	}
}

// TestXLSSharedStringSplitRightAfterHeader covers a string whose header
// ends a record: its characters start the CONTINUE, after an option byte.
func TestXLSSharedStringSplitRightAfterHeader(t *testing.T) {
	segs := [][]byte{
		slices.Concat(u32(2), u32(2), u16(2), []byte{0}), // "中文": header only, claiming compressed
		slices.Concat([]byte{1}, u16(0x4E2D), u16(0x6587), u16(1), []byte{0}, []byte("z")),
	}
	stream := buildStream(biff8, func(w *biffW) { writeSST(w, segs) },
		wsheet("S", func(w *biffW) {
			w.rec(recLabelSST, cell(0, 0), u32(0))
			w.rec(recLabelSST, cell(0, 1), u32(1))
		}))
	_, sheets := openSheets(t, xlsFile(t, stream))
	if got := rowsText(sheets[0]); got != `1:["中文" "z"]` {
		t.Fatal(got)
	}
}

func TestXLSCellRecords(t *testing.T) {
	sst := sstRecords([]sstItem{{s: "标题"}, {s: "合并"}}, 8224)
	var chartName = xlStr("图表")
	latin := xlStr("Café")
	stream := buildStream(biff8, func(w *biffW) {
		w.rec(recCodePage, u16(1200))
		w.rec(recDateMode, u16(1))
		w.rec(0x00E0, make([]byte, 20)) // an XF, ignored
		writeSST(w, sst)
	},
		wsheet("数据", func(w *biffW) {
			w.rec(0x0200, make([]byte, 14)) // DIMENSIONS, ignored
			w.rec(recLabelSST, cell(0, 0), u32(0))
			w.rec(recLabel, cell(1, 0), xlStr("abc"))
			w.rec(recLabel, cell(1, 1), xlStr("中文"))
			w.rec(recRString, cell(1, 2), xlStr("富文本"), u16(1), u32(0))
			w.rec(recNumber, cell(2, 0), f64(0.1+0.2))
			w.rec(recNumber, cell(2, 1), f64(12.000000000000002))
			w.rec(recNumber, cell(2, 2), f64(440703000012345))
			w.rec(recNumber, cell(2, 3), f64(1e-20))
			w.rec(recNumber, cell(2, 4), f64(-0.5))
			w.rec(recNumber, cell(2, 5), f64(45418))
			w.rec(recNumber, cell(2, 6), f64(123456789.12))
			w.rec(recRK, cell(3, 0), u32(7<<2|2))
			w.rec(recRK, cell(3, 1), u32(1234<<2|3))
			w.rec(recRK, cell(3, 2), u32(int(math.Float64bits(0.5)>>32)))
			w.rec(recRK, cell(3, 3), u32(int(math.Float64bits(1.5)>>32)|1))
			w.rec(recRK, cell(3, 4), u32(-3<<2|2))
			w.rec(recMulRK, u16(4), u16(1), u16(15), u32(1<<2|2), u16(15), u32(2<<2|2), u16(15), u32(3<<2|2), u16(3))
			w.rec(recBoolErr, cell(5, 0), []byte{1, 0})
			w.rec(recBoolErr, cell(5, 1), []byte{0, 0})
			w.rec(recBoolErr, cell(5, 2), []byte{0x07, 1})
			formula := func(col int, v []byte) { w.rec(recFormula, cell(6, col), v, u16(0), u32(0), u16(0)) }
			formula(0, f64(3.25))
			formula(1, []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF})
			w.rec(recShrFmla, make([]byte, 10))
			w.rec(recString, xlStr("公式结果"))
			formula(2, []byte{1, 0, 1, 0, 0, 0, 0xFF, 0xFF})
			formula(3, []byte{2, 0, 0x2A, 0, 0, 0, 0xFF, 0xFF})
			formula(4, []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF})
			// A STRING continued: "ab" compressed, then "中" wide.
			w.rec(recString, u16(3), []byte{0}, []byte("ab"))
			w.rec(recContinue, []byte{1}, u16(0x4E2D))
			formula(5, []byte{3, 0, 0, 0, 0, 0, 0xFF, 0xFF}) // empty string: a cell, blank
			w.rec(recString, xlStr("orphan"))                // not after a FORMULA: ignored
			// Row 8 empty; row 9 a merged title over three columns.
			w.rec(recLabelSST, cell(8, 0), u32(1))
			w.rec(0x00BE, u16(8), u16(1), u16(15), u16(15), u16(2)) // MULBLANK, ignored
			w.rec(recMergedCells, u16(2), u16(8), u16(8), u16(0), u16(2), u16(9), u16(10), u16(3), u16(3))
			// An embedded chart: its records are not the sheet's.
			w.rec(recBOF, u16(biff8), u16(0x0020), make([]byte, 12))
			w.rec(recLabel, cell(0, 0), xlStr("chart text"))
			w.rec(recBOF, u16(biff8), u16(0x0020), make([]byte, 12))
			w.rec(recEOF)
			w.rec(recEOF)
			// Out of order, and a cell written twice: sorted, last wins.
			w.rec(recLabel, cell(10, 2), xlStr("c"))
			w.rec(recLabel, cell(9, 1), xlStr("b"))
			w.rec(recLabel, cell(10, 0), xlStr("first"))
			w.rec(recLabel, cell(10, 0), xlStr("a"))
			w.rec(recLabel, cell(11, 3), xlStr("")) // empty text: no cell
		}),
		sheetSpec{name: chartName[2:], cch: 2, dt: 2, bofDT: 0x0020},
		sheetSpec{name: latin[2:], cch: 4, bofDT: bofWorksheet, body: func(w *biffW) {
			w.rec(recLabel, cell(0, 0), xlStr("x"))
		}},
	)
	b, sheets := openSheets(t, xlsFile(t, stream))
	if !slices.Equal(b.Sheets, []string{"数据", "Café"}) || !b.Date1904 || b.Format != FormatXLS {
		t.Fatalf("sheets %q 1904 %v", b.Sheets, b.Date1904)
	}
	want := `1:["标题"]
2:["abc" "中文" "富文本"]
3:["0.3" "12" "440703000012345" "1E-20" "-0.5" "45418" "123456789.12"]
4:["7" "12.34" "0.5" "0.015" "-3"]
5:["" "1" "2" "3"]
6:["1" "0" "#DIV/0!"]
7:["3.25" "公式结果" "1" "#N/A" "ab中" ""]
8:[]
9:["合并"]
10:["" "b"]
11:["a" "" "c"]`
	if got := rowsText(sheets[0]); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := rowsText(sheets[1]); got != `1:["x"]` {
		t.Fatal(got)
	}
	rs, _ := b.Rows(0)
	if m := rs.(*xlsRows).merges; len(m) != 2 || m[0] != (xlsRange{8, 8, 0, 2}) {
		t.Fatalf("merges %+v", m)
	}
}

func TestXLSBIFF5GBK(t *testing.T) {
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	str8 := func(s string) []byte { b := gbk(s); return slices.Concat(u16(len(b)), b) }
	name := gbk("处罚")
	stream := buildStream(biff5, func(w *biffW) { w.rec(recCodePage, u16(936)) },
		sheetSpec{name: name, cch: len(name), bofDT: bofWorksheet, body: func(w *biffW) {
			w.rec(recLabel, cell(0, 0), str8("江门市生态环境局"))
			w.rec(recRString, cell(0, 1), str8("罚款"), []byte{1}, u16(0), u16(0))
			w.rec(recNumber, cell(0, 2), f64(2.5))
			w.rec(recFormula, cell(0, 3), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, u16(0), u32(0), u16(0))
			w.rec(recString, str8("结果"))
		}})
	b, sheets := openSheets(t, cfbFile(t, -1, []string{"Book"}, stream))
	if !slices.Equal(b.Sheets, []string{"处罚"}) {
		t.Fatalf("sheets %q", b.Sheets)
	}
	if got := rowsText(sheets[0]); got != `1:["江门市生态环境局" "罚款" "2.5" "结果"]` {
		t.Fatal(got)
	}
}

func TestXLSWorkbookPreferredToBook(t *testing.T) {
	mk := func(s string) []byte {
		return buildStream(biff8, nil, wsheet(s, func(w *biffW) { w.rec(recLabel, cell(0, 0), xlStr(s)) }))
	}
	b, err := openBytes(cfbFile(t, -1, []string{"Book", "Workbook"}, mk("old"), mk("new")), "a.xls")
	if err != nil || b.Sheets[0] != "new" {
		t.Fatalf("%v %v", b, err)
	}
}

// TestXLSDefects feeds broken and hostile workbooks: each gives the expected
// *Error, quickly, and no panic.
func TestXLSDefects(t *testing.T) {
	sheet := func(body func(w *biffW)) []byte { return buildStream(biff8, nil, wsheet("S", body)) }
	valid := sheet(func(w *biffW) { w.rec(recLabel, cell(0, 0), xlStr("x")) })
	hugeSST := buildStream(biff8, func(w *biffW) {
		w.rec(recSST, u32(-1), u32(-1), u16(1), []byte{0}, []byte("a")) // claims 4 billion strings
	}, wsheet("S", func(w *biffW) { w.rec(recLabelSST, cell(0, 0), u32(0)) }))
	for _, tc := range []struct {
		name   string
		stream []byte
		file   []byte // instead of stream
		open   *Error // expected from Open, nil if it succeeds
		rows   *Error // expected from Rows(0), nil if it succeeds
		line   int
	}{
		{name: "Valid", stream: valid},
		{name: "FilePass", stream: buildStream(biff8, func(w *biffW) { w.rec(recFilePass, u16(1), make([]byte, 52)) }, wsheet("S", nil)), open: ErrEncrypted},
		{name: "BIFF4", stream: slices.Concat(u16(0x0409), u16(6), u16(0), u16(0x0010), u16(0)), open: ErrLegacyXLS},
		{name: "NotBOF", stream: slices.Concat(u16(0x0208), u16(0)), open: ErrCorrupt},
		{name: "Empty stream", stream: nil, file: cfbFile(t, 0, []string{"Workbook"}, nil), open: ErrCorrupt},
		{name: "Stream larger than file", file: cfbFile(t, 1<<30, []string{"Workbook"}, valid), open: ErrCorrupt},
		{name: "Globals without EOF", stream: valid[:20], open: ErrCorrupt},
		{name: "Truncated record", stream: slices.Concat(valid[:len(valid)-4], u16(recLabel), u16(0xFFFF), []byte("ab")), rows: ErrCorrupt},
		{name: "Sheet without EOF", stream: valid[:len(valid)-4], rows: ErrCorrupt},
		{name: "Only a chart", stream: buildStream(biff8, nil, sheetSpec{name: []byte{0, 'c'}, cch: 1, dt: 2, bofDT: 0x20}), open: ErrCorrupt},
		{name: "Sheet offset past end", stream: func() []byte {
			s := slices.Clone(valid)
			binary.LittleEndian.PutUint32(s[20+4:], 1<<30)
			return s
		}(), open: ErrCorrupt},
		{name: "Sheet offset at globals", stream: func() []byte {
			s := slices.Clone(valid)
			binary.LittleEndian.PutUint32(s[20+4:], 0)
			return s
		}(), open: ErrCorrupt},
		{name: "Two sheets at one offset", stream: func() []byte {
			s := buildStream(biff8, nil, wsheet("A", nil), wsheet("B", nil))
			// BOUNDSHEET A: header at 20, body (offset, flags, type, cch, option, "A") 9 bytes;
			// BOUNDSHEET B follows at 33, its offset at 37.
			copy(s[24:28], s[37:41])
			return s
		}(), open: ErrCorrupt},
		{name: "SST string cut short", stream: buildStream(biff8, func(w *biffW) {
			w.rec(recSST, u32(1), u32(1), u16(10), []byte{0}, []byte("abc"))
		}, wsheet("S", nil)), open: ErrCorrupt},
		{name: "SST huge phonetic block", stream: buildStream(biff8, func(w *biffW) {
			w.rec(recSST, u32(1), u32(1), u16(1), []byte{4}, u32(0x7FFFFFFF), []byte("a"))
		}, wsheet("S", nil)), open: ErrCorrupt},
		{name: "SST odd byte in a wide string", stream: buildStream(biff8, func(w *biffW) {
			w.rec(recSST, u32(1), u32(1), u16(2), []byte{1}, []byte("a"))
			w.rec(recContinue, []byte("b"))
		}, wsheet("S", nil)), open: ErrCorrupt},
		{name: "SST claims 4 billion strings", stream: hugeSST},
		{name: "SST index out of range", stream: sheet(func(w *biffW) { w.rec(recLabelSST, cell(4, 0), u32(0)) }), rows: ErrCorrupt, line: 5},
		{name: "Column beyond IV", stream: sheet(func(w *biffW) { w.rec(recLabel, cell(2, 256), xlStr("x")) }), rows: ErrCorrupt, line: 3},
		{name: "MULRK range lies", stream: sheet(func(w *biffW) {
			w.rec(recMulRK, u16(0), u16(0), u16(15), u32(2), u16(0xFFFF))
		}), rows: ErrCorrupt, line: 1},
		{name: "MULRK backwards", stream: sheet(func(w *biffW) {
			w.rec(recMulRK, u16(0), u16(5), u16(15), u32(2), u16(15), u32(2), u16(0))
		}), rows: ErrCorrupt, line: 1},
		{name: "Short NUMBER", stream: sheet(func(w *biffW) { w.rec(recNumber, cell(6, 0), u16(1)) }), rows: ErrCorrupt, line: 7},
		{name: "LABEL longer than record", stream: sheet(func(w *biffW) { w.rec(recLabel, cell(0, 0), u16(500), []byte{0}, []byte("ab")) }), rows: ErrCorrupt, line: 1},
		{name: "MERGEDCELLS claims more than it holds", stream: sheet(func(w *biffW) {
			w.rec(recMergedCells, u16(65535), u16(0), u16(1), u16(0), u16(1))
			w.rec(recMergedCells, u16(1), u16(5), u16(1), u16(0), u16(1)) // inverted: dropped
		})},
		{name: "Unclosed embedded substream", stream: sheet(func(w *biffW) {
			w.rec(recBOF, u16(biff8), u16(0x20), make([]byte, 12))
		}), rows: ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == nil {
				file = xlsFile(t, tc.stream)
			}
			start := time.Now()
			defer func() {
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("took %v", d)
				}
			}()
			b, err := openBytes(file, "a.xls")
			if tc.open != nil {
				wantCode(t, err, tc.open)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rs, err := b.Rows(0)
			if tc.rows != nil {
				wantCode(t, err, tc.rows)
				if te := err.(*Error); te.Line != tc.line {
					t.Fatalf("line %d, want %d: %v", te.Line, tc.line, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			readAll(t, rs)
		})
	}
}

// TestXLSForgedSheetOffsets: 3000 sheets whose offsets point at nested BOF
// records. Each sheet is read only up to the next one's start, so reading
// them all is one pass over the stream, not 3000.
func TestXLSForgedSheetOffsets(t *testing.T) {
	const n = 3000
	var g biffW
	g.rec(recBOF, u16(biff8), u16(bofGlobals), make([]byte, 12))
	var patch []int
	for range n {
		patch = append(patch, g.Len()+4)
		g.rec(recBoundSheet, u32(0), []byte{0, 0, 1, 0, 'S'})
	}
	g.rec(recEOF)
	stream := g.Bytes()
	var w biffW
	for i := range n {
		binary.LittleEndian.PutUint32(stream[patch[i]:], uint32(len(stream)+w.Len()))
		w.rec(recBOF, u16(biff8), u16(bofWorksheet), make([]byte, 12))
	}
	for r := range 20_000 {
		w.rec(recRK, cell(r, 0), u32(r<<2|2))
	}
	for range n {
		w.rec(recEOF)
	}
	stream = append(stream, w.Bytes()...)
	x, err := parseXLS(stream)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	corrupt := 0
	for i := range x.sheets {
		cells, _, err := x.readSheet(i)
		switch {
		case err != nil:
			corrupt++
		case i != n-1 || len(cells) != 20_000:
			t.Fatalf("sheet %d: %d cells", i, len(cells))
		}
	}
	if corrupt != n-1 || time.Since(start) > 2*time.Second {
		t.Fatalf("%d corrupt sheets, %v", corrupt, time.Since(start))
	}
}

func TestXLSLimits(t *testing.T) {
	defer func(c, s int) { xlsMaxCells, xlsMaxStrings = c, s }(xlsMaxCells, xlsMaxStrings)
	xlsMaxCells, xlsMaxStrings = 10, 3
	stream := buildStream(biff8, func(w *biffW) {
		writeSST(w, sstRecords([]sstItem{{s: "a"}, {s: "b"}, {s: "c"}}, 8224))
	}, wsheet("S", func(w *biffW) {
		for i := range 11 {
			w.rec(recRK, cell(i, 0), u32(i<<2|2))
		}
	}))
	b, err := openBytes(xlsFile(t, stream), "a.xls")
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Rows(0)
	wantCode(t, err, ErrTooLarge)

	xlsMaxStrings = 2
	_, err = openBytes(xlsFile(t, stream), "a.xls")
	wantCode(t, err, ErrTooLarge)

	data, _ := os.ReadFile("testdata/jmzyclb.xls")
	_, err = OpenWithOptions(bytes.NewReader(data), int64(len(data)), "a.xls", Options{MaxXLSXBytes: 1 << 10})
	wantCode(t, err, ErrTooLarge)
}

func TestFormatXLSNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {12, "12"}, {12.000000000000002, "12"}, {0.1 + 0.2, "0.3"},
		{1.0 / 3, "0.333333333333333"}, {123456789.12, "123456789.12"}, {440703000012345, "440703000012345"},
		{9.14403000012345e17, "914403000012345000"}, {1e-4, "0.0001"}, {1e-20, "1E-20"}, {1.5e300, "1.5E+300"},
		{-2.5, "-2.5"}, {45418.5, "45418.5"}, {math.NaN(), "#NUM!"}, {math.Inf(1), "#NUM!"},
	} {
		if got := formatXLSNumber(tc.v); got != tc.want {
			t.Errorf("formatXLSNumber(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// ---- Damaged copies and fuzzing ---------------------------------------------

// xlsReadAll opens data and reads every sheet. It returns the rows read,
// the first error, and bad: a broken promise — a panic inside the reader
// (recovered into an *xlsPanic), an error that is not an *Error, rows out of
// order or too wide, invalid UTF-8.
func xlsReadAll(data []byte) (n int, err error, bad error) {
	b, err := openBytes(data, "a.xls")
	if err != nil {
		return 0, err, checkXLSError(err)
	}
	defer b.Close()
	for i := range b.Sheets {
		rs, err := b.Rows(i)
		if err != nil {
			return n, err, checkXLSError(err)
		}
		last := 0
		for {
			r, err := rs.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return n, err, checkXLSError(err)
			}
			if r.Line <= last || len(r.Cells) > xlsMaxCol+1 {
				return n, nil, fmt.Errorf("line %d after %d, %d cells", r.Line, last, len(r.Cells))
			}
			last = r.Line
			for _, c := range r.Cells {
				if !utf8.ValidString(c) {
					return n, nil, fmt.Errorf("invalid UTF-8 %q", c)
				}
			}
			n++
		}
		_ = rs.Close()
	}
	return n, nil, nil
}

func checkXLSError(err error) error {
	var te *Error
	if !errors.As(err, &te) || te.Message == "" {
		return fmt.Errorf("not an *Error: %T %v", err, err)
	}
	var p *xlsPanic
	if errors.As(err, &p) {
		return fmt.Errorf("reader panicked: %v\n%s", p.value, p.stack)
	}
	return nil
}

// TestXLSDamagedCopies reads 300 randomly damaged copies of the real
// workbook: random bytes overwritten (1–16 of them) or, for one copy in
// eight, the file cut short. Each must be read or refused with an *Error
// within the time bound, and the reader must never panic.
func TestXLSDamagedCopies(t *testing.T) {
	data, err := os.ReadFile("testdata/jmzyclb.xls")
	if err != nil {
		t.Fatal(err)
	}
	bound := 2 * time.Second
	if raceEnabled {
		bound = 10 * time.Second
	}
	rng := rand.New(rand.NewSource(20240506))
	outcomes := map[string]int{}
	var slowest time.Duration
	for i := range 300 {
		d := slices.Clone(data)
		if i%8 == 7 {
			d = d[:rng.Intn(len(d))]
		} else {
			for range 1 + rng.Intn(16) {
				d[rng.Intn(len(d))] = byte(rng.Intn(256))
			}
		}
		type result struct {
			outcome string
			bad     error
		}
		done := make(chan result, 1)
		start := time.Now()
		go func() {
			_, err, bad := xlsReadAll(d)
			var te *Error
			o := "read"
			if errors.As(err, &te) {
				o = string(te.Code)
			}
			done <- result{o, bad}
		}()
		select {
		case r := <-done:
			if r.bad != nil {
				t.Fatalf("copy %d: %v", i, r.bad)
			}
			outcomes[r.outcome]++
		case <-time.After(bound):
			t.Fatalf("copy %d: no answer after %v", i, bound)
		}
		slowest = max(slowest, time.Since(start))
	}
	t.Logf("outcomes %v, slowest %v", outcomes, slowest)
}

// FuzzXLS feeds arbitrary bytes to the .xls reader: as a file when they
// start like a compound file, else as a bare Workbook stream (which reaches
// the record parser without the container in the way). No panic, only
// *Error failures, valid UTF-8, rows in order.
func FuzzXLS(f *testing.F) {
	data, err := os.ReadFile("testdata/jmzyclb.xls")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	rng := rand.New(rand.NewSource(1))
	for range 4 {
		d := slices.Clone(data)
		for range 8 {
			d[rng.Intn(len(d))] ^= 1 << rng.Intn(8)
		}
		f.Add(d)
	}
	for _, n := range []int{512, 4096, 100_000, 300_000} {
		f.Add(data[:n])
	}
	b, err := openBytes(data, "a.xls")
	if err != nil {
		f.Fatal(err)
	}
	stream := b.xls.stream
	f.Add(stream)
	f.Add(stream[:50_000])
	small := buildStream(biff8, func(w *biffW) {
		writeSST(w, sstRecords([]sstItem{{s: "中文abc", runs: 1, ext: 5}, {s: strings.Repeat("é中", 30)}}, 40))
		w.rec(recDateMode, u16(1))
	}, wsheet("数据", func(w *biffW) {
		w.rec(recLabelSST, cell(0, 0), u32(0))
		w.rec(recLabelSST, cell(0, 1), u32(1))
		w.rec(recMulRK, u16(1), u16(1), u16(15), u32(1<<2|2), u16(15), u32(2<<2|2), u16(2))
		w.rec(recFormula, cell(2, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, u16(0), u32(0), u16(0))
		w.rec(recString, u16(3), []byte{0}, []byte("ab"))
		w.rec(recContinue, []byte{1}, u16(0x4E2D))
		w.rec(recMergedCells, u16(1), u16(0), u16(1), u16(0), u16(1))
		w.rec(recNumber, cell(3, 3), f64(0.1))
	}))
	f.Add(small)
	f.Add(xlsFile(f, small))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, oleMagic) {
			if _, _, bad := xlsReadAll(data); bad != nil {
				t.Fatal(bad)
			}
			return
		}
		x, err := parseXLS(data)
		if err != nil {
			return
		}
		for i := range x.sheets {
			cells, _, err := x.readSheet(i)
			if err != nil {
				continue
			}
			if len(cells) > xlsMaxCells {
				t.Fatalf("%d cells", len(cells))
			}
			for k := 1; k < len(cells); k++ {
				if cells[k].pos <= cells[k-1].pos {
					t.Fatalf("cells out of order at %d", k)
				}
			}
		}
	})
}

func BenchmarkXLSJiangmen(b *testing.B) {
	data, err := os.ReadFile("testdata/jmzyclb.xls")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if n, err, _ := xlsReadAll(data); err != nil || n != 896 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkXLSLargeSheet parses a generated 60,000-row, 28-column sheet in
// the national layout (text as shared strings, numbers as RK and NUMBER),
// from the Workbook stream on: what the container adds is a copy.
func BenchmarkXLSLargeSheet(b *testing.B) {
	const rows, cols = 60_000, 28
	var items []sstItem
	for i := range 2000 {
		items = append(items, sstItem{s: fmt.Sprintf("江门市蓬江区华安五金制品有限公司%d", i)})
	}
	stream := buildStream(biff8, func(w *biffW) { writeSST(w, sstRecords(items, 8224)) },
		wsheet("S", func(w *biffW) {
			w.rec(recDimensions, u32(0), u32(rows), u16(0), u16(cols), u16(0))
			for r := range rows {
				for c := range cols {
					switch c % 4 {
					case 0:
						w.rec(recRK, cell(r, c), u32(r<<2|2))
					case 1:
						w.rec(recNumber, cell(r, c), f64(float64(r)/100))
					default:
						w.rec(recLabelSST, cell(r, c), u32((r*cols+c)%len(items)))
					}
				}
			}
		}))
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		x, err := parseXLS(stream)
		if err != nil {
			b.Fatal(err)
		}
		cells, _, err := x.readSheet(0)
		if err != nil || len(cells) != rows*cols {
			b.Fatal(len(cells), err)
		}
		it := &xlsRows{cells: cells, last: rows}
		for {
			if _, err := it.Next(); err != nil {
				break
			}
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
