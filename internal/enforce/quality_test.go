package enforce_test

import (
	"context"
	"testing"

	"github.com/xingjian/xingjian/internal/auth"
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
			"penalty_kinds": "罚款", "penalty_content": "罚款", "fine": "2000"}
		recs := []map[string]any{}
		for i, d := range []string{"2026-01-05", "2026-01-20", "2026-03-02"} {
			r := map[string]any{"doc_no": "青市监罚〔2026〕" + string(rune('1'+i)) + "号", "decision_date": d, "filed_date": "2025-12-01"}
			for k, v := range base {
				r[k] = v
			}
			recs = append(recs, r)
		}
		recs[2]["party_uscc"] = "91350211M0000XUF46" // fails the check character: kept and flagged
		delete(recs[2], "filed_date")
		if _, err := enforce.NewImporter(db).Push(ctx, admin, scjg, recs); err != nil {
			t.Fatal(err)
		}
		all, err := enforce.Quality(ctx, db, admin, "", "")
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
			}
		}
		if q == nil || q.Records != 3 || q.LastDecision != "2026-03-02" || q.AvgLagDays == nil || *q.AvgLagDays <= 0 {
			t.Fatalf("SCJG quality: %+v", q)
		}
		if q.BadIDShare < 0.33 || q.BadIDShare > 0.34 || q.MissingFiledShare < 0.33 || q.MissingFiledShare > 0.34 {
			t.Fatalf("shares: %+v", q)
		}
		if len(q.Months) != 2 || q.Months[0] != (enforce.MonthCount{Month: "2026-01", Count: 2}) || q.Months[1].Month != "2026-03" {
			t.Fatalf("months: %+v", q.Months)
		}
		if silent < 20 || q.LastImportAt == 0 {
			t.Fatalf("agencies that share nothing must be listed with zero records: %d; last import %d", silent, q.LastImportAt)
		}
		// An agency liaison sees only its own row; the date window applies.
		var liaison *auth.Principal = principal(t, db, "agency04")
		own, err := enforce.Quality(ctx, db, liaison, "2026-02-01", "2026-04-01")
		if err != nil || len(own) != 1 || own[0].AgencyID != scjg || own[0].Records != 1 {
			t.Fatalf("liaison view: %+v %v", own, err)
		}
	})
}
