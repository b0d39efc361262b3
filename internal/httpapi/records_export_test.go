package httpapi_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// exportRows downloads the records export as c and returns its rows.
func exportRows(t *testing.T, c *client, query string) [][]string {
	t.Helper()
	resp := c.do("GET", "/api/v1/records/export.xlsx"+query, nil)
	if resp.status != 200 {
		t.Fatalf("export%s: %d %s", query, resp.status, resp.body)
	}
	if cd := resp.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''%E6%89%A7%E6%B3%95%E8%AE%B0%E5%BD%95.xlsx") {
		t.Errorf("Content-Disposition %q does not name 执法记录.xlsx", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(resp.body))
	if err != nil {
		t.Fatalf("export is not an XLSX file: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows("执法记录")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestRecordsExportLabels(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		scjg, gaql := e.orgID("SCJG"), e.orgID("GAQL")
		rec := func(docNo, party, date string, extra map[string]any) map[string]any {
			r := map[string]any{"doc_no": docNo, "party_name": party, "party_uscc": "91350100M000100Y43",
				"violation_type": "销售不合格产品", "facts": "经查", "legal_basis": "《中华人民共和国产品质量法》第四十九条",
				"penalty_kinds": "罚款", "penalty_content": "罚款", "fine": "12000", "decision_date": date}
			for k, v := range extra {
				r[k] = v
			}
			return r
		}
		push := func(agency int64, recs ...map[string]any) {
			t.Helper()
			resp := admin.do("POST", "/api/v1/records/push", map[string]any{"agency_id": agency, "records": recs})
			if resp.status != 200 || resp.json()["inserted"] != float64(len(recs)) {
				t.Fatalf("push: %d %s", resp.status, resp.body)
			}
		}
		push(scjg,
			rec("青市监罚〔2026〕101号", "江州市青岚区顺发建材有限公司", "2026-03-05", map[string]any{
				"party_uscc": "91350211M0000XUF46", "procedure": "普通程序", "domain": "market", "party_kind": "法人及非法人组织"}),
			rec("青市监当罚〔2026〕102号", "青岚区阿强水果店", "2026-03-06", map[string]any{
				"procedure": "当场处罚", "domain": "市场监管", "party_kind": "个体工商户", "fine": "200"}))
		push(gaql, rec("青公(城)行罚决字〔2026〕103号", "江州市青岚区星河网吧", "2026-03-07", map[string]any{
			"procedure": "普通", "domain": "public_security", "violation_type": "接纳未成年人"}))

		rows := exportRows(t, e.login("prosecutor"), "")
		header := []string{"决定日期", "执法机关", "处罚决定书文号", "行政相对人", "相对人类别", "相对人代码", "执法领域", "违法行为类型",
			"处罚类别", "罚款金额（元）", "程序", "存疑标记"}
		if len(rows) != 4 || !slices.Equal(rows[0], header) {
			t.Fatalf("export rows: %q", rows)
		}
		byDoc := map[string][]string{}
		for _, r := range rows[1:] {
			r = append(r, make([]string, len(header)-len(r))...) // trailing empty cells are not stored
			byDoc[r[2]] = r
		}
		col := func(doc, name string) string { return byDoc[doc][slices.Index(header, name)] }
		want := []struct{ doc, column, value string }{
			{"青市监罚〔2026〕101号", "执法机关", "市场监督管理局"},
			{"青市监罚〔2026〕101号", "相对人类别", "法人及非法人组织"},
			{"青市监罚〔2026〕101号", "执法领域", "市场监管"},
			{"青市监罚〔2026〕101号", "程序", "普通程序"},
			{"青市监罚〔2026〕101号", "存疑标记", "相对人统一社会信用代码校验位不符"},
			{"青市监罚〔2026〕101号", "罚款金额（元）", "12,000.00"},
			{"青市监当罚〔2026〕102号", "相对人类别", "个体工商户"},
			{"青市监当罚〔2026〕102号", "程序", "简易程序"},
			{"青市监当罚〔2026〕102号", "存疑标记", ""},
			{"青市监当罚〔2026〕102号", "罚款金额（元）", "200.00"},
			{"青公(城)行罚决字〔2026〕103号", "执法领域", "公安"},
			{"青公(城)行罚决字〔2026〕103号", "决定日期", "2026-03-07"},
		}
		for _, w := range want {
			if byDoc[w.doc] == nil {
				t.Fatalf("%s not exported: %q", w.doc, rows)
			}
			if got := col(w.doc, w.column); !strings.Contains(got, w.value) || (w.value == "" && got != "") {
				t.Errorf("%s %s = %q, want %q", w.doc, w.column, got, w.value)
			}
		}
		// No code leaks into the sheet.
		for _, r := range rows {
			for _, cell := range r {
				for _, code := range []string{"simple", "ordinary", "bad_party_uscc", "legal_person", "individual_business", "market", "public_security"} {
					if cell == code || strings.Contains(cell, code) {
						t.Errorf("export holds the code %q: %q", code, r)
					}
				}
			}
		}

		// The filters apply: the simple-procedure decisions only.
		if simple := exportRows(t, e.login("prosecutor"), "?procedure=simple"); len(simple) != 2 || simple[1][2] != "青市监当罚〔2026〕102号" {
			t.Errorf("procedure=simple export: %q", simple)
		}

		// An agency liaison exports only their own agency's records, whatever
		// agency they ask for.
		agency04 := e.login("agency04") // 市场监督管理局
		own := exportRows(t, agency04, "")
		if len(own) != 3 {
			t.Fatalf("agency04 export: %q", own)
		}
		for _, r := range own[1:] {
			if !strings.HasSuffix(r[1], "市场监督管理局") || strings.Contains(r[2], "青公") {
				t.Errorf("agency04 exports another agency's record: %q", r)
			}
		}
		if other := exportRows(t, agency04, fmt.Sprintf("?agency_id=%d", gaql)); len(other) != 1 {
			t.Errorf("agency04 exports GAQL's records by asking: %q", other)
		}
		if police := exportRows(t, e.login("agency01"), ""); len(police) != 2 || police[1][2] != "青公(城)行罚决字〔2026〕103号" {
			t.Errorf("agency01 export: %q", police)
		}
	})
}

func TestRecordQualityScope(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		items := func(c *client, q string) []map[string]any {
			t.Helper()
			resp := c.do("GET", "/api/v1/records/quality"+q, nil)
			if resp.status != 200 {
				t.Fatalf("quality%s: %d %s", q, resp.status, resp.body)
			}
			var out []map[string]any
			for _, it := range resp.json()["items"].([]any) {
				out = append(out, it.(map[string]any))
			}
			return out
		}
		all := items(e.login("prosecutor"), "?from=2025-12-01&to=2026-12-01")
		if len(all) < 25 {
			t.Fatalf("the prosecutor sees %d agencies; every agency and town must be listed, those without records too", len(all))
		}
		for _, it := range all {
			if it["records"] != float64(0) || it["recent_records"] != float64(0) || it["median_lag_days"] != nil {
				t.Errorf("no records were shared, yet: %v", it)
			}
		}
		own := items(e.login("agency04"), "")
		if len(own) != 1 || own[0]["agency_id"] != float64(e.orgID("SCJG")) {
			t.Errorf("agency04 sees: %v", own)
		}
		if resp := e.login("leader").do("GET", "/api/v1/records/quality", nil); resp.status != 403 {
			t.Errorf("leader (no record.read): %d", resp.status)
		}
	})
}
