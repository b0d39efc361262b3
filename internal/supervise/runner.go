package supervise

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/dataset"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
)

// Datasets lists the dataset kinds models may read (internal/dataset's
// registry).
type Datasets interface {
	Kinds(ctx context.Context) ([]dataset.Kind, error)
}

// Engine compiles and runs models.
type Engine struct {
	DB       *store.DB
	Datasets Datasets
	// Now is the clock (tests fix it); nil = time.Now.
	Now func() time.Time
	// Instance names this process in leases: host:pid:random.
	Instance string
	// LeaseTTL bounds how long a crashed replica blocks a model.
	LeaseTTL time.Duration
}

// NewEngine returns an engine with a fresh instance name.
func NewEngine(db *store.DB, ds Datasets) *Engine {
	host, _ := os.Hostname()
	return &Engine{DB: db, Datasets: ds, Instance: fmt.Sprintf("%s:%d:%s", host, os.Getpid(), randomID(4)), LeaseTTL: 30 * time.Minute}
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Today is the current civil day in Asia/Shanghai.
func (e *Engine) Today() tabular.Date {
	t := e.now().In(Shanghai)
	d, _ := tabular.ParseDate(t.Format("2006-01-02"))
	return d
}

func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Lookup returns the dataset lookup used by Compile.
func (e *Engine) Lookup(ctx context.Context) (Lookup, error) {
	kinds, err := e.Datasets.Kinds(ctx)
	if err != nil {
		return nil, fmt.Errorf("supervise: datasets: %w", err)
	}
	m := make(map[string]dataset.Kind, len(kinds))
	for _, k := range kinds {
		m[k.Name] = k
	}
	return func(name string) (dataset.Kind, bool) { k, ok := m[name]; return k, ok }, nil
}

// Compile compiles a stored model with its parameter values.
func (e *Engine) Compile(ctx context.Context, m Model, asOf tabular.Date, own int64) (*Compiled, error) {
	lookup, err := e.Lookup(ctx)
	if err != nil {
		return nil, err
	}
	return Compile(m.Spec, lookup, Options{Dialect: e.DB.Dialect(), AsOf: asOf, Params: m.Values, OwnAgency: own})
}

// Run modes.
const (
	ModeRun       = "run"
	ModeSelfCheck = "selfcheck"
	ModeBacktest  = "backtest"
)

// RunRequest says what to run.
type RunRequest struct {
	Models  []string     // empty: every enabled model
	Mode    string       // ModeRun or ModeSelfCheck
	Agency  int64        // self-check: the agency checking itself; a run: only hits concerning this org
	AsOf    tabular.Date // zero: today in Asia/Shanghai
	Trigger string       // ui | cli | api | schedule
	Actor   audit.Actor
	Group   string // run group; generated when empty
	// Started is called once the run rows exist (the UI polls the group).
	Started func(group string, total int)
	// Progress is called after each model.
	Progress func(done, total int, r RunRecord)
}

// RunRecord is one model's run.
type RunRecord struct {
	ID           int64  `json:"id"`
	Group        string `json:"run_group"`
	ModelID      string `json:"model_id"`
	ModelName    string `json:"model_name,omitempty"`
	ModelVersion int    `json:"model_version"`
	Mode         string `json:"mode"`
	AgencyID     *int64 `json:"agency_id,omitempty"`
	Trigger      string `json:"trigger"`
	Actor        string `json:"actor"`
	AsOf         string `json:"as_of"`
	Status       string `json:"status"` // running | done | failed | skipped
	StartedAt    int64  `json:"started_at"`
	FinishedAt   *int64 `json:"finished_at,omitempty"`
	DurationMS   int64  `json:"duration_ms"`
	RowsScanned  int64  `json:"rows_scanned"`
	Hits         int    `json:"hits"`
	NewLeads     int    `json:"new_leads"`
	Changed      int    `json:"changed_leads"`
	Reopened     int    `json:"reopened_leads"`
	Error        string `json:"error,omitempty"`
}

// Run statuses.
const (
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Run runs models one after the other. A model's failure is recorded on its
// run and does not stop the others; the error returned is only for failures
// of the run as a whole (the catalogue cannot be read).
func (e *Engine) Run(ctx context.Context, req RunRequest) ([]RunRecord, error) {
	if req.Mode == "" {
		req.Mode = ModeRun
	}
	if req.Mode != ModeRun && req.Mode != ModeSelfCheck {
		return nil, fmt.Errorf("supervise: unknown mode %q", req.Mode)
	}
	if req.Mode == ModeSelfCheck && req.Agency == 0 {
		return nil, errors.New("supervise: a self-check needs the agency")
	}
	if req.AsOf.IsZero() {
		req.AsOf = e.Today()
	}
	if req.Group == "" {
		req.Group = randomID(8)
	}
	models, err := e.pick(ctx, req.Models)
	if err != nil {
		return nil, err
	}
	if err := e.statistics(ctx); err != nil {
		return nil, err
	}
	lookup, err := e.Lookup(ctx)
	if err != nil {
		return nil, err
	}
	// Every run row is written up front, so a UI polling the group sees the
	// whole list with its progress from the start.
	recs := make([]RunRecord, len(models))
	for i, m := range models {
		r := RunRecord{Group: req.Group, ModelID: m.ID, ModelName: m.Name, ModelVersion: m.Revision, Mode: req.Mode,
			Trigger: req.Trigger, Actor: req.Actor.Username, AsOf: req.AsOf.String(), Status: StatusRunning, StartedAt: e.now().Unix()}
		if req.Mode == ModeSelfCheck {
			r.AgencyID = &req.Agency
		}
		recs[i] = r
	}
	if err := e.DB.InTx(ctx, func(tx *store.Tx) error {
		for i := range recs {
			r := &recs[i]
			if err := tx.QueryRowContext(ctx, `INSERT INTO model_runs (run_group, model_id, model_version, mode, agency_id, triggered_by, actor, as_of, status, started_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Group, r.ModelID, r.ModelVersion, r.Mode, nullInt(req.Agency), r.Trigger, r.Actor,
				r.AsOf, r.Status, r.StartedAt).Scan(&r.ID); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("supervise: record runs: %w", err)
	}
	if req.Started != nil {
		req.Started(req.Group, len(recs))
	}
	scans := map[string]int64{}
	for i := range recs {
		m := models[i]
		r := &recs[i]
		start := time.Now()
		err := e.runOne(ctx, m, lookup, req, r, scans)
		r.DurationMS = time.Since(start).Milliseconds()
		fin := e.now().Unix()
		r.FinishedAt = &fin
		switch {
		case errors.Is(err, errLeaseHeld):
			r.Status, r.Error = StatusSkipped, "该模型正在其他实例或任务中运行，本次跳过"
		case err != nil:
			r.Status, r.Error = StatusFailed, runErrorText(err)
		default:
			r.Status = StatusDone
		}
		// The run row is finished with a fresh context: a cancelled run
		// still records why it stopped.
		if _, uerr := e.DB.ExecContext(context.WithoutCancel(ctx), `UPDATE model_runs SET status = ?, finished_at = ?, duration_ms = ?, rows_scanned = ?,
			hits = ?, new_leads = ?, changed_leads = ?, reopened_leads = ?, error = ? WHERE id = ?`,
			r.Status, fin, r.DurationMS, r.RowsScanned, r.Hits, r.NewLeads, r.Changed, r.Reopened, r.Error, r.ID); uerr != nil {
			return recs, fmt.Errorf("supervise: finish run: %w", uerr)
		}
		if req.Progress != nil {
			req.Progress(i+1, len(recs), *r)
		}
	}
	return recs, nil
}

// sqliteModelIndexes are the partial indexes of migration 0011 whose
// statistics SQLite needs to prefer them: without any, its planner takes a
// range on penalties_fine (fine_fen > 0, nearly every row) over
// penalties_unpaid (2.8 s instead of 20 ms at a million rows). Only these
// indexes are analysed — a sampled ANALYZE of each costs milliseconds — so the
// search plans of internal/enforce, made for a statistics-free SQLite, stay
// as they are.
var sqliteModelIndexes = []string{"penalties_unpaid", "penalties_served_later", "penalties_court_applied",
	"penalties_surcharged", "penalties_simple", "penalties_no_hearing", "penalties_no_remedy"}

// statistics refreshes the planner statistics the models' plans depend on.
func (e *Engine) statistics(ctx context.Context) error {
	if e.DB.Dialect() != store.SQLite {
		return nil // PostgreSQL: autovacuum, and ANALYZE after big imports
	}
	if _, err := e.DB.ExecContext(ctx, "PRAGMA analysis_limit = 1000"); err != nil {
		return fmt.Errorf("supervise: statistics: %w", err)
	}
	for _, ix := range sqliteModelIndexes {
		if _, err := e.DB.ExecContext(ctx, "ANALYZE "+ix); err != nil {
			return fmt.Errorf("supervise: statistics of %s: %w", ix, err)
		}
	}
	return nil
}

// runErrorText turns a model failure into the text shown on its run.
func runErrorText(err error) string {
	var se *SpecError
	if errors.As(err, &se) {
		return "模型定义有误：" + se.Error()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "运行被取消或超时"
	}
	return "运行失败：" + err.Error()
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// pick loads the requested models, or every enabled one.
func (e *Engine) pick(ctx context.Context, ids []string) ([]Model, error) {
	all, err := Models(ctx, e.DB)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		var out []Model
		for _, m := range all {
			if m.On {
				out = append(out, m)
			}
		}
		return out, nil
	}
	byID := map[string]Model{}
	for _, m := range all {
		byID[m.ID] = m
	}
	out := make([]Model, 0, len(ids))
	for _, id := range ids {
		m, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		out = append(out, m)
	}
	return out, nil
}

var errLeaseHeld = errors.New("supervise: lease held elsewhere")

// lease takes the model's lease for this run; false when another holder
// has it and it has not expired.
func (e *Engine) lease(ctx context.Context, key, holder string) (bool, error) {
	now := e.now()
	res, err := e.DB.ExecContext(ctx, `INSERT INTO model_leases (model_id, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (model_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE model_leases.expires_at < ? OR model_leases.holder = excluded.holder`,
		key, holder, now.Add(e.LeaseTTL).Unix(), now.Unix())
	if err != nil {
		return false, fmt.Errorf("supervise: lease %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (e *Engine) release(ctx context.Context, key, holder string) {
	_, _ = e.DB.ExecContext(context.WithoutCancel(ctx), `DELETE FROM model_leases WHERE model_id = ? AND holder = ?`, key, holder)
}

// noJIT turns PostgreSQL's JIT compilation off for the transaction: on a
// model's one-off statement it costs 30–40 ms of compilation and saves
// nothing (measured at a million penalties, docs/benchmarks.md).
func noJIT(ctx context.Context, tx *store.Tx) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL jit = off"); err != nil {
		return fmt.Errorf("supervise: jit off: %w", err)
	}
	return nil
}

func (e *Engine) runOne(ctx context.Context, m Model, lookup Lookup, req RunRequest, r *RunRecord, scans map[string]int64) error {
	// Agency narrows the run to the hits concerning one org: a self-check,
	// or a run over one agency's data (leads as usual).
	own := req.Agency
	key := m.ID
	if req.Mode == ModeSelfCheck {
		key = m.ID + "@" + strconv.FormatInt(req.Agency, 10)
	}
	c, err := Compile(m.Spec, lookup, Options{Dialect: e.DB.Dialect(), AsOf: req.AsOf, Params: m.Values, OwnAgency: own})
	if err != nil {
		return err
	}
	holder := e.Instance + ":" + req.Group
	ok, err := e.lease(ctx, key, holder)
	if err != nil {
		return err
	}
	if !ok {
		return errLeaseHeld
	}
	defer e.release(ctx, key, holder)
	// Rows scanned: the primary dataset's rows in scope, counted once per run
	// and dataset (most models read penalties).
	if n, ok := scans[c.Scan]; ok {
		r.RowsScanned = n
	} else {
		if err := e.DB.QueryRowContext(ctx, c.Scan).Scan(&r.RowsScanned); err != nil {
			return fmt.Errorf("count rows: %w", err)
		}
		scans[c.Scan] = r.RowsScanned
	}
	now := e.now().Unix()
	return e.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := noJIT(ctx, tx); err != nil {
			return err
		}
		if req.Mode == ModeSelfCheck {
			return e.selfCheck(ctx, tx, m, c, req.Agency, r, now)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO model_hits (run_id, subject_key, agency_id, title, evidence, event_date)
			SELECT `+strconv.FormatInt(r.ID, 10)+`, subject_key, agency_id, title, evidence, event_date FROM (`+c.Select+`) c`)
		if err != nil {
			return fmt.Errorf("select hits: %w", err)
		}
		n, _ := res.RowsAffected()
		r.Hits = int(n)
		run := strconv.FormatInt(r.ID, 10)
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM model_hits h WHERE h.run_id = `+run+`
			AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.model_id = ? AND l.subject_key = h.subject_key)`, m.ID).Scan(&r.NewLeads); err != nil {
			return fmt.Errorf("count new leads: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM model_hits h JOIN leads l ON l.model_id = ? AND l.subject_key = h.subject_key
			WHERE h.run_id = `+run+` AND l.evidence <> h.evidence AND l.status = 'dismissed'`, m.ID).Scan(&r.Reopened); err != nil {
			return fmt.Errorf("count reopened leads: %w", err)
		}
		// The evidence a lead had before this run changed it is kept.
		res, err = tx.ExecContext(ctx, `INSERT INTO lead_history (lead_id, seq, evidence, status, model_version, replaced_at, run_id)
			SELECT l.id, (SELECT COUNT(*) FROM lead_history x WHERE x.lead_id = l.id) + 1, l.evidence, l.status, l.model_version, `+strconv.FormatInt(now, 10)+`, `+run+`
			FROM model_hits h JOIN leads l ON l.model_id = ? AND l.subject_key = h.subject_key
			WHERE h.run_id = `+run+` AND l.evidence <> h.evidence`, m.ID)
		if err != nil {
			return fmt.Errorf("keep lead history: %w", err)
		}
		n, _ = res.RowsAffected()
		r.Changed = int(n)
		// One lead per (model, subject): a re-run with the same evidence
		// changes nothing; new evidence updates the lead and reopens a
		// dismissed one.
		if _, err := tx.ExecContext(ctx, `INSERT INTO leads (source, model_id, model_version, subject_key, agency_id, title, severity, rule, legal_basis,
				evidence, event_date, status, first_run_id, last_run_id, detected_at, updated_at)
			SELECT 'model', ?, `+strconv.Itoa(m.Revision)+`, h.subject_key, h.agency_id, h.title, ?, ?, ?, h.evidence, h.event_date, 'new', `+run+`, `+run+`, `+strconv.FormatInt(now, 10)+`, `+strconv.FormatInt(now, 10)+`
			FROM model_hits h WHERE h.run_id = `+run+`
			ON CONFLICT (model_id, subject_key) DO UPDATE SET model_version = excluded.model_version, agency_id = excluded.agency_id,
				title = excluded.title, severity = excluded.severity, rule = excluded.rule, legal_basis = excluded.legal_basis,
				evidence = excluded.evidence, event_date = excluded.event_date, last_run_id = excluded.last_run_id, updated_at = excluded.updated_at,
				status = CASE WHEN leads.status = 'dismissed' THEN 'new' ELSE leads.status END,
				reopened = leads.reopened + CASE WHEN leads.status = 'dismissed' THEN 1 ELSE 0 END
			WHERE leads.evidence <> excluded.evidence`,
			m.ID, m.Severity, ruleText(m.Spec), m.Legal()); err != nil {
			return fmt.Errorf("merge leads: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM model_hits WHERE run_id = `+run); err != nil {
			return fmt.Errorf("clear hits: %w", err)
		}
		if r.NewLeads == 0 && r.Changed == 0 {
			return nil
		}
		return audit.Record(ctx, tx, req.Actor, audit.Entry{Action: "model.run", ObjectType: "model", ObjectID: m.ID,
			After: map[string]any{"run_id": r.ID, "hits": r.Hits, "new_leads": r.NewLeads, "changed_leads": r.Changed, "reopened_leads": r.Reopened}})
	})
}

func (e *Engine) selfCheck(ctx context.Context, tx *store.Tx, m Model, c *Compiled, agency int64, r *RunRecord, now int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM selfcheck_results WHERE agency_id = ? AND model_id = ?`, agency, m.ID); err != nil {
		return fmt.Errorf("clear self-check: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO selfcheck_results (agency_id, model_id, subject_key, model_version, title, evidence, event_date, run_id, detected_at)
		SELECT `+strconv.FormatInt(agency, 10)+`, ?, subject_key, `+strconv.Itoa(m.Revision)+`, title, evidence, event_date, `+strconv.FormatInt(r.ID, 10)+`, `+strconv.FormatInt(now, 10)+`
		FROM (`+c.Select+`) c`, m.ID)
	if err != nil {
		return fmt.Errorf("self-check: %w", err)
	}
	n, _ := res.RowsAffected()
	r.Hits = int(n)
	return nil
}

// ruleText is the rule a lead records: the model's name and description.
func ruleText(s Spec) string {
	if s.Description == "" {
		return s.Title()
	}
	return s.Title() + "：" + s.Description
}

// BacktestRow is one month × agency cell of a back-test.
type BacktestRow struct {
	Month    string `json:"month"` // YYYY-MM of the primary dataset's date column
	AgencyID *int64 `json:"agency_id"`
	Hits     int    `json:"hits"`
}

// Backtest runs a model's SELECT over the whole history without creating
// leads: hits by month and by agency. spec may be an unsaved draft.
func (e *Engine) Backtest(ctx context.Context, s Spec, params map[string]any, asOf tabular.Date) ([]BacktestRow, *Compiled, error) {
	lookup, err := e.Lookup(ctx)
	if err != nil {
		return nil, nil, err
	}
	if asOf.IsZero() {
		asOf = e.Today()
	}
	c, err := Compile(s, lookup, Options{Dialect: e.DB.Dialect(), AsOf: asOf, Params: params})
	if err != nil {
		return nil, nil, err
	}
	month := "substr(event_date, 1, 7)"
	if e.DB.Dialect() == store.Postgres {
		month = "to_char(event_date, 'YYYY-MM')"
	}
	rows, err := e.DB.QueryContext(ctx, `SELECT COALESCE(`+month+`, ''), agency_id, COUNT(*) FROM (`+c.Select+`) b GROUP BY 1, 2 ORDER BY 1, 2`)
	if err != nil {
		return nil, c, fmt.Errorf("supervise: back-test: %w", err)
	}
	defer rows.Close()
	var out []BacktestRow
	for rows.Next() {
		var b BacktestRow
		var ag *int64
		if err := rows.Scan(&b.Month, &ag, &b.Hits); err != nil {
			return nil, c, fmt.Errorf("supervise: back-test: %w", err)
		}
		b.AgencyID = ag
		out = append(out, b)
	}
	return out, c, rows.Err()
}
