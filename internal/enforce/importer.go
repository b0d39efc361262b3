package enforce

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// Importer turns agency files into stored penalties.
type Importer struct {
	DB  *store.DB
	Now func() time.Time
}

// NewImporter returns an Importer.
func NewImporter(db *store.DB) *Importer { return &Importer{DB: db, Now: time.Now} }

// FileImport describes one uploaded file.
type FileImport struct {
	AgencyID int64
	FileName string
	File     io.ReaderAt
	Size     int64
	// Mapping is the agency's saved column mapping; nil = recognise the
	// national layout and its usual synonyms.
	Mapping Mapping
	// Progress, when set, is called every few thousand rows with the rows read.
	Progress func(rows int)
}

// Report is the outcome of an import.
type Report struct {
	BatchID   int64 `json:"batch_id"`
	Total     int   `json:"total"`
	Inserted  int   `json:"inserted"`
	Updated   int   `json:"updated"`
	Unchanged int   `json:"unchanged"`
	Rejected  int   `json:"rejected"` // rows refused

	Flagged int        `json:"flagged"`
	Rejects []RowError `json:"rejects"` // their reasons (a row may have several), at most MaxReportRejects; all are stored with the batch
}

// MaxReportRejects bounds the rejects returned inline; the full list is in
// import_rejects and in the downloadable report.
const MaxReportRejects = 1000

// ImportFile validates every row of a file and stores the good ones, all in
// one transaction with the batch record and every rejected row: a failure at
// any point leaves nothing behind. A re-import of the same file changes
// nothing; a changed row becomes a new revision.
func (im *Importer) ImportFile(ctx context.Context, p *auth.Principal, in FileImport) (Report, error) {
	var rep Report
	if !p.Can(auth.PermRecordImport) {
		return rep, apperr.Forbidden()
	}
	if !p.Scope().Allows(in.AgencyID) {
		return rep, apperr.New("forbidden", "只能为本单位导入执法数据")
	}
	agency, err := im.agency(ctx, in.AgencyID)
	if err != nil {
		return rep, err
	}
	sum, err := fileHash(in.File, in.Size)
	if err != nil {
		return rep, apperr.Wrap(err, "invalid_file", "无法读取上传的文件")
	}
	book, err := tabular.Open(in.File, in.Size, in.FileName)
	if err != nil {
		return rep, fileError(err)
	}
	defer book.Close()
	rows, err := book.Rows(0)
	if err != nil {
		return rep, fileError(err)
	}
	defer rows.Close()
	known := KnownHeaders()
	if in.Mapping != nil {
		// A saved layout may use headers of its own: search for those too.
		known = in.Mapping.HeaderTexts()
	}
	header, rows, err := tabular.ScanHeader(rows, known, tabular.DefaultHeaderScan)
	if err != nil {
		return rep, fileError(err)
	}
	mapping := in.Mapping
	if mapping == nil {
		mapping, _ = AutoMap(header)
	}
	if err := mapping.Check(header); err != nil {
		return rep, apperr.Wrap(err, "invalid_file", err.Error())
	}
	domains, err := im.domains(ctx)
	if err != nil {
		return rep, err
	}
	rc := RowContext{AgencyName: agency.name, AgencyUSCC: agency.uscc, Domains: domains, Date1904: book.Date1904, File: NewFileState()}
	meta := batchMeta{agencyID: in.AgencyID, source: "file", fileName: in.FileName, sha256: sum, size: in.Size}
	return im.store(ctx, p, meta, in.Progress, func(emit func(line int, pen Penalty, errs []RowError) error) error {
		for {
			row, err := rows.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fileError(err)
			}
			if tabular.IsBlank(row) || tabular.IsTotalRow(row) {
				continue
			}
			pen, errs := ParseRow(mapping, header, row, rc)
			if err := emit(row.Line, pen, errs); err != nil {
				return err
			}
		}
	})
}

// batchMeta describes where a batch came from.
type batchMeta struct {
	agencyID         int64
	source           string // "file" | "api"
	fileName, sha256 string
	size             int64
}

// rowSource feeds validated rows to emit, in order.
type rowSource func(emit func(line int, pen Penalty, errs []RowError) error) error

// store runs one batch: the batch record, every row (stored or its reasons
// recorded), the counts and one audit row, all in one transaction, so a
// failure at any point leaves nothing behind.
func (im *Importer) store(ctx context.Context, p *auth.Principal, meta batchMeta, progress func(int), src rowSource) (Report, error) {
	var rep Report
	now := im.Now().UnixMilli()
	err := im.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO import_batches (kind, agency_id, source, file_name, file_sha256, file_size,
			created_by, token_id, actor, started_at, finished_at) VALUES ('penalty', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			meta.agencyID, meta.source, meta.fileName, meta.sha256, meta.size, nullID(p.UserID), nullID(p.TokenID), p.Actor().Username, now, now).Scan(&rep.BatchID); err != nil {
			return fmt.Errorf("enforce: create batch: %w", err)
		}
		seq := 0 // one import_rejects row per reason; Rejected counts rows
		err := src(func(line int, pen Penalty, errs []RowError) error {
			rep.Total++
			if progress != nil && rep.Total%5000 == 0 {
				progress(rep.Total)
			}
			if len(errs) > 0 {
				rep.Rejected++
				for _, e := range errs {
					seq++
					if len(rep.Rejects) < MaxReportRejects {
						rep.Rejects = append(rep.Rejects, e)
					}
					if _, err := tx.ExecContext(ctx, "INSERT INTO import_rejects (batch_id, seq, line, col, value, reason) VALUES (?, ?, ?, ?, ?, ?)",
						rep.BatchID, seq, e.Line, e.Column, truncate(e.Value, 200), e.Reason); err != nil {
						return fmt.Errorf("enforce: record reject: %w", err)
					}
				}
				return nil
			}
			out, err := Upsert(ctx, tx, meta.agencyID, rep.BatchID, &pen, now)
			if err != nil {
				return err
			}
			switch out {
			case Inserted:
				rep.Inserted++
			case Updated:
				rep.Updated++
			case Unchanged:
				rep.Unchanged++
			}
			if len(pen.Flags) > 0 {
				rep.Flagged++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(rep.Total)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE import_batches SET rows_total = ?, rows_inserted = ?, rows_updated = ?, rows_unchanged = ?,
			rows_rejected = ?, rows_flagged = ?, finished_at = ? WHERE id = ?`, rep.Total, rep.Inserted, rep.Updated, rep.Unchanged,
			rep.Rejected, rep.Flagged, im.Now().UnixMilli(), rep.BatchID); err != nil {
			return fmt.Errorf("enforce: close batch: %w", err)
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "penalty.import", ObjectType: "import_batch", ObjectID: fmt.Sprint(rep.BatchID),
			After: map[string]any{"agency_id": meta.agencyID, "source": meta.source, "file": meta.fileName, "sha256": meta.sha256, "total": rep.Total,
				"inserted": rep.Inserted, "updated": rep.Updated, "unchanged": rep.Unchanged, "rejected": rep.Rejected}})
	})
	if err != nil {
		return Report{}, err
	}
	if rep.Rejects == nil {
		rep.Rejects = []RowError{}
	}
	return rep, nil
}

type agencyInfo struct {
	name, uscc string
}

func (im *Importer) agency(ctx context.Context, id int64) (agencyInfo, error) {
	var a agencyInfo
	var kind string
	var disabled bool
	err := im.DB.QueryRowContext(ctx, "SELECT name, uscc, kind, disabled FROM orgs WHERE id = ?", id).Scan(&a.name, &a.uscc, &kind, &disabled)
	if err != nil {
		return a, apperr.NotFound("机构")
	}
	if disabled {
		return a, apperr.New("validation_failed", "机构已停用，不能导入数据")
	}
	if kind != auth.KindAgency && kind != auth.KindTownGovernment {
		return a, apperr.New("validation_failed", "只有行政执法机关和镇街可以导入执法数据")
	}
	return a, nil
}

// domains reads the domain dictionary, code → Chinese name.
func (im *Importer) domains(ctx context.Context) (map[string]string, error) {
	rows, err := im.DB.QueryContext(ctx, "SELECT code, name FROM domains")
	if err != nil {
		return nil, fmt.Errorf("enforce: read domains: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

func fileHash(r io.ReaderAt, size int64) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, size)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileError turns a reading problem into the user's error, keeping the
// reader's Chinese message.
func fileError(err error) error {
	var te *tabular.Error
	if errors.As(err, &te) {
		msg := te.Message
		if te.Line > 0 {
			msg = fmt.Sprintf("第 %d 行：%s", te.Line, msg)
		}
		return apperr.Wrap(err, "invalid_file", msg)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return fmt.Errorf("enforce: read file: %w", err)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
