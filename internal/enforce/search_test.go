package enforce

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/tabular"
)

// searchFixture is a small district: two agencies and a dozen penalties
// chosen so that every filter keeps some rows and drops others.
type searchFixture struct {
	db         *store.DB
	scjg, hb   int64 // agency org ids
	batch      int64
	ids        map[string]int64 // doc_no → penalty id
	agencyName map[int64]string
}

func newSearchFixture(t *testing.T, db *store.DB) *searchFixture {
	t.Helper()
	ctx := context.Background()
	fx := &searchFixture{db: db, ids: map[string]int64{}, agencyName: map[int64]string{}}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, o := range []struct {
			code, name string
			id         *int64
		}{{"SCJG", "江州市青岚区市场监督管理局", &fx.scjg}, {"HB", "江州市生态环境局青岚分局", &fx.hb}} {
			if err := tx.QueryRowContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES (?, ?, 'agency', 0, 0) RETURNING id",
				o.code, o.name).Scan(o.id); err != nil {
				return err
			}
			fx.agencyName[*o.id] = o.name
		}
		return tx.QueryRowContext(ctx, `INSERT INTO import_batches (kind, agency_id, source, started_at, finished_at)
			VALUES ('penalty', ?, 'file', 0, 0) RETURNING id`, fx.scjg).Scan(&fx.batch)
	})
	if err != nil {
		t.Fatal(err)
	}
	d := func(y int, m time.Month, day int) tabular.Date { return tabular.Date{Year: y, Month: m, Day: day} }
	base := samplePenalty() // 青市监罚〔2024〕12号, 江州市青岚区顺发建材有限公司, 2024-05-06, 12,000 yuan
	rows := []struct {
		agency int64
		edit   func(p *Penalty)
	}{
		{fx.scjg, func(p *Penalty) {}},
		{fx.scjg, func(p *Penalty) {
			p.DocNo, p.PartyName, p.PartyUSCC = "青市监罚〔2024〕13号", "江州市青岚区鑫源食品商行", "91350100M000200Y43"
			p.Facts, p.FineFen, p.DecisionDate, p.Flags = "经营超过保质期的食品", 200_000, d(2024, 5, 6), nil
		}},
		{fx.scjg, func(p *Penalty) {
			p.DocNo, p.PartyName, p.PartyKind, p.PartyUSCC, p.PartyIDType, p.PartyIDNo = "青市监罚〔2023〕7号", "张伟", PartyNaturalPerson, "", "身份证", "11010519491231002X"
			p.Facts, p.FineFen, p.DecisionDate, p.Procedure, p.Flags = "无照经营水果摊", 20_000, d(2023, 11, 30), ProcedureSimple, nil
		}},
		{fx.scjg, func(p *Penalty) {
			p.DocNo, p.PartyName, p.PartyKind, p.PartyUSCC = "青市监罚〔2023〕8号", "江州市青岚区王小伟五金店", PartyIndividualBusiness, "92350100M000300Y43"
			p.Facts, p.FineFen, p.DecisionDate, p.Procedure = "销售不合格电线 100% 铜含量不足，规格 a_b，标注\"国标\" NEAR(x) AND *", 5_000_000, d(2023, 1, 15), ProcedureOrdinary
			p.Flags = []string{FlagBadPartyUSCC, FlagConvertedID15}
		}},
		{fx.scjg, func(p *Penalty) {
			p.DocNo, p.PartyName, p.PartyUSCC = "青市监罚〔2022〕99号", "Jiangzhou ABC Trading Co.", "91350100M000400Y43"
			p.Facts, p.FineFen, p.DecisionDate, p.Domain, p.Flags = "虚假宣传 O'Brien 's 50%_off", 0, d(2022, 3, 1), "market", nil
			p.PenaltyKinds = "警告"
		}},
		{fx.hb, func(p *Penalty) {
			p.DocNo, p.PartyName, p.PartyUSCC = "青环罚〔2024〕3号", "江州市青岚区顺发建材有限公司", "91350100M000100Y43"
			p.Facts, p.FineFen, p.DecisionDate, p.Domain, p.Flags = "超标排放大气污染物，烟尘浓度超标", 10_000_000, d(2024, 8, 20), "ecology", nil
		}},
		{fx.hb, func(p *Penalty) {
			p.DocNo, p.PartyName, p.PartyUSCC = "青环罚〔2024〕4号", "江州市青岚区恒泰化工有限公司", "91350100M000500Y43"
			p.Facts, p.FineFen, p.DecisionDate, p.Domain, p.Procedure = "未批先建，擅自开工建设顺发路项目", 30_000_000, d(2024, 8, 20), "ecology", ProcedureOrdinary
			p.Flags = []string{FlagBadLegalRepID}
		}},
		{fx.hb, func(p *Penalty) {
			p.DocNo, p.PartyName, p.PartyKind, p.PartyUSCC, p.PartyIDType, p.PartyIDNo = "青环罚〔2023〕1号", "李娜", PartyNaturalPerson, "", "身份证", "44070319800101123X"
			p.Facts, p.FineFen, p.DecisionDate, p.Domain, p.Procedure, p.Flags = "露天焚烧秸秆", 50_000, d(2023, 6, 1), "ecology", ProcedureSimple, nil
		}},
	}
	for _, r := range rows {
		p := base
		r.edit(&p)
		fx.upsert(t, r.agency, p)
	}
	return fx
}

func (fx *searchFixture) upsert(t *testing.T, agency int64, p Penalty) Outcome {
	t.Helper()
	ctx := context.Background()
	var out Outcome
	err := fx.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = Upsert(ctx, tx, agency, fx.batch, &p, time.Now().UnixMilli())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := fx.db.QueryRowContext(ctx, "SELECT id FROM penalties WHERE agency_id = ? AND doc_no = ?", agency, p.DocNo).Scan(&id); err != nil {
		t.Fatal(err)
	}
	fx.ids[p.DocNo] = id
	return out
}

// searchDocs runs Search over every page and returns the document numbers in
// list order, and the total of the first page.
func searchDocs(t *testing.T, db *store.DB, scope auth.Scope, f RecordFilter) ([]string, int) {
	t.Helper()
	var docs []string
	total := -1
	for page := 0; ; page++ {
		rows, tot, next, err := Search(context.Background(), db, scope, f)
		if err != nil {
			t.Fatalf("Search(%+v): %v", f, err)
		}
		if total < 0 {
			total = tot
		} else if tot != total {
			t.Fatalf("Search(%+v): total %d on page %d, %d on the first", f, tot, page, total)
		}
		for _, r := range rows {
			docs = append(docs, r.DocNo)
		}
		if next == "" {
			return docs, total
		}
		if f.Before, err = ParseCursor(next); err != nil {
			t.Fatal(err)
		}
		if page > 10_000 {
			t.Fatal("paging does not end")
		}
	}
}

var searchDistrict = auth.Scope{District: true}

func TestSearchFilters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		fx := newSearchFixture(t, db)
		fen := func(yuan int64) *int64 { f := yuan * 100; return &f }
		d := func(y int, m time.Month, day int) tabular.Date { return tabular.Date{Year: y, Month: m, Day: day} }
		all := []string{"青环罚〔2024〕4号", "青环罚〔2024〕3号", "青市监罚〔2024〕13号", "青市监罚〔2024〕12号", "青市监罚〔2023〕7号",
			"青环罚〔2023〕1号", "青市监罚〔2023〕8号", "青市监罚〔2022〕99号"}
		tests := []struct {
			name string
			f    RecordFilter
			want []string
		}{
			{"NoFilterNewestFirst", RecordFilter{}, all},
			{"Agency", RecordFilter{AgencyID: fx.hb}, []string{"青环罚〔2024〕4号", "青环罚〔2024〕3号", "青环罚〔2023〕1号"}},
			{"Domain", RecordFilter{Domain: "ecology"}, []string{"青环罚〔2024〕4号", "青环罚〔2024〕3号", "青环罚〔2023〕1号"}},
			{"From", RecordFilter{From: d(2024, 5, 6)}, all[:4]},
			{"To", RecordFilter{To: d(2023, 1, 15)}, all[6:]},
			{"FromTo", RecordFilter{From: d(2023, 1, 16), To: d(2024, 5, 6)}, all[2:6]},
			{"MinFine", RecordFilter{MinFineFen: fen(100_000)}, []string{"青环罚〔2024〕4号", "青环罚〔2024〕3号"}},
			{"MaxFine", RecordFilter{MaxFineFen: fen(200)}, []string{"青市监罚〔2023〕7号", "青市监罚〔2022〕99号"}},
			{"FineRange", RecordFilter{MinFineFen: fen(500), MaxFineFen: fen(50_000)}, []string{"青市监罚〔2024〕13号", "青市监罚〔2024〕12号", "青环罚〔2023〕1号", "青市监罚〔2023〕8号"}},
			{"FineBoundsInclusive", RecordFilter{MinFineFen: fen(2_000), MaxFineFen: fen(12_000)}, []string{"青市监罚〔2024〕13号", "青市监罚〔2024〕12号"}},
			{"Procedure", RecordFilter{Procedure: ProcedureSimple}, []string{"青市监罚〔2023〕7号", "青环罚〔2023〕1号"}},
			{"PartyKind", RecordFilter{PartyKind: PartyNaturalPerson}, []string{"青市监罚〔2023〕7号", "青环罚〔2023〕1号"}},
			{"FlagFirstOfTwo", RecordFilter{Flag: FlagBadPartyUSCC}, []string{"青市监罚〔2023〕8号"}},
			{"FlagSecondOfTwo", RecordFilter{Flag: FlagConvertedID15}, []string{"青市监罚〔2024〕12号", "青市监罚〔2023〕8号"}},
			{"FlagAlone", RecordFilter{Flag: FlagBadLegalRepID}, []string{"青环罚〔2024〕4号"}},
			{"FlagIsNotASubstringMatch", RecordFilter{Flag: "bad"}, nil},
			{"FlagWildcardIsLiteral", RecordFilter{Flag: "%"}, nil},
			{"Combined", RecordFilter{AgencyID: fx.scjg, From: d(2023, 1, 1), Procedure: ProcedureOrdinary, MinFineFen: fen(1)},
				[]string{"青市监罚〔2024〕13号", "青市监罚〔2024〕12号", "青市监罚〔2023〕8号"}},
			{"Nothing", RecordFilter{Domain: "tax"}, nil},
			{"FromAfterTo", RecordFilter{From: d(2024, 1, 1), To: d(2023, 1, 1)}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total := searchDocs(t, db, searchDistrict, tt.f)
				if !slices.Equal(got, tt.want) {
					t.Errorf("got  %q\nwant %q", got, tt.want)
				}
				if total != len(tt.want) {
					t.Errorf("total %d, want %d", total, len(tt.want))
				}
				// The same filter a row at a time: the cursor carries it.
				f := tt.f
				f.Limit = 1
				if paged, total := searchDocs(t, db, searchDistrict, f); !slices.Equal(paged, tt.want) || total != len(tt.want) {
					t.Errorf("one a page: got %q (total %d)", paged, total)
				}
			})
		}
	})
}

func TestSearchSummaryFields(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		fx := newSearchFixture(t, db)
		rows, _, _, err := Search(context.Background(), db, searchDistrict, RecordFilter{Q: "青市监罚〔20"})
		if err != nil {
			t.Fatal(err)
		}
		byDoc := map[string]RecordSummary{}
		for _, r := range rows {
			byDoc[r.DocNo] = r
		}
		company := byDoc["青市监罚〔2024〕12号"]
		want := RecordSummary{
			ID: fx.ids["青市监罚〔2024〕12号"], AgencyID: fx.scjg, AgencyName: "江州市青岚区市场监督管理局", DocNo: "青市监罚〔2024〕12号",
			PartyName: "江州市青岚区顺发建材有限公司", PartyKind: PartyLegalPerson, PartyCode: "91350100M000100Y43", Domain: "market",
			ViolationType: "销售不合格产品", PenaltyKinds: "罚款;没收违法所得", FineFen: 1_200_000,
			DecisionDate: tabular.Date{Year: 2024, Month: time.May, Day: 6}, Procedure: ProcedureOrdinary, Flags: []string{FlagConvertedID15}, Revision: 1,
		}
		if fmt.Sprintf("%+v", company) != fmt.Sprintf("%+v", want) {
			t.Errorf("summary\n got %+v\nwant %+v", company, want)
		}
		// A natural person's ID number is never listed in full.
		if got := byDoc["青市监罚〔2023〕7号"].PartyCode; got != "110105********002X" {
			t.Errorf("natural person's party code %q", got)
		}
		if got := byDoc["青市监罚〔2024〕13号"].Flags; got != nil {
			t.Errorf("no flags: %q", got)
		}
	})
}

func TestSearchScope(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		fx := newSearchFixture(t, db)
		own := auth.Scope{OrgID: fx.hb}
		tests := []struct {
			name  string
			scope auth.Scope
			f     RecordFilter
			want  int
		}{
			{"DistrictSeesAll", searchDistrict, RecordFilter{}, 8},
			{"AgencySeesOwn", own, RecordFilter{}, 3},
			{"AgencyFilterOfOwn", own, RecordFilter{AgencyID: fx.hb}, 3},
			{"AgencyFilterOfOtherFindsNothing", own, RecordFilter{AgencyID: fx.scjg}, 0},
			{"AgencyTextSearchStaysInScope", own, RecordFilter{Q: "顺发建材"}, 1},
			{"AgencyShortTextStaysInScope", own, RecordFilter{Q: "顺"}, 1},
			{"OtherOrgSeesNothing", auth.Scope{OrgID: fx.hb + fx.scjg + 100}, RecordFilter{}, 0},
			{"NoPrincipalSeesNothing", (*auth.Principal)(nil).Scope(), RecordFilter{}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rows, total, _, err := Search(context.Background(), db, tt.scope, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != tt.want || total != tt.want {
					t.Fatalf("rows %d total %d, want %d", len(rows), total, tt.want)
				}
				for _, r := range rows {
					if !tt.scope.Allows(r.AgencyID) {
						t.Errorf("out-of-scope row %s of agency %d", r.DocNo, r.AgencyID)
					}
				}
			})
		}
	})
}

func TestSearchText(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		newSearchFixture(t, db)
		tests := []struct {
			q    string
			want []string
		}{
			// A fragment inside a Chinese company name, in every agency.
			{"顺发建材", []string{"青环罚〔2024〕3号", "青市监罚〔2024〕12号"}},
			{"青岚区顺发建材有限公司", []string{"青环罚〔2024〕3号", "青市监罚〔2024〕12号"}},
			{"  顺发建材\t", []string{"青环罚〔2024〕3号", "青市监罚〔2024〕12号"}},
			// Three or more characters also search the facts.
			{"顺发路", []string{"青环罚〔2024〕4号"}},
			{"超标排放", []string{"青环罚〔2024〕3号"}},
			{"保质期的食品", []string{"青市监罚〔2024〕13号"}},
			// Document numbers, whole or in part.
			{"〔2024〕1", []string{"青市监罚〔2024〕13号", "青市监罚〔2024〕12号"}},
			{"青环罚〔2023〕1号", []string{"青环罚〔2023〕1号"}},
			// One or two characters: party name and document number only.
			{"顺发", []string{"青环罚〔2024〕3号", "青市监罚〔2024〕12号"}},
			{"张伟", []string{"青市监罚〔2023〕7号"}},
			{"小伟", []string{"青市监罚〔2023〕8号"}},
			{"伟", []string{"青市监罚〔2023〕7号", "青市监罚〔2023〕8号"}},
			{"娜", []string{"青环罚〔2023〕1号"}},
			{"99", []string{"青市监罚〔2022〕99号"}},
			{"超标", nil}, // only in facts
			// ASCII letters match regardless of case.
			{"abc trading", []string{"青市监罚〔2022〕99号"}},
			{"o'brien", []string{"青市监罚〔2022〕99号"}},
			{"AB", []string{"青市监罚〔2022〕99号"}},
			{"不存在的公司", nil},
		}
		for _, tt := range tests {
			t.Run(tt.q, func(t *testing.T) {
				got, total := searchDocs(t, db, searchDistrict, RecordFilter{Q: tt.q})
				if !slices.Equal(got, tt.want) || total != len(tt.want) {
					t.Errorf("Q=%q: got %q (total %d), want %q", tt.q, got, total, tt.want)
				}
			})
		}
	})
}

// Search text is data: wildcards, quotes and FTS5 query syntax are matched
// literally and never make the query fail.
func TestSearchTextIsLiteral(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		newSearchFixture(t, db)
		const wire = "青市监罚〔2023〕8号"     // facts: 100% 铜含量不足，规格 a_b，标注"国标" NEAR(x) AND *
		const trading = "青市监罚〔2022〕99号" // facts: O'Brien 's 50%_off
		tests := []struct {
			q    string
			want []string
		}{
			{"%", nil}, {"_", nil}, {"%%", nil}, {"__", nil}, {`\`, nil}, {`\%`, nil}, {"'", nil}, {`"`, nil}, {"*", nil},
			{"100%", []string{wire}},
			{"0% 铜", []string{wire}},
			{"a_b", []string{wire}},
			{"a%b", nil},
			{"axb", nil}, // "_" is not a wildcard
			{"50%_off", []string{trading}},
			{"O'Brien", []string{trading}},
			{"'s 50", []string{trading}},
			{`"国标"`, []string{wire}},
			{`标注"国`, []string{wire}},
			{`"国标`, []string{wire}},
			{`国标" NEAR(`, []string{wire}},
			{"NEAR(", []string{wire}},
			{"NEAR(x) AND *", []string{wire}},
			{"AND *", []string{wire}},
			{"AND", []string{wire}},
			{"OR", nil},
			{"NOT 顺发", nil},
			{"顺发 OR 张伟", nil},
			{"顺发*", nil},
			{"^顺发建材", nil},
			{"party_name:顺发", nil},
			{"{party_name}: 顺发", nil},
			{`"" OR ""`, nil},
			{"';DROP TABLE penalties;--", nil},
			// Control characters and invalid UTF-8 (which no stored text
			// holds, and PostgreSQL would refuse) are dropped.
			{"\x00顺发建材\x01", []string{"青环罚〔2024〕3号", "青市监罚〔2024〕12号"}},
			{"顺发建材\uFFFD", []string{"青环罚〔2024〕3号", "青市监罚〔2024〕12号"}},
			{string([]byte{0xff, 0xfe, 'A', 'b', 'C'}), []string{"青市监罚〔2022〕99号"}},
			{string([]byte{0xff, 0xfe}), []string{"青环罚〔2024〕4号", "青环罚〔2024〕3号", "青市监罚〔2024〕13号", "青市监罚〔2024〕12号", "青市监罚〔2023〕7号",
				"青环罚〔2023〕1号", "青市监罚〔2023〕8号", "青市监罚〔2022〕99号"}},
		}
		for _, tt := range tests {
			t.Run(tt.q, func(t *testing.T) {
				got, total := searchDocs(t, db, searchDistrict, RecordFilter{Q: tt.q})
				if !slices.Equal(got, tt.want) || total != len(tt.want) {
					t.Errorf("Q=%q: got %q (total %d), want %q", tt.q, got, total, tt.want)
				}
			})
		}
		// The table is still there.
		if _, total := searchDocs(t, db, searchDistrict, RecordFilter{}); total != 8 {
			t.Fatalf("total %d after hostile searches", total)
		}
	})
}

// The search index follows every change of the indexed text: a new record,
// a revision that renames the party or rewrites the facts, a revision that
// leaves the text alone, and a deleted record.
func TestSearchIndexFollowsChanges(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fx := newSearchFixture(t, db)
		find := func(q string) []string {
			t.Helper()
			got, _ := searchDocs(t, db, searchDistrict, RecordFilter{Q: q})
			return got
		}
		p := samplePenalty()
		p.DocNo, p.PartyName, p.Facts = "青市监罚〔2024〕50号", "江州市青岚区宏昌物流有限公司", "超载运输危险货物"
		if out := fx.upsert(t, fx.scjg, p); out != Inserted {
			t.Fatalf("insert: %v", out)
		}
		if got := find("宏昌物流"); !slices.Equal(got, []string{p.DocNo}) {
			t.Fatalf("new record not found: %q", got)
		}
		// A revision renames the party and rewrites the facts.
		p.PartyName, p.Facts = "江州市青岚区宏盛物流有限公司", "未按规定进行危险货物装卸"
		if out := fx.upsert(t, fx.scjg, p); out != Updated {
			t.Fatalf("revision: %v", out)
		}
		for q, want := range map[string][]string{"宏昌物流": nil, "超载运输": nil, "宏盛物流": {p.DocNo}, "危险货物装卸": {p.DocNo}} {
			if got := find(q); !slices.Equal(got, want) {
				t.Errorf("after revision, %q: got %q, want %q", q, got, want)
			}
		}
		// A revision of other fields keeps the text findable.
		p.FineFen++
		if out := fx.upsert(t, fx.scjg, p); out != Updated {
			t.Fatalf("second revision: %v", out)
		}
		rows, _, _, err := Search(ctx, db, searchDistrict, RecordFilter{Q: "宏盛物流"})
		if err != nil || len(rows) != 1 || rows[0].Revision != 3 || rows[0].FineFen != p.FineFen {
			t.Fatalf("after fine revision: %+v %v", rows, err)
		}
		// A deleted record leaves the index.
		if _, err := db.ExecContext(ctx, "DELETE FROM penalty_revisions WHERE penalty_id = ?", fx.ids[p.DocNo]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "DELETE FROM penalties WHERE id = ?", fx.ids[p.DocNo]); err != nil {
			t.Fatal(err)
		}
		if got := find("宏盛物流"); got != nil {
			t.Errorf("deleted record found: %q", got)
		}
		if got := find("顺发建材"); len(got) != 2 {
			t.Errorf("other records lost from the index: %q", got)
		}
		if db.Dialect() == store.SQLite {
			// FTS5's own consistency check of the index against its content.
			if _, err := db.ExecContext(ctx, "INSERT INTO penalties_fts (penalties_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
				t.Fatalf("FTS integrity: %v", err)
			}
		}
	})
}

// Records stored before migration 3 are indexed by it.
func TestSearchMigrationIndexesExistingRecords(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, d, false)
			if err := db.MigrateTo(ctx, 2); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES ('A', '甲', 'agency', 0, 0)"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO penalties (agency_id, doc_no, content_hash, party_name, facts, decision_date, created_at, updated_at)
				VALUES (1, '甲罚〔2024〕1号', 'h', '江州市青岚区顺发建材有限公司', '销售不合格瓷砖', '2024-05-06', 0, 0)`); err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"顺发建材", "不合格瓷砖", "〔2024〕1号"} {
				if got, _ := searchDocs(t, db, searchDistrict, RecordFilter{Q: q}); !slices.Equal(got, []string{"甲罚〔2024〕1号"}) {
					t.Errorf("%q: got %q", q, got)
				}
			}
		})
	}
}

// Paging by cursor returns every matching row exactly once, in list order,
// also when many rows share a decision date and when rows are added between
// pages.
func TestSearchKeysetPaging(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		agencies := loadPenalties(t, db, 2_000, 7)
		want := allSearchRows(t, db)
		for _, limit := range []int{1, 7, 50, 500} {
			got, total := searchIDs(t, db, RecordFilter{Limit: limit}, nil)
			if total != len(want) {
				t.Errorf("limit %d: total %d, want %d", limit, total, len(want))
			}
			if !slices.Equal(got, searchRowIDs(want)) {
				t.Fatalf("limit %d: %d rows in a different order or with repeats", limit, len(got))
			}
		}
		// Rows inserted while paging: those sorting before the cursor never
		// appear, those after it appear once; nothing repeats.
		seen := map[int64]bool{}
		inserted := 0
		got, _ := searchIDs(t, db, RecordFilter{Limit: 100}, func(page int) {
			p := samplePenalty()
			p.DocNo = fmt.Sprintf("插入〔2099〕%d号", page)
			p.DecisionDate = tabular.Date{Year: 2023, Month: time.June, Day: 1 + page%28}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO import_batches (id, kind, agency_id, source, started_at, finished_at) VALUES (?, 'penalty', ?, 'file', 0, 0)",
					1000+page, agencies[0])
				if err != nil {
					return err
				}
				_, err = Upsert(ctx, tx, agencies[0], int64(1000+page), &p, 0)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			inserted++
		})
		for _, id := range got {
			if seen[id] {
				t.Fatalf("row %d listed twice", id)
			}
			seen[id] = true
		}
		for _, r := range want {
			if !seen[r.id] {
				t.Fatalf("row %d missed", r.id)
			}
		}
		if len(got) < len(want) || len(got) > len(want)+inserted {
			t.Fatalf("%d rows listed, %d before and %d inserted", len(got), len(want), inserted)
		}
	})
}

// Generated records: every filter and text search agrees with the same
// filter evaluated in Go over all rows, on every page, on both engines; once
// as configured and once with the caps lowered so that the SQLite planning
// takes every branch (common text, counting from either source, broad amount
// ranges) with a few thousand rows.
func TestSearchAgreesWithBruteForce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		agencies := loadPenalties(t, db, 3_000, 11)
		all := allSearchRows(t, db)
		fen := func(yuan int64) *int64 { f := yuan * 100; return &f }
		d := func(y int, m time.Month, day int) tabular.Date { return tabular.Date{Year: y, Month: m, Day: day} }
		filters := []RecordFilter{
			{Q: "顺发建材"}, {Q: "建材有限"}, {Q: "有限公司"}, {Q: "建材"}, {Q: "鑫"}, {Q: "市监罚〔2023〕1"}, {Q: "超标排放"},
			{Q: "罚〔2024〕"}, {Q: "3号"}, {Q: "王"}, {Q: "经查"}, {Q: "经查，当事人"}, {Q: "公司"}, {Q: "〔2"}, {Q: "ZZ"},
			{AgencyID: agencies[3], Q: "有限公司", From: d(2024, 1, 1)},
			{AgencyID: agencies[3], Q: "超标排放"},
			{AgencyID: agencies[2], Q: "超标排放", To: d(2023, 12, 31)},
			{Domain: "ecology", Q: "有限公司", MinFineFen: fen(1000)},
			{Domain: "ecology", From: d(2023, 4, 1), To: d(2023, 6, 30)},
			{MinFineFen: fen(100_000), MaxFineFen: fen(200_000)},
			{MinFineFen: fen(1_000), MaxFineFen: fen(1_000)},
			{MinFineFen: fen(500_000), Procedure: ProcedureOrdinary},
			{MaxFineFen: fen(300), Q: "公司"},
			{Procedure: ProcedureSimple, PartyKind: PartyNaturalPerson},
			{Flag: FlagBadPartyID}, {Flag: FlagAgencyMismatch, Q: "公司"}, {Flag: FlagBadPartyUSCC, Q: "有限公司"},
			{PartyKind: PartyIndividualBusiness, Q: "五金"},
		}
		for _, caps := range []struct {
			name       string
			cap, probe int
		}{{"Configured", searchCap, searchProbeCap}, {"LowCaps", 40, 400}} {
			t.Run(caps.name, func(t *testing.T) {
				defer func(cap, probe int) { searchCap, searchProbeCap = cap, probe }(searchCap, searchProbeCap)
				searchCap, searchProbeCap = caps.cap, caps.probe
				kinds := map[string]bool{}
				for _, f := range filters {
					t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
						var want []int64
						for _, r := range all {
							if r.matches(f) {
								want = append(want, r.id)
							}
						}
						plan, err := planSearch(ctx, db, searchDistrict, f)
						if err != nil {
							t.Fatal(err)
						}
						kinds[plan.kind] = true
						f.Limit = 40
						got, total := searchIDs(t, db, f, nil)
						if !slices.Equal(got, want) || total != min(len(want), searchCap+1) {
							t.Errorf("plan %s: got %d rows (total %d), want %d", plan.kind, len(got), total, len(want))
						}
					})
				}
				if db.Dialect() == store.SQLite && caps.name == "LowCaps" {
					for _, k := range []string{"plain", "amount-index", "amount-walk", "text-index", "text-walk",
						"text-walk, counted by index", "text-index, counted by index", "text-walk, counted by filters", "pairs-none"} {
						if !kinds[k] {
							t.Errorf("no filter took the %q plan (took %v)", k, kinds)
						}
					}
				}
			})
		}
	})
}

// A broad filter's total stops counting at SearchTotalCap.
func TestSearchTotalIsCapped(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		loadPenalties(t, db, SearchTotalCap+5, 3)
		rows, total, next, err := Search(context.Background(), db, searchDistrict, RecordFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != SearchDefaultLimit || next == "" || total != SearchTotalCap+1 || !TotalCapped(total) {
			t.Fatalf("rows %d next %q total %d", len(rows), next, total)
		}
		_, total, _, err = Search(context.Background(), db, searchDistrict, RecordFilter{Domain: "ecology"})
		if err != nil || TotalCapped(total) || total == 0 {
			t.Fatalf("ecology total %d %v", total, err)
		}
		if TotalCapped(SearchTotalCap) {
			t.Fatal("SearchTotalCap itself is an exact count")
		}
	})
}

func TestSearchLimit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		loadPenalties(t, db, SearchMaxLimit+10, 5)
		for _, tt := range []struct{ limit, want int }{{0, SearchDefaultLimit}, {-3, SearchDefaultLimit}, {1, 1}, {SearchMaxLimit, SearchMaxLimit}, {SearchMaxLimit + 1, SearchMaxLimit}, {1 << 30, SearchMaxLimit}} {
			rows, total, next, err := Search(context.Background(), db, searchDistrict, RecordFilter{Limit: tt.limit})
			if err != nil || len(rows) != tt.want || total != SearchMaxLimit+10 || next == "" {
				t.Errorf("limit %d: %d rows, total %d, next %q, %v", tt.limit, len(rows), total, next, err)
			}
		}
	})
}

func TestCursor(t *testing.T) {
	c := Cursor{DecisionDate: tabular.Date{Year: 2024, Month: time.May, Day: 6}, ID: 12345}
	got, err := ParseCursor(c.String())
	if err != nil || got == nil || *got != c {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if strings.Contains(c.String(), "2024") {
		t.Errorf("cursor %q is not opaque", c.String())
	}
	if got, err := ParseCursor(""); got != nil || err != nil {
		t.Errorf("empty cursor: %+v %v", got, err)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{"x", "!!!", "12345", enc("20240506"), enc("20240506.0"), enc("20240506.-1"), enc("20241306.5"),
		enc("2024-05-06.5"), enc("20240506.5x"), enc("20240506.+5"), enc("20240506.05"), enc(".5"), enc("20240506.99999999999999999999")} {
		_, err := ParseCursor(bad)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != "validation_failed" {
			t.Errorf("ParseCursor(%q): want validation_failed, got %v", bad, err)
		}
	}
}

func TestMaskIDNo(t *testing.T) {
	for in, want := range map[string]string{
		"11010519491231002X": "110105********002X",
		"110105491231002":    "110*********002",
		"A1234567":           "A1****67",
		"":                   "",
	} {
		if got := maskIDNo(in); got != want {
			t.Errorf("maskIDNo(%q) = %q, want %q", in, got, want)
		}
	}
	if got := partyCode("91350100M000100Y43", "11010519491231002X"); got != "91350100M000100Y43" {
		t.Errorf("partyCode prefers the USCC: %q", got)
	}
}

// searchRow is a stored penalty as the brute-force check sees it.
type searchRow struct {
	id                             int64
	agencyID                       int64
	date                           string
	name, docNo, facts             string
	domain, procedure, kind, flags string
	fine                           int64
}

func allSearchRows(t *testing.T, db *store.DB) []searchRow {
	t.Helper()
	rs, err := db.QueryContext(context.Background(), `SELECT id, agency_id, decision_date, party_name, doc_no, facts, domain, procedure, party_kind, flags, fine_fen
		FROM penalties ORDER BY decision_date DESC, id DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []searchRow
	for rs.Next() {
		var r searchRow
		var d dbDate
		if err := rs.Scan(&r.id, &r.agencyID, &d, &r.name, &r.docNo, &r.facts, &r.domain, &r.procedure, &r.kind, &r.flags, &r.fine); err != nil {
			t.Fatal(err)
		}
		r.date = tabular.Date(d).String()
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func searchRowIDs(rows []searchRow) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.id
	}
	return out
}

func (r searchRow) matches(f RecordFilter) bool {
	contains := func(s string) bool {
		return strings.Contains(strings.ToLower(s), strings.ToLower(strings.TrimSpace(f.Q)))
	}
	switch {
	case f.AgencyID != 0 && r.agencyID != f.AgencyID,
		f.Domain != "" && r.domain != f.Domain,
		!f.From.IsZero() && r.date < f.From.String(),
		!f.To.IsZero() && r.date > f.To.String(),
		f.MinFineFen != nil && r.fine < *f.MinFineFen,
		f.MaxFineFen != nil && r.fine > *f.MaxFineFen,
		f.Procedure != "" && r.procedure != f.Procedure,
		f.PartyKind != "" && r.kind != f.PartyKind,
		f.Flag != "" && !slices.Contains(strings.Split(r.flags, ","), f.Flag):
		return false
	case strings.TrimSpace(f.Q) == "":
		return true
	case utf8.RuneCountInString(strings.TrimSpace(f.Q)) < 3:
		return contains(r.name) || contains(r.docNo)
	default:
		return contains(r.name) || contains(r.docNo) || contains(r.facts)
	}
}

// searchIDs pages through a search and returns the ids in list order and
// the total; between pages it calls between (if not nil).
func searchIDs(t *testing.T, db *store.DB, f RecordFilter, between func(page int)) ([]int64, int) {
	t.Helper()
	var out []int64
	total := -1
	for page := 0; ; page++ {
		rows, tot, next, err := Search(context.Background(), db, searchDistrict, f)
		if err != nil {
			t.Fatal(err)
		}
		if total < 0 {
			total = tot
		}
		for i, r := range rows {
			out = append(out, r.ID)
			if i > 0 {
				prev := rows[i-1]
				if prev.DecisionDate.String() < r.DecisionDate.String() || prev.DecisionDate == r.DecisionDate && prev.ID < r.ID {
					t.Fatalf("page %d out of order at %d", page, i)
				}
			}
		}
		if next == "" {
			return out, total
		}
		if f.Before, err = ParseCursor(next); err != nil {
			t.Fatal(err)
		}
		if between != nil {
			between(page)
		}
	}
}
