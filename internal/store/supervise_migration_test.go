package store_test

import (
	"context"
	"testing"

	"github.com/xingjian/xingjian/internal/store"
)

// migration 10 (issue 4): models, runs, leases, hits, leads. One lead per
// (model, subject); the party-key expression index exists.
func init() {
	migrationChecks[10] = func(ctx context.Context, t *testing.T, db *store.DB) {
		ins := `INSERT INTO leads (source, model_id, subject_key, title, evidence, detected_at, updated_at) VALUES ('model', ?, ?, 't', '{}', 0, 0)`
		if _, err := db.ExecContext(ctx, ins, "m1", "s1"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, ins, "m2", "s1"); err != nil {
			t.Fatalf("same subject, other model: %v", err)
		}
		if _, err := db.ExecContext(ctx, ins, "m1", "s1"); !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate lead: want unique violation, got %v", err)
		}
		lease := `INSERT INTO model_leases (model_id, holder, expires_at) VALUES ('m1', ?, 100)`
		if _, err := db.ExecContext(ctx, lease, "a"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, lease, "b"); !store.IsUniqueViolation(err) {
			t.Fatalf("second lease: want unique violation, got %v", err)
		}
		q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'penalties_party_key'`
		if db.Dialect() == store.Postgres {
			q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'penalties_party_key'`
		}
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 1 {
			t.Fatalf("party key index: n=%d err=%v", n, err)
		}
	}
}

// migration 11: indexes only; a penalty row still inserts and every index
// exists.
func init() {
	migrationChecks[11] = func(ctx context.Context, t *testing.T, db *store.DB) {
		q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'penalties_%'`
		if db.Dialect() == store.Postgres {
			q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'penalties_%'`
		}
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil || n < 16 {
			t.Fatalf("penalty indexes: n=%d err=%v", n, err)
		}
	}
}
