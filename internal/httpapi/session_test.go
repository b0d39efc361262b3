package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/httpapi"
)

// sessionCookie returns the client's current session cookie value.
func (c *client) sessionCookie() string {
	u, _ := url.Parse(c.e.srv.URL)
	for _, k := range c.http.Jar.Cookies(u) {
		if k.Name == httpapi.SessionCookie {
			return k.Value
		}
	}
	return ""
}

// loginAs posts credentials and returns the raw answer.
func (e *env) loginAs(username, password string) response {
	e.t.Helper()
	return e.anon().do("POST", "/api/v1/session", map[string]string{"username": username, "password": password})
}

// loginWith signs in with a password and fails the test otherwise.
func (e *env) loginWith(username, password string) *client {
	e.t.Helper()
	c := e.anon()
	r := c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": password})
	if r.status != 200 {
		e.t.Fatalf("login %s: %d %s", username, r.status, r.body)
	}
	c.csrf, _ = r.json()["csrf_token"].(string)
	return c
}

// useClock makes the auth service's clock now+offset, with offset moved by the returned func.
func (e *env) useClock() func(d time.Duration) {
	var off atomic.Int64
	e.auth.Now = func() time.Time { return time.Now().Add(time.Duration(off.Load())) }
	return func(d time.Duration) { off.Add(int64(d)) }
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestSessionLogin(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		t.Run("SetsHttpOnlyStrictCookie", func(t *testing.T) {
			c := e.anon()
			r := c.do("POST", "/api/v1/session", map[string]string{"username": "prosecutor", "password": "demo"})
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			var ck *http.Cookie
			for _, line := range r.header.Values("Set-Cookie") {
				k, err := http.ParseSetCookie(line)
				if err == nil && k.Name == httpapi.SessionCookie {
					ck = k
				}
			}
			if ck == nil || ck.Value == "" {
				t.Fatalf("no session cookie: %v", r.header.Values("Set-Cookie"))
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" {
				t.Errorf("cookie attributes: %+v", ck)
			}
			m := r.json()
			csrf, _ := m["csrf_token"].(string)
			u, _ := m["user"].(map[string]any)
			if len(csrf) < 20 || u["username"] != "prosecutor" || u["role"] != "prosecutor" {
				t.Errorf("body: %s", r.body)
			}
			// The database keeps only the cookie's hash.
			if e.countRows("sessions", "id_hash = ?", ck.Value) != 0 || e.countRows("sessions", "id_hash = ?", sha256Hex(ck.Value)) != 1 {
				t.Error("session not stored as the hash of the cookie")
			}
			if strings.Contains(string(r.body), ck.Value) {
				t.Error("cookie secret echoed in the body")
			}
			// GET /session gives the same CSRF token back.
			c.csrf = csrf
			if g := c.do("GET", "/api/v1/session", nil); g.status != 200 || g.json()["csrf_token"] != csrf {
				t.Errorf("GET session: %d %s", g.status, g.body)
			}
		})
		t.Run("AcceptsUsernameInAnyCaseAndSpacing", func(t *testing.T) {
			if r := e.loginAs("  ProSecutor ", "demo"); r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})

		rejects := []struct {
			name, user, pass string
			status           int
			code             string
		}{
			{"RejectsWrongPassword", "leader", "wrong", 401, "invalid_credentials"},
			{"RejectsUnknownUser", "no-such-user", "demo", 401, "invalid_credentials"},
			{"RejectsEmptyPassword", "leader", "", 401, "invalid_credentials"},
			{"RejectsEmptyUsername", "", "demo", 401, "invalid_credentials"},
		}
		for _, tc := range rejects {
			t.Run(tc.name, func(t *testing.T) {
				sessions := e.countRows("sessions", "")
				r := e.loginAs(tc.user, tc.pass)
				if r.status != tc.status || r.errCode() != tc.code {
					t.Fatalf("%d %s", r.status, r.body)
				}
				if !strings.Contains(errMessage(r), "用户名") {
					t.Errorf("message not in Chinese: %q", errMessage(r))
				}
				if len(r.header.Values("Set-Cookie")) != 0 {
					t.Errorf("cookie set on failure")
				}
				if e.countRows("sessions", "") != sessions {
					t.Errorf("session created on failure")
				}
			})
		}
		t.Run("UnknownUserAndWrongPasswordLookAlike", func(t *testing.T) {
			a, b := e.loginAs("chief", "wrong-password"), e.loginAs("no-such-chief", "wrong-password")
			if a.status != b.status || a.errCode() != b.errCode() {
				t.Fatalf("different answers: %d %s vs %d %s", a.status, a.body, b.status, b.body)
			}
			if errMessage(a) != errMessage(b) {
				t.Fatalf("wrong password answers %q but unknown user %q: reveals which usernames exist", errMessage(a), errMessage(b))
			}
		})

		t.Run("RecordsLoginLog", func(t *testing.T) {
			admin := e.login("admin")
			e.loginAs("justice", "bad")
			e.loginAs("ghost", "bad")
			e.login("justice")
			r := admin.do("GET", "/api/v1/logins?username=justice&limit=10", nil)
			its := items(t, r)
			if len(its) != 2 {
				t.Fatalf("justice logins: %s", r.body)
			}
			ok, bad := its[0], its[1] // newest first
			if ok["success"] != true || ok["reason"] != "" || int64(num(ok["user_id"])) != e.userID("justice") || ok["ip"] == "" || ok["user_agent"] == "" {
				t.Errorf("success row %v", ok)
			}
			if bad["success"] != false || bad["reason"] != "密码错误" || int64(num(bad["user_id"])) != e.userID("justice") {
				t.Errorf("failure row %v", bad)
			}
			g := items(t, admin.do("GET", "/api/v1/logins?username=ghost", nil))
			if len(g) != 1 || g[0]["user_id"] != nil || g[0]["success"] != false || g[0]["reason"] != "用户不存在" {
				t.Errorf("unknown user rows %v", g)
			}
			for _, x := range items(t, admin.do("GET", "/api/v1/logins?success=false&limit=500", nil)) {
				if x["success"] != false {
					t.Errorf("success=false filter returned %v", x)
				}
			}
			if n := len(items(t, admin.do("GET", "/api/v1/logins?username=justice&success=true", nil))); n != 1 {
				t.Errorf("success=true for justice: %d rows", n)
			}
		})
	})
}

func TestSessionLockout(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		move := e.useClock()
		admin := e.login("admin")
		id := e.userID("prosecutor2")
		t.Run("LocksAfterFiveFailures", func(t *testing.T) {
			for i := 1; i <= 4; i++ {
				if r := e.loginAs("prosecutor2", "wrong"); r.status != 401 || r.errCode() != "invalid_credentials" {
					t.Fatalf("attempt %d: %d %s", i, r.status, r.body)
				}
			}
			r := e.loginAs("prosecutor2", "wrong")
			if r.status != 423 || r.errCode() != "account_locked" {
				t.Fatalf("5th attempt: %d %s", r.status, r.body)
			}
			d, _ := errDetails(r).(map[string]any)
			until, err := time.Parse(time.RFC3339, fmt.Sprint(d["locked_until"]))
			if err != nil || until.Before(time.Now().Add(10*time.Minute)) || until.After(time.Now().Add(20*time.Minute)) {
				t.Fatalf("locked_until %v (%v)", d["locked_until"], err)
			}
			if _, off := until.Zone(); off != 8*3600 {
				t.Errorf("locked_until not in Shanghai time: %v", d["locked_until"])
			}
		})
		t.Run("RefusesRightPasswordWhileLocked", func(t *testing.T) {
			r := e.loginAs("prosecutor2", "demo")
			if r.status != 423 || r.errCode() != "account_locked" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if e.countRows("sessions", "user_id = ?", id) != 0 {
				t.Fatal("session opened for a locked account")
			}
			u := admin.do("GET", fmt.Sprintf("/api/v1/users/%d", id), nil).json()
			if u["locked_until"] == nil {
				t.Errorf("user shows no lock: %v", u)
			}
		})
		t.Run("UnlocksWhenLockExpires", func(t *testing.T) {
			move(16 * time.Minute)
			defer move(-16 * time.Minute)
			if r := e.loginAs("prosecutor2", "demo"); r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
		t.Run("AdminResetClearsLockout", func(t *testing.T) {
			for i := 0; i < 5; i++ {
				e.loginAs("prosecutor2", "wrong")
			}
			if r := e.loginAs("prosecutor2", "demo"); r.status != 423 {
				t.Fatalf("not locked again: %d", r.status)
			}
			if r := admin.do("POST", fmt.Sprintf("/api/v1/users/%d/password", id), map[string]string{"password": "Unlock2026pw"}); r.status != 204 {
				t.Fatalf("reset: %d %s", r.status, r.body)
			}
			u := admin.do("GET", fmt.Sprintf("/api/v1/users/%d", id), nil).json()
			if u["locked_until"] != nil {
				t.Errorf("lock not cleared: %v", u)
			}
			if r := e.loginAs("prosecutor2", "demo"); r.status != 401 {
				t.Errorf("old password still works: %d", r.status)
			}
			if r := e.loginAs("prosecutor2", "Unlock2026pw"); r.status != 200 {
				t.Fatalf("new password: %d %s", r.status, r.body)
			}
		})
		t.Run("LocksUnderConcurrentGuesses", func(t *testing.T) {
			// Guesses sent in parallel must not slip past the limit.
			const guesses = 12
			var wg sync.WaitGroup
			statuses := make([]int, guesses)
			for i := range guesses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := e.anon()
					req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/session", strings.NewReader(`{"username":"leader","password":"guess"}`))
					req.Header.Set("Content-Type", "application/json")
					resp, err := c.http.Do(req)
					if err == nil {
						statuses[i] = resp.StatusCode
						resp.Body.Close()
					}
				}()
			}
			wg.Wait()
			wrong := e.countRows("login_log", "username = 'leader' AND reason = '密码错误'")
			r := e.loginAs("leader", "demo")
			if r.status != 423 || wrong > 4 {
				t.Fatalf("after %d parallel guesses (%v): %d plain failures, then right password answers %d", guesses, statuses, wrong, r.status)
			}
		})
	})
}

func TestSessionEnds(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		move := e.useClock()

		t.Run("LogoutThenReuseIsExpired", func(t *testing.T) {
			c := e.login("depthead")
			cookie := c.sessionCookie()
			r := c.do("DELETE", "/api/v1/session", nil)
			if r.status != 204 {
				t.Fatalf("logout: %d %s", r.status, r.body)
			}
			cleared := false
			for _, line := range r.header.Values("Set-Cookie") {
				if k, err := http.ParseSetCookie(line); err == nil && k.Name == httpapi.SessionCookie && k.MaxAge < 0 {
					cleared = true
				}
			}
			if !cleared {
				t.Errorf("logout does not clear the cookie: %v", r.header.Values("Set-Cookie"))
			}
			if r := e.requestWithCookie("GET", "/api/v1/session", cookie, ""); r.status != 401 || r.errCode() != "session_expired" {
				t.Fatalf("reuse: %d %s", r.status, r.body)
			}
			if e.countRows("sessions", "id_hash = ?", sha256Hex(cookie)) != 0 {
				t.Fatal("session row survives logout")
			}
		})
		t.Run("RejectsUnknownCookie", func(t *testing.T) {
			for _, v := range []string{"forged", strings.Repeat("x", 300)} {
				if r := e.requestWithCookie("GET", "/api/v1/session", v, ""); r.status != 401 || r.errCode() != "session_expired" {
					t.Errorf("%.10s…: %d %s", v, r.status, r.body)
				}
			}
			if r := e.anon().do("GET", "/api/v1/session", nil); r.status != 401 || r.errCode() != "unauthenticated" {
				t.Errorf("no cookie: %d %s", r.status, r.body)
			}
		})
		t.Run("RejectsExpiredSession", func(t *testing.T) {
			c := e.login("chief")
			move(e.auth.IdleTimeout + time.Minute)
			defer move(-(e.auth.IdleTimeout + time.Minute))
			if r := c.do("GET", "/api/v1/session", nil); r.status != 401 || r.errCode() != "session_expired" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
		t.Run("SlidesButNotPastMaxAge", func(t *testing.T) {
			c := e.login("leader")
			step := e.auth.IdleTimeout - 10*time.Minute
			var moved time.Duration
			defer func() { move(-moved) }()
			for moved+step < e.auth.MaxAge {
				move(step)
				moved += step
				if r := c.do("GET", "/api/v1/session", nil); r.status != 200 {
					t.Fatalf("after %v of steady use: %d %s", moved, r.status, r.body)
				}
			}
			move(step)
			moved += step
			if r := c.do("GET", "/api/v1/session", nil); r.status != 401 || r.errCode() != "session_expired" {
				t.Fatalf("after %v (max age %v): %d %s", moved, e.auth.MaxAge, r.status, r.body)
			}
		})
		t.Run("OwnPasswordChangeEndsOtherSessions", func(t *testing.T) {
			c1, c2 := e.login("prosecutor"), e.login("prosecutor")
			r := c1.do("PUT", "/api/v1/session/password", map[string]string{"old_password": "demo", "new_password": "Changed2026pw"})
			if r.status != 204 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if r := c2.do("GET", "/api/v1/session", nil); r.status != 401 || r.errCode() != "session_expired" {
				t.Errorf("other session: %d %s", r.status, r.body)
			}
			if r := c1.do("GET", "/api/v1/session", nil); r.status != 200 {
				t.Errorf("own session: %d %s", r.status, r.body)
			}
			if r := e.loginAs("prosecutor", "demo"); r.status != 401 {
				t.Errorf("old password: %d", r.status)
			}
			e.loginWith("prosecutor", "Changed2026pw")
		})
		t.Run("OwnPasswordChangeChecksOldAndPolicy", func(t *testing.T) {
			c := e.login("court")
			cases := []struct{ name, old, new, field string }{
				{"WrongOld", "nope", "Valid2026pw", "old_password"},
				{"Weak", "demo", "short1", "new_password"},
				{"NoDigit", "demo", "onlyletters", "new_password"},
			}
			for _, tc := range cases {
				r := c.do("PUT", "/api/v1/session/password", map[string]string{"old_password": tc.old, "new_password": tc.new})
				if r.status != 400 || r.errCode() != "validation_failed" || !slices.Contains(fieldsOf(r), tc.field) {
					t.Errorf("%s: %d %s", tc.name, r.status, r.body)
				}
			}
			e.login("court") // still "demo"
		})
		t.Run("DisablingUserEndsSessions", func(t *testing.T) {
			c, admin := e.login("justice"), e.login("admin")
			id := e.userID("justice")
			r := admin.do("PATCH", fmt.Sprintf("/api/v1/users/%d", id), map[string]any{"version": e.version("users", id), "disabled": true})
			if r.status != 200 || r.json()["disabled"] != true {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if r := c.do("GET", "/api/v1/session", nil); r.status != 401 || r.errCode() != "session_expired" {
				t.Errorf("session survives: %d %s", r.status, r.body)
			}
			if e.countRows("sessions", "user_id = ?", id) != 0 {
				t.Error("session rows remain")
			}
			// Disabled: wrong password gives nothing away, right password says disabled.
			if r := e.loginAs("justice", "wrong"); r.status != 401 || r.errCode() != "invalid_credentials" {
				t.Errorf("wrong password: %d %s", r.status, r.body)
			}
			if r := e.loginAs("justice", "demo"); r.status != 403 || r.errCode() != "account_disabled" {
				t.Errorf("right password: %d %s", r.status, r.body)
			}
			if e.countRows("sessions", "user_id = ?", id) != 0 {
				t.Error("disabled user got a session")
			}
		})
		t.Run("DisablingOrgEndsItsSessions", func(t *testing.T) {
			c, admin := e.login("agency04"), e.login("admin")
			org := e.orgID("SCJG")
			_, secret := issueToken(t, admin, org, "停用前")
			r := admin.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", org), map[string]any{"version": e.version("orgs", org), "disabled": true})
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if r := c.do("GET", "/api/v1/session", nil); r.status != 401 {
				t.Errorf("session survives org disable: %d", r.status)
			}
			if r := e.loginAs("agency04", "demo"); r.status != 403 || r.errCode() != "account_disabled" {
				t.Errorf("login into disabled org: %d %s", r.status, r.body)
			}
			if r := e.withToken(secret).do("GET", "/api/v1/orgs", nil); r.status != 401 || r.errCode() != "invalid_token" {
				t.Errorf("token of disabled org: %d %s", r.status, r.body)
			}
		})
	})
}

func TestSessionCSRF(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		other := e.login("chief")
		zrzy, target := e.orgID("ZRZY"), e.userID("agency03")
		tokID, _ := issueToken(t, admin, e.orgID("SCJG"), "CSRF 测试")
		cases := []struct {
			name, method, path string
			body               any
		}{
			{"CreateOrg", "POST", "/api/v1/orgs", map[string]any{"code": "CSRF1", "name": "跨站局", "kind": "agency"}},
			{"UpdateOrg", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", zrzy), map[string]any{"version": e.version("orgs", zrzy), "name": "被改名"}},
			{"CreateUser", "POST", "/api/v1/users", map[string]any{"username": "csrfuser", "display_name": "跨站", "org_id": zrzy, "role": "agency_liaison", "password": "Csrf2026pw"}},
			{"UpdateUser", "PATCH", fmt.Sprintf("/api/v1/users/%d", target), map[string]any{"version": e.version("users", target), "disabled": true}},
			{"ResetPassword", "POST", fmt.Sprintf("/api/v1/users/%d/password", target), map[string]string{"password": "Csrf2026pw"}},
			{"IssueToken", "POST", "/api/v1/tokens", map[string]any{"org_id": zrzy, "name": "跨站令牌"}},
			{"RevokeToken", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", tokID), nil},
			{"ChangePassword", "PUT", "/api/v1/session/password", map[string]string{"old_password": "demo", "new_password": "Csrf2026pw"}},
			{"Logout", "DELETE", "/api/v1/session", nil},
		}
		tables := []string{"orgs", "users", "api_tokens", "audit_log", "sessions"}
		snapshot := func() string {
			var b strings.Builder
			for _, tb := range tables {
				fmt.Fprintf(&b, "%s=%d ", tb, e.countRows(tb, ""))
			}
			var v, uv int
			var hash, adminHash string
			var revoked any
			ctx := context.Background()
			_ = e.db.QueryRowContext(ctx, "SELECT version FROM orgs WHERE id = ?", zrzy).Scan(&v)
			_ = e.db.QueryRowContext(ctx, "SELECT version, password_hash FROM users WHERE id = ?", target).Scan(&uv, &hash)
			_ = e.db.QueryRowContext(ctx, "SELECT revoked_at FROM api_tokens WHERE id = ?", tokID).Scan(&revoked)
			_ = e.db.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE username = 'admin'").Scan(&adminHash)
			fmt.Fprintf(&b, "org=%d user=%d/%s revoked=%v admin=%s", v, uv, hash, revoked, adminHash)
			return b.String()
		}
		for _, tc := range cases {
			for _, variant := range []struct{ name, token string }{{"Missing", ""}, {"Wrong", "not-the-token"}, {"OtherSessions", other.csrf}} {
				t.Run(tc.name+"RejectsCSRF"+variant.name, func(t *testing.T) {
					before := snapshot()
					c := &client{e: e, http: admin.http, csrf: variant.token}
					r := c.do(tc.method, tc.path, tc.body)
					if r.status != 403 || r.errCode() != "csrf_token_invalid" {
						t.Fatalf("%d %s", r.status, r.body)
					}
					if after := snapshot(); after != before {
						t.Fatalf("written despite CSRF failure:\n%s\n%s", before, after)
					}
				})
			}
		}
		t.Run("SafeMethodsNeedNoCSRF", func(t *testing.T) {
			c := &client{e: e, http: admin.http}
			if r := c.do("GET", "/api/v1/orgs", nil); r.status != 200 {
				t.Fatalf("%d", r.status)
			}
		})
		t.Run("RightTokenPasses", func(t *testing.T) {
			if r := admin.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", tokID), nil); r.status != 204 {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	})
}

func TestAPITokens(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		scjg := e.orgID("SCJG")
		r := admin.do("POST", "/api/v1/tokens", map[string]any{"org_id": scjg, "name": "市场监管执法系统"})
		if r.status != 201 {
			t.Fatalf("issue: %d %s", r.status, r.body)
		}
		secret, _ := r.json()["secret"].(string)
		tok, _ := r.json()["token"].(map[string]any)
		id := int64(num(tok["id"]))

		t.Run("IssueShowsSecretOnceAndStoresHash", func(t *testing.T) {
			if !strings.HasPrefix(secret, "xjt_") || len(secret) < 40 {
				t.Fatalf("secret %q", secret)
			}
			if tok["prefix"] != secret[:10] || tok["created_by"] != "admin" || int64(num(tok["org_id"])) != scjg || tok["revoked_at"] != nil {
				t.Errorf("token %v", tok)
			}
			// Every column of the stored row is free of the secret.
			rows, err := e.db.QueryContext(context.Background(), "SELECT * FROM api_tokens WHERE id = ?", id)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if !rows.Next() {
				t.Fatal("no token row")
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				s := fmt.Sprintf("%s", v)
				if b, ok := v.([]byte); ok {
					s = string(b)
				}
				if strings.Contains(s, secret[10:]) {
					t.Errorf("column %s holds the secret", cols[i])
				}
			}
			if e.countRows("api_tokens", "id = ? AND token_hash = ?", id, sha256Hex(secret)) != 1 {
				t.Error("token_hash is not SHA-256 of the secret")
			}
			// Listing never shows the secret again.
			l := admin.do("GET", "/api/v1/tokens", nil)
			if strings.Contains(string(l.body), secret) || strings.Contains(string(l.body), sha256Hex(secret)) {
				t.Error("list shows the secret or its hash")
			}
		})
		t.Run("BearerWorksWithoutCSRF", func(t *testing.T) {
			c := e.withToken(secret)
			r := c.do("GET", "/api/v1/orgs", nil)
			if r.status != 200 || len(items(t, r)) != 1 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			l := items(t, admin.do("GET", fmt.Sprintf("/api/v1/tokens?org_id=%d", scjg), nil))
			if len(l) != 1 || l[0]["last_used_at"] == nil {
				t.Errorf("last_used_at not set: %v", l)
			}
		})
		bad := []struct{ name, header string }{
			{"RejectsForgedToken", "Bearer xjt_" + strings.Repeat("A", 43)},
			{"RejectsTokenWithoutPrefix", "Bearer " + strings.TrimPrefix(secret, "xjt_")},
			{"RejectsBasicScheme", "Basic YWRtaW46ZGVtbw=="},
			{"RejectsBareSecret", secret},
			{"RejectsEmptyBearer", "Bearer "},
			{"RejectsLowercaseScheme", "bearer " + secret + "x"},
			{"RejectsOverlongToken", "Bearer xjt_" + strings.Repeat("A", 400)},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/orgs", nil)
				req.Header.Set("Authorization", tc.header)
				r := e.anon().send(req)
				if r.status != 401 || r.errCode() != "invalid_token" {
					t.Fatalf("%d %s", r.status, r.body)
				}
			})
		}
		t.Run("BadTokenOnPersonRouteIsInvalidNotForbidden", func(t *testing.T) {
			r := e.withToken("xjt_"+strings.Repeat("B", 43)).do("GET", "/api/v1/users", nil)
			if r.status != 401 || r.errCode() != "invalid_token" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
		t.Run("ListPagesNewestFirst", func(t *testing.T) {
			for i := range 4 {
				issueToken(t, admin, scjg, fmt.Sprintf("分页 %d", i))
			}
			want := e.countRows("api_tokens", "revoked_at IS NULL")
			var ids []float64
			cursor := ""
			for range 20 {
				r := admin.do("GET", "/api/v1/tokens?limit=2&cursor="+cursor, nil)
				if r.status != 200 || int(num(r.json()["total"])) != want {
					t.Fatalf("%d %s", r.status, r.body)
				}
				for _, x := range items(t, r) {
					ids = append(ids, num(x["id"]))
				}
				cursor, _ = r.json()["next_cursor"].(string)
				if cursor == "" {
					break
				}
			}
			if len(ids) != want || !slices.IsSortedFunc(ids, func(a, b float64) int { return int(b - a) }) {
				t.Fatalf("paged %v, want %d newest first", ids, want)
			}
		})
		t.Run("RevokedTokenIsInvalid", func(t *testing.T) {
			if r := admin.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), nil); r.status != 204 {
				t.Fatalf("revoke: %d %s", r.status, r.body)
			}
			r := e.withToken(secret).do("GET", "/api/v1/orgs", nil)
			if r.status != 401 || r.errCode() != "invalid_token" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			// A second revoke is harmless and adds no audit row.
			n := e.countRows("audit_log", "")
			if r := admin.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), nil); r.status != 204 || e.countRows("audit_log", "") != n {
				t.Errorf("second revoke: %d", r.status)
			}
			find := func(query string) map[string]any {
				for _, x := range items(t, admin.do("GET", "/api/v1/tokens?limit=500"+query, nil)) {
					if int64(num(x["id"])) == id {
						return x
					}
				}
				return nil
			}
			if x := find(""); x != nil {
				t.Errorf("revoked token listed by default: %v", x)
			}
			if x := find("&include_revoked=true"); x == nil || x["revoked_at"] == nil {
				t.Errorf("include_revoked: %v", x)
			}
		})
		t.Run("RevokeUnknownIsNotFound", func(t *testing.T) {
			for _, p := range []string{"/api/v1/tokens/999999", "/api/v1/tokens/abc", "/api/v1/tokens/0"} {
				if r := admin.do("DELETE", p, nil); r.status != 404 || r.errCode() != "not_found" {
					t.Errorf("%s: %d %s", p, r.status, r.body)
				}
			}
		})
		t.Run("IssueValidates", func(t *testing.T) {
			n := e.countRows("api_tokens", "")
			cases := []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"org_id": scjg, "name": ""}, "name"},
				{map[string]any{"org_id": scjg, "name": strings.Repeat("长", 61)}, "name"},
				{map[string]any{"name": "无机构"}, "org_id"},
			}
			for _, c := range cases {
				r := admin.do("POST", "/api/v1/tokens", c.body)
				if r.status != 400 || !slices.Contains(fieldsOf(r), c.field) {
					t.Errorf("%v: %d %s", c.body, r.status, r.body)
				}
			}
			if r := admin.do("POST", "/api/v1/tokens", map[string]any{"org_id": 999999, "name": "x"}); r.status != 404 {
				t.Errorf("unknown org: %d %s", r.status, r.body)
			}
			if e.countRows("api_tokens", "") != n {
				t.Error("token written")
			}
		})
	})
}
