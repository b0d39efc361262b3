package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, audit.Actor{UserID: 0, Username: "tester", IP: "127.0.0.1"}, audit.Entry{
				Action: "thing.update", ObjectType: "thing", ObjectID: fmt.Sprint(i),
				Before: map[string]any{"n": i}, After: map[string]any{"n": i + 1, "名称": "甲"},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// dropGuards removes the append-only triggers, as an attacker with database
// access could; the chain must still expose what they then do.
func dropGuards(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	var stmts []string
	if db.Dialect() == store.SQLite {
		stmts = []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	} else {
		stmts = []string{"DROP TRIGGER audit_log_no_update ON audit_log"}
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerify(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string // SQL run after the guards are dropped
		problem string // substring expected in a problem
	}{
		{"DetectsEditedRow", "UPDATE audit_log SET after_json = '{\"n\":99}' WHERE id = 3", "哈希不符"},
		{"DetectsEditedActor", "UPDATE audit_log SET username = 'someone' WHERE id = 1", "哈希不符"},
		{"DetectsDeletedMiddleRow", "DELETE FROM audit_log WHERE id = 2", "缺失"},
		{"DetectsDeletedLastRow", "DELETE FROM audit_log WHERE id = 5", "链头"},
		{"DetectsRewrittenHash", "UPDATE audit_log SET hash = 'abc' WHERE id = 4", "链接不符"},
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 5)
		rep, err := audit.Verify(ctx, db)
		if err != nil || !rep.OK || rep.Rows != 5 {
			t.Fatalf("clean chain: %+v %v", rep, err)
		}
		if _, err := db.ExecContext(ctx, "UPDATE audit_log SET username = 'x' WHERE id = 1"); err == nil {
			t.Fatal("UPDATE allowed while guards are in place")
		}
		dropGuards(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				// Work on a copy of the pristine chain each time.
				if _, err := db.ExecContext(ctx, "DELETE FROM audit_log"); err != nil {
					t.Fatal(err)
				}
				if _, err := db.ExecContext(ctx, "UPDATE audit_head SET seq = 0, hash = ?", strings.Repeat("0", 64)); err != nil {
					t.Fatal(err)
				}
				appendN(t, db, 5)
				if _, err := db.ExecContext(ctx, c.tamper); err != nil {
					t.Fatal(err)
				}
				rep, err := audit.Verify(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK {
					t.Fatalf("tampering not detected: %+v", rep)
				}
				found := false
				for _, p := range rep.Problems {
					found = found || strings.Contains(p.Problem, c.problem)
				}
				if !found {
					t.Fatalf("want a problem containing %q, got %+v", c.problem, rep.Problems)
				}
				if _, err := audit.VerifyOrErr(ctx, db); err != audit.ErrTampered {
					t.Fatalf("VerifyOrErr: %v", err)
				}
			})
		}
	})
}

func TestConcurrentAppendsKeepChain(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				appendN(t, db, 10)
			}()
		}
		wg.Wait()
		rep, err := audit.Verify(ctx, db)
		if err != nil || !rep.OK || rep.Rows != 80 {
			t.Fatalf("%+v %v", rep, err)
		}
	})
}

func TestRolledBackChangeLeavesNoAuditRow(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_ = db.InTx(ctx, func(tx *store.Tx) error {
			if err := audit.Record(ctx, tx, audit.System("t"), audit.Entry{Action: "a", ObjectType: "b"}); err != nil {
				return err
			}
			return fmt.Errorf("fail after audit")
		})
		rows, total, err := audit.List(ctx, db, audit.Filter{Limit: 10})
		if err != nil || total != 0 || len(rows) != 0 {
			t.Fatalf("rows=%v total=%d err=%v", rows, total, err)
		}
		rep, _ := audit.Verify(ctx, db)
		if !rep.OK {
			t.Fatalf("%+v", rep)
		}
	})
}

func TestListFilters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 5)
		rows, total, err := audit.List(ctx, db, audit.Filter{ObjectType: "thing", ObjectID: "2", Limit: 10})
		if err != nil || total != 1 || len(rows) != 1 || rows[0].ObjectID != "2" {
			t.Fatalf("rows=%+v total=%d err=%v", rows, total, err)
		}
		rows, total, err = audit.List(ctx, db, audit.Filter{Limit: 2})
		if err != nil || total != 5 || len(rows) != 2 || rows[0].ID != 5 {
			t.Fatalf("newest first page: %+v total=%d err=%v", rows, total, err)
		}
		rows, _, err = audit.List(ctx, db, audit.Filter{Limit: 10, Before: rows[1].ID})
		if err != nil || len(rows) != 3 || rows[0].ID != 3 {
			t.Fatalf("second page: %+v err=%v", rows, err)
		}
	})
}
