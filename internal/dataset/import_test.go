package dataset_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

func importBytes(ctx context.Context, db *store.DB, p *auth.Principal, kind string, agency int64, name string, data []byte) (batch.Report, error) {
	return dataset.ImportFile(ctx, db, p, kind, agency, name, bytes.NewReader(data), int64(len(data)), nil)
}

func rejectsOf(rep batch.Report) map[int][]string {
	out := map[int][]string{}
	for _, e := range rep.Rejects {
		out[e.Line] = append(out[e.Line], e.Reason)
	}
	return out
}

func TestImportFile(t *testing.T) {
	raw := readFile(t, "testdata/criminal_cases.csv")
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		if err := dataset.Sync(ctx, db); err != nil {
			t.Fatal(err)
		}
		var progressed int
		rep, err := dataset.ImportFile(ctx, db, w.courtL, "criminal_cases", w.court, "criminal_cases.csv", bytes.NewReader(raw), int64(len(raw)),
			func(n int) { progressed = n })
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total != 10 || rep.Inserted != 4 || rep.Rejected != 6 || rep.Flagged != 1 || progressed != 10 {
			t.Fatalf("report: %+v (progress %d)", rep, progressed)
		}
		rj := rejectsOf(rep)
		want := map[int]string{
			6:  "“文书类型”的值“裁定”不在允许范围内，应为：起诉、判决",
			7:  "“文书日期”：",
			8:  "标识列“案号”不能为空",
			9:  "标识列（案号、被告人身份证号）与第 3 行重复",
			10: "“刑期（月）”的值“十二”应为整数",
			12: "“罪名”不能为空",
		}
		for line, reason := range want {
			if len(rj[line]) == 0 || !strings.Contains(strings.Join(rj[line], "|"), reason) {
				t.Errorf("line %d: want %q, got %q", line, reason, rj[line])
			}
		}
		if len(rj[10]) != 2 || !strings.Contains(rj[10][1], "“是否缓刑”的值“可能”应为 是 或 否") {
			t.Errorf("line 10: want both the int and the bool reason, got %q", rj[10])
		}
		for _, e := range rep.Rejects {
			if e.Line == 6 && e.Column != "文书类型" {
				t.Errorf("reject column is the file's header: %q", e.Column)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM import_rejects WHERE batch_id = ?", rep.BatchID); n != 7 {
			t.Errorf("stored reject reasons: %d, want 7", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM import_batches WHERE id = ? AND kind = 'dataset:criminal_cases' AND rows_inserted = 4", rep.BatchID); n != 1 {
			t.Error("batch row not recorded as dataset:criminal_cases")
		}

		t.Run("CellsNormalised", func(t *testing.T) {
			total, rows, err := dataset.Rows(ctx, db, w.prosecutor.Scope(), "criminal_cases", dataset.Filter{Q: "李四"})
			if err != nil || total != 1 {
				t.Fatalf("rows: %d %v", total, err)
			}
			r := rows[0]
			if r["person_id_no"] != "440703198503151237" || r["term_months"] != int64(36) || r["probation"] != true ||
				r["doc_date"] != "2024-04-01" || r["effective_date"] != "2024-04-16" || r["agency_id"] != w.court {
				t.Fatalf("row: %v", r)
			}
			_, rows, _ = dataset.Rows(ctx, db, w.prosecutor.Scope(), "criminal_cases", dataset.Filter{Q: "王五"})
			if len(rows) != 1 || rows[0]["case_no"] != "(2024)青01刑初14号" || rows[0]["person_id_no"] != "440703197806063450" ||
				strings.Join(rows[0]["flags"].([]string), ",") != "bad_person_id_no" || rows[0]["effective_date"] != nil {
				t.Fatalf("flagged row: %v", rows)
			}
			_, rows, _ = dataset.Rows(ctx, db, w.prosecutor.Scope(), "criminal_cases", dataset.Filter{Q: "青检"})
			if len(rows) != 1 || rows[0]["main_penalty"] != "" || rows[0]["term_months"] != nil || rows[0]["probation"] != nil {
				t.Fatalf("indictment row: %v", rows)
			}
		})

		t.Run("ReimportUnchanged", func(t *testing.T) {
			again, err := importBytes(ctx, db, w.courtL, "criminal_cases", w.court, "criminal_cases.csv", raw)
			if err != nil {
				t.Fatal(err)
			}
			if again.Inserted != 0 || again.Updated != 0 || again.Unchanged != 4 || again.Rejected != 6 {
				t.Fatalf("re-import: %+v", again)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM ds_criminal_cases"); n != 4 {
				t.Fatalf("rows after re-import: %d", n)
			}
		})

		t.Run("ChangedRowUpdatedInPlace", func(t *testing.T) {
			changed := bytes.Replace(raw, []byte("盗窃罪,有期徒刑,12,否"), []byte("盗窃罪,有期徒刑,10,否"), 1)
			var id int64
			if err := db.QueryRowContext(ctx, "SELECT id FROM ds_criminal_cases WHERE person_name = '张三'").Scan(&id); err != nil {
				t.Fatal(err)
			}
			rep, err := importBytes(ctx, db, w.courtL, "criminal_cases", w.court, "fixed.csv", changed)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Updated != 1 || rep.Unchanged != 3 || rep.Inserted != 0 {
				t.Fatalf("report: %+v", rep)
			}
			var term int64
			var batchID int64
			if err := db.QueryRowContext(ctx, "SELECT term_months, batch_id FROM ds_criminal_cases WHERE id = ?", id).Scan(&term, &batchID); err != nil {
				t.Fatal(err)
			}
			if term != 10 || batchID != rep.BatchID {
				t.Fatalf("row %d: term %d batch %d", id, term, batchID)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM ds_criminal_cases"); n != 4 {
				t.Fatalf("rows after update: %d", n)
			}
		})

		t.Run("OtherSupplierSameKeysIsOtherRows", func(t *testing.T) {
			rep, err := importBytes(ctx, db, w.admin, "criminal_cases", w.procuratorate, "jcy.csv", raw)
			if err != nil || rep.Inserted != 4 {
				t.Fatalf("%+v %v", rep, err)
			}
		})

		t.Run("MissingKeyColumnRefusedBeforeAnything", func(t *testing.T) {
			before := count(t, db, "SELECT COUNT(*) FROM import_batches")
			_, err := importBytes(ctx, db, w.courtL, "criminal_cases", w.court, "nokey.csv", readFile(t, "testdata/criminal_cases_nokey.csv"))
			e := apperr.As(err)
			if e.Code != "invalid_file" || !strings.Contains(e.Message, "缺少标识列“案号”（也可写作：文书号、起诉书文号、判决书案号）") ||
				!strings.Contains(e.Message, "文件第 1 行的表头为：文书类型、姓名、身份证号、罪名、判决日期") {
				t.Fatalf("got %v", err)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM import_batches"); n != before {
				t.Fatal("a refused file left a batch")
			}
		})

		t.Run("MissingRequiredColumnRefused", func(t *testing.T) {
			_, err := dataset.ImportRows(ctx, db, w.courtL, "criminal_cases", w.court,
				[]string{"案号", "文书类型", "姓名", "身份证号", "判决日期"}, [][]string{{"(2024)1号", "判决", "甲", "440703199001011239", "2024-01-01"}})
			if e := apperr.As(err); e.Code != "invalid_file" || !strings.Contains(e.Message, "缺少必填列“罪名”") {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("NoHeaderAtAll", func(t *testing.T) {
			_, err := importBytes(ctx, db, w.courtL, "criminal_cases", w.court, "x.csv", []byte("a,b,c\n1,2,3\n"))
			if e := apperr.As(err); e.Code != "invalid_file" || !strings.Contains(e.Message, "未能识别表头") || !strings.Contains(e.Message, "“案号”（标识列）") {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("EnforcementKindNotImportable", func(t *testing.T) {
			_, err := importBytes(ctx, db, w.admin, "penalties", w.court, "x.csv", raw)
			if e := apperr.As(err); e.Code != "validation_failed" || !strings.Contains(e.Message, "执法数据") {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("LiaisonOnlyForOwnOrg", func(t *testing.T) {
			_, err := importBytes(ctx, db, w.courtL, "criminal_cases", w.agency, "x.csv", raw)
			if e := apperr.As(err); e.Code != "forbidden" {
				t.Fatalf("got %v", err)
			}
			_, err = importBytes(ctx, db, w.prosecutor, "criminal_cases", w.court, "x.csv", raw)
			if e := apperr.As(err); e.Code != "forbidden" {
				t.Fatalf("prosecutor (no dataset.import): %v", err)
			}
		})

		t.Run("FailureMidBatchLeavesNothing", func(t *testing.T) {
			header := []string{"发放日期", "姓名", "发放项目", "身份证号", "发放金额（元）", "发放机构"}
			rows := make([][]string, 3000)
			for i := range rows {
				// Distinct keys: the ID number's sequence digits count up
				// (check characters mostly wrong: flagged, still stored).
				rows[i] = []string{"2024-05-06", "张三", "养老金", fmt.Sprintf("44070319900101%03dX", i%1000)[:18], "100", "中心"}
				rows[i][0] = fmt.Sprintf("2024-0%d-06", 1+i/1000)
			}
			data := csvOf(header, rows)
			before := count(t, db, "SELECT COUNT(*) FROM import_batches")
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			stopped := false
			_, err := dataset.Import(ctx, db, w.agcL, "benefit_payments", dataset.FileImport{AgencyID: w.agency, FileName: "big.csv",
				File: bytes.NewReader(data), Size: int64(len(data)),
				Progress: func(n int) {
					if n >= batch.ChunkRows && !stopped {
						stopped = true
						cancel()
					}
				}})
			if err == nil || !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled import: %v", err)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM ds_benefit_payments"); n != 0 {
				t.Fatalf("a failed batch left %d rows", n)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM import_batches"); n != before {
				t.Fatal("a failed batch left its batch row")
			}
		})
	})
}

func csvOf(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.Bytes()
}

func TestImportRowsMoneyAndScope(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db) // no Sync: ImportRows creates the tables itself
		raw := readFile(t, "testdata/benefit_payments.csv")
		rep, err := importBytes(ctx, db, w.agcL, "benefit_payments", w.agency, "benefit_payments.csv", raw)
		if err != nil || rep.Inserted != 2 || rep.Rejected != 0 {
			t.Fatalf("%+v %v", rep, err)
		}
		var a, b int64
		if err := db.QueryRowContext(ctx, "SELECT amount_fen FROM ds_benefit_payments WHERE benefit = '养老金'").Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "SELECT amount_fen FROM ds_benefit_payments WHERE benefit = '高龄津贴'").Scan(&b); err != nil {
			t.Fatal(err)
		}
		if a != 250000 || b != 20000 { // 0.25 万元; "200元" in a 万元 column: the cell's own unit wins
			t.Fatalf("amounts: %d %d", a, b)
		}
		rep, err = dataset.ImportRows(ctx, db, w.courtL, "benefit_payments", w.court,
			[]string{"项目", "公民身份号码", "领取人", "发放日期", "金额"},
			[][]string{
				{"养老金", "４４０７０３１９９００１０１１２３９", "张三", "45418", "1,234.50"},
				{"救济粮", "440703199001011239", "张三", "2024-05-07", "1"},
				{"养老金", "", "张三", "2024-05-08", "1"},
				{"养老金", "abc", "张三", "2024-05-09", "-12"},
			})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inserted != 1 || rep.Rejected != 3 {
			t.Fatalf("%+v", rep)
		}
		rj := rejectsOf(rep)
		if !strings.Contains(rj[3][0], "应为：养老金、养老金调整") || !strings.Contains(rj[4][0], "标识列“身份证号”不能为空") || len(rj[5]) != 1 || !strings.Contains(rj[5][0], "“发放金额（元）”") {
			t.Fatalf("rejects: %v", rj)
		}
		total, rows, err := dataset.Rows(ctx, db, w.courtL.Scope(), "benefit_payments", dataset.Filter{})
		if err != nil || total != 1 || rows[0]["person_id_no"] != "440703199001011239" || rows[0]["pay_date"] != "2024-05-06" || rows[0]["amount_fen"] != "1234.50" {
			t.Fatalf("court sees: %d %v %v", total, rows, err)
		}
		if total, _, _ := dataset.Rows(ctx, db, w.agcL.Scope(), "benefit_payments", dataset.Filter{}); total != 2 {
			t.Fatalf("agency liaison sees %d rows, want its own 2", total)
		}
		if total, _, _ := dataset.Rows(ctx, db, w.prosecutor.Scope(), "benefit_payments", dataset.Filter{}); total != 3 {
			t.Fatalf("prosecutor sees %d rows, want all 3", total)
		}
		if total, _, _ := dataset.Rows(ctx, db, w.prosecutor.Scope(), "benefit_payments", dataset.Filter{Agency: w.court}); total != 1 {
			t.Fatalf("agency filter: %d", total)
		}
		counts, err := dataset.RowCounts(ctx, db, w.agcL.Scope(), []dataset.Kind{{Name: "benefit_payments"}})
		if err != nil || counts["benefit_payments"] != 2 {
			t.Fatalf("counts: %v %v", counts, err)
		}
	})
}
