package supervise

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/store"
)

//go:embed models/*.yaml
var builtinFS embed.FS

// Builtin returns the embedded catalogue, sorted by catalogue number then ID,
// with each spec's YAML text.
func Builtin() ([]Spec, map[string]string, error) {
	entries, err := fs.ReadDir(builtinFS, "models")
	if err != nil {
		return nil, nil, fmt.Errorf("supervise: read built-in models: %w", err)
	}
	var specs []Spec
	texts := map[string]string{}
	for _, e := range entries {
		b, err := builtinFS.ReadFile("models/" + e.Name())
		if err != nil {
			return nil, nil, fmt.Errorf("supervise: %s: %w", e.Name(), err)
		}
		s, err := ParseSpec(b)
		if err != nil {
			return nil, nil, fmt.Errorf("supervise: built-in model %s: %w", e.Name(), err)
		}
		if s.ID+".yaml" != e.Name() {
			return nil, nil, fmt.Errorf("supervise: built-in model file %s holds id %s", e.Name(), s.ID)
		}
		specs = append(specs, s)
		texts[s.ID] = string(b)
	}
	sortSpecs(specs)
	return specs, texts, nil
}

func sortSpecs(specs []Spec) {
	sort.SliceStable(specs, func(i, j int) bool {
		a, b := specs[i].Number, specs[j].Number
		if a == 0 {
			a = 1000
		}
		if b == 0 {
			b = 1000
		}
		if a != b {
			return a < b
		}
		return specs[i].ID < specs[j].ID
	})
}

func sha(text string) string {
	s := sha256.Sum256([]byte(text))
	return hex.EncodeToString(s[:8])
}

// Sync writes the built-in catalogue into the models table: a new model is
// inserted with its default state, a changed spec becomes the model's next
// version (enabled state, parameters and schedule are the users' and stay).
// Run at every start, after the migrations; an unchanged catalogue writes
// nothing.
func Sync(ctx context.Context, db *store.DB, now time.Time) error {
	specs, texts, err := Builtin()
	if err != nil {
		return err
	}
	have := map[string]string{}
	rows, err := db.QueryContext(ctx, `SELECT id, spec_sha FROM models WHERE builtin = TRUE`)
	if err != nil {
		return fmt.Errorf("supervise: read models: %w", err)
	}
	for rows.Next() {
		var id, s string
		if err := rows.Scan(&id, &s); err != nil {
			rows.Close()
			return fmt.Errorf("supervise: read models: %w", err)
		}
		have[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("supervise: read models: %w", err)
	}
	var todo []Spec
	for _, s := range specs {
		if have[s.ID] != sha(texts[s.ID]) {
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		for _, s := range todo {
			text := texts[s.ID]
			ts := now.Unix()
			var version int
			_, known := have[s.ID]
			if !known {
				version = 1
				if _, err := tx.ExecContext(ctx, `INSERT INTO models (id, builtin, version, spec, spec_sha, params, enabled, schedule, created_at, updated_at)
					VALUES (?, TRUE, 1, ?, ?, '{}', ?, ?, ?, ?)`, s.ID, text, sha(text), s.EnabledByDefault(), s.Schedule, ts, ts); err != nil {
					return fmt.Errorf("supervise: insert model %s: %w", s.ID, err)
				}
			} else {
				if err := tx.QueryRowContext(ctx, `UPDATE models SET version = version + 1, spec = ?, spec_sha = ?, updated_at = ?
					WHERE id = ? RETURNING version`, text, sha(text), ts, s.ID).Scan(&version); err != nil {
					return fmt.Errorf("supervise: update model %s: %w", s.ID, err)
				}
			}
			var params string
			if err := tx.QueryRowContext(ctx, `SELECT params FROM models WHERE id = ?`, s.ID).Scan(&params); err != nil {
				return fmt.Errorf("supervise: model %s: %w", s.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO model_versions (model_id, version, spec, params, note, actor, created_at)
				VALUES (?, ?, ?, ?, ?, 'catalogue', ?)`, s.ID, version, text, params, "内置模型（规格版本 "+fmt.Sprint(s.Version)+"）", ts); err != nil {
				return fmt.Errorf("supervise: model %s version: %w", s.ID, err)
			}
			action := "model.builtin_add"
			if known {
				action = "model.builtin_update"
			}
			if err := audit.Record(ctx, tx, audit.System("catalogue"), audit.Entry{Action: action, ObjectType: "model", ObjectID: s.ID,
				After: map[string]any{"version": version, "spec_version": s.Version}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Model is a model as stored: its spec and the users' settings.
type Model struct {
	Spec
	SpecText  string         `json:"spec_text"`
	Builtin   bool           `json:"builtin"`
	Revision  int            `json:"model_version"` // models.version: bumped by every spec or parameter change
	Values    map[string]any `json:"params_values"` // parameter overrides
	On        bool           `json:"enabled"`
	Cron      string         `json:"schedule_cron"`
	NextRunAt *int64         `json:"next_run_at,omitempty"`
	UpdatedAt int64          `json:"updated_at"`
}

// ErrNotFound is returned for an unknown model.
var ErrNotFound = errors.New("supervise: model not found")

// Models loads every stored model, in catalogue order.
func Models(ctx context.Context, db store.Querier) ([]Model, error) {
	return loadModels(ctx, db, "")
}

// Get loads one model.
func Get(ctx context.Context, db store.Querier, id string) (Model, error) {
	ms, err := loadModels(ctx, db, id)
	if err != nil {
		return Model{}, err
	}
	if len(ms) == 0 {
		return Model{}, ErrNotFound
	}
	return ms[0], nil
}

func loadModels(ctx context.Context, db store.Querier, id string) ([]Model, error) {
	q := `SELECT id, builtin, version, spec, params, enabled, schedule, next_run_at, updated_at FROM models`
	var args []any
	if id != "" {
		q += ` WHERE id = ?`
		args = append(args, id)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("supervise: load models: %w", err)
	}
	defer rows.Close()
	var out []Model
	for rows.Next() {
		var m Model
		var mid, params string
		var next sql.NullInt64
		if err := rows.Scan(&mid, &m.Builtin, &m.Revision, &m.SpecText, &params, &m.On, &m.Cron, &next, &m.UpdatedAt); err != nil {
			return nil, fmt.Errorf("supervise: load models: %w", err)
		}
		s, err := ParseSpec([]byte(m.SpecText))
		if err != nil {
			return nil, fmt.Errorf("supervise: stored model %s: %w", mid, err)
		}
		m.Spec = s
		if err := json.Unmarshal([]byte(params), &m.Values); err != nil {
			return nil, fmt.Errorf("supervise: model %s params: %w", mid, err)
		}
		if next.Valid {
			m.NextRunAt = &next.Int64
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("supervise: load models: %w", err)
	}
	specs := make([]Spec, len(out))
	byID := map[string]Model{}
	for i, m := range out {
		specs[i] = m.Spec
		byID[m.ID] = m
	}
	sortSpecs(specs)
	for i, s := range specs {
		out[i] = byID[s.ID]
	}
	return out, nil
}

// Title renders the model's catalogue number and name: "#20 简易程序超限".
func (s Spec) Title() string {
	if s.Number > 0 {
		return fmt.Sprintf("#%d %s", s.Number, s.Name)
	}
	return s.Name
}

// normaliseYAML trims a spec text for storage.
func normaliseYAML(text string) string { return strings.TrimSpace(text) + "\n" }
