// Package caldb puts the working-day calendar into the database: the
// calendar_days table (one row per day of every covered year, with a running
// working_day_seq so "N working days after D" is a join in any SQL) and the
// calendar_sources table (holiday notices loaded at run time, which survive
// restarts and win over the files embedded in the binary).
//
// It lives apart from package calendar so that the date arithmetic stays free
// of database drivers; calendar imports only the standard library.
package caldb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/store"
)

// ErrInvalidFile is matched (errors.Is) by every error [Load] returns for a
// file it refuses; the error's text is the Chinese reason.
var ErrInvalidFile = errors.New("节假日文件不予载入")

type fileError struct{ msg string }

func (e fileError) Error() string        { return e.msg }
func (e fileError) Is(target error) bool { return target == ErrInvalidFile }

func refuse(format string, args ...any) error { return fileError{fmt.Sprintf(format, args...)} }

// Kind values stored in calendar_days.kind.
const (
	KindWorkday       = "workday"
	KindWeekend       = "weekend"
	KindHoliday       = "holiday"
	KindMakeUpWorkday = "makeup_workday"
)

func kindText(k calendar.Kind) string {
	switch k {
	case calendar.Workday:
		return KindWorkday
	case calendar.Weekend:
		return KindWeekend
	case calendar.Holiday:
		return KindHoliday
	case calendar.MakeUpWorkday:
		return KindMakeUpWorkday
	}
	return k.String()
}

// row is one calendar_days row.
type row struct {
	Day     string
	Year    int
	Kind    string
	Name    string
	Working bool
	Seq     int
	Source  string
}

// Merge loads every year stored in calendar_sources into c, replacing the
// embedded file of the same year: a loaded year wins.
func Merge(ctx context.Context, q store.Querier, c *calendar.Calendar) error {
	rows, err := q.QueryContext(ctx, "SELECT year, json FROM calendar_sources ORDER BY year")
	if err != nil {
		return fmt.Errorf("读取已载入的节假日数据失败: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var year int
		var body string
		if err := rows.Scan(&year, &body); err != nil {
			return err
		}
		if err := c.Load(strings.NewReader(body)); err != nil {
			return fmt.Errorf("数据库中%d年的节假日数据无效: %w", year, err)
		}
	}
	return rows.Err()
}

// Calendar returns the database's calendar: the files embedded in the binary
// merged with the years stored in calendar_sources.
func Calendar(ctx context.Context, q store.Querier) (*calendar.Calendar, error) {
	c := calendar.Embedded()
	if err := Merge(ctx, q, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Startup brings calendar_days in line with the database's calendar
// ([Calendar]) and returns it; serve, migrate and every command that opens
// the database call it after the migrations. If also is not nil (the
// process-wide calendar.Default()), the stored years are loaded into it too,
// so the Go deadline functions and SQL agree.
func Startup(ctx context.Context, db *store.DB, also *calendar.Calendar) (c *calendar.Calendar, changed int, err error) {
	c, err = Calendar(ctx, db)
	if err != nil {
		return nil, 0, err
	}
	if changed, err = SyncDays(ctx, db, c); err != nil {
		return nil, 0, err
	}
	if also != nil {
		if err := Merge(ctx, db, also); err != nil {
			return nil, 0, err
		}
	}
	return c, changed, nil
}

// SyncDays (re)builds calendar_days for every year c covers, in one
// transaction: rows that differ from c are updated, missing ones inserted,
// rows of years c no longer covers deleted. It returns the number of rows
// inserted, updated or deleted; a second run returns 0 and writes nothing,
// not even an audit entry. A corrected year changes that year's rows and the
// working_day_seq of every later day whose count moved.
//
// c's years must be consecutive (a gap would make working_day_seq count
// across days nobody knows). Which table a year's source names
// (calendar_sources or the embedded file) is read from calendar_sources.
func SyncDays(ctx context.Context, db *store.DB, c *calendar.Calendar) (changed int, err error) {
	err = db.InTx(ctx, func(tx *store.Tx) error {
		changed, err = syncTx(ctx, tx, c)
		return err
	})
	return changed, err
}

func syncTx(ctx context.Context, tx *store.Tx, c *calendar.Calendar) (int, error) {
	loaded, err := loadedYears(ctx, tx)
	if err != nil {
		return 0, err
	}
	want, err := desired(c, loaded)
	if err != nil {
		return 0, err
	}
	have, err := current(ctx, tx)
	if err != nil {
		return 0, err
	}
	byYear := map[int]int{}
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO calendar_days (day, year, kind, name, is_working_day, working_day_seq, source)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (day) DO UPDATE SET year = excluded.year, kind = excluded.kind, name = excluded.name,
			is_working_day = excluded.is_working_day, working_day_seq = excluded.working_day_seq, source = excluded.source`)
	if err != nil {
		return 0, err
	}
	defer upsert.Close()
	for _, r := range want {
		if old, ok := have[r.Day]; ok {
			delete(have, r.Day)
			if old == r {
				continue
			}
		}
		if _, err := upsert.ExecContext(ctx, r.Day, r.Year, r.Kind, r.Name, r.Working, r.Seq, r.Source); err != nil {
			return 0, fmt.Errorf("写入工作日表 %s 失败: %w", r.Day, err)
		}
		byYear[r.Year]++
	}
	for day, old := range have { // days no longer covered
		if _, err := tx.ExecContext(ctx, "DELETE FROM calendar_days WHERE day = ?", day); err != nil {
			return 0, err
		}
		byYear[old.Year]++
	}
	n := 0
	for _, k := range byYear {
		n += k
	}
	if n == 0 {
		return 0, nil
	}
	years := c.Years()
	id := ""
	if len(years) > 0 {
		id = fmt.Sprintf("%d-%d", years[0], years[len(years)-1])
	}
	err = audit.Record(ctx, tx, audit.System("calendar"), audit.Entry{
		Action: "calendar.sync", ObjectType: "calendar_days", ObjectID: id,
		After: map[string]any{"years": years, "changed": n, "changed_by_year": byYear},
	})
	return n, err
}

// desired lists the rows c implies, from 1 January of its first year to 31
// December of its last.
func desired(c *calendar.Calendar, loaded map[int]bool) ([]row, error) {
	years := c.Years()
	if len(years) == 0 {
		return nil, nil
	}
	for i := 1; i < len(years); i++ {
		if years[i] != years[i-1]+1 {
			return nil, fmt.Errorf("节假日数据年份不连续：已有%d年和%d年，缺少%d年", years[i-1], years[i], years[i-1]+1)
		}
	}
	from, err := calendar.NewDate(years[0], time.January, 1)
	if err != nil {
		return nil, err
	}
	to, err := calendar.NewDate(years[len(years)-1], time.December, 31)
	if err != nil {
		return nil, err
	}
	days, err := c.Days(from, to)
	if err != nil {
		return nil, err
	}
	sources := make(map[int]string, len(years))
	for _, y := range years {
		sources[y] = sourceText(y, loaded[y], c.Papers(y))
	}
	out := make([]row, 0, len(days))
	seq := 0
	for _, d := range days {
		if d.Working() {
			seq++
		}
		y := d.Date.Year()
		out = append(out, row{Day: d.Date.String(), Year: y, Kind: kindText(d.Kind), Name: d.Name,
			Working: d.Working(), Seq: seq, Source: sources[y]})
	}
	return out, nil
}

// sourceText is the calendar_days.source of a year's days: where the year's
// file came from and the notice it transcribes.
func sourceText(year int, loaded bool, papers []string) string {
	where := "embedded"
	if loaded {
		where = "calendar_sources"
	}
	s := fmt.Sprintf("%s %d.json", where, year)
	if len(papers) > 0 {
		s += " " + strings.Join(papers, " ")
	}
	return s
}

func loadedYears(ctx context.Context, q store.Querier) (map[int]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT year FROM calendar_sources")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out[y] = true
	}
	return out, rows.Err()
}

func current(ctx context.Context, q store.Querier) (map[string]row, error) {
	rows, err := q.QueryContext(ctx, `SELECT CAST(day AS TEXT), year, kind, name, is_working_day, working_day_seq, source FROM calendar_days`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]row{}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Day, &r.Year, &r.Kind, &r.Name, &r.Working, &r.Seq, &r.Source); err != nil {
			return nil, err
		}
		out[r.Day] = r
	}
	return out, rows.Err()
}

// Loaded is a year's file stored in calendar_sources.
type Loaded struct {
	Year     int
	LoadedAt int64 // Unix ms
	LoadedBy string
}

// Load validates a holiday-cn JSON file, stores it in calendar_sources and
// rebuilds calendar_days, all in one transaction, then loads the year into
// c. A year c already covers (embedded or loaded before) is replaced only
// when replace is true; a year that would leave a gap in the covered years is
// refused. Loading the same content again changes nothing. by names the
// operator for loaded_by. It returns the file's year and the calendar_days
// rows changed.
func Load(ctx context.Context, db *store.DB, c *calendar.Calendar, data []byte, by string, replace bool) (year, changed int, err error) {
	probe := calendar.New()
	if err := probe.Load(bytes.NewReader(data)); err != nil {
		return 0, 0, refuse("节假日文件无效（须为 holiday-cn 格式的 JSON：year、papers、days[{name, date: YYYY-MM-DD, isOffDay}]，且 days 不为空）：%s", strings.TrimPrefix(err.Error(), calendar.ErrInvalidData.Error()+": "))
	}
	year = probe.Years()[0]
	years := c.Years()
	switch {
	case c.Covered(year) && !replace:
		return year, 0, refuse("%d年的节假日安排已存在（内置或此前载入）；确需以此文件替换，请加 --replace", year)
	case !c.Covered(year) && len(years) > 0 && year != years[0]-1 && year != years[len(years)-1]+1:
		next := years[len(years)-1] + 1
		if year < years[0] {
			next = years[0] - 1
		}
		return year, 0, refuse("已有%d—%d年，载入%d年会使年份不连续，请先载入%d年", years[0], years[len(years)-1], year, next)
	}
	next := c.Clone()
	if err := next.Load(bytes.NewReader(data)); err != nil {
		return year, 0, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, "SELECT json FROM calendar_sources WHERE year = ?", year).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		}
		if old != string(data) {
			now := time.Now().UnixMilli()
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_sources (year, json, loaded_at, loaded_by) VALUES (?, ?, ?, ?)
				ON CONFLICT (year) DO UPDATE SET json = excluded.json, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by`,
				year, string(data), now, by); err != nil {
				return err
			}
			var before any
			if old != "" {
				before = map[string]any{"year": year, "bytes": len(old)}
			} else if c.Covered(year) {
				before = map[string]any{"year": year, "source": "embedded"}
			}
			if err := audit.Record(ctx, tx, audit.System("calendar"), audit.Entry{
				Action: "calendar.load", ObjectType: "calendar_source", ObjectID: fmt.Sprint(year), Before: before,
				After: map[string]any{"year": year, "bytes": len(data), "papers": next.Papers(year), "loaded_by": by},
			}); err != nil {
				return err
			}
		}
		changed, err = syncTx(ctx, tx, next)
		return err
	})
	if err != nil {
		return year, 0, err
	}
	// Same bytes as next's year, already validated: cannot fail.
	if err := c.Load(bytes.NewReader(data)); err != nil {
		return year, changed, err
	}
	return year, changed, nil
}

// YearInfo describes one covered year for `xingjian calendar list`.
type YearInfo struct {
	Year        int
	Loaded      *Loaded // nil: the file embedded in the binary
	Papers      []string
	Days        int // rows in calendar_days
	WorkingDays int
}

// Years lists the years c covers with their source and their row counts in
// calendar_days.
func Years(ctx context.Context, q store.Querier, c *calendar.Calendar) ([]YearInfo, error) {
	loaded := map[int]*Loaded{}
	rows, err := q.QueryContext(ctx, "SELECT year, loaded_at, loaded_by FROM calendar_sources")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var l Loaded
		if err := rows.Scan(&l.Year, &l.LoadedAt, &l.LoadedBy); err != nil {
			rows.Close()
			return nil, err
		}
		loaded[l.Year] = &l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts := map[int][2]int{}
	rows, err = q.QueryContext(ctx, "SELECT year, COUNT(*), SUM(CASE WHEN is_working_day THEN 1 ELSE 0 END) FROM calendar_days GROUP BY year")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var y, n, w int
		if err := rows.Scan(&y, &n, &w); err != nil {
			rows.Close()
			return nil, err
		}
		counts[y] = [2]int{n, w}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []YearInfo
	for _, y := range c.Years() {
		out = append(out, YearInfo{Year: y, Loaded: loaded[y], Papers: c.Papers(y), Days: counts[y][0], WorkingDays: counts[y][1]})
	}
	return out, nil
}
