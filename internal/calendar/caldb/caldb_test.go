package caldb_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/calendar/caldb"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

type dayRow struct {
	Year    int
	Kind    string
	Name    string
	Working bool
	Seq     int
	Source  string
}

func snapshot(t *testing.T, db *store.DB) map[string]dayRow {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "SELECT CAST(day AS TEXT), year, kind, name, is_working_day, working_day_seq, source FROM calendar_days")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]dayRow{}
	for rows.Next() {
		var day string
		var r dayRow
		if err := rows.Scan(&day, &r.Year, &r.Kind, &r.Name, &r.Working, &r.Seq, &r.Source); err != nil {
			t.Fatal(err)
		}
		out[day] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSyncKnownDaysAndIdempotence(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := calendar.Embedded()
		n, err := caldb.SyncDays(ctx, db, c)
		if err != nil {
			t.Fatal(err)
		}
		if n != 366+365+365 {
			t.Fatalf("first sync changed %d rows, want 1096", n)
		}
		rows := snapshot(t, db)
		if len(rows) != 1096 {
			t.Fatalf("%d rows", len(rows))
		}
		for day, want := range map[string]dayRow{
			"2025-01-26": {Year: 2025, Kind: "makeup_workday", Name: "春节", Working: true},
			"2025-10-01": {Year: 2025, Kind: "holiday", Name: "国庆节、中秋节", Working: false},
			"2025-10-11": {Year: 2025, Kind: "makeup_workday", Name: "国庆节、中秋节", Working: true},
			"2025-03-08": {Year: 2025, Kind: "weekend", Working: false}, // an ordinary Saturday
			"2025-03-10": {Year: 2025, Kind: "workday", Working: true},
			"2024-02-29": {Year: 2024, Kind: "workday", Working: true},
			"2026-02-17": {Year: 2026, Kind: "holiday", Name: "春节", Working: false},
		} {
			got := rows[day]
			got.Seq, got.Source = 0, ""
			if got != want {
				t.Errorf("%s: %+v, want %+v", day, got, want)
			}
		}
		// working_day_seq: 1 on the first working day (Tue 2024-01-02; 01-01 is 元旦 with 0), carried over
		// non-working days, +1 per working day.
		if r := rows["2024-01-01"]; r.Seq != 0 || r.Working {
			t.Errorf("2024-01-01: %+v", r)
		}
		if r := rows["2024-01-02"]; r.Seq != 1 {
			t.Errorf("2024-01-02: %+v", r)
		}
		if a, b := rows["2025-03-07"], rows["2025-03-09"]; a.Seq != b.Seq || rows["2025-03-10"].Seq != a.Seq+1 {
			t.Errorf("weekend seq: fri %d sun %d mon %d", a.Seq, b.Seq, rows["2025-03-10"].Seq)
		}
		if s := rows["2025-01-01"].Source; !strings.HasPrefix(s, "embedded 2025.json https://www.gov.cn/") {
			t.Errorf("source %q", s)
		}
		total := count(t, db, "SELECT COUNT(*) FROM calendar_days WHERE is_working_day")
		if max := count(t, db, "SELECT MAX(working_day_seq) FROM calendar_days"); max != total {
			t.Errorf("max seq %d, working days %d", max, total)
		}
		audits := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.sync' AND username = 'calendar'")
		if audits != 1 {
			t.Errorf("%d sync audit rows", audits)
		}

		n, err = caldb.SyncDays(ctx, db, c)
		if err != nil || n != 0 {
			t.Fatalf("second sync: %d %v", n, err)
		}
		if count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.sync'") != 1 {
			t.Error("second sync wrote an audit entry")
		}
	})
}

// The SQL answer to "the 7th working day after D" equals calendar.AddWorkingDays for every day of 2025.
func TestSevenWorkingDaysInSQL(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := calendar.Embedded()
		if _, err := caldb.SyncDays(ctx, db, c); err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT CAST(d.day AS TEXT), COALESCE(CAST(due.day AS TEXT), '')
			FROM calendar_days d
			LEFT JOIN calendar_days due ON due.is_working_day AND due.working_day_seq = d.working_day_seq + 7
			WHERE d.year = 2025 ORDER BY d.day`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var day, due string
			if err := rows.Scan(&day, &due); err != nil {
				t.Fatal(err)
			}
			want, err := c.AddWorkingDays(mustDate(t, day), 7)
			if err != nil {
				t.Fatal(err)
			}
			if due != want.String() {
				t.Errorf("7 working days after %s: SQL %q, calendar %s", day, due, want)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n != 365 {
			t.Fatalf("%d days of 2025", n)
		}
		// The example in docs/architecture.md, on penalties.
		if _, err := db.ExecContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES ('A', '甲', 'agency', 0, 0)"); err != nil {
			t.Fatal(err)
		}
		for i, p := range [][2]string{
			{"2025-09-26", "2025-10-13"}, // the 7th working day (DOMAIN example): in time
			{"2025-09-26", "2025-10-14"}, // one working day late
			{"2025-10-17", "2025-10-26"}, // due Tue 10-28: in time
			{"2025-10-17", "2025-11-01"}, // the Saturday after the due date: late
		} {
			if _, err := db.ExecContext(ctx, `INSERT INTO penalties (agency_id, doc_no, content_hash, party_name, decision_date, served_date, created_at, updated_at)
				VALUES (1, ?, 'h', '某公司', ?, ?, 0, 0)`, string(rune('1'+i)), p[0], p[1]); err != nil {
				t.Fatal(err)
			}
		}
		late, err := db.QueryContext(ctx, `SELECT p.doc_no
			FROM penalties p
			JOIN calendar_days d   ON d.day = p.decision_date
			JOIN calendar_days due ON due.is_working_day AND due.working_day_seq = d.working_day_seq + 7
			WHERE p.served_date > due.day
			ORDER BY p.doc_no`)
		if err != nil {
			t.Fatal(err)
		}
		defer late.Close()
		var got []string
		for late.Next() {
			var s string
			if err := late.Scan(&s); err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		if strings.Join(got, ",") != "2,4" {
			t.Errorf("late: %v, want 2,4", got)
		}
	})
}

func readEmbedded(t *testing.T, year string) string {
	t.Helper()
	b, err := os.ReadFile("../holidays/" + year + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const year2027 = `{"year": 2027, "papers": ["https://example.invalid/2027"], "days": [
	{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
	{"name": "劳动节", "date": "2027-05-03", "isOffDay": true},
	{"name": "劳动节", "date": "2027-05-08", "isOffDay": false}]}`

func TestLoadYears(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c, _, err := caldb.Startup(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, db)

		// Refusals change nothing.
		for name, tc := range map[string]struct {
			data    string
			replace bool
			msg     string
		}{
			"bad json":      {`{"year": 2027, "days": [`, true, "节假日文件无效"},
			"bad date":      {`{"year": 2027, "days": [{"name": "x", "date": "2027-02-30", "isOffDay": true}]}`, true, "节假日文件无效"},
			"empty days":    {`{"year": 2027, "papers": [], "days": []}`, true, "节假日文件无效"},
			"gap":           {strings.ReplaceAll(year2027, "2027", "2028"), true, "请先载入2027年"},
			"covered":       {readEmbedded(t, "2025"), false, "--replace"},
			"covered again": {strings.Replace(readEmbedded(t, "2026"), `"isOffDay": false`, `"isOffDay": true`, 1), false, "已存在"},
		} {
			_, _, err := caldb.Load(ctx, db, c, []byte(tc.data), "test", tc.replace)
			if !errors.Is(err, caldb.ErrInvalidFile) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if count(t, db, "SELECT COUNT(*) FROM calendar_sources") != 0 || len(snapshot(t, db)) != len(before) {
			t.Fatal("a refused file changed the database")
		}

		// A corrected 2026: Monday 2026-03-02 becomes a day off. Only 2026 rows change, from 03-02 on.
		fixed := strings.Replace(readEmbedded(t, "2026"), `"days": [`, `"days": [
        {"name": "更正", "date": "2026-03-02", "isOffDay": true},`, 1)
		year, changed, err := caldb.Load(ctx, db, c, []byte(fixed), "test", true)
		if err != nil || year != 2026 {
			t.Fatalf("load corrected 2026: %d %v", year, err)
		}
		after := snapshot(t, db)
		diff := 0
		for day, old := range before {
			now := after[day]
			if now == old {
				continue
			}
			diff++
			switch {
			case old.Year != 2026:
				t.Errorf("%s changed: %+v -> %+v", day, old, now)
			case day < "2026-03-02":
				if now.Seq != old.Seq || now.Kind != old.Kind {
					t.Errorf("%s: %+v -> %+v", day, old, now)
				}
			case day == "2026-03-02":
				if now.Kind != "holiday" || now.Name != "更正" || now.Working || now.Seq != old.Seq-1 {
					t.Errorf("2026-03-02: %+v", now)
				}
			case now.Seq != old.Seq-1 || now.Kind != old.Kind:
				t.Errorf("%s: %+v -> %+v", day, old, now)
			}
			if !strings.HasPrefix(now.Source, "calendar_sources 2026.json") {
				t.Errorf("%s source %q", day, now.Source)
			}
		}
		if diff != changed || diff != 365 { // every 2026 row: its source now names calendar_sources
			t.Errorf("changed %d, diff %d", changed, diff)
		}
		if w, _ := c.IsWorkingDay(mustDate(t, "2026-03-02")); w {
			t.Error("the calendar passed in did not take the corrected year")
		}

		// Loading the same file again changes nothing.
		if _, changed, err := caldb.Load(ctx, db, c, []byte(fixed), "test", true); err != nil || changed != 0 {
			t.Fatalf("same file again: %d %v", changed, err)
		}

		// A new year without a release.
		year, changed, err = caldb.Load(ctx, db, c, []byte(year2027), "test", false)
		if err != nil || year != 2027 || changed != 365 {
			t.Fatalf("load 2027: %d %d %v", year, changed, err)
		}
		r := snapshot(t, db)
		if r["2027-05-08"].Kind != "makeup_workday" || r["2027-05-03"].Kind != "holiday" || r["2027-01-02"].Kind != "weekend" ||
			r["2027-01-01"].Seq != r["2026-12-31"].Seq {
			t.Errorf("2027: %+v %+v %+v", r["2027-05-08"], r["2027-05-03"], r["2027-01-01"])
		}

		// A restart (fresh embedded calendar) keeps both loaded years and changes nothing.
		also := calendar.Embedded()
		fresh, n, err := caldb.Startup(ctx, db, also)
		if err != nil || n != 0 {
			t.Fatalf("restart sync: %d %v", n, err)
		}
		if !fresh.Covered(2027) || !also.Covered(2027) {
			t.Error("restart lost 2027")
		}
		if w, _ := also.IsWorkingDay(mustDate(t, "2026-03-02")); w {
			t.Error("the loaded 2026 did not win over the embedded one")
		}
		ys, err := caldb.Years(ctx, db, fresh)
		if err != nil || len(ys) != 4 || ys[0].Loaded != nil || ys[2].Loaded == nil || ys[3].Loaded.LoadedBy != "test" ||
			ys[3].Days != 365 || ys[1].Days != 365 || ys[1].WorkingDays != 248 { // 261 weekdays - 18 off + 5 make-up days
			t.Fatalf("years: %+v %v", ys, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.load'"); n != 2 {
			t.Errorf("%d load audit rows, want 2", n)
		}
	})
}

// A calendar with a gap is refused rather than numbered across unknown days.
func TestSyncRefusesGap(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		c := calendar.Embedded()
		if err := c.Load(strings.NewReader(strings.ReplaceAll(year2027, "2027", "2028"))); err != nil {
			t.Fatal(err)
		}
		if _, err := caldb.SyncDays(context.Background(), db, c); err == nil || !strings.Contains(err.Error(), "缺少2027年") {
			t.Fatalf("gap: %v", err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM calendar_days"); n != 0 {
			t.Fatalf("%d rows written", n)
		}
	})
}
