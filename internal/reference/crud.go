package reference

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// What benchmarks, cases and news share: reading rows through a scan
// function, reading one by id, deleting one with its audit entry.

type scanner interface{ Scan(...any) error }

// queryAll runs a list query and scans every row; what names the list in
// an error.
func queryAll[T any](ctx context.Context, q store.Querier, scan func(scanner) (T, error), what, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reference: list %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// getOne reads the object id for a reader of the reference material: query
// selects it by id; name is its Chinese name for a 404, what its name in an
// error.
func getOne[T any](ctx context.Context, q store.Querier, p *auth.Principal, scan func(scanner) (T, error), name, what, query string, id int64) (T, error) {
	var zero T
	if !p.Can(auth.PermReferenceRead) {
		return zero, apperr.Forbidden()
	}
	v, err := scan(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return zero, apperr.NotFound(name)
	}
	if err != nil {
		return zero, fmt.Errorf("reference: get %s %d: %w", what, id, err)
	}
	return v, nil
}

// deleteOne deletes row id of table and audits it (action, objectType, the
// object as it was), in one transaction; what names it in an error.
func deleteOne(ctx context.Context, db *store.DB, p *auth.Principal, table, what string, id int64, action, objectType string, old any) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE id = ?", id)
		if err != nil {
			return fmt.Errorf("reference: delete %s: %w", what, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("reference: delete %s: %w", what, err)
		} else if n == 0 { // deleted meanwhile by someone else: one audit row, not two
			return apperr.NotFound("对象")
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: action, ObjectType: objectType, ObjectID: fmt.Sprint(id), Before: old})
	})
}

// newOwner is the org a new object of p's belongs to (inOrg, else p's
// own), checked as mayManageOrg does for what, with the org's defaults
// (ownerDefaults).
func newOwner(ctx context.Context, q store.Querier, p *auth.Principal, inOrg *int64, what string) (orgID int64, name, domain string, err error) {
	orgID = p.OrgID
	if inOrg != nil {
		orgID = *inOrg
	}
	if err := mayManageOrg(p, auth.PermReferenceManage, orgID, what); err != nil {
		return 0, "", "", err
	}
	name, domain, err = ownerDefaults(ctx, q, orgID)
	return orgID, name, domain, err
}

// mayChangeOwned checks a change by p to an object of org orgID: p may
// manage the org's material (what); the change may not move the object to
// another org (inOrg; orgMsg says so) and must start from the current
// version.
func mayChangeOwned(p *auth.Principal, what string, orgID int64, inOrg *int64, orgMsg string, version, current int) error {
	if err := mayManageOrg(p, auth.PermReferenceManage, orgID, what); err != nil {
		return err
	}
	if inOrg != nil && *inOrg != orgID {
		return apperr.Fields{{Field: "org_id", Message: orgMsg}}.Err()
	}
	if version != current {
		return apperr.Conflict()
	}
	return nil
}

// versionBumped checks that a versioned UPDATE (… WHERE id = ? AND
// version = ?) changed its row: otherwise someone else's change came first.
func versionBumped(res sql.Result) error {
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.Conflict()
	}
	return nil
}

// creator is the created_by value of p's new object: NULL for a token.
func creator(p *auth.Principal) any {
	if p.UserID != 0 {
		return p.UserID
	}
	return nil
}

// nullID is a nullable id column as read.
func nullID(n sql.NullInt64) *int64 {
	if n.Valid {
		return &n.Int64
	}
	return nil
}
