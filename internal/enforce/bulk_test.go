package enforce_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"testing"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// TestBulkImport imports a file large enough to take the bulk paths
// (several chunks; on SQLite the deferred text index) and checks what they
// must keep: every row findable by a text fragment, re-import unchanged,
// corrections as revisions, the index trigger back in place for later single
// rows, and a batch cancelled half-way leaving nothing — index included.
func TestBulkImport(t *testing.T) {
	const n = 2600 // 2 full chunks and a part
	var buf bytes.Buffer
	if err := demo.WriteCSV(&buf, n, 7); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		var scjg int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&scjg); err != nil {
			t.Fatal(err)
		}
		admin := principal(t, db, "admin")
		im := enforce.NewImporter(db)
		imp := func(ctx context.Context, data []byte, progress func(int)) (enforce.Report, error) {
			return im.ImportFile(ctx, admin, enforce.FileImport{AgencyID: scjg, FileName: "bulk.csv", File: bytes.NewReader(data),
				Size: int64(len(data)), Progress: progress})
		}
		search := func(q string) []enforce.RecordSummary {
			t.Helper()
			got, _, _, err := enforce.Search(ctx, db, auth.Scope{District: true}, enforce.RecordFilter{Q: q, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		t.Run("CancelledHalfWayLeavesNothing", func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			_, err := imp(cctx, raw, func(rows int) {
				if rows >= 1024 {
					cancel() // after the first chunk has been written
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("want cancelled, got %v", err)
			}
			for _, q := range []string{"SELECT COUNT(*) FROM penalties", "SELECT COUNT(*) FROM import_batches", "SELECT COUNT(*) FROM import_rejects"} {
				if got := count(t, db, q); got != 0 {
					t.Errorf("%s = %d after a cancelled batch", q, got)
				}
			}
			if db.Dialect() == store.SQLite {
				if got := count(t, db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'penalties_fts_insert'"); got != 1 {
					t.Fatal("the text-index trigger is gone after a cancelled batch")
				}
			}
		})

		rep, err := imp(ctx, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inserted != n || rep.Total != n || rep.Rejected != 0 {
			t.Fatalf("import: %+v", rep)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM penalties"); got != n {
			t.Fatalf("%d stored", got)
		}

		// Rows from each chunk are found by fragments of name, number and facts.
		var first, middle, last struct{ doc, party, facts string }
		for _, x := range []struct {
			dst *struct{ doc, party, facts string }
			q   string
		}{{&first, "ORDER BY id LIMIT 1"}, {&middle, "ORDER BY id LIMIT 1 OFFSET 1500"}, {&last, "ORDER BY id DESC LIMIT 1"}} {
			if err := db.QueryRowContext(ctx, "SELECT doc_no, party_name, facts FROM penalties "+x.q).Scan(&x.dst.doc, &x.dst.party, &x.dst.facts); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range []struct{ doc, party, facts string }{first, middle, last} {
			found := func(q string) bool {
				for _, s := range search(q) {
					if s.DocNo == r.doc {
						return true
					}
				}
				return false
			}
			if !found(r.doc) {
				t.Errorf("document number %q not found", r.doc)
			}
			// A fragment of the facts: the index finds exactly the rows
			// that hold it.
			if fr := []rune(r.facts); len(fr) > 30 {
				frag := string(fr[20:28])
				_, total, _, err := enforce.Search(ctx, db, auth.Scope{District: true}, enforce.RecordFilter{Q: frag, Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				var want int
				if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM penalties WHERE party_name LIKE ? OR doc_no LIKE ? OR facts LIKE ?",
					"%"+frag+"%", "%"+frag+"%", "%"+frag+"%").Scan(&want); err != nil {
					t.Fatal(err)
				}
				if total != want || want == 0 {
					t.Errorf("facts fragment %q: search counts %d, the table holds %d", frag, total, want)
				}
			}
		}

		t.Run("ReimportChangesNothing", func(t *testing.T) {
			again, err := imp(ctx, raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			if again.Unchanged != n || again.Inserted != 0 || again.Updated != 0 {
				t.Fatalf("re-import: %+v", again)
			}
		})

		t.Run("CorrectionBecomesRevisionAndIsIndexed", func(t *testing.T) {
			fixed := bytes.Replace(raw, []byte(middle.party+","), []byte(middle.party+"甲乙分店,"), 1)
			rep, err := imp(ctx, fixed, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Updated != 1 || rep.Unchanged != n-1 {
				t.Fatalf("corrected import: %+v", rep)
			}
			got := search(middle.party + "甲乙分店")
			if len(got) != 1 || got[0].Revision != 2 {
				t.Fatalf("corrected record: %+v", got)
			}
		})

		t.Run("SingleRowsStillIndexed", func(t *testing.T) {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				p := enforce.Penalty{DocNo: "青市监罚〔2026〕99999号", PartyName: "江州市紫藤花木有限公司", PartyKind: enforce.PartyLegalPerson,
					ViolationType: "x", Facts: "经查，当事人无证经营花木", LegalBasis: "y", PenaltyKinds: "警告", PenaltyContent: "警告"}
				p.DecisionDate.Year, p.DecisionDate.Month, p.DecisionDate.Day = 2026, 3, 1
				_, err := enforce.Upsert(ctx, tx, scjg, rep.BatchID, &p, 0)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := search("紫藤花木"); len(got) != 1 {
				t.Fatalf("a row stored after a bulk import is not indexed: %+v", got)
			}
		})
	})
}

// TestLegacyContentHash: records stored before the compact content hash
// (hex of SHA-256 over JSON) still compare as unchanged on re-import.
func TestLegacyContentHash(t *testing.T) {
	var buf bytes.Buffer
	if err := demo.WriteCSV(&buf, 40, 3); err != nil {
		t.Fatal(err)
	}
	// That release had no act date or surcharge: drop the file's last two
	// columns (违法行为发生日期, 加处罚款金额).
	table, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := table[0]; h[len(h)-2] != "违法行为发生日期" || h[len(h)-1] != "加处罚款金额（元）" {
		t.Fatalf("demo CSV ends with %v", h[len(h)-2:])
	}
	var old bytes.Buffer
	w := csv.NewWriter(&old)
	for _, rec := range table {
		_ = w.Write(rec[:len(rec)-2])
	}
	w.Flush()
	raw := old.Bytes()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		var scjg int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&scjg); err != nil {
			t.Fatal(err)
		}
		im := enforce.NewImporter(db)
		imp := func() enforce.Report {
			rep, err := im.ImportFile(ctx, principal(t, db, "admin"), enforce.FileImport{AgencyID: scjg, FileName: "x.csv", File: bytes.NewReader(raw), Size: int64(len(raw))})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		imp()
		// Rewrite every stored hash in the old form, as an older release wrote it.
		var ids []int64
		rows, err := db.QueryContext(ctx, "SELECT id FROM penalties")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, id := range ids {
				sp, err := enforce.GetPenalty(ctx, tx, id)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE penalties SET content_hash = ? WHERE id = ?", enforce.LegacyHash(&sp.Penalty), id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM penalties WHERE content_hash LIKE 'h2%'"); got != 0 {
			t.Fatalf("%d hashes not rewritten", got)
		}
		if rep := imp(); rep.Unchanged != len(ids) || rep.Updated != 0 {
			t.Fatalf("re-import over legacy hashes: %+v", rep)
		}
	})
}

// TestConcurrentImportsOfOneAgency: two imports for the same agency at the
// same time — a liaison's upload while the agency's system pushes — both
// succeed (on PostgreSQL they take turns on an advisory lock taken before
// anything else; a row lock taken after the batch row deadlocked).
func TestConcurrentImportsOfOneAgency(t *testing.T) {
	files := make([][]byte, 2)
	for i := range files {
		var buf bytes.Buffer
		if err := demo.WriteCSV(&buf, 30, int64(100+i)); err != nil {
			t.Fatal(err)
		}
		files[i] = buf.Bytes()
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		var scjg int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&scjg); err != nil {
			t.Fatal(err)
		}
		admin := principal(t, db, "admin")
		im := enforce.NewImporter(db)
		for round := range 8 {
			errs := make(chan error, 2)
			for _, raw := range files {
				go func() {
					_, err := im.ImportFile(ctx, admin, enforce.FileImport{AgencyID: scjg, FileName: "x.csv", File: bytes.NewReader(raw), Size: int64(len(raw))})
					errs <- err
				}()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
		}
	})
}
