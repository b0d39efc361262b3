package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// The demo's casework history is built through the service: one closed
// loop, one due within days, one overdue and escalated, one draft waiting
// for approval; the overdue one has sent its reminders.
func TestSeedCasework(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
		sum, err := demo.SeedCasework(ctx, db, now)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Cases != 4 || sum.Suggestions != 4 {
			t.Fatalf("summary %+v", sum)
		}
		count := func(q string) int {
			var n int
			if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM suggestions WHERE status = 'closed' AND outcome = 'adopted'`: 1,
			`SELECT COUNT(*) FROM suggestions WHERE status = 'awaiting_reply'`:                 2,
			`SELECT COUNT(*) FROM suggestions WHERE escalation_level = 1`:                      1,
			`SELECT COUNT(*) FROM suggestions WHERE status = 'pending_approval'`:               1,
			`SELECT COUNT(*) FROM cases WHERE status = 'closed'`:                               1,
			`SELECT COUNT(*) FROM attachments WHERE kind = 'document'`:                         4, // three suggestions, one copy letter
			`SELECT COUNT(*) FROM notifications WHERE kind = 'deadline.overdue'`:               2,
		} {
			if got := count(q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
	})
}
