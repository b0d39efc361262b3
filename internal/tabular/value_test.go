package tabular

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	ok := []struct{ in, want string }{
		{"2024-05-06", "2024-05-06"},
		{"2024/5/6", "2024-05-06"},
		{"2024.5.6", "2024-05-06"},
		{"2024年5月6日", "2024-05-06"},
		{"2024年05月06号", "2024-05-06"},
		{"2024 年 5 月 6 日", "2024-05-06"},
		{"二〇二四年五月六日", "2024-05-06"},
		{"二〇二四年十二月三十一日", "2024-12-31"},
		{"二〇二四年十月十日", "2024-10-10"},
		{"20240506", "2024-05-06"},
		{"2024-05-06 00:00:00", "2024-05-06"},
		{"2024-05-06T08:30:00", "2024-05-06"},
		{"2024/5/6 8:30", "2024-05-06"},
		{"2024-05-06 00:00:00.000", "2024-05-06"},
		{"2024年5月6日8时30分", "2024-05-06"},
		{"45418", "2024-05-06"},
		{"45418.75", "2024-05-06"},
		{"２０２４－０５－０６", "2024-05-06"},
		{"２０２４年５月６日", "2024-05-06"},
		{"  2024/05/06\t", "2024-05-06"},
		{"2024-02-29", "2024-02-29"},
		{"2000-02-29", "2000-02-29"},
		{"2099/12/31", "2099-12-31"},
		{"73050", "2099-12-31"},
		{"", ""},
		{"   ", ""},
	}
	for _, tc := range ok {
		d, err := ParseDate(tc.in)
		if err != nil || d.String() != tc.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tc.in, d, err, tc.want)
		}
	}
	bad := []struct{ in, reason string }{
		{"2023-02-29", "2023年2月没有29日"},
		{"1900-02-29", "1900年2月没有29日"},
		{"2024-13-01", "月份应为 1–12"},
		{"2024-04-31", "没有31日"},
		{"2024-00-10", "月份"},
		{"20240230", "没有30日"},
		{"1850-01-01", "超出合理范围"},
		{"2150-01-01", "超出合理范围"},
		{"06/05/2024", "无法确定是日/月/年"},
		{"24-5-6", "四位"},
		{"2024-5", "无法识别"},
		{"2024-05/06", "无法识别"},
		{"2024-05-06 25:00", "时间部分"},
		{"12345", "不是合理的日期"},
		{"60", "不是合理的日期"},
		{"2024.5", "不是合理的日期"},
		{"abc", "无法识别"},
		{"2024年13月1日", "月份"},
		{"二〇二四年二月三十日", "没有30日"},
		{"2024年5月", "无法识别"},
		{"-45418", "无法识别"},
	}
	for _, tc := range bad {
		_, err := ParseDate(tc.in)
		var ve *ValueError
		if !errors.As(err, &ve) || !strings.Contains(ve.Reason, tc.reason) || ve.Value != tc.in {
			t.Errorf("ParseDate(%q) error = %v; want a ValueError containing %q", tc.in, err, tc.reason)
		}
	}
}

func TestDateFromSerial(t *testing.T) {
	for _, tc := range []struct {
		serial float64
		d1904  bool
		want   string
	}{
		{1, false, "1900-01-01"},
		{59, false, "1900-02-28"},
		{61, false, "1900-03-01"}, // Excel's phantom 1900-02-29 is serial 60
		{25569, false, "1970-01-01"},
		{45418, false, "2024-05-06"},
		{2958465, false, "9999-12-31"},
		{0, true, "1904-01-01"},
		{43956, true, "2024-05-06"},
	} {
		d, err := DateFromSerial(tc.serial, tc.d1904)
		if err != nil || d.String() != tc.want {
			t.Errorf("DateFromSerial(%v, %v) = %v, %v; want %s", tc.serial, tc.d1904, d, err, tc.want)
		}
	}
	for _, s := range []float64{0, 60, -1, 2958466} {
		if _, err := DateFromSerial(s, false); err == nil {
			t.Errorf("DateFromSerial(%v) accepted", s)
		}
	}
	if d, _ := ParseDate("2024-05-06"); d.Time(time.UTC) != time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC) {
		t.Error("Date.Time")
	}
}

func TestParseAmount(t *testing.T) {
	ok := []struct {
		in   string
		unit Unit
		fen  int64
	}{
		{"1234.56", Yuan, 123456},
		{"1,234.56", Yuan, 123456},
		{"1,234,567", Yuan, 123456700},
		{"１，２３４．５６", Yuan, 123456},
		{"￥1,234.50元", Yuan, 123450},
		{"¥ 5000", Yuan, 500000},
		{"人民币5000元整", Yuan, 500000},
		{"0.5", WanYuan, 500000},
		{"1.2345", WanYuan, 1234500},
		{"0.000001", WanYuan, 1},
		{"3000元", WanYuan, 300000}, // the cell's own unit wins
		{"3万元", Yuan, 3000000},
		{"3万元", UnitUnknown, 3000000},
		{"0", Yuan, 0},
		{"0.00", WanYuan, 0},
		{".5", Yuan, 50},
		{"5.", Yuan, 500},
		{"+12", Yuan, 1200},
		{"1E-4", WanYuan, 100},
		{"1.5E+3", Yuan, 150000},
		{"0.30000000000000004", WanYuan, 300000}, // floating-point noise, rounded
		{"1.1000000000000001", Yuan, 110},
		{"2.9999999999999996", Yuan, 300},
		{"92233720368547758.07", Yuan, 9223372036854775807},
		{" 12 345 ", Yuan, 1234500},
	}
	for _, tc := range ok {
		fen, present, err := ParseAmount(tc.in, tc.unit)
		if err != nil || !present || fen != tc.fen {
			t.Errorf("ParseAmount(%q, %v) = %d, %v, %v; want %d", tc.in, tc.unit, fen, present, err, tc.fen)
		}
	}
	for _, blank := range []string{"", "  ", "　", "-", "—", "/", "无"} {
		fen, present, err := ParseAmount(blank, Yuan)
		if err != nil || present || fen != 0 {
			t.Errorf("ParseAmount(%q) = %d, %v, %v; want blank", blank, fen, present, err)
		}
	}
	bad := []struct {
		in     string
		unit   Unit
		reason string
	}{
		{"-5", Yuan, "不能为负数"},
		{"−5", Yuan, "不能为负数"},
		{"(5)", Yuan, "不能为负数"},
		{"12.345", Yuan, "精度超过"},
		{"0.0000001", WanYuan, "精度超过"},
		{"1,23", Yuan, "无法识别"},
		{"12,3456", Yuan, "无法识别"},
		{",123", Yuan, "无法识别"},
		{"1.2.3", Yuan, "无法识别"},
		{"五千元", Yuan, "无法识别"},
		{"abc", Yuan, "无法识别"},
		{"1e", Yuan, "无法识别"},
		{".", Yuan, "无法识别"},
		{"元", Yuan, "无法识别"},
		{"5000", UnitUnknown, "单位不明"},
		{"92233720368547758.08", Yuan, "过大"},
		{"1E+30", Yuan, "过大"},
	}
	for _, tc := range bad {
		_, present, err := ParseAmount(tc.in, tc.unit)
		var ve *ValueError
		if present || !errors.As(err, &ve) || !strings.Contains(ve.Reason, tc.reason) {
			t.Errorf("ParseAmount(%q, %v) = %v, %v; want error containing %q", tc.in, tc.unit, present, err, tc.reason)
		}
	}
}

func TestUnitFromHeader(t *testing.T) {
	for h, want := range map[string]Unit{
		"罚款金额（万元）": WanYuan,
		"罚款金额(万元)": WanYuan,
		"没收违法所得、没收非法财物的金额（万元）": WanYuan,
		"罚款金额（元）":      Yuan,
		"金额/元":         Yuan,
		"罚款金额":         UnitUnknown,
		"罚款金额 （ 万 元 ）": WanYuan,
	} {
		if got := UnitFromHeader(h); got != want {
			t.Errorf("UnitFromHeader(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		" 罚款金额\n（万元）* ":       "罚款金额(万元)",
		"*行政相对人名称":            "行政相对人名称",
		"行政相对人名称（必填）":         "行政相对人名称",
		"备注(选填)":              "备注",
		"处罚　决定　日期":            "处罚决定日期",
		"行政相对人代码_1（统一社会信用代码）": "行政相对人代码_1(统一社会信用代码)",
		"ＩＤ　号码":               "ID号码",
		"【处罚机关】":              "[处罚机关]",
		"\u200b处罚机关\ufeff":    "处罚机关",
		"＊处罚类别＊":              "处罚类别",
		"":                    "",
	} {
		if got := NormalizeHeader(in); got != want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindHeader(t *testing.T) {
	row := func(line int, cells ...string) Row { return Row{Line: line, Cells: cells} }
	t.Run("TwoRowHeaderBeatsItsLowerRow", func(t *testing.T) {
		rows := []Row{
			row(1, "2024年行政处罚信息公示表"),
			row(2),
			row(3, "行政相对人", "", "处罚金额", "", "处罚决定日期"),
			row(4, "名称", "统一社会信用代码", "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）", ""),
			row(5, "某公司", "91440000XXXXXXXXXX", "1", "0", "2024-05-06"),
		}
		h, err := FindHeader(rows, []string{"行政相对人名称", "行政相对人统一社会信用代码", "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）", "处罚决定日期"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range h.Columns {
			got = append(got, c.Name+"="+c.Known)
		}
		want := "行政相对人名称=行政相对人名称 行政相对人统一社会信用代码=行政相对人统一社会信用代码 罚款金额(万元)=罚款金额（万元） " +
			"没收违法所得、没收非法财物的金额(万元)=没收违法所得、没收非法财物的金额（万元） 处罚决定日期=处罚决定日期"
		if h.Index != 3 || h.Line != 4 || h.Rows != 2 || strings.Join(got, " ") != want {
			t.Fatalf("header %d/%d/%d %s", h.Index, h.Line, h.Rows, strings.Join(got, " "))
		}
	})
	t.Run("MatchesDespiteAnotherUnit", func(t *testing.T) {
		h, err := FindHeader([]Row{row(1, "行政相对人名称", "罚款金额（元）")}, nationalKnown)
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := h.Column("罚款金额（万元）"); !ok || UnitFromHeader(c.Raw) != Yuan {
			t.Fatalf("column %+v %v", c, ok)
		}
	})
	t.Run("CaseInsensitive", func(t *testing.T) {
		if _, err := FindHeader([]Row{row(1, "id", "NAME")}, []string{"ID", "name"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RejectsATableWithoutKnownHeaders", func(t *testing.T) {
		_, err := FindHeader([]Row{row(1, "甲", "乙"), row(2, "1", "2")}, nationalKnown)
		wantCode(t, err, ErrNoHeader)
	})
	t.Run("IgnoresRowsBeyondTheScanLimit", func(t *testing.T) {
		rows := make([]Row, DefaultHeaderScan+1)
		rows[DefaultHeaderScan] = row(31, "行政相对人名称", "处罚机关")
		_, err := FindHeader(rows, nationalKnown)
		wantCode(t, err, ErrNoHeader)
	})
}

func TestBlankAndTotalRows(t *testing.T) {
	for _, tc := range []struct {
		cells        []string
		blank, total bool
	}{
		{nil, true, false},
		{[]string{"", " ", "\u3000", "\n"}, true, false},
		{[]string{"", "合计", "", "12"}, false, true},
		{[]string{"合 计："}, false, true},
		{[]string{"总计（共15条）"}, false, true},
		{[]string{"", "", "小计"}, false, true},
		{[]string{"1", "共计"}, false, true},
		{[]string{"1", "某公司", "合计"}, false, false}, // third non-empty cell
		{[]string{"合计金额超过规定标准的违法行为，依法应当从重处罚的情形"}, false, false},
		{[]string{"某公司", "91440000"}, false, false},
	} {
		r := Row{Cells: tc.cells}
		if IsBlank(r) != tc.blank || IsTotalRow(r) != tc.total {
			t.Errorf("%q: blank %v total %v, want %v %v", tc.cells, IsBlank(r), IsTotalRow(r), tc.blank, tc.total)
		}
	}
}
