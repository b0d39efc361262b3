package enforce

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// Batch is one import (file or push) as listed.
type Batch struct {
	ID            int64  `json:"id"`
	Kind          string `json:"kind"`
	AgencyID      int64  `json:"agency_id"`
	AgencyName    string `json:"agency_name"`
	Source        string `json:"source"`
	FileName      string `json:"file_name"`
	RowsTotal     int    `json:"rows_total"`
	RowsInserted  int    `json:"rows_inserted"`
	RowsUpdated   int    `json:"rows_updated"`
	RowsUnchanged int    `json:"rows_unchanged"`
	RowsRejected  int    `json:"rows_rejected"`
	RowsFlagged   int    `json:"rows_flagged"`
	Actor         string `json:"actor"`
	StartedAt     int64  `json:"-"`
	FinishedAt    int64  `json:"-"`
}

const batchCols = `b.id, b.kind, b.agency_id, o.name, b.source, b.file_name, b.rows_total, b.rows_inserted, b.rows_updated,
	b.rows_unchanged, b.rows_rejected, b.rows_flagged, b.actor, b.started_at, b.finished_at`

func scanBatch(sc interface{ Scan(...any) error }) (Batch, error) {
	var b Batch
	err := sc.Scan(&b.ID, &b.Kind, &b.AgencyID, &b.AgencyName, &b.Source, &b.FileName, &b.RowsTotal, &b.RowsInserted, &b.RowsUpdated,
		&b.RowsUnchanged, &b.RowsRejected, &b.RowsFlagged, &b.Actor, &b.StartedAt, &b.FinishedAt)
	return b, err
}

// canSeeImports is who may look at import batches: whoever may read records
// or import them.
func canSeeImports(p *auth.Principal) bool {
	return p.Can(auth.PermRecordRead) || p.Can(auth.PermRecordImport)
}

// ListBatches lists import batches in the caller's scope, newest first.
func ListBatches(ctx context.Context, q store.Querier, p *auth.Principal, agencyID, before int64, limit int) ([]Batch, int, error) {
	if !canSeeImports(p) {
		return nil, 0, apperr.Forbidden()
	}
	cond, args := p.Scope().Where("b.agency_id")
	if agencyID != 0 {
		cond += " AND b.agency_id = ?"
		args = append(args, agencyID)
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM import_batches b WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("enforce: count batches: %w", err)
	}
	if before != 0 {
		cond += " AND b.id < ?"
		args = append(args, before)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+batchCols+" FROM import_batches b JOIN orgs o ON o.id = b.agency_id WHERE "+cond+
		" ORDER BY b.id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("enforce: list batches: %w", err)
	}
	defer rows.Close()
	out := []Batch{}
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// GetBatch reads one batch in the caller's scope.
func GetBatch(ctx context.Context, q store.Querier, p *auth.Principal, id int64) (Batch, error) {
	if !canSeeImports(p) {
		return Batch{}, apperr.Forbidden()
	}
	b, err := scanBatch(q.QueryRowContext(ctx, "SELECT "+batchCols+" FROM import_batches b JOIN orgs o ON o.id = b.agency_id WHERE b.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Scope().Allows(b.AgencyID)) {
		return Batch{}, apperr.NotFound("导入批次")
	}
	if err != nil {
		return Batch{}, fmt.Errorf("enforce: get batch %d: %w", id, err)
	}
	return b, nil
}

// StoredReject is one stored reason a row was refused.
type StoredReject struct {
	Seq int `json:"seq"`
	RowError
}

// ListRejects lists a batch's rejects in file order after seq `after`;
// limit 0 = all (for the XLSX report).
func ListRejects(ctx context.Context, q store.Querier, p *auth.Principal, batchID int64, after, limit int) ([]StoredReject, int, error) {
	b, err := GetBatch(ctx, q, p, batchID)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM import_rejects WHERE batch_id = ?", b.ID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("enforce: count rejects: %w", err)
	}
	query := "SELECT seq, line, col, value, reason FROM import_rejects WHERE batch_id = ? AND seq > ? ORDER BY seq"
	args := []any{b.ID, after}
	if limit > 0 {
		query += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("enforce: list rejects: %w", err)
	}
	defer rows.Close()
	out := []StoredReject{}
	for rows.Next() {
		var r StoredReject
		if err := rows.Scan(&r.Seq, &r.Line, &r.Column, &r.Value, &r.Reason); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// WriteRejectsXLSX writes the reject report a clerk downloads to fix the
// file: one line per reason, with the line number they will find in it.
func WriteRejectsXLSX(w io.Writer, b Batch, rejects []StoredReject) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "拒收明细"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("导入批次 %d（%s，%s）：共 %d 行，拒收 %d 行", b.ID, b.AgencyName, b.FileName, b.RowsTotal, b.RowsRejected)
	if err := sw.SetRow("A1", []any{title}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", []any{"行号", "列", "内容", "原因"}); err != nil {
		return err
	}
	for i, r := range rejects {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, []any{r.Line, r.Column, r.Value, r.Reason}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_ = f.SetColWidth(sheet, "B", "C", 24)
	_ = f.SetColWidth(sheet, "D", "D", 80)
	return f.Write(w)
}
