package enforce

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/batch"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// values are the stored values of r in s.columns order: dates as
// 'YYYY-MM-DD' or NULL, days as NULL when not given.
func (s *activitySpec[R]) values(r *R) []any {
	out := make([]any, 0, len(s.columns))
	for _, i := range s.stored {
		switch x := s.fields[i].ptr(r).(type) {
		case *string:
			out = append(out, *x)
		case *tabular.Date:
			out = append(out, dateArg(*x))
		case *int64:
			out = append(out, *x)
		case *int:
			if *x == 0 {
				out = append(out, nil)
			} else {
				out = append(out, int64(*x))
			}
		case **bool:
			out = append(out, *x)
		default:
			panic(fmt.Sprintf("enforce: field %s: unexpected %T", s.fields[i].ID, x))
		}
	}
	return append(out, strings.Join(*s.flags(r), ","))
}

// targets are the scan destinations of s.columns for r.
func (s *activitySpec[R]) targets(r *R, flags *string) []any {
	out := make([]any, 0, len(s.columns))
	for _, i := range s.stored {
		switch x := s.fields[i].ptr(r).(type) {
		case *tabular.Date:
			out = append(out, (*dbDate)(x))
		case *int:
			out = append(out, (*nullDays)(x))
		default:
			out = append(out, x)
		}
	}
	return append(out, flags)
}

// nullDays scans a nullable INTEGER into an int, 0 for NULL.
type nullDays int

func (d *nullDays) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*d = nullDays(n.Int64)
	return nil
}

// activityRow is a validated record ready to store.
type activityRow struct {
	docNo   string
	vals    []any
	hash    string
	flagged bool
}

func (s *activitySpec[R]) newRow(r *R) activityRow {
	vals := s.values(r)
	return activityRow{docNo: *s.docNo(r), vals: vals, hash: contentHash(*s.docNo(r), vals), flagged: len(*s.flags(r)) > 0}
}

// activityRowsPerInsert bounds a multi-row INSERT (about 30 parameters a
// row: well under both engines' limits).
const activityRowsPerInsert = 200

// activitySink stores the valid records of one batch of a spec's kind:
// new ones inserted, changed ones made the next revision (the replaced
// version kept whole), unchanged ones left alone.
type activitySink[R any] struct {
	spec                   *activitySpec[R]
	agencyID, batchID, now int64
	fresh                  bool
	insertCols             []string
}

func (k *activitySink[R]) Begin(ctx context.Context, tx *store.Tx) error {
	// (batch.Run has serialised the imports of this agency and kind.)
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+k.spec.table+" WHERE agency_id = ? LIMIT 1) t", k.agencyID).Scan(&n); err != nil {
		return fmt.Errorf("enforce: %s of agency %d: %w", k.spec.table, k.agencyID, err)
	}
	k.fresh = n == 0
	k.insertCols = append(append([]string{"agency_id", "doc_no", "revision", "content_hash", "batch_id"}, k.spec.columns...), "created_at", "updated_at")
	return nil
}

func (k *activitySink[R]) Finish(context.Context, *store.Tx) error { return nil }

func (k *activitySink[R]) Close() {}

func (k *activitySink[R]) Write(ctx context.Context, tx *store.Tx, rows []activityRow) (batch.Counts, error) {
	var c batch.Counts
	if len(rows) == 0 {
		return c, nil
	}
	have := map[string]existing{}
	if !k.fresh {
		var err error
		if have, err = k.lookup(ctx, tx, rows); err != nil {
			return c, err
		}
	}
	fresh := make([]activityRow, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		old, ok := have[r.docNo]
		switch {
		case !ok:
			fresh = append(fresh, *r)
			c.Inserted++
		case old.hash == r.hash:
			c.Unchanged++
		default:
			if err := k.revise(ctx, tx, r, old); err != nil {
				return c, err
			}
			c.Updated++
		}
		if r.flagged {
			c.Flagged++
		}
	}
	for len(fresh) > 0 {
		n := min(len(fresh), activityRowsPerInsert)
		if err := k.insert(ctx, tx, fresh[:n]); err != nil {
			return c, err
		}
		fresh = fresh[n:]
	}
	return c, nil
}

func (k *activitySink[R]) lookup(ctx context.Context, tx *store.Tx, rows []activityRow) (map[string]existing, error) {
	return lookupExisting(ctx, tx, k.spec.table, k.spec.table, k.agencyID, len(rows), func(i int) string { return rows[i].docNo })
}

// lookupExisting reads what table holds for n document numbers of an
// agency (docNo gives the i-th); what names the records in an error.
func lookupExisting(ctx context.Context, tx *store.Tx, table, what string, agencyID int64, n int, docNo func(i int) string) (map[string]existing, error) {
	args := make([]any, 1, n+1)
	args[0] = agencyID
	for i := range n {
		args = append(args, docNo(i))
	}
	q, err := tx.QueryContext(ctx, "SELECT doc_no, id, revision, content_hash, batch_id FROM "+table+" WHERE agency_id = ? AND doc_no IN ("+
		store.Placeholders(n)+")", args...)
	if err != nil {
		return nil, fmt.Errorf("enforce: find stored %s: %w", what, err)
	}
	defer q.Close()
	have := map[string]existing{}
	for q.Next() {
		var doc string
		var e existing
		if err := q.Scan(&doc, &e.id, &e.rev, &e.hash, &e.batch); err != nil {
			return nil, fmt.Errorf("enforce: find stored %s: %w", what, err)
		}
		have[doc] = e
	}
	return have, q.Err()
}

func (k *activitySink[R]) insert(ctx context.Context, tx *store.Tx, rows []activityRow) error {
	tuple := "(" + store.Placeholders(len(k.insertCols)) + ")"
	args := make([]any, 0, len(rows)*len(k.insertCols))
	for i := range rows {
		r := &rows[i]
		args = append(args, k.agencyID, r.docNo, int64(1), r.hash, k.batchID)
		args = append(args, r.vals...)
		args = append(args, k.now, k.now)
	}
	q := "INSERT INTO " + k.spec.table + " (" + strings.Join(k.insertCols, ", ") + ") VALUES " + strings.Repeat(tuple+", ", len(rows)-1) + tuple
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("enforce: store %s: %w", k.spec.table, err)
	}
	return nil
}

func (k *activitySink[R]) revise(ctx context.Context, tx *store.Tx, r *activityRow, old existing) error {
	prev, err := k.spec.get(ctx, tx, old.id)
	if err != nil {
		return err
	}
	data, err := json.Marshal(prev.Record)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+k.spec.revTable+" ("+k.spec.revKey+`, revision, content_hash, batch_id, data, replaced_at, replaced_by_batch)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, old.id, old.rev, old.hash, old.batch, string(data), k.now, k.batchID); err != nil {
		return fmt.Errorf("enforce: keep revision of %q: %w", r.docNo, err)
	}
	set := make([]string, len(k.spec.columns))
	for i, c := range k.spec.columns {
		set[i] = c + " = ?"
	}
	args := append(append(make([]any, 0, len(r.vals)+4), r.vals...), r.hash, k.batchID, k.now, old.id)
	if _, err := tx.ExecContext(ctx, "UPDATE "+k.spec.table+" SET "+strings.Join(set, ", ")+", content_hash = ?, batch_id = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
		args...); err != nil {
		return fmt.Errorf("enforce: update %s %q: %w", k.spec.table, r.docNo, err)
	}
	return nil
}

// storedActivity is a record as stored, with its bookkeeping.
type storedActivity[R any] struct {
	Record    R
	ID        int64
	AgencyID  int64
	Revision  int
	BatchID   int64
	CreatedAt int64
	UpdatedAt int64
}

func (s *activitySpec[R]) get(ctx context.Context, q store.Querier, id int64) (storedActivity[R], error) {
	var st storedActivity[R]
	var flags string
	var batch sql.NullInt64
	targets := append([]any{&st.ID, &st.AgencyID, s.docNo(&st.Record), &st.Revision, &batch, &st.CreatedAt, &st.UpdatedAt}, s.targets(&st.Record, &flags)...)
	err := q.QueryRowContext(ctx, "SELECT id, agency_id, doc_no, revision, batch_id, created_at, updated_at, "+strings.Join(s.columns, ", ")+
		" FROM "+s.table+" WHERE id = ?", id).Scan(targets...)
	if err != nil {
		return st, fmt.Errorf("enforce: read %s %d: %w", s.table, id, err)
	}
	st.BatchID = batch.Int64
	fl := s.flags(&st.Record)
	*fl = nil
	if flags != "" {
		*fl = strings.Split(flags, ",")
	}
	return st, nil
}

// ActivityDetail is one inspection or measure with its agency, its source
// batch and its superseded versions.
type ActivityDetail struct {
	Kind       string
	Record     any // Inspection or Measure
	ID         int64
	AgencyID   int64
	AgencyName string
	Revision   int
	BatchID    int64
	CreatedAt  int64
	UpdatedAt  int64
	Batch      *Batch     // the batch that wrote the current revision; nil if gone
	Revisions  []Revision // newest first; Data is the replaced record as JSON
}

func readActivity[R any](ctx context.Context, q store.Querier, p *auth.Principal, s *activitySpec[R], id int64) (ActivityDetail, error) {
	if !p.Can(auth.PermRecordRead) {
		return ActivityDetail{}, apperr.Forbidden()
	}
	st, err := s.get(ctx, q, id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Scope().Allows(st.AgencyID)) {
		return ActivityDetail{}, apperr.NotFound(s.label + "记录")
	}
	if err != nil {
		return ActivityDetail{}, err
	}
	d := ActivityDetail{Kind: s.kind, Record: st.Record, ID: st.ID, AgencyID: st.AgencyID, Revision: st.Revision, BatchID: st.BatchID,
		CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt, Revisions: []Revision{}}
	if err := q.QueryRowContext(ctx, "SELECT name FROM orgs WHERE id = ?", st.AgencyID).Scan(&d.AgencyName); err != nil {
		return ActivityDetail{}, fmt.Errorf("enforce: agency of %s %d: %w", s.table, id, err)
	}
	if st.BatchID != 0 {
		b, err := scanBatch(q.QueryRowContext(ctx, "SELECT "+batchCols+" FROM import_batches b LEFT JOIN orgs o ON o.id = b.agency_id WHERE b.id = ?", st.BatchID))
		if err == nil {
			d.Batch = &b
		} else if !errors.Is(err, sql.ErrNoRows) {
			return ActivityDetail{}, fmt.Errorf("enforce: batch of %s %d: %w", s.table, id, err)
		}
	}
	rows, err := q.QueryContext(ctx, "SELECT revision, replaced_at, COALESCE(batch_id, 0), data FROM "+s.revTable+" WHERE "+s.revKey+" = ? ORDER BY revision DESC", id)
	if err != nil {
		return ActivityDetail{}, fmt.Errorf("enforce: revisions of %s %d: %w", s.table, id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Revision
		if err := rows.Scan(&r.Revision, &r.ReplacedAt, &r.BatchID, &r.Data); err != nil {
			return ActivityDetail{}, err
		}
		d.Revisions = append(d.Revisions, r)
	}
	return d, rows.Err()
}

// ActivityFilter selects inspections or measures for the list. Zero fields
// do not filter; dates are inclusive and bound the inspection date or the
// measure's start date.
type ActivityFilter struct {
	AgencyID int64
	Domain   string
	From, To tabular.Date
	Type     string // inspection_kind / measure_kind code
	Result   string // inspection result / measure outcome code
	Status   string // 状态, as written
	Flag     string // one flag: records carrying it
	// Q is a substring of the party name or the document number, taken
	// literally (LIKE, case-insensitive).
	Q      string
	Before *Cursor // the next page: rows after this position (the list date and id)
	Limit  int     // SearchDefaultLimit when 0; at most SearchMaxLimit
}

// ActivitySummary is one row of the inspections or measures list. Money in
// fen; fields of the other kind are zero.
type ActivitySummary struct {
	ID         int64
	AgencyID   int64
	AgencyName string
	DocNo      string
	PartyName  string
	PartyKind  string
	PartyCode  string // the USCC, or the ID number masked
	Date       tabular.Date
	Domain     string
	Type       string // inspection_kind / measure_kind
	Result     string // result / outcome
	Status     string
	Flags      []string
	Revision   int
	// inspections
	RectifyDeadline tabular.Date
	FollowupDocNo   string
	// measures
	ValueFen   int64
	PeriodDays int
	EndDate    tabular.Date
}

func searchActivities[R any](ctx context.Context, q store.Querier, scope auth.Scope, s *activitySpec[R], f ActivityFilter) ([]ActivitySummary, int, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = SearchDefaultLimit
	}
	limit = min(limit, SearchMaxLimit)
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	cond, cargs := scope.Where("a.agency_id")
	add(cond, cargs...)
	if f.AgencyID != 0 {
		add("a.agency_id = ?", f.AgencyID)
	}
	if f.Domain != "" {
		add("a.domain = ?", f.Domain)
	}
	if !f.From.IsZero() {
		add("a."+s.dateCol+" >= ?", f.From.String())
	}
	if !f.To.IsZero() {
		add("a."+s.dateCol+" <= ?", f.To.String())
	}
	if f.Type != "" {
		add("a."+s.typeCol+" = ?", f.Type)
	}
	if f.Result != "" {
		add("a."+s.resultCol+" = ?", f.Result)
	}
	if f.Status != "" {
		add("a.status = ?", f.Status)
	}
	if f.Flag != "" {
		add(`a.flags <> '' AND ',' || a.flags || ',' LIKE ? ESCAPE '\'`, "%,"+likeLiteral(f.Flag)+",%")
	}
	if text := searchText(f.Q); text != "" {
		name, arg := store.ContainsLike("a.party_name", text)
		doc, _ := store.ContainsLike("a.doc_no", text)
		add("("+name+" OR "+doc+")", arg, arg)
	}
	whereSQL := strings.Join(where, " AND ")
	pageWhere, pageArgs := whereSQL, append([]any(nil), args...)
	if f.Before != nil {
		pageWhere += " AND (a." + s.dateCol + ", a.id) < (?, ?)"
		pageArgs = append(pageArgs, f.Before.DecisionDate.String(), f.Before.ID)
	}
	extra := "0, NULL, NULL, a.rectify_deadline, a.followup_doc_no"
	if s.kind == KindMeasure {
		extra = "a.value_fen, a.period_days, a.end_date, NULL, ''"
	}
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.agency_id, COALESCE(o.name, ''), a.doc_no, a.party_name, a.party_kind, a.party_uscc, a.party_id_no,
		a.`+s.dateCol+`, a.domain, a.`+s.typeCol+`, a.`+s.resultCol+`, a.status, a.flags, a.revision, `+extra+`
		FROM `+s.table+` a LEFT JOIN orgs o ON o.id = a.agency_id WHERE `+pageWhere+`
		ORDER BY a.`+s.dateCol+` DESC, a.id DESC LIMIT ?`, append(pageArgs, limit+1)...)
	if err != nil {
		return nil, 0, "", fmt.Errorf("enforce: search %s: %w", s.table, err)
	}
	defer rows.Close()
	out := make([]ActivitySummary, 0, min(limit+1, 64))
	for rows.Next() {
		var (
			r          ActivitySummary
			uscc, idNo string
			flags      string
		)
		if err := rows.Scan(&r.ID, &r.AgencyID, &r.AgencyName, &r.DocNo, &r.PartyName, &r.PartyKind, &uscc, &idNo,
			(*dbDate)(&r.Date), &r.Domain, &r.Type, &r.Result, &r.Status, &flags, &r.Revision,
			&r.ValueFen, (*nullDays)(&r.PeriodDays), (*dbDate)(&r.EndDate), (*dbDate)(&r.RectifyDeadline), &r.FollowupDocNo); err != nil {
			return nil, 0, "", fmt.Errorf("enforce: search %s: %w", s.table, err)
		}
		r.PartyCode = partyCode(uscc, idNo)
		if flags != "" {
			r.Flags = strings.Split(flags, ",")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, "", fmt.Errorf("enforce: search %s: %w", s.table, err)
	}
	rows.Close()
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = Cursor{DecisionDate: last.Date, ID: last.ID}.String()
	}
	total := len(out)
	if f.Before != nil || next != "" {
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+s.table+" a WHERE "+whereSQL+" LIMIT ?) t",
			append(args, searchCap+1)...).Scan(&total); err != nil {
			return nil, 0, "", fmt.Errorf("enforce: count %s: %w", s.table, err)
		}
	}
	return out, total, next, nil
}
