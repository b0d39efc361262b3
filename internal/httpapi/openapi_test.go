package httpapi_test

// The OpenAPI document is a contract: these tests check that it is a valid
// OpenAPI 3 document, that it names every route of the server and nothing
// else, that the server serves it as JSON, and — through a response checker
// that runs on every response any test in this package receives — that every
// status and body the server answers is documented.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"gopkg.in/yaml.v3"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/httpapi"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// nonAPIRoutes are served outside the Routes() table.
var nonAPIRoutes = []string{"GET /healthz", "GET /readyz", "GET /metrics", "GET /api/openapi.json"}

func init() { responseCheckers = append(responseCheckers, checkAgainstDocument) }

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// spec is the served document, loaded once, with every object schema that
// lists properties closed (additionalProperties: false) so that a field the
// server sends but the document does not name fails the check. The published
// document stays open for compatible additions.
func spec() (*openapi3.T, routers.Router, error) {
	specOnce.Do(func() {
		raw, err := httpapi.OpenAPIJSON()
		if err != nil {
			specErr = fmt.Errorf("openapi document: %w", err)
			return
		}
		doc, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			specErr = fmt.Errorf("load openapi document: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = fmt.Errorf("openapi document invalid: %w", err)
			return
		}
		closeSchemas(doc)
		router, err := legacy.NewRouter(doc)
		if err != nil {
			specErr = fmt.Errorf("openapi router: %w", err)
			return
		}
		specDoc, specRouter = doc, router
	})
	return specDoc, specRouter, specErr
}

func closeSchemas(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.SchemaRef)
	walk = func(s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		v := s.Value
		seen[v] = true
		if len(v.Properties) > 0 && len(v.AllOf) == 0 && v.AdditionalProperties.Has == nil && v.AdditionalProperties.Schema == nil {
			closed := false
			v.AdditionalProperties.Has = &closed
		}
		for _, p := range v.Properties {
			walk(p)
		}
		walk(v.Items)
		for _, group := range []openapi3.SchemaRefs{v.AnyOf, v.OneOf} {
			for _, x := range group {
				walk(x)
			}
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					for _, mt := range r.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
}

// seen records, per test, which statuses each documented operation answered,
// so the conformance scenario can tell it exercised every operation.
var (
	seenMu sync.Mutex
	seen   = map[string]map[string]map[int]bool{} // test → "METHOD /path" → status
)

func record(test, op string, status int) {
	seenMu.Lock()
	defer seenMu.Unlock()
	if seen[test] == nil {
		seen[test] = map[string]map[int]bool{}
	}
	if seen[test][op] == nil {
		seen[test][op] = map[int]bool{}
	}
	seen[test][op][status] = true
}

func seenBy(test string) map[string]map[int]bool {
	seenMu.Lock()
	defer seenMu.Unlock()
	out := map[string]map[int]bool{}
	for op, st := range seen[test] {
		out[op] = map[int]bool{}
		for s := range st {
			out[op][s] = true
		}
	}
	return out
}

// checkAgainstDocument fails the test when a response's status is not
// documented for its operation or its body does not match the schema.
func checkAgainstDocument(t *testing.T, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	doc, router, err := spec()
	if err != nil {
		t.Errorf("openapi: %v", err)
		return
	}
	// The document's server is "/": match on the path alone, whatever the
	// test server's host and port.
	r := req.Clone(context.Background())
	r.URL = &url.URL{Path: req.URL.Path, RawQuery: req.URL.RawQuery}
	r.Host = ""
	route, params, err := router.FindRoute(r)
	if err != nil {
		if !strings.HasPrefix(req.URL.Path, "/api/") {
			return // the web UI
		}
		// An API path or method the document does not name: the server must
		// still answer with a JSON error (404 not_found, or 405).
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("openapi: undocumented %s %s answered %d (want a JSON 404/405): %s", req.Method, req.URL.RequestURI(), resp.StatusCode, clip(body))
			return
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Errorf("openapi: undocumented %s %s answered %d with non-JSON %q", req.Method, req.URL.RequestURI(), resp.StatusCode, clip(body))
			return
		}
		if err := doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.DisableSchemaErrorDetails()); err != nil {
			t.Errorf("openapi: undocumented %s %s answered %d with a body that is not an Error: %v\n%s", req.Method, req.URL.RequestURI(), resp.StatusCode, err, clip(body))
		}
		return
	}
	record(t.Name(), route.Method+" "+route.Path, resp.StatusCode)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			ExcludeResponseBody:   route.Path == "/metrics", // Prometheus text format
			MultiError:            true,
			// The schema dump kin-openapi adds to each error drowns the
			// message; the path and reason are enough.
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("openapi: %s %s → %d does not match the document (%s %s): %v\nbody: %s",
			req.Method, req.URL.RequestURI(), resp.StatusCode, route.Method, route.Path, err, clip(body))
	}
}

// clip shortens a body for a failure message.
func clip(b []byte) string {
	const keep = 4000
	if len(b) <= keep {
		return string(b)
	}
	return string(b[:keep]) + fmt.Sprintf("… (%d bytes)", len(b))
}

// operations lists the document's operations as "METHOD /path".
func operations(doc *openapi3.T) []string {
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	raw, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi version %q, want 3.0.3", doc.OpenAPI)
	}
	if _, _, err := spec(); err != nil {
		t.Fatal(err)
	}

	// Consistency of what every operation promises.
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			has := func(status string) bool { return op.Responses.Value(status) != nil }
			if op.Responses.Default() != nil {
				t.Errorf("%s: a default response hides undocumented statuses", name)
			}
			sec := doc.Security
			if op.Security != nil {
				sec = *op.Security
			}
			if len(sec) > 0 && !has("401") {
				t.Errorf("%s: needs authentication but documents no 401", name)
			}
			if slices.Contains(nonAPIRoutes, name) {
				continue
			}
			if !has("500") {
				t.Errorf("%s: documents no 500", name)
			}
			for _, req := range sec {
				if _, ok := req["sessionCookie"]; ok && method != "GET" {
					if _, ok := req["csrfToken"]; !ok {
						t.Errorf("%s: unsafe cookie request without the csrfToken requirement", name)
					}
					if !has("403") {
						t.Errorf("%s: unsafe cookie request documents no 403 (csrf_token_invalid)", name)
					}
				}
			}
			if op.RequestBody != nil {
				for _, s := range []string{"400", "413", "415"} {
					if !has(s) {
						t.Errorf("%s: takes a JSON body but documents no %s", name, s)
					}
				}
			}
			if strings.Contains(path, "{id}") && !has("404") {
				t.Errorf("%s: takes an id but documents no 404", name)
			}
		}
	}
}

func TestEveryRouteIsDocumented(t *testing.T) {
	doc, _, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	s := httpapi.New(httpapi.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	routes := map[string]bool{}
	for _, rt := range s.Routes() {
		routes[rt.Method+" "+rt.Path] = true
	}
	documented := map[string]bool{}
	for _, op := range operations(doc) {
		documented[op] = true
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	for _, r := range nonAPIRoutes {
		if !documented[r] {
			t.Errorf("endpoint %s is not in openapi.yaml", r)
		}
	}
	for op := range documented {
		if !routes[op] && !slices.Contains(nonAPIRoutes, op) {
			t.Errorf("openapi.yaml documents %s, which the server does not have", op)
		}
	}

	errSchema := doc.Components.Schemas["Error"]
	if errSchema == nil || errSchema.Value.Properties["error"] == nil || errSchema.Value.Properties["error"].Value.Properties["code"] == nil {
		t.Fatal("openapi.yaml has no Error schema with error.code")
	}
	code := errSchema.Value.Properties["error"].Value.Properties["code"].Value
	var enum []string
	for _, v := range code.Enum {
		enum = append(enum, fmt.Sprint(v))
	}
	codes := apperr.Codes()
	for _, c := range codes {
		if !slices.Contains(enum, c) {
			t.Errorf("error code %q (HTTP %d) is missing from the Error schema's code enum", c, apperr.Status(c))
		}
		if !strings.Contains(code.Description, fmt.Sprintf("%d", apperr.Status(c))) || !strings.Contains(code.Description, c) {
			t.Errorf("error code %q (HTTP %d) is not described with its status in the Error schema", c, apperr.Status(c))
		}
	}
	for _, c := range enum {
		if !slices.Contains(codes, c) {
			t.Errorf("the Error schema lists code %q, which apperr does not define", c)
		}
	}
}

// normalize turns a YAML tree into what encoding/json would decode.
func normalize(t *testing.T, v any) any {
	t.Helper()
	var fix func(v any) any
	fix = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = fix(e)
			}
			return x
		case map[any]any:
			m := map[string]any{}
			for k, e := range x {
				m[fmt.Sprint(k)] = fix(e)
			}
			return m
		case []any:
			for i, e := range x {
				x[i] = fix(e)
			}
			return x
		default:
			return v
		}
	}
	b, err := json.Marshal(fix(v))
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestServedDocumentIsJSON(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite, true))
	r := e.anon().do("GET", "/api/openapi.json", nil)
	if r.status != 200 {
		t.Fatalf("GET /api/openapi.json: %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var served any
	if err := json.Unmarshal(r.body, &served); err != nil {
		t.Fatalf("served document is not JSON: %v", err)
	}
	raw, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var fromYAML any
	if err := yaml.Unmarshal(raw, &fromYAML); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if want := normalize(t, fromYAML); !reflect.DeepEqual(served, want) {
		t.Errorf("served JSON differs from openapi.yaml")
	}
	doc, err := openapi3.NewLoader().LoadFromData(r.body)
	if err != nil {
		t.Fatalf("served document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("served document is invalid: %v", err)
	}
}

// TestResponsesMatchDocument calls every operation at least once with a
// success and (where one exists) an error, so that the response checker sees
// every response shape; it then makes sure nothing was left out.
func TestResponsesMatchDocument(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		expect := func(what string, r response, status int, code string) response {
			t.Helper()
			if r.status != status || (code != "" && r.errCode() != code) {
				t.Errorf("%s: got %d %s, want %d %s", what, r.status, r.body, status, code)
			}
			return r
		}
		num := func(r response, key string) int64 {
			t.Helper()
			f, ok := r.json()[key].(float64)
			if !ok {
				t.Fatalf("no number %q in %s", key, r.body)
			}
			return int64(f)
		}
		raw := func(c *client, method, path, contentType string, body []byte, cookie string) response {
			t.Helper()
			req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			if c.csrf != "" {
				req.Header.Set("X-CSRF-Token", c.csrf)
			}
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: httpapi.SessionCookie, Value: cookie})
			}
			return c.send(req)
		}
		withAuthHeader := func(path, value string) response {
			t.Helper()
			req, err := http.NewRequest("GET", e.srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", value)
			return e.anon().send(req)
		}
		p := func(format string, a ...any) string { return fmt.Sprintf(format, a...) }

		anon := e.anon()
		admin := e.login("admin")
		prosecutor := e.login("prosecutor")
		agency := e.login("agency01") // liaison of GAQL
		noCSRF := *admin
		noCSRF.csrf = ""

		// Operations.
		expect("healthz", anon.do("GET", "/healthz", nil), 200, "")
		expect("readyz", anon.do("GET", "/readyz", nil), 200, "")
		expect("metrics", anon.do("GET", "/metrics", nil), 200, "")
		expect("openapi", anon.do("GET", "/api/openapi.json", nil), 200, "")
		{
			// A database without its migrations is not ready.
			db := storetest.Open(t, store.SQLite, false)
			s := httpapi.New(httpapi.Config{DB: db, Auth: auth.NewService(db), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			srv := httptest.NewServer(s.Handler())
			defer srv.Close()
			bare := &env{t: t, db: db, srv: srv}
			expect("readyz unmigrated", bare.anon().do("GET", "/readyz", nil), 503, "")
		}

		// Session.
		expect("login wrong password", anon.do("POST", "/api/v1/session", map[string]string{"username": "prosecutor", "password": "nope"}), 401, "invalid_credentials")
		expect("login unknown user", anon.do("POST", "/api/v1/session", map[string]string{"username": "nobody", "password": "nope"}), 401, "invalid_credentials")
		expect("login malformed", anon.do("POST", "/api/v1/session", []byte(`{"username":`)), 400, "malformed_json")
		expect("login text/plain", raw(anon, "POST", "/api/v1/session", "text/plain", []byte(`{}`), ""), 415, "unsupported_media_type")
		expect("login too large", anon.do("POST", "/api/v1/session", []byte(`{"username":"`+strings.Repeat("a", httpapi.MaxBody)+`"}`)), 413, "body_too_large")
		for i := 1; i < 5; i++ {
			expect("login prosecutor2 wrong", anon.do("POST", "/api/v1/session", map[string]string{"username": "prosecutor2", "password": "wrong"}), 401, "invalid_credentials")
		}
		locked := expect("login prosecutor2 locks", anon.do("POST", "/api/v1/session", map[string]string{"username": "prosecutor2", "password": "wrong"}), 423, "account_locked")
		if d, _ := locked.json()["error"].(map[string]any)["details"].(map[string]any); d["locked_until"] == nil {
			t.Errorf("account_locked without details.locked_until: %s", locked.body)
		}
		expect("login prosecutor2 locked", anon.do("POST", "/api/v1/session", map[string]string{"username": "prosecutor2", "password": "demo"}), 423, "account_locked")

		expect("get session", admin.do("GET", "/api/v1/session", nil), 200, "")
		expect("get session anon", anon.do("GET", "/api/v1/session", nil), 401, "unauthenticated")
		expect("get session bogus cookie", raw(anon, "GET", "/api/v1/session", "", nil, "bogus"), 401, "session_expired")

		justice := e.login("justice")
		expect("change password wrong old", justice.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "nope", "new_password": "Justice2026"}), 400, "validation_failed")
		expect("change password weak", justice.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "demo", "new_password": "short"}), 400, "validation_failed")
		expect("change password", justice.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "demo", "new_password": "Justice2026"}), 204, "")

		leaving := e.login("leader")
		noCSRFLeaving := *leaving
		noCSRFLeaving.csrf = ""
		expect("logout without csrf", noCSRFLeaving.do("DELETE", "/api/v1/session", nil), 403, "csrf_token_invalid")
		expect("logout", leaving.do("DELETE", "/api/v1/session", nil), 204, "")
		if r := leaving.do("GET", "/api/v1/session", nil); r.status != 401 {
			t.Errorf("session after logout: %d %s", r.status, r.body)
		}

		// Dictionaries.
		d := expect("dictionaries", prosecutor.do("GET", "/api/v1/dictionaries", nil), 200, "")
		if roles, _ := d.json()["roles"].([]any); len(roles) != len(auth.Roles) {
			t.Errorf("dictionaries: %d roles", len(roles))
		}
		expect("dictionaries anon", anon.do("GET", "/api/v1/dictionaries", nil), 401, "unauthenticated")
		expect("dictionaries unknown token", e.withToken("xjt_nope").do("GET", "/api/v1/dictionaries", nil), 401, "invalid_token")
		expect("dictionaries basic auth", withAuthHeader("/api/v1/dictionaries", "Basic YWRtaW46ZGVtbw=="), 401, "invalid_token")

		// Orgs.
		scjg, qljcy, gaql := e.orgID("SCJG"), e.orgID("QLJCY"), e.orgID("GAQL")
		page1 := expect("list orgs", admin.do("GET", "/api/v1/orgs?limit=2", nil), 200, "")
		next, _ := page1.json()["next_cursor"].(string)
		if next == "" {
			t.Errorf("list orgs limit=2: no next_cursor: %s", page1.body)
		}
		expect("list orgs page 2", admin.do("GET", "/api/v1/orgs?limit=2&cursor="+next, nil), 200, "")
		expect("list orgs filtered", admin.do("GET", p("/api/v1/orgs?kind=agency&parent_id=%d&q=%s&include_disabled=true", gaql, url.QueryEscape("派出所")), nil), 200, "")
		expect("list orgs scoped", agency.do("GET", "/api/v1/orgs", nil), 200, "")
		expect("list orgs limit 0", admin.do("GET", "/api/v1/orgs?limit=0", nil), 400, "validation_failed")
		expect("list orgs limit 501", admin.do("GET", "/api/v1/orgs?limit=501", nil), 400, "validation_failed")
		expect("list orgs bad cursor", admin.do("GET", "/api/v1/orgs?cursor=-1", nil), 400, "validation_failed")
		expect("list orgs anon", anon.do("GET", "/api/v1/orgs", nil), 401, "unauthenticated")

		expect("get org", admin.do("GET", p("/api/v1/orgs/%d", scjg), nil), 200, "")
		expect("get own org", agency.do("GET", p("/api/v1/orgs/%d", gaql), nil), 200, "")
		expect("get org out of scope", agency.do("GET", p("/api/v1/orgs/%d", qljcy), nil), 404, "not_found")
		expect("get org missing", admin.do("GET", "/api/v1/orgs/999999", nil), 404, "not_found")
		expect("get org bad id", admin.do("GET", "/api/v1/orgs/abc", nil), 404, "not_found")

		newOrg := map[string]any{"code": "TESTORG", "name": "江州市青岚区测试执法局", "kind": "agency", "parent_id": scjg,
			"uscc": "", "domains": []string{"market"}, "contact": "测试", "phone": "0750-0000000"}
		created := expect("create org", admin.do("POST", "/api/v1/orgs", newOrg), 201, "")
		orgID := num(created, "id")
		expect("create org duplicate", admin.do("POST", "/api/v1/orgs", newOrg), 409, "duplicate")
		expect("create org invalid", admin.do("POST", "/api/v1/orgs", map[string]any{"code": "bad code", "name": "", "kind": "bank"}), 400, "validation_failed")
		expect("create org as prosecutor", prosecutor.do("POST", "/api/v1/orgs", newOrg), 403, "forbidden")
		expect("create org without csrf", noCSRF.do("POST", "/api/v1/orgs", newOrg), 403, "csrf_token_invalid")

		updated := expect("update org", admin.do("PATCH", p("/api/v1/orgs/%d", orgID), map[string]any{"version": 1, "name": "江州市青岚区测试执法局（改）", "parent_id": nil}), 200, "")
		if updated.json()["parent_id"] != nil {
			t.Errorf("update org parent_id null: %s", updated.body)
		}
		expect("update org stale", admin.do("PATCH", p("/api/v1/orgs/%d", orgID), map[string]any{"version": 1, "contact": "x"}), 409, "conflict")
		expect("update org invalid", admin.do("PATCH", p("/api/v1/orgs/%d", orgID), map[string]any{"version": 2, "kind": "bank"}), 400, "validation_failed")
		expect("update org missing", admin.do("PATCH", "/api/v1/orgs/999999", map[string]any{"version": 1}), 404, "not_found")

		// Users.
		expect("list users", admin.do("GET", "/api/v1/users?limit=3", nil), 200, "")
		expect("list users filtered", admin.do("GET", p("/api/v1/users?org_id=%d&role=agency_liaison&q=agency&include_disabled=1", gaql), nil), 200, "")
		expect("list users bad org_id", admin.do("GET", "/api/v1/users?org_id=abc", nil), 400, "validation_failed")
		expect("list users as prosecutor", prosecutor.do("GET", "/api/v1/users", nil), 403, "forbidden")

		expect("get self", prosecutor.do("GET", p("/api/v1/users/%d", e.userID("prosecutor")), nil), 200, "")
		expect("get user as depthead", e.login("depthead").do("GET", p("/api/v1/users/%d", e.userID("prosecutor")), nil), 200, "")
		expect("get locked user", admin.do("GET", p("/api/v1/users/%d", e.userID("prosecutor2")), nil), 200, "")
		expect("get other user as prosecutor", prosecutor.do("GET", p("/api/v1/users/%d", e.userID("admin")), nil), 403, "forbidden")
		expect("get user missing", admin.do("GET", "/api/v1/users/999999", nil), 404, "not_found")

		newUser := map[string]any{"username": "tester1", "display_name": "测试员", "org_id": qljcy, "role": "prosecutor",
			"password": "Passw0rd1", "phone": "13800000000", "email": "tester1@example.com"}
		uc := expect("create user", admin.do("POST", "/api/v1/users", newUser), 201, "")
		userID := num(uc, "id")
		expect("create user duplicate", admin.do("POST", "/api/v1/users", newUser), 409, "duplicate")
		expect("create user invalid", admin.do("POST", "/api/v1/users", map[string]any{"username": "X", "org_id": qljcy, "role": "agency_liaison"}), 400, "validation_failed")
		expect("create user as prosecutor", prosecutor.do("POST", "/api/v1/users", newUser), 403, "forbidden")

		expect("update user", admin.do("PATCH", p("/api/v1/users/%d", userID), map[string]any{"version": 1, "display_name": "测试员二"}), 200, "")
		expect("update user stale", admin.do("PATCH", p("/api/v1/users/%d", userID), map[string]any{"version": 1, "phone": ""}), 409, "conflict")
		expect("update user password", admin.do("PATCH", p("/api/v1/users/%d", userID), map[string]any{"version": 2, "password": "Passw0rd2"}), 400, "validation_failed")
		expect("update user missing", admin.do("PATCH", "/api/v1/users/999999", map[string]any{"version": 1}), 404, "not_found")

		expect("reset password", admin.do("POST", p("/api/v1/users/%d/password", userID), map[string]string{"password": "Passw0rd2"}), 204, "")
		expect("reset password weak", admin.do("POST", p("/api/v1/users/%d/password", userID), map[string]string{"password": "short"}), 400, "validation_failed")
		expect("reset password missing", admin.do("POST", "/api/v1/users/999999/password", map[string]string{"password": "Passw0rd2"}), 404, "not_found")
		expect("reset password as prosecutor", prosecutor.do("POST", p("/api/v1/users/%d/password", userID), map[string]string{"password": "Passw0rd3"}), 403, "forbidden")

		v := num(admin.do("GET", p("/api/v1/users/%d", userID), nil), "version")
		expect("disable user", admin.do("PATCH", p("/api/v1/users/%d", userID), map[string]any{"version": v, "disabled": true}), 200, "")
		expect("login disabled user", anon.do("POST", "/api/v1/session", map[string]string{"username": "tester1", "password": "Passw0rd2"}), 403, "account_disabled")

		// API tokens.
		issued := expect("issue token", admin.do("POST", "/api/v1/tokens", map[string]any{"org_id": scjg, "name": "市场监管执法系统"}), 201, "")
		secret, _ := issued.json()["secret"].(string)
		tokenID := int64(issued.json()["token"].(map[string]any)["id"].(float64))
		expect("issue token invalid", admin.do("POST", "/api/v1/tokens", map[string]any{"org_id": 0, "name": ""}), 400, "validation_failed")
		expect("issue token other org", agency.do("POST", "/api/v1/tokens", map[string]any{"org_id": scjg, "name": "越权"}), 404, "not_found")
		expect("issue token own org", agency.do("POST", "/api/v1/tokens", map[string]any{"org_id": gaql, "name": "公安执法系统"}), 201, "")
		expect("issue token as prosecutor", prosecutor.do("POST", "/api/v1/tokens", map[string]any{"org_id": scjg, "name": "x"}), 403, "forbidden")

		machine := e.withToken(secret)
		expect("token lists orgs", machine.do("GET", "/api/v1/orgs", nil), 200, "")
		expect("token gets own org", machine.do("GET", p("/api/v1/orgs/%d", scjg), nil), 200, "")
		expect("token gets other org", machine.do("GET", p("/api/v1/orgs/%d", qljcy), nil), 404, "not_found")
		expect("token dictionaries", machine.do("GET", "/api/v1/dictionaries", nil), 200, "")
		expect("token on person route", machine.do("GET", "/api/v1/users", nil), 403, "forbidden")
		expect("token on session", machine.do("GET", "/api/v1/session", nil), 403, "forbidden")

		// Enforcement records (issue 3): push, batches, rejects, record detail, file upload.
		rec := map[string]any{"doc_no": "青市监罚〔2026〕99号", "party_name": "江州市青岚区顺发建材有限公司", "party_uscc": "91350100M000100Y43",
			"violation_type": "销售不合格产品", "facts": "经查，当事人销售不合格瓷砖", "legal_basis": "《中华人民共和国产品质量法》第四十九条",
			"penalty_kinds": "罚款", "penalty_content": "罚款人民币 12,000 元", "fine": "12000", "decision_date": "2026-03-05"}
		pushed := expect("push records", machine.do("POST", "/api/v1/records/push", map[string]any{"records": []any{rec, map[string]any{"doc_no": "坏"}}}), 200, "")
		expect("push for another agency", machine.do("POST", "/api/v1/records/push", map[string]any{"agency_id": gaql, "records": []any{rec}}), 403, "forbidden")
		expect("push nothing", admin.do("POST", "/api/v1/records/push", map[string]any{"agency_id": scjg, "records": []any{}}), 400, "validation_failed")
		expect("push unknown kind", machine.do("POST", "/api/v1/records/push", map[string]any{"kind": "permit", "records": []any{rec}}), 400, "validation_failed")
		if got := expect("push inspections", machine.do("POST", "/api/v1/records/push", map[string]any{"kind": "inspection",
			"records": []any{map[string]any{"doc_no": "坏"}}}), 200, ""); got.json()["rejected"] != float64(1) {
			t.Errorf("push of a bad inspection: %s", got.body)
		}
		expect("push as prosecutor", prosecutor.do("POST", "/api/v1/records/push", map[string]any{"records": []any{rec}}), 403, "forbidden")
		batchID := int64(pushed.json()["batch_id"].(float64))
		expect("list imports", admin.do("GET", "/api/v1/imports", nil), 200, "")
		expect("list imports bad limit", admin.do("GET", "/api/v1/imports?limit=0", nil), 400, "validation_failed")
		expect("get import", admin.do("GET", p("/api/v1/imports/%d", batchID), nil), 200, "")
		expect("get import out of scope", agency.do("GET", p("/api/v1/imports/%d", batchID), nil), 404, "not_found")
		expect("import rejects", admin.do("GET", p("/api/v1/imports/%d/rejects", batchID), nil), 200, "")
		expect("import rejects bad cursor", admin.do("GET", p("/api/v1/imports/%d/rejects?cursor=x", batchID), nil), 400, "validation_failed")
		xlsx := expect("import rejects xlsx", admin.do("GET", p("/api/v1/imports/%d/rejects.xlsx", batchID), nil), 200, "")
		if !bytes.HasPrefix(xlsx.body, []byte("PK")) {
			t.Errorf("rejects.xlsx is not an XLSX (zip) file")
		}
		expect("import rejects xlsx out of scope", agency.do("GET", p("/api/v1/imports/%d/rejects.xlsx", batchID), nil), 404, "not_found")
		var recID int64
		if err := e.db.QueryRowContext(context.Background(), "SELECT id FROM penalties WHERE doc_no = ?", rec["doc_no"]).Scan(&recID); err != nil {
			t.Fatal(err)
		}
		recResp := expect("get record", prosecutor.do("GET", p("/api/v1/records/%d", recID), nil), 200, "")
		if r, _ := recResp.json()["record"].(map[string]any); r == nil || r["fine"] != "12000.00" {
			t.Errorf("record fine: %s", recResp.body)
		}
		list := expect("search records", prosecutor.do("GET", "/api/v1/records?q=顺发建材&limit=10", nil), 200, "")
		if items, _ := list.json()["items"].([]any); len(items) == 0 {
			t.Errorf("search found nothing: %s", list.body)
		}
		expect("search records bad cursor", prosecutor.do("GET", "/api/v1/records?cursor=zzz", nil), 400, "validation_failed")
		expect("search records bad fine", prosecutor.do("GET", "/api/v1/records?min_fine=abc", nil), 400, "validation_failed")
		if own := expect("agency searches own records", agency.do("GET", "/api/v1/records?q=顺发建材", nil), 200, ""); strings.Contains(string(own.body), "顺发建材") {
			t.Errorf("agency01 sees another agency's record: %s", own.body)
		}
		exp := expect("export records", prosecutor.do("GET", "/api/v1/records/export.xlsx?q=顺发", nil), 200, "")
		if !bytes.HasPrefix(exp.body, []byte("PK")) {
			t.Errorf("export is not an XLSX file")
		}
		expect("export records bad date", prosecutor.do("GET", "/api/v1/records/export.xlsx?from=2026-02-30", nil), 400, "validation_failed")
		expect("record quality", prosecutor.do("GET", "/api/v1/records/quality?from=2026-01-01", nil), 200, "")
		expect("record quality bad date", prosecutor.do("GET", "/api/v1/records/quality?to=2026-13-01", nil), 400, "validation_failed")
		expect("get record out of scope", agency.do("GET", p("/api/v1/records/%d", recID), nil), 404, "not_found")
		csv, err := os.ReadFile("../enforce/testdata/clean_national.csv")
		if err != nil {
			t.Fatal(err)
		}
		expect("upload file", admin.upload("/api/v1/imports", map[string]string{"agency_id": fmt.Sprint(scjg)}, "clean.csv", csv), 201, "")
		expect("upload not a table", admin.upload("/api/v1/imports", map[string]string{"agency_id": fmt.Sprint(scjg)}, "x.pdf", []byte("%PDF-1.7 \x00")), 400, "invalid_file")
		expect("upload as json", admin.do("POST", "/api/v1/imports", map[string]any{"agency_id": scjg}), 415, "unsupported_media_type")
		expect("upload other agency", agency.upload("/api/v1/imports", map[string]string{"agency_id": fmt.Sprint(scjg)}, "clean.csv", csv), 403, "forbidden")
		expect("upload bad kind", admin.upload("/api/v1/imports", map[string]string{"kind": "x"}, "clean.csv", csv), 400, "validation_failed")
		expect("upload bad async", admin.upload("/api/v1/imports", map[string]string{"async": "maybe"}, "clean.csv", csv), 400, "validation_failed")
		job := expect("upload async", admin.upload("/api/v1/imports", map[string]string{"agency_id": fmt.Sprint(scjg), "async": "true"}, "clean.csv", csv), 202, "")
		jobID, _ := job.json()["id"].(string)
		for i := 0; ; i++ {
			got := expect("import job", admin.do("GET", "/api/v1/import-jobs/"+jobID, nil), 200, "")
			if got.json()["state"] != "running" || i == 200 {
				if got.json()["state"] != "done" {
					t.Errorf("import job: %s", got.body)
				}
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		expect("import job of another user", agency.do("GET", "/api/v1/import-jobs/"+jobID, nil), 404, "not_found")
		bad := expect("upload async not a table", admin.upload("/api/v1/imports", map[string]string{"agency_id": fmt.Sprint(scjg), "async": "true"}, "x.pdf", []byte("%PDF-1.7 \x00")), 202, "")
		badID, _ := bad.json()["id"].(string)
		for i := 0; ; i++ {
			got := expect("failed import job", admin.do("GET", "/api/v1/import-jobs/"+badID, nil), 200, "")
			if got.json()["state"] != "running" || i == 200 {
				if e, _ := got.json()["error"].(map[string]any); got.json()["state"] != "failed" || e["code"] != "invalid_file" {
					t.Errorf("failed import job: %s", got.body)
				}
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		exerciseActivities(t, e, expect) // inspections, measures, record-kinds (activities_test.go)
		expect("token on overview", machine.do("GET", "/api/v1/stats/overview", nil), 403, "forbidden")

		expect("list tokens", admin.do("GET", "/api/v1/tokens", nil), 200, "")
		expect("list tokens scoped", agency.do("GET", "/api/v1/tokens", nil), 200, "")
		expect("list tokens bad org_id", admin.do("GET", "/api/v1/tokens?org_id=x", nil), 400, "validation_failed")
		expect("list tokens as prosecutor", prosecutor.do("GET", "/api/v1/tokens", nil), 403, "forbidden")

		expect("revoke token", admin.do("DELETE", p("/api/v1/tokens/%d", tokenID), nil), 204, "")
		expect("revoke token again", admin.do("DELETE", p("/api/v1/tokens/%d", tokenID), nil), 204, "")
		expect("revoke token missing", admin.do("DELETE", "/api/v1/tokens/999999", nil), 404, "not_found")
		expect("revoke token as prosecutor", prosecutor.do("DELETE", p("/api/v1/tokens/%d", tokenID), nil), 403, "forbidden")
		expect("revoked token", machine.do("GET", "/api/v1/orgs", nil), 401, "invalid_token")
		expect("list tokens with revoked", admin.do("GET", p("/api/v1/tokens?org_id=%d&include_revoked=true", scjg), nil), 200, "")

		// Audit and login logs.
		a := expect("list audit", admin.do("GET", "/api/v1/audit?limit=5", nil), 200, "")
		if next, _ := a.json()["next_cursor"].(string); next != "" {
			expect("list audit page 2", admin.do("GET", "/api/v1/audit?limit=5&cursor="+next, nil), 200, "")
		} else {
			t.Errorf("list audit limit=5: no next_cursor: %s", a.body)
		}
		expect("list audit all", admin.do("GET", "/api/v1/audit?limit=500", nil), 200, "")
		expect("list audit filtered", admin.do("GET", p("/api/v1/audit?user_id=%d&object_type=org&object_id=%d&action=org.update&from=2000-01-01&to=2100-12-31", e.userID("admin"), orgID), nil), 200, "")
		expect("list audit bad date", admin.do("GET", "/api/v1/audit?from=2026-13-01", nil), 400, "validation_failed")
		expect("list audit as prosecutor", prosecutor.do("GET", "/api/v1/audit", nil), 403, "forbidden")
		rep := expect("verify audit", admin.do("GET", "/api/v1/audit/verify", nil), 200, "")
		if rep.json()["ok"] != true {
			t.Errorf("audit chain: %s", rep.body)
		}
		expect("verify audit as prosecutor", prosecutor.do("GET", "/api/v1/audit/verify", nil), 403, "forbidden")

		expect("list logins", admin.do("GET", "/api/v1/logins?limit=500", nil), 200, "")
		expect("list logins filtered", admin.do("GET", "/api/v1/logins?username=prosecutor2&success=false&from=2000-01-01&to=2100-12-31&limit=2", nil), 200, "")
		expect("list logins bad success", admin.do("GET", "/api/v1/logins?success=maybe", nil), 400, "validation_failed")
		expect("list logins as prosecutor", prosecutor.do("GET", "/api/v1/logins", nil), 403, "forbidden")

		// Overview.
		expect("overview", prosecutor.do("GET", "/api/v1/stats/overview", nil), 200, "")
		expect("overview scoped", agency.do("GET", "/api/v1/stats/overview", nil), 200, "")
		expect("overview anon", anon.do("GET", "/api/v1/stats/overview", nil), 401, "unauthenticated")

		// Reference material (issue 3): discretion benchmarks, typical cases, news.
		exerciseReference(t, e, expect)
		// Reference datasets (issue 4).
		exerciseDatasets(t, e, expect)
		// Supervision models, leads, analyst mode, self-check (issue 4).
		exerciseModels(t, e, expect)
		// Casework: cases, suggestions, escalations, notifications (issue 5).
		exerciseCasework(t, e, expect)

		// API paths the document does not name still answer a JSON error
		// (the checker accepts 404 or 405 with an Error body).
		expect("unknown api path", admin.do("GET", "/api/v1/nothing-here", nil), 404, "not_found")
		// docs/api-foundation.md lists 405 method_not_allowed; the server's
		// /api/ catch-all answers a wrong method with 404 not_found.
		if r := admin.do("PATCH", "/api/v1/session", map[string]any{}); r.status != 404 && r.status != 405 {
			t.Errorf("wrong method: %d %s", r.status, r.body)
		} else {
			t.Logf("PATCH /api/v1/session (wrong method) → %d %s", r.status, r.errCode())
		}

		// Every documented operation was answered, with a success and,
		// where the operation has one, an error.
		got := seenBy(t.Name())
		doc, _, _ := spec()
		for _, op := range operations(doc) {
			var ok, failed bool
			for s := range got[op] {
				ok = ok || s < 300
				failed = failed || s >= 400
			}
			noErrors := op == "GET /healthz" || op == "GET /metrics" || op == "GET /api/openapi.json"
			if !ok || (!failed && !noErrors) {
				t.Errorf("%s not exercised (statuses seen: %v)", op, got[op])
			}
		}
	})
}
