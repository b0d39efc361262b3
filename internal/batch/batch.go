// Package batch runs an import batch of any record kind: one transaction
// holding the batch row, every stored record, every reason a row was
// refused, the counts and one audit row — all or nothing — with parsing on
// one goroutine and writing on another. Enforcement records (penalties,
// inspections, measures) and reference datasets plug in a Sink.
package batch

import (
	"context"
	"fmt"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// RowError is one reason a row was refused, for the import report.
type RowError struct {
	Line   int    `json:"line"`   // physical line (CSV) or row number (Excel) in the file
	Column string `json:"column"` // the file's own header text, "" for the whole row
	Value  string `json:"value"`
	Reason string `json:"reason"` // Chinese
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

// Meta describes where a batch came from.
type Meta struct {
	Kind             string // import_batches.kind: "penalty" | "inspection" | "measure" | a dataset's name
	AgencyID         int64  // the org whose data it is
	Source           string // "file" | "api"
	FileName, SHA256 string
	Size             int64
}

// Counts is what storing a chunk of records did.
type Counts struct{ Inserted, Updated, Unchanged, Flagged int }

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Inserted += o.Inserted
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Flagged += o.Flagged
}

// Source feeds the rows of a batch to emit, in order: a validated record, or
// the reasons its row was refused. It runs on its own goroutine, beside the
// writer, and must stop when ctx is done (emit then returns its error).
type Source[R any] func(ctx context.Context, emit func(line int, rec R, errs []RowError) error) error

// Sink stores the valid records of one batch, a chunk at a time, in the
// batch's transaction.
type Sink[R any] interface {
	Begin(ctx context.Context, tx *store.Tx) error
	Write(ctx context.Context, tx *store.Tx, recs []R) (Counts, error)
	Finish(ctx context.Context, tx *store.Tx) error // after the last chunk
	Close()
}

// ChunkRows is how many rows travel from the parser to the writer at once
// (a sink's Write gets at most this many).
const ChunkRows = 1024

// parsedRow is one row between the parser and the writer.
type parsedRow[R any] struct {
	line int
	rec  R
	errs []RowError
}

// Run runs one import batch: the batch record, every row (stored, or its
// reasons recorded), the counts and one audit row, all in one transaction, so
// a failure at any point leaves nothing behind. Parsing and validation (src)
// run on one goroutine while the database writes on this one, so a large
// file keeps two cores busy. progress, if set, gets the rows done so far.
func Run[R any](ctx context.Context, db *store.DB, now func() int64, p *auth.Principal, meta Meta, progress func(int),
	src Source[R], newSink func(batchID, now int64) Sink[R]) (Report, error) {
	var rep Report
	started := now()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if tx.Dialect() == store.Postgres {
			// Serialise the imports of one agency and kind, first thing (before
			// the batch row, whose foreign key share-locks the agency's org
			// row): two batches must not both find the agency without records
			// and collide on a document number. An advisory lock blocks no
			// other use of the org. (SQLite has one writer anyway.)
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(?), ?)", "xingjian.import."+meta.Kind, meta.AgencyID); err != nil {
				return fmt.Errorf("batch: wait for other imports of agency %d: %w", meta.AgencyID, err)
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO import_batches (kind, agency_id, source, file_name, file_sha256, file_size,
			created_by, token_id, actor, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			meta.Kind, meta.AgencyID, meta.Source, meta.FileName, meta.SHA256, meta.Size, nullID(p.UserID), nullID(p.TokenID), p.Actor().Username,
			started, started).Scan(&rep.BatchID); err != nil {
			return fmt.Errorf("batch: create batch: %w", err)
		}
		sink := newSink(rep.BatchID, started)
		defer sink.Close()
		if err := sink.Begin(ctx, tx); err != nil {
			return err
		}
		rejects := &rejectWriter{batchID: rep.BatchID}

		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		chunks := make(chan []parsedRow[R], 4)
		var srcErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer close(chunks)
			defer func() {
				// Validation must never panic on input; if it does, the
				// batch fails instead of the server.
				if r := recover(); r != nil {
					srcErr = fmt.Errorf("batch: parsing panicked: %v", r)
				}
			}()
			buf := make([]parsedRow[R], 0, ChunkRows)
			send := func() error {
				select {
				case chunks <- buf:
					buf = make([]parsedRow[R], 0, ChunkRows)
					return nil
				case <-pctx.Done():
					return pctx.Err()
				}
			}
			srcErr = src(pctx, func(line int, rec R, errs []RowError) error {
				buf = append(buf, parsedRow[R]{line, rec, errs})
				if len(buf) == ChunkRows {
					return send()
				}
				return nil
			})
			if srcErr == nil && len(buf) > 0 {
				srcErr = send()
			}
		}()

		werr := func() error {
			good := make([]R, 0, ChunkRows)
			var c Counts
			for chunk := range chunks {
				good = good[:0]
				for i := range chunk {
					row := &chunk[i]
					rep.Total++
					if len(row.errs) == 0 {
						good = append(good, row.rec)
						continue
					}
					rep.Rejected++
					for _, e := range row.errs {
						if len(rep.Rejects) < MaxReportRejects {
							rep.Rejects = append(rep.Rejects, e)
						}
						if err := rejects.add(ctx, tx, e); err != nil {
							return err
						}
					}
				}
				got, err := sink.Write(ctx, tx, good)
				if err != nil {
					return err
				}
				c.Add(got)
				if progress != nil {
					progress(rep.Total)
				}
			}
			rep.Inserted, rep.Updated, rep.Unchanged, rep.Flagged = c.Inserted, c.Updated, c.Unchanged, c.Flagged
			return rejects.flush(ctx, tx)
		}()
		if werr != nil && ctx.Err() != nil {
			werr = fmt.Errorf("batch: import stopped: %w", ctx.Err()) // not the closed statement it caused
		}
		if werr != nil {
			cancel()
			for range chunks { // let the parser see the cancellation and stop
			}
			<-done
			return werr
		}
		<-done
		if srcErr != nil {
			return srcErr
		}
		if err := sink.Finish(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE import_batches SET rows_total = ?, rows_inserted = ?, rows_updated = ?, rows_unchanged = ?,
			rows_rejected = ?, rows_flagged = ?, finished_at = ? WHERE id = ?`, rep.Total, rep.Inserted, rep.Updated, rep.Unchanged,
			rep.Rejected, rep.Flagged, now(), rep.BatchID); err != nil {
			return fmt.Errorf("batch: close batch: %w", err)
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: meta.Kind + ".import", ObjectType: "import_batch", ObjectID: fmt.Sprint(rep.BatchID),
			After: map[string]any{"agency_id": meta.AgencyID, "source": meta.Source, "file": meta.FileName, "sha256": meta.SHA256, "total": rep.Total,
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

// rejectWriter records the reasons rows were refused, in multi-row INSERTs.
type rejectWriter struct {
	batchID int64
	seq     int // one import_rejects row per reason
	args    []any
}

const rejectsPerInsert = 500

func (w *rejectWriter) add(ctx context.Context, tx *store.Tx, e RowError) error {
	w.seq++
	w.args = append(w.args, w.batchID, w.seq, e.Line, e.Column, truncate(e.Value, 200), e.Reason)
	if len(w.args) >= rejectsPerInsert*6 {
		return w.flush(ctx, tx)
	}
	return nil
}

func (w *rejectWriter) flush(ctx context.Context, tx *store.Tx) error {
	n := len(w.args) / 6
	if n == 0 {
		return nil
	}
	tuple := "(?, ?, ?, ?, ?, ?)"
	q := "INSERT INTO import_rejects (batch_id, seq, line, col, value, reason) VALUES " + repeatJoin(tuple, n)
	if _, err := tx.ExecContext(ctx, q, w.args...); err != nil {
		return fmt.Errorf("batch: record rejects: %w", err)
	}
	w.args = w.args[:0]
	return nil
}

func repeatJoin(s string, n int) string {
	b := make([]byte, 0, n*(len(s)+2))
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, s...)
	}
	return string(b)
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
