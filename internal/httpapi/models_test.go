package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/supervise"
)

// Who holds the model and lead permissions (internal/auth/roles.go).
var (
	modelReaders  = []string{"admin", "prosecutor", "depthead", "chief"}
	modelManagers = []string{"admin", "prosecutor", "depthead"}
	leadTriagers  = []string{"prosecutor", "depthead", "chief"}
)

// userModelYAML is a small user model over penalties: simple-procedure
// fines above a bound.
func userModelYAML(id, name string) string {
	return fmt.Sprintf(`id: %s
version: 1
name: %s
severity: low
legal_basis:
  - {statute: 中华人民共和国行政处罚法, article: 第五十一条}
params:
  - {name: limit_fen, label: 罚款上限（分）, type: money, default: 500000, min: 0, max: 100000000}
from: {dataset: penalties, as: p}
where:
  - {col: p.procedure, op: "=", value: simple}
  - {col: p.fine_fen, op: ">", param: limit_fen}
lead:
  subject: [p.agency_id, p.doc_no]
  agency: p.agency_id
  title: "{p.party_name}：简易程序罚款 {p.fine_fen|yuan} 元"
  evidence: [p.doc_no, p.party_name, p.fine_fen]
`, id, name)
}

// modelAccessRules are the TestAccessMatrix rows of the model, lead,
// analyst and self-check routes.
func modelAccessRules(t *testing.T, e *env, clients map[string]*client) map[string]accessRule {
	t.Helper()
	lead, err := supervise.CreateManual(context.Background(), e.db, audit.System("test"),
		supervise.ManualLead{Title: "矩阵测试线索", Facts: "人工录入"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	leadPath := func(string) string { return fmt.Sprintf("/api/v1/leads/%d", lead) }
	m20 := func(string) string { return "/api/v1/models/m20_simple_over_limit" }
	own := func(who string) string { return "/api/v1/models/matrix_" + who }
	yamlOf := func(who string) any { return map[string]any{"yaml": userModelYAML("matrix_"+who, "矩阵模型")} }
	agency := []string{"agency01"}
	return map[string]accessRule{
		"GET /api/v1/models":                {allow: modelReaders, ok: 200},
		"POST /api/v1/models":               {allow: modelManagers, ok: 201, body: yamlOf},
		"POST /api/v1/models/validate":      {allow: modelReaders, ok: 200, body: yamlOf},
		"POST /api/v1/models/backtest":      {allow: modelManagers, ok: 200, body: yamlOf},
		"GET /api/v1/models/{id}":           {allow: modelReaders, ok: 200, path: m20},
		"PATCH /api/v1/models/{id}":         {allow: modelManagers, ok: 200, path: m20, body: func(string) any { return map[string]any{"enabled": true} }},
		"PUT /api/v1/models/{id}":           {allow: modelManagers, ok: 200, path: own, body: yamlOf},
		"DELETE /api/v1/models/{id}":        {allow: modelManagers, ok: 204, path: own},
		"POST /api/v1/models/{id}/backtest": {allow: modelManagers, ok: 200, path: func(who string) string { return m20(who) + "/backtest" }},
		"POST /api/v1/model-runs": {allow: modelManagers, ok: 202,
			body: func(string) any { return map[string]any{"models": []string{"m20_simple_over_limit"}} }},
		"GET /api/v1/model-runs": {allow: modelReaders, ok: 200},
		"GET /api/v1/leads":      {allow: modelReaders, ok: 200},
		"POST /api/v1/leads": {allow: leadTriagers, ok: 201,
			body: func(who string) any { return map[string]any{"title": "矩阵录入 " + who, "facts": "来信反映"} }},
		"GET /api/v1/leads/{id}": {allow: modelReaders, ok: 200, path: leadPath},
		"PATCH /api/v1/leads/{id}": {allow: leadTriagers, ok: 200, path: leadPath,
			body: func(string) any { return map[string]any{"status": "confirmed", "note": "属实"} }},
		"POST /api/v1/analyst/query": {allow: modelManagers, ok: 200,
			body: func(string) any { return map[string]any{"sql": "SELECT COUNT(*) AS n FROM penalties"} }},
		"GET /api/v1/analyst/tables": {allow: modelManagers, ok: 200},
		"POST /api/v1/selfcheck": {allow: agency, ok: 202,
			body: func(string) any { return map[string]any{"models": []string{"m20_simple_over_limit"}} }},
		"GET /api/v1/selfcheck/results": {allow: agency, ok: 200},
		"GET /api/v1/selfcheck/runs":    {allow: agency, ok: 200},
	}
}

// waitRuns polls a run group until every model has finished.
func waitRuns(t *testing.T, c *client, path string) map[string]any {
	t.Helper()
	for i := 0; i < 600; i++ {
		r := c.do("GET", path, nil)
		if r.status != 200 {
			t.Fatalf("poll %s: %d %s", path, r.status, r.body)
		}
		m := r.json()
		if m["running"] == false && num(m["total"]) > 0 && num(m["done"]) == num(m["total"]) {
			return m
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("runs of %s did not finish", path)
	return nil
}

func TestModelsAPI(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		expect := func(what string, r response, status int, code string) response {
			t.Helper()
			if r.status != status || (code != "" && r.errCode() != code) {
				t.Errorf("%s: got %d %s, want %d %s", what, r.status, r.body, status, code)
			}
			return r
		}
		exerciseModels(t, e, expect)
	})
}

// exerciseModels runs the model, lead, analyst and self-check routes
// through their successes and errors on the demo district with records:
// for TestResponsesMatchDocument and, alone, TestModelsAPI.
func exerciseModels(t *testing.T, e *env, expect func(what string, r response, status int, code string) response) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.SeedRecords(ctx, e.db, 3000, 1, nil); err != nil {
		t.Fatal(err)
	}
	admin, prosecutor, chief, agency, agency2 := e.login("admin"), e.login("prosecutor"), e.login("chief"), e.login("agency01"), e.login("agency02")
	const m20 = "/api/v1/models/m20_simple_over_limit"

	// Catalogue and detail.
	l := expect("list models", chief.do("GET", "/api/v1/models", nil), 200, "")
	var sawM20 bool
	for _, it := range items(t, l) {
		if it["id"] == "m20_simple_over_limit" {
			lb, _ := it["legal_basis"].([]any)
			sawM20 = num(it["number"]) == 20 && len(lb) == 1 && it["legal"] == "《中华人民共和国行政处罚法》第五十一条" && it["last_run"] == nil
		}
	}
	if !sawM20 || len(items(t, l)) < 16 {
		t.Errorf("catalogue: %s", l.body)
	}
	expect("list models as agency", agency.do("GET", "/api/v1/models", nil), 403, "forbidden")
	d := expect("get model", prosecutor.do("GET", m20, nil), 200, "")
	if sql, _ := d.json()["sql"].(string); !strings.Contains(sql, "penalties") || !strings.Contains(d.json()["spec_text"].(string), "id: m20_simple_over_limit") {
		t.Errorf("model detail: %s", d.body)
	}
	expect("get model missing", prosecutor.do("GET", "/api/v1/models/nope", nil), 404, "not_found")

	// Settings: a parameter out of bounds is refused in Chinese, naming it.
	r := expect("param out of bounds", admin.do("PATCH", m20, map[string]any{"params": map[string]any{"person_limit_fen": -5}}), 400, "invalid_model")
	if msg := errMessage(r); !strings.Contains(msg, "person_limit_fen") {
		t.Errorf("out of bounds message: %s", r.body)
	}
	if v := e.countRows("model_versions", "model_id = 'm20_simple_over_limit'"); v != 1 {
		t.Errorf("a refused change made a version: %d versions", v)
	}
	r = expect("bad schedule", admin.do("PATCH", m20, map[string]any{"schedule": "every day"}), 400, "invalid_model")
	r = expect("tune model", admin.do("PATCH", m20, map[string]any{"params": map[string]any{"person_limit_fen": 20000, "org_limit_fen": 300000},
		"schedule": "0 2 * * *", "note": "复核"}), 200, "")
	if num(r.json()["model_version"]) != 2 || r.json()["schedule"] != "0 2 * * *" || len(r.json()["versions"].([]any)) != 2 {
		t.Errorf("tuned model: %s", r.body)
	}
	expect("tune model missing", admin.do("PATCH", "/api/v1/models/nope", map[string]any{"enabled": false}), 404, "not_found")
	expect("tune model as chief", chief.do("PATCH", m20, map[string]any{"enabled": false}), 403, "forbidden")

	// Validation and user models.
	v := expect("validate", prosecutor.do("POST", "/api/v1/models/validate", map[string]any{"yaml": userModelYAML("u_simple", "简易程序大额")}), 200, "")
	if v.json()["ok"] != true || !strings.Contains(v.json()["sql"].(string), "fine_fen") {
		t.Errorf("validate: %s", v.body)
	}
	bad := strings.Replace(userModelYAML("u_bad", "坏模型"), "p.fine_fen, op", "p.no_such_col, op", 1)
	v = expect("validate bad", prosecutor.do("POST", "/api/v1/models/validate", map[string]any{"yaml": bad}), 200, "")
	if e2, _ := v.json()["error"].(map[string]any); v.json()["ok"] != false || e2 == nil || !strings.HasPrefix(e2["where"].(string), "where[1]") {
		t.Errorf("validate bad: %s", v.body)
	}
	expect("validate as agency", agency.do("POST", "/api/v1/models/validate", map[string]any{"yaml": bad}), 403, "forbidden")
	c := expect("create model", prosecutor.do("POST", "/api/v1/models", map[string]any{"yaml": userModelYAML("u_simple", "简易程序大额")}), 201, "")
	if c.json()["enabled"] != false || c.json()["builtin"] != false {
		t.Errorf("a new user model starts disabled: %s", c.body)
	}
	expect("create model again", prosecutor.do("POST", "/api/v1/models", map[string]any{"yaml": userModelYAML("u_simple", "简易程序大额")}), 409, "duplicate")
	r = expect("create bad model", prosecutor.do("POST", "/api/v1/models", map[string]any{"yaml": bad}), 400, "invalid_model")
	if det, _ := errDetails(r).(map[string]any); det == nil || !strings.HasPrefix(det["where"].(string), "where[1]") {
		t.Errorf("bad model details: %s", r.body)
	}
	expect("replace model", prosecutor.do("PUT", "/api/v1/models/u_simple", map[string]any{"yaml": userModelYAML("u_simple", "简易程序大额罚款")}), 200, "")
	expect("replace model other id", prosecutor.do("PUT", "/api/v1/models/u_simple", map[string]any{"yaml": userModelYAML("u_other", "x")}), 400, "validation_failed")
	expect("replace builtin", prosecutor.do("PUT", m20, map[string]any{"yaml": strings.Replace(userModelYAML("m20_simple_over_limit", "x"), "severity: low", "severity: high", 1)}), 409, "conflict")
	expect("replace missing", prosecutor.do("PUT", "/api/v1/models/u_missing", map[string]any{"yaml": userModelYAML("u_missing", "x")}), 404, "not_found")

	// Back-tests: hits by month and by agency with names, no leads.
	b := expect("backtest", prosecutor.do("POST", m20+"/backtest", nil), 200, "")
	if num(b.json()["total"]) == 0 || len(b.json()["months"].([]any)) == 0 {
		t.Errorf("backtest found nothing on the demo: %s", b.body)
	} else if ag := b.json()["agencies"].([]any)[0].(map[string]any); ag["agency_name"] == "" {
		t.Errorf("backtest agency without a name: %s", b.body)
	}
	expect("backtest with params", prosecutor.do("POST", m20+"/backtest", map[string]any{"params": map[string]any{"person_limit_fen": 20000, "org_limit_fen": 300000}}), 200, "")
	expect("backtest out of bounds", prosecutor.do("POST", m20+"/backtest", map[string]any{"params": map[string]any{"person_limit_fen": -1}}), 400, "invalid_model")
	expect("backtest missing", prosecutor.do("POST", "/api/v1/models/nope/backtest", nil), 404, "not_found")
	expect("backtest draft", prosecutor.do("POST", "/api/v1/models/backtest", map[string]any{"yaml": userModelYAML("u_draft", "草稿")}), 200, "")
	expect("backtest bad draft", prosecutor.do("POST", "/api/v1/models/backtest", map[string]any{"yaml": bad}), 400, "invalid_model")
	if n := e.countRows("leads", ""); n != 0 {
		t.Fatalf("back-tests wrote %d leads", n)
	}

	// Self-check first: it never writes leads, and each agency sees its own.
	gaql, zrzy := e.orgID("GAQL"), e.orgID("ZRZY")
	sc := expect("self-check", agency.do("POST", "/api/v1/selfcheck", map[string]any{}), 202, "")
	waitRuns(t, agency, "/api/v1/selfcheck/runs?group="+sc.json()["run_group"].(string))
	sc2 := expect("self-check other agency", agency2.do("POST", "/api/v1/selfcheck", nil), 202, "")
	waitRuns(t, agency2, "/api/v1/selfcheck/runs?group="+sc2.json()["run_group"].(string))
	if n := e.countRows("leads", ""); n != 0 {
		t.Errorf("self-check wrote %d leads", n)
	}
	if n := e.countRows("selfcheck_results", "agency_id = ?", gaql); n == 0 {
		t.Errorf("agency01's self-check found nothing (the demo plants irregularities in every agency?)")
	}
	res := expect("self-check results", agency.do("GET", "/api/v1/selfcheck/results", nil), 200, "")
	own := 0
	for _, it := range items(t, res) {
		own++
		if ev, _ := it["evidence"].([]any); len(ev) == 0 || ev[0].(map[string]any)["label"] == "" {
			t.Errorf("self-check evidence unlabelled: %v", it)
		}
	}
	if want := e.countRows("selfcheck_results", "agency_id = ?", gaql); own != want || own == 0 {
		t.Errorf("agency01 sees %d results, its own are %d", own, want)
	}
	// Nothing of another org's: agency02's results are not in agency01's list.
	other := e.countRows("selfcheck_results", "agency_id = ?", zrzy)
	res2 := items(t, expect("self-check results other", agency2.do("GET", "/api/v1/selfcheck/results?model=m20_simple_over_limit", nil), 200, ""))
	if len(res2) > other {
		t.Errorf("agency02 sees %d results, has %d", len(res2), other)
	}
	for _, a := range items(t, res) {
		for _, b := range res2 {
			if a["subject_key"] == b["subject_key"] && a["model_id"] == b["model_id"] {
				t.Errorf("agency01 and agency02 share result %v", a["subject_key"])
			}
		}
	}
	runs := expect("self-check runs", agency.do("GET", "/api/v1/selfcheck/runs", nil), 200, "")
	for _, it := range items(t, runs) {
		if num(it["agency_id"]) != float64(gaql) {
			t.Errorf("agency01 sees a run of org %v", it["agency_id"])
		}
	}
	expect("self-check as prosecutor", prosecutor.do("POST", "/api/v1/selfcheck", nil), 403, "forbidden")
	expect("self-check results as prosecutor", prosecutor.do("GET", "/api/v1/selfcheck/results", nil), 403, "forbidden")
	expect("self-check runs as prosecutor", prosecutor.do("GET", "/api/v1/selfcheck/runs", nil), 403, "forbidden")
	expect("self-check unknown model", agency.do("POST", "/api/v1/selfcheck", map[string]any{"models": []string{"nope"}}), 404, "not_found")

	// Run the enabled catalogue in the background and follow it.
	run := expect("run models", prosecutor.do("POST", "/api/v1/model-runs", map[string]any{}), 202, "")
	total := num(run.json()["total"])
	group, _ := run.json()["run_group"].(string)
	if total < 10 || group == "" {
		t.Fatalf("run: %s", run.body)
	}
	p := waitRuns(t, chief, "/api/v1/model-runs?group="+group)
	if num(p["total"]) != total || num(p["new_leads"]) == 0 {
		t.Errorf("run progress: %v", p)
	}
	for _, it := range p["items"].([]any) {
		if r := it.(map[string]any); r["status"] != "done" {
			t.Errorf("run of %s: %s %s", r["model_id"], r["status"], r["error"])
		}
	}
	leads := e.countRows("leads", "")
	expect("run unknown model", prosecutor.do("POST", "/api/v1/model-runs", map[string]any{"models": []string{"nope"}}), 404, "not_found")
	expect("run bad date", prosecutor.do("POST", "/api/v1/model-runs", map[string]any{"as_of": "2026-2-1"}), 400, "validation_failed")
	expect("run as chief", chief.do("POST", "/api/v1/model-runs", nil), 403, "forbidden")
	again := expect("run again", admin.do("POST", "/api/v1/model-runs", map[string]any{"models": []string{"m20_simple_over_limit"}}), 202, "")
	p = waitRuns(t, admin, "/api/v1/model-runs?group="+again.json()["run_group"].(string))
	if num(p["new_leads"]) != 0 || e.countRows("leads", "") != leads {
		t.Errorf("a re-run changed leads: %v", p)
	}
	hist := expect("model runs", chief.do("GET", "/api/v1/model-runs?model=m20_simple_over_limit", nil), 200, "")
	if len(items(t, hist)) != 2 {
		t.Errorf("m20 runs: %s", hist.body)
	}
	expect("model runs as agency", agency.do("GET", "/api/v1/model-runs", nil), 403, "forbidden")
	cat := expect("catalogue after runs", chief.do("GET", "/api/v1/models", nil), 200, "")
	for _, it := range items(t, cat) {
		if it["id"] == "m20_simple_over_limit" && (len(it["hit_history"].([]any)) != 2 || it["last_run"] == nil) {
			t.Errorf("m20 history: %v", it)
		}
	}

	// Leads: list, why a lead fired, triage.
	ll := expect("list leads", chief.do("GET", "/api/v1/leads?model=m20_simple_over_limit&status=new&limit=5", nil), 200, "")
	if num(ll.json()["total"]) == 0 {
		t.Fatalf("no m20 leads: %s", ll.body)
	}
	first := items(t, ll)[0]
	id := int64(num(first["id"]))
	expect("list leads page 2", chief.do("GET", "/api/v1/leads?page=2&limit=5&source=model", nil), 200, "")
	expect("list leads by agency and text", chief.do("GET", fmt.Sprintf("/api/v1/leads?agency=%d&q=%s", gaql, "罚款"), nil), 200, "")
	expect("list leads bad status", chief.do("GET", "/api/v1/leads?status=maybe", nil), 400, "validation_failed")
	expect("list leads as agency", agency.do("GET", "/api/v1/leads", nil), 403, "forbidden")
	ld := expect("get lead", chief.do("GET", fmt.Sprintf("/api/v1/leads/%d", id), nil), 200, "")
	lj := ld.json()
	refs, _ := lj["legal_refs"].([]any)
	if lj["legal_basis"] != "《中华人民共和国行政处罚法》第五十一条" || len(refs) != 1 || !strings.HasPrefix(lj["rule"].(string), "#20 简易程序超限") {
		t.Errorf("lead legal basis: %s", ld.body)
	}
	labels := map[string]string{}
	for _, x := range lj["evidence"].([]any) {
		it := x.(map[string]any)
		labels[it["key"].(string)] = it["label"].(string)
	}
	if labels["p.doc_no"] == "" || labels["p.doc_no"] == "p.doc_no" || labels["p.fine_fen"] == "p.fine_fen" {
		t.Errorf("evidence labels: %v", labels)
	}
	expect("get lead as agency", agency.do("GET", fmt.Sprintf("/api/v1/leads/%d", id), nil), 403, "forbidden")
	expect("get lead missing", chief.do("GET", "/api/v1/leads/99999999", nil), 404, "not_found")
	r = expect("dismiss without reason", prosecutor.do("PATCH", fmt.Sprintf("/api/v1/leads/%d", id), map[string]any{"status": "dismissed"}), 400, "validation_failed")
	if !strings.Contains(errMessage(r), "理由") {
		t.Errorf("dismiss message: %s", r.body)
	}
	r = expect("dismiss", prosecutor.do("PATCH", fmt.Sprintf("/api/v1/leads/%d", id), map[string]any{"status": "dismissed", "note": "已于立案时更正"}), 200, "")
	if r.json()["status"] != "dismissed" || r.json()["status_note"] != "已于立案时更正" || r.json()["triaged_at"] == nil {
		t.Errorf("dismissed lead: %s", r.body)
	}
	expect("triage as agency", agency.do("PATCH", fmt.Sprintf("/api/v1/leads/%d", id), map[string]any{"status": "confirmed"}), 403, "forbidden")
	expect("triage missing", prosecutor.do("PATCH", "/api/v1/leads/99999999", map[string]any{"status": "confirmed"}), 404, "not_found")
	if n := e.countRows("audit_log", "action = 'lead.triage' AND object_id = ?", fmt.Sprint(id)); n != 1 {
		t.Errorf("triage audited %d times", n)
	}
	// Precision follows triage.
	for _, it := range items(t, expect("catalogue precision", chief.do("GET", "/api/v1/models", nil), 200, "")) {
		if it["id"] == "m20_simple_over_limit" {
			if pr := it["precision"].(map[string]any); num(pr["dismissed"]) != 1 || pr["precision"] == nil || num(pr["precision"]) != 0 {
				t.Errorf("m20 precision: %v", pr)
			}
		}
	}
	m := expect("manual lead", prosecutor.do("POST", "/api/v1/leads", map[string]any{"source": "transfer", "title": "公安移送：某公司涉嫌污染环境",
		"agency_id": zrzy, "facts": "移送函称……"}), 201, "")
	if m.json()["model_name"] != "移送线索" || m.json()["evidence"].([]any)[0].(map[string]any)["label"] != "线索事实" {
		t.Errorf("manual lead: %s", m.body)
	}
	expect("manual lead no title", prosecutor.do("POST", "/api/v1/leads", map[string]any{"facts": "x"}), 400, "validation_failed")
	expect("manual lead bad agency", prosecutor.do("POST", "/api/v1/leads", map[string]any{"title": "x", "agency_id": 99999999}), 400, "validation_failed")

	// A user model that raised leads cannot be deleted; one without can.
	expect("delete builtin", admin.do("DELETE", m20, nil), 409, "conflict")
	expect("delete user model", admin.do("DELETE", "/api/v1/models/u_simple", nil), 204, "")
	expect("delete missing", admin.do("DELETE", "/api/v1/models/u_simple", nil), 404, "not_found")

	// Analyst mode.
	a := expect("analyst query", prosecutor.do("POST", "/api/v1/analyst/query", map[string]any{"sql": "SELECT procedure, COUNT(*) AS n FROM penalties GROUP BY procedure ORDER BY procedure"}), 200, "")
	if cols, _ := a.json()["columns"].([]any); len(cols) != 2 || len(a.json()["rows"].([]any)) == 0 {
		t.Errorf("analyst result: %s", a.body)
	}
	r = expect("analyst update", prosecutor.do("POST", "/api/v1/analyst/query", map[string]any{"sql": "UPDATE penalties SET fine_fen = 0"}), 400, "invalid_query")
	if !strings.Contains(errMessage(r), "SELECT") {
		t.Errorf("refused update message: %s", r.body)
	}
	r = expect("analyst system table", prosecutor.do("POST", "/api/v1/analyst/query", map[string]any{"sql": "SELECT * FROM users"}), 400, "invalid_query")
	if !strings.Contains(errMessage(r), "users") {
		t.Errorf("refused table message: %s", r.body)
	}
	expect("analyst as chief", chief.do("POST", "/api/v1/analyst/query", map[string]any{"sql": "SELECT 1"}), 403, "forbidden")
	tb := expect("analyst tables", prosecutor.do("GET", "/api/v1/analyst/tables", nil), 200, "")
	var sawPen bool
	for _, it := range items(t, tb) {
		sawPen = sawPen || (it["table"] == "penalties" && len(it["columns"].([]any)) > 10)
	}
	if !sawPen {
		t.Errorf("analyst tables: %s", tb.body)
	}
	expect("analyst tables as agency", agency.do("GET", "/api/v1/analyst/tables", nil), 403, "forbidden")
}
