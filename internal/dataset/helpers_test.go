package dataset_test

import (
	"context"
	"os"
	"testing"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// world is a small district: the procuratorate with its administrator and a
// prosecutor, the court with its liaison and an agency with its liaison.
type world struct {
	db                              *store.DB
	procuratorate, court, agency    int64
	admin, prosecutor, courtL, agcL *auth.Principal
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db}
	org := func(code, name, kind string) int64 {
		var id int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, "INSERT INTO orgs (code, name, kind, created_at, updated_at) VALUES (?, ?, ?, 0, 0) RETURNING id",
				code, name, kind).Scan(&id)
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	w.procuratorate = org("JCY", "江州市青岚区人民检察院", auth.KindProcuratorate)
	w.court = org("FY", "江州市青岚区人民法院", auth.KindCourt)
	w.agency = org("MZ", "江州市青岚区民政局", auth.KindAgency)
	user := func(username, role string, orgID int64, kind string) *auth.Principal {
		var id int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, org_id, role, password_hash, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'x', 0, 0) RETURNING id`, username, username, orgID, role).Scan(&id)
		}); err != nil {
			t.Fatal(err)
		}
		r, ok := auth.LookupRole(role)
		if !ok {
			t.Fatalf("no role %s", role)
		}
		return &auth.Principal{UserID: id, Username: username, OrgID: orgID, OrgKind: kind, Role: r}
	}
	w.admin = user("admin", auth.RoleAdmin, w.procuratorate, auth.KindProcuratorate)
	w.prosecutor = user("prosecutor", auth.RoleProsecutor, w.procuratorate, auth.KindProcuratorate)
	w.courtL = user("court", auth.RoleCourtLiaison, w.court, auth.KindCourt)
	w.agcL = user("agency", auth.RoleAgencyLiaison, w.agency, auth.KindAgency)
	return w
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
