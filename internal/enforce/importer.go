package enforce

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
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
	// Progress, when set, is called every thousand or so rows with the rows
	// done (stored or refused).
	Progress func(rows int)
	// BytesRead, when set, follows how far into the file reading has got
	// (after the whole-file hash), for a progress bar: rows alone cannot say
	// how much is left. It is -1 for workbooks (XLSX, XLS): they are read
	// from their directory at the end first and then by entry, so no offset
	// measures progress; only rows are known.
	BytesRead *atomic.Int64
}

// reader is the file as the parser reads it: counted when BytesRead is set.
func (in *FileImport) reader() io.ReaderAt {
	if in.BytesRead == nil {
		return in.File
	}
	return countingReaderAt{in.File, in.BytesRead}
}

// countingReaderAt records the furthest offset read.
type countingReaderAt struct {
	r   io.ReaderAt
	max *atomic.Int64
}

func (c countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	for end := off + int64(n); ; {
		cur := c.max.Load()
		if cur < 0 || end <= cur || c.max.CompareAndSwap(cur, end) { // cur < 0: not measured
			break
		}
	}
	return n, err
}

// Report is the outcome of an import.
type Report = batch.Report

// MaxReportRejects bounds the rejects returned inline; the full list is in
// import_rejects and in the downloadable report.
const MaxReportRejects = batch.MaxReportRejects

// ImportFile validates every row of a file and stores the good ones, all in
// one transaction with the batch record and every rejected row: a failure at
// any point leaves nothing behind. A re-import of the same file changes
// nothing; a changed row becomes a new revision.
func (im *Importer) ImportFile(ctx context.Context, p *auth.Principal, in FileImport) (Report, error) {
	known := KnownHeaders()
	if in.Mapping != nil {
		// A saved layout may use headers of its own: search for those too.
		known = in.Mapping.HeaderTexts()
	}
	t, err := im.openTable(ctx, p, in, known)
	if err != nil {
		return Report{}, err
	}
	defer t.close()
	mapping := in.Mapping
	if mapping == nil {
		mapping, _ = AutoMap(t.header)
	}
	if err := mapping.Check(t.header); err != nil {
		return Report{}, apperr.Wrap(err, "invalid_file", err.Error())
	}
	rc, err := im.rowContext(ctx, t.agency, t.book.Date1904)
	if err != nil {
		return Report{}, err
	}
	return im.storePenalties(ctx, p, t.meta, in.Progress, func(emit func(line int, pen Penalty, errs []RowError) error) error {
		return t.each(func(row tabular.Row) error {
			pen, errs := ParseRow(mapping, t.header, row, rc)
			return emit(row.Line, pen, errs)
		})
	})
}

// importTable is an import file opened down to its header row.
type importTable struct {
	agency agencyInfo
	meta   batch.Meta // a file batch (kind left to the caller)
	book   *tabular.Book
	sheet  tabular.Rows // the first sheet, closed with the book
	header tabular.Header
	rows   tabular.Rows // the rows below the header
}

// openTable checks that p may import into in.AgencyID, hashes the file and
// opens its first sheet down to the header row, looked for among the known
// header texts. The caller closes the table.
func (im *Importer) openTable(ctx context.Context, p *auth.Principal, in FileImport, known []string) (*importTable, error) {
	if !p.Can(auth.PermRecordImport) {
		return nil, apperr.Forbidden()
	}
	if !p.Scope().Allows(in.AgencyID) {
		return nil, apperr.New("forbidden", "只能为本单位导入执法数据")
	}
	agency, err := im.agency(ctx, in.AgencyID)
	if err != nil {
		return nil, err
	}
	sum, err := fileHash(in.File, in.Size)
	if err != nil {
		return nil, apperr.Wrap(err, "invalid_file", "无法读取上传的文件")
	}
	book, err := tabular.Open(in.reader(), in.Size, in.FileName)
	if err == nil && book.Format != tabular.FormatCSV && in.BytesRead != nil {
		in.BytesRead.Store(-1)
	}
	if err != nil {
		return nil, fileError(err)
	}
	t := &importTable{agency: agency, book: book,
		meta: batch.Meta{AgencyID: in.AgencyID, Source: "file", FileName: in.FileName, SHA256: sum, Size: in.Size}}
	if t.sheet, err = book.Rows(0); err != nil {
		book.Close()
		return nil, fileError(err)
	}
	if t.header, t.rows, err = tabular.ScanHeader(t.sheet, known, tabular.DefaultHeaderScan); err != nil {
		t.close()
		return nil, fileError(err)
	}
	return t, nil
}

func (t *importTable) close() {
	t.sheet.Close()
	t.book.Close()
}

// each calls fn with every data row, blank and total rows left out.
func (t *importTable) each(fn func(tabular.Row) error) error {
	for {
		row, err := t.rows.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fileError(err)
		}
		if tabular.IsBlank(row) || tabular.IsTotalRow(row) {
			continue
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// rowContext is what the rows of a batch for agency are validated with.
func (im *Importer) rowContext(ctx context.Context, agency agencyInfo, date1904 bool) (RowContext, error) {
	domains, err := im.domains(ctx)
	if err != nil {
		return RowContext{}, err
	}
	return RowContext{AgencyName: agency.name, AgencyUSCC: agency.uscc, Domains: domains, Date1904: date1904, File: NewFileState()}, nil
}

// storePenalties runs a batch of penalties (see batch.Run).
func (im *Importer) storePenalties(ctx context.Context, p *auth.Principal, meta batch.Meta, progress func(int),
	src func(emit func(line int, pen Penalty, errs []RowError) error) error) (Report, error) {
	meta.Kind = "penalty"
	return batch.Run(ctx, im.DB, func() int64 { return im.Now().UnixMilli() }, p, meta, progress, batchRows(src, newPenaltyRow),
		func(batchID, now int64) batch.Sink[penaltyRow] {
			return &penaltySink{agencyID: meta.AgencyID, batchID: batchID, now: now}
		})
}

// batchRows turns a source of validated records into batch.Run's rows: a
// refused record passes on its errors, a good one its stored form (toRow).
func batchRows[Rec, Row any](src func(emit func(line int, r Rec, errs []RowError) error) error, toRow func(*Rec) Row) batch.Source[Row] {
	return func(ctx context.Context, emit func(line int, r Row, errs []RowError) error) error {
		return src(func(line int, r Rec, errs []RowError) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if len(errs) > 0 {
				var none Row
				return emit(line, none, errs)
			}
			return emit(line, toRow(&r), nil)
		})
	}
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
