package calendar

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// ErrNoData is matched (errors.Is) by every error caused by a date in a year whose holiday notice has not
// been loaded. The error is a [*NoDataError] carrying the year.
var ErrNoData = errors.New("calendar: no holiday data")

// NoDataError reports that the working-day status of a date is unknown because its year is not loaded.
type NoDataError struct {
	Year int
}

func (e *NoDataError) Error() string {
	return fmt.Sprintf("calendar: no holiday data for %d (未载入%d年国务院节假日安排，无法计算期限)", e.Year, e.Year)
}

// Is makes errors.Is(err, ErrNoData) true.
func (e *NoDataError) Is(target error) bool { return target == ErrNoData }

// ErrInvalidData is matched by every error [Calendar.Load] returns for input it refuses.
var ErrInvalidData = errors.New("calendar: invalid holiday data")

// Kind classifies a day.
type Kind int

const (
	Workday       Kind = iota + 1 // an ordinary Monday–Friday
	Weekend                       // an ordinary Saturday or Sunday
	Holiday                       // a day off by the year's notice (weekends inside a holiday block included)
	MakeUpWorkday                 // a Saturday or Sunday worked by the year's notice (调休上班)
)

func (k Kind) String() string {
	switch k {
	case Workday:
		return "workday"
	case Weekend:
		return "weekend"
	case Holiday:
		return "holiday"
	case MakeUpWorkday:
		return "make_up_workday"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// DayInfo is one day of the calendar.
type DayInfo struct {
	Date Date
	Kind Kind
	Name string // the notice's name for a Holiday or MakeUpWorkday ("春节", "国庆节、中秋节"); "" otherwise
}

// Working reports whether the day counts as a working day (工作日).
func (d DayInfo) Working() bool { return d.Kind == Workday || d.Kind == MakeUpWorkday }

// Calendar is a set of loaded years of holiday notices. The zero value is not usable; use [New], [Default] or
// [Calendar.Clone]. A Calendar is safe for concurrent use, including Load.
type Calendar struct {
	mu    sync.RWMutex
	years map[int]*yearData // immutable once stored: Load replaces, never edits
}

type yearData struct {
	year   int
	papers []string
	days   map[Date]listed
}

type listed struct {
	name string
	off  bool
}

// New returns an empty calendar: every date is [ErrNoData] until years are loaded.
func New() *Calendar { return &Calendar{years: map[int]*yearData{}} }

//go:embed holidays/*.json
var embedded embed.FS

var defaultCalendar = mustEmbedded()

func mustEmbedded() *Calendar {
	c := New()
	files, err := embedded.ReadDir("holidays")
	if err != nil {
		panic("calendar: embedded holiday data missing: " + err.Error())
	}
	for _, f := range files {
		b, err := embedded.ReadFile("holidays/" + f.Name())
		if err == nil {
			err = c.Load(bytes.NewReader(b))
		}
		if err != nil {
			// Only an edit of holidays/*.json can get here, and TestEmbedded* catches it before a release.
			panic(fmt.Sprintf("calendar: embedded %s: %v", f.Name(), err))
		}
	}
	return c
}

// Default returns the process-wide calendar holding the embedded years (2024–2026) and whatever has been
// loaded into it since. It is safe for concurrent use.
func Default() *Calendar { return defaultCalendar }

// Clone returns an independent copy: loading into the copy leaves c unchanged.
func (c *Calendar) Clone() *Calendar {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := New()
	for y, yd := range c.years {
		n.years[y] = yd
	}
	return n
}

// maxFile bounds what Load reads; a year's file is about 5 KB.
const maxFile = 1 << 20

// Load reads one year's holiday notice in the NateScarlet/holiday-cn JSON format
// ({"year": 2027, "papers": [...], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, ...]})
// and adds that year to the calendar, replacing the year if it was already loaded. Nothing changes on error.
//
// Refused (error matching [ErrInvalidData]): input over 1 MiB, malformed JSON or trailing data, a missing
// year, an empty days list (upstream publishes one before the notice exists: loading it would make the year
// look covered with no holidays), a day without date or isOffDay, a malformed date, a date more than one year
// away from the file's year, a date listed twice.
//
// A day listed in a neighbouring year's file (a make-up day on 12-31 for next year's 元旦, say) is honoured
// when that file is loaded; whether a year counts as covered depends only on its own file.
func (c *Calendar) Load(r io.Reader) error {
	yd, err := parseYear(r)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.years == nil {
		c.years = map[int]*yearData{}
	}
	c.years[yd.year] = yd
	return nil
}

func parseYear(r io.Reader) (*yearData, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil reader", ErrInvalidData)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read: %v", ErrInvalidData, err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalidData, maxFile)
	}
	var f struct {
		Year   *int     `json:"year"`
		Papers []string `json:"papers"`
		Days   []struct {
			Name     string  `json:"name"`
			Date     *string `json:"date"`
			IsOffDay *bool   `json:"isOffDay"`
		} `json:"days"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidData, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrInvalidData)
	}
	if f.Year == nil {
		return nil, fmt.Errorf("%w: no \"year\"", ErrInvalidData)
	}
	year := *f.Year
	if year < 2 || year > 9998 {
		return nil, fmt.Errorf("%w: year %d out of range", ErrInvalidData, year)
	}
	if len(f.Days) == 0 {
		return nil, fmt.Errorf("%w: %d has no days (notice not published yet?)", ErrInvalidData, year)
	}
	yd := &yearData{year: year, papers: slices.Clone(f.Papers), days: make(map[Date]listed, len(f.Days))}
	for i, day := range f.Days {
		if day.Date == nil || day.IsOffDay == nil {
			return nil, fmt.Errorf("%w: %d days[%d]: date and isOffDay are required", ErrInvalidData, year, i)
		}
		d, err := ParseDate(*day.Date)
		if err != nil {
			return nil, fmt.Errorf("%w: %d days[%d]: %v", ErrInvalidData, year, i, err)
		}
		if dy := d.Year(); dy < year-1 || dy > year+1 {
			return nil, fmt.Errorf("%w: %d days[%d]: %s is not near %d", ErrInvalidData, year, i, d, year)
		}
		if _, dup := yd.days[d]; dup {
			return nil, fmt.Errorf("%w: %d: %s listed twice", ErrInvalidData, year, d)
		}
		yd.days[d] = listed{name: day.Name, off: *day.IsOffDay}
	}
	return yd, nil
}

// Covered reports whether year's notice is loaded, i.e. whether every date in it can be classified.
func (c *Calendar) Covered(year int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.years[year]
	return ok
}

// Years returns the loaded years in ascending order.
func (c *Calendar) Years() []int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Papers returns the notice URLs recorded for year (the file's "papers"), or nil if none or not loaded.
func (c *Calendar) Papers(year int) []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if yd, ok := c.years[year]; ok {
		return slices.Clone(yd.papers)
	}
	return nil
}

// Lookup classifies d, or returns an error matching [ErrNoData] if d's year is not loaded.
func (c *Calendar) Lookup(d Date) (DayInfo, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.dayLocked(d)
}

// IsWorkingDay reports whether d is a working day: Monday–Friday unless the notice gives it off, and
// Saturdays and Sundays the notice makes make-up working days. A year not loaded is an error matching
// [ErrNoData]; nothing is guessed.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	day, err := c.Lookup(d)
	return day.Working(), err
}

func (c *Calendar) dayLocked(d Date) (DayInfo, error) {
	y := d.Year()
	own, ok := c.years[y]
	if !ok {
		return DayInfo{}, &NoDataError{Year: y}
	}
	l, found := own.days[d]
	for _, ny := range [2]int{y - 1, y + 1} {
		if found {
			break
		}
		if other, ok := c.years[ny]; ok {
			l, found = other.days[d]
		}
	}
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
	switch {
	case found && l.off:
		return DayInfo{Date: d, Kind: Holiday, Name: l.name}, nil
	case found && weekend:
		return DayInfo{Date: d, Kind: MakeUpWorkday, Name: l.name}, nil
	case weekend:
		return DayInfo{Date: d, Kind: Weekend}, nil
	}
	return DayInfo{Date: d, Kind: Workday}, nil
}

func (c *Calendar) workingLocked(d Date) (bool, error) {
	day, err := c.dayLocked(d)
	return day.Working(), err
}

// Days returns every day from from to to, both included, in order; nil if to is before from. It is the source
// for a calendar_days table. Any day in a year not loaded is an error matching [ErrNoData].
func (c *Calendar) Days(from, to Date) ([]DayInfo, error) {
	if to.Before(from) {
		return nil, nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	// Fail before allocating if the range leaves the loaded years (this also bounds the slice).
	for y := from.Year(); y <= to.Year(); y++ {
		if _, ok := c.years[y]; !ok {
			return nil, &NoDataError{Year: y}
		}
	}
	out := make([]DayInfo, 0, to.Sub(from)+1)
	for d := from; !d.After(to); d = d.AddDays(1) {
		day, err := c.dayLocked(d)
		if err != nil {
			return nil, err
		}
		out = append(out, day)
	}
	return out, nil
}
