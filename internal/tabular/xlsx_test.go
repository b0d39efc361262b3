package tabular

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// makeNationalXLSX builds the messy workbook a clerk might upload: a merged
// title row, a blank row, a two-row header whose upper row groups the money
// columns (处罚金额 over 罚款金额（万元） and 没收…（万元）) and whose other
// cells are merged down, data with dates as date-formatted serial numbers
// and as text, amounts as numbers and as text, a gap row, a total row, and a
// second sheet.
func makeNationalXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const s = "2024年处罚"
	if err := f.SetSheetName("Sheet1", s); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	set := func(cell string, v any) { must(f.SetCellValue(s, cell, v)) }
	set("A1", "2024年行政处罚信息公示表")
	must(f.MergeCell(s, "A1", "H1"))
	for col, name := range map[string]string{"A": "序号", "B": "行政相对人名称 *", "C": "行政处罚决定书文号", "F": "处罚决定\n日期", "G": "处罚机关"} {
		set(col+"3", name)
		must(f.MergeCell(s, col+"3", col+"4"))
	}
	set("D3", "处罚金额")
	must(f.MergeCell(s, "D3", "E3"))
	set("D4", "罚款金额（万元）")
	set("E4", "没收违法所得、没收非法财物的金额（万元）")
	set("H3", "备注")

	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	set("A5", 1)
	set("B5", "江门市蓬江区华安五金制品有限公司")
	set("C5", "江环罚〔2024〕12号")
	must(f.SetCellFloat(s, "D5", 0.5, -1, 64))
	must(f.SetCellFloat(s, "E5", 0.1+0.2, -1, 64)) // 0.30000000000000004
	must(f.SetCellInt(s, "F5", 45418))             // 2024-05-06
	must(f.SetCellStyle(s, "F5", "F5", dateStyle))
	set("G5", "江门市生态环境局")

	set("A6", 2)
	set("B6", "李四")
	set("C6", "江环罚〔2024〕13号")
	set("D6", "１，２００元")
	set("F6", "2024/5/6")
	set("G6", "江门市生态环境局")
	set("H6", "罚款\n已缴清")

	// Row 7 has no cells at all.
	set("A8", 3)
	set("B8", "鹤山市个体户王五")
	set("C8", "江环罚〔2024〕14号")
	must(f.SetCellFloat(s, "D8", 0.0001, -1, 64))
	set("F8", "2024年5月6日")
	set("G8", "江门市生态环境局")

	set("A9", "合 计")
	must(f.SetCellFloat(s, "D9", 0.62, -1, 64))

	_, err = f.NewSheet("填表说明")
	must(err)
	must(f.SetCellValue("填表说明", "A1", "金额单位为万元"))

	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func TestXLSXNationalWorkbook(t *testing.T) {
	data := makeNationalXLSX(t)
	// The content decides, not the name.
	b, err := openBytes(data, "上传文件.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Format != FormatXLSX || strings.Join(b.Sheets, ",") != "2024年处罚,填表说明" || b.Date1904 {
		t.Fatalf("book %v %q 1904=%v", b.Format, b.Sheets, b.Date1904)
	}
	rs, err := b.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, rs)
	if len(rows) != 9 {
		t.Fatalf("%d rows, want 9", len(rows))
	}
	for i, r := range rows {
		if r.Line != i+1 {
			t.Fatalf("row %d has line %d", i, r.Line)
		}
	}
	if rows[0].Cell(0) != "2024年行政处罚信息公示表" || !IsBlank(rows[1]) || !IsBlank(rows[6]) || !IsTotalRow(rows[8]) {
		t.Fatalf("title/blank/total rows: %q %q %q %q", rows[0].Cells, rows[1].Cells, rows[6].Cells, rows[8].Cells)
	}

	h, err := FindHeader(rows, nationalKnown)
	if err != nil {
		t.Fatal(err)
	}
	if h.Index != 3 || h.Line != 4 || h.Rows != 2 || h.Matched != 7 {
		t.Fatalf("header index %d line %d rows %d matched %d", h.Index, h.Line, h.Rows, h.Matched)
	}
	var names []string
	for _, c := range h.Columns {
		names = append(names, c.Group+">"+c.Name+"="+c.Known)
	}
	want := ">序号= >行政相对人名称=行政相对人名称 >行政处罚决定书文号=行政处罚决定书文号 " +
		"处罚金额>罚款金额(万元)=罚款金额（万元） 处罚金额>没收违法所得、没收非法财物的金额(万元)=没收违法所得、没收非法财物的金额（万元） " +
		">处罚决定日期=处罚决定日期 >处罚机关=处罚机关 >备注=备注"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("columns\n got %s\nwant %s", got, want)
	}

	fine, _ := h.Column("罚款金额（万元）")
	conf, _ := h.Column("没收违法所得、没收非法财物的金额（万元）")
	date, _ := h.Column("处罚决定日期")
	type rec struct {
		line       int
		fine, conf int64
		date       string
	}
	var got []rec
	for _, r := range rows[h.Index+1:] {
		if IsBlank(r) || IsTotalRow(r) {
			continue
		}
		fn, _, err := ParseAmount(r.Cell(fine.Index), UnitFromHeader(fine.Raw))
		if err != nil {
			t.Fatalf("line %d fine %q: %v", r.Line, r.Cell(fine.Index), err)
		}
		cf, _, err := ParseAmount(r.Cell(conf.Index), UnitFromHeader(conf.Raw))
		if err != nil {
			t.Fatalf("line %d confiscation %q: %v", r.Line, r.Cell(conf.Index), err)
		}
		d, err := ParseDate(r.Cell(date.Index))
		if err != nil {
			t.Fatalf("line %d date %q: %v", r.Line, r.Cell(date.Index), err)
		}
		got = append(got, rec{r.Line, fn, cf, d.String()})
	}
	wantRecs := []rec{{5, 500000, 300000, "2024-05-06"}, {6, 120000, 0, "2024-05-06"}, {8, 100, 0, "2024-05-06"}}
	if len(got) != len(wantRecs) {
		t.Fatalf("records %+v", got)
	}
	for i := range got {
		if got[i] != wantRecs[i] {
			t.Errorf("record %d = %+v, want %+v", i, got[i], wantRecs[i])
		}
	}
	if rows[5].Cell(7) != "罚款\n已缴清" || rows[4].Cell(5) != "45418" {
		t.Errorf("raw cells: %q %q", rows[5].Cell(7), rows[4].Cell(5))
	}

	rs2, err := b.Rows(1)
	if err != nil {
		t.Fatal(err)
	}
	if r := readAll(t, rs2); len(r) != 1 || r[0].Cell(0) != "金额单位为万元" {
		t.Fatalf("second sheet %+v", r)
	}
}

func TestXLSXScanHeaderReplaysRows(t *testing.T) {
	b, err := openBytes(makeNationalXLSX(t), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rs, err := b.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	// Scan only 6 rows: the rows after the header that were read ahead must
	// come back first, then the rest of the sheet.
	h, data, err := ScanHeader(rs, nationalKnown, 6)
	if err != nil {
		t.Fatal(err)
	}
	if h.Line != 4 {
		t.Fatalf("header line %d", h.Line)
	}
	var lines []int
	for _, r := range readAll(t, data) {
		lines = append(lines, r.Line)
	}
	if len(lines) != 5 || lines[0] != 5 || lines[4] != 9 {
		t.Fatalf("data lines %v", lines)
	}
}

func TestXLSXDate1904(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("Sheet1", "A1", "x")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := openBytes(buf.Bytes(), "a.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.Date1904 {
		t.Fatal("Date1904 not reported")
	}
}

func TestXLSXCorruptSheet(t *testing.T) {
	// A workbook whose sheet XML is cut short: Open succeeds (the sheet is
	// read lazily) and reading ends in ErrCorrupt or a clean EOF, never a panic.
	data := makeNationalXLSX(t)
	zipped := rezip(t, data, func(name string, body []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return body[:len(body)/2]
		}
		return body
	})
	b, err := openBytes(zipped, "a.xlsx")
	if err != nil {
		wantCode(t, err, ErrCorrupt)
		return
	}
	defer b.Close()
	rs, err := b.Rows(0)
	if err != nil {
		wantCode(t, err, ErrCorrupt)
		return
	}
	for range 100 {
		if _, err := rs.Next(); err != nil {
			if !errors.Is(err, io.EOF) {
				wantCode(t, err, ErrCorrupt)
			}
			break
		}
	}
	_ = rs.Close()
}
