package supervise

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/store"
	"github.com/xingjian/xingjian/internal/tabular"
	"go.yaml.in/yaml/v3"
)

// ErrBuiltin refuses changes only user models allow.
var ErrBuiltin = errors.New("supervise: built-in model")

// ErrExists refuses a user model whose id is taken.
var ErrExists = errors.New("supervise: model exists")

// Settings is a change to a model's settings; nil fields stay.
type Settings struct {
	Enabled  *bool          `json:"enabled"`
	Params   map[string]any `json:"params"`
	Schedule *string        `json:"schedule"`
	Note     string         `json:"note"`
}

// Update applies settings: parameters are validated by compiling the model
// with them (bounds, types) before anything is written; a parameter change
// is a new model version. Audited.
func (e *Engine) Update(ctx context.Context, actor audit.Actor, id string, s Settings) (Model, error) {
	m, err := Get(ctx, e.DB, id)
	if err != nil {
		return Model{}, err
	}
	newParams := m.Values
	if s.Params != nil {
		newParams = map[string]any{}
		for k, v := range s.Params {
			if f, ok := v.(float64); ok { // JSON numbers
				if n, ok := toInt(f); ok {
					v = n
				}
			}
			newParams[k] = v
		}
		lookup, err := e.Lookup(ctx)
		if err != nil {
			return Model{}, err
		}
		if _, err := Compile(m.Spec, lookup, Options{Dialect: e.DB.Dialect(), AsOf: e.Today(), Params: newParams}); err != nil {
			return Model{}, err
		}
	}
	var next any
	if s.Schedule != nil && *s.Schedule != "" {
		sch, err := ParseSchedule(*s.Schedule)
		if err != nil {
			return Model{}, &SpecError{Where: "schedule", Msg: err.Error()}
		}
		next = sch.Next(e.now()).Unix()
	}
	now := e.now().Unix()
	err = e.DB.InTx(ctx, func(tx *store.Tx) error {
		before := map[string]any{"enabled": m.On, "params": m.Values, "schedule": m.Cron}
		after := map[string]any{}
		if s.Enabled != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE models SET enabled = ?, updated_at = ? WHERE id = ?`, *s.Enabled, now, id); err != nil {
				return err
			}
			after["enabled"] = *s.Enabled
		}
		if s.Schedule != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE models SET schedule = ?, next_run_at = ?, updated_at = ? WHERE id = ?`, *s.Schedule, next, now, id); err != nil {
				return err
			}
			after["schedule"] = *s.Schedule
		}
		if s.Params != nil {
			b, _ := json.Marshal(newParams)
			var version int
			if err := tx.QueryRowContext(ctx, `UPDATE models SET params = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING version`,
				string(b), now, id).Scan(&version); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO model_versions (model_id, version, spec, params, note, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				id, version, m.SpecText, string(b), firstNonEmpty(s.Note, "调整参数"), actor.Username, now); err != nil {
				return err
			}
			after["params"] = newParams
			after["version"] = version
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "model.update", ObjectType: "model", ObjectID: id, Before: before, After: after})
	})
	if err != nil {
		return Model{}, fmt.Errorf("supervise: update %s: %w", id, err)
	}
	return Get(ctx, e.DB, id)
}

// Validate parses and compiles a spec text for both dialects' rules, as
// the model editor does before saving. It returns the parsed spec and the
// SQL for this database.
func (e *Engine) Validate(ctx context.Context, text string) (Spec, *Compiled, error) {
	s, err := ParseSpec([]byte(text))
	if err != nil {
		return Spec{}, nil, err
	}
	lookup, err := e.Lookup(ctx)
	if err != nil {
		return Spec{}, nil, err
	}
	c, err := Compile(s, lookup, Options{Dialect: e.DB.Dialect(), AsOf: e.Today()})
	if err != nil {
		return s, nil, err
	}
	other := store.SQLite
	if e.DB.Dialect() == store.SQLite {
		other = store.Postgres
	}
	if _, err := Compile(s, lookup, Options{Dialect: other, AsOf: e.Today()}); err != nil {
		return s, nil, err
	}
	return s, c, nil
}

// SpecYAML renders a spec (built in a form) as YAML text.
func SpecYAML(s Spec) (string, error) {
	b, err := yaml.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("supervise: render spec: %w", err)
	}
	return string(b), nil
}

// SaveUserModel creates or replaces a user model from YAML, validated first
// (a built-in id is refused). A new text is a new version; new models start
// disabled so they are back-tested before they raise leads.
func (e *Engine) SaveUserModel(ctx context.Context, actor audit.Actor, text string, create bool) (Model, error) {
	s, _, err := e.Validate(ctx, text)
	if err != nil {
		return Model{}, err
	}
	text = normaliseYAML(text)
	now := e.now().Unix()
	err = e.DB.InTx(ctx, func(tx *store.Tx) error {
		var builtin bool
		var version int
		err := tx.QueryRowContext(ctx, `SELECT builtin, version FROM models WHERE id = ?`, s.ID).Scan(&builtin, &version)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if !create {
				return ErrNotFound
			}
			version = 1
			var by any
			if actor.UserID != 0 {
				by = actor.UserID
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO models (id, builtin, version, spec, spec_sha, params, enabled, schedule, created_by, created_at, updated_at)
				VALUES (?, FALSE, 1, ?, ?, '{}', FALSE, ?, ?, ?, ?)`, s.ID, text, sha(text), s.Schedule, by, now, now); err != nil {
				return err
			}
		case err != nil:
			return err
		case builtin:
			return ErrBuiltin
		case create:
			return ErrExists
		default:
			if err := tx.QueryRowContext(ctx, `UPDATE models SET spec = ?, spec_sha = ?, params = '{}', version = version + 1, updated_at = ? WHERE id = ? RETURNING version`,
				text, sha(text), now, s.ID).Scan(&version); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO model_versions (model_id, version, spec, params, note, actor, created_at) VALUES (?, ?, ?, '{}', ?, ?, ?)`,
			s.ID, version, text, "保存模型定义", actor.Username, now); err != nil {
			return err
		}
		action := "model.create"
		if !create {
			action = "model.edit"
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, ObjectType: "model", ObjectID: s.ID, After: map[string]any{"version": version}})
	})
	if err != nil {
		return Model{}, err
	}
	return Get(ctx, e.DB, s.ID)
}

// DeleteUserModel removes a user model that raised no leads (a model with
// leads is disabled instead, so its leads keep their origin).
func (e *Engine) DeleteUserModel(ctx context.Context, actor audit.Actor, id string) error {
	return e.DB.InTx(ctx, func(tx *store.Tx) error {
		var builtin bool
		if err := tx.QueryRowContext(ctx, `SELECT builtin FROM models WHERE id = ?`, id).Scan(&builtin); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if builtin {
			return ErrBuiltin
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM leads WHERE model_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: 该模型已产生 %d 条线索，只能停用不能删除", ErrHasLeads, n)
		}
		for _, q := range []string{`DELETE FROM model_versions WHERE model_id = ?`, `DELETE FROM models WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "model.delete", ObjectType: "model", ObjectID: id})
	})
}

// ErrHasLeads refuses deleting a model that raised leads.
var ErrHasLeads = errors.New("supervise: model has leads")

// Version is one stored version of a model.
type Version struct {
	Version   int            `json:"version"`
	Spec      string         `json:"spec"`
	Params    map[string]any `json:"params"`
	Note      string         `json:"note"`
	Actor     string         `json:"actor"`
	CreatedAt int64          `json:"created_at"`
}

// Versions lists a model's versions, newest first.
func Versions(ctx context.Context, db store.Querier, id string) ([]Version, error) {
	rows, err := db.QueryContext(ctx, `SELECT version, spec, params, note, actor, created_at FROM model_versions WHERE model_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("supervise: versions: %w", err)
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		var v Version
		var params string
		if err := rows.Scan(&v.Version, &v.Spec, &params, &v.Note, &v.Actor, &v.CreatedAt); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(params), &v.Params)
		out = append(out, v)
	}
	return out, rows.Err()
}

// RunFilter narrows a run list.
type RunFilter struct {
	ModelID string
	Group   string
	Mode    string
	Agency  int64
	Limit   int
}

// Runs lists model runs, newest first.
func Runs(ctx context.Context, db store.Querier, f RunFilter) ([]RunRecord, error) {
	var where []string
	var args []any
	if f.ModelID != "" {
		where, args = append(where, "model_id = ?"), append(args, f.ModelID)
	}
	if f.Group != "" {
		where, args = append(where, "run_group = ?"), append(args, f.Group)
	}
	if f.Mode != "" {
		where, args = append(where, "mode = ?"), append(args, f.Mode)
	}
	if f.Agency != 0 {
		where, args = append(where, "agency_id = ?"), append(args, f.Agency)
	}
	q := `SELECT id, run_group, model_id, model_version, mode, agency_id, triggered_by, actor, CAST(as_of AS TEXT), status, started_at, finished_at,
		duration_ms, rows_scanned, hits, new_leads, changed_leads, reopened_leads, error FROM model_runs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	order := " ORDER BY id DESC"
	if f.Group != "" {
		order = " ORDER BY id"
	}
	rows, err := db.QueryContext(ctx, q+order+fmt.Sprintf(" LIMIT %d", f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("supervise: runs: %w", err)
	}
	defer rows.Close()
	out := []RunRecord{}
	for rows.Next() {
		var r RunRecord
		var ag, fin sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Group, &r.ModelID, &r.ModelVersion, &r.Mode, &ag, &r.Trigger, &r.Actor, &r.AsOf, &r.Status, &r.StartedAt, &fin,
			&r.DurationMS, &r.RowsScanned, &r.Hits, &r.NewLeads, &r.Changed, &r.Reopened, &r.Error); err != nil {
			return nil, err
		}
		if len(r.AsOf) > 10 {
			r.AsOf = r.AsOf[:10]
		}
		if ag.Valid {
			r.AgencyID = &ag.Int64
		}
		if fin.Valid {
			r.FinishedAt = &fin.Int64
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Due runs the scheduled models whose time has come (called every minute by
// the server); the lease keeps replicas from running a model twice.
func (e *Engine) Due(ctx context.Context) ([]RunRecord, error) {
	now := e.now()
	rows, err := e.DB.QueryContext(ctx, `SELECT id, schedule FROM models WHERE enabled = TRUE AND schedule <> '' AND (next_run_at IS NULL OR next_run_at <= ?)`, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("supervise: due models: %w", err)
	}
	type due struct{ id, cron string }
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.cron); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, d)
	}
	rows.Close()
	var ids []string
	for _, d := range list {
		sch, err := ParseSchedule(d.cron)
		if err != nil {
			continue
		}
		// Claim the slot first: the replica whose UPDATE moves next_run_at
		// is the one that runs it.
		res, err := e.DB.ExecContext(ctx, `UPDATE models SET next_run_at = ? WHERE id = ? AND (next_run_at IS NULL OR next_run_at <= ?)`,
			sch.Next(now).Unix(), d.id, now.Unix())
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			ids = append(ids, d.id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return e.Run(ctx, RunRequest{Models: ids, Trigger: "schedule", Actor: audit.System("scheduler")})
}

// Scheduler calls Due every interval until ctx ends.
func (e *Engine) Scheduler(ctx context.Context, every time.Duration, logf func(err error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := e.Due(ctx); err != nil && logf != nil {
				logf(err)
			}
		}
	}
}

// AsOf parses a run date, "" meaning today.
func (e *Engine) AsOf(s string) (tabular.Date, error) {
	if s == "" {
		return e.Today(), nil
	}
	d, err := tabular.ParseDate(s)
	if err != nil || d.String() != s {
		return tabular.Date{}, fmt.Errorf("日期须为 YYYY-MM-DD：%q", s)
	}
	return d, nil
}
