package reference

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/tabular"
)

func TestParseFine(t *testing.T) {
	yuan := func(y int64) *int64 { v := y * 100; return &v }
	cases := []struct {
		text   string
		kind   string
		lo, hi *int64
	}{
		{"责令改正，处二万元以上五万元以下罚款", FineRange, yuan(20000), yuan(50000)},
		{"处一百五十万元以上二百万元以下的罚款，并对建设单位的法定代表人…处十五万元以上二十万元以下的罚款", FineRange, yuan(1500000), yuan(2000000)},
		{"处3万元以上5万元以下的罚款", FineRange, yuan(30000), yuan(50000)},
		{"处100万元以上200万元以下罚款；", FineRange, yuan(1000000), yuan(2000000)},
		{"责令停止违法行为，限期改正，处以处六万元以上十万元以下的罚款", FineRange, yuan(60000), yuan(100000)},
		{"处二十万元以上三十万元以下元罚款", FineRange, yuan(200000), yuan(300000)},
		{"处1.5万元至3万元罚款", FineRange, yuan(15000), yuan(30000)},
		{"处五千元以上一万元以下罚款", FineRange, yuan(5000), yuan(10000)},
		{"处一千五百元以上两万元以下罚款", FineRange, yuan(1500), yuan(20000)},
		{"责令改正，处二十万元罚款", FineFixed, yuan(200000), yuan(200000)},
		{"责令停止违法行为，限期改正，处以十三万元罚款", FineFixed, yuan(130000), yuan(130000)},
		{"责令备案，处一万元以下罚款", FineMaxOnly, nil, yuan(10000)},
		{"责令改正，可处五千元以下罚款", FineMaxOnly, nil, yuan(5000)},
		{"处十万元以上罚款", FineMinOnly, yuan(100000), nil},
		{"处所收费用三倍以上四倍以下的罚款", FineMultiple, nil, nil},
		{"责令改正，处货值金额1倍以上2倍以下的罚款", FineMultiple, nil, nil},
		{"责令停止建设，处建设项目总投资额百分之一以上百分之二以下的罚款", FineRatio, nil, nil},
		{"按照直接损失的百分之三十计算罚款，但是最高不超过一百万元", FineRatio, nil, nil},
		{"给予警告", FineNone, nil, nil},
		{"报经有批准权的人民政府批准，责令停业", FineNone, nil, nil},
		{"依法从重处罚", FineUnparsed, nil, nil},
	}
	for _, c := range cases {
		f := ParseFine(c.text)
		if f.Kind != c.kind || !eqPtr(f.MinFen, c.lo) || !eqPtr(f.MaxFen, c.hi) {
			t.Errorf("%s: got %s %v–%v, want %s %v–%v", c.text, f.Kind, deref(f.MinFen), deref(f.MaxFen), c.kind, deref(c.lo), deref(c.hi))
		}
	}
}

func eqPtr(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestParseYuan(t *testing.T) {
	for s, want := range map[string]int64{"二万": 2000000, "十五万": 15000000, "一百五十万": 150000000, "十三万": 13000000, "五千": 500000,
		"1.5万": 1500000, "20000": 2000000, "２万": 2000000, "一万二千": 1200000, "二百": 20000, "10,000": 1000000, "1亿": 10000000000} {
		if got, ok := parseYuanFen(s); !ok || got != want {
			t.Errorf("%s: got %d %v, want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "万", "元", "0", "1.001", "二三", "abc"} {
		if got, ok := parseYuanFen(s); ok {
			t.Errorf("%q: got %d, want refusal", s, got)
		}
	}
}

func TestCitations(t *testing.T) {
	got := Citations("《中华人民共和国水污染防治法》（2017年修订）第八十一条：\n以拖延、围堵、滞留执法人员等方式拒绝、阻挠环境保护主管部门…")
	if len(got) != 1 || got[0] != "《中华人民共和国水污染防治法》（2017年修订）第八十一条" {
		t.Errorf("got %q", got)
	}
	got = Citations("1、《中华人民共和国环境噪声污染防治法》（2018年修订）第四十八条：\n违反本法… 2、《广东省实施〈中华人民共和国环境噪声污染防治法〉办法》第三十条第一款：…")
	if len(got) != 2 || !strings.HasSuffix(got[1], "第三十条第一款") {
		t.Errorf("got %q", got)
	}
	// The table forgets an opening 《 once.
	got = Citations("中华人民共和国放射性污染防治法》第五十五条第（二）项：\n违反本法规定")
	if len(got) != 1 || got[0] != "《中华人民共和国放射性污染防治法》第五十五条第（二）项" {
		t.Errorf("got %q", got)
	}
}

// fixture is an agency of the ecology domain, a second agency, and
// principals for them and for the procuratorate.
type fixture struct {
	db                    *store.DB
	eco, other            int64
	admin, liaison, court *auth.Principal
}

func newFixture(t *testing.T, db *store.DB) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{db: db}
	ins := func(code, name, kind string) int64 {
		var id int64
		if _, err := db.ExecContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES (?, ?, ?, 0, 0)", code, name, kind); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ?", code).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	jcy := ins("JCY", "某区人民检察院", auth.KindProcuratorate)
	f.eco = ins("STHJ", "某市生态环境局某分局", auth.KindAgency)
	f.other = ins("SCJG", "某区市场监督管理局", auth.KindAgency)
	fy := ins("FY", "某区人民法院", auth.KindCourt)
	if _, err := db.ExecContext(ctx, "INSERT INTO org_domains (org_id, domain) VALUES (?, 'ecology'), (?, 'market')", f.eco, f.other); err != nil {
		t.Fatal(err)
	}
	role := func(code string) auth.Role { r, _ := auth.LookupRole(code); return r }
	f.admin = &auth.Principal{Username: "admin", OrgID: jcy, Role: role(auth.RoleAdmin)}
	f.liaison = &auth.Principal{Username: "liaison", OrgID: f.other, Role: role(auth.RoleAgencyLiaison)}
	f.court = &auth.Principal{Username: "court", OrgID: fy, Role: role(auth.RoleCourtLiaison)}
	return f
}

func auditCount(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportJiangmen(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		opts := ImportOptions{OrgID: f.eco, Issuer: "江门市生态环境局", EffectiveFrom: "2020-03-01", FileName: JiangmenFile}
		rep, err := ImportBenchmarks(ctx, db, f.admin, JiangmenTable, opts)
		if err != nil {
			t.Fatal(err)
		}
		// Every sheet's rows below its title and header (rows 1–2): the
		// CSV made from the file with xlrd has 896 rows, 24 of them
		// titles and headers; 165 numbered items.
		wantRows := map[string][2]int{"环境影响评价法": {18, 4}, "水污染防治法": {148, 25}, "大气污染防治法": {129, 26}, "固废污染防治法": {125, 27},
			"噪声污染防治法": {30, 4}, "土壤污染防治法": {203, 24}, "放射污染防治法": {62, 14}, "建管条例": {32, 6}, "畜禽条例": {12, 4},
			"广东省环保条例": {62, 17}, "广东省大气条例": {38, 11}, "潭江条例": {13, 3}}
		if rep.Total != 872 || rep.Inserted != 872 || rep.Rejected != 0 || rep.Domain != "ecology" || len(rep.Sheets) != 14 {
			t.Fatalf("report: total %d inserted %d rejected %d domain %s sheets %d; rejects %v", rep.Total, rep.Inserted, rep.Rejected, rep.Domain, len(rep.Sheets), rep.Rejects)
		}
		items := 0
		for _, s := range rep.Sheets {
			w, ok := wantRows[s.Sheet]
			if !ok {
				if !s.Skipped || s.Rows != 0 {
					t.Errorf("sheet %s: %+v, want skipped (empty)", s.Sheet, s)
				}
				continue
			}
			if s.Rows != w[0] || s.Items != w[1] || s.Rejected != 0 {
				t.Errorf("sheet %s: %d rows %d items, want %d %d", s.Sheet, s.Rows, s.Items, w[0], w[1])
			}
			items += s.Items
		}
		if items != 165 {
			t.Errorf("%d items, want 165", items)
		}
		find := func(sheet string, line int) Benchmark {
			t.Helper()
			var id int64
			if err := db.QueryRowContext(ctx, "SELECT id FROM discretion_benchmarks WHERE source_sheet = ? AND source_line = ?", sheet, line).Scan(&id); err != nil {
				t.Fatalf("%s line %d: %v", sheet, line, err)
			}
			b, err := GetBenchmark(ctx, db, f.court, id) // every role reads
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		yuan := func(y int64) *int64 { v := y * 100; return &v }
		check := func(b Benchmark, code, level string, seq int, kind string, lo, hi *int64) {
			t.Helper()
			if b.ViolationCode != code || b.Level != level || b.LevelSeq != seq || b.FineKind != kind || !eqPtr(b.FineMinFen, lo) || !eqPtr(b.FineMaxFen, hi) {
				t.Errorf("%s line %d: %s level %s#%d %s %v–%v; want %s level %s#%d %s %v–%v", b.SourceSheet, b.SourceLine, b.ViolationCode, b.Level,
					b.LevelSeq, b.FineKind, deref(b.FineMinFen), deref(b.FineMaxFen), code, level, seq, kind, deref(lo), deref(hi))
			}
		}
		// 水污染防治法 row 3 (the SOURCE.md sample).
		b := find("水污染防治法", 3)
		check(b, "2-1", "1", 1, FineRange, yuan(20000), yuan(50000))
		if b.ViolationName != "拒绝现场检查或者在接受检查时弄虚作假" || b.Circumstance != "以拖延等方式拒绝、阻挠现场检查的（10分钟以上30分钟以下）" ||
			b.Standard != "责令改正，处二万元以上五万元以下罚款" || b.Category != "《中华人民共和国水污染防治法》" || b.Issuer != "江门市生态环境局" ||
			b.PenaltyBasis != "《中华人民共和国水污染防治法》（2017年修订）第八十一条" || b.ViolationBasis != b.PenaltyBasis ||
			!strings.HasPrefix(b.LegalBasis, "《中华人民共和国水污染防治法》（2017年修订）第八十一条：") || b.EffectiveFrom != "2020-03-01" ||
			b.Domain != "ecology" || b.SourceFile != JiangmenFile {
			t.Errorf("水污染防治法 row 3: %+v", b)
		}
		// Row 4 continues the item (merged 序号/违法行为/法律依据).
		b = find("水污染防治法", 4)
		check(b, "2-1", "2", 1, FineRange, yuan(50000), yuan(100000))
		if b.ViolationName != "拒绝现场检查或者在接受检查时弄虚作假" || b.PenaltyBasis != "《中华人民共和国水污染防治法》（2017年修订）第八十一条" {
			t.Errorf("水污染防治法 row 4: %+v", b)
		}
		// 大气污染防治法 R73: 类别 merged over R72:R73 shows 4; the file
		// hides a 5 under the merge. The level is 4, the row's second
		// circumstance of that level.
		check(find("大气污染防治法", 72), "3-13", "4", 1, FineRange, yuan(150000), yuan(200000))
		check(find("大气污染防治法", 73), "3-13", "4", 2, FineRange, yuan(150000), yuan(200000))
		// R99: hidden 类别 4 and hidden standard "十万元以上二十万元以下"
		// under merges showing 3 and "十万元以上十五万元以下".
		b = find("大气污染防治法", 99)
		check(b, "3-18", "3", 2, FineRange, yuan(100000), yuan(150000))
		if b.Standard != "责令改正，处十万元以上十五万元以下罚款" {
			t.Errorf("大气污染防治法 row 99 standard %q", b.Standard)
		}
		// 固废 4-17: tonnage circumstances listed under each level with
		// blank (unmerged) level and standard share them.
		b = find("固废污染防治法", 76)
		check(b, "4-17", "1", 2, FineFixed, yuan(20000), yuan(20000))
		if b.Circumstance != "擅自转移危险废物1吨以下的" {
			t.Errorf("固废 row 76: %q", b.Circumstance)
		}
		check(find("固废污染防治法", 85), "4-17", "5", 2, FineRange, yuan(150000), yuan(200000))
		// Other fine forms.
		check(find("环境影响评价法", 3), "1-1", "1", 1, FineRatio, nil, nil)
		check(find("环境影响评价法", 9), "1-2", "1", 1, FineMaxOnly, nil, yuan(10000))
		check(find("环境影响评价法", 17), "1-4", "1", 1, FineMultiple, nil, nil)
		check(find("水污染防治法", 10), "2-1", "5", 1, FineFixed, yuan(200000), yuan(200000))
		// A later part of 2-9 quotes only the penalty text: it keeps the
		// item's citation.
		if b := find("水污染防治法", 62); b.PenaltyBasis != "《中华人民共和国水污染防治法》（2017年修订）第八十四条第一款" {
			t.Errorf("水污染防治法 row 62 basis %q", b.PenaltyBasis)
		}
		// The supervision models' join: a penalty of 2-1 at level 1 is
		// within [2万, 5万].
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM discretion_benchmarks WHERE violation_code = ? AND level = ?
			AND ? BETWEEN fine_min_fen AND fine_max_fen`, "2-1", "1", int64(3000000)).Scan(&n); err != nil || n != 1 {
			t.Errorf("join 2-1 level 1: %d rows, err %v", n, err)
		}

		// Filters.
		list, total, err := ListBenchmarks(ctx, db, f.court, BenchmarkFilter{Q: "阻挠现场检查", Domain: "ecology", Limit: 500})
		if err != nil || total == 0 || len(list) != total {
			t.Fatalf("filter q: %d of %d, %v", len(list), total, err)
		}
		list, total, err = ListBenchmarks(ctx, db, f.court, BenchmarkFilter{ViolationCode: "3-13", Limit: 3})
		if err != nil || total != 7 || len(list) != 3 || list[0].SourceLine != 67 {
			t.Errorf("filter 3-13: %d of %d (first line %d), %v", len(list), total, lineOf(list), err)
		}
		next, _, _ := ListBenchmarks(ctx, db, f.court, BenchmarkFilter{ViolationCode: "3-13", Limit: 3, After: list[2].ID})
		if len(next) != 3 || next[0].ID <= list[2].ID {
			t.Errorf("page 2: %d rows", len(next))
		}

		// Re-import: nothing changes, nothing is audited.
		before := auditCount(t, db)
		rep, err = ImportBenchmarks(ctx, db, f.admin, JiangmenTable, opts)
		if err != nil || rep.Inserted != 0 || rep.Updated != 0 || rep.Unchanged != 872 {
			t.Fatalf("re-import: %+v %v", rep, err)
		}
		if auditCount(t, db) != before {
			t.Error("an unchanged re-import wrote to the audit log")
		}
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM discretion_benchmarks").Scan(&n); err != nil || n != 872 {
			t.Errorf("%d rows after re-import", n)
		}
		// Another effective date changes every row once, in place.
		opts.EffectiveTo = "2026-12-31"
		rep, err = ImportBenchmarks(ctx, db, f.admin, JiangmenTable, opts)
		if err != nil || rep.Updated != 872 || rep.Inserted != 0 {
			t.Fatalf("re-import with end date: %+v %v", rep, err)
		}
		if b := find("水污染防治法", 3); b.Version != 2 || b.EffectiveTo != "2026-12-31" {
			t.Errorf("after update: version %d, to %q", b.Version, b.EffectiveTo)
		}
		if auditCount(t, db) != before+1 {
			t.Error("an import is one audit entry")
		}
		if rep, err := audit.Verify(ctx, db); err != nil || !rep.OK {
			t.Errorf("audit chain: %+v %v", rep, err)
		}

		// Scope: a liaison may not import for another agency.
		_, err = ImportBenchmarks(ctx, db, f.liaison, JiangmenTable, opts)
		if e := apperr.As(err); e.Code != "forbidden" {
			t.Errorf("liaison importing for another agency: %v", err)
		}
		if _, err := ImportBenchmarks(ctx, db, f.court, JiangmenTable, ImportOptions{}); apperr.As(err).Code != "forbidden" {
			t.Errorf("court liaison importing: %v", err)
		}
	})
}

func lineOf(bs []Benchmark) int {
	if len(bs) == 0 {
		return 0
	}
	return bs[0].SourceLine
}

const csvHeader = "序号,违法行为,法律依据,类别,裁量情节,裁量标准,备注\n"

func TestImportCSVAndRejects(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// A liaison imports for their own agency (market domain by default).
		csv := "某区市场监管裁量基准\n" + csvHeader +
			"1-1,销售不合格产品,《中华人民共和国产品质量法》第四十九条：…,1,货值金额较小的,处货值金额1倍以上2倍以下罚款,\n" +
			",,,2,货值金额较大的,处货值金额2倍以上3倍以下罚款,\n" +
			"1-2,未亮照经营,《无证无照经营查处办法》第十三条,1,首次,处五千元以下罚款,责令限期改正\n" +
			",,,2,再次,处五千元以上一万元以下罚款,\n" +
			",,,,逾期不改,,\n" + // continues level 2 (blank level and standard)
			",,,3,,,\n" + // level without circumstance or standard: refused
			",,,4,拒不改正的,,\n" + // no standard: refused
			"\n" +
			"2-1,,《某条例》第十条,1,情节轻微,警告,\n" + // no violation name: refused
			"2-2,擅自改变用途,《某条例》第十一条,,情节轻微,处二千元罚款,\n" // blank level: refused
		rep, err := ImportBenchmarks(ctx, db, f.liaison, []byte(csv), ImportOptions{FileName: "市场监管.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OrgID != f.other || rep.Domain != "market" || rep.Issuer != "某区市场监督管理局" || rep.Inserted != 5 || rep.Rejected != 4 || rep.Total != 9 {
			t.Fatalf("report %+v", rep)
		}
		want := []Reject{
			{Sheet: "市场监管", Line: 8, Column: "裁量标准", Reason: "裁量情节和裁量标准均为空"},
			{Sheet: "市场监管", Line: 9, Column: "裁量标准", Reason: "缺少裁量标准"},
			{Sheet: "市场监管", Line: 11, Column: "违法行为", Reason: "缺少违法行为（该行之上也没有可延续的违法行为）"},
			{Sheet: "市场监管", Line: 12, Column: "类别", Reason: "缺少裁量阶次（类别）"},
		}
		if len(rep.Rejects) != len(want) {
			t.Fatalf("rejects %+v", rep.Rejects)
		}
		for i, w := range want {
			if rep.Rejects[i] != w {
				t.Errorf("reject %d: %+v, want %+v", i, rep.Rejects[i], w)
			}
		}
		list, _, err := ListBenchmarks(ctx, db, f.court, BenchmarkFilter{ViolationCode: "1-2"})
		if err != nil || len(list) != 3 {
			t.Fatalf("1-2: %d rows %v", len(list), err)
		}
		// CSV has no merge information: the item's remark is carried down;
		// the 逾期不改 row shares level 2 and its standard.
		if l := list[2]; l.Level != "2" || l.LevelSeq != 2 || l.Circumstance != "逾期不改" || l.FineKind != FineRange || l.Remarks != "责令限期改正" ||
			l.Category != "某区市场监管裁量基准" || l.PenaltyBasis != "《无证无照经营查处办法》第十三条" {
			t.Errorf("continued row: %+v", l)
		}
		// A corrected standard updates that row only.
		csv2 := strings.Replace(csv, "处五千元以上一万元以下罚款", "处五千元以上二万元以下罚款", 1)
		rep, err = ImportBenchmarks(ctx, db, f.liaison, []byte(csv2), ImportOptions{FileName: "市场监管.csv"})
		if err != nil || rep.Inserted != 0 || rep.Updated != 2 || rep.Unchanged != 3 {
			t.Fatalf("corrected re-import: %+v %v", rep, err)
		}
		list, _, _ = ListBenchmarks(ctx, db, f.court, BenchmarkFilter{ViolationCode: "1-2", Level: "2"})
		if len(list) != 2 || *list[0].FineMaxFen != 2000000 || list[0].Version != 2 {
			t.Errorf("after correction: %+v", list)
		}

		// Files that are no discretion table.
		for name, data := range map[string]string{"x.pdf": "%PDF-1.7 \x00\x01", "empty.csv": "", "other.csv": "姓名,年龄\n张三,30\n"} {
			_, err := ImportBenchmarks(ctx, db, f.liaison, []byte(data), ImportOptions{FileName: name})
			if e := apperr.As(err); e.Code != "invalid_file" || e.Message == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Bad options.
		_, err = ImportBenchmarks(ctx, db, f.admin, []byte(csv), ImportOptions{OrgID: f.eco, Domain: "nope", EffectiveFrom: "2020-13-01", FileName: "x.csv"})
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != "validation_failed" || len(ae.Details.([]apperr.FieldError)) != 2 {
			t.Errorf("bad options: %v", err)
		}
	})
}

func TestManualEdits(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := func(v string) *string { return &v }
		b, err := CreateBenchmark(ctx, db, f.liaison, BenchmarkInput{ViolationCode: s("9-1"), ViolationName: s("未按规定公示"), Level: s("1"),
			Standard: s("处一万元以上三万元以下罚款"), LegalBasis: s("《某条例》第二十条：…")})
		if err != nil {
			t.Fatal(err)
		}
		if b.OrgID != f.other || b.FineKind != FineRange || *b.FineMinFen != 1000000 || b.PenaltyBasis != "《某条例》第二十条" || b.LevelSeq != 1 {
			t.Errorf("created %+v", b)
		}
		// Bounds by hand.
		b, err = UpdateBenchmark(ctx, db, f.liaison, b.ID, BenchmarkInput{FineMin: s("12000"), FineMax: s(""), Version: b.Version})
		if err != nil || b.FineKind != FineManual || *b.FineMinFen != 1200000 || b.FineMaxFen != nil || b.Version != 2 {
			t.Fatalf("update: %+v %v", b, err)
		}
		if _, err := UpdateBenchmark(ctx, db, f.liaison, b.ID, BenchmarkInput{Version: 1}); apperr.As(err).Code != "conflict" {
			t.Errorf("stale version: %v", err)
		}
		if _, err := UpdateBenchmark(ctx, db, f.liaison, b.ID, BenchmarkInput{ViolationName: s(""), Version: 2}); apperr.As(err).Code != "validation_failed" {
			t.Errorf("blank name: %v", err)
		}
		// Another agency's liaison sees it but may not change it.
		other := *f.liaison
		other.OrgID = f.eco
		if _, err := GetBenchmark(ctx, db, &other, b.ID); err != nil {
			t.Errorf("read: %v", err)
		}
		if err := DeleteBenchmark(ctx, db, &other, b.ID); apperr.As(err).Code != "forbidden" {
			t.Errorf("delete by another agency: %v", err)
		}
		if err := DeleteBenchmark(ctx, db, f.liaison, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := GetBenchmark(ctx, db, f.liaison, b.ID); apperr.As(err).Code != "not_found" {
			t.Errorf("deleted: %v", err)
		}

		// Cases: the procuratorate writes, an agency reads.
		c, err := CreateCase(ctx, db, f.admin, CaseInput{Title: s("某案"), Domain: s("ecology"), Summary: s("摘要"), AgencyID: &f.eco,
			Tags: &[]string{"裁量基准", " ", "大数据"}, PublishedOn: s("2026-01-02")})
		if err != nil || len(c.Tags) != 2 || c.AgencyName != "某市生态环境局某分局" || c.PublishedOn != "2026-01-02" {
			t.Fatalf("case %+v %v", c, err)
		}
		if _, err := CreateCase(ctx, db, f.liaison, CaseInput{Title: s("x"), Summary: s("y")}); apperr.As(err).Code != "forbidden" {
			t.Errorf("liaison creating a case: %v", err)
		}
		cs, total, err := ListCases(ctx, db, f.liaison, CaseFilter{Tag: "大数据"})
		if err != nil || total != 1 || len(cs) != 1 {
			t.Errorf("tag filter: %d %v", total, err)
		}
		_, err = UpdateCase(ctx, db, f.admin, c.ID, CaseInput{ClearAgency: true, Version: 1, PublishedOn: s("2026-02-30")})
		if apperr.As(err).Code != "validation_failed" {
			t.Errorf("bad date: %v", err)
		}
		c, err = UpdateCase(ctx, db, f.admin, c.ID, CaseInput{ClearAgency: true, Version: 1})
		if err != nil || c.AgencyID != nil || c.Version != 2 {
			t.Errorf("clear agency: %+v %v", c, err)
		}

		// News: a liaison publishes for their own org only.
		n, err := CreateNews(ctx, db, f.liaison, NewsInput{Kind: s("news"), Title: s("动态"), Body: s("正文")})
		if err != nil || n.OrgID != f.other {
			t.Fatalf("news %+v %v", n, err)
		}
		if _, err := CreateNews(ctx, db, f.liaison, NewsInput{Title: s("x"), Body: s("y"), OrgID: &f.eco}); apperr.As(err).Code != "forbidden" {
			t.Errorf("news for another org: %v", err)
		}
		pinned := true
		p2, err := CreateNews(ctx, db, f.admin, NewsInput{Kind: s("notice"), Title: s("通知"), Body: s("正文"), Pinned: &pinned, PublishedAt: s("2020-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		ns, _, err := ListNews(ctx, db, f.court, NewsFilter{Limit: 1})
		if err != nil || len(ns) != 1 || ns[0].ID != p2.ID {
			t.Fatalf("pinned first: %+v %v", ns, err)
		}
		ns, _, err = ListNews(ctx, db, f.court, NewsFilter{Limit: 1, Before: ns[0].ID})
		if err != nil || len(ns) != 1 || ns[0].ID != n.ID {
			t.Errorf("page 2: %+v %v", ns, err)
		}
		if _, err := UpdateNews(ctx, db, f.liaison, p2.ID, NewsInput{Version: 1}); apperr.As(err).Code != "forbidden" {
			t.Errorf("liaison editing the procuratorate's notice: %v", err)
		}
		if _, err := CreateNews(ctx, db, f.admin, NewsInput{Kind: s("gossip"), Title: s("x"), Body: s("y")}); apperr.As(err).Code != "validation_failed" {
			t.Errorf("bad kind: %v", err)
		}
		if rep, err := audit.Verify(ctx, db); err != nil || !rep.OK || rep.Rows != 7 {
			t.Errorf("audit: %+v %v", rep, err)
		}
	})
}

func TestSeedDemo(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := SeedDemo(ctx, db); err == nil {
			t.Fatal("seeded without the demo district")
		}
		for _, code := range []string{"QLJCY", "QLSFJ", "STHJ", "GAQL", "SCJG"} {
			if _, err := db.ExecContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES (?, ?, 'agency', 0, 0)", code, "单位"+code); err != nil {
				t.Fatal(err)
			}
		}
		count := func() [4]int {
			var c [4]int
			for i, tbl := range []string{"discretion_benchmarks", "typical_cases", "reference_news", "audit_log"} {
				if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&c[i]); err != nil {
					t.Fatal(err)
				}
			}
			return c
		}
		if err := SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		first := count()
		if first[0] != 872 || first[1] != len(demoCases) || first[2] != len(demoNews) {
			t.Fatalf("seeded %v", first)
		}
		if err := SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		if again := count(); again != first {
			t.Errorf("second seed changed %v → %v", first, again)
		}
	})
}

// TestImportXLSXMerges reads merged cells of an .xlsx: a level merged over
// two circumstances applies to both. (excelize clears covered cells, so
// values hidden under merges are tested on the real .xls above.)
func TestImportXLSXMerges(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	sh := "Sheet1"
	rows := [][]any{
		{"某局裁量基准"},
		{"序号", "违法行为", "法律依据", "类别", "裁量情节", "裁量标准", "备注"},
		{"1-1", "超标排放", "《某法》第十条：…", "1", "超标0.5倍以下", "处十万元以上二十万元以下罚款", ""},
		{"", "", "", "", "超标0.5倍以上1倍以下", "处二十万元以上五十万元以下罚款", ""},
		{"1-2", "未批先建", "《某法》第十一条", "1", "未开工", "处五万元罚款", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A3", "A4"}, {"B3", "B4"}, {"C3", "C4"}, {"D3", "D4"}} {
		if err := x.MergeCell(sh, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := tabular.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "某局.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if ms := readMerges(buf.Bytes(), b); len(ms) != 1 || len(ms[0]) != 4 || ms[0][3] != (cellRange{2, 3, 3, 3}) {
		t.Errorf("merges %v", ms)
	}
	b.Close()
	out, rejects, stats, err := parseBook(buf.Bytes(), "某局.xlsx")
	if err != nil || len(rejects) != 0 || len(out) != 3 || stats[0].Items != 2 {
		t.Fatalf("rows %d rejects %v stats %+v err %v", len(out), rejects, stats, err)
	}
	if r := out[1]; r.Code != "1-1" || r.Name != "超标排放" || r.Level != "1" || r.Line != 4 || r.Category != "某局裁量基准" {
		t.Errorf("merged row: %+v", r)
	}
}

func TestImportTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := 0; i <= MaxRows; i++ {
		b.WriteString("1-1,某行为,《某法》第一条,1,情节,处一万元罚款,\n")
	}
	_, _, _, err := parseBook([]byte(b.String()), "大.csv")
	var te *tabular.Error
	if !errors.As(err, &te) || te.Code != tabular.CodeTooLarge {
		t.Fatalf("got %v", err)
	}
}
