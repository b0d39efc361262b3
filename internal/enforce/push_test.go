package enforce_test

import (
	"context"
	"testing"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

func TestPush(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		var scjg int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&scjg); err != nil {
			t.Fatal(err)
		}
		// A real agency-system token for SCJG.
		as := auth.NewService(db)
		_, secret, err := as.IssueToken(ctx, principal(t, db, "admin"), scjg, "对接系统")
		if err != nil {
			t.Fatal(err)
		}
		sys, err := as.Bearer(ctx, secret, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		good := map[string]any{
			"doc_no": "青市监罚〔2026〕7号", "party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100M000100Y43",
			"violation_type": "销售不合格产品", "facts": "经查，当事人销售不合格瓷砖", "legal_basis": "《中华人民共和国产品质量法》第四十九条",
			"penalty_kinds": "罚款", "penalty_content": "罚款人民币 12,000 元", "fine": 12000, "decision_date": "2026-03-05",
		}
		bad := map[string]any{"doc_no": "青市监罚〔2026〕8号", "party_name": "某公司", "fine": "-5"}
		unknown := map[string]any{"doc_no": "x", "shoe_size": 42}
		im := enforce.NewImporter(db)
		rep, err := im.Push(ctx, sys, 0, []map[string]any{good, bad, unknown})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total != 3 || rep.Inserted != 1 || rep.Rejected != 2 {
			t.Fatalf("report %+v", rep)
		}
		var fine int64
		if err := db.QueryRowContext(ctx, "SELECT fine_fen FROM penalties WHERE doc_no = ?", good["doc_no"]).Scan(&fine); err != nil || fine != 1_200_000 {
			t.Fatalf("fine in yuan must be stored as 1,200,000 fen: %d %v", fine, err)
		}
		for _, r := range rep.Rejects {
			if r.Line < 2 || r.Reason == "" {
				t.Fatalf("reject must name its record and reason: %+v", r)
			}
		}
		again, err := im.Push(ctx, sys, 0, []map[string]any{good})
		if err != nil || again.Unchanged != 1 || again.Inserted != 0 {
			t.Fatalf("re-push: %+v %v", again, err)
		}
		var gaql int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'GAQL'").Scan(&gaql); err != nil {
			t.Fatal(err)
		}
		if _, err := im.Push(ctx, sys, gaql, []map[string]any{good}); apperr.As(err).Code != "forbidden" {
			t.Fatalf("token pushing for another agency: %v", err)
		}
	})
}
