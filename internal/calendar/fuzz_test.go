package calendar

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2025-10-01", "2024-02-29", "2025-02-29", "0001-01-01", "9999-12-31", "0000-00-00", "2025-1-1",
		"２０２５-01-01", "2025-01-01 ", "", "-001-01-01", "2025-12-31\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidDate) || !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %v, %v", s, d, err)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		b, err := d.MarshalText()
		if err != nil || string(b) != s {
			t.Fatalf("MarshalText = %q, %v", b, err)
		}
		y, m, dd := d.Date()
		if again, err := NewDate(y, m, dd); err != nil || again != d {
			t.Fatalf("NewDate(%d, %d, %d) = %v, %v", y, m, dd, again, err)
		}
		if d.AddDays(1).Sub(d) != 1 || FromTime(d.Start()) != d || FromTime(d.End()) != d.AddDays(1) {
			t.Fatalf("%s: instants or arithmetic inconsistent", s)
		}
	})
}

// FuzzLoad feeds arbitrary bytes to Load: it must never panic, and a refused input must leave the calendar
// as it was.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"holidays/2024.json", "holidays/2026.json"} {
		b, err := embedded.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if b, err := os.ReadFile("testdata/fixture-2027.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"year":2027,"days":[{"date":"2027-01-01","isOffDay":true}]}`))
	f.Add([]byte(`{"year":1,"days":[{"date":"0001-01-01","isOffDay":false}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := New()
		if err := c.Load(bytes.NewReader(b)); err != nil {
			if !errors.Is(err, ErrInvalidData) || len(c.Years()) != 0 {
				t.Fatalf("err = %v, years = %v", err, c.Years())
			}
			return
		}
		ys := c.Years()
		if len(ys) != 1 {
			t.Fatalf("years = %v", ys)
		}
		first, _ := NewDate(ys[0], 1, 1)
		days, err := c.Days(first, first.AddMonths(12).AddDays(-1))
		if err != nil || len(days) < 365 {
			t.Fatalf("Days over the loaded year: %d, %v", len(days), err)
		}
		_, _ = c.AddWorkingDays(first, 400)
		_, _ = c.AddCalendarDays(first, 400)
	})
}

// FuzzDeadlines drives the arithmetic with arbitrary starts and counts: no panics, and errors only of the
// documented kinds.
func FuzzDeadlines(f *testing.F) {
	f.Add(int64(739519), 7, 2) // around 2025-09-26
	f.Add(int64(0), -1, 0)
	f.Add(int64(-1<<62), 1<<30, 5)
	f.Fuzz(func(t *testing.T, n int64, count, month int) {
		d := Date{n: n}
		for _, r := range []func() (Date, error){
			func() (Date, error) { return AddWorkingDays(d, count%5000) },
			func() (Date, error) { return SubWorkingDays(d, count%5000) },
			func() (Date, error) { return AddCalendarDays(d, count) },
			func() (Date, error) { return AddMonths(d, month) },
		} {
			got, err := r()
			if err != nil {
				if !errors.Is(err, ErrNoData) && !errors.Is(err, ErrInvalidArgument) {
					t.Fatalf("unexpected error %v", err)
				}
				if !got.IsZero() {
					t.Fatalf("non-zero %s with error", got)
				}
				continue
			}
			if count > 0 || month > 0 {
				if ok, err := IsWorkingDay(got); err == nil && !ok && got != d {
					t.Fatalf("due %s is not a working day", got)
				}
			}
		}
		_ = Surcharge(n, count)
	})
}
