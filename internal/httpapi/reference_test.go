package httpapi_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/xingjian/xingjian/internal/reference"
)

// The reference material's access: every person reads; discretion
// benchmarks and news are managed by admin, prosecutor, justice officer and
// agency liaisons (their own org's); typical cases by the procuratorate
// (admin, prosecutor, dept head, chief) and the justice officer. Tokens are
// refused (person-only routes).
var (
	referenceManagers = []string{"admin", "prosecutor", "justice", "agency01"}
	caseManagers      = []string{"admin", "prosecutor", "depthead", "chief", "justice"}
)

// referenceAccessRules are TestAccessMatrix's rows for /api/v1/reference.
// Objects are created as the admin for GAQL (agency01's org), one per
// caller where a call deletes it.
func referenceAccessRules(t *testing.T, e *env, clients map[string]*client) map[string]accessRule {
	t.Helper()
	admin := clients["admin"]
	gaql := e.orgID("GAQL")
	create := func(path string, body map[string]any) int64 {
		t.Helper()
		r := admin.do("POST", path, body)
		if r.status != 201 {
			t.Fatalf("create %s: %d %s", path, r.status, r.body)
		}
		return int64(num(r.json()["id"]))
	}
	bench := func(code string) int64 {
		return create("/api/v1/reference/discretion", map[string]any{"org_id": gaql, "violation_code": code, "violation_name": "矩阵违法行为",
			"level": "1", "standard": "处二百元以上五百元以下罚款"})
	}
	cas := func(title string) int64 {
		return create("/api/v1/reference/cases", map[string]any{"title": title, "summary": "矩阵测试案例", "domain": "public_security"})
	}
	news := func(title string) int64 {
		return create("/api/v1/reference/news", map[string]any{"org_id": gaql, "kind": "news", "title": title, "body": "矩阵测试"})
	}
	benchID, caseID, newsID := bench("M-0"), cas("矩阵案例"), news("矩阵动态")
	delBench, delCase, delNews := map[string]int64{}, map[string]int64{}, map[string]int64{}
	for _, who := range append(append([]string{}, referenceManagers...), caseManagers...) {
		if _, done := delBench[who]; !done {
			delBench[who], delNews[who] = bench("M-"+who), news("待删 "+who)
		}
		delCase[who] = cas("待删 " + who)
	}
	perCaller := func(format string, ids map[string]int64, fallback int64) func(string) string {
		return func(who string) string {
			if id, ok := ids[who]; ok {
				return fmt.Sprintf(format, id)
			}
			return fmt.Sprintf(format, fallback)
		}
	}
	fixed := func(format string, id int64) func(string) string {
		return func(string) string { return fmt.Sprintf(format, id) }
	}
	return map[string]accessRule{
		"GET /api/v1/reference/discretion": {allow: []string{"*"}, ok: 200},
		"POST /api/v1/reference/discretion": {allow: referenceManagers, ok: 201,
			body: func(who string) any {
				return map[string]any{"violation_code": "N-" + who, "violation_name": "矩阵", "standard": "处一千元罚款", "domain": "public_security"}
			}},
		// A JSON body where the multipart upload belongs: past the
		// permission check, the body is refused.
		"POST /api/v1/reference/discretion/import": {allow: referenceManagers, ok: 415, okCode: "unsupported_media_type",
			body: func(string) any { return map[string]any{"org_id": gaql} }},
		"GET /api/v1/reference/discretion/{id}": {allow: []string{"*"}, ok: 200, path: fixed("/api/v1/reference/discretion/%d", benchID)},
		"PATCH /api/v1/reference/discretion/{id}": {allow: referenceManagers, ok: 200, path: fixed("/api/v1/reference/discretion/%d", benchID),
			body: func(who string) any {
				return map[string]any{"version": e.version("discretion_benchmarks", benchID), "remarks": "改 " + who}
			}},
		"DELETE /api/v1/reference/discretion/{id}": {allow: referenceManagers, ok: 204,
			path: perCaller("/api/v1/reference/discretion/%d", delBench, benchID)},
		"GET /api/v1/reference/cases": {allow: []string{"*"}, ok: 200},
		"POST /api/v1/reference/cases": {allow: caseManagers, ok: 201,
			body: func(who string) any { return map[string]any{"title": "新案例 " + who, "body": "正文"} }},
		"GET /api/v1/reference/cases/{id}": {allow: []string{"*"}, ok: 200, path: fixed("/api/v1/reference/cases/%d", caseID)},
		"PATCH /api/v1/reference/cases/{id}": {allow: caseManagers, ok: 200, path: fixed("/api/v1/reference/cases/%d", caseID),
			body: func(who string) any {
				return map[string]any{"version": e.version("typical_cases", caseID), "source": who}
			}},
		"DELETE /api/v1/reference/cases/{id}": {allow: caseManagers, ok: 204, path: perCaller("/api/v1/reference/cases/%d", delCase, caseID)},
		"GET /api/v1/reference/news":          {allow: []string{"*"}, ok: 200},
		"POST /api/v1/reference/news": {allow: referenceManagers, ok: 201,
			body: func(who string) any { return map[string]any{"title": "动态 " + who, "body": "正文"} }},
		"GET /api/v1/reference/news/{id}": {allow: []string{"*"}, ok: 200, path: fixed("/api/v1/reference/news/%d", newsID)},
		"PATCH /api/v1/reference/news/{id}": {allow: referenceManagers, ok: 200, path: fixed("/api/v1/reference/news/%d", newsID),
			body: func(who string) any {
				return map[string]any{"version": e.version("reference_news", newsID), "body": "改 " + who}
			}},
		"DELETE /api/v1/reference/news/{id}": {allow: referenceManagers, ok: 204, path: perCaller("/api/v1/reference/news/%d", delNews, newsID)},
	}
}

// exerciseReference answers every /api/v1/reference operation with a
// success and its errors, for TestResponsesMatchDocument.
func exerciseReference(t *testing.T, e *env, expect func(what string, r response, status int, code string) response) {
	t.Helper()
	admin, prosecutor, court := e.login("admin"), e.login("prosecutor"), e.login("court")
	sthj, gaql := e.login("agency03"), e.login("agency01")
	p := func(format string, a ...any) string { return fmt.Sprintf(format, a...) }

	rep := expect("import discretion", sthj.upload("/api/v1/reference/discretion/import", map[string]string{"issuer": "江门市生态环境局",
		"effective_from": "2020-03-01"}, reference.JiangmenFile, reference.JiangmenTable), 200, "")
	if num(rep.json()["total"]) != 872 {
		t.Errorf("import report: %s", rep.body)
	}
	expect("import not a table", sthj.upload("/api/v1/reference/discretion/import", nil, "x.pdf", []byte("%PDF-1.7 \x00")), 400, "invalid_file")
	expect("import bad date", sthj.upload("/api/v1/reference/discretion/import", map[string]string{"effective_to": "2020-02-30"}, "a.xls",
		reference.JiangmenTable), 400, "validation_failed")
	expect("import as json", admin.do("POST", "/api/v1/reference/discretion/import", map[string]any{}), 415, "unsupported_media_type")
	expect("import as court", court.upload("/api/v1/reference/discretion/import", nil, "a.xls", reference.JiangmenTable), 403, "forbidden")
	expect("import for another agency", gaql.upload("/api/v1/reference/discretion/import", map[string]string{"org_id": fmt.Sprint(e.orgID("STHJ"))},
		"a.xls", reference.JiangmenTable), 403, "forbidden")
	expect("import for a missing org", admin.upload("/api/v1/reference/discretion/import", map[string]string{"org_id": "999999"}, "a.xls",
		reference.JiangmenTable), 404, "not_found")

	list := expect("list discretion", court.do("GET", "/api/v1/reference/discretion?violation_code=2-1&level=1", nil), 200, "")
	its := items(t, list)
	if len(its) != 1 || its[0]["fine_min"] != "20000.00" || its[0]["fine_max"] != "50000.00" || its[0]["fine_kind"] != "range" {
		t.Fatalf("2-1 level 1: %s", list.body)
	}
	id := int64(num(its[0]["id"]))
	expect("list discretion page", court.do("GET", "/api/v1/reference/discretion?domain=ecology&q="+url.QueryEscape("现场检查")+"&limit=2", nil), 200, "")
	expect("list discretion bad limit", court.do("GET", "/api/v1/reference/discretion?limit=0", nil), 400, "validation_failed")
	expect("get discretion", court.do("GET", p("/api/v1/reference/discretion/%d", id), nil), 200, "")
	expect("get discretion missing", court.do("GET", "/api/v1/reference/discretion/99999999", nil), 404, "not_found")
	expect("update discretion", sthj.do("PATCH", p("/api/v1/reference/discretion/%d", id), map[string]any{"version": 1, "remarks": "复核"}), 200, "")
	expect("update discretion stale", sthj.do("PATCH", p("/api/v1/reference/discretion/%d", id), map[string]any{"version": 1, "remarks": "x"}), 409, "conflict")
	expect("update discretion other agency", gaql.do("PATCH", p("/api/v1/reference/discretion/%d", id), map[string]any{"version": 2}), 403, "forbidden")
	expect("update discretion bad", sthj.do("PATCH", p("/api/v1/reference/discretion/%d", id), map[string]any{"version": 2, "fine_min": "abc"}), 400, "validation_failed")
	expect("update discretion missing", admin.do("PATCH", "/api/v1/reference/discretion/99999999", map[string]any{"version": 1}), 404, "not_found")
	expect("update discretion malformed", admin.do("PATCH", p("/api/v1/reference/discretion/%d", id), []byte(`{"version":`)), 400, "malformed_json")
	made := expect("create discretion", prosecutor.do("POST", "/api/v1/reference/discretion", map[string]any{"org_id": e.orgID("STHJ"),
		"issuer": "江门市生态环境局", "violation_code": "2-1", "level": "1", "violation_name": "拒绝现场检查", "standard": "处三万元罚款"}), 201, "")
	if made.json()["level_seq"] != float64(2) || made.json()["fine_min"] != "30000.00" {
		t.Errorf("created: %s", made.body)
	}
	expect("create discretion invalid", prosecutor.do("POST", "/api/v1/reference/discretion", map[string]any{"domain": "ecology"}), 400, "validation_failed")
	expect("create discretion as court", court.do("POST", "/api/v1/reference/discretion", map[string]any{}), 403, "forbidden")
	expect("create discretion missing org", admin.do("POST", "/api/v1/reference/discretion", map[string]any{"org_id": 99999999}), 404, "not_found")
	expect("delete discretion", admin.do("DELETE", p("/api/v1/reference/discretion/%d", int64(num(made.json()["id"]))), nil), 204, "")
	expect("delete discretion missing", admin.do("DELETE", "/api/v1/reference/discretion/99999999", nil), 404, "not_found")
	expect("delete discretion as court", court.do("DELETE", p("/api/v1/reference/discretion/%d", id), nil), 403, "forbidden")

	// Typical cases.
	c := expect("create case", prosecutor.do("POST", "/api/v1/reference/cases", map[string]any{"title": "罚款低于裁量基准下限监督案", "domain": "ecology",
		"summary": "摘要", "body": "正文", "agency_id": e.orgID("STHJ"), "tags": []string{"裁量基准"}, "published_on": "2026-01-02"}), 201, "")
	cid := int64(num(c.json()["id"]))
	expect("create case invalid", prosecutor.do("POST", "/api/v1/reference/cases", map[string]any{"title": ""}), 400, "validation_failed")
	expect("create case as agency", gaql.do("POST", "/api/v1/reference/cases", map[string]any{"title": "x", "body": "y"}), 403, "forbidden")
	expect("list cases", gaql.do("GET", "/api/v1/reference/cases?tag="+url.QueryEscape("裁量基准")+"&domain=ecology&limit=1", nil), 200, "")
	expect("list cases bad agency", gaql.do("GET", "/api/v1/reference/cases?agency_id=x", nil), 400, "validation_failed")
	expect("get case", court.do("GET", p("/api/v1/reference/cases/%d", cid), nil), 200, "")
	expect("get case missing", court.do("GET", "/api/v1/reference/cases/99999999", nil), 404, "not_found")
	got := expect("update case", admin.do("PATCH", p("/api/v1/reference/cases/%d", cid), map[string]any{"version": 1, "agency_id": nil}), 200, "")
	if got.json()["agency_id"] != nil {
		t.Errorf("agency not cleared: %s", got.body)
	}
	expect("update case stale", prosecutor.do("PATCH", p("/api/v1/reference/cases/%d", cid), map[string]any{"version": 1}), 409, "conflict")
	expect("update case as agency", gaql.do("PATCH", p("/api/v1/reference/cases/%d", cid), map[string]any{"version": 2}), 403, "forbidden")
	expect("update case missing", prosecutor.do("PATCH", "/api/v1/reference/cases/99999999", map[string]any{"version": 1}), 404, "not_found")
	expect("update case bad date", prosecutor.do("PATCH", p("/api/v1/reference/cases/%d", cid), map[string]any{"version": 2, "published_on": "2026-13-01"}), 400, "validation_failed")
	expect("delete case", admin.do("DELETE", p("/api/v1/reference/cases/%d", cid), nil), 204, "")
	expect("delete case missing", admin.do("DELETE", p("/api/v1/reference/cases/%d", cid), nil), 404, "not_found")
	expect("delete case as agency", gaql.do("DELETE", p("/api/v1/reference/cases/%d", cid), nil), 403, "forbidden")

	// News.
	n := expect("create news", sthj.do("POST", "/api/v1/reference/news", map[string]any{"kind": "news", "title": "裁量基准已导入", "body": "正文"}), 201, "")
	nid := int64(num(n.json()["id"]))
	expect("create news invalid", sthj.do("POST", "/api/v1/reference/news", map[string]any{"kind": "blog", "title": "x", "body": "y"}), 400, "validation_failed")
	expect("create news other org", gaql.do("POST", "/api/v1/reference/news", map[string]any{"title": "x", "body": "y", "org_id": e.orgID("STHJ")}), 403, "forbidden")
	expect("create news missing org", admin.do("POST", "/api/v1/reference/news", map[string]any{"title": "x", "body": "y", "org_id": 99999999}), 404, "not_found")
	expect("list news", court.do("GET", "/api/v1/reference/news?kind=news&q="+url.QueryEscape("裁量"), nil), 200, "")
	expect("list news bad kind", court.do("GET", "/api/v1/reference/news?kind=blog", nil), 400, "validation_failed")
	expect("get news", court.do("GET", p("/api/v1/reference/news/%d", nid), nil), 200, "")
	expect("get news missing", court.do("GET", "/api/v1/reference/news/99999999", nil), 404, "not_found")
	expect("pin news as an agency", sthj.do("PATCH", p("/api/v1/reference/news/%d", nid), map[string]any{"version": 1, "pinned": true}), 403, "forbidden")
	expect("update news", sthj.do("PATCH", p("/api/v1/reference/news/%d", nid), map[string]any{"version": 1, "title": "更新后的标题"}), 200, "")
	expect("update news stale", sthj.do("PATCH", p("/api/v1/reference/news/%d", nid), map[string]any{"version": 1}), 409, "conflict")
	expect("update news other org", gaql.do("PATCH", p("/api/v1/reference/news/%d", nid), map[string]any{"version": 2}), 403, "forbidden")
	expect("update news invalid", sthj.do("PATCH", p("/api/v1/reference/news/%d", nid), map[string]any{"version": 2, "title": ""}), 400, "validation_failed")
	expect("update news missing", admin.do("PATCH", "/api/v1/reference/news/99999999", map[string]any{"version": 1}), 404, "not_found")
	expect("delete news other org", gaql.do("DELETE", p("/api/v1/reference/news/%d", nid), nil), 403, "forbidden")
	expect("delete news", sthj.do("DELETE", p("/api/v1/reference/news/%d", nid), nil), 204, "")
	expect("delete news missing", sthj.do("DELETE", p("/api/v1/reference/news/%d", nid), nil), 404, "not_found")
}

// TestReferenceAPI imports the real Jiangmen table through the API as the
// ecology agency's liaison and checks what everyone else sees.
func TestReferenceAPI(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		sthj, leader := e.login("agency03"), e.login("leader")
		// The demo may already hold the table for this agency (seeded
		// without an end date): then this import updates every row.
		fields := map[string]string{"issuer": "江门市生态环境局", "effective_from": "2020-03-01", "effective_to": "2030-12-31"}
		before := e.countRows("audit_log", "action = 'discretion.import'")
		r := sthj.upload("/api/v1/reference/discretion/import", fields, reference.JiangmenFile, reference.JiangmenTable)
		if r.status != 200 {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		m := r.json()
		if num(m["inserted"])+num(m["updated"]) != 872 || m["rejected"] != float64(0) || m["domain"] != "ecology" || m["org_id"] != float64(e.orgID("STHJ")) {
			t.Fatalf("report %s", r.body)
		}
		r = sthj.upload("/api/v1/reference/discretion/import", fields, reference.JiangmenFile, reference.JiangmenTable)
		if m := r.json(); r.status != 200 || m["inserted"] != float64(0) || m["unchanged"] != float64(872) {
			t.Fatalf("re-import: %d %s", r.status, r.body)
		}
		if got := e.countRows("audit_log", "action = 'discretion.import'"); got != before+1 {
			t.Errorf("%d import audit entries, want %d", got, before+1)
		}
		// The leader (read-only) finds 3-13 by name; the merged level 4
		// covers two circumstances, the hidden 5 is gone.
		r = leader.do("GET", "/api/v1/reference/discretion?q="+url.QueryEscape("密闭空间")+"&level=4", nil)
		its := items(t, r)
		if len(its) != 2 || its[0]["violation_code"] != "3-13" || its[1]["level_seq"] != float64(2) || its[1]["source_line"] != float64(73) ||
			its[1]["fine_max"] != "200000.00" || its[0]["org_name"] != "江州市生态环境局青岚分局" {
			t.Errorf("3-13 level 4: %s", r.body)
		}
		r = leader.do("GET", "/api/v1/reference/discretion?category="+url.QueryEscape("《江门市潭江流域水质保护条例》")+"&limit=500", nil)
		if m := r.json(); m["total"] != float64(13) || m["next_cursor"] != "" {
			t.Errorf("潭江条例: total %v", m["total"])
		}
		// Paging walks every row once.
		seen, cursor := 0, ""
		for range 10 {
			r = leader.do("GET", "/api/v1/reference/discretion?limit=200&cursor="+cursor, nil)
			seen += len(items(t, r))
			if cursor, _ = r.json()["next_cursor"].(string); cursor == "" {
				break
			}
		}
		if seen != 872 {
			t.Errorf("paged through %d rows", seen)
		}
		if r := leader.do("POST", "/api/v1/reference/news", map[string]any{"title": "x", "body": "y"}); r.status != 403 {
			t.Errorf("leader publishing: %d", r.status)
		}
	})
}
