package enforce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/enforce"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/tabular"
)

// XJ_UPDATE_FIXTURES=1 rewrites testdata/{inspections,measures}/*.report.json
// and the XLSX fixtures (written by activityXLSX).
var updateActivityFixtures = os.Getenv("XJ_UPDATE_FIXTURES") == "1"

// activityFixtureReport is what importing a fixture must give: the report
// (without the batch id) and the flags of the stored records.
type activityFixtureReport struct {
	File      string             `json:"file"`
	Kind      string             `json:"kind"`
	Total     int                `json:"total"`
	Inserted  int                `json:"inserted"`
	Rejected  int                `json:"rejected"`
	Flagged   int                `json:"flagged"`
	Rejects   []enforce.RowError `json:"rejects"`
	StoredDoc []string           `json:"stored"` // doc_no [flags] of every stored record, sorted
}

// activityXLSX writes the XLSX fixtures: two title rows above the header,
// Excel date cells, a total row, and bad rows.
func activityXLSX(t *testing.T, kind string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sh := "Sheet1"
	dateStyle, err := x.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	switch kind {
	case enforce.KindInspection:
		_ = x.SetCellValue(sh, "A1", "江州市青岚区应急管理局")
		_ = x.SetCellValue(sh, "A2", "2026年第一季度行政检查信息公示表")
		rows = [][]any{
			{"检查记录编号", "行政相对人名称", "行政相对人类别", "统一社会信用代码", "证件号码", "检查地点", "检查日期", "检查类别", "检查事项", "检查依据", "执法人员", "执法证号", "检查结果", "整改期限", "后续处理文书号", "执法领域", "状态"},
			{"青应急检〔2026〕11号", "江州市青岚区宏达化工有限公司", "法人及非法人组织", "91350100MA2X11111L", "", "青岚区化工园区3号", "2026-01-15", "专项检查", "危险化学品储存安全", "《中华人民共和国安全生产法》第六十五条", "周一、吴二", "35006001、35006002", "责令整改", "2026-02-15", "", "应急管理", "整改中"},
			{"青应急检〔2026〕12号", "江州市青岚区安泰五金加工厂", "个体工商户", "91350100MA3Y11111D", "", "青岚区工业路9号", "2026-01-20", "双随机抽查", "粉尘防爆", "《工贸企业粉尘防爆安全规定》", "周一、吴二", "35006001、35006002", "未发现问题", "", "", "应急管理", "已办结"},
			{"青应急检〔2026〕13号", "江州市青岚区宏达化工有限公司", "法人", "91350100MA2X11111L", "", "青岚区化工园区3号", "2026-02-20", "日常检查", "复查整改情况", "", "周一、吴二", "35006001、35006002", "立案查处", "", "青应急罚〔2026〕2号", "应急管理", "已办结"},
			{"青应急检〔2026〕14号", "江州市青岚区某某公司", "法人", "9135 0100 MA2X", "", "", "2026-02-21", "巡回检查", "", "", "周一", "", "未发现问题", "", "", "应急管理", ""},
			{"合计", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		}
	case enforce.KindMeasure:
		_ = x.SetCellValue(sh, "A1", "江州市青岚区生态环境分局")
		_ = x.SetCellValue(sh, "A2", "行政强制措施信息表（单位：元）")
		rows = [][]any{
			{"强制措施决定书文号", "行政相对人名称", "统一社会信用代码", "证件号码", "强制措施种类", "财物描述", "财物价值（元）", "法律依据", "批准人", "批准日期", "实施日期", "期限（日）", "是否延长", "延长决定日期", "延长期限（日）", "解除日期", "处理结果", "是否告知权利", "是否制作现场笔录", "执法领域", "状态"},
			{"青环强〔2026〕1号", "江州市青岚区清源电镀厂", "91350100MA2X11111L", "", "查封场所设施或财物", "电镀生产线 2 条", "120000", "《中华人民共和国环境保护法》第二十五条", "局长", "2026-04-01", "2026-04-02", 30, "是", "2026-04-30", 30, "2026-05-30", "解除", "是", "是", "生态环境", "已解除"},
			{"青环强〔2026〕2号", "江州市青岚区蓝天印染有限公司", "91350100MA3Y11111D", "", "扣押财物", "排污泵 3 台", "8600.5", "《中华人民共和国水污染防治法》", "局长", "2026-04-10", "2026-04-10", 30, "是", "2026-05-08", 45, "", "", "否", "是", "生态环境", "扣押中"},
			{"青环强〔2026〕3号", "刘某", "", "350105197811014561", "查封", "废旧油桶", "", "", "", "", "2026-05-01", 30, "否", "", "", "2026-08-01", "依法处理", "是", "否", "生态环境", ""},
			{"青环强〔2026〕4号", "江州市青岚区某化工厂", "91350100MA2X11111L", "", "查封", "反应釜", "", "", "", "", "2026-05-02", 30, "否", "", "", "2026-05-01", "解除", "是", "是", "生态环境", ""},
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := x.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	// Dates as Excel date cells, as clerks' spreadsheets have them.
	for ri := 1; ri < len(rows); ri++ {
		for ci, v := range rows[ri] {
			s, ok := v.(string)
			if !ok || len(s) != 10 || s[4] != '-' || s[7] != '-' {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(ci+1, ri+4)
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				t.Fatal(err)
			}
			_ = x.SetCellValue(sh, cell, d)
			_ = x.SetCellStyle(sh, cell, cell, dateStyle)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func agencyByCode(t *testing.T, db *store.DB, code string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRowContext(context.Background(), "SELECT id FROM orgs WHERE code = ?", code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func storedDocs(t *testing.T, db *store.DB, table string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "SELECT doc_no, flags FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var doc, flags string
		if err := rows.Scan(&doc, &flags); err != nil {
			t.Fatal(err)
		}
		out = append(out, doc+" ["+flags+"]")
	}
	sort.Strings(out)
	return out
}

// TestActivityFixtures imports each fixture of testdata/inspections and
// testdata/measures and compares the report (every rejected row with line,
// column and Chinese reason) and the stored records with the expected
// report; a re-import of the same file must change nothing.
func TestActivityFixtures(t *testing.T) {
	type fixture struct {
		kind, dir, file, agency string
		data                    []byte
	}
	var fixtures []fixture
	for _, kd := range []struct{ kind, dir, agency string }{
		{enforce.KindInspection, "inspections", "SCJG"}, {enforce.KindMeasure, "measures", "SCJG"},
	} {
		xlsxName := filepath.Join("testdata", kd.dir, "title_rows.xlsx")
		if updateActivityFixtures {
			if err := os.WriteFile(xlsxName, activityXLSX(t, kd.kind), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		ents, err := os.ReadDir(filepath.Join("testdata", kd.dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".report.json") {
				continue
			}
			data, err := os.ReadFile(filepath.Join("testdata", kd.dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			fixtures = append(fixtures, fixture{kd.kind, kd.dir, e.Name(), kd.agency, data})
		}
	}
	if len(fixtures) < 4 {
		t.Fatalf("only %d fixtures", len(fixtures))
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		im := enforce.NewImporter(db)
		admin := principal(t, db, "admin")
		for _, fx := range fixtures {
			t.Run(fx.dir+"/"+fx.file, func(t *testing.T) {
				table := fx.dir
				if _, err := db.ExecContext(ctx, "DELETE FROM "+table[:len(table)-1]+"_revisions"); err != nil {
					t.Fatal(err)
				}
				if _, err := db.ExecContext(ctx, "DELETE FROM "+table); err != nil {
					t.Fatal(err)
				}
				agency := agencyByCode(t, db, fx.agency)
				imp := func() enforce.Report {
					t.Helper()
					rep, err := im.ImportKindFile(ctx, admin, fx.kind, enforce.FileImport{AgencyID: agency, FileName: fx.file,
						File: bytes.NewReader(fx.data), Size: int64(len(fx.data))})
					if err != nil {
						t.Fatalf("import: %v", err)
					}
					return rep
				}
				rep := imp()
				got := activityFixtureReport{File: fx.file, Kind: fx.kind, Total: rep.Total, Inserted: rep.Inserted, Rejected: rep.Rejected,
					Flagged: rep.Flagged, Rejects: rep.Rejects, StoredDoc: storedDocs(t, db, table)}
				want := filepath.Join("testdata", fx.dir, strings.TrimSuffix(fx.file, filepath.Ext(fx.file))+".report.json")
				for i, r := range got.Rejects {
					// The reason names today's date: kept out of the fixture.
					if j := strings.Index(r.Reason, "晚于今天（"); j >= 0 {
						got.Rejects[i].Reason = r.Reason[:j] + "晚于今天（今天）" + r.Reason[j+len("晚于今天（2026-01-01）"):]
					}
				}
				b, _ := json.MarshalIndent(got, "", "  ")
				b = append(b, '\n')
				if updateActivityFixtures && db.Dialect() == store.SQLite {
					if err := os.WriteFile(want, b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				exp, err := os.ReadFile(want)
				if err != nil {
					t.Fatalf("expected report: %v (XJ_UPDATE_FIXTURES=1 writes it)", err)
				}
				if !bytes.Equal(exp, b) {
					t.Errorf("report differs from %s:\n%s", want, b)
				}
				if rep.Inserted == 0 || rep.Rejected == 0 {
					t.Errorf("a fixture should have good and bad rows: %+v", rep)
				}
				if fx.file == "ledger.csv" {
					// 涉案金额（万元） 1.5 is 15,000 yuan; 冻结存款、汇款 is freeze.
					var fen int64
					var kind string
					if err := db.QueryRowContext(ctx, "SELECT value_fen, measure_kind FROM measures WHERE doc_no = '青市监强〔2026〕1号'").Scan(&fen, &kind); err != nil || fen != 1_500_000 {
						t.Errorf("value in 万元: %d %v", fen, err)
					}
					if err := db.QueryRowContext(ctx, "SELECT measure_kind FROM measures WHERE doc_no = '青市监强〔2026〕4号'").Scan(&kind); err != nil || kind != "freeze" {
						t.Errorf("measure kind: %q %v", kind, err)
					}
				}
				again := imp()
				if again.Inserted != 0 || again.Updated != 0 || again.Unchanged != rep.Inserted || again.Rejected != rep.Rejected {
					t.Errorf("re-import changed something: %+v (first %+v)", again, rep)
				}
				if docs := storedDocs(t, db, table); strings.Join(docs, "\n") != strings.Join(got.StoredDoc, "\n") {
					t.Errorf("re-import changed the stored records: %v", docs)
				}
				var batches int
				if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM import_batches WHERE kind = ? AND file_name = ?", fx.kind, fx.file).Scan(&batches); err != nil || batches < 2 {
					t.Errorf("batches of kind %s: %d %v", fx.kind, batches, err)
				}
			})
		}
	})
}

func TestActivityRevisionsAndScope(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		scjg, gaql := agencyByCode(t, db, "SCJG"), agencyByCode(t, db, "GAQL")
		as := auth.NewService(db)
		_, secret, err := as.IssueToken(ctx, principal(t, db, "admin"), scjg, "对接系统")
		if err != nil {
			t.Fatal(err)
		}
		sys, err := as.Bearer(ctx, secret, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		im := enforce.NewImporter(db)
		insp := map[string]any{"doc_no": "青市监检〔2026〕101号", "party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100MA2X11111L",
			"inspection_date": "2026-03-05", "inspection_kind": "routine", "result": "责令整改", "rectify_deadline": "2026-03-20", "domain": "market"}
		rep, err := im.PushKind(ctx, sys, enforce.KindInspection, 0, []map[string]any{insp})
		if err != nil || rep.Inserted != 1 {
			t.Fatalf("push: %+v %v", rep, err)
		}
		again, err := im.PushKind(ctx, sys, enforce.KindInspection, 0, []map[string]any{insp})
		if err != nil || again.Unchanged != 1 || again.Inserted != 0 || again.Updated != 0 {
			t.Fatalf("re-push: %+v %v", again, err)
		}
		insp["result"], insp["followup_doc_no"] = "立案查处", "青市监罚〔2026〕30号"
		changed, err := im.PushKind(ctx, sys, enforce.KindInspection, 0, []map[string]any{insp})
		if err != nil || changed.Updated != 1 {
			t.Fatalf("changed push: %+v %v", changed, err)
		}
		var id int64
		var rev int
		if err := db.QueryRowContext(ctx, "SELECT id, revision FROM inspections WHERE doc_no = ?", insp["doc_no"]).Scan(&id, &rev); err != nil || rev != 2 {
			t.Fatalf("revision %d %v", rev, err)
		}
		prosecutor := principal(t, db, "prosecutor")
		d, err := enforce.ReadActivity(ctx, db, prosecutor, enforce.KindInspection, id)
		if err != nil {
			t.Fatal(err)
		}
		cur := d.Record.(enforce.Inspection)
		if cur.Result != "case_filed" || cur.FollowupDocNo != "青市监罚〔2026〕30号" || d.Revision != 2 || d.Batch == nil || d.Batch.ID != changed.BatchID {
			t.Fatalf("current version: %+v batch %+v", cur, d.Batch)
		}
		if len(d.Revisions) != 1 || d.Revisions[0].Revision != 1 || d.Revisions[0].BatchID != rep.BatchID {
			t.Fatalf("revisions: %+v", d.Revisions)
		}
		var old enforce.Inspection
		if err := json.Unmarshal([]byte(d.Revisions[0].Data), &old); err != nil || old.Result != "rectify" || old.RectifyDeadline.String() != "2026-03-20" {
			t.Fatalf("kept revision: %+v %v", old, err)
		}

		// The measure of an over-long period is kept and flagged.
		meas := map[string]any{"doc_no": "青市监强〔2026〕101号", "party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100MA2X11111L",
			"measure_kind": "扣押财物", "value": 12000, "start_date": "2026-03-01", "period_days": 40, "end_date": "2026-04-10", "rights_notice": false}
		short := map[string]any{"doc_no": "青市监强〔2026〕102号", "party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100MA2X11111L",
			"measure_kind": "seal", "start_date": "2026-03-01", "period_days": 30, "extended": true, "extension_days": 30, "end_date": "2026-04-29"}
		backwards := map[string]any{"doc_no": "青市监强〔2026〕103号", "party_name": "某公司", "party_uscc": "91350100MA2X11111L",
			"measure_kind": "seal", "start_date": "2026-03-01", "end_date": "2026-02-01"}
		mrep, err := im.PushKind(ctx, sys, enforce.KindMeasure, 0, []map[string]any{meas, short, backwards})
		if err != nil || mrep.Inserted != 2 || mrep.Flagged != 1 || mrep.Rejected != 1 {
			t.Fatalf("measures: %+v %v", mrep, err)
		}
		if r := mrep.Rejects[0]; r.Line != 3 || r.Column != "解除日期" || !strings.Contains(r.Reason, "早于") {
			t.Fatalf("end before start: %+v", r)
		}
		list, total, _, err := enforce.SearchMeasures(ctx, db, prosecutor.Scope(), enforce.ActivityFilter{Flag: enforce.FlagMeasurePeriodExceeded})
		if err != nil || total != 1 || list[0].DocNo != meas["doc_no"] || list[0].ValueFen != 1_200_000 || list[0].PeriodDays != 40 {
			t.Fatalf("flagged measures: %+v %d %v", list, total, err)
		}

		// Scope: a token pushes only for its own agency; a liaison of another
		// agency neither imports for it nor sees its records.
		if _, err := im.PushKind(ctx, sys, enforce.KindMeasure, gaql, []map[string]any{short}); apperr.As(err).Code != "forbidden" {
			t.Fatalf("token pushing for another agency: %v", err)
		}
		if _, err := im.PushKind(ctx, sys, "licence", 0, []map[string]any{short}); apperr.As(err).Code != "validation_failed" {
			t.Fatalf("unknown kind: %v", err)
		}
		liaison := principal(t, db, "agency01")
		data := []byte("检查记录编号,行政相对人名称,统一社会信用代码,检查日期\n1号,某公司,91350100MA2X11111L,2026-01-01\n")
		if _, err := im.ImportKindFile(ctx, liaison, enforce.KindInspection, enforce.FileImport{AgencyID: scjg, FileName: "x.csv",
			File: bytes.NewReader(data), Size: int64(len(data))}); apperr.As(err).Code != "forbidden" {
			t.Fatalf("liaison importing for another agency: %v", err)
		}
		if _, err := enforce.ReadActivity(ctx, db, liaison, enforce.KindInspection, id); apperr.As(err).Code != "not_found" {
			t.Fatalf("liaison reading another agency's inspection: %v", err)
		}
		if got, total, _, err := enforce.SearchInspections(ctx, db, liaison.Scope(), enforce.ActivityFilter{}); err != nil || total != 0 || len(got) != 0 {
			t.Fatalf("liaison search: %d %v", total, err)
		}
		if got, total, _, err := enforce.SearchInspections(ctx, db, prosecutor.Scope(), enforce.ActivityFilter{Q: "顺发", Result: "case_filed"}); err != nil || total != 1 || len(got) != 1 {
			t.Fatalf("prosecutor search: %d %v", total, err)
		}
	})
}

func TestActivityMappingAndPaging(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		scjg := agencyByCode(t, db, "SCJG")
		admin := principal(t, db, "admin")
		im := enforce.NewImporter(db)
		imp := func(data string, m enforce.Mapping) (enforce.Report, error) {
			return im.ImportKindFile(ctx, admin, enforce.KindInspection, enforce.FileImport{AgencyID: scjg, FileName: "t.csv",
				File: strings.NewReader(data), Size: int64(len(data)), Mapping: m})
		}
		// Missing columns are named, with the file's header.
		_, err := imp("序号,被检查单位,统一社会信用代码,检查日期\n1,某公司,91350100MA2X11111L,2026-01-01\n", nil)
		if e := apperr.As(err); e.Code != "invalid_file" || !strings.Contains(e.Message, "未找到“检查记录编号”列") {
			t.Fatalf("missing columns: %v", err)
		}
		// An agency's own layout through a saved mapping.
		var b strings.Builder
		b.WriteString("台账号,企业,代码,日子\n")
		for i := range 7 {
			b.WriteString("青市监检〔2025〕" + string(rune('1'+i)) + "号,江州市青岚区顺发建材有限公司,91350100MA2X11111L,2025-0" + string(rune('1'+i)) + "-01\n")
		}
		rep, err := imp(b.String(), enforce.Mapping{"doc_no": "台账号", "party_name": "企业", "party_uscc": "代码", "inspection_date": "日子"})
		if err != nil || rep.Inserted != 7 {
			t.Fatalf("saved mapping: %+v %v", rep, err)
		}
		// Keyset paging: every record once, newest first.
		var seen []string
		f := enforce.ActivityFilter{Limit: 3}
		for {
			page, total, next, err := enforce.SearchInspections(ctx, db, admin.Scope(), f)
			if err != nil || total != 7 {
				t.Fatalf("page: %d %v", total, err)
			}
			for _, s := range page {
				seen = append(seen, s.Date.String())
			}
			if next == "" {
				break
			}
			if f.Before, err = enforce.ParseCursor(next); err != nil {
				t.Fatal(err)
			}
		}
		if len(seen) != 7 || seen[0] != "2025-07-01" || seen[6] != "2025-01-01" {
			t.Fatalf("paging: %v", seen)
		}
		fields, ok := enforce.FieldsOf(enforce.KindMeasure)
		if !ok || fields[0].ID != "doc_no" || fields[0].Need != enforce.NeedColumn {
			t.Fatalf("measure fields: %+v", fields)
		}
	})
}

// TestMeasurePeriodRollsForward: the 30-day limit ends on a working day
// (DOMAIN.md §1.8): a seizure from 2025-09-01 may last until 2025-10-09, the
// first working day after the National Day holiday on which its 30th day
// falls; outside the holiday data only weekends roll.
func TestMeasurePeriodRollsForward(t *testing.T) {
	day := func(y int, m time.Month, d int) tabular.Date { return tabular.Date{Year: y, Month: m, Day: d} }
	for _, c := range []struct {
		start, end tabular.Date
		want       bool
	}{
		{day(2025, 9, 1), day(2025, 10, 1), false},
		{day(2025, 9, 1), day(2025, 10, 9), false},
		{day(2025, 9, 1), day(2025, 10, 10), true},
		{day(2025, 3, 3), day(2025, 4, 2), false}, // 30th day a Wednesday
		{day(2025, 3, 3), day(2025, 4, 3), true},
		{day(2022, 4, 1), day(2022, 5, 2), false}, // 2022: no holiday data; 5-01 is a Sunday
		{day(2022, 4, 1), day(2022, 5, 3), true},
	} {
		m := &enforce.Measure{MeasureKind: "seize", StartDate: c.start, EndDate: c.end}
		if got := enforce.MeasurePeriodExceeded(m); got != c.want {
			t.Errorf("%s → %s: exceeded %v, want %v", c.start, c.end, got, c.want)
		}
	}
}
