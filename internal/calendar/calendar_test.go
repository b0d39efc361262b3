package calendar

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// day parses a YYYY-MM-DD literal in tests.
func day(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return d
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEmbeddedFilesUnchanged pins the embedded files to the upstream blobs recorded in holidays/SOURCE.md.
func TestEmbeddedFilesUnchanged(t *testing.T) {
	want := map[string]string{
		"2024.json": "c980225ab5814997ae9e94087f75d50110772f3c",
		"2025.json": "9d9d33cc6e55fa425ebea1c6e93d97ed634f6fc5",
		"2026.json": "08ba80f53505dd89f789bda287c7c964b0387f35",
	}
	files, err := embedded.ReadDir("holidays")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	if !slices.Equal(names, []string{"2024.json", "2025.json", "2026.json"}) {
		t.Fatalf("embedded files = %v", names)
	}
	for name, blob := range want {
		b, err := embedded.ReadFile("holidays/" + name)
		if err != nil {
			t.Fatal(err)
		}
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00", len(b))
		h.Write(b)
		if got := hex.EncodeToString(h.Sum(nil)); got != blob {
			t.Errorf("%s: git blob %s, want %s (the file must stay byte-for-byte upstream)", name, got, blob)
		}
	}
}

// domainOffDays is DOMAIN.md §5's "Machine list of off days", copied verbatim.
const domainOffDays = `
- 2024: 01-01; 02-10…02-17; 04-04…04-06; 05-01…05-05; 06-10; 09-15…09-17; 10-01…10-07.
- 2025: 01-01; 01-28…02-04; 04-04…04-06; 05-01…05-05; 05-31…06-02; 10-01…10-08.
- 2026: 01-01…01-03; 02-15…02-23; 04-04…04-06; 05-01…05-05; 06-19…06-21; 09-25…09-27; 10-01…10-07.`

// domainMakeUpDays is the 调休 column of DOMAIN.md §5's table.
var domainMakeUpDays = []string{
	"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12",
	"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
	"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
}

func parseDomainList(t *testing.T) map[Date]bool {
	t.Helper()
	out := map[Date]bool{}
	for _, line := range strings.Split(strings.TrimSpace(domainOffDays), "\n") {
		line = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "- "), ".")
		year, rest, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		for _, item := range strings.Split(rest, "; ") {
			from, to, isRange := strings.Cut(item, "…")
			if !isRange {
				to = from
			}
			a, b := day(t, year+"-"+from), day(t, year+"-"+to)
			for d := a; !d.After(b); d = d.AddDays(1) {
				out[d] = true
			}
		}
	}
	return out
}

func TestEmbeddedMatchesDomainList(t *testing.T) {
	want := parseDomainList(t)
	c := Default()
	days, err := c.Days(day(t, "2024-01-01"), day(t, "2026-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 366+365+365 {
		t.Fatalf("Days returned %d days", len(days))
	}
	var makeUp []string
	for _, d := range days {
		if got := d.Kind == Holiday; got != want[d.Date] {
			t.Errorf("%s: embedded holiday=%v, DOMAIN.md §5 off=%v", d.Date, got, want[d.Date])
		}
		if d.Kind == MakeUpWorkday {
			makeUp = append(makeUp, d.Date.String())
		}
	}
	if !slices.Equal(makeUp, domainMakeUpDays) {
		t.Errorf("make-up days\n got %v\nwant %v", makeUp, domainMakeUpDays)
	}
	for _, s := range domainMakeUpDays {
		if wd := day(t, s).Weekday(); wd != time.Saturday && wd != time.Sunday {
			t.Errorf("make-up day %s is a %v", s, wd)
		}
	}
}

func TestDefaultCoversEmbeddedYearsOnly(t *testing.T) {
	if got := Default().Years(); !slices.Equal(got, []int{2024, 2025, 2026}) {
		t.Fatalf("Years() = %v", got)
	}
	for y, want := range map[int]bool{2023: false, 2024: true, 2025: true, 2026: true, 2027: false} {
		if Covered(y) != want {
			t.Errorf("Covered(%d) = %v", y, !want)
		}
	}
	if p := Default().Papers(2025); len(p) != 1 || !strings.Contains(p[0], "content_6986383") {
		t.Errorf("Papers(2025) = %v", p)
	}
	if p := Default().Papers(2030); p != nil {
		t.Errorf("Papers(2030) = %v", p)
	}
}

func TestWorkingDayClassification(t *testing.T) {
	tests := []struct {
		name    string
		date    string
		working bool
		kind    Kind
		holiday string
	}{
		{"OrdinaryWeekdayWorks", "2025-03-12", true, Workday, ""},
		{"OrdinarySaturdayRests", "2025-03-15", false, Weekend, ""},
		{"NationalDayRests", "2025-10-01", false, Holiday, "国庆节、中秋节"},
		{"WeekendInsideBlockIsHoliday", "2025-10-04", false, Holiday, "国庆节、中秋节"},
		{"BridgeWeekdayRests", "2025-10-08", false, Holiday, "国庆节、中秋节"},
		{"MakeUpSundayWorks", "2025-09-28", true, MakeUpWorkday, "国庆节、中秋节"},
		{"MakeUpSaturdayWorks", "2025-10-11", true, MakeUpWorkday, "国庆节、中秋节"},
		{"SundayAfterMakeUpSaturdayRests", "2025-10-12", false, Weekend, ""},
		{"NewYearsEve2024IsNotAnOfficialDayOff", "2024-02-09", true, Workday, ""},
		{"NewYearsEve2025IsOff", "2025-01-28", false, Holiday, "春节"},
		{"SpringFestival2026MakeUpSaturday", "2026-02-28", true, MakeUpWorkday, "春节"},
		{"NewYear2026SundayMakeUp", "2026-01-04", true, MakeUpWorkday, "元旦"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := day(t, tt.date)
			got, err := IsWorkingDay(d)
			if err != nil || got != tt.working {
				t.Fatalf("IsWorkingDay(%s) = %v, %v; want %v", tt.date, got, err, tt.working)
			}
			info, err := Default().Lookup(d)
			if err != nil || info.Kind != tt.kind || info.Name != tt.holiday || info.Date != d {
				t.Fatalf("Lookup(%s) = %+v, %v; want kind %v name %q", tt.date, info, err, tt.kind, tt.holiday)
			}
		})
	}
}

func TestYearWithoutDataIsAnError(t *testing.T) {
	for _, s := range []string{"2023-12-29", "2027-01-04", "0001-01-01", "9999-12-31"} {
		d := day(t, s)
		_, err := IsWorkingDay(d)
		if !errors.Is(err, ErrNoData) {
			t.Fatalf("IsWorkingDay(%s) err = %v, want ErrNoData", s, err)
		}
		var nd *NoDataError
		if !errors.As(err, &nd) || nd.Year != d.Year() {
			t.Fatalf("IsWorkingDay(%s) err = %#v, want *NoDataError{Year: %d}", s, err, d.Year())
		}
		if !strings.Contains(err.Error(), fmt.Sprint(d.Year())) {
			t.Errorf("message %q does not name the year", err)
		}
	}
	if _, err := New().IsWorkingDay(day(t, "2025-01-02")); !errors.Is(err, ErrNoData) {
		t.Errorf("empty calendar: err = %v", err)
	}
}

func TestLoadAddsANewYear(t *testing.T) {
	c := Default().Clone()
	start := day(t, "2026-12-28")
	if _, err := c.AddWorkingDays(start, 5); !errors.Is(err, ErrNoData) {
		t.Fatalf("before load: err = %v, want ErrNoData for 2027", err)
	}
	if err := c.Load(bytes.NewReader(readFixture(t, "fixture-2027.json"))); err != nil {
		t.Fatal(err)
	}
	if !c.Covered(2027) || Default().Covered(2027) {
		t.Fatalf("clone covered=%v, default covered=%v; want true, false", c.Covered(2027), Default().Covered(2027))
	}
	// 12-29, 12-30, 12-31, (01-01 holiday, 01-02/03 weekend) 01-04, 01-05.
	got, err := c.AddWorkingDays(start, 5)
	if err != nil || got != day(t, "2027-01-05") {
		t.Fatalf("AddWorkingDays = %s, %v; want 2027-01-05", got, err)
	}
	if w, _ := c.IsWorkingDay(day(t, "2027-01-09")); !w {
		t.Error("fixture make-up Saturday 2027-01-09 should work")
	}
	if _, err := Default().AddWorkingDays(start, 5); !errors.Is(err, ErrNoData) {
		t.Errorf("Default changed by loading into a clone: %v", err)
	}
}

func TestLoadReplacesTheYear(t *testing.T) {
	c := Default().Clone()
	repl := `{"year": 2026, "days": [{"name": "替换", "date": "2026-03-02", "isOffDay": true}]}`
	if err := c.Load(strings.NewReader(repl)); err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]bool{"2026-02-16": true, "2026-03-02": false, "2026-02-28": false, "2025-10-01": false} {
		if got, err := c.IsWorkingDay(day(t, s)); err != nil || got != want {
			t.Errorf("after replacing 2026: IsWorkingDay(%s) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, _ := Default().IsWorkingDay(day(t, "2026-02-16")); got {
		t.Error("Default's 2026 changed")
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	valid := `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`
	tests := []struct{ name, in string }{
		{"Empty", ""},
		{"NotJSON", "year: 2027"},
		{"Array", "[]"},
		{"MissingYear", `{"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`},
		{"YearOutOfRange", `{"year":99999,"days":[{"name":"x","date":"2027-01-01","isOffDay":true}]}`},
		{"EmptyDaysLikeUpstream2027", `{"year":2027,"papers":[],"days":[]}`},
		{"NoDays", `{"year":2027}`},
		{"MissingIsOffDay", `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01"}]}`},
		{"MissingDate", `{"year":2027,"days":[{"name":"元旦","isOffDay":true}]}`},
		{"BadDate", `{"year":2027,"days":[{"name":"元旦","date":"2027-02-30","isOffDay":true}]}`},
		{"SlashDate", `{"year":2027,"days":[{"name":"元旦","date":"2027/01/01","isOffDay":true}]}`},
		{"DateFarFromYear", `{"year":2027,"days":[{"name":"元旦","date":"2029-01-01","isOffDay":true}]}`},
		{"DuplicateDate", `{"year":2027,"days":[{"name":"a","date":"2027-01-01","isOffDay":true},{"name":"b","date":"2027-01-01","isOffDay":false}]}`},
		{"WrongTypes", `{"year":"2027","days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`},
		{"TrailingData", valid + ` {}`},
		{"TooLarge", valid + strings.Repeat(" ", maxFile)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default().Clone()
			err := c.Load(strings.NewReader(tt.in))
			if !errors.Is(err, ErrInvalidData) {
				t.Fatalf("err = %v, want ErrInvalidData", err)
			}
			if got := c.Years(); !slices.Equal(got, []int{2024, 2025, 2026}) {
				t.Fatalf("calendar changed on error: %v", got)
			}
		})
	}
	t.Run("NilReader", func(t *testing.T) {
		if err := New().Load(nil); !errors.Is(err, ErrInvalidData) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ValidControlCaseLoads", func(t *testing.T) {
		if err := New().Load(strings.NewReader(valid)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ZeroValueCalendarLoads", func(t *testing.T) {
		var c Calendar
		if err := c.Load(strings.NewReader(valid)); err != nil || !c.Covered(2027) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestCrossYearEntryIsHonoured(t *testing.T) {
	// A 2028 file listing a make-up day on 2027-12-31 (as notices do for 元旦) changes 2027's answer once loaded.
	c := New()
	if err := c.Load(bytes.NewReader(readFixture(t, "fixture-2027.json"))); err != nil {
		t.Fatal(err)
	}
	d := day(t, "2027-12-31") // a Friday
	if w, _ := c.IsWorkingDay(d); !w {
		t.Fatal("2027-12-31 should be an ordinary working Friday")
	}
	next := `{"year":2028,"days":[{"name":"元旦","date":"2027-12-31","isOffDay":true}]}`
	if err := c.Load(strings.NewReader(next)); err != nil {
		t.Fatal(err)
	}
	if info, err := c.Lookup(d); err != nil || info.Working() || info.Name != "元旦" {
		t.Fatalf("Lookup(2027-12-31) = %+v, %v; want the 2028 file's holiday", info, err)
	}
}

func TestDaysListsARange(t *testing.T) {
	days, err := Default().Days(day(t, "2025-09-26"), day(t, "2025-10-13"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range days {
		if d.Working() {
			b.WriteString("W")
		} else {
			b.WriteString(".")
		}
	}
	// 09-26 Fri, 09-27 Sat, 09-28 make-up Sun, 09-29, 09-30, 10-01…10-08 off, 10-09, 10-10, 10-11 make-up Sat,
	// 10-12 Sun, 10-13 Mon.
	if got := b.String(); got != "W.WWW........WWW.W" {
		t.Errorf("pattern = %s", got)
	}
	if got, err := Default().Days(day(t, "2025-01-02"), day(t, "2025-01-01")); got != nil || err != nil {
		t.Errorf("reversed range = %v, %v", got, err)
	}
	if _, err := Default().Days(day(t, "2026-12-30"), day(t, "2027-01-02")); !errors.Is(err, ErrNoData) {
		t.Errorf("range into 2027: err = %v", err)
	}
}

func TestConcurrentLoadAndReadIsSafe(t *testing.T) {
	c := Default().Clone()
	b2025, err := embedded.ReadFile("holidays/2025.json")
	if err != nil {
		t.Fatal(err)
	}
	start, want := day(t, "2025-09-26"), day(t, "2025-10-13")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got, err := c.AddWorkingDays(start, 7); err != nil || got != want {
					t.Errorf("AddWorkingDays = %s, %v", got, err)
					return
				}
				_ = c.Years()
				_ = c.Covered(2025)
			}
		})
	}
	wg.Go(func() {
		for range 100 {
			if err := c.Load(bytes.NewReader(b2025)); err != nil {
				t.Error(err)
				return
			}
			_ = c.Clone()
		}
	})
	wg.Wait()
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Workday: "workday", Weekend: "weekend", Holiday: "holiday", MakeUpWorkday: "make_up_workday", 0: "Kind(0)"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q", int(k), k.String())
		}
	}
}
