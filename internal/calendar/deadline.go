package calendar

import (
	"errors"
	"fmt"
)

// ErrInvalidArgument is matched by errors for a negative count or an unusable [Period].
var ErrInvalidArgument = errors.New("calendar: invalid argument")

func checkCount(n int) error {
	if n < 0 {
		return fmt.Errorf("%w: negative count %d", ErrInvalidArgument, n)
	}
	return nil
}

// AddWorkingDays returns the n-th working day after start (start itself not counted): the last day of a
// period of n working days beginning on start. n = 0 returns start. Make-up days count; holidays and ordinary
// weekends do not. A day in a year not loaded is an error matching [ErrNoData].
//
// Example: 7 working days from Fri 2025-09-26 are 09-28 (make-up Sunday), 09-29, 09-30, 10-09, 10-10, 10-11
// (make-up Saturday), 10-13: due 2025-10-13.
func (c *Calendar) AddWorkingDays(start Date, n int) (Date, error) {
	if err := checkCount(n); err != nil {
		return Date{}, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stepWorkingLocked(start, n, 1)
}

// SubWorkingDays returns the n-th working day before end (end itself not counted): the latest day to act
// under a rule such as "举行听证的七日前通知" with end the event day. n = 0 returns end.
func (c *Calendar) SubWorkingDays(end Date, n int) (Date, error) {
	if err := checkCount(n); err != nil {
		return Date{}, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stepWorkingLocked(end, n, -1)
}

// stepWorkingLocked walks one day at a time; it stops at the first day of a year not loaded, so it always
// ends within the loaded years however large n is.
func (c *Calendar) stepWorkingLocked(d Date, n, dir int) (Date, error) {
	for counted := 0; counted < n; {
		d = d.AddDays(dir)
		w, err := c.workingLocked(d)
		if err != nil {
			return Date{}, err
		}
		if w {
			counted++
		}
	}
	return d, nil
}

// AddCalendarDays returns the last day of a period of n calendar days beginning on start: start + n, or, if
// that is not a working day, the first working day after it (民事诉讼法 第八十五条; 民法典 第二百零一条、
// 第二百零三条). Ordinary weekends roll forward as well as holidays, make-up days do not (see the package
// documentation). n = 0 returns start.
func (c *Calendar) AddCalendarDays(start Date, n int) (Date, error) {
	if err := checkCount(n); err != nil {
		return Date{}, err
	}
	if n == 0 {
		return start, nil
	}
	return c.RollForward(start.AddDays(n))
}

// AddMonths returns the last day of a period of n months beginning on start: the same day of the month n
// months later, or that month's last day if it is shorter (民法典 第二百零二条), rolled forward to the first
// working day if it is not one. n = 0 returns start.
func (c *Calendar) AddMonths(start Date, n int) (Date, error) {
	if err := checkCount(n); err != nil {
		return Date{}, err
	}
	if n == 0 {
		return start, nil
	}
	return c.RollForward(start.AddMonths(n))
}

// RollForward returns d if it is a working day, otherwise the first working day after it.
func (c *Calendar) RollForward(d Date) (Date, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for {
		w, err := c.workingLocked(d)
		if err != nil {
			return Date{}, err
		}
		if w {
			return d, nil
		}
		d = d.AddDays(1)
	}
}

// WorkingDaysBetween returns the number of working days after a up to and including b, the inverse of
// [Calendar.AddWorkingDays]: WorkingDaysBetween(s, AddWorkingDays(s, n)) == n. It is negative when b is before
// a (minus the count after b up to and including a) and 0 when they are equal.
func (c *Calendar) WorkingDaysBetween(a, b Date) (int, error) {
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	count := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		w, err := c.workingLocked(d)
		if err != nil {
			return 0, err
		}
		if w {
			count++
		}
	}
	return sign * count, nil
}

// Due returns the date that period p fixes for the event on start (see [Period.Due]).
func (c *Calendar) Due(p Period, start Date) (Date, error) {
	if p.Count < 1 {
		return Date{}, fmt.Errorf("%w: period %q has count %d", ErrInvalidArgument, p.ID, p.Count)
	}
	switch p.Unit {
	case Day:
		if p.Before {
			return start.AddDays(-p.Count), nil
		}
		return c.AddCalendarDays(start, p.Count)
	case WorkingDay:
		if p.Before {
			return c.SubWorkingDays(start, p.Count)
		}
		return c.AddWorkingDays(start, p.Count)
	case Month:
		if p.Before {
			return start.AddMonths(-p.Count), nil
		}
		return c.AddMonths(start, p.Count)
	}
	return Date{}, fmt.Errorf("%w: period %q has unit %v", ErrInvalidArgument, p.ID, p.Unit)
}

// The functions below use [Default].

// IsWorkingDay reports whether d is a working day in the [Default] calendar.
func IsWorkingDay(d Date) (bool, error) { return defaultCalendar.IsWorkingDay(d) }

// Covered reports whether year is loaded in the [Default] calendar.
func Covered(year int) bool { return defaultCalendar.Covered(year) }

// AddWorkingDays is [Calendar.AddWorkingDays] on the [Default] calendar.
func AddWorkingDays(start Date, n int) (Date, error) { return defaultCalendar.AddWorkingDays(start, n) }

// SubWorkingDays is [Calendar.SubWorkingDays] on the [Default] calendar.
func SubWorkingDays(end Date, n int) (Date, error) { return defaultCalendar.SubWorkingDays(end, n) }

// AddCalendarDays is [Calendar.AddCalendarDays] on the [Default] calendar.
func AddCalendarDays(start Date, n int) (Date, error) {
	return defaultCalendar.AddCalendarDays(start, n)
}

// AddMonths is [Calendar.AddMonths] on the [Default] calendar.
func AddMonths(start Date, n int) (Date, error) { return defaultCalendar.AddMonths(start, n) }

// WorkingDaysBetween is [Calendar.WorkingDaysBetween] on the [Default] calendar.
func WorkingDaysBetween(a, b Date) (int, error) { return defaultCalendar.WorkingDaysBetween(a, b) }
