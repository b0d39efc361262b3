package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

func code(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "untyped: " + err.Error()
	}
	return ""
}

func TestScopeWhere(t *testing.T) {
	cases := []struct {
		name     string
		scope    auth.Scope
		cols     []string
		wantCond string
		wantArgs []any
	}{
		{"DistrictSeesEverything", auth.Scope{District: true, OrgID: 3}, []string{"r.org_id"}, "1 = 1", nil},
		{"DistrictWithoutColumns", auth.Scope{District: true}, nil, "1 = 1", nil},
		{"OwnOrgOneColumn", auth.Scope{OrgID: 7}, []string{"o.id"}, "(o.id = ?)", []any{int64(7)}},
		{"OwnOrgAnyOfColumns", auth.Scope{OrgID: 7}, []string{"r.org_id", "s.recipient_org_id"}, "(r.org_id = ? OR s.recipient_org_id = ?)", []any{int64(7), int64(7)}},
		{"OwnOrgWithoutColumnsSeesNothing", auth.Scope{OrgID: 7}, nil, "1 = 0", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cond, args := tc.scope.Where(tc.cols...)
			if cond != tc.wantCond || !slices.Equal(args, tc.wantArgs) {
				t.Fatalf("Where = %q %v, want %q %v", cond, args, tc.wantCond, tc.wantArgs)
			}
		})
	}
}

func TestScopeAllows(t *testing.T) {
	cases := []struct {
		name  string
		scope auth.Scope
		orgs  []int64
		want  bool
	}{
		{"DistrictAllowsAny", auth.Scope{District: true, OrgID: 1}, []int64{99}, true},
		{"DistrictAllowsNoOrg", auth.Scope{District: true}, nil, true},
		{"OwnOrgAllowed", auth.Scope{OrgID: 5}, []int64{5}, true},
		{"AddressedToOwnOrgAllowed", auth.Scope{OrgID: 5}, []int64{9, 5}, true},
		{"OtherOrgRefused", auth.Scope{OrgID: 5}, []int64{6}, false},
		{"NoOrgRefused", auth.Scope{OrgID: 5}, nil, false},
		{"NilPrincipalRefusesEverything", (*auth.Principal)(nil).Scope(), []int64{0, 1}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.scope.Allows(tc.orgs...); got != tc.want {
				t.Fatalf("Allows(%v) = %v", tc.orgs, got)
			}
		})
	}
}

// TestScopeWhereRunsOnBothEngines runs the fragments as real SQL.
func TestScopeWhereRunsOnBothEngines(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		var total, scjg int64
		_ = db.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs").Scan(&total)
		_ = db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = 'SCJG'").Scan(&scjg)
		cases := []struct {
			name  string
			scope auth.Scope
			cols  []string
			want  int64
		}{
			{"District", auth.Scope{District: true}, []string{"o.id"}, total},
			{"OwnOrg", auth.Scope{OrgID: scjg}, []string{"o.id"}, 1},
			{"OwnOrgOrParent", auth.Scope{OrgID: scjg}, []string{"o.id", "o.parent_id"}, 1},
			{"Nothing", auth.Scope{OrgID: scjg}, nil, 0},
			{"NilPrincipal", (*auth.Principal)(nil).Scope(), []string{"o.id"}, 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				cond, args := tc.scope.Where(tc.cols...)
				var n int64
				if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs o WHERE "+cond, args...).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != tc.want {
					t.Fatalf("%d rows, want %d", n, tc.want)
				}
			})
		}
	})
}

func TestPrincipal(t *testing.T) {
	t.Run("NilCanNothing", func(t *testing.T) {
		var p *auth.Principal
		if p.Can(auth.PermOrgRead) || p.Scope().District {
			t.Fatal("nil principal has powers")
		}
		if a := p.Actor(); a.UserID != 0 || a.Username != "system" {
			t.Fatalf("actor %+v", a)
		}
	})
	t.Run("TokenActorIsMarked", func(t *testing.T) {
		p := &auth.Principal{TokenID: 4, Username: "市场系统", OrgID: 9, IP: "10.0.0.1"}
		if a := p.Actor(); a.Username != "token:市场系统" || a.UserID != 0 || a.OrgID != 9 || a.IP != "10.0.0.1" {
			t.Fatalf("actor %+v", a)
		}
	})
	t.Run("ContextRoundTrip", func(t *testing.T) {
		p := &auth.Principal{Username: "x"}
		if auth.FromContext(auth.WithPrincipal(context.Background(), p)) != p || auth.FromContext(context.Background()) != nil {
			t.Fatal("context")
		}
	})
}

// TestRolePermissions pins the permission table of docs/api-foundation.md.
func TestRolePermissions(t *testing.T) {
	want := map[string][]string{
		auth.PermDashboardView:   {"admin", "prosecutor", "dept_head", "chief", "justice_officer", "agency_liaison", "petition_liaison", "court_liaison", "leader"},
		auth.PermOrgRead:         {"admin", "prosecutor", "dept_head", "chief", "justice_officer", "agency_liaison", "petition_liaison", "court_liaison", "leader"},
		auth.PermOrgManage:       {"admin"},
		auth.PermUserRead:        {"admin", "dept_head", "chief"},
		auth.PermUserManage:      {"admin"},
		auth.PermTokenManage:     {"admin", "agency_liaison"},
		auth.PermAuditRead:       {"admin"},
		auth.PermRecordRead:      {"admin", "prosecutor", "dept_head", "chief", "justice_officer", "agency_liaison"},
		auth.PermRecordImport:    {"admin", "agency_liaison"},
		auth.PermRecordPush:      nil,
		auth.PermReferenceRead:   {"admin", "prosecutor", "dept_head", "chief", "justice_officer", "agency_liaison", "petition_liaison", "court_liaison", "leader"},
		auth.PermReferenceManage: {"admin", "prosecutor", "justice_officer", "agency_liaison"},
		auth.PermCaseManage:      {"admin", "prosecutor", "dept_head", "chief", "justice_officer"},
		auth.PermDatasetRead:     {"admin", "prosecutor", "dept_head", "chief", "agency_liaison", "petition_liaison", "court_liaison"},
		auth.PermDatasetImport:   {"admin", "agency_liaison", "petition_liaison", "court_liaison"},
		auth.PermDatasetManage:   {"admin"},
		auth.PermModelRead:       {"admin", "prosecutor", "dept_head", "chief"},
		auth.PermModelRun:        {"admin", "prosecutor", "dept_head"},
		auth.PermModelManage:     {"admin", "prosecutor", "dept_head"},
		auth.PermModelAnalyst:    {"admin", "prosecutor", "dept_head"},
		auth.PermLeadRead:        {"admin", "prosecutor", "dept_head", "chief"},
		auth.PermLeadTriage:      {"prosecutor", "dept_head", "chief"},
		auth.PermSelfCheck:       {"agency_liaison"},
		// Casework (issue 5).
		auth.PermCaseRead:          {"prosecutor", "dept_head", "chief"},
		auth.PermCaseHandle:        {"prosecutor", "dept_head", "chief"},
		auth.PermSuggestionApprove: {"dept_head", "chief"},
		auth.PermEscalationApprove: {"chief"},
		auth.PermSuggestionReply:   {"agency_liaison", "court_liaison"},
		auth.PermEscalationHandle:  {"justice_officer"},
		auth.PermCaseworkStats:     {"prosecutor", "dept_head", "chief", "leader"},
		auth.PermCaseworkConfigure: {"admin", "chief"},
	}
	for perm, roles := range want {
		t.Run(perm, func(t *testing.T) {
			var got []string
			for _, r := range auth.Roles {
				if slices.Contains(r.Permissions, perm) {
					got = append(got, r.Code)
				}
			}
			if !slices.Equal(got, roles) {
				t.Fatalf("held by %v, want %v", got, roles)
			}
		})
	}
	district := map[string]bool{"admin": true, "prosecutor": true, "dept_head": true, "chief": true, "justice_officer": true, "leader": true}
	for _, r := range auth.Roles {
		if r.District != district[r.Code] {
			t.Errorf("%s district = %v", r.Code, r.District)
		}
		if r.Name == "" || len(r.OrgKinds) == 0 {
			t.Errorf("%s lacks a name or org kinds", r.Code)
		}
		for _, k := range r.OrgKinds {
			if auth.OrgKindName(k) == "" {
				t.Errorf("%s allows unknown kind %s", r.Code, k)
			}
		}
	}
	if _, ok := auth.LookupRole(auth.RoleAgencySystem); ok {
		t.Error("the token role must not be assignable to people")
	}
	kinds := []struct {
		role, kind string
		ok         bool
	}{
		{auth.RoleAgencyLiaison, auth.KindAgency, true},
		{auth.RoleAgencyLiaison, auth.KindTownGovernment, true},
		{auth.RoleAgencyLiaison, auth.KindProcuratorate, false},
		{auth.RoleLeader, auth.KindRuleOfLawOffice, true},
		{auth.RoleCourtLiaison, auth.KindPetitionBureau, false},
		{auth.RoleAdmin, auth.KindJusticeBureau, false},
	}
	for _, k := range kinds {
		r, _ := auth.LookupRole(k.role)
		if r.AllowsKind(k.kind) != k.ok {
			t.Errorf("%s in %s: %v", k.role, k.kind, !k.ok)
		}
	}
}

func TestPasswordHashing(t *testing.T) {
	h1, err := auth.HashPassword("Correct horse 1")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword("Correct horse 1")
	t.Run("UsesArgon2idPHCFormat", func(t *testing.T) {
		if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Count(h1, "$") != 5 {
			t.Fatalf("hash %q", h1)
		}
		if h1 == h2 {
			t.Fatal("same hash twice: no salt")
		}
		if strings.Contains(h1, "Correct") {
			t.Fatal("password in hash")
		}
	})
	checks := []struct {
		name, hash, pw string
		ok             bool
		err            bool
	}{
		{"AcceptsRightPassword", h1, "Correct horse 1", true, false},
		{"AcceptsWithOtherSalt", h2, "Correct horse 1", true, false},
		{"RejectsWrongPassword", h1, "Correct horse 2", false, false},
		{"RejectsCaseChange", h1, "correct horse 1", false, false},
		{"RejectsEmpty", h1, "", false, false},
		{"ErrorsOnBcryptHash", "$2a$10$abcdefghijklmnopqrstuuO2hmc5e3eLyJ6a5dV3ZyWc2d8aZ1kTu", "x", false, true},
		{"ErrorsOnArgon2i", strings.Replace(h1, "argon2id", "argon2i", 1), "Correct horse 1", false, true},
		{"ErrorsOnOtherVersion", strings.Replace(h1, "v=19", "v=16", 1), "Correct horse 1", false, true},
		{"ErrorsOnBadParams", strings.Replace(h1, "m=19456", "m=lots", 1), "Correct horse 1", false, true},
		{"ErrorsOnBadSalt", strings.Replace(h1, "$argon2id$v=19$m=19456,t=2,p=1$", "$argon2id$v=19$m=19456,t=2,p=1$!!", 1), "Correct horse 1", false, true},
		{"ErrorsOnEmptyKey", h1[:strings.LastIndex(h1, "$")+1], "Correct horse 1", false, true},
		{"ErrorsOnEmptyHash", "", "x", false, true},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := auth.CheckPassword(tc.hash, tc.pw)
			if ok != tc.ok || (err != nil) != tc.err {
				t.Fatalf("CheckPassword = %v, %v", ok, err)
			}
		})
	}
	t.Run("VerifiesHashWithOtherRecordedParameters", func(t *testing.T) {
		salt := []byte("0123456789abcdef")
		key := argon2.IDKey([]byte("旧参数密码1"), salt, 1, 1024, 1, 16)
		h := fmt.Sprintf("$argon2id$v=19$m=1024,t=1,p=1$%s$%s", base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
		if ok, err := auth.CheckPassword(h, "旧参数密码1"); !ok || err != nil {
			t.Fatalf("%v %v", ok, err)
		}
		if ok, _ := auth.CheckPassword(h, "旧参数密码2"); ok {
			t.Fatal("wrong password accepted")
		}
	})
	t.Run("RoundTripsUnicode", func(t *testing.T) {
		h, _ := auth.HashPassword("检察监督2026")
		if ok, _ := auth.CheckPassword(h, "检察监督2026"); !ok {
			t.Fatal("unicode password")
		}
	})
}

func TestPasswordProblem(t *testing.T) {
	cases := []struct {
		name, pw string
		want     string // substring of the problem; "" = acceptable
	}{
		{"AcceptsLettersAndDigits", "abcd1234", ""},
		{"AcceptsChineseLetters", "检察监督工作2026", ""},
		{"AcceptsSymbols", "Pa$$w0rd!", ""},
		{"AcceptsExactly128Bytes", strings.Repeat("a", 127) + "1", ""},
		{"RejectsEmpty", "", "至少 8 位"},
		{"RejectsSevenChars", "abc1234", "至少 8 位"},
		{"RejectsDemo", "demo", "至少 8 位"},
		{"RejectsLettersOnly", "abcdefgh", "字母和数字"},
		{"RejectsDigitsOnly", "12345678", "字母和数字"},
		{"RejectsSymbolsAndDigits", "!!!!1234", "字母和数字"},
		{"RejectsOverlong", strings.Repeat("a", 128) + "1", "不能超过 128"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := auth.PasswordProblem(tc.pw)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("PasswordProblem(%q) = %q, want %q", tc.pw, got, tc.want)
			}
		})
	}
}

// fixture is a demo-seeded database with an auth service on a movable clock.
type fixture struct {
	t    *testing.T
	db   *store.DB
	a    *auth.Service
	ctx  context.Context
	skew atomic.Int64
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	if _, err := demo.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, a: auth.NewService(db), ctx: context.Background()}
	f.a.Now = func() time.Time { return time.Now().Add(time.Duration(f.skew.Load())) }
	return f
}

func (f *fixture) move(d time.Duration) { f.skew.Add(int64(d)) }

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (f *fixture) orgID(code string) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.QueryRowContext(f.ctx, "SELECT id FROM orgs WHERE code = ?", code).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) login(user string) (*auth.Principal, string) {
	f.t.Helper()
	p, secret, err := f.a.Login(f.ctx, user, demo.Password, "127.0.0.1", "go test")
	if err != nil {
		f.t.Fatalf("login %s: %v", user, err)
	}
	return p, secret
}

func TestTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.login("admin")
		liaison, _ := f.login("agency01")
		scjg, gaql := f.orgID("SCJG"), f.orgID("GAQL")
		tok, secret, err := f.a.IssueToken(f.ctx, admin, scjg, " 市场系统 ")
		if err != nil {
			t.Fatal(err)
		}
		t.Run("StoresSHA256OfSecret", func(t *testing.T) {
			sum := sha256.Sum256([]byte(secret))
			if f.count("SELECT COUNT(*) FROM api_tokens WHERE id = ? AND token_hash = ?", tok.ID, hex.EncodeToString(sum[:])) != 1 {
				t.Fatal("token_hash is not sha256(secret)")
			}
			if f.count("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? OR prefix = ?", secret, secret) != 0 {
				t.Fatal("secret stored")
			}
			if !strings.HasPrefix(secret, auth.TokenPrefix) || tok.Prefix != secret[:10] || tok.Name != "市场系统" || tok.CreatedBy != "admin" {
				t.Fatalf("%+v %q", tok, secret)
			}
			_, other, _ := f.a.IssueToken(f.ctx, admin, scjg, "第二个")
			if other == secret {
				t.Fatal("same secret twice")
			}
		})
		t.Run("BearerResolvesToOrgSystem", func(t *testing.T) {
			p, err := f.a.Bearer(f.ctx, secret, "10.1.1.1")
			if err != nil {
				t.Fatal(err)
			}
			if p.OrgID != scjg || p.TokenID != tok.ID || p.UserID != 0 || p.Role.Code != auth.RoleAgencySystem || p.Scope().District ||
				!p.Can(auth.PermOrgRead) || !p.Can(auth.PermRecordPush) || p.Can(auth.PermTokenManage) {
				t.Fatalf("%+v", p)
			}
		})
		t.Run("BearerTouchesLastUsedAtMostOncePerMinute", func(t *testing.T) {
			var first, second int64
			_ = db.QueryRowContext(f.ctx, "SELECT last_used_at FROM api_tokens WHERE id = ?", tok.ID).Scan(&first)
			f.move(30 * time.Second)
			_, _ = f.a.Bearer(f.ctx, secret, "")
			_ = db.QueryRowContext(f.ctx, "SELECT last_used_at FROM api_tokens WHERE id = ?", tok.ID).Scan(&second)
			if first == 0 || second != first {
				t.Fatalf("touched within a minute: %d → %d", first, second)
			}
			f.move(31 * time.Second)
			_, _ = f.a.Bearer(f.ctx, secret, "")
			_ = db.QueryRowContext(f.ctx, "SELECT last_used_at FROM api_tokens WHERE id = ?", tok.ID).Scan(&second)
			if second <= first {
				t.Fatalf("not touched after a minute: %d → %d", first, second)
			}
		})
		bad := []struct{ name, secret string }{
			{"Empty", ""},
			{"NoPrefix", strings.TrimPrefix(secret, auth.TokenPrefix)},
			{"Forged", auth.TokenPrefix + strings.Repeat("Z", 43)},
			{"Truncated", secret[:len(secret)-1]},
			{"Overlong", secret + strings.Repeat("A", 200)},
			{"TheHash", func() string { s := sha256.Sum256([]byte(secret)); return hex.EncodeToString(s[:]) }()},
		}
		for _, tc := range bad {
			t.Run("BearerRejects"+tc.name, func(t *testing.T) {
				if _, err := f.a.Bearer(f.ctx, tc.secret, ""); code(err) != "invalid_token" {
					t.Fatalf("err %v", err)
				}
			})
		}
		t.Run("LiaisonScope", func(t *testing.T) {
			if _, _, err := f.a.IssueToken(f.ctx, liaison, scjg, "越权"); code(err) != "not_found" {
				t.Errorf("issue for other org: %v", err)
			}
			if err := f.a.RevokeToken(f.ctx, liaison, tok.ID); code(err) != "not_found" {
				t.Errorf("revoke other org's: %v", err)
			}
			own, _, err := f.a.IssueToken(f.ctx, liaison, gaql, "自有")
			if err != nil {
				t.Fatal(err)
			}
			list, total, err := f.a.ListTokens(f.ctx, liaison, auth.TokenFilter{IncludeRevoked: true, Limit: 100})
			if err != nil || len(list) != 1 || total != 1 || list[0].ID != own.ID || list[0].CreatedBy != "agency01" {
				t.Errorf("list %+v %d %v", list, total, err)
			}
			list, total, err = f.a.ListTokens(f.ctx, liaison, auth.TokenFilter{OrgID: scjg, IncludeRevoked: true, Limit: 100})
			if err != nil || len(list) != 0 || total != 0 {
				t.Errorf("other org's tokens: %+v %d %v", list, total, err)
			}
			if _, _, err := f.a.ListTokens(f.ctx, &auth.Principal{TokenID: tok.ID, OrgID: scjg}, auth.TokenFilter{Limit: 10}); code(err) != "forbidden" {
				t.Errorf("token principal lists tokens: %v", err)
			}
		})
		t.Run("IssueForDisabledOrgFails", func(t *testing.T) {
			if _, err := db.ExecContext(f.ctx, "UPDATE orgs SET disabled = TRUE WHERE code = 'ZRZY'"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.a.IssueToken(f.ctx, admin, f.orgID("ZRZY"), "停用机构"); code(err) != "validation_failed" {
				t.Fatalf("err %v", err)
			}
		})
		t.Run("DisabledOrgTokenIsInvalid", func(t *testing.T) {
			_, s2, err := f.a.IssueToken(f.ctx, admin, f.orgID("STHJ"), "即将停用")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(f.ctx, "UPDATE orgs SET disabled = TRUE WHERE code = 'STHJ'"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.Bearer(f.ctx, s2, ""); code(err) != "invalid_token" {
				t.Fatalf("err %v", err)
			}
		})
		t.Run("RevokedTokenIsInvalid", func(t *testing.T) {
			if err := f.a.RevokeToken(f.ctx, admin, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.Bearer(f.ctx, secret, ""); code(err) != "invalid_token" {
				t.Fatalf("err %v", err)
			}
			if err := f.a.RevokeToken(f.ctx, admin, 987654); code(err) != "not_found" {
				t.Fatalf("missing: %v", err)
			}
		})
	})
}

func TestLoginService(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		t.Run("NormalisesUsername", func(t *testing.T) {
			p, _, err := f.a.Login(f.ctx, "  ChIeF\t", demo.Password, "", "")
			if err != nil || p.Username != "chief" || p.Role.Code != auth.RoleChief || p.CSRFToken == "" || p.SessionHash == "" {
				t.Fatalf("%+v %v", p, err)
			}
		})
		t.Run("LockExpiresAfterLockFor", func(t *testing.T) {
			for range f.a.MaxFailures {
				_, _, _ = f.a.Login(f.ctx, "court", "wrong", "", "")
			}
			if _, _, err := f.a.Login(f.ctx, "court", demo.Password, "", ""); code(err) != "account_locked" {
				t.Fatalf("not locked: %v", err)
			}
			f.move(f.a.LockFor - time.Minute)
			if _, _, err := f.a.Login(f.ctx, "court", demo.Password, "", ""); code(err) != "account_locked" {
				t.Fatalf("unlocked early: %v", err)
			}
			f.move(2 * time.Minute)
			if _, _, err := f.a.Login(f.ctx, "court", demo.Password, "", ""); err != nil {
				t.Fatalf("still locked: %v", err)
			}
			if f.count("SELECT COUNT(*) FROM users WHERE username = 'court' AND failed_logins = 0 AND locked_until IS NULL") != 1 {
				t.Fatal("lock not cleared after success")
			}
		})
		t.Run("SuccessResetsFailureCount", func(t *testing.T) {
			for range f.a.MaxFailures - 1 {
				_, _, _ = f.a.Login(f.ctx, "petition", "wrong", "", "")
			}
			f.login("petition")
			for range f.a.MaxFailures - 1 {
				_, _, _ = f.a.Login(f.ctx, "petition", "wrong", "", "")
			}
			if _, _, err := f.a.Login(f.ctx, "petition", demo.Password, "", ""); err != nil {
				t.Fatalf("locked by failures spread over a success: %v", err)
			}
		})
		t.Run("TruncatesLongUserAgent", func(t *testing.T) {
			ua := strings.Repeat("浏", 200) // 600 bytes
			if _, _, err := f.a.Login(f.ctx, "leader", demo.Password, "", ua); err != nil {
				t.Fatal(err)
			}
			var got string
			_ = db.QueryRowContext(f.ctx, "SELECT user_agent FROM login_log WHERE username = 'leader' ORDER BY id DESC").Scan(&got)
			if len(got) > 300 || !strings.HasPrefix(ua, got) || strings.ContainsRune(got, '\uFFFD') {
				t.Fatalf("user agent %d bytes", len(got))
			}
		})
	})
}

func TestSessionService(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		t.Run("SlidesWithinMaxAge", func(t *testing.T) {
			_, secret := f.login("prosecutor")
			start := f.skew.Load()
			defer f.skew.Store(start)
			for elapsed := time.Duration(0); ; {
				f.move(f.a.IdleTimeout - time.Minute)
				elapsed += f.a.IdleTimeout - time.Minute
				_, err := f.a.Session(f.ctx, secret, "")
				if elapsed < f.a.MaxAge {
					if err != nil {
						t.Fatalf("after %v: %v", elapsed, err)
					}
					continue
				}
				if code(err) != "session_expired" {
					t.Fatalf("after %v past max age: %v", elapsed, err)
				}
				break
			}
		})
		t.Run("ExpiresWhenIdle", func(t *testing.T) {
			_, secret := f.login("prosecutor")
			f.move(f.a.IdleTimeout)
			defer f.move(-f.a.IdleTimeout)
			if _, err := f.a.Session(f.ctx, secret, ""); code(err) != "session_expired" {
				t.Fatalf("err %v", err)
			}
		})
		t.Run("RejectsGarbage", func(t *testing.T) {
			for _, s := range []string{"", "x", strings.Repeat("y", 201)} {
				if _, err := f.a.Session(f.ctx, s, ""); code(err) != "session_expired" {
					t.Errorf("%q: %v", s, err)
				}
			}
		})
		t.Run("PurgeRemovesOnlyExpired", func(t *testing.T) {
			f.login("leader")
			f.move(f.a.IdleTimeout + time.Minute)
			_, fresh := f.login("depthead")
			n, err := f.a.PurgeExpiredSessions(f.ctx)
			if err != nil || n < 1 {
				t.Fatalf("purged %d %v", n, err)
			}
			if f.count("SELECT COUNT(*) FROM sessions") != 1 {
				t.Fatalf("%d sessions left", f.count("SELECT COUNT(*) FROM sessions"))
			}
			if _, err := f.a.Session(f.ctx, fresh, ""); err != nil {
				t.Fatalf("fresh session purged: %v", err)
			}
			f.move(-(f.a.IdleTimeout + time.Minute))
		})
		t.Run("ChangeOwnPasswordKeepsCurrentSession", func(t *testing.T) {
			p, cur := f.login("justice")
			_, other := f.login("justice")
			if err := f.a.ChangeOwnPassword(f.ctx, p, demo.Password, "Justice2026x"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.Session(f.ctx, cur, ""); err != nil {
				t.Errorf("current session ended: %v", err)
			}
			if _, err := f.a.Session(f.ctx, other, ""); code(err) != "session_expired" {
				t.Errorf("other session survives: %v", err)
			}
			if f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.password_change' AND user_id = ?", p.UserID) != 1 {
				t.Error("not audited")
			}
			if err := f.a.ChangeOwnPassword(f.ctx, nil, "a", "Valid2026x"); code(err) != "forbidden" {
				t.Errorf("nil principal: %v", err)
			}
			if err := f.a.ChangeOwnPassword(f.ctx, &auth.Principal{TokenID: 1}, "a", "Valid2026x"); code(err) != "forbidden" {
				t.Errorf("token principal: %v", err)
			}
		})
		t.Run("ListLoginsFiltersAndPages", func(t *testing.T) {
			admin, _ := f.login("admin")
			_, _, _ = f.a.Login(f.ctx, "admin", "wrong", "", "")
			all, total, err := f.a.ListLogins(f.ctx, admin, auth.LoginFilter{Limit: 1000})
			if err != nil || len(all) != total || total < 5 {
				t.Fatalf("%d/%d %v", len(all), total, err)
			}
			no := false
			failed, ftotal, _ := f.a.ListLogins(f.ctx, admin, auth.LoginFilter{Success: &no, Limit: 1000})
			for _, e := range failed {
				if e.Success {
					t.Errorf("success row in failures")
				}
			}
			if ftotal != len(failed) || ftotal == 0 {
				t.Errorf("failures %d/%d", len(failed), ftotal)
			}
			page, ptotal, _ := f.a.ListLogins(f.ctx, admin, auth.LoginFilter{Before: all[1].ID, Limit: 1000})
			if ptotal != total || len(page) != total-2 || page[0].ID != all[2].ID {
				t.Errorf("before cursor: %d rows, total %d", len(page), ptotal)
			}
			if _, _, err := f.a.ListLogins(f.ctx, &auth.Principal{Role: mustRole(t, auth.RoleChief)}, auth.LoginFilter{Limit: 1}); code(err) != "forbidden" {
				t.Errorf("chief: %v", err)
			}
		})
	})
}

func mustRole(t *testing.T, code string) auth.Role {
	r, ok := auth.LookupRole(code)
	if !ok {
		t.Fatalf("role %s", code)
	}
	return r
}
