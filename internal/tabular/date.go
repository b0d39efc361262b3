package tabular

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date with no time of day or zone. The zero value means
// "no date" (a blank cell).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats the date as 2006-01-02, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight of the date in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// The accepted ranges: years written out, and Excel serial day numbers.
// Serial numbers are only taken as dates between 1950 and 2100, so that a
// stray small number in a date column is reported instead of becoming a
// date in 1900.
const (
	MinYear       = 1900
	MaxYear       = 2100
	minSerialYear = 1950
)

var (
	minSerial = serialOf(Date{minSerialYear, time.January, 1})
	maxSerial = serialOf(Date{MaxYear, time.December, 31})
)

// excelEpoch is day 0 of the 1900 date system for serials from 61 on: Excel
// counts 1900-02-29, which did not exist (a bug kept from Lotus 1-2-3), so
// serial 61 is 1900-03-01 and 1899-12-30 + n is right for every n ≥ 61.
var (
	excelEpoch1900 = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	excelEpoch1904 = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
)

func serialOf(d Date) int {
	return int(d.Time(time.UTC).Sub(excelEpoch1900).Hours() / 24)
}

// DateFromSerial converts an Excel serial day number to a date, ignoring the
// fraction (the time of day). In the 1900 system serial 1 is 1900-01-01,
// serial 60 is Excel's phantom 1900-02-29 (an error here) and serial 61 is
// 1900-03-01; in the 1904 system serial 0 is 1904-01-01. Serials outside
// 1–2958465 (9999-12-31) are errors. The range check of [ParseDate] is not
// applied here.
func DateFromSerial(serial float64, date1904 bool) (Date, error) {
	s := fmt.Sprint(serial)
	if math.IsNaN(serial) || serial < 0 || serial >= 2958466 {
		return Date{}, valueErr(s, fmt.Sprintf("数字“%s”不是有效的 Excel 日期序号", s))
	}
	n := int(serial)
	var t time.Time
	switch {
	case date1904:
		t = excelEpoch1904.AddDate(0, 0, n)
	case n == 0:
		return Date{}, valueErr(s, "Excel 日期序号 0 不对应任何日期")
	case n == 60:
		return Date{}, valueErr(s, "Excel 日期序号 60 对应并不存在的 1900年2月29日")
	case n < 60:
		t = excelEpoch1900.AddDate(0, 0, n+1)
	default:
		t = excelEpoch1900.AddDate(0, 0, n)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

const dateFormats = "2024-05-06、2024/5/6、2024.5.6、2024年5月6日 或 20240506"

// ParseDate reads the date forms found in agency spreadsheets:
//
//	2024-05-06   2024/5/6   2024.5.6   2024年5月6日   二〇二四年五月六日
//	20240506     2024-05-06 00:00:00   2024/5/6 8:30   2024-05-06T00:00:00
//	45418        45418.5   (Excel serial day numbers, 1900 date system)
//
// Full-width digits and punctuation are accepted, as are surrounding
// spaces. A time of day, if present, must be well formed and is dropped.
// Years must be 1900–2100; serial numbers are taken as dates only when they
// fall in 1950–2100. A blank cell gives the zero Date and no error: whether
// the date is required is the caller's decision. Day-first or month-first
// forms such as 06/05/2024 are refused as ambiguous. Errors are
// [*ValueError] with a Chinese reason.
func ParseDate(s string) (Date, error) {
	t := strings.TrimSpace(s)
	if !isASCII(t) {
		var b strings.Builder
		for _, r := range t {
			b.WriteRune(foldRune(r))
		}
		t = strings.TrimSpace(b.String())
	}
	if t == "" {
		return Date{}, nil
	}
	if strings.ContainsAny(t, "年月") {
		t = strings.Map(func(r rune) rune {
			if isSpaceLike(r) {
				return -1
			}
			return r
		}, t)
		return parseChineseDate(s, t)
	}
	datePart, timePart := t, ""
	if i := strings.IndexAny(t, " \tT"); i >= 0 {
		datePart, timePart = t[:i], strings.TrimSpace(t[i+1:])
		if !validTime(timePart) {
			return Date{}, valueErr(s, fmt.Sprintf("无法识别日期“%s”中的时间部分，请使用 %s 等格式", s, dateFormats))
		}
	}
	if allDigits(datePart) && len(datePart) == 8 {
		return makeDate(s, atoi(datePart[:4]), atoi(datePart[4:6]), atoi(datePart[6:]))
	}
	if isSerial(datePart) && timePart == "" {
		f, err := strconv.ParseFloat(datePart, 64)
		if err != nil || f < float64(minSerial) || f >= float64(maxSerial+1) {
			return Date{}, valueErr(s, fmt.Sprintf("数字“%s”不是合理的日期（作为 Excel 日期序号应在 %d–%d 年之间），请使用 %s 等格式", s, minSerialYear, MaxYear, dateFormats))
		}
		return DateFromSerial(f, false)
	}
	sep := -1
	for i := 0; i < len(datePart); i++ {
		if c := datePart[i]; c == '-' || c == '/' || c == '.' {
			sep = i
			break
		}
	}
	if sep < 0 {
		return Date{}, valueErr(s, fmt.Sprintf("无法识别的日期“%s”，请使用 %s 等格式", s, dateFormats))
	}
	var parts [3]string
	rest, np := datePart, 0
	for np < 3 {
		i := strings.IndexByte(rest, datePart[sep])
		if i < 0 {
			parts[np], np = rest, np+1
			rest = ""
			break
		}
		parts[np], np, rest = rest[:i], np+1, rest[i+1:]
	}
	if np != 3 || rest != "" || !allDigits(parts[0]) || !allDigits(parts[1]) || !allDigits(parts[2]) ||
		len(parts[1]) > 2 || len(parts[2]) > 2 {
		if np == 3 && rest == "" && len(parts[2]) == 4 && allDigits(parts[2]) {
			return Date{}, valueErr(s, fmt.Sprintf("日期“%s”无法确定是日/月/年还是月/日/年，请使用年在前的格式，如 %s", s, dateFormats))
		}
		return Date{}, valueErr(s, fmt.Sprintf("无法识别的日期“%s”，请使用 %s 等格式", s, dateFormats))
	}
	if len(parts[0]) != 4 {
		return Date{}, valueErr(s, fmt.Sprintf("日期“%s”的年份应为四位数字，请使用 %s 等格式", s, dateFormats))
	}
	return makeDate(s, atoi(parts[0]), atoi(parts[1]), atoi(parts[2]))
}

// atoi converts a short run of ASCII digits (checked by the caller).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// parseChineseDate reads 2024年5月6日, 2024年05月06号 and 二〇二四年五月六日,
// optionally followed by a time.
func parseChineseDate(orig, t string) (Date, error) {
	bad := func() (Date, error) {
		return Date{}, valueErr(orig, fmt.Sprintf("无法识别的日期“%s”，请使用 %s 等格式", orig, dateFormats))
	}
	yi := strings.Index(t, "年")
	mi := strings.Index(t, "月")
	if yi <= 0 || mi <= yi {
		return bad()
	}
	rest := t[mi+len("月"):]
	di := strings.IndexAny(rest, "日号")
	if di <= 0 {
		return bad()
	}
	tail := rest[di+len("日"):]
	if tail != "" && !validTime(tail) && !validChineseTime(tail) {
		return bad()
	}
	y, ok1 := chineseYear(t[:yi])
	m, ok2 := chineseNumber(t[yi+len("年") : mi])
	d, ok3 := chineseNumber(rest[:di])
	if !ok1 || !ok2 || !ok3 {
		return bad()
	}
	return makeDate(orig, y, m, d)
}

var chineseDigits = map[rune]int{'〇': 0, '零': 0, 'О': 0, 'Ｏ': 0, 'O': 0, '○': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// chineseYear reads "2024" or "二〇二四" (digit by digit).
func chineseYear(s string) (int, bool) {
	if allDigits(s) {
		if len(s) != 4 {
			return 0, false
		}
		n, _ := strconv.Atoi(s)
		return n, true
	}
	n, count := 0, 0
	for _, r := range s {
		v, ok := chineseDigits[r]
		if !ok {
			return 0, false
		}
		n, count = n*10+v, count+1
	}
	return n, count == 4
}

// chineseNumber reads 1–2 ASCII digits or a Chinese numeral up to 三十一.
func chineseNumber(s string) (int, bool) {
	if allDigits(s) {
		if len(s) == 0 || len(s) > 2 {
			return 0, false
		}
		n, _ := strconv.Atoi(s)
		return n, true
	}
	rs := []rune(s)
	switch len(rs) {
	case 1:
		if rs[0] == '十' {
			return 10, true
		}
		v, ok := chineseDigits[rs[0]]
		return v, ok && v > 0
	case 2:
		if rs[0] == '十' { // 十五
			v, ok := chineseDigits[rs[1]]
			return 10 + v, ok && v > 0
		}
		if rs[1] == '十' { // 二十
			v, ok := chineseDigits[rs[0]]
			return 10 * v, ok && v > 1
		}
	case 3:
		if rs[1] == '十' { // 二十五
			a, ok1 := chineseDigits[rs[0]]
			b, ok2 := chineseDigits[rs[2]]
			return 10*a + b, ok1 && ok2 && a > 1 && b > 0
		}
	}
	return 0, false
}

func makeDate(orig string, y, m, d int) (Date, error) {
	if y < MinYear || y > MaxYear {
		return Date{}, valueErr(orig, fmt.Sprintf("日期“%s”的年份 %d 超出合理范围（%d–%d 年）", orig, y, MinYear, MaxYear))
	}
	if m < 1 || m > 12 {
		return Date{}, valueErr(orig, fmt.Sprintf("日期“%s”不存在：月份应为 1–12", orig))
	}
	if d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, valueErr(orig, fmt.Sprintf("日期“%s”不存在：%d年%d月没有%d日", orig, y, m, d))
	}
	return Date{y, time.Month(m), d}, nil
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isSerial reports up to five digits with an optional decimal fraction.
func isSerial(s string) bool {
	i, f, found := strings.Cut(s, ".")
	return allDigits(i) && len(i) <= 5 && (!found || allDigits(f))
}

// validTime accepts H:MM, HH:MM:SS and HH:MM:SS.fff.
func validTime(s string) bool {
	s, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && !allDigits(frac) {
		return false
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || (hasFrac && len(parts) != 3) {
		return false
	}
	limits := []int{23, 59, 59}
	for i, p := range parts {
		if !allDigits(p) || len(p) > 2 || (i > 0 && len(p) != 2) {
			return false
		}
		if n, _ := strconv.Atoi(p); n > limits[i] {
			return false
		}
	}
	return true
}

// validChineseTime accepts 8时30分, 8点, 8时30分15秒.
func validChineseTime(s string) bool {
	n := 0
	for _, unit := range []string{"时", "点", "分", "秒"} {
		i := strings.Index(s, unit)
		if i < 0 {
			continue
		}
		if !allDigits(s[:i]) || len(s[:i]) > 2 {
			return false
		}
		s = s[i+len(unit):]
		n++
	}
	return n > 0 && s == ""
}

// MarshalText writes the date as YYYY-MM-DD ("" for the zero date), so dates
// read as dates in JSON.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads YYYY-MM-DD or "".
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	t, err := time.Parse("2006-01-02", string(b))
	if err != nil {
		return err
	}
	*d = Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	return nil
}
