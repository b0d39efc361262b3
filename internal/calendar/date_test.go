package calendar

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"
)

func TestParseDateAcceptsCanonicalForm(t *testing.T) {
	tests := []struct {
		in      string
		y       int
		m       time.Month
		d       int
		weekday time.Weekday
	}{
		{"2025-10-01", 2025, time.October, 1, time.Wednesday},
		{"2024-02-29", 2024, time.February, 29, time.Thursday},
		{"2000-02-29", 2000, time.February, 29, time.Tuesday},
		{"0001-01-01", 1, time.January, 1, time.Monday},
		{"9999-12-31", 9999, time.December, 31, time.Friday},
		{"1970-01-01", 1970, time.January, 1, time.Thursday},
		{"1969-12-31", 1969, time.December, 31, time.Wednesday},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if y, m, dd := d.Date(); y != tt.y || m != tt.m || dd != tt.d {
				t.Fatalf("Date() = %d-%d-%d", y, m, dd)
			}
			if d.Year() != tt.y || d.Month() != tt.m || d.Day() != tt.d {
				t.Fatalf("Year/Month/Day = %d/%d/%d", d.Year(), d.Month(), d.Day())
			}
			if d.Weekday() != tt.weekday {
				t.Errorf("Weekday = %v, want %v", d.Weekday(), tt.weekday)
			}
			if d.String() != tt.in {
				t.Errorf("String = %q", d.String())
			}
			n, err := NewDate(tt.y, tt.m, tt.d)
			if err != nil || n != d {
				t.Errorf("NewDate = %v, %v", n, err)
			}
		})
	}
	if zero, _ := ParseDate("0001-01-01"); !zero.IsZero() || zero != (Date{}) {
		t.Error("0001-01-01 should be the zero Date")
	}
}

func TestParseDateRejectsEverythingElse(t *testing.T) {
	for _, in := range []string{
		"", "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01", "2025-01-01 ", " 2025-01-01", "2025-01-01T00:00:00",
		"2025-02-29", "2023-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "2025-01-00", "0000-01-01",
		"２０２５-01-01", "2025-01-0a", "+025-01-01", "-025-01-01", "2025−01−01", "20250101", "2025-01-01\x00",
	} {
		if d, err := ParseDate(in); !errors.Is(err, ErrInvalidDate) || !d.IsZero() {
			t.Errorf("ParseDate(%q) = %v, %v; want ErrInvalidDate", in, d, err)
		}
	}
	for _, c := range [][3]int{{0, 1, 1}, {10000, 1, 1}, {2025, 0, 1}, {2025, 13, 1}, {2025, 2, 29}, {2025, 1, 32}, {2025, 1, 0}} {
		if _, err := NewDate(c[0], time.Month(c[1]), c[2]); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("NewDate%v: err = %v", c, err)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	a, b := day(t, "2025-09-26"), day(t, "2025-10-13")
	if b.Sub(a) != 17 || a.Sub(b) != -17 || a.Sub(a) != 0 {
		t.Errorf("Sub: %d %d", b.Sub(a), a.Sub(b))
	}
	if !a.Before(b) || b.Before(a) || a.Before(a) || !b.After(a) || a.After(b) {
		t.Error("Before/After")
	}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare")
	}
	if a.AddDays(17) != b || b.AddDays(-17) != a {
		t.Error("AddDays")
	}
	if got := day(t, "2024-12-31").AddDays(1); got != day(t, "2025-01-01") {
		t.Errorf("year rollover: %s", got)
	}
	if got := day(t, "2024-02-28").AddDays(1); got != day(t, "2024-02-29") {
		t.Errorf("leap day: %s", got)
	}
}

func TestDateAddMonthsClampsToMonthEnd(t *testing.T) {
	tests := []struct {
		start string
		n     int
		want  string
	}{
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2025-03-31", -1, "2025-02-28"},
		{"2025-01-15", -1, "2024-12-15"},
		{"2024-12-15", 1, "2025-01-15"},
		{"2025-08-31", 1, "2025-09-30"},
		{"2025-05-10", 0, "2025-05-10"},
		{"2025-05-10", -17, "2023-12-10"},
	}
	for _, tt := range tests {
		if got := day(t, tt.start).AddMonths(tt.n); got != day(t, tt.want) {
			t.Errorf("%s.AddMonths(%d) = %s, want %s", tt.start, tt.n, got, tt.want)
		}
	}
}

func TestDateInstantsAreShanghai(t *testing.T) {
	d := day(t, "2025-10-13")
	if got := d.Start().Format(time.RFC3339); got != "2025-10-13T00:00:00+08:00" {
		t.Errorf("Start = %s", got)
	}
	if got := d.End().Format(time.RFC3339); got != "2025-10-14T00:00:00+08:00" {
		t.Errorf("End = %s", got)
	}
	if got := d.End().Sub(d.Start()); got != 24*time.Hour {
		t.Errorf("day length %v", got)
	}
	// 23:59:59 on the last day is in time; 24:00 is not.
	lastSecond := time.Date(2025, 10, 13, 15, 59, 59, 0, time.UTC)
	if !lastSecond.Before(d.End()) || !d.End().Equal(time.Date(2025, 10, 13, 16, 0, 0, 0, time.UTC)) {
		t.Error("End is not 24:00 Shanghai")
	}
	if Location().String() != "Asia/Shanghai" && Location().String() != "CST" {
		t.Errorf("Location = %s", Location())
	}
}

func TestTodayUsesShanghaiNotUTC(t *testing.T) {
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2025, 9, 30, 16, 30, 0, 0, time.UTC), "2025-10-01"}, // 00:30 Shanghai
		{time.Date(2025, 9, 30, 15, 59, 59, 0, time.UTC), "2025-09-30"},
		{time.Date(2025, 10, 1, 7, 0, 0, 0, time.FixedZone("PDT", -7*3600)), "2025-10-01"}, // 22:00 Shanghai
		{time.Date(2025, 10, 1, 23, 0, 0, 0, time.FixedZone("PDT", -7*3600)), "2025-10-02"},
	}
	for _, tt := range tests {
		if got := Today(tt.now); got != day(t, tt.want) {
			t.Errorf("Today(%s) = %s, want %s", tt.now.Format(time.RFC3339), got, tt.want)
		}
		if FromTime(tt.now) != Today(tt.now) {
			t.Error("FromTime != Today")
		}
	}
}

func TestDateJSONRoundTrip(t *testing.T) {
	type rec struct {
		Due Date `json:"due"`
	}
	b, err := json.Marshal(rec{Due: day(t, "2026-02-24")})
	if err != nil || string(b) != `{"due":"2026-02-24"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var r rec
	if err := json.Unmarshal(b, &r); err != nil || r.Due != day(t, "2026-02-24") {
		t.Fatalf("Unmarshal = %v, %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"due":"2026-2-24"}`), &r); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("bad date: err = %v", err)
	}
	if _, err := json.Marshal(rec{Due: day(t, "0001-01-01").AddDays(-1)}); err == nil {
		t.Error("year 0 marshalled")
	}
}

func TestExtremeDatesDoNotPanic(t *testing.T) {
	for _, n := range []int64{math.MaxInt64, math.MinInt64, math.MaxInt64 / 86400, math.MinInt64 / 86400, -1, 1 << 40} {
		d := Date{n: n}
		_ = d.String()
		_, _ = d.MarshalText()
		_ = d.Weekday()
		_ = d.AddMonths(math.MaxInt32)
		_ = d.AddMonths(math.MinInt32)
		_ = d.AddDays(math.MaxInt)
		_ = d.Start()
		_ = d.End()
		_, _ = IsWorkingDay(d)
		_, _ = AddWorkingDays(d, math.MaxInt)
		_, _ = SubWorkingDays(d, math.MaxInt)
		_, _ = AddCalendarDays(d, math.MaxInt)
		_, _ = AddMonths(d, math.MaxInt)
		_, _ = WorkingDaysBetween(d, day(t, "2025-01-01"))
		_, _ = Default().Days(d, day(t, "2025-01-01"))
		_, _ = Default().Days(day(t, "2025-01-01"), d)
	}
	base := day(t, "2025-01-01")
	if !base.AddDays(math.MaxInt).After(base) || !base.AddDays(math.MinInt).Before(base) ||
		!base.AddMonths(math.MaxInt).After(base) || !base.AddMonths(math.MinInt).Before(base) {
		t.Error("huge arithmetic wrapped around instead of saturating")
	}
	if got := base.AddDays(math.MaxInt).AddDays(1); got != base.AddDays(math.MaxInt) {
		t.Error("saturated date moved")
	}
	if got := day(t, "0001-01-01").AddDays(-1).String(); got != "0000-12-31" {
		t.Errorf("year 0 formats as %q", got)
	}
	if got := day(t, "0001-01-01").AddDays(-400).String(); got != "-0001-11-28" {
		t.Errorf("negative year formats as %q", got)
	}
}
