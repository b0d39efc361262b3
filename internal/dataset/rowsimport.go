package dataset

import (
	"context"
	"fmt"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// RowsImporter returns an import function taking the supplier's org code,
// the shape the demo seeder (demo.SeedDatasets) is given: each call is one
// batch through ImportRows, with its validation and audit. A batch with
// rejected rows is an error — generated data must be clean.
func RowsImporter(db *store.DB, p *auth.Principal) func(ctx context.Context, kind, agencyCode string, header []string, rows [][]string) error {
	return func(ctx context.Context, kind, agencyCode string, header []string, rows [][]string) error {
		var agencyID int64
		if err := db.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ?", agencyCode).Scan(&agencyID); err != nil {
			return fmt.Errorf("dataset: org %s: %w", agencyCode, err)
		}
		rep, err := ImportRows(ctx, db, p, kind, agencyID, header, rows)
		if err != nil {
			return fmt.Errorf("dataset: import %s for %s: %w", kind, agencyCode, err)
		}
		if rep.Rejected > 0 {
			return fmt.Errorf("dataset: import %s for %s: %d rows rejected, first: %+v", kind, agencyCode, rep.Rejected, rep.Rejects[0])
		}
		return nil
	}
}
