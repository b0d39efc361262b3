package webui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The handler works whether or not the UI has been built: a built UI serves
// index.html for client-side routes and 404 for missing assets; an unbuilt
// one serves the placeholder that explains how to build it.
func TestHandler(t *testing.T) {
	h := Handler()
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	if !Built() {
		rec := get("/admin/orgs")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "make build") {
			t.Fatalf("placeholder: %d %s", rec.Code, rec.Body.String())
		}
		return
	}
	for _, p := range []string{"/", "/login", "/admin/orgs", "/no/such/page"} {
		rec := get(p)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<div id="app">`) {
			t.Errorf("%s: want index.html, got %d", p, rec.Code)
		}
	}
	if rec := get("/assets/missing-abc123.js"); rec.Code != 404 {
		t.Errorf("missing asset: want 404, got %d", rec.Code)
	}
	if strings.Contains(get("/").Body.String(), "http://") || strings.Contains(get("/").Body.String(), "https://") {
		t.Error("index.html references an external URL")
	}
}
