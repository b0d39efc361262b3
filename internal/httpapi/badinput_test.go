package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xingjian/xingjian/internal/demo"
)

// writeState summarises every table an API change could touch, to prove a
// failed request wrote nothing.
func (e *env) writeState() string {
	e.t.Helper()
	var b strings.Builder
	for _, tb := range []string{"orgs", "org_domains", "users", "api_tokens", "audit_log", "sessions"} {
		fmt.Fprintf(&b, "%s=%d ", tb, e.countRows(tb, ""))
	}
	var sum int
	if err := e.db.QueryRowContext(context.Background(), "SELECT COALESCE(SUM(version), 0) FROM orgs").Scan(&sum); err != nil {
		e.t.Fatal(err)
	}
	fmt.Fprintf(&b, "orgversions=%d ", sum)
	if err := e.db.QueryRowContext(context.Background(), "SELECT COALESCE(SUM(version), 0) FROM users").Scan(&sum); err != nil {
		e.t.Fatal(err)
	}
	fmt.Fprintf(&b, "userversions=%d", sum)
	return b.String()
}

// rawRequest sends body with a chosen Content-Type (none when ct is "").
func (c *client) rawRequest(method, path, ct string, body []byte) response {
	c.e.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		c.e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.send(req)
}

// badCheck returns a credit code with a wrong GB 32100 check character.
func badCheck(uscc string) string {
	last := uscc[17]
	for _, c := range []byte("0123456789ABCDEFGHJKLMNPQRTUWXY") {
		if c != last {
			return uscc[:17] + string(c)
		}
	}
	return ""
}

func TestBadInputBodies(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		zrzy := e.orgID("ZRZY")
		cases := []struct {
			name, method, path, ct string
			body                   []byte
			status                 int
			code                   string
		}{
			{"MalformedJSON", "POST", "/api/v1/orgs", "application/json", []byte(`{"code":"X1",`), 400, "malformed_json"},
			{"NotJSONAtAll", "POST", "/api/v1/orgs", "application/json", []byte(`code=X1`), 400, "malformed_json"},
			{"WrongTypeString", "POST", "/api/v1/orgs", "application/json", []byte(`{"code":1,"name":"类型错","kind":"agency"}`), 400, "malformed_json"},
			{"WrongTypeDomains", "POST", "/api/v1/orgs", "application/json", []byte(`{"code":"X2","name":"类型错","kind":"agency","domains":"market"}`), 400, "malformed_json"},
			{"WrongTypeVersion", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", zrzy), "application/json", []byte(`{"version":"1","name":"类型错"}`), 400, "malformed_json"},
			{"WrongTypeOrgID", "POST", "/api/v1/users", "application/json", []byte(`{"username":"typo","display_name":"t","org_id":"1","role":"prosecutor","password":"Type2026pw"}`), 400, "malformed_json"},
			{"ArrayInsteadOfObject", "POST", "/api/v1/tokens", "application/json", []byte(`[{"org_id":1,"name":"x"}]`), 400, "malformed_json"},
			{"TwoObjects", "POST", "/api/v1/orgs", "application/json", []byte(`{"code":"X3","name":"两个","kind":"agency"} {}`), 400, "malformed_json"},
			{"EmptyBody", "POST", "/api/v1/orgs", "application/json", nil, 400, "malformed_json"},
			{"WhitespaceBody", "POST", "/api/v1/users", "application/json", []byte("  \n "), 400, "malformed_json"},
			{"EmptyBodyNoContentType", "POST", "/api/v1/tokens", "", nil, 400, "malformed_json"},
			{"TextPlain", "POST", "/api/v1/orgs", "text/plain", []byte(`{"code":"X4","name":"文本","kind":"agency"}`), 415, "unsupported_media_type"},
			{"FormEncoded", "POST", "/api/v1/users", "application/x-www-form-urlencoded", []byte(`username=x`), 415, "unsupported_media_type"},
			{"BadContentType", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", zrzy), "application/", []byte(`{}`), 415, "unsupported_media_type"},
			{"TooLarge", "POST", "/api/v1/orgs", "application/json",
				[]byte(`{"code":"X5","name":"大","kind":"agency","contact":"` + strings.Repeat("a", 1<<20) + `"}`), 413, "body_too_large"},
		}
		for _, tc := range cases {
			t.Run("Rejects"+tc.name, func(t *testing.T) {
				before := e.writeState()
				r := admin.rawRequest(tc.method, tc.path, tc.ct, tc.body)
				if r.status != tc.status || r.errCode() != tc.code {
					t.Fatalf("%d %s", r.status, r.body)
				}
				if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || errMessage(r) == "" {
					t.Errorf("error not JSON with a message: %q %s", r.header.Get("Content-Type"), r.body)
				}
				if after := e.writeState(); after != before {
					t.Errorf("partial write:\n%s\n%s", before, after)
				}
				if r := admin.do("GET", "/api/v1/session", nil); r.status != 200 {
					t.Fatalf("server stopped answering: %d", r.status)
				}
			})
		}
		t.Run("AcceptsJSONWithCharset", func(t *testing.T) {
			r := admin.rawRequest("POST", "/api/v1/tokens", "application/json; charset=utf-8", []byte(fmt.Sprintf(`{"org_id":%d,"name":"字符集"}`, zrzy)))
			if r.status != 201 {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
		t.Run("AcceptsBodyJustUnderLimit", func(t *testing.T) {
			pad := strings.Repeat(" ", (1<<20)-200)
			r := admin.rawRequest("POST", "/api/v1/tokens", "application/json", []byte(fmt.Sprintf(`{"org_id":%d,"name":"边界"}%s`, zrzy, pad)))
			if r.status != 201 {
				t.Fatalf("%d %.200s", r.status, r.body)
			}
		})
		t.Run("IgnoresUnknownFields", func(t *testing.T) {
			r := admin.do("POST", "/api/v1/tokens", map[string]any{"org_id": zrzy, "name": "多余字段", "secret": "xjt_mine", "id": 1})
			if r.status != 201 || r.json()["secret"] == "xjt_mine" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
		t.Run("LoginRejectsMalformedBody", func(t *testing.T) {
			before := e.countRows("login_log", "")
			r := e.anon().rawRequest("POST", "/api/v1/session", "application/json", []byte(`{"username":`))
			if r.status != 400 || r.errCode() != "malformed_json" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if n := e.countRows("login_log", ""); n != before {
				t.Fatalf("a malformed login was logged as an attempt (%d → %d rows)", before, n)
			}
		})
	})
}

func TestBadInputPathsAndParams(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		cases := []struct {
			name, method, path string
			status             int
			code               string
		}{
			{"UnknownAPIPath", "GET", "/api/v1/nothing-here", 404, "not_found"},
			{"UnknownAPIVersion", "GET", "/api/v2/orgs", 404, "not_found"},
			{"NonNumericID", "GET", "/api/v1/orgs/abc", 404, "not_found"},
			{"ZeroID", "GET", "/api/v1/users/0", 404, "not_found"},
			{"NegativeID", "GET", "/api/v1/users/-3", 404, "not_found"},
			{"MissingOrg", "GET", "/api/v1/orgs/987654", 404, "not_found"},
			{"MissingUser", "GET", "/api/v1/users/987654", 404, "not_found"},
			{"LimitZero", "GET", "/api/v1/orgs?limit=0", 400, "validation_failed"},
			{"LimitTooBig", "GET", "/api/v1/orgs?limit=501", 400, "validation_failed"},
			{"LimitText", "GET", "/api/v1/users?limit=ten", 400, "validation_failed"},
			{"CursorText", "GET", "/api/v1/orgs?cursor=abc", 400, "validation_failed"},
			{"CursorNegative", "GET", "/api/v1/audit?cursor=-5", 400, "validation_failed"},
			{"ParentIDText", "GET", "/api/v1/orgs?parent_id=x", 400, "validation_failed"},
			{"OrgIDText", "GET", "/api/v1/users?org_id=1.5", 400, "validation_failed"},
			{"TokenOrgIDText", "GET", "/api/v1/tokens?org_id=abc", 400, "validation_failed"},
			{"TokenLimitTooBig", "GET", "/api/v1/tokens?limit=1000", 400, "validation_failed"},
			{"TokenCursorText", "GET", "/api/v1/tokens?cursor=next", 400, "validation_failed"},
			{"AuditUserIDText", "GET", "/api/v1/audit?user_id=me", 400, "validation_failed"},
			{"AuditFromNotADate", "GET", "/api/v1/audit?from=2026-02-30", 400, "validation_failed"},
			{"AuditToWrongFormat", "GET", "/api/v1/audit?to=2026/01/01", 400, "validation_failed"},
			{"LoginsFromTimestamp", "GET", "/api/v1/logins?from=2026-01-01T00:00:00Z", 400, "validation_failed"},
			{"LoginsSuccessNotBool", "GET", "/api/v1/logins?success=maybe", 400, "validation_failed"},
		}
		for _, tc := range cases {
			t.Run("Rejects"+tc.name, func(t *testing.T) {
				r := admin.do(tc.method, tc.path, nil)
				if r.status != tc.status || r.errCode() != tc.code {
					t.Fatalf("%d %s", r.status, r.body)
				}
				if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
					t.Errorf("not JSON: %q", r.header.Get("Content-Type"))
				}
			})
		}
		methods := []struct {
			name, method, path, allow string
		}{
			{"PutOnOrgs", "PUT", "/api/v1/orgs", "GET, POST"},
			{"DeleteOnOrg", "DELETE", "/api/v1/orgs/1", "GET, PATCH"},
			{"PostOnAuditVerify", "POST", "/api/v1/audit/verify", "GET"},
			{"GetOnPassword", "GET", "/api/v1/session/password", "PUT"},
			{"PatchOnSession", "PATCH", "/api/v1/session", "POST, GET, DELETE"},
		}
		for _, tc := range methods {
			t.Run("RejectsMethod"+tc.name, func(t *testing.T) {
				before := e.writeState()
				r := admin.do(tc.method, tc.path, map[string]any{})
				if r.status != 405 || r.errCode() != "method_not_allowed" {
					t.Fatalf("%d %s", r.status, r.body)
				}
				got := strings.Split(r.header.Get("Allow"), ", ")
				want := strings.Split(tc.allow, ", ")
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("Allow %q, want %q", r.header.Get("Allow"), tc.allow)
				}
				if e.writeState() != before {
					t.Error("something was written")
				}
			})
		}
		t.Run("UnknownAPIPathIsJSONForAnonymousToo", func(t *testing.T) {
			r := e.anon().do("GET", "/api/v1/nothing-here", nil)
			if r.status != 404 || r.errCode() != "not_found" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
		t.Run("PagesOrgsWithCursor", func(t *testing.T) {
			total := e.countRows("orgs", "disabled = FALSE")
			var ids []float64
			cursor := ""
			for range 100 {
				r := admin.do("GET", "/api/v1/orgs?limit=4&cursor="+cursor, nil)
				if r.status != 200 || int(num(r.json()["total"])) != total {
					t.Fatalf("%d %s", r.status, r.body)
				}
				its := items(t, r)
				if len(its) > 4 {
					t.Fatalf("page of %d", len(its))
				}
				for _, o := range its {
					ids = append(ids, num(o["id"]))
				}
				cursor, _ = r.json()["next_cursor"].(string)
				if cursor == "" {
					break
				}
			}
			if len(ids) != total || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != total {
				t.Fatalf("paged ids %v, want %d distinct ascending", ids, total)
			}
		})
		t.Run("LimitBoundsAccepted", func(t *testing.T) {
			for _, q := range []string{"limit=1", "limit=500", "cursor=0", "limit=50&cursor=999999"} {
				if r := admin.do("GET", "/api/v1/users?"+q, nil); r.status != 200 {
					t.Errorf("%s: %d %s", q, r.status, r.body)
				}
			}
			r := admin.do("GET", "/api/v1/users?limit=1", nil)
			if len(items(t, r)) != 1 || r.json()["next_cursor"] == "" {
				t.Errorf("limit=1: %s", r.body)
			}
		})
		t.Run("SearchTreatsWildcardsLiterally", func(t *testing.T) {
			for _, q := range []string{"%25", "_", "%5C"} {
				if its := items(t, admin.do("GET", "/api/v1/orgs?q="+q, nil)); len(its) != 0 {
					t.Errorf("q=%s matched %d orgs", q, len(its))
				}
			}
			its := items(t, admin.do("GET", "/api/v1/orgs?q=scjg", nil))
			if len(its) != 1 || its[0]["code"] != "SCJG" {
				t.Errorf("q=scjg: %v", its)
			}
		})
	})
}

func TestBadInputValidation(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		qljcy, scjg, gaql := e.orgID("QLJCY"), e.orgID("SCJG"), e.orgID("GAQL")
		freshUSCC := demo.USCC(500)
		takenUSCC := demo.USCC(8) // SCJG's
		org := func(over map[string]any) map[string]any {
			m := map[string]any{"code": "NEW1", "name": "新建测试局", "kind": "agency", "domains": []string{"market"}, "uscc": freshUSCC}
			for k, v := range over {
				m[k] = v
			}
			return m
		}
		user := func(over map[string]any) map[string]any {
			m := map[string]any{"username": "newuser", "display_name": "新用户", "org_id": qljcy, "role": "prosecutor", "password": "Newuser2026"}
			for k, v := range over {
				m[k] = v
			}
			return m
		}
		patchOrg := func(id int64, over map[string]any) map[string]any {
			m := map[string]any{"version": e.version("orgs", id)}
			for k, v := range over {
				m[k] = v
			}
			return m
		}
		cases := []struct {
			name, method, path string
			body               any
			status             int
			code               string
			field              string // in details[].field (validation) or details.field (duplicate)
		}{
			{"BadOrgCode", "POST", "/api/v1/orgs", org(map[string]any{"code": "bad code!"}), 400, "validation_failed", "code"},
			{"EmptyOrgCode", "POST", "/api/v1/orgs", org(map[string]any{"code": ""}), 400, "validation_failed", "code"},
			{"LongOrgCode", "POST", "/api/v1/orgs", org(map[string]any{"code": strings.Repeat("A", 33)}), 400, "validation_failed", "code"},
			{"MissingName", "POST", "/api/v1/orgs", org(map[string]any{"name": ""}), 400, "validation_failed", "name"},
			{"UnknownKind", "POST", "/api/v1/orgs", org(map[string]any{"kind": "ministry"}), 400, "validation_failed", "kind"},
			{"UnknownDomain", "POST", "/api/v1/orgs", org(map[string]any{"domains": []string{"market", "space"}}), 400, "validation_failed", "domains"},
			{"BadUSCCLength", "POST", "/api/v1/orgs", org(map[string]any{"uscc": "1144"}), 400, "validation_failed", "uscc"},
			{"BadUSCCChar", "POST", "/api/v1/orgs", org(map[string]any{"uscc": freshUSCC[:10] + "I" + freshUSCC[11:]}), 400, "validation_failed", "uscc"},
			{"MissingParent", "POST", "/api/v1/orgs", org(map[string]any{"parent_id": 987654}), 400, "validation_failed", "parent_id"},
			{"DuplicateOrgCode", "POST", "/api/v1/orgs", org(map[string]any{"code": "SCJG"}), 409, "duplicate", "code"},
			{"DuplicateOrgCodeOnUpdate", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", gaql), patchOrg(gaql, map[string]any{"code": "SCJG"}), 409, "duplicate", "code"},
			{"DuplicateOrgName", "POST", "/api/v1/orgs", org(map[string]any{"name": "江州市青岚区市场监督管理局"}), 409, "duplicate", "name"},
			{"DuplicateUSCC", "POST", "/api/v1/orgs", org(map[string]any{"uscc": takenUSCC}), 409, "duplicate", "uscc"},
			{"DuplicateUSCCLowerCase", "POST", "/api/v1/orgs", org(map[string]any{"uscc": strings.ToLower(takenUSCC)}), 409, "duplicate", "uscc"},
			{"DuplicateUSCCOnUpdate", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", gaql), patchOrg(gaql, map[string]any{"uscc": takenUSCC}), 409, "duplicate", "uscc"},
			{"ParentIsSelf", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", gaql), patchOrg(gaql, map[string]any{"parent_id": gaql}), 400, "validation_failed", "parent_id"},
			{"ParentIsChild", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", gaql), patchOrg(gaql, map[string]any{"parent_id": e.orgID("GAQL-BS")}), 400, "validation_failed", "parent_id"},
			{"DisableOwnOrg", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", qljcy), patchOrg(qljcy, map[string]any{"disabled": true}), 400, "validation_failed", ""},
			{"StaleOrgVersion", "PATCH", fmt.Sprintf("/api/v1/orgs/%d", scjg), map[string]any{"version": 0, "name": "过期修改"}, 409, "conflict", ""},
			{"UpdateMissingOrg", "PATCH", "/api/v1/orgs/987654", map[string]any{"version": 1, "name": "无"}, 404, "not_found", ""},
			{"BadUsername", "POST", "/api/v1/users", user(map[string]any{"username": "Bad Name"}), 400, "validation_failed", "username"},
			{"ShortUsername", "POST", "/api/v1/users", user(map[string]any{"username": "a"}), 400, "validation_failed", "username"},
			{"MissingDisplayName", "POST", "/api/v1/users", user(map[string]any{"display_name": " "}), 400, "validation_failed", "display_name"},
			{"UnknownRole", "POST", "/api/v1/users", user(map[string]any{"role": "superuser"}), 400, "validation_failed", "role"},
			{"AgencySystemRoleForPerson", "POST", "/api/v1/users", user(map[string]any{"role": "agency_system"}), 400, "validation_failed", "role"},
			{"RoleNotAllowedInOrgKind", "POST", "/api/v1/users", user(map[string]any{"role": "agency_liaison"}), 400, "validation_failed", "role"},
			{"ProsecutorInAgency", "POST", "/api/v1/users", user(map[string]any{"org_id": scjg}), 400, "validation_failed", "role"},
			{"UnknownOrg", "POST", "/api/v1/users", user(map[string]any{"org_id": 987654}), 400, "validation_failed", "org_id"},
			{"MissingOrg", "POST", "/api/v1/users", user(map[string]any{"org_id": nil}), 400, "validation_failed", "org_id"},
			{"BadEmail", "POST", "/api/v1/users", user(map[string]any{"email": "not-an-email"}), 400, "validation_failed", "email"},
			{"NoPassword", "POST", "/api/v1/users", user(map[string]any{"password": nil}), 400, "validation_failed", "password"},
			{"ShortPassword", "POST", "/api/v1/users", user(map[string]any{"password": "Ab1"}), 400, "validation_failed", "password"},
			{"PasswordWithoutDigit", "POST", "/api/v1/users", user(map[string]any{"password": "abcdefghij"}), 400, "validation_failed", "password"},
			{"PasswordWithoutLetter", "POST", "/api/v1/users", user(map[string]any{"password": "1234567890"}), 400, "validation_failed", "password"},
			{"DemoPassword", "POST", "/api/v1/users", user(map[string]any{"password": "demo"}), 400, "validation_failed", "password"},
			{"DuplicateUsername", "POST", "/api/v1/users", user(map[string]any{"username": "prosecutor"}), 409, "duplicate", "username"},
			{"DuplicateUsernameOtherCase", "POST", "/api/v1/users", user(map[string]any{"username": " Prosecutor "}), 409, "duplicate", "username"},
			{"StaleUserVersion", "PATCH", fmt.Sprintf("/api/v1/users/%d", e.userID("leader")), map[string]any{"version": 99, "phone": "1"}, 409, "conflict", ""},
			{"RenameUser", "PATCH", fmt.Sprintf("/api/v1/users/%d", e.userID("leader")),
				map[string]any{"version": e.version("users", e.userID("leader")), "username": "leader2"}, 400, "validation_failed", ""},
			{"PasswordViaPatch", "PATCH", fmt.Sprintf("/api/v1/users/%d", e.userID("leader")),
				map[string]any{"version": e.version("users", e.userID("leader")), "password": "Sneaky2026pw"}, 400, "validation_failed", ""},
			{"MoveUserToWrongKind", "PATCH", fmt.Sprintf("/api/v1/users/%d", e.userID("leader")),
				map[string]any{"version": e.version("users", e.userID("leader")), "org_id": scjg}, 400, "validation_failed", "role"},
			{"DisableSelf", "PATCH", fmt.Sprintf("/api/v1/users/%d", e.userID("admin")),
				map[string]any{"version": e.version("users", e.userID("admin")), "disabled": true}, 400, "validation_failed", ""},
			{"DemoteSelf", "PATCH", fmt.Sprintf("/api/v1/users/%d", e.userID("admin")),
				map[string]any{"version": e.version("users", e.userID("admin")), "role": "prosecutor"}, 400, "validation_failed", ""},
			{"WeakResetPassword", "POST", fmt.Sprintf("/api/v1/users/%d/password", e.userID("leader")), map[string]string{"password": "short"}, 400, "validation_failed", "password"},
			{"ResetMissingUser", "POST", "/api/v1/users/987654/password", map[string]string{"password": "Valid2026pw"}, 404, "not_found", ""},
		}
		for _, tc := range cases {
			t.Run("Rejects"+tc.name, func(t *testing.T) {
				before := e.writeState()
				r := admin.do(tc.method, tc.path, tc.body)
				if r.status != tc.status || r.errCode() != tc.code {
					t.Fatalf("%d %s", r.status, r.body)
				}
				switch {
				case tc.code == "validation_failed" && tc.field != "":
					if !slices.Contains(fieldsOf(r), tc.field) {
						t.Errorf("details lack field %q: %s", tc.field, r.body)
					}
				case tc.code == "duplicate":
					d, _ := errDetails(r).(map[string]any)
					if d["field"] != tc.field {
						t.Errorf("details.field %v, want %q: %s", d["field"], tc.field, r.body)
					}
				}
				if !strings.ContainsFunc(errMessage(r), func(c rune) bool { return c >= 0x4e00 && c <= 0x9fff }) {
					t.Errorf("message not in Chinese: %q", errMessage(r))
				}
				if after := e.writeState(); after != before {
					t.Errorf("partial write:\n%s\n%s", before, after)
				}
				if r := admin.do("GET", "/api/v1/session", nil); r.status != 200 {
					t.Fatalf("server stopped answering: %d", r.status)
				}
			})
		}

		t.Run("AcceptsUSCCWithBadCheckCharacter", func(t *testing.T) {
			code := badCheck(demo.USCC(501))
			r := admin.do("POST", "/api/v1/orgs", org(map[string]any{"code": "WARN1", "name": "校验位存疑局", "uscc": code}))
			if r.status != 201 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if r.json()["uscc_valid"] != false || r.json()["uscc"] != code {
				t.Fatalf("%s", r.body)
			}
			g := admin.do("GET", fmt.Sprintf("/api/v1/orgs/%v", r.json()["id"]), nil)
			if g.json()["uscc_valid"] != false {
				t.Errorf("stored uscc_valid: %s", g.body)
			}
		})
		t.Run("AcceptsValidOrgAndNormalises", func(t *testing.T) {
			r := admin.do("POST", "/api/v1/orgs", org(map[string]any{"code": " NEW2 ", "name": "规范化测试局", "uscc": strings.ToLower(freshUSCC),
				"domains": []string{"tax", "market", "tax"}, "parent_id": scjg}))
			if r.status != 201 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			m := r.json()
			ds, _ := m["domains"].([]any)
			if m["code"] != "NEW2" || m["uscc"] != freshUSCC || m["uscc_valid"] != true || len(ds) != 2 ||
				int64(num(m["parent_id"])) != scjg || num(m["version"]) != 1 || m["kind_name"] != "行政执法机关" {
				t.Errorf("%s", r.body)
			}
		})
		t.Run("StaleVersionChangesNothing", func(t *testing.T) {
			v := e.version("orgs", scjg)
			first := admin.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", scjg), map[string]any{"version": v, "contact": "先到"})
			if first.status != 200 || num(first.json()["version"]) != float64(v+1) {
				t.Fatalf("first: %d %s", first.status, first.body)
			}
			second := admin.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", scjg), map[string]any{"version": v, "contact": "后到"})
			if second.status != 409 || second.errCode() != "conflict" {
				t.Fatalf("second: %d %s", second.status, second.body)
			}
			if g := admin.do("GET", fmt.Sprintf("/api/v1/orgs/%d", scjg), nil); g.json()["contact"] != "先到" {
				t.Fatalf("stale write landed: %s", g.body)
			}
		})
		t.Run("ClearsParentWithNull", func(t *testing.T) {
			bs := e.orgID("GAQL-BS")
			r := admin.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", bs), map[string]any{"version": e.version("orgs", bs), "parent_id": nil})
			if r.status != 200 || r.json()["parent_id"] != nil {
				t.Fatalf("%d %s", r.status, r.body)
			}
			// and the former cycle is now allowed the other way round
			r = admin.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", gaql), map[string]any{"version": e.version("orgs", gaql), "parent_id": bs})
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	})
}
