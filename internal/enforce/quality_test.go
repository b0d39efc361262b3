package enforce_test

import (
	"context"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

func TestQuality(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		admin := principal(t, db, "admin")
		var scjg int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&scjg); err != nil {
			t.Fatal(err)
		}
		base := map[string]any{"party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100M000100Y43",
			"violation_type": "销售不合格产品", "facts": "经查", "legal_basis": "《产品质量法》第四十九条",
			"penalty_kinds": "罚款", "penalty_content": "罚款", "fine": "2000",
			"filed_date": "2025-12-01", "served_date": "2026-03-09", "domain": "市场监管", "procedure": "普通"}
		recs := []map[string]any{}
		for i, d := range []string{"2026-01-05", "2026-01-20", "2026-03-02", "2026-03-05", "2026-03-08"} {
			r := map[string]any{"doc_no": "青市监罚〔2026〕" + string(rune('1'+i)) + "号", "decision_date": d}
			for k, v := range base {
				r[k] = v
			}
			recs = append(recs, r)
		}
		recs[2]["party_uscc"] = "91350211M0000XUF46" // fails the check character: kept and flagged
		delete(recs[2], "filed_date")                // missing for an ordinary decision
		recs[3]["procedure"] = "简易"                  // on the spot: no filing, nothing missing
		delete(recs[3], "filed_date")
		for _, f := range []string{"served_date", "domain", "procedure"} {
			delete(recs[4], f) // three fields missing at once
		}
		rep, err := enforce.NewImporter(db).Push(ctx, admin, scjg, recs)
		if err != nil || rep.Inserted != len(recs) {
			t.Fatalf("push: %+v %v", rep, err)
		}
		// Delivered at 02:00 Beijing time on 12 March, which is still 11 March
		// in UTC: the lag counts Beijing days.
		delivered := time.Date(2026, 3, 12, 2, 0, 0, 0, calendar.Location()).UnixMilli()
		if _, err := db.ExecContext(ctx, "UPDATE penalties SET created_at = ? WHERE agency_id = ?", delivered, scjg); err != nil {
			t.Fatal(err)
		}

		all, err := enforce.Quality(ctx, db, admin, "", "2026-03-10")
		if err != nil {
			t.Fatal(err)
		}
		var q *enforce.AgencyQuality
		silent := 0
		for i := range all {
			if all[i].AgencyID == scjg {
				q = &all[i]
			} else if all[i].Records == 0 {
				silent++
				if all[i].RecentRecords != 0 || all[i].AvgLagDays != nil || all[i].MedianLagDays != nil || all[i].Months == nil {
					t.Errorf("an agency without records has figures: %+v", all[i])
				}
			}
		}
		if q == nil || q.Records != 5 || q.RecentRecords != 3 || q.LastDecision != "2026-03-08" {
			t.Fatalf("SCJG quality: %+v", q)
		}
		// Lags in days: 66, 51, 10, 7, 4.
		if q.AvgLagDays == nil || *q.AvgLagDays != 27.6 || q.MedianLagDays == nil || *q.MedianLagDays != 10 {
			t.Fatalf("lag: avg %v median %v", deref(q.AvgLagDays), deref(q.MedianLagDays))
		}
		want := map[string][2]float64{"bad_id": {q.BadIDShare, 0.2}, "flagged": {q.FlaggedShare, 0.2}, "filed": {q.MissingFiledShare, 0.2},
			"served": {q.MissingServedShare, 0.2}, "domain": {q.MissingDomainShare, 0.2}, "procedure": {q.MissingProcedureShare, 0.2},
			"required": {q.MissingRequiredShare, 0.4}}
		for name, got := range want {
			if got[0] != got[1] {
				t.Errorf("%s share = %v, want %v", name, got[0], got[1])
			}
		}
		if len(q.Months) != 2 || q.Months[0] != (enforce.MonthCount{Month: "2026-01", Count: 2}) || q.Months[1] != (enforce.MonthCount{Month: "2026-03", Count: 3}) {
			t.Fatalf("months: %+v", q.Months)
		}
		if silent < 20 || q.LastImportAt == 0 {
			t.Fatalf("agencies that share nothing must be listed with zero records: %d; last import %d", silent, q.LastImportAt)
		}

		// A window shorter than a month: "recent" is the whole window; an
		// even count has the middle pair's mean as its median.
		short, err := enforce.Quality(ctx, db, admin, "2026-03-01", "2026-03-06")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range short {
			if s.AgencyID == scjg && (s.Records != 2 || s.RecentRecords != 2 || s.MedianLagDays == nil || *s.MedianLagDays != 8.5) {
				t.Fatalf("short window: %+v", s)
			}
		}

		// An agency liaison sees only its own row; the date window applies.
		var liaison *auth.Principal = principal(t, db, "agency04")
		own, err := enforce.Quality(ctx, db, liaison, "2026-02-01", "2026-04-01")
		if err != nil || len(own) != 1 || own[0].AgencyID != scjg || own[0].Records != 3 || *own[0].MedianLagDays != 7 {
			t.Fatalf("liaison view: %+v %v", own, err)
		}
		// A disabled agency is not asked to share.
		if _, err := db.ExecContext(ctx, "UPDATE orgs SET disabled = TRUE WHERE code = 'MZJ'"); err != nil {
			t.Fatal(err)
		}
		after, err := enforce.Quality(ctx, db, admin, "", "")
		if err != nil || len(after) != len(all)-1 {
			t.Fatalf("disabled agency still listed: %d of %d, %v", len(after), len(all), err)
		}
	})
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func TestRecentWindow(t *testing.T) {
	// 04:00 on 22 November in Beijing is still 21 November in UTC.
	now := time.Date(2026, 11, 21, 20, 0, 0, 0, time.UTC)
	for _, c := range []struct{ from, to, wantFrom, wantTo string }{
		{"", "", "2026-10-23", "2026-11-23"},
		{"2025-12-01", "2026-11-21", "2026-10-21", "2026-11-21"},
		{"2026-11-01", "2026-11-21", "2026-11-01", "2026-11-21"},
		{"", "2026-03-10", "2026-02-10", "2026-03-10"},
		{"", "2024-03-31", "2024-02-29", "2024-03-31"}, // clamped to the shorter month, not 03-02
		{"", "2026-01-15", "2025-12-15", "2026-01-15"},
	} {
		f, to := enforce.RecentWindow(c.from, c.to, now)
		if f != c.wantFrom || to != c.wantTo {
			t.Errorf("RecentWindow(%q, %q) = %s, %s; want %s, %s", c.from, c.to, f, to, c.wantFrom, c.wantTo)
		}
	}
}
