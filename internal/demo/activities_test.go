package demo

import (
	"context"
	"testing"

	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

func TestSeedActivities(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := SeedActivities(ctx, db); err != ErrNoDemoDistrict {
			t.Fatalf("without the demo district: %v", err)
		}
		if _, err := Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		// After the penalties, as `serve --demo` and `xingjian demo` do.
		if _, err := SeedRecords(ctx, db, 3000, testSeed, nil); err != nil {
			t.Fatal(err)
		}
		if sum, err := SeedActivities(ctx, db); err != nil || !sum.Created {
			t.Fatalf("seed activities: %+v %v", sum, err)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insp, meas := count("SELECT COUNT(*) FROM inspections"), count("SELECT COUNT(*) FROM measures")
		if insp < 2000 || insp > 8000 || meas < 150 || meas > 800 {
			t.Fatalf("%d inspections, %d measures", insp, meas)
		}
		t.Logf("%d inspections, %d measures", insp, meas)
		again, err := SeedActivities(ctx, db)
		if err != nil || again.Created {
			t.Fatalf("second call: %+v %v", again, err)
		}
		if count("SELECT COUNT(*) FROM inspections") != insp || count("SELECT COUNT(*) FROM measures") != meas {
			t.Fatal("second call added records")
		}
		// Planted irregularities are there and findable.
		over := count("SELECT COUNT(*) FROM measures WHERE flags LIKE ?", "%"+enforce.FlagMeasurePeriodExceeded+"%")
		if over == 0 || over*10 > meas {
			t.Errorf("%d of %d measures over the statutory period", over, meas)
		}
		if n := count("SELECT COUNT(*) FROM measures WHERE rights_notice = FALSE"); n == 0 {
			t.Error("no measure without the notice of rights")
		}
		if n := count("SELECT COUNT(*) FROM inspections WHERE result = 'rectify' AND status = '整改中' AND rectify_deadline < ?", "2026-09-01"); n == 0 {
			t.Error("no rectification left without follow-up")
		}
		// An inspection that led to a case names a penalty of its agency,
		// decided after the inspection.
		linked := count(`SELECT COUNT(*) FROM inspections i JOIN penalties p ON p.agency_id = i.agency_id AND p.doc_no = i.followup_doc_no
			WHERE i.result = 'case_filed' AND p.decision_date > i.inspection_date`)
		if filed := count("SELECT COUNT(*) FROM inspections WHERE result = 'case_filed'"); filed == 0 || linked != filed {
			t.Errorf("case_filed inspections: %d, linked to a later penalty: %d", filed, linked)
		}
		if n := count("SELECT COUNT(*) FROM inspections WHERE inspection_date > ? OR inspection_date < ?", RecordsToday.String(), "2023-11-01"); n != 0 {
			t.Errorf("%d inspections outside the window", n)
		}
		if n := count("SELECT COUNT(*) FROM measures WHERE end_date < start_date"); n != 0 {
			t.Errorf("%d measures end before they start", n)
		}
	})
}
