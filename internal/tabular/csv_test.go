package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// The expected reading of every national_* fixture: line numbers are the
// physical lines on which records start (line 2 is empty, the header spans
// lines 3–4, the second record lines 6–8).
var nationalRows = []struct {
	line  int
	first string
	cell6 string // 违法事实
	width int
}{
	{1, "2024年度行政处罚信息公示表", "", 15},
	{3, " 行政相对人名称* ", "违法事实", 15},
	{5, "江门市蓬江区华安五金制品有限公司", "未依法报批环境影响报告表，擅自开工建设", 15},
	{6, "李四", "经查：\n1. 2024年3月1日废气超标；\n2. 拒不改正。", 15},
	{9, "", "", 15},
	{10, "鹤山市个体户王五", "夜间施工", 15},
	{11, "合计", "", 15},
}

func TestCSVFixtures(t *testing.T) {
	for _, tc := range []struct {
		file  string
		enc   Encoding
		delim rune
	}{
		{"national_utf8.csv", EncodingUTF8, ','},
		{"national_utf8bom.csv", EncodingUTF8BOM, ','},
		{"national_gbk.csv", EncodingGB18030, ','},
		{"national_tab.tsv", EncodingUTF8, '\t'},
		{"national_semicolon.csv", EncodingGB18030, ';'},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := openFile(t, "testdata/"+tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if b.Format != FormatCSV || b.Encoding != tc.enc || b.Delimiter != tc.delim {
				t.Fatalf("format %v encoding %q delimiter %q, want CSV %q %q", b.Format, b.Encoding, b.Delimiter, tc.enc, tc.delim)
			}
			if name := strings.TrimSuffix(strings.TrimSuffix(tc.file, ".csv"), ".tsv"); len(b.Sheets) != 1 || b.Sheets[0] != name {
				t.Fatalf("sheets %q", b.Sheets)
			}
			rs, err := b.Rows(0)
			if err != nil {
				t.Fatal(err)
			}
			rows := readAll(t, rs)
			if len(rows) != len(nationalRows) {
				t.Fatalf("%d rows, want %d", len(rows), len(nationalRows))
			}
			for i, want := range nationalRows {
				got := rows[i]
				if got.Line != want.line || got.Cell(0) != want.first || got.Cell(6) != want.cell6 || len(got.Cells) != want.width {
					t.Errorf("row %d = line %d %q / %q (%d cells), want line %d %q / %q (%d)",
						i, got.Line, got.Cell(0), got.Cell(6), len(got.Cells), want.line, want.first, want.cell6, want.width)
				}
			}
			if got := rows[3].Cell(14); got != `含"双引号"的备注` {
				t.Errorf("doubled quotes: %q", got)
			}
			if got := rows[3].Cell(7); !strings.Contains(got, ",第一百零八条") {
				t.Errorf("embedded comma: %q", got)
			}
			if got := rows[2].Cell(3); got != "张喆" {
				t.Errorf("legal representative %q", got)
			}
			if !IsBlank(rows[4]) || IsBlank(rows[5]) || !IsTotalRow(rows[6]) || IsTotalRow(rows[5]) {
				t.Error("blank/total row detection")
			}

			h, err := FindHeader(rows, nationalKnown)
			if err != nil {
				t.Fatal(err)
			}
			if h.Index != 1 || h.Line != 3 || h.Rows != 1 || h.Matched != 15 {
				t.Fatalf("header %+v", h)
			}
			fine, _ := h.Column("罚款金额（万元）")
			date, _ := h.Column("处罚决定日期")
			name, _ := h.Column("行政相对人名称")
			if fine.Index != 10 || date.Index != 12 || date.Name != "处罚决定日期" || name.Index != 0 || name.Name != "行政相对人名称" {
				t.Fatalf("columns: fine %+v date %+v name %+v", fine, date, name)
			}
			// The values of the fixture, through the parsers.
			unit := UnitFromHeader(fine.Raw)
			var fens []int64
			var dates []string
			for _, r := range rows[h.Index+1:] {
				if IsBlank(r) || IsTotalRow(r) {
					continue
				}
				f, ok, err := ParseAmount(r.Cell(fine.Index), unit)
				if err != nil || !ok {
					t.Fatalf("line %d amount: %v %v", r.Line, ok, err)
				}
				d, err := ParseDate(r.Cell(date.Index))
				if err != nil {
					t.Fatalf("line %d date: %v", r.Line, err)
				}
				fens, dates = append(fens, f), append(dates, d.String())
			}
			if got := []int64{500000, 1200000, 300000}; !equalInts(fens, got) {
				t.Errorf("fines %v, want %v", fens, got)
			}
			if strings.Join(dates, " ") != "2024-05-06 2024-05-06 2024-05-06" {
				t.Errorf("dates %v", dates)
			}
		})
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// physicalLines finds, independently of encoding/csv, the line on which each
// record of an RFC 4180 text starts (skipping empty lines, as csv does).
func physicalLines(data string) []int {
	var starts []int
	line, inQuote, atStart := 1, false, true
	for i := 0; i < len(data); i++ {
		c := data[i]
		if atStart && c != '\n' && c != '\r' {
			starts = append(starts, line)
			atStart = false
		}
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\n':
			line++
			if !inQuote {
				atStart = true
			}
		}
	}
	return starts
}

func TestRealJiangmenCSV(t *testing.T) {
	data, err := os.ReadFile("testdata/jmzyclb.csv")
	if err != nil {
		t.Fatal(err)
	}
	wantLines := physicalLines(string(data))
	check := func(t *testing.T, b *Book, enc Encoding) {
		if b.Encoding != enc || b.Delimiter != ',' {
			t.Fatalf("encoding %q delimiter %q", b.Encoding, b.Delimiter)
		}
		rs, err := b.Rows(0)
		if err != nil {
			t.Fatal(err)
		}
		rows := readAll(t, rs)
		if len(rows) != 897 {
			t.Fatalf("%d rows, want header + 896", len(rows))
		}
		sheets := map[string]int{}
		for i, r := range rows {
			if r.Line != wantLines[i] {
				t.Fatalf("row %d at line %d, want %d", i, r.Line, wantLines[i])
			}
			if len(r.Cells) != 9 {
				t.Fatalf("line %d: %d cells", r.Line, len(r.Cells))
			}
			if i > 0 {
				sheets[r.Cell(0)]++
			}
		}
		if len(sheets) != 12 || sheets["水污染防治法"] != 150 || sheets["潭江条例"] != 15 {
			t.Fatalf("sheets %v", sheets)
		}
		// Sheet 水污染防治法, item 2-1 (SOURCE.md's sample).
		var found bool
		for _, r := range rows {
			if r.Cell(0) == "水污染防治法" && r.Cell(2) == "2-1" {
				found = r.Cell(3) == "拒绝现场检查或者在接受检查时弄虚作假" && r.Cell(5) == "1" &&
					strings.HasPrefix(r.Cell(7), "责令改正，处二万元以上五万元以下罚款")
			}
		}
		if !found {
			t.Fatal("item 2-1 of 水污染防治法 not read as expected")
		}
	}
	t.Run("UTF8", func(t *testing.T) {
		b, err := openBytes(data, "jmzyclb.csv")
		if err != nil {
			t.Fatal(err)
		}
		check(t, b, EncodingUTF8)
	})
	t.Run("GB18030", func(t *testing.T) {
		gb, _, err := transform.Bytes(simplifiedchinese.GB18030.NewEncoder(), data)
		if err != nil {
			t.Fatal(err)
		}
		b, err := openBytes(gb, "jmzyclb.csv")
		if err != nil {
			t.Fatal(err)
		}
		check(t, b, EncodingGB18030)
	})
}

func TestEncodingDetection(t *testing.T) {
	gbk := func(s string) string {
		b, _, err := transform.Bytes(simplifiedchinese.GBK.NewEncoder(), []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct {
		name string
		data string
		enc  Encoding
		cell string
	}{
		{"ASCIIOnly", "a,b\n1,2\n", EncodingASCII, "b"},
		{"UTF8", "名称,金额\n甲,1\n", EncodingUTF8, "金额"},
		{"GBK", gbk("名称,金额\n甲,1\n"), EncodingGB18030, "金额"},
		// GBK "联通" is also valid UTF-8 (as "ǔͨ"); the plausibility rule wins.
		{"GBKValidAsUTF8", gbk("a,联通\n"), EncodingGB18030, "联通"},
		{"UTF16LE", "\xFF\xFEa\x00,\x00\x0D\x54\xF0\x79\n\x00", EncodingUTF16LE, "名称"},
		// ASCII for more than the 64 KiB window, then GBK: decided late.
		{"LateGBK", strings.Repeat("x,y\n", 40000) + gbk("名称,金额\n"), EncodingGB18030, "y"},
		// One stray byte in otherwise UTF-8 text stays UTF-8 (and reads as U+FFFD).
		{"UTF8WithOneBadByte", "名称,金额\n" + strings.Repeat("甲乙丙丁,1\n", 50) + "\xff,2\n", EncodingUTF8, "金额"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCSVReader(strings.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			rows := readAll(t, c)
			if c.Encoding() != tc.enc {
				t.Fatalf("encoding %q, want %q", c.Encoding(), tc.enc)
			}
			if rows[0].Cell(1) != tc.cell && !(len(rows[0].Cells) == 1 && rows[0].Cell(0) == tc.cell) {
				t.Fatalf("first row %q, want second cell %q", rows[0].Cells, tc.cell)
			}
			last := rows[len(rows)-1]
			for _, cell := range last.Cells {
				if !utf8Valid(cell) {
					t.Fatalf("invalid UTF-8 cell %q", cell)
				}
			}
			if tc.name == "LateGBK" && (last.Cell(0) != "名称" || last.Line != 40001) {
				t.Fatalf("late GBK row %+v", last)
			}
			if tc.name == "UTF8WithOneBadByte" && last.Cell(0) != "\uFFFD" {
				t.Fatalf("bad byte read as %q", last.Cell(0))
			}
		})
	}
	t.Run("RejectsUnknownEncoding", func(t *testing.T) {
		// Latin-1-ish bytes that are invalid both as UTF-8 and as GB18030.
		data := strings.Repeat("a,\x80\xff\x80\xff\n", 100)
		_, err := NewCSVReader(strings.NewReader(data))
		wantCode(t, err, ErrEncoding)
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

func TestDelimiterSniffing(t *testing.T) {
	for _, tc := range []struct {
		sample string
		want   rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a\tb\tc\n1\t2,5\t3\n", '\t'},
		{"a;b;c\n1;2,5;3\n4;5;6\n", ';'},
		{"a|b|c\n1|2|3\n", '|'},
		{"single\ncolumn\n", ','},
		{"标题\n\"a,b\";c;d\n1;2;3\n", ';'},
		{"", ','},
	} {
		if got := sniffDelimiter([]byte(tc.sample), true); got != tc.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tc.sample, got, tc.want)
		}
	}
}

func TestCSVRecordTooLarge(t *testing.T) {
	// An opening quote never closed would swallow the rest of the file.
	data := "a,b\n1,\"unclosed\n" + strings.Repeat("filler line\n", 200000)
	c, err := newCSVReader(strings.NewReader(data), Options{MaxRecordBytes: 64 << 10}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if r, err := c.Next(); err != nil || r.Line != 1 {
		t.Fatalf("first row %+v %v", r, err)
	}
	_, err = c.Next()
	wantCode(t, err, ErrRecordTooBig)
	var te *Error
	errors.As(err, &te)
	if te.Line != 2 {
		t.Fatalf("line %d, want 2", te.Line)
	}
	if _, err2 := c.Next(); !errors.Is(err2, ErrRecordTooBig) {
		t.Fatalf("error is not sticky: %v", err2)
	}
}

func TestCSVMatchesEncodingCSV(t *testing.T) {
	// Whatever encoding/csv makes of the real file, we return the same cells.
	data, _ := os.ReadFile("testdata/jmzyclb.csv")
	ref := csv.NewReader(bytes.NewReader(data))
	ref.FieldsPerRecord = -1
	want, err := ref.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCSVReader(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, c)
	for i := range want {
		if strings.Join(got[i].Cells, "\x00") != strings.Join(want[i], "\x00") {
			t.Fatalf("record %d differs", i)
		}
	}
}

func TestCSVReReadFromBook(t *testing.T) {
	b, err := openFile(t, "testdata/national_gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		rs, err := b.Rows(0)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(readAll(t, rs)); n != len(nationalRows) {
			t.Fatalf("pass %d: %d rows", i, n)
		}
	}
	if _, err := b.Rows(1); !errors.Is(err, ErrNoSheet) {
		t.Fatalf("Rows(1): %v", err)
	}
}

func TestCSVLineNumbersWithCRLFAndBlankLines(t *testing.T) {
	data := "h1,h2\r\n\r\n\r\n\"a\r\nb\",c\r\n\r\nd,e\r\n"
	c, err := NewCSVReader(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, c)
	var got []string
	for _, r := range rows {
		got = append(got, strconv.Itoa(r.Line)+":"+strings.Join(r.Cells, "|"))
	}
	if want := "1:h1|h2 4:a\nb|c 7:d|e"; strings.Join(got, " ") != want {
		t.Fatalf("got %q, want %q", strings.Join(got, " "), want)
	}
}

var _ io.Reader = (*limitReader)(nil)
