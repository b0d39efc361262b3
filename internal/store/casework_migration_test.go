package store_test

import (
	"context"
	"testing"

	"github.com/xingjian/xingjian/internal/store"
)

// migration 12 (issue 5): casework. A document number and a case number are
// unique; a notification's dedup key admits one row; a lead takes the new
// triage columns.
func init() {
	migrationChecks[12] = func(ctx context.Context, t *testing.T, db *store.DB) {
		var org, user, c int64
		ins := `INSERT INTO cases (case_no, org_id, type, title, status, prosecutor_id, opened_on, created_at, updated_at) VALUES (?, ?, 'governance', 't', 'accepted', ?, '2026-01-05', 0, 0)`
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRowContext(ctx, `INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES ('M12', '迁移测试检察院', 'procuratorate', 0, 0) RETURNING id`).Scan(&org); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, org_id, role, password_hash, created_at, updated_at) VALUES ('m12', 'm12', ?, 'prosecutor', 'x', 0, 0) RETURNING id`, org).Scan(&user); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, ins+` RETURNING id`, "A1", org, user).Scan(&c)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, ins, "A1", org, user); !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate case number: want unique violation, got %v", err)
		}
		sug := `INSERT INTO suggestions (case_id, kind, recipient_org_id, title, status, doc_no, created_at, updated_at) VALUES (?, 'violation', ?, 't', 'draft', ?, 0, 0)`
		for _, no := range []any{nil, nil, "D1"} {
			if _, err := db.ExecContext(ctx, sug, c, org, no); err != nil {
				t.Fatalf("suggestion %v: %v", no, err)
			}
		}
		if _, err := db.ExecContext(ctx, sug, c, org, "D1"); !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate document number: want unique violation, got %v", err)
		}
		note := `INSERT INTO notifications (org_id, kind, title, dedup_key, created_at) VALUES (?, 'k', 't', 'same', 0) ON CONFLICT (dedup_key) DO NOTHING`
		for i := 0; i < 2; i++ {
			if _, err := db.ExecContext(ctx, note, org); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE dedup_key = 'same'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("dedup: n=%d err=%v", n, err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO leads (source, model_id, subject_key, title, evidence, detected_at, updated_at, assignee_id, dismiss_reason, case_id)
			VALUES ('manual', 'manual', 'm12', 't', '{}', 0, 0, ?, 'lawful', ?)`, user, c); err != nil {
			t.Fatalf("lead with casework columns: %v", err)
		}
	}
}
