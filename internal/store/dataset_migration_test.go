package store_test

import (
	"context"
	"testing"

	"github.com/xingjian/xingjian/internal/store"
)

// migration 9 (issue 4): the registry of dataset kinds, one row per kind
// name, with its JSON spec.
func init() {
	migrationChecks[9] = func(ctx context.Context, t *testing.T, db *store.DB) {
		ins := "INSERT INTO dataset_kinds (name, label, spec, builtin, created_at, updated_at) VALUES (?, ?, '{}', ?, 0, 0)"
		if _, err := db.ExecContext(ctx, ins, "deaths", "死亡登记", true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, ins, "deaths", "重复", false); !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate kind name: want unique violation, got %v", err)
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dataset_kinds WHERE builtin").Scan(&n); err != nil || n != 1 {
			t.Fatalf("builtin kinds: n=%d err=%v", n, err)
		}
	}
}
