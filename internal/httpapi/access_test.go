package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/httpapi"
)

// ---- helpers shared by access_test.go, session_test.go and badinput_test.go ----

// countRows counts rows of table matching an optional SQL condition.
func (e *env) countRows(table, where string, args ...any) int {
	e.t.Helper()
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := e.db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// version reads the current version of a row.
func (e *env) version(table string, id int64) int {
	e.t.Helper()
	var v int
	if err := e.db.QueryRowContext(context.Background(), "SELECT version FROM "+table+" WHERE id = ?", id).Scan(&v); err != nil {
		e.t.Fatalf("version %s %d: %v", table, id, err)
	}
	return v
}

// issueToken issues an API token through the API as c and returns its id and secret.
func issueToken(t *testing.T, c *client, orgID int64, name string) (int64, string) {
	t.Helper()
	r := c.do("POST", "/api/v1/tokens", map[string]any{"org_id": orgID, "name": name})
	if r.status != 201 {
		t.Fatalf("issue token: %d %s", r.status, r.body)
	}
	m := r.json()
	secret, _ := m["secret"].(string)
	tok, _ := m["token"].(map[string]any)
	return int64(num(tok["id"])), secret
}

// num reads a JSON number.
func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// items returns the items of a list answer.
func items(t *testing.T, r response) []map[string]any {
	t.Helper()
	raw, ok := r.json()["items"].([]any)
	if !ok {
		t.Fatalf("not a list answer: %d %s", r.status, r.body)
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i], _ = x.(map[string]any)
	}
	return out
}

// errDetails returns error.details of an error answer.
func errDetails(r response) any {
	if e, ok := r.json()["error"].(map[string]any); ok {
		return e["details"]
	}
	return nil
}

// errMessage returns error.message of an error answer.
func errMessage(r response) string {
	if e, ok := r.json()["error"].(map[string]any); ok {
		s, _ := e["message"].(string)
		return s
	}
	return ""
}

// fieldsOf lists the fields named in a validation_failed answer's details.
func fieldsOf(r response) []string {
	var out []string
	d, _ := errDetails(r).([]any)
	for _, x := range d {
		if m, ok := x.(map[string]any); ok {
			s, _ := m["field"].(string)
			out = append(out, s)
		}
	}
	return out
}

// routeTable returns the server's route table (it does not touch the database).
func routeTable() []httpapi.Route {
	return httpapi.New(httpapi.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Routes()
}

// ---- access matrix ----

// persons are the demo logins, one per role.
var persons = []string{"admin", "prosecutor", "depthead", "chief", "justice", "court", "petition", "leader", "agency01"}

// outcome is an expected status with its error code ("" for success).
type outcome struct {
	status int
	code   string
}

// accessRule describes who may call a route and what they get.
type accessRule struct {
	allow    []string           // persons that pass the permission check; "*" means every person
	ok       int                // their status
	okCode   string             // and error code, if ok is an error
	token    outcome            // the API token's outcome; zero means 403 forbidden
	override map[string]outcome // per-caller outcomes (scope 404s, public routes…)
	path     func(who string) string
	body     func(who string) any
}

func (r accessRule) want(who string) outcome {
	if o, ok := r.override[who]; ok {
		return o
	}
	switch who {
	case "anonymous":
		return outcome{401, "unauthenticated"}
	case "token":
		if r.token.status == 0 {
			return outcome{403, "forbidden"}
		}
		return r.token
	}
	if slices.Contains(r.allow, "*") || slices.Contains(r.allow, who) {
		return outcome{r.ok, r.okCode}
	}
	return outcome{403, "forbidden"}
}

func TestAccessMatrix(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		clients := map[string]*client{}
		for _, p := range persons {
			clients[p] = e.login(p)
		}
		admin := clients["admin"]
		scjg, gaql, qljcy, zrzy := e.orgID("SCJG"), e.orgID("GAQL"), e.orgID("QLJCY"), e.orgID("ZRZY")
		_, tokSecret := issueToken(t, admin, scjg, "市场监管局对接")
		adminRevocable, _ := issueToken(t, admin, scjg, "待吊销（管理员）")
		agencyRevocable, _ := issueToken(t, admin, gaql, "待吊销（公安）")
		clients["token"] = e.withToken(tokSecret)
		target := e.userID("agency02") // a user nobody in the matrix is
		// An import batch and a record of SCJG, pushed by SCJG's system.
		pushRec := map[string]any{"doc_no": "青市监罚〔2026〕77号", "party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100M000100Y43",
			"violation_type": "销售不合格产品", "facts": "经查，当事人销售不合格瓷砖", "legal_basis": "《中华人民共和国产品质量法》第四十九条",
			"penalty_kinds": "罚款", "penalty_content": "罚款人民币 2,000 元", "fine": "2000", "decision_date": "2026-03-05"}
		pushed := clients["token"].do("POST", "/api/v1/records/push", map[string]any{"records": []any{pushRec}})
		if pushed.status != 200 {
			t.Fatalf("push: %d %s", pushed.status, pushed.body)
		}
		batchID := int64(pushed.json()["batch_id"].(float64))
		var recID int64
		if err := e.db.QueryRowContext(context.Background(), "SELECT id FROM penalties WHERE doc_no = ?", pushRec["doc_no"]).Scan(&recID); err != nil {
			t.Fatal(err)
		}
		readers := []string{"admin", "prosecutor", "depthead", "chief", "justice", "agency01"}
		inspID, measID := pushActivities(t, e, scjg) // activities_test.go: an inspection and a measure of SCJG
		agencyOut := map[string]outcome{"agency01": {404, "not_found"}}

		scopeLimited := map[string]outcome{"court": {404, "not_found"}, "petition": {404, "not_found"}, "agency01": {404, "not_found"}}
		rules := map[string]accessRule{
			"POST /api/v1/session": {
				// Public: the anonymous caller signs in; the others send an
				// unknown user and get the ordinary answer, never 403.
				override: map[string]outcome{"anonymous": {200, ""}, "token": {401, "invalid_credentials"}},
				allow:    []string{"*"}, ok: 401, okCode: "invalid_credentials",
				body: func(who string) any {
					if who == "anonymous" {
						return map[string]string{"username": "prosecutor2", "password": "demo"}
					}
					return map[string]string{"username": "nobody-" + who, "password": "demo"}
				},
			},
			"GET /api/v1/session":    {allow: []string{"*"}, ok: 200},
			"DELETE /api/v1/session": {allow: []string{"*"}, ok: 204},
			"PUT /api/v1/session/password": {allow: []string{"*"}, ok: 204,
				body: func(string) any { return map[string]string{"old_password": "demo", "new_password": "Matrix2026pw"} }},
			"GET /api/v1/dictionaries": {allow: []string{"*"}, ok: 200, token: outcome{200, ""}},
			"GET /api/v1/orgs":         {allow: []string{"*"}, ok: 200, token: outcome{200, ""}},
			"POST /api/v1/orgs": {allow: []string{"admin"}, ok: 201,
				body: func(string) any {
					return map[string]any{"code": "MATRIX1", "name": "矩阵测试局", "kind": "agency", "domains": []string{"market"}}
				}},
			"GET /api/v1/orgs/{id}": {allow: []string{"*"}, ok: 200, token: outcome{404, "not_found"}, override: scopeLimited,
				path: func(string) string { return fmt.Sprintf("/api/v1/orgs/%d", qljcy) }},
			"PATCH /api/v1/orgs/{id}": {allow: []string{"admin"}, ok: 200,
				path: func(string) string { return fmt.Sprintf("/api/v1/orgs/%d", zrzy) },
				body: func(string) any { return map[string]any{"version": e.version("orgs", zrzy), "contact": "矩阵"} }},
			"GET /api/v1/users": {allow: []string{"admin", "depthead", "chief"}, ok: 200},
			"POST /api/v1/users": {allow: []string{"admin"}, ok: 201,
				body: func(string) any {
					return map[string]any{"username": "matrixuser", "display_name": "矩阵用户", "org_id": qljcy, "role": "prosecutor", "password": "Matrix2026pw"}
				}},
			"GET /api/v1/users/{id}": {allow: []string{"admin", "depthead", "chief"}, ok: 200,
				path: func(string) string { return fmt.Sprintf("/api/v1/users/%d", target) }},
			"PATCH /api/v1/users/{id}": {allow: []string{"admin"}, ok: 200,
				path: func(string) string { return fmt.Sprintf("/api/v1/users/%d", target) },
				body: func(string) any { return map[string]any{"version": e.version("users", target), "phone": "13800000000"} }},
			"POST /api/v1/users/{id}/password": {allow: []string{"admin"}, ok: 204,
				path: func(string) string { return fmt.Sprintf("/api/v1/users/%d/password", target) },
				body: func(string) any { return map[string]string{"password": "Reset2026pw"} }},
			"GET /api/v1/tokens": {allow: []string{"admin", "agency01"}, ok: 200},
			"POST /api/v1/tokens": {allow: []string{"admin", "agency01"}, ok: 201,
				body: func(who string) any {
					if who == "agency01" {
						return map[string]any{"org_id": gaql, "name": "公安自有"}
					}
					return map[string]any{"org_id": scjg, "name": "矩阵令牌"}
				}},
			"DELETE /api/v1/tokens/{id}": {allow: []string{"admin", "agency01"}, ok: 204,
				path: func(who string) string {
					if who == "agency01" {
						return fmt.Sprintf("/api/v1/tokens/%d", agencyRevocable)
					}
					return fmt.Sprintf("/api/v1/tokens/%d", adminRevocable)
				}},
			"GET /api/v1/audit":          {allow: []string{"admin"}, ok: 200},
			"GET /api/v1/audit/verify":   {allow: []string{"admin"}, ok: 200},
			"GET /api/v1/logins":         {allow: []string{"admin"}, ok: 200},
			"GET /api/v1/stats/overview": {allow: []string{"*"}, ok: 200},
			// A JSON body where a multipart upload belongs: the permission
			// check passes, then the body is refused.
			"POST /api/v1/imports": {allow: []string{"admin", "agency01"}, ok: 415, okCode: "unsupported_media_type",
				body: func(string) any { return map[string]any{"agency_id": scjg} }},
			"GET /api/v1/imports": {allow: readers, ok: 200},
			// Jobs are visible to their starter only (openapi_test polls a
			// real one); here: the permission check, then not_found.
			"GET /api/v1/import-jobs/{id}": {allow: []string{"admin", "agency01", "court", "petition"}, ok: 404, okCode: "not_found",
				path: func(string) string { return "/api/v1/import-jobs/0123456789abcdef01234567" }},
			"GET /api/v1/imports/{id}": {allow: readers, ok: 200, override: agencyOut,
				path: func(string) string { return fmt.Sprintf("/api/v1/imports/%d", batchID) }},
			"GET /api/v1/imports/{id}/rejects": {allow: readers, ok: 200, override: agencyOut,
				path: func(string) string { return fmt.Sprintf("/api/v1/imports/%d/rejects", batchID) }},
			"GET /api/v1/imports/{id}/rejects.xlsx": {allow: readers, ok: 200, override: agencyOut,
				path: func(string) string { return fmt.Sprintf("/api/v1/imports/%d/rejects.xlsx", batchID) }},
			"POST /api/v1/records/push": {allow: []string{"admin", "agency01"}, ok: 200, token: outcome{200, ""},
				body: func(who string) any {
					if who == "admin" {
						return map[string]any{"agency_id": scjg, "records": []any{pushRec}}
					}
					return map[string]any{"records": []any{pushRec}}
				}},
			"GET /api/v1/records/quality":     {allow: readers, ok: 200},
			"GET /api/v1/records":             {allow: readers, ok: 200},
			"GET /api/v1/records/export.xlsx": {allow: readers, ok: 200},
			"GET /api/v1/records/{id}": {allow: readers, ok: 200, override: agencyOut,
				path: func(string) string { return fmt.Sprintf("/api/v1/records/%d", recID) }},
			"GET /api/v1/inspections":             {allow: readers, ok: 200},
			"GET /api/v1/inspections/export.xlsx": {allow: readers, ok: 200},
			"GET /api/v1/inspections/{id}": {allow: readers, ok: 200, override: agencyOut,
				path: func(string) string { return fmt.Sprintf("/api/v1/inspections/%d", inspID) }},
			"GET /api/v1/measures":             {allow: readers, ok: 200},
			"GET /api/v1/measures/export.xlsx": {allow: readers, ok: 200},
			"GET /api/v1/measures/{id}": {allow: readers, ok: 200, override: agencyOut,
				path: func(string) string { return fmt.Sprintf("/api/v1/measures/%d", measID) }},
			"GET /api/v1/record-kinds/{kind}/fields": {allow: readers, ok: 200, token: outcome{200, ""},
				path: func(string) string { return "/api/v1/record-kinds/measure/fields" }},
		}

		for k, v := range referenceAccessRules(t, e, clients) {
			rules[k] = v
		}
		for k, v := range datasetAccessRules(t, e, clients) {
			rules[k] = v
		}
		for k, v := range modelAccessRules(t, e, clients) {
			rules[k] = v
		}
		for k, v := range caseworkAccessRules(t, e, clients) {
			rules[k] = v
		}

		routes := routeTable()
		seen := map[string]bool{}
		for _, rt := range routes {
			seen[rt.Method+" "+rt.Path] = true
		}
		for k := range rules {
			if !seen[k] {
				t.Errorf("expectation for %q, which is not a route", k)
			}
		}
		// Signing out ends the callers' sessions, so it runs last.
		slices.SortStableFunc(routes, func(a, b httpapi.Route) int {
			last := func(r httpapi.Route) int {
				if r.Method == "DELETE" && r.Path == "/api/v1/session" {
					return 1
				}
				return 0
			}
			return last(a) - last(b)
		})
		callers := append([]string{"anonymous", "token"}, persons...)
		for _, rt := range routes {
			key := rt.Method + " " + rt.Path
			rule, ok := rules[key]
			if !ok {
				t.Errorf("route %s has no access expectation: add it to TestAccessMatrix", key)
				continue
			}
			t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
				for _, who := range callers {
					c := clients[who]
					if who == "anonymous" {
						c = e.anon()
					}
					path := rt.Path
					if rule.path != nil {
						path = rule.path(who)
					}
					var body any
					if rule.body != nil {
						body = rule.body(who)
					}
					want := rule.want(who)
					r := c.do(rt.Method, path, body)
					if r.status != want.status || (want.code != "" && r.errCode() != want.code) {
						t.Errorf("%s %s as %s: got %d %q, want %d %q (%s)", rt.Method, path, who, r.status, r.errCode(), want.status, want.code, r.body)
					}
				}
			})
		}
	})
}

// TestAccessScope checks that non-district callers see only their own org,
// and that out-of-scope objects answer 404, never 403.
func TestAccessScope(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		scjg, gaql := e.orgID("SCJG"), e.orgID("GAQL")
		scjgTok, scjgSecret := issueToken(t, admin, scjg, "市场监管局系统")
		gaqlTok, _ := issueToken(t, admin, gaql, "公安系统")
		activeOrgs := e.countRows("orgs", "disabled = FALSE")

		limited := []struct {
			name  string
			c     *client
			own   int64
			other int64
		}{
			{"AgencyLiaison", e.login("agency01"), gaql, scjg},
			{"CourtLiaison", e.login("court"), e.orgID("QLFY"), scjg},
			{"PetitionLiaison", e.login("petition"), e.orgID("QLXFJ"), scjg},
			{"APIToken", e.withToken(scjgSecret), scjg, gaql},
		}
		for _, tc := range limited {
			t.Run(tc.name+"SeesOnlyOwnOrg", func(t *testing.T) {
				r := tc.c.do("GET", "/api/v1/orgs?include_disabled=true&limit=500", nil)
				if r.status != 200 {
					t.Fatalf("list: %d %s", r.status, r.body)
				}
				its := items(t, r)
				if len(its) != 1 || int64(num(its[0]["id"])) != tc.own || num(r.json()["total"]) != 1 {
					t.Fatalf("list should hold only own org %d: %s", tc.own, r.body)
				}
				if r := tc.c.do("GET", "/api/v1/orgs?kind=procuratorate", nil); len(items(t, r)) != 0 {
					t.Fatalf("filtered list leaks other orgs: %s", r.body)
				}
				if r := tc.c.do("GET", fmt.Sprintf("/api/v1/orgs?parent_id=%d", gaql), nil); len(items(t, r)) != 0 {
					t.Fatalf("child org of GAQL leaks: %s", r.body)
				}
				if r := tc.c.do("GET", fmt.Sprintf("/api/v1/orgs/%d", tc.own), nil); r.status != 200 {
					t.Fatalf("own org: %d %s", r.status, r.body)
				}
			})
			t.Run(tc.name+"GetsNotFoundForOtherOrg", func(t *testing.T) {
				for _, id := range []int64{tc.other, e.orgID("QLJCY"), 999999} {
					r := tc.c.do("GET", fmt.Sprintf("/api/v1/orgs/%d", id), nil)
					if r.status != 404 || r.errCode() != "not_found" {
						t.Errorf("org %d: %d %s", id, r.status, r.body)
					}
				}
				// The answers for an existing out-of-scope org and a missing one are identical.
				a := tc.c.do("GET", fmt.Sprintf("/api/v1/orgs/%d", tc.other), nil)
				b := tc.c.do("GET", "/api/v1/orgs/999999", nil)
				if errMessage(a) != errMessage(b) {
					t.Errorf("existence leaks: %q vs %q", errMessage(a), errMessage(b))
				}
			})
		}

		agency := limited[0].c
		t.Run("AgencyLiaisonCannotRevokeOtherOrgToken", func(t *testing.T) {
			r := agency.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", scjgTok), nil)
			if r.status != 404 || r.errCode() != "not_found" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if n := e.countRows("api_tokens", "id = ? AND revoked_at IS NOT NULL", scjgTok); n != 0 {
				t.Fatal("token of another org was revoked")
			}
			if r := e.withToken(scjgSecret).do("GET", "/api/v1/dictionaries", nil); r.status != 200 {
				t.Fatalf("token stopped working: %d", r.status)
			}
		})
		t.Run("AgencyLiaisonCannotIssueForOtherOrg", func(t *testing.T) {
			before, audits := e.countRows("api_tokens", ""), e.countRows("audit_log", "")
			r := agency.do("POST", "/api/v1/tokens", map[string]any{"org_id": scjg, "name": "越权令牌"})
			if r.status != 404 || r.errCode() != "not_found" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if e.countRows("api_tokens", "") != before || e.countRows("audit_log", "") != audits {
				t.Fatal("something was written")
			}
		})
		t.Run("AgencyLiaisonListsOnlyOwnTokens", func(t *testing.T) {
			r := agency.do("GET", "/api/v1/tokens?include_revoked=true", nil)
			its := items(t, r)
			if len(its) != 1 || int64(num(its[0]["id"])) != gaqlTok {
				t.Fatalf("tokens: %s", r.body)
			}
			r = agency.do("GET", fmt.Sprintf("/api/v1/tokens?org_id=%d&include_revoked=true", scjg), nil)
			if len(items(t, r)) != 0 {
				t.Fatalf("other org's tokens listed: %s", r.body)
			}
			// and may revoke its own
			if r := agency.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", gaqlTok), nil); r.status != 204 {
				t.Fatalf("revoke own: %d %s", r.status, r.body)
			}
		})
		t.Run("AgencyLiaisonReadsItselfButNoOtherUser", func(t *testing.T) {
			if r := agency.do("GET", fmt.Sprintf("/api/v1/users/%d", e.userID("agency01")), nil); r.status != 200 {
				t.Fatalf("self: %d %s", r.status, r.body)
			}
			if r := agency.do("GET", fmt.Sprintf("/api/v1/users/%d", e.userID("agency02")), nil); r.status != 403 || r.errCode() != "forbidden" {
				t.Fatalf("other user: %d %s", r.status, r.body)
			}
		})
		t.Run("AgencyLiaisonOverviewCountsOwnOrgOnly", func(t *testing.T) {
			r := agency.do("GET", "/api/v1/stats/overview", nil)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			m := r.json()
			sum := 0.0
			for _, k := range m["orgs_by_kind"].([]any) {
				sum += num(k.(map[string]any)["count"])
			}
			if sum != 1 {
				t.Errorf("orgs_by_kind sums to %v, want 1: %s", sum, r.body)
			}
			if got, want := int(num(m["users"])), e.countRows("users", "org_id = ? AND disabled = FALSE", gaql); got != want {
				t.Errorf("users %d, want %d", got, want)
			}
		})
		t.Run("TokenGetsForbiddenOnPersonRoutes", func(t *testing.T) {
			tok := e.withToken(scjgSecret)
			for _, rq := range []struct{ method, path string }{
				{"GET", "/api/v1/session"}, {"GET", "/api/v1/users"}, {"GET", "/api/v1/tokens"},
				{"POST", "/api/v1/orgs"}, {"GET", "/api/v1/stats/overview"}, {"GET", "/api/v1/audit"},
			} {
				var body any
				if rq.method == "POST" {
					body = map[string]any{"code": "TOKORG", "name": "令牌建的机构", "kind": "agency"}
				}
				r := tok.do(rq.method, rq.path, body)
				if r.status != 403 || r.errCode() != "forbidden" {
					t.Errorf("%s %s: %d %s", rq.method, rq.path, r.status, r.body)
				}
			}
			if e.countRows("orgs", "code = 'TOKORG'") != 0 {
				t.Error("token created an org")
			}
		})

		for _, who := range []string{"admin", "prosecutor", "depthead", "chief", "justice", "leader"} {
			t.Run("DistrictRole_"+who+"_SeesWholeDistrict", func(t *testing.T) {
				c := e.login(who)
				r := c.do("GET", "/api/v1/orgs?limit=500", nil)
				if r.status != 200 || len(items(t, r)) != activeOrgs || int(num(r.json()["total"])) != activeOrgs {
					t.Fatalf("want %d orgs: %d %s", activeOrgs, r.status, r.body)
				}
				if r := c.do("GET", fmt.Sprintf("/api/v1/orgs/%d", scjg), nil); r.status != 200 || r.json()["code"] != "SCJG" {
					t.Fatalf("SCJG: %d %s", r.status, r.body)
				}
			})
		}
		t.Run("UserReadersSeeAllUsers", func(t *testing.T) {
			all := e.countRows("users", "disabled = FALSE")
			for _, who := range []string{"depthead", "chief"} {
				r := e.login(who).do("GET", "/api/v1/users?limit=500", nil)
				if r.status != 200 || int(num(r.json()["total"])) != all {
					t.Errorf("%s: want %d users: %d %s", who, all, r.status, r.body)
				}
			}
		})
	})
}

// TestAuditTrail checks that every change made through the API adds exactly
// one audit row naming the actor, action, object and before/after, that no
// password hash ever reaches the log, and that the chain verifies.
func TestAuditTrail(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		adminID, qljcy, scjg := e.userID("admin"), e.orgID("QLJCY"), e.orgID("SCJG")
		var newOrg, newUser, tokID int64

		type step struct {
			name       string
			do         func() response
			wantStatus int
			action     string
			objType    string
			objID      func() int64
			before     bool // whether before must be present
			after      bool
			actor      string
		}
		steps := []step{
			{"OrgCreate", func() response {
				r := admin.do("POST", "/api/v1/orgs", map[string]any{"code": "AUD1", "name": "审计测试局", "kind": "agency", "domains": []string{"tax"}})
				newOrg = int64(num(r.json()["id"]))
				return r
			}, 201, "org.create", "org", func() int64 { return newOrg }, false, true, "admin"},
			{"OrgUpdate", func() response {
				return admin.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", newOrg), map[string]any{"version": e.version("orgs", newOrg), "contact": "李四"})
			}, 200, "org.update", "org", func() int64 { return newOrg }, true, true, "admin"},
			{"OrgDisable", func() response {
				return admin.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", newOrg), map[string]any{"version": e.version("orgs", newOrg), "disabled": true})
			}, 200, "org.disable", "org", func() int64 { return newOrg }, true, true, "admin"},
			{"UserCreate", func() response {
				r := admin.do("POST", "/api/v1/users", map[string]any{"username": "auditee", "display_name": "审计对象", "org_id": qljcy,
					"role": "prosecutor", "password": "Audit2026pw"})
				newUser = int64(num(r.json()["id"]))
				return r
			}, 201, "user.create", "user", func() int64 { return newUser }, false, true, "admin"},
			{"UserUpdate", func() response {
				return admin.do("PATCH", fmt.Sprintf("/api/v1/users/%d", newUser), map[string]any{"version": e.version("users", newUser), "email": "a@b.cn"})
			}, 200, "user.update", "user", func() int64 { return newUser }, true, true, "admin"},
			{"UserPasswordReset", func() response {
				return admin.do("POST", fmt.Sprintf("/api/v1/users/%d/password", newUser), map[string]string{"password": "Audit2026new"})
			}, 204, "user.password_reset", "user", func() int64 { return newUser }, false, false, "admin"},
			{"OwnPasswordChange", func() response {
				c := e.anon()
				if r := c.do("POST", "/api/v1/session", map[string]string{"username": "auditee", "password": "Audit2026new"}); r.status != 200 {
					t.Fatalf("login auditee: %d %s", r.status, r.body)
				} else {
					c.csrf, _ = r.json()["csrf_token"].(string)
				}
				return c.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "Audit2026new", "new_password": "Audit2026own"})
			}, 204, "user.password_change", "user", func() int64 { return newUser }, false, false, "auditee"},
			{"UserDisable", func() response {
				return admin.do("PATCH", fmt.Sprintf("/api/v1/users/%d", newUser), map[string]any{"version": e.version("users", newUser), "disabled": true})
			}, 200, "user.disable", "user", func() int64 { return newUser }, true, true, "admin"},
			{"TokenIssue", func() response {
				r := admin.do("POST", "/api/v1/tokens", map[string]any{"org_id": scjg, "name": "审计令牌"})
				tok, _ := r.json()["token"].(map[string]any)
				tokID = int64(num(tok["id"]))
				return r
			}, 201, "token.issue", "api_token", func() int64 { return tokID }, false, true, "admin"},
			{"TokenRevoke", func() response {
				return admin.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", tokID), nil)
			}, 204, "token.revoke", "api_token", func() int64 { return tokID }, true, true, "admin"},
		}
		for _, s := range steps {
			t.Run(s.name+"AddsOneAuditRow", func(t *testing.T) {
				before := e.countRows("audit_log", "")
				r := s.do()
				if r.status != s.wantStatus {
					t.Fatalf("status %d, want %d: %s", r.status, s.wantStatus, r.body)
				}
				if got := e.countRows("audit_log", ""); got != before+1 {
					t.Fatalf("audit rows %d → %d, want exactly one more", before, got)
				}
				l := admin.do("GET", "/api/v1/audit?limit=1", nil)
				its := items(t, l)
				if len(its) != 1 {
					t.Fatalf("audit list: %s", l.body)
				}
				a := its[0]
				wantUser := adminID
				if s.actor != "admin" {
					wantUser = e.userID(s.actor)
				}
				if a["action"] != s.action || a["object_type"] != s.objType || a["object_id"] != fmt.Sprint(s.objID()) ||
					a["username"] != s.actor || int64(num(a["user_id"])) != wantUser || int64(num(a["org_id"])) != qljcy ||
					a["org_name"] != "江州市青岚区人民检察院" {
					t.Errorf("audit row %v", a)
				}
				if (a["before"] != nil) != s.before || (a["after"] != nil) != s.after {
					t.Errorf("before/after presence: before=%v after=%v", a["before"], a["after"])
				}
				if ip, _ := a["ip"].(string); ip == "" {
					t.Errorf("no ip recorded")
				}
				if h, _ := a["hash"].(string); len(h) != 64 {
					t.Errorf("hash %q", h)
				}
			})
		}

		t.Run("NeverRecordsSecrets", func(t *testing.T) {
			rows, err := e.db.QueryContext(context.Background(), "SELECT COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var b, a string
				if err := rows.Scan(&b, &a); err != nil {
					t.Fatal(err)
				}
				text := tokenPrefixRE.ReplaceAllString(b+a, "")
				for _, bad := range []string{"password", "argon2", "token_hash", "secret", "xjt_", "Audit2026"} {
					if strings.Contains(text, bad) {
						t.Errorf("audit before/after contains %q: %s %s", bad, b, a)
					}
				}
			}
		})
		t.Run("UpdateRecordsBeforeAndAfter", func(t *testing.T) {
			r := admin.do("GET", fmt.Sprintf("/api/v1/audit?action=org.update&object_id=%d", newOrg), nil)
			its := items(t, r)
			if len(its) != 1 {
				t.Fatalf("%s", r.body)
			}
			b, _ := its[0]["before"].(map[string]any)
			a, _ := its[0]["after"].(map[string]any)
			if b["contact"] != "" || a["contact"] != "李四" || num(a["version"]) != num(b["version"])+1 {
				t.Errorf("before %v after %v", b, a)
			}
		})
		t.Run("VerifyIsOK", func(t *testing.T) {
			r := admin.do("GET", "/api/v1/audit/verify", nil)
			m := r.json()
			if r.status != 200 || m["ok"] != true || int(num(m["rows"])) != e.countRows("audit_log", "") {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
		t.Run("FiltersSelectRows", func(t *testing.T) {
			// Dates from the rows themselves, so the test holds across midnight.
			var first, last int64
			if err := e.db.QueryRowContext(context.Background(), "SELECT MIN(at), MAX(at) FROM audit_log").Scan(&first, &last); err != nil {
				t.Fatal(err)
			}
			day := func(ms int64, add int) string {
				return time.UnixMilli(ms).In(auth.Shanghai).AddDate(0, 0, add).Format("2006-01-02")
			}
			today, tomorrow, yesterday := day(first, 0), day(last, 1), day(first, -1)
			cases := []struct {
				name  string
				query string
				want  int
				check func(a map[string]any) bool
			}{
				{"ByAction", "action=org.create", e.countRows("audit_log", "action = 'org.create'"), func(a map[string]any) bool { return a["action"] == "org.create" }},
				{"ByObject", fmt.Sprintf("object_type=user&object_id=%d", newUser), 5, func(a map[string]any) bool { return a["object_id"] == fmt.Sprint(newUser) }},
				{"ByUser", fmt.Sprintf("user_id=%d", e.userID("auditee")), 1, func(a map[string]any) bool { return a["username"] == "auditee" }},
				{"ByUserAdmin", fmt.Sprintf("user_id=%d", adminID), 9, func(a map[string]any) bool { return a["username"] == "admin" }},
				{"FromToday", "from=" + today, e.countRows("audit_log", ""), nil},
				{"FromTomorrow", "from=" + tomorrow, 0, nil},
				{"ToYesterday", "to=" + yesterday, 0, nil},
				{"ToToday", "from=" + yesterday + "&to=" + day(last, 0), e.countRows("audit_log", ""), nil},
				{"NoMatch", "action=nothing.happened", 0, nil},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					r := admin.do("GET", "/api/v1/audit?limit=500&"+c.query, nil)
					its := items(t, r)
					if len(its) != c.want || int(num(r.json()["total"])) != c.want {
						t.Fatalf("got %d (total %v), want %d", len(its), r.json()["total"], c.want)
					}
					for i, a := range its {
						if c.check != nil && !c.check(a) {
							t.Errorf("row %v does not match", a)
						}
						if i > 0 && num(a["id"]) >= num(its[i-1]["id"]) {
							t.Errorf("not newest first")
						}
					}
				})
			}
		})
		t.Run("CursorPagesThroughAll", func(t *testing.T) {
			total := e.countRows("audit_log", "")
			seen := map[float64]bool{}
			cursor := ""
			for page := 0; page < 100; page++ {
				r := admin.do("GET", "/api/v1/audit?limit=7&cursor="+cursor, nil)
				for _, a := range items(t, r) {
					if seen[num(a["id"])] {
						t.Fatalf("row %v twice", a["id"])
					}
					seen[num(a["id"])] = true
				}
				cursor, _ = r.json()["next_cursor"].(string)
				if cursor == "" {
					break
				}
			}
			if len(seen) != total {
				t.Fatalf("paged %d rows, want %d", len(seen), total)
			}
		})
		t.Run("FailedChangeAddsNoRow", func(t *testing.T) {
			before := e.countRows("audit_log", "")
			r := admin.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", newOrg), map[string]any{"version": 1, "contact": "过期"})
			if r.status != 409 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if e.countRows("audit_log", "") != before {
				t.Fatal("audit row written for a failed change")
			}
		})
	})
}

// tokenPrefixRE matches the token prefix a token.issue row legitimately shows.
var tokenPrefixRE = regexp.MustCompile(`"prefix":"xjt_[A-Za-z0-9_-]{6}"`)

// requestWithCookie sends a request carrying an explicit session cookie.
func (e *env) requestWithCookie(method, path, cookie, csrf string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: httpapi.SessionCookie, Value: cookie})
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return e.anon().send(req)
}
