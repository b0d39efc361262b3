package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/calendar"
	"github.com/xingjian/xingjian/internal/calendar/caldb"
	"github.com/xingjian/xingjian/internal/casework"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/directory"
	"github.com/xingjian/xingjian/internal/httpapi"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
	"github.com/xingjian/xingjian/internal/supervise"
)

// responseCheckers run on every response a test client receives (the
// OpenAPI conformance check registers itself here).
var responseCheckers []func(t *testing.T, req *http.Request, resp *http.Response, body []byte)

// env is a real server on a real, demo-seeded database.
type env struct {
	t    *testing.T
	db   *store.DB
	srv  *httptest.Server
	auth *auth.Service
}

// newEnv starts the API on db with the demo district seeded; configure,
// if given, adjusts the server's configuration first.
func newEnv(t *testing.T, db *store.DB, configure ...func(*httpapi.Config)) *env {
	t.Helper()
	if _, err := demo.Seed(context.Background(), db); err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	a := auth.NewService(db)
	cfg := httpapi.Config{DB: db, Auth: a, Dir: directory.New(db), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test",
		Models: newModelEngine(t, db), Casework: newCasework(db)}
	for _, f := range configure {
		f(&cfg)
	}
	s := httpapi.New(cfg)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		s.Close() // background imports end before the database closes
	})
	return &env{t: t, db: db, srv: srv, auth: a}
}

// testNow is the model engine's clock in tests (the demo's "today" is
// near it).
var testNow = time.Date(2026, 11, 20, 10, 0, 0, 0, supervise.Shanghai)

// newCasework is the casework service on the test clock.
func newCasework(db *store.DB) *casework.Service {
	svc := casework.New(db)
	svc.Now = func() time.Time { return testNow }
	return svc
}

// newModelEngine prepares db for supervision models as serve does: the
// dataset tables, the working-day calendar and the built-in catalogue.
func newModelEngine(t *testing.T, db *store.DB) *supervise.Engine {
	t.Helper()
	ctx := context.Background()
	if err := dataset.Sync(ctx, db); err != nil {
		t.Fatalf("dataset sync: %v", err)
	}
	if _, err := caldb.SyncDays(ctx, db, calendar.Embedded()); err != nil {
		t.Fatalf("calendar sync: %v", err)
	}
	if err := supervise.Sync(ctx, db, testNow); err != nil {
		t.Fatalf("model sync: %v", err)
	}
	e := supervise.NewEngine(db, dataset.NewRegistry(db))
	e.Now = func() time.Time { return testNow }
	return e
}

// engines runs fn on SQLite and, when XJ_TEST_PG is set, PostgreSQL.
func engines(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) { fn(t, newEnv(t, db)) })
}

// client is one browser or system talking to the server.
type client struct {
	e      *env
	http   *http.Client
	csrf   string
	bearer string
}

func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar}}
}

// login signs in a demo user (password "demo") and fails the test otherwise.
func (e *env) login(username string) *client {
	e.t.Helper()
	c := e.anon()
	resp := c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": demo.Password})
	if resp.status != 200 {
		e.t.Fatalf("login %s: %d %s", username, resp.status, resp.body)
	}
	c.csrf, _ = resp.json()["csrf_token"].(string)
	return c
}

// withToken is a machine client using an API token.
func (e *env) withToken(secret string) *client {
	c := e.anon()
	c.bearer = secret
	return c
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.body, &m)
	return m
}

func (r response) errCode() string {
	m := r.json()
	if e, ok := m["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// do sends a request; body may be nil, a []byte (sent raw) or a value
// marshalled to JSON. The CSRF token is sent on unsafe methods when known.
func (c *client) do(method, path string, body any) response {
	c.e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, rd)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" && method != "GET" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	return c.send(req)
}

// send sends a prepared request and runs the response checkers.
func (c *client) send(req *http.Request) response {
	c.e.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, check := range responseCheckers {
		check(c.e.t, req, resp, b)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// orgID finds a demo org's id by code.
func (e *env) orgID(code string) int64 {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRowContext(context.Background(), "SELECT id FROM orgs WHERE code = ?", code).Scan(&id); err != nil {
		e.t.Fatalf("org %s: %v", code, err)
	}
	return id
}

// userID finds a user's id by login name.
func (e *env) userID(username string) int64 {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRowContext(context.Background(), "SELECT id FROM users WHERE username = ?", username).Scan(&id); err != nil {
		e.t.Fatalf("user %s: %v", username, err)
	}
	return id
}

// upload posts a multipart form with one file, as the browser's upload does.
func (c *client) upload(path string, fields map[string]string, name string, data []byte) response {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.e.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest("POST", c.e.srv.URL+path, &buf)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.send(req)
}
