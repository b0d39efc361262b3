package directory_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/demo"
	"github.com/xingjian/xingjian/internal/directory"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/store/storetest"
)

// fixture is a demo-seeded database with its directory service.
type fixture struct {
	t   *testing.T
	db  *store.DB
	dir *directory.Service
	ctx context.Context
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	if _, err := demo.Seed(context.Background(), db); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return &fixture{t: t, db: db, dir: directory.New(db), ctx: context.Background()}
}

func (f *fixture) orgID(code string) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.QueryRowContext(f.ctx, "SELECT id FROM orgs WHERE code = ?", code).Scan(&id); err != nil {
		f.t.Fatalf("org %s: %v", code, err)
	}
	return id
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// person is the principal of a demo user, as a session would load it.
func (f *fixture) person(username string) *auth.Principal {
	f.t.Helper()
	var p auth.Principal
	var role string
	err := f.db.QueryRowContext(f.ctx, `SELECT u.id, u.username, u.role, o.id, o.name, o.kind FROM users u JOIN orgs o ON o.id = u.org_id
		WHERE u.username = ?`, username).Scan(&p.UserID, &p.Username, &role, &p.OrgID, &p.OrgName, &p.OrgKind)
	if err != nil {
		f.t.Fatalf("user %s: %v", username, err)
	}
	r, ok := auth.LookupRole(role)
	if !ok {
		f.t.Fatalf("role %s", role)
	}
	p.Role = r
	return &p
}

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

func fields(err error) []string {
	var e *apperr.Error
	var out []string
	if errors.As(err, &e) {
		if fs, ok := e.Details.([]apperr.FieldError); ok {
			for _, x := range fs {
				out = append(out, x.Field)
			}
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func (f *fixture) createOrg(p *auth.Principal, codeStr, name string, parent *int64, domains ...string) directory.Org {
	f.t.Helper()
	in := directory.OrgInput{Code: ptr(codeStr), Name: ptr(name), Kind: ptr(auth.KindAgency), ParentID: parent}
	if domains != nil {
		in.Domains = &domains
	}
	o, err := f.dir.CreateOrg(f.ctx, p, in)
	if err != nil {
		f.t.Fatalf("create %s: %v", codeStr, err)
	}
	return o
}

func TestOrgTree(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin := f.person("admin")
		a := f.createOrg(admin, "TREE-A", "树甲", nil)
		b := f.createOrg(admin, "TREE-B", "树乙", &a.ID)
		c := f.createOrg(admin, "TREE-C", "树丙", &b.ID)
		parentOf := func(id int64) *int64 {
			o, err := f.dir.GetOrg(f.ctx, admin, id)
			if err != nil {
				t.Fatal(err)
			}
			return o.ParentID
		}
		cases := []struct {
			name   string
			org    int64
			parent int64
			ok     bool
		}{
			{"RejectsSelfAsParent", a.ID, a.ID, false},
			{"RejectsChildAsParent", a.ID, b.ID, false},
			{"RejectsGrandchildAsParent", a.ID, c.ID, false},
			{"RejectsMissingParent", b.ID, 987654, false},
			{"AllowsSiblingMove", c.ID, a.ID, true},
			{"AllowsMoveUnderOtherTree", a.ID, f.orgID("SCJG"), true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := parentOf(tc.org)
				o, _ := f.dir.GetOrg(f.ctx, admin, tc.org)
				audits := f.count("SELECT COUNT(*) FROM audit_log")
				_, err := f.dir.UpdateOrg(f.ctx, admin, tc.org, directory.OrgInput{Version: o.Version, ParentID: ptr(tc.parent)})
				if tc.ok {
					if err != nil {
						t.Fatal(err)
					}
					if p := parentOf(tc.org); p == nil || *p != tc.parent {
						t.Fatalf("parent %v", p)
					}
					return
				}
				if code(err) != "validation_failed" || !slices.Contains(fields(err), "parent_id") {
					t.Fatalf("err %v", err)
				}
				if p := parentOf(tc.org); !slices.Equal(ptrSlice(p), ptrSlice(before)) {
					t.Fatalf("parent changed to %v", p)
				}
				if f.count("SELECT COUNT(*) FROM audit_log") != audits {
					t.Fatal("audited a failed change")
				}
			})
		}
		t.Run("RejectsMissingParentOnCreate", func(t *testing.T) {
			_, err := f.dir.CreateOrg(f.ctx, admin, directory.OrgInput{Code: ptr("TREE-X"), Name: ptr("树外"), Kind: ptr(auth.KindAgency), ParentID: ptr(int64(987654))})
			if !slices.Contains(fields(err), "parent_id") || f.count("SELECT COUNT(*) FROM orgs WHERE code = 'TREE-X'") != 0 {
				t.Fatalf("err %v", err)
			}
		})
		t.Run("ParentZeroMeansRoot", func(t *testing.T) {
			o, _ := f.dir.GetOrg(f.ctx, admin, c.ID)
			if _, err := f.dir.UpdateOrg(f.ctx, admin, c.ID, directory.OrgInput{Version: o.Version, ParentID: ptr(int64(0))}); err != nil {
				t.Fatal(err)
			}
			if parentOf(c.ID) != nil {
				t.Fatal("not a root")
			}
		})
		t.Run("ClearParentMakesRoot", func(t *testing.T) {
			o, _ := f.dir.GetOrg(f.ctx, admin, b.ID)
			if _, err := f.dir.UpdateOrg(f.ctx, admin, b.ID, directory.OrgInput{Version: o.Version, ClearParent: true}); err != nil {
				t.Fatal(err)
			}
			if parentOf(b.ID) != nil {
				t.Fatal("not a root")
			}
		})
		t.Run("TerminatesOnCycleAlreadyInDatabase", func(t *testing.T) {
			d := f.createOrg(admin, "CYC-D", "环丁", nil)
			e := f.createOrg(admin, "CYC-E", "环戊", &d.ID)
			if _, err := db.ExecContext(f.ctx, "UPDATE orgs SET parent_id = ? WHERE id = ?", e.ID, d.ID); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
			defer cancel()
			_, err := f.dir.CreateOrg(ctx, admin, directory.OrgInput{Code: ptr("CYC-F"), Name: ptr("环己"), Kind: ptr(auth.KindAgency), ParentID: &d.ID})
			if code(err) != "validation_failed" || !slices.Contains(fields(err), "parent_id") {
				t.Fatalf("err %v", err)
			}
		})
	})
}

func ptrSlice(p *int64) []int64 {
	if p == nil {
		return nil
	}
	return []int64{*p}
}

func TestOrgDomains(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin := f.person("admin")
		o := f.createOrg(admin, "DOM1", "领域测试局", nil, "tax", "market", "tax")
		stored := func() []string {
			rows, err := db.QueryContext(f.ctx, "SELECT domain FROM org_domains WHERE org_id = ? ORDER BY domain", o.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var d string
				_ = rows.Scan(&d)
				out = append(out, d)
			}
			return out
		}
		// Returned in dictionary order (market sorts before tax), de-duplicated.
		if !slices.Equal(o.Domains, []string{"market", "tax"}) || !slices.Equal(stored(), []string{"market", "tax"}) {
			t.Fatalf("created with %v, stored %v", o.Domains, stored())
		}
		update := func(in directory.OrgInput) (directory.Org, error) {
			cur, err := f.dir.GetOrg(f.ctx, admin, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			in.Version = cur.Version
			return f.dir.UpdateOrg(f.ctx, admin, o.ID, in)
		}
		cases := []struct {
			name    string
			in      directory.OrgInput
			want    []string
			errCode string
		}{
			{"ReplacesDomains", directory.OrgInput{Domains: &[]string{"ecology", "tax"}}, []string{"ecology", "tax"}, ""},
			{"KeepsDomainsWhenAbsent", directory.OrgInput{Contact: ptr("王五")}, []string{"ecology", "tax"}, ""},
			{"RejectsUnknownAndKeepsOld", directory.OrgInput{Domains: &[]string{"ecology", "moon"}}, []string{"ecology", "tax"}, "validation_failed"},
			{"RejectsEmptyCode", directory.OrgInput{Domains: &[]string{""}}, []string{"ecology", "tax"}, "validation_failed"},
			{"ClearsWithEmptyList", directory.OrgInput{Domains: &[]string{}}, nil, ""},
			{"SetsAgain", directory.OrgInput{Domains: &[]string{"water", "water"}}, []string{"water"}, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := update(tc.in)
				if code(err) != tc.errCode {
					t.Fatalf("err %v", err)
				}
				if tc.errCode == "" && !slices.Equal(got.Domains, nonNil(tc.want)) {
					t.Errorf("returned %v", got.Domains)
				}
				if s := stored(); !slices.Equal(s, tc.want) {
					t.Errorf("stored %v, want %v", s, tc.want)
				}
			})
		}
		t.Run("ListsDictionaryInOrder", func(t *testing.T) {
			ds, err := f.dir.Domains(f.ctx)
			if err != nil || len(ds) != 19 || ds[0].Code != "public_security" || ds[18].Code != "comprehensive" || ds[3].Name != "市场监管" {
				t.Fatalf("%v %v", ds, err)
			}
		})
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestOrgValidationService(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin := f.person("admin")
		t.Run("NormalisesUSCCAndFlagsBadCheck", func(t *testing.T) {
			good := demo.USCC(700)
			bad := good[:17] + map[bool]string{true: "1", false: "0"}[good[17] == '0']
			o, err := f.dir.CreateOrg(f.ctx, admin, directory.OrgInput{Code: ptr("U1"), Name: ptr("信用代码一"), Kind: ptr(auth.KindAgency), USCC: ptr(" " + bad + " ")})
			if err != nil || o.USCC != bad || o.USCCValid {
				t.Fatalf("%+v %v", o, err)
			}
			o2, err := f.dir.CreateOrg(f.ctx, admin, directory.OrgInput{Code: ptr("U2"), Name: ptr("信用代码二"), Kind: ptr(auth.KindAgency), USCC: ptr(good)})
			if err != nil || !o2.USCCValid {
				t.Fatalf("%+v %v", o2, err)
			}
			// An empty USCC is allowed for many orgs at once.
			for _, c := range []string{"U3", "U4"} {
				if _, err := f.dir.CreateOrg(f.ctx, admin, directory.OrgInput{Code: ptr(c), Name: ptr("无代码" + c), Kind: ptr(auth.KindAgency)}); err != nil {
					t.Fatal(err)
				}
			}
		})
		t.Run("ReportsEveryBadField", func(t *testing.T) {
			_, err := f.dir.CreateOrg(f.ctx, admin, directory.OrgInput{Code: ptr("bad code"), Name: ptr(""), Kind: ptr("x"), USCC: ptr("123")})
			if got := fields(err); !slices.Equal(got, []string{"code", "name", "kind", "uscc"}) {
				t.Fatalf("fields %v (%v)", got, err)
			}
		})
		t.Run("RejectsNonAdmin", func(t *testing.T) {
			for _, who := range []string{"prosecutor", "chief", "agency01"} {
				if _, err := f.dir.CreateOrg(f.ctx, f.person(who), directory.OrgInput{Code: ptr("NA"), Name: ptr("无权"), Kind: ptr(auth.KindAgency)}); code(err) != "forbidden" {
					t.Errorf("%s: %v", who, err)
				}
				if _, _, err := f.dir.ListOrgs(f.ctx, nil, directory.OrgFilter{Limit: 10}); code(err) != "forbidden" {
					t.Errorf("nil principal: %v", err)
				}
			}
		})
		t.Run("KindChangeKeepsMembersRolesValid", func(t *testing.T) {
			// SCJG holds agency04, an agency liaison; a court may not.
			id := f.orgID("SCJG")
			o, _ := f.dir.GetOrg(f.ctx, admin, id)
			_, err := f.dir.UpdateOrg(f.ctx, admin, id, directory.OrgInput{Version: o.Version, Kind: ptr(auth.KindCourt)})
			if err == nil {
				t.Fatal("UpdateOrg changed SCJG's kind to court although its user agency04 is an agency_liaison")
			}
			if code(err) != "validation_failed" || !slices.Contains(fields(err), "kind") {
				t.Fatalf("err %v", err)
			}
		})
	})
}

func TestUsersScope(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		gaql, scjg := f.orgID("GAQL"), f.orgID("SCJG")
		// A non-district role with user.read (none exists yet; the scope rule must hold for it).
		orgReader := &auth.Principal{UserID: 0, Username: "orgreader", OrgID: gaql, OrgKind: auth.KindAgency,
			Role: auth.Role{Code: "org_reader", Permissions: []string{auth.PermUserRead, auth.PermOrgRead}}}
		all := f.count("SELECT COUNT(*) FROM users WHERE disabled = FALSE")
		inGAQL := f.count("SELECT COUNT(*) FROM users WHERE org_id = ?", gaql)
		cases := []struct {
			name   string
			p      *auth.Principal
			filter directory.UserFilter
			want   int
			code   string
		}{
			{"DistrictSeesAll", f.person("depthead"), directory.UserFilter{}, all, ""},
			{"DistrictFiltersByOrg", f.person("chief"), directory.UserFilter{OrgID: scjg}, 1, ""},
			{"DistrictFiltersByRole", f.person("admin"), directory.UserFilter{Role: auth.RoleProsecutor}, 2, ""},
			{"DistrictSearches", f.person("admin"), directory.UserFilter{Q: "PROSECUTOR"}, 2, ""},
			{"SearchIsLiteral", f.person("admin"), directory.UserFilter{Q: "%"}, 0, ""},
			{"OwnOrgOnly", orgReader, directory.UserFilter{}, inGAQL, ""},
			{"OwnOrgFilterOnOtherOrgIsEmpty", orgReader, directory.UserFilter{OrgID: scjg}, 0, ""},
			{"OwnOrgRoleFilter", orgReader, directory.UserFilter{Role: auth.RoleAdmin}, 0, ""},
			{"LiaisonLacksPermission", f.person("agency01"), directory.UserFilter{}, 0, "forbidden"},
			{"ProsecutorLacksPermission", f.person("prosecutor"), directory.UserFilter{}, 0, "forbidden"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.filter.Limit = 500
				us, total, err := f.dir.ListUsers(f.ctx, tc.p, tc.filter)
				if code(err) != tc.code {
					t.Fatalf("err %v", err)
				}
				if tc.code != "" {
					return
				}
				if len(us) != tc.want || total != tc.want {
					t.Fatalf("got %d (total %d), want %d", len(us), total, tc.want)
				}
				for _, u := range us {
					if !tc.p.Scope().Allows(u.OrgID) {
						t.Errorf("user %s of org %d outside scope", u.Username, u.OrgID)
					}
				}
			})
		}
		t.Run("PagesWithAfter", func(t *testing.T) {
			admin := f.person("admin")
			var seen []int64
			var after int64
			for range 50 {
				us, _, err := f.dir.ListUsers(f.ctx, admin, directory.UserFilter{After: after, Limit: 7})
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range us {
					seen = append(seen, u.ID)
				}
				if len(us) < 7 {
					break
				}
				after = us[len(us)-1].ID
			}
			if len(seen) != all || !slices.IsSorted(seen) {
				t.Fatalf("paged %d users, want %d", len(seen), all)
			}
		})
		t.Run("GetUserOutsideScopeIsNotFound", func(t *testing.T) {
			var other int64
			_ = db.QueryRowContext(f.ctx, "SELECT id FROM users WHERE username = 'agency04'").Scan(&other)
			if _, err := f.dir.GetUser(f.ctx, orgReader, other); code(err) != "not_found" {
				t.Fatalf("err %v", err)
			}
			if _, err := f.dir.GetUser(f.ctx, orgReader, 987654); code(err) != "not_found" {
				t.Fatalf("missing: %v", err)
			}
		})
		t.Run("AnyoneReadsThemselves", func(t *testing.T) {
			p := f.person("petition")
			u, err := f.dir.GetUser(f.ctx, p, p.UserID)
			if err != nil || u.Username != "petition" || u.OrgKind != auth.KindPetitionBureau {
				t.Fatalf("%+v %v", u, err)
			}
			if _, err := f.dir.GetUser(f.ctx, p, f.person("court").UserID); code(err) != "forbidden" {
				t.Fatalf("other: %v", err)
			}
			if _, err := f.dir.GetUser(f.ctx, nil, p.UserID); code(err) != "forbidden" {
				t.Fatalf("nil principal: %v", err)
			}
		})
		t.Run("OrgListScope", func(t *testing.T) {
			for _, who := range []string{"agency01", "court", "petition"} {
				p := f.person(who)
				os, total, err := f.dir.ListOrgs(f.ctx, p, directory.OrgFilter{Limit: 500, IncludeDisabled: true})
				if err != nil || total != 1 || len(os) != 1 || os[0].ID != p.OrgID {
					t.Errorf("%s: %v %d %v", who, os, total, err)
				}
				if _, err := f.dir.GetOrg(f.ctx, p, scjg); code(err) != "not_found" {
					t.Errorf("%s GetOrg SCJG: %v", who, err)
				}
			}
		})
		t.Run("OverviewScope", func(t *testing.T) {
			ov, err := f.dir.Overview(f.ctx, f.person("agency01"))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, k := range ov.OrgsByKind {
				n += k.Count
				if k.Kind == auth.KindAgency && k.Count != 1 {
					t.Errorf("agency count %d", k.Count)
				}
			}
			if n != 1 || ov.Users != inGAQL || len(ov.OrgsByKind) != len(auth.OrgKinds) {
				t.Errorf("%+v", ov)
			}
			dist, err := f.dir.Overview(f.ctx, f.person("leader"))
			if err != nil || dist.Users != all {
				t.Errorf("district %+v %v", dist, err)
			}
		})
	})
}

func TestUserChanges(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin := f.person("admin")
		a := auth.NewService(db)
		gaql := f.orgID("GAQL")
		t.Run("RejectsDisabledOrg", func(t *testing.T) {
			dead := f.createOrg(admin, "DEAD", "已停用局", nil)
			if _, err := f.dir.UpdateOrg(f.ctx, admin, dead.ID, directory.OrgInput{Version: dead.Version, Disabled: ptr(true)}); err != nil {
				t.Fatal(err)
			}
			_, err := f.dir.CreateUser(f.ctx, admin, directory.UserInput{Username: ptr("deaduser"), DisplayName: ptr("停"), OrgID: &dead.ID,
				Role: ptr(auth.RoleAgencyLiaison), Password: ptr("Dead2026pw")})
			if !slices.Contains(fields(err), "org_id") {
				t.Fatalf("err %v", err)
			}
		})
		t.Run("CreatesWithNormalisedName", func(t *testing.T) {
			u, err := f.dir.CreateUser(f.ctx, admin, directory.UserInput{Username: ptr("  NewLiaison "), DisplayName: ptr("新联络员"), OrgID: &gaql,
				Role: ptr(auth.RoleAgencyLiaison), Password: ptr("Liaison2026")})
			if err != nil || u.Username != "newliaison" || u.Version != 1 || u.OrgKind != auth.KindAgency {
				t.Fatalf("%+v %v", u, err)
			}
			var hash string
			_ = db.QueryRowContext(f.ctx, "SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(&hash)
			if ok, err := auth.CheckPassword(hash, "Liaison2026"); !ok || err != nil {
				t.Fatal("password not stored as a verifiable hash")
			}
		})
		sessionsOf := func(username string) int {
			return f.count("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?", username)
		}
		cases := []struct {
			name      string
			user      string
			change    func(in *directory.UserInput)
			endsLogin bool
		}{
			{"PhoneChangeKeepsSessions", "prosecutor2", func(in *directory.UserInput) { in.Phone = ptr("13900000000") }, false},
			{"RoleChangeEndsSessions", "prosecutor2", func(in *directory.UserInput) { in.Role = ptr(auth.RoleChief) }, true},
			{"OrgMoveEndsSessions", "agency02", func(in *directory.UserInput) { in.OrgID = ptr(f.orgID("STHJ")) }, true},
			{"DisableEndsSessions", "agency03", func(in *directory.UserInput) { in.Disabled = ptr(true) }, true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if _, _, err := a.Login(f.ctx, tc.user, demo.Password, "127.0.0.1", "test"); err != nil {
					t.Fatal(err)
				}
				id := f.person(tc.user).UserID
				cur, err := f.dir.GetUser(f.ctx, admin, id)
				if err != nil {
					t.Fatal(err)
				}
				in := directory.UserInput{Version: cur.Version}
				tc.change(&in)
				out, err := f.dir.UpdateUser(f.ctx, admin, id, in)
				if err != nil {
					t.Fatal(err)
				}
				if out.Version != cur.Version+1 {
					t.Errorf("version %d → %d", cur.Version, out.Version)
				}
				if ended := sessionsOf(tc.user) == 0; ended != tc.endsLogin {
					t.Errorf("sessions ended = %v, want %v", ended, tc.endsLogin)
				}
			})
		}
		t.Run("StaleUpdateConflicts", func(t *testing.T) {
			id := f.person("leader").UserID
			cur, _ := f.dir.GetUser(f.ctx, admin, id)
			if _, err := f.dir.UpdateUser(f.ctx, admin, id, directory.UserInput{Version: cur.Version, Phone: ptr("1")}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.dir.UpdateUser(f.ctx, admin, id, directory.UserInput{Version: cur.Version, Phone: ptr("2")}); code(err) != "conflict" {
				t.Fatalf("err %v", err)
			}
			now, _ := f.dir.GetUser(f.ctx, admin, id)
			if now.Phone != "1" {
				t.Fatalf("phone %q", now.Phone)
			}
		})
		t.Run("ResetPasswordClearsLockAndSessions", func(t *testing.T) {
			id := f.person("justice").UserID
			if _, _, err := a.Login(f.ctx, "justice", demo.Password, "127.0.0.1", "test"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(f.ctx, "UPDATE users SET failed_logins = 3, locked_until = ? WHERE id = ?", time.Now().Add(time.Hour).UnixMilli(), id); err != nil {
				t.Fatal(err)
			}
			if err := f.dir.ResetPassword(f.ctx, admin, id, "Justice2026"); err != nil {
				t.Fatal(err)
			}
			if n := f.count("SELECT COUNT(*) FROM users WHERE id = ? AND failed_logins = 0 AND locked_until IS NULL", id); n != 1 {
				t.Error("lock not cleared")
			}
			if sessionsOf("justice") != 0 {
				t.Error("sessions not ended")
			}
			if err := f.dir.ResetPassword(f.ctx, f.person("chief"), id, "Justice2026"); code(err) != "forbidden" {
				t.Errorf("chief reset: %v", err)
			}
		})
	})
}
