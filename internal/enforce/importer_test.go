package enforce_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

func principal(t testing.TB, db *store.DB, username string) *auth.Principal {
	t.Helper()
	var p auth.Principal
	var role string
	err := db.QueryRowContext(context.Background(), "SELECT u.id, u.username, u.role, u.org_id, o.kind FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?",
		username).Scan(&p.UserID, &p.Username, &role, &p.OrgID, &p.OrgKind)
	if err != nil {
		t.Fatal(err)
	}
	p.Role, _ = auth.LookupRole(role)
	return &p
}

func count(t *testing.T, db *store.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportFile(t *testing.T) {
	raw, err := os.ReadFile("testdata/clean_national.csv")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		im := enforce.NewImporter(db)
		admin := principal(t, db, "admin")
		var scjg int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&scjg); err != nil {
			t.Fatal(err)
		}
		imp := func(p *auth.Principal, data []byte, name string) (enforce.Report, error) {
			return im.ImportFile(ctx, p, enforce.FileImport{AgencyID: scjg, FileName: name, File: bytes.NewReader(data), Size: int64(len(data))})
		}
		first, err := imp(admin, raw, "clean_national.csv")
		if err != nil {
			t.Fatal(err)
		}
		if first.Inserted == 0 || first.Inserted+first.Rejected != first.Total {
			t.Fatalf("first import: %+v", first)
		}
		stored := count(t, db, "SELECT COUNT(*) FROM penalties")
		if stored != first.Inserted {
			t.Fatalf("stored %d, report says %d", stored, first.Inserted)
		}
		t.Run("ReimportChangesNothing", func(t *testing.T) {
			again, err := imp(admin, raw, "clean_national.csv")
			if err != nil {
				t.Fatal(err)
			}
			if again.Inserted != 0 || again.Updated != 0 || again.Unchanged != first.Inserted {
				t.Fatalf("re-import: %+v", again)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM penalties"); n != stored {
				t.Fatalf("re-import duplicated rows: %d", n)
			}
		})
		t.Run("CorrectedRowBecomesRevision", func(t *testing.T) {
			var doc, party string
			if err := db.QueryRowContext(ctx, "SELECT doc_no, party_name FROM penalties ORDER BY id LIMIT 1").Scan(&doc, &party); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(raw, []byte(party+",")) {
				t.Fatalf("fixture does not hold party %q verbatim", party)
			}
			fixed := bytes.Replace(raw, []byte(party+","), []byte(party+"分公司,"), 1)
			rep, err := imp(admin, fixed, "corrected.csv")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Updated != 1 || rep.Inserted != 0 {
				t.Fatalf("corrected import: %+v", rep)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM penalty_revisions"); n != 1 {
				t.Fatalf("revisions: %d", n)
			}
			var rev int
			if err := db.QueryRowContext(ctx, "SELECT revision FROM penalties WHERE doc_no = ?", doc).Scan(&rev); err != nil || rev != 2 {
				t.Fatalf("revision %d %v", rev, err)
			}
		})
		t.Run("OtherAgencyLiaisonIsRefused", func(t *testing.T) {
			before := count(t, db, "SELECT COUNT(*) FROM import_batches")
			_, err := imp(principal(t, db, "agency01"), raw, "x.csv") // agency01 is the police sub-bureau
			if apperr.As(err).Code != "forbidden" {
				t.Fatalf("want forbidden, got %v", err)
			}
			if count(t, db, "SELECT COUNT(*) FROM import_batches") != before {
				t.Fatal("a refused import left a batch")
			}
		})
		t.Run("NotASpreadsheetIsRefusedCleanly", func(t *testing.T) {
			before := count(t, db, "SELECT COUNT(*) FROM import_batches")
			_, err := imp(admin, []byte("%PDF-1.7\n\x00\x01binary"), "report.pdf")
			e := apperr.As(err)
			if e.Code != "invalid_file" || e.Message == "" {
				t.Fatalf("want invalid_file, got %v", err)
			}
			if count(t, db, "SELECT COUNT(*) FROM import_batches") != before {
				t.Fatal("a refused file left a batch")
			}
		})
		t.Run("MissingColumnsNamed", func(t *testing.T) {
			_, err := imp(admin, []byte("序号,名称\n1,某公司\n"), "bad.csv")
			e := apperr.As(err)
			if e.Code != "invalid_file" || !strings.Contains(e.Message, "未找到") {
				t.Fatalf("want a missing-column message, got %v", err)
			}
		})
		t.Run("EveryImportAudited", func(t *testing.T) {
			rows, total, err := audit.List(ctx, db, audit.Filter{Action: "penalty.import", Limit: 10})
			if err != nil || total != 3 || len(rows) != 3 {
				t.Fatalf("audit rows %d %v", total, err)
			}
			rep, err := audit.Verify(ctx, db)
			if err != nil || !rep.OK {
				t.Fatalf("%+v %v", rep, err)
			}
		})
	})
}
