package httpapi_test

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// datasetReaders hold dataset.read; datasetImporters dataset.import.
var (
	datasetReaders   = []string{"admin", "prosecutor", "depthead", "chief", "court", "petition", "agency01"}
	datasetImporters = []string{"admin", "court", "petition", "agency01"}
)

func matrixKind(name string) map[string]any {
	return map[string]any{"name": name, "label": "矩阵数据集 " + name, "keys": []string{"plate_no"}, "date_column": "seized_on",
		"columns": []map[string]any{
			{"name": "plate_no", "label": "车牌号", "type": "text", "required": true},
			{"name": "owner_id_no", "label": "车主身份证号", "type": "id_no"},
			{"name": "seized_on", "label": "扣押日期", "type": "date"},
		}}
}

// datasetAccessRules are TestAccessMatrix's rows for the dataset routes.
func datasetAccessRules(t *testing.T, e *env, clients map[string]*client) map[string]accessRule {
	t.Helper()
	return map[string]accessRule{
		"GET /api/v1/datasets": {allow: datasetReaders, ok: 200},
		"POST /api/v1/datasets": {allow: []string{"admin"}, ok: 201,
			body: func(who string) any { return matrixKind("matrix_" + who) }},
		"GET /api/v1/datasets/{name}": {allow: datasetReaders, ok: 200,
			path: func(string) string { return "/api/v1/datasets/deaths" }},
		"GET /api/v1/datasets/{name}/rows": {allow: datasetReaders, ok: 200,
			path: func(string) string { return "/api/v1/datasets/deaths/rows" }},
		// A JSON body where a multipart upload belongs: the permission
		// check passes, then the body is refused.
		"POST /api/v1/datasets/{name}/imports": {allow: datasetImporters, ok: 415, okCode: "unsupported_media_type",
			path: func(string) string { return "/api/v1/datasets/deaths/imports" },
			body: func(string) any { return map[string]any{"agency_id": 1} }},
	}
}

// exerciseDatasets runs every dataset route through its successes and
// errors for TestResponsesMatchDocument, checking what the answers say.
func exerciseDatasets(t *testing.T, e *env, expect func(what string, r response, status int, code string) response) {
	t.Helper()
	admin, prosecutor, court, agency, leader := e.login("admin"), e.login("prosecutor"), e.login("court"), e.login("agency01"), e.login("leader")
	fixture, err := os.ReadFile("../dataset/testdata/criminal_cases.csv")
	if err != nil {
		t.Fatal(err)
	}
	noKey, err := os.ReadFile("../dataset/testdata/criminal_cases_nokey.csv")
	if err != nil {
		t.Fatal(err)
	}
	qlfy := e.orgID("QLFY")

	l := expect("list datasets", prosecutor.do("GET", "/api/v1/datasets", nil), 200, "")
	var sawPenalties, sawDeaths bool
	for _, it := range items(t, l) {
		switch it["name"] {
		case "penalties":
			sawPenalties = it["importable"] == false && it["rows"] == nil && it["enforcement"] == true
		case "deaths":
			sawDeaths = it["importable"] == true && num(it["rows"]) == 0 && it["table"] == "ds_deaths"
		}
	}
	if !sawPenalties || !sawDeaths {
		t.Errorf("dataset list: penalties %v deaths %v: %s", sawPenalties, sawDeaths, l.body)
	}
	expect("list datasets as leader", leader.do("GET", "/api/v1/datasets", nil), 403, "forbidden")
	g := expect("get dataset", court.do("GET", "/api/v1/datasets/criminal_cases", nil), 200, "")
	if cols, _ := g.json()["columns"].([]any); len(cols) != 11 || cols[0].(map[string]any)["key"] != true || cols[0].(map[string]any)["type_label"] != "文本" {
		t.Errorf("criminal_cases columns: %s", g.body)
	}
	expect("get enforcement dataset", prosecutor.do("GET", "/api/v1/datasets/penalties", nil), 200, "")
	expect("get dataset missing", prosecutor.do("GET", "/api/v1/datasets/nope", nil), 404, "not_found")

	// Registration.
	bad := matrixKind("vehicle_seizures")
	bad["keys"] = []string{"plate"}
	r := expect("register invalid", admin.do("POST", "/api/v1/datasets", bad), 400, "validation_failed")
	if !strings.Contains(errMessage(r), "标识列“plate”不是数据集的列") {
		t.Errorf("register invalid message: %s", r.body)
	}
	expect("register malformed", admin.do("POST", "/api/v1/datasets", []byte(`{"name":`)), 400, "malformed_json")
	expect("register as prosecutor", prosecutor.do("POST", "/api/v1/datasets", matrixKind("vehicle_seizures")), 403, "forbidden")
	reg := expect("register", admin.do("POST", "/api/v1/datasets", matrixKind("vehicle_seizures")), 201, "")
	if reg.json()["builtin"] != false || num(reg.json()["rows"]) != 0 {
		t.Errorf("registered kind: %s", reg.body)
	}
	expect("register again", admin.do("POST", "/api/v1/datasets", matrixKind("vehicle_seizures")), 409, "duplicate")

	// Imports: synchronous, refused files, scope.
	rep := expect("import dataset", court.upload("/api/v1/datasets/criminal_cases/imports", nil, "criminal_cases.csv", fixture), 201, "")
	if num(rep.json()["inserted"]) != 4 || num(rep.json()["rejected"]) != 6 {
		t.Errorf("import report: %s", rep.body)
	}
	r = expect("import without key column", court.upload("/api/v1/datasets/criminal_cases/imports", nil, "nokey.csv", noKey), 400, "invalid_file")
	if !strings.Contains(errMessage(r), "缺少标识列“案号”") {
		t.Errorf("missing key column message: %s", r.body)
	}
	expect("import for another org", court.upload("/api/v1/datasets/criminal_cases/imports", map[string]string{"agency_id": fmt.Sprint(e.orgID("SCJG"))},
		"c.csv", fixture), 403, "forbidden")
	expect("import into enforcement kind", admin.upload("/api/v1/datasets/penalties/imports", nil, "c.csv", fixture), 400, "validation_failed")
	expect("import into missing kind", admin.upload("/api/v1/datasets/nope/imports", nil, "c.csv", fixture), 404, "not_found")
	expect("import bad async", court.upload("/api/v1/datasets/criminal_cases/imports", map[string]string{"async": "maybe"}, "c.csv", fixture), 400, "validation_failed")
	expect("import as prosecutor", prosecutor.upload("/api/v1/datasets/criminal_cases/imports", nil, "c.csv", fixture), 403, "forbidden")
	expect("import registered kind", agency.upload("/api/v1/datasets/vehicle_seizures/imports", nil, "v.csv",
		[]byte("车牌号,扣押日期,车主身份证号\n粤J12345,2024-05-06,440703199001011239\n")), 201, "")

	// An asynchronous import, polled to its report.
	job := expect("import dataset async", admin.upload("/api/v1/datasets/criminal_cases/imports",
		map[string]string{"async": "true", "agency_id": fmt.Sprint(qlfy)}, "again.csv", fixture), 202, "")
	id, _ := job.json()["id"].(string)
	if job.json()["kind"] != "dataset:criminal_cases" {
		t.Errorf("job kind: %s", job.body)
	}
	for i := 0; ; i++ {
		got := expect("poll dataset job", admin.do("GET", "/api/v1/import-jobs/"+id, nil), 200, "")
		if got.json()["state"] != "running" || i == 200 {
			report, _ := got.json()["report"].(map[string]any)
			if got.json()["state"] != "done" || num(report["unchanged"]) != 4 {
				t.Errorf("dataset import job: %s", got.body)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	expect("poll dataset job as court", court.do("GET", "/api/v1/import-jobs/"+id, nil), 404, "not_found")

	// Rows, scoped.
	rows := expect("list rows", prosecutor.do("GET", "/api/v1/datasets/criminal_cases/rows?limit=2", nil), 200, "")
	if num(rows.json()["total"]) != 4 || rows.json()["next_cursor"] != "2" {
		t.Errorf("rows: %s", rows.body)
	}
	expect("list rows page 2", prosecutor.do("GET", "/api/v1/datasets/criminal_cases/rows?limit=2&cursor=2", nil), 200, "")
	found := expect("search rows", court.do("GET", "/api/v1/datasets/criminal_cases/rows?q="+url.QueryEscape("李四")+fmt.Sprintf("&agency_id=%d", qlfy), nil), 200, "")
	if its := items(t, found); len(its) != 1 || its[0]["person_id_no"] != "440703198503151237" || its[0]["probation"] != true || num(its[0]["term_months"]) != 36 {
		t.Errorf("search rows: %s", found.body)
	}
	if n := num(expect("rows of another supplier", agency.do("GET", "/api/v1/datasets/criminal_cases/rows", nil), 200, "").json()["total"]); n != 0 {
		t.Errorf("agency liaison sees %v rows the court supplied", n)
	}
	expect("rows of enforcement kind", prosecutor.do("GET", "/api/v1/datasets/penalties/rows", nil), 400, "validation_failed")
	expect("rows bad limit", prosecutor.do("GET", "/api/v1/datasets/criminal_cases/rows?limit=0", nil), 400, "validation_failed")
	expect("rows missing kind", prosecutor.do("GET", "/api/v1/datasets/nope/rows", nil), 404, "not_found")
	expect("rows as leader", leader.do("GET", "/api/v1/datasets/criminal_cases/rows", nil), 403, "forbidden")
}
