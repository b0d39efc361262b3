package calendar

import (
	"errors"
	"testing"
)

// Every expected date below was worked out by hand from DOMAIN.md §5 (and re-checked against an independent
// script); the comment on each case lists the days counted.

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		name, start string
		n           int
		want        string
	}{
		// 09-28 Sun make-up (1), 09-29 (2), 09-30 (3), 10-01…10-08 off, 10-09 (4), 10-10 (5), 10-11 Sat make-up (6),
		// 10-12 Sun off, 10-13 (7).
		{"CrossesNationalDay2025CountingBothMakeUpDays", "2025-09-26", 7, "2025-10-13"},
		// 02-13 Fri (1), 02-14 Sat make-up (2), 02-15…02-23 off, 02-24 (3), 02-25 (4), 02-26 (5).
		{"CrossesSpringFestival2026", "2026-02-12", 5, "2026-02-26"},
		// … 02-26 (5), 02-27 (6), 02-28 Sat make-up (7), 03-02 (8), 03-03 (9), 03-04 (10).
		{"CountsSpringFestival2026TrailingMakeUpSaturday", "2026-02-12", 10, "2026-03-04"},
		// 2024: 02-09 Fri (除夕, not an official day off) (1), 02-10…02-17 off, 02-18 Sun make-up (2).
		{"CountsNewYearsEve2024AndMakeUpSunday", "2024-02-08", 2, "2024-02-18"},
		// 03-10 … 03-14, ordinary week.
		{"SkipsOrdinaryWeekend", "2025-03-07", 5, "2025-03-14"},
		// start inside 国庆 2024 (not counted); 10-08 (1), 10-09 (2), 10-10 (3).
		{"StartsInsideHoliday", "2024-10-03", 3, "2024-10-10"},
		// 12-30 (1), 12-31 (2), 2025-01-01 off, 01-02 (3).
		{"CrossesYearEnd", "2024-12-27", 3, "2025-01-02"},
		// 04-27 Sun make-up (1), 04-28 … 04-30 (2–4), 05-01…05-05 off, 05-06 … 05-09 (5–8), weekend, 05-12 (9), 05-13 (10).
		{"CrossesLabourDay2025", "2025-04-25", 10, "2025-05-13"},
		{"ZeroIsStart", "2025-10-01", 0, "2025-10-01"},
		{"OneFromFridayIsMonday", "2025-03-07", 1, "2025-03-10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AddWorkingDays(day(t, tt.start), tt.n)
			if err != nil || got != day(t, tt.want) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, %v; want %s", tt.start, tt.n, got, err, tt.want)
			}
			if tt.n > 0 {
				if w, _ := IsWorkingDay(got); !w {
					t.Errorf("result %s is not a working day", got)
				}
			}
			between, err := WorkingDaysBetween(day(t, tt.start), got)
			if err != nil || between != tt.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", tt.start, got, between, err, tt.n)
			}
		})
	}
}

func TestSubWorkingDays(t *testing.T) {
	tests := []struct {
		name, end string
		n         int
		want      string
	}{
		// Back from Mon 10-13: 10-11 Sat make-up (1), 10-10 (2), 10-09 (3), 10-08…10-01 off, 09-30 (4), 09-29 (5),
		// 09-28 Sun make-up (6), 09-27 off, 09-26 (7).
		{"HearingAfterNationalDay2025", "2025-10-13", 7, "2025-09-26"},
		// 03-13 … 03-05.
		{"OrdinaryWeeks", "2025-03-14", 7, "2025-03-05"},
		{"OneBeforeMondayIsFriday", "2025-03-10", 1, "2025-03-07"},
		{"ZeroIsEnd", "2025-03-10", 0, "2025-03-10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SubWorkingDays(day(t, tt.end), tt.n)
			if err != nil || got != day(t, tt.want) {
				t.Fatalf("SubWorkingDays(%s, %d) = %s, %v; want %s", tt.end, tt.n, got, err, tt.want)
			}
		})
	}
}

func TestAddCalendarDays(t *testing.T) {
	tests := []struct {
		name, start string
		n           int
		want        string
	}{
		// 09-20 + 15 = 10-05 (Sun, inside 10-01…10-08) → 10-09, the first working day after the holiday.
		{"FifteenDaysEndingInNationalDayRollsPastIt", "2025-09-20", 15, "2025-10-09"},
		// 03-01 + 15 = 03-16, an ordinary Sunday → Monday.
		{"EndingOnOrdinarySundayRollsToMonday", "2025-03-01", 15, "2025-03-17"},
		// 02-13 + 15 = 02-28, a Saturday worked by 调休: no roll.
		{"EndingOnMakeUpSaturdayDoesNotRoll", "2026-02-13", 15, "2026-02-28"},
		// 01-25 + 15 = 02-09 (除夕 2024, a working Friday).
		{"EndingOnWorkingNewYearsEve2024DoesNotRoll", "2024-01-25", 15, "2024-02-09"},
		// 08-02 + 60 = 10-01 → 10-09 (reconsideration window).
		{"SixtyDaysEndingOnNationalDay", "2025-08-02", 60, "2025-10-09"},
		// 07-04 + 90 = 10-02 (国庆 2024: 10-01…10-07) → 10-08.
		{"NinetyDaysEndingInNationalDay2024", "2024-07-04", 90, "2024-10-08"},
		// 12-16 + 15 = 12-31, a Thursday: no need for 2027 data.
		{"EndingOnLastCoveredDay", "2026-12-16", 15, "2026-12-31"},
		{"ZeroIsStart", "2025-10-01", 0, "2025-10-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AddCalendarDays(day(t, tt.start), tt.n)
			if err != nil || got != day(t, tt.want) {
				t.Fatalf("AddCalendarDays(%s, %d) = %s, %v; want %s", tt.start, tt.n, got, err, tt.want)
			}
		})
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		name, start string
		n           int
		want        string
	}{
		{"Jan31PlusOneIsFeb28", "2025-01-31", 1, "2025-02-28"},
		{"Jan31PlusOneInLeapYearIsFeb29", "2024-01-31", 1, "2024-02-29"},
		// 2026-02-28 is a Saturday worked by 调休: it stays.
		{"Jan31PlusOneLandsOnMakeUpSaturday", "2026-01-31", 1, "2026-02-28"},
		{"LeapDayPlusTwelveIsFeb28", "2024-02-29", 12, "2025-02-28"},
		{"Nov30PlusThreeClampsToFeb28", "2024-11-30", 3, "2025-02-28"},
		{"Mar31PlusOneIsApr30", "2024-03-31", 1, "2024-04-30"},
		// 2026-02-15 is 春节 (02-15…02-23) → 02-24.
		{"SixMonthsEndingInSpringFestivalRolls", "2025-08-15", 6, "2026-02-24"},
		// 2025-10-01 → 10-09.
		{"TwoMonthsEndingOnNationalDayRolls", "2025-08-01", 2, "2025-10-09"},
		// 2026-01-01 (元旦 01-01…01-03) → 01-04, a Sunday worked by 调休.
		{"RollsOntoMakeUpSunday", "2025-11-01", 2, "2026-01-04"},
		{"ZeroIsStart", "2025-10-01", 0, "2025-10-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AddMonths(day(t, tt.start), tt.n)
			if err != nil || got != day(t, tt.want) {
				t.Fatalf("AddMonths(%s, %d) = %s, %v; want %s", tt.start, tt.n, got, err, tt.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       int
	}{
		{"SameDayIsZero", "2025-10-13", "2025-10-13", 0},
		{"AcrossNationalDay", "2025-09-26", "2025-10-13", 7},
		{"ReversedIsNegative", "2025-10-13", "2025-09-26", -7},
		{"InsideHolidayIsZero", "2025-09-30", "2025-10-08", 0},
		// 2024 (01-01 is 元旦, so leaving it out changes nothing): 262 weekdays − 19 weekday holidays + 8 make-up days.
		{"Year2024Has251WorkingDays", "2024-01-01", "2024-12-31", 251},
		// 2025: 261 weekdays − 18 weekday holidays + 5 make-up days.
		{"Year2025Has248WorkingDays", "2024-12-31", "2025-12-31", 248},
		// 2026: 261 weekdays − 19 weekday holidays + 6 make-up days.
		{"Year2026Has248WorkingDays", "2025-12-31", "2026-12-31", 248},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WorkingDaysBetween(day(t, tt.a), day(t, tt.b))
			if err != nil || got != tt.want {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
			}
		})
	}
	t.Run("RangeOutsideDataIsAnError", func(t *testing.T) {
		if _, err := WorkingDaysBetween(day(t, "2023-12-30"), day(t, "2024-01-05")); !errors.Is(err, ErrNoData) {
			t.Fatalf("err = %v, want ErrNoData", err)
		}
	})
}

func TestDeadlinesNeverGuessBeyondData(t *testing.T) {
	tests := []struct {
		name string
		call func() (Date, error)
		year int
	}{
		{"WorkingDaysIntoNextYear", func() (Date, error) { return AddWorkingDays(day(t, "2026-12-28"), 5) }, 2027},
		{"CalendarDaysEndingNextYear", func() (Date, error) { return AddCalendarDays(day(t, "2026-12-20"), 15) }, 2027},
		{"MonthsEndingNextYear", func() (Date, error) { return AddMonths(day(t, "2026-09-01"), 6) }, 2027},
		{"WorkingDaysBackIntoPreviousYear", func() (Date, error) { return SubWorkingDays(day(t, "2024-01-03"), 3) }, 2023},
		{"StartBeforeData", func() (Date, error) { return AddWorkingDays(day(t, "2023-12-29"), 1) }, 2023},
		{"HugeCountStopsAtEndOfData", func() (Date, error) { return AddWorkingDays(day(t, "2025-01-01"), 1<<40) }, 2027},
		{"HugeCalendarCount", func() (Date, error) { return AddCalendarDays(day(t, "2025-01-01"), 1<<40) }, 0},
		{"RollForwardOffTheEnd", func() (Date, error) { return Default().RollForward(day(t, "2027-01-01")) }, 2027},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			if !errors.Is(err, ErrNoData) {
				t.Fatalf("got %s, %v; want ErrNoData", got, err)
			}
			var nd *NoDataError
			if tt.year != 0 && (!errors.As(err, &nd) || nd.Year != tt.year) {
				t.Fatalf("err = %v, want year %d", err, tt.year)
			}
			if !got.IsZero() {
				t.Errorf("returned %s with an error, want the zero Date", got)
			}
		})
	}
}

func TestNegativeCountsAreRejected(t *testing.T) {
	d := day(t, "2025-03-03")
	for name, call := range map[string]func() (Date, error){
		"AddWorkingDays":  func() (Date, error) { return AddWorkingDays(d, -1) },
		"SubWorkingDays":  func() (Date, error) { return SubWorkingDays(d, -1) },
		"AddCalendarDays": func() (Date, error) { return AddCalendarDays(d, -1) },
		"AddMonths":       func() (Date, error) { return AddMonths(d, -1) },
	} {
		if _, err := call(); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s(-1): err = %v, want ErrInvalidArgument", name, err)
		}
	}
}

// TestDeadlineProperties checks, for every start day in the embedded years and short counts, the invariants
// that tie the functions together.
func TestDeadlineProperties(t *testing.T) {
	c := Default()
	first, last := day(t, "2024-01-01"), day(t, "2026-10-31")
	for s := first; !s.After(last); s = s.AddDays(1) {
		for n := 1; n <= 15; n++ {
			w, err := c.AddWorkingDays(s, n)
			if err != nil {
				t.Fatalf("AddWorkingDays(%s, %d): %v", s, n, err)
			}
			if k, _ := c.WorkingDaysBetween(s, w); k != n {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", s, w, k, n)
			}
			if prev, _ := c.WorkingDaysBetween(s, w.AddDays(-1)); prev != n-1 {
				t.Fatalf("%s + %d working days = %s is not the first day reaching %d", s, n, w, n)
			}
			if back, _ := c.SubWorkingDays(w, n); back.After(s) {
				t.Fatalf("SubWorkingDays(%s, %d) = %s after start %s", w, n, back, s)
			}
			d, err := c.AddCalendarDays(s, n)
			if err != nil {
				t.Fatalf("AddCalendarDays(%s, %d): %v", s, n, err)
			}
			nominal := s.AddDays(n)
			if d.Before(nominal) {
				t.Fatalf("AddCalendarDays(%s, %d) = %s before %s", s, n, d, nominal)
			}
			for x := nominal; x.Before(d); x = x.AddDays(1) {
				if ok, _ := c.IsWorkingDay(x); ok {
					t.Fatalf("AddCalendarDays(%s, %d) = %s skipped working day %s", s, n, d, x)
				}
			}
			if ok, _ := c.IsWorkingDay(d); !ok {
				t.Fatalf("AddCalendarDays(%s, %d) = %s, not a working day", s, n, d)
			}
		}
	}
}
