package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-05-06", "2024/5/6", "2024.5.6", "2024年5月6日", "二〇二四年十二月三十一日", "20240506",
		"2024-05-06 00:00:00", "2024-05-06T08:30", "45418", "45418.5", "２０２４－０５－０６", "2023-02-29", "06/05/2024",
		"", "年月日", "2024年5月6日8时30分", "9999999999", "1e5", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			var ve *ValueError
			if !errors.As(err, &ve) || ve.Reason == "" || !d.IsZero() {
				t.Fatalf("ParseDate(%q): bad error %#v", s, err)
			}
			return
		}
		if d.IsZero() {
			if strings.TrimFunc(s, isSpaceLike) != "" {
				t.Fatalf("ParseDate(%q) = zero date for a non-blank cell", s)
			}
			return
		}
		if d.Year < MinYear || d.Year > MaxYear || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			t.Fatalf("ParseDate(%q) = impossible %+v", s, d)
		}
		if again, err := ParseDate(d.String()); err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %v does not round-trip: %v %v", s, d, again, err)
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1234.56", "1,234.56", "１，２３４．５６", "￥1,234.50元", "0.5", "3万元", "1E-4", "0.30000000000000004",
		"-5", "12.345", "1,23", "", "无", "92233720368547758.08", "1e9999", "0.000000000000000000001", "99999999999999999999e-20"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, wan bool) {
		unit := Yuan
		if wan {
			unit = WanYuan
		}
		fen, ok, err := ParseAmount(s, unit)
		switch {
		case err != nil:
			var ve *ValueError
			if !errors.As(err, &ve) || ve.Reason == "" || ok || fen != 0 {
				t.Fatalf("ParseAmount(%q): bad error %#v", s, err)
			}
			return
		case !ok:
			if fen != 0 {
				t.Fatalf("ParseAmount(%q) blank with %d", s, fen)
			}
			return
		}
		if fen < 0 {
			t.Fatalf("ParseAmount(%q) = %d < 0", s, fen)
		}
		// The result, written out in 元 and in 万元, reads back exactly.
		yuan := fmt.Sprintf("%d.%02d", fen/100, fen%100)
		if back, ok, err := ParseAmount(yuan, Yuan); err != nil || !ok || back != fen {
			t.Fatalf("ParseAmount(%q) = %d; %q reads back as %d, %v", s, fen, yuan, back, err)
		}
		wanText := fmt.Sprintf("%d.%06d万元", fen/1_000_000, fen%1_000_000)
		if back, ok, err := ParseAmount(wanText, Yuan); err != nil || !ok || back != fen {
			t.Fatalf("ParseAmount(%q) = %d; %q reads back as %d, %v", s, fen, wanText, back, err)
		}
	})
}

func FuzzNormalizeHeader(f *testing.F) {
	for _, s := range []string{" 罚款金额\n（万元）* ", "*行政相对人名称（必填）", "ＩＤ　号码", "【处罚机关】", "\u200b", "**(必填)*", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeHeader(s)
		if NormalizeHeader(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormalizeHeader(n))
		}
		for _, r := range n {
			if isSpaceLike(r) || (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 {
				t.Fatalf("NormalizeHeader(%q) = %q keeps %U", s, n, r)
			}
		}
		if strings.HasPrefix(n, "*") || strings.HasSuffix(n, "*") || strings.HasSuffix(n, "(必填)") {
			t.Fatalf("NormalizeHeader(%q) = %q keeps a marker", s, n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("NormalizeHeader(%q) = %q is not valid UTF-8", s, n)
		}
		if UnitFromHeader(s) != UnitFromHeader(n) {
			t.Fatalf("UnitFromHeader differs for %q and its normal form", s)
		}
	})
}

// FuzzCSVReader feeds arbitrary bytes to the CSV sniffer and reader: no
// panic, only *Error failures, valid UTF-8 cells, line numbers that only
// grow.
func FuzzCSVReader(f *testing.F) {
	for _, name := range []string{"national_utf8.csv", "national_gbk.csv", "national_tab.tsv", "national_semicolon.csv", "national_utf8bom.csv"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "\xEF\xBB\xBF", "\xFF\xFEa\x00", "a,\"b\nc\"\n\n\"d\"\"e\",f", "a;b\tc|d", "\"unclosed", "\x80\xff\x81", "联通"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := newCSVReader(bytes.NewReader(data), Options{MaxRecordBytes: 1 << 16}.withDefaults())
		if err != nil {
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("non-*Error %T %v", err, err)
			}
			return
		}
		if d := c.Delimiter(); d != ',' && d != '\t' && d != ';' && d != '|' {
			t.Fatalf("delimiter %q", d)
		}
		last := 0
		for range 10000 {
			r, err := c.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var te *Error
				if !errors.As(err, &te) {
					t.Fatalf("non-*Error %T %v", err, err)
				}
				if te.Code == CodeMalformedCSV {
					continue
				}
				return
			}
			if r.Line <= last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			for _, cell := range r.Cells {
				if !utf8.ValidString(cell) {
					t.Fatalf("invalid UTF-8 cell %q", cell)
				}
			}
		}
	})
}

// FuzzOpen feeds arbitrary bytes to Open and reads what it accepts: no
// panic escapes the third-party readers, and every failure is an *Error.
func FuzzOpen(f *testing.F) {
	f.Add(makeNationalXLSX(f))
	f.Add(makeZip(f, map[string]string{"xl/workbook.xml": "<workbook/>"}))
	xls, err := os.ReadFile("testdata/jmzyclb.xls")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(xls[:4096])
	f.Add([]byte("名称,金额\n甲,1\n"))
	f.Add([]byte("%PDF-1.4"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := openBytes(data, "upload.xlsx")
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || te.Message == "" {
				t.Fatalf("non-*Error %T %v", err, err)
			}
			return
		}
		defer b.Close()
		for i := range b.Sheets {
			rs, err := b.Rows(i)
			if err != nil {
				var te *Error
				if !errors.As(err, &te) {
					t.Fatalf("non-*Error %T %v", err, err)
				}
				continue
			}
			for range 1000 {
				if _, err := rs.Next(); err != nil {
					var te *Error
					if !errors.Is(err, io.EOF) && !errors.As(err, &te) {
						t.Fatalf("non-*Error %T %v", err, err)
					}
					if te == nil || te.Code != CodeMalformedCSV {
						break
					}
				}
			}
			_ = rs.Close()
		}
	})
}
