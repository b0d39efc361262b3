package enforce

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/store"
)

// penaltyRow is a validated penalty ready to store: its values (in
// penaltyColumns order) and content hash are computed on the parsing side of
// an import, so the writing side only writes.
type penaltyRow struct {
	agencyID, batchID int64 // set by the writer
	docNo             string
	vals              []any
	hash              string
	flagged           bool
}

func newPenaltyRow(p *Penalty) penaltyRow {
	vals := p.values()
	return penaltyRow{docNo: p.DocNo, vals: vals, hash: contentHash(p.DocNo, vals), flagged: len(p.Flags) > 0}
}

// sqliteRowsPerInsert is how many rows one prepared SQLite INSERT carries
// (51 parameters a row; SQLite allows 32,766); a divisor of chunkRows.
const sqliteRowsPerInsert = 256

// deferIndexRows: a SQLite batch that brings at least this many new rows in
// one chunk defers its full-text indexing to one statement at the end (see
// deferTextIndex).
const deferIndexRows = 512

// analyzeAfterRows: a PostgreSQL batch inserting at least this many rows
// refreshes the table's statistics (see finish).
const analyzeAfterRows = 50_000

// ftsHashSize is the FTS5 'hashsize' used for deferred indexing (bytes).
const ftsHashSize = 8 << 20

// ftsDefaultHashSize is FTS5's own default, restored after the batch.
const ftsDefaultHashSize = 1 << 20

// insertCols are the penalties columns a new record writes, in the order of
// insertArgs.
var insertCols = append(append([]string{"agency_id", "doc_no", "revision", "content_hash", "batch_id"}, penaltyColumns...), "created_at", "updated_at")

// dateCol marks the penaltyColumns that hold civil dates (COPY wants them as
// time.Time, not text).
var dateCol = func() []bool {
	m := make([]bool, len(penaltyColumns))
	for i, c := range penaltyColumns {
		m[i] = c == "decision_date" || c == "valid_until" || c == "publish_until" || strings.HasSuffix(c, "_date")
	}
	return m
}()

// penaltySink stores the valid penalties of one batch, a chunk at a time, in
// the batch's transaction: new records in bulk (SQLite: prepared multi-row
// INSERTs; PostgreSQL: COPY), changed ones as new revisions, unchanged ones
// left alone.
type penaltySink struct {
	agencyID, batchID, now int64
	// fresh: the agency had no records when the batch began, so every row is
	// new (validation refuses a document number twice in one batch) and no
	// lookup is needed.
	fresh bool
	ins   *sql.Stmt // SQLite: INSERT of sqliteRowsPerInsert rows
	args  []any
	// SQLite, large batches: the insert trigger of the text index, dropped
	// for the batch, and the last penalty id before it.
	ftsTrigger string
	ftsAfterID int64
	deferred   bool
	inserted   int // new rows written, for the statistics refresh in finish
}

// begin prepares the sink in the batch's transaction.
func (s *penaltySink) Begin(ctx context.Context, tx *store.Tx) error {
	// (batch.Run has serialised the imports of this agency and kind.)
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM penalties WHERE agency_id = ? LIMIT 1) t", s.agencyID).Scan(&n)
	if err != nil {
		return fmt.Errorf("enforce: records of agency %d: %w", s.agencyID, err)
	}
	s.fresh = n == 0
	return nil
}

// deferTextIndex speeds up a large SQLite import: the full-text index
// (migration 0003) is kept by an AFTER INSERT trigger, and FTS5 writes its
// pending terms to disk at the end of every statement, so a bulk import
// spends most of its time flushing and merging small index segments. For
// the batch, the trigger is dropped and the new rows are indexed by one
// INSERT … SELECT at the end, and the trigger is created again from its own
// stored SQL — all inside the batch's transaction, so readers never see the
// index out of step and a failure rolls everything back.
func (s *penaltySink) deferTextIndex(ctx context.Context, tx *store.Tx) error {
	err := tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'penalties_fts_insert'").Scan(&s.ftsTrigger)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // no text index: nothing to defer
	}
	if err != nil {
		return fmt.Errorf("enforce: read text-index trigger: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM penalties").Scan(&s.ftsAfterID); err != nil {
		return fmt.Errorf("enforce: last record id: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DROP TRIGGER penalties_fts_insert"); err != nil {
		return fmt.Errorf("enforce: defer text index: %w", err)
	}
	if s.ins != nil { // prepared before the schema change
		s.ins.Close()
		s.ins = nil
	}
	return nil
}

// finish indexes the rows whose indexing was deferred and restores the
// trigger. The view is the one the index reads (external content), so the
// rows are indexed exactly as the trigger would have.
func (s *penaltySink) Finish(ctx context.Context, tx *store.Tx) error {
	if tx.Dialect() == store.Postgres && s.inserted >= analyzeAfterRows {
		// A large load leaves the planner's statistics far behind until
		// autovacuum comes round: the next import's lookups of a chunk of
		// document numbers then ran as scans (0.8 s a chunk at a million
		// rows instead of milliseconds). ANALYZE samples, so it costs about a
		// second whatever the size, and commits with the batch.
		if _, err := tx.ExecContext(ctx, "ANALYZE penalties"); err != nil {
			return fmt.Errorf("enforce: refresh statistics: %w", err)
		}
	}
	if s.ftsTrigger == "" {
		return nil
	}
	// Index in larger in-memory runs than FTS5's default 1 MB, so that far
	// fewer segments are written and merged (the setting is stored with the
	// index, so it is set back below; memory stays bounded by it). 8 MB builds a
	// million rows' index as fast as 32 MB did, with 50 MB less peak RSS.
	if _, err := tx.ExecContext(ctx, "INSERT INTO penalties_fts (penalties_fts, rank) VALUES ('hashsize', ?)", ftsHashSize); err != nil {
		return fmt.Errorf("enforce: text-index settings: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO penalties_fts (rowid, party_name, doc_no, facts)
		SELECT id, party_name, doc_no, facts FROM penalties_fts_content WHERE id > ?`, s.ftsAfterID); err != nil {
		return fmt.Errorf("enforce: index new records: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.ftsTrigger); err != nil {
		return fmt.Errorf("enforce: restore text-index trigger: %w", err)
	}
	// The setting is stored with the index: give single-row writers the
	// default back.
	if _, err := tx.ExecContext(ctx, "INSERT INTO penalties_fts (penalties_fts, rank) VALUES ('hashsize', ?)", ftsDefaultHashSize); err != nil {
		return fmt.Errorf("enforce: text-index settings: %w", err)
	}
	s.ftsTrigger = ""
	return nil
}

func (s *penaltySink) Close() {
	if s.ins != nil {
		s.ins.Close()
	}
}

// existing is what the database holds for a document number.
type existing struct {
	id, rev int64
	hash    string
	batch   sql.NullInt64
}

// write stores one chunk of rows.
func (s *penaltySink) Write(ctx context.Context, tx *store.Tx, rows []penaltyRow) (batch.Counts, error) {
	var c batch.Counts
	if len(rows) == 0 {
		return c, nil
	}
	var have map[string]existing
	if !s.fresh {
		var err error
		if have, err = s.lookup(ctx, tx, rows); err != nil {
			return c, err
		}
	}
	fresh := rows
	if len(have) > 0 {
		fresh = make([]penaltyRow, 0, len(rows))
		for i := range rows {
			r := &rows[i]
			old, ok := have[r.docNo]
			switch {
			case !ok:
				fresh = append(fresh, *r)
				continue
			case r.sameContent(old.hash):
				c.Unchanged++
			default:
				if err := s.revise(ctx, tx, r, old); err != nil {
					return c, err
				}
				c.Updated++
			}
			if r.flagged {
				c.Flagged++
			}
		}
	}
	for i := range fresh {
		fresh[i].agencyID, fresh[i].batchID = s.agencyID, s.batchID
	}
	if err := s.insert(ctx, tx, fresh); err != nil {
		return c, err
	}
	s.inserted += len(fresh)
	c.Inserted += len(fresh)
	for i := range fresh {
		if fresh[i].flagged {
			c.Flagged++
		}
	}
	return c, nil
}

// lookup reads the stored versions of the chunk's document numbers.
func (s *penaltySink) lookup(ctx context.Context, tx *store.Tx, rows []penaltyRow) (map[string]existing, error) {
	return lookupExisting(ctx, tx, "penalties", "records", s.agencyID, len(rows), func(i int) string { return rows[i].docNo })
}

// insertArgs appends a new record's INSERT arguments; dates as time.Time
// for COPY when asTime.
func (s *penaltySink) insertArgs(dst []any, r *penaltyRow, asTime bool) []any {
	dst = append(dst, r.agencyID, r.docNo, int64(1), r.hash, r.batchID)
	if !asTime {
		dst = append(dst, r.vals...)
	} else {
		for i, v := range r.vals {
			if str, ok := v.(string); ok && dateCol[i] {
				t, err := time.Parse(time.DateOnly, str)
				if err == nil {
					v = t
				}
			}
			dst = append(dst, v)
		}
	}
	return append(dst, s.now, s.now)
}

// insert writes new records.
func (s *penaltySink) insert(ctx context.Context, tx *store.Tx, rows []penaltyRow) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.Dialect() == store.SQLite && len(rows) >= deferIndexRows && !s.deferred {
		s.deferred = true
		if err := s.deferTextIndex(ctx, tx); err != nil {
			return err
		}
	}
	if tx.Dialect() == store.Postgres {
		src := make([][]any, len(rows))
		for i := range rows {
			src[i] = s.insertArgs(make([]any, 0, len(insertCols)), &rows[i], true)
		}
		if _, err := tx.CopyFrom(ctx, "penalties", insertCols, pgx.CopyFromRows(src)); err != nil {
			return fmt.Errorf("enforce: store records: %w", err)
		}
		return nil
	}
	for len(rows) >= sqliteRowsPerInsert {
		if s.ins == nil {
			st, err := tx.PrepareContext(ctx, insertSQL(sqliteRowsPerInsert))
			if err != nil {
				return fmt.Errorf("enforce: prepare insert: %w", err)
			}
			s.ins = st
		}
		s.args = s.args[:0]
		for i := range rows[:sqliteRowsPerInsert] {
			s.args = s.insertArgs(s.args, &rows[i], false)
		}
		if _, err := s.ins.ExecContext(ctx, s.args...); err != nil {
			return fmt.Errorf("enforce: store records: %w", err)
		}
		rows = rows[sqliteRowsPerInsert:]
	}
	if len(rows) == 0 {
		return nil
	}
	s.args = s.args[:0]
	for i := range rows {
		s.args = s.insertArgs(s.args, &rows[i], false)
	}
	if _, err := tx.ExecContext(ctx, insertSQL(len(rows)), s.args...); err != nil {
		return fmt.Errorf("enforce: store records: %w", err)
	}
	return nil
}

// insertSQL is an INSERT of n new records.
func insertSQL(n int) string {
	tuple := "(" + store.Placeholders(len(insertCols)) + ")"
	return "INSERT INTO penalties (" + strings.Join(insertCols, ", ") + ") VALUES " + strings.Repeat(tuple+", ", n-1) + tuple
}

// revise keeps the stored version of a changed record in penalty_revisions
// and makes the row the record's next revision.
func (s *penaltySink) revise(ctx context.Context, tx *store.Tx, r *penaltyRow, old existing) error {
	prev, err := getPenalty(ctx, tx, old.id)
	if err != nil {
		return err
	}
	data, err := json.Marshal(prev)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO penalty_revisions (penalty_id, revision, content_hash, batch_id, data, replaced_at, replaced_by_batch)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, old.id, old.rev, old.hash, old.batch, string(data), s.now, s.batchID); err != nil {
		return fmt.Errorf("enforce: keep revision of %q: %w", r.docNo, err)
	}
	set := make([]string, len(penaltyColumns))
	for i, c := range penaltyColumns {
		set[i] = c + " = ?"
	}
	args := append(append(make([]any, 0, len(r.vals)+4), r.vals...), r.hash, s.batchID, s.now, old.id)
	if _, err := tx.ExecContext(ctx, "UPDATE penalties SET "+strings.Join(set, ", ")+", content_hash = ?, batch_id = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
		args...); err != nil {
		return fmt.Errorf("enforce: update penalty %q: %w", r.docNo, err)
	}
	return nil
}

// NewPenalty is a penalty known to be new, with its agency and batch.
type NewPenalty struct {
	AgencyID, BatchID int64
	Penalty           *Penalty
}

// PenaltyWriter writes penalties known to be new — no stored record has
// their agency and document number — in bulk, as revision 1, without
// looking anything up: for generated data (the demo district). Imports go
// through the batch runner, which looks stored records up first. Call
// Finish before the transaction commits.
type PenaltyWriter struct {
	sink penaltySink
	rows []penaltyRow
}

// NewPenaltyWriter returns a writer stamping records with now (Unix ms).
func NewPenaltyWriter(now int64) *PenaltyWriter { return &PenaltyWriter{sink: penaltySink{now: now}} }

// Insert writes the records.
func (w *PenaltyWriter) Insert(ctx context.Context, tx *store.Tx, recs []NewPenalty) error {
	w.rows = w.rows[:0]
	for _, r := range recs {
		row := newPenaltyRow(r.Penalty)
		row.agencyID, row.batchID = r.AgencyID, r.BatchID
		w.rows = append(w.rows, row)
	}
	w.sink.inserted += len(w.rows)
	return w.sink.insert(ctx, tx, w.rows)
}

// Finish completes deferred indexing (see penaltySink.finish).
func (w *PenaltyWriter) Finish(ctx context.Context, tx *store.Tx) error {
	return w.sink.Finish(ctx, tx)
}

// Close releases prepared statements.
func (w *PenaltyWriter) Close() { w.sink.Close() }
