package calendar

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidDate is matched (errors.Is) by every error for a malformed or impossible date.
var ErrInvalidDate = errors.New("calendar: invalid date")

// location is Asia/Shanghai. The binary embeds time/tzdata (cmd/xingjian), so the fallback is only for test
// binaries on machines without zoneinfo; mainland China has kept UTC+8 without daylight saving since 1991, so
// the two agree for every date this platform handles.
var location = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}()

// Location returns Asia/Shanghai, the zone of every conversion in this package.
func Location() *time.Location { return location }

// unixEpochDay is the day number of 1970-01-01 counted from 0001-01-01 (proleptic Gregorian).
const unixEpochDay = 719162

// Date is a civil date (a day in the proleptic Gregorian calendar) with no time of day and no zone. The zero
// value is 0001-01-01 ([Date.IsZero]). Dates are comparable with == and usable as map keys.
//
// Dates are meaningful for years 1–9999, the range [ParseDate] and [NewDate] accept. Arithmetic that leaves
// that range stays exact up to about ±1.9×10^11 years and saturates beyond, so it never overflows or
// panics; such dates do not round-trip through text.
type Date struct {
	n int64 // days since 0001-01-01, within ±maxDay
}

// maxDay bounds day numbers so that seconds (×86400) and month counts fit in int64 with room to spare.
const (
	maxDay   = 1 << 46
	maxMonth = maxDay / 31
)

func clamp(n, limit int64) int64 { return max(-limit, min(n, limit)) }

// addSat returns a+b saturated to ±limit (a is already within it).
func addSat(a, b, limit int64) int64 {
	if b > limit {
		b = limit
	} else if b < -limit {
		b = -limit
	}
	return clamp(a+b, limit) // |a|, |b| ≤ limit ≤ 2^46: no overflow
}

// num is the day number, defensively clamped (every constructor already keeps it in range).
func (d Date) num() int64 { return clamp(d.n, maxDay) }

// NewDate returns the date y-m-d, or an error matching [ErrInvalidDate] if the year is outside 1–9999 or the
// month or day does not exist (2025-02-29, 2025-13-01).
func NewDate(y int, m time.Month, d int) (Date, error) {
	if y < 1 || y > 9999 || m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return Date{}, fmt.Errorf("%w: %04d-%02d-%02d", ErrInvalidDate, y, int(m), d)
	}
	return civil(y, m, d), nil
}

// civil converts a valid or normalisable y-m-d to a Date (time.Date normalises out-of-range fields).
func civil(y int, m time.Month, d int) Date {
	return Date{n: clamp(floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)+unixEpochDay, maxDay)}
}

// ParseDate parses exactly the form 2006-01-02 (ten characters, zero-padded, year 0001–9999). Anything else,
// including surrounding spaces and impossible dates such as 2025-02-29, is an error matching [ErrInvalidDate].
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrInvalidDate, s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrInvalidDate, s)
	}
	return NewDate(y, time.Month(m), d)
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// FromTime returns the civil date of the instant t in Asia/Shanghai.
func FromTime(t time.Time) Date {
	y, m, d := t.In(location).Date()
	return civil(y, m, d)
}

// Today returns the date of now in Asia/Shanghai. Callers pass the clock so that tests can fix it.
func Today(now time.Time) Date { return FromTime(now) }

// Date returns the year, month and day.
func (d Date) Date() (year int, month time.Month, day int) {
	return time.Unix((d.num()-unixEpochDay)*86400, 0).UTC().Date()
}

// Year returns the year.
func (d Date) Year() int { y, _, _ := d.Date(); return y }

// Month returns the month.
func (d Date) Month() time.Month { _, m, _ := d.Date(); return m }

// Day returns the day of the month.
func (d Date) Day() int { _, _, dd := d.Date(); return dd }

// Weekday returns the day of the week (0001-01-01 was a Monday).
func (d Date) Weekday() time.Weekday { return time.Weekday(floorMod(d.num()+1, 7)) }

// IsZero reports whether d is the zero Date, 0001-01-01.
func (d Date) IsZero() bool { return d.num() == 0 }

// AddDays returns the date n days after d (before it if n is negative).
func (d Date) AddDays(n int) Date { return Date{n: addSat(d.num(), int64(n), maxDay)} }

// AddMonths returns the date n calendar months after d (before it if n is negative) with the same day of the
// month, or the last day of the target month if it is shorter (民法典 第二百零二条): 2025-01-31 + 1 = 2025-02-28,
// 2024-02-29 + 12 = 2025-02-28. It ignores holidays; [Calendar.AddMonths] applies the roll-forward rule.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.Date()
	total := addSat(int64(y)*12+int64(m-1), int64(n), maxMonth)
	ny, nm := int(floorDiv(total, 12)), time.Month(floorMod(total, 12)+1)
	return civil(ny, nm, min(day, daysIn(ny, nm)))
}

// Sub returns the number of days from o to d (d − o): positive if d is later.
func (d Date) Sub(o Date) int { return int(d.num() - o.num()) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.num() < o.num() }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.num() > o.num() }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch a, b := d.num(), o.num(); {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Start returns 00:00 of d in Asia/Shanghai, the first instant of the day.
func (d Date) Start() time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, location)
}

// End returns 24:00 of d in Asia/Shanghai, i.e. 00:00 of the next day: the instant a period whose last day is
// d runs out (民法典 第二百零三条第二款 "期间的最后一日的截止时间为二十四时"). An act at t is in time iff
// t.Before(d.End()).
func (d Date) End() time.Time { return d.AddDays(1).Start() }

// String formats d as 2006-01-02.
func (d Date) String() string {
	y, m, dd := d.Date()
	if y < 0 {
		return fmt.Sprintf("-%04d-%02d-%02d", -y, int(m), dd)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText implements encoding.TextMarshaler (and so JSON) as 2006-01-02. Years outside 1–9999 are an error.
func (d Date) MarshalText() ([]byte, error) {
	if y := d.Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("%w: year %d outside 1–9999", ErrInvalidDate, y)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseDate].
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
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

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
