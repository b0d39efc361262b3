package httpapi_test

import "testing"

func TestLoginAndReadOwnSession(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		c := e.login("prosecutor")
		r := c.do("GET", "/api/v1/session", nil)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		u := r.json()["user"].(map[string]any)
		if u["role_name"] != "检察官" || u["org_kind"] != "procuratorate" {
			t.Fatalf("user %v", u)
		}
	})
}
