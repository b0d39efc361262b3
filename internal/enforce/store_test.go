package enforce

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/tabular"
)

func samplePenalty() Penalty {
	yes := true
	return Penalty{
		DocNo: "青市监罚〔2024〕12号", PartyName: "江州市青岚区顺发建材有限公司", PartyKind: PartyLegalPerson,
		PartyUSCC: "91350100M000100Y43", LegalRep: "李某", ViolationType: "销售不合格产品", Facts: "经查，当事人销售不合格瓷砖",
		LegalBasis: "《中华人民共和国产品质量法》第四十九条", PenaltyKinds: "罚款;没收违法所得", PenaltyContent: "罚款人民币 12,000 元",
		FineFen: 1_200_000, ConfiscateFen: 35_050, DecisionDate: tabular.Date{Year: 2024, Month: time.May, Day: 6},
		AgencyName: "江州市青岚区市场监督管理局", Domain: "market", Procedure: ProcedureOrdinary,
		FiledDate: tabular.Date{Year: 2024, Month: time.February, Day: 1}, HearingNotice: &yes, Flags: []string{FlagConvertedID15},
	}
}

func TestUpsertKeepsRevisions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES ('SCJG', '市场监管局', 'agency', 0, 0)"); err != nil {
			t.Fatal(err)
		}
		batch := func() int64 {
			var id int64
			err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM import_batches").Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			err = db.InTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRowContext(ctx, `INSERT INTO import_batches (kind, agency_id, source, started_at, finished_at)
					VALUES ('penalty', 1, 'file', 0, 0) RETURNING id`).Scan(&id)
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		upsert := func(p Penalty, b int64) Outcome {
			var out Outcome
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				out, err = Upsert(ctx, tx, 1, b, &p, time.Now().UnixMilli())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		p := samplePenalty()
		b1 := batch()
		if got := upsert(p, b1); got != Inserted {
			t.Fatalf("first: %v", got)
		}
		if got := upsert(p, batch()); got != Unchanged {
			t.Fatalf("same content again: want Unchanged, got %v", got)
		}
		corrected := p
		corrected.FineFen = 1_000_000
		b3 := batch()
		if got := upsert(corrected, b3); got != Updated {
			t.Fatalf("corrected: want Updated, got %v", got)
		}
		var id int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM penalties").Scan(&id); err != nil {
			t.Fatal(err)
		}
		got, err := GetPenalty(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Revision != 2 || got.FineFen != 1_000_000 || got.BatchID != b3 || got.DecisionDate != p.DecisionDate ||
			got.ValidUntil != (tabular.Date{}) || got.HearingNotice == nil || !*got.HearingNotice || got.RemedyNotice != nil ||
			len(got.Flags) != 1 || got.Flags[0] != FlagConvertedID15 {
			t.Fatalf("stored: %+v", got)
		}
		var data string
		var rev int
		if err := db.QueryRowContext(ctx, "SELECT revision, data FROM penalty_revisions WHERE penalty_id = ?", id).Scan(&rev, &data); err != nil {
			t.Fatal(err)
		}
		var old StoredPenalty
		if err := json.Unmarshal([]byte(data), &old); err != nil {
			t.Fatal(err)
		}
		if rev != 1 || old.FineFen != 1_200_000 || old.BatchID != b1 || old.DecisionDate != p.DecisionDate {
			t.Fatalf("kept revision %d: %+v", rev, old)
		}
	})
}
