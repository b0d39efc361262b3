package dataset

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/xingjian/xingjian/internal/apperr"
	"github.com/xingjian/xingjian/internal/audit"
	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/store"
)

// ErrUnknownKind is wrapped by the not_found error of a kind that does not
// exist (errors.Is works on what Kind returns).
var ErrUnknownKind = errors.New("dataset: unknown kind")

func unknownKind(name string) error {
	return &apperr.Error{Code: "not_found", Message: fmt.Sprintf("数据集“%s”不存在", name), Err: fmt.Errorf("%w %q", ErrUnknownKind, name)}
}

// Registry is the set of dataset kinds: the built-in ones embedded in the
// binary and those an administrator registered, which live in dataset_kinds.
type Registry struct {
	DB  *store.DB
	Now func() time.Time
}

// NewRegistry returns the registry over db.
func NewRegistry(db *store.DB) *Registry { return &Registry{DB: db, Now: time.Now} }

// Kinds lists every kind, built-in (reference and enforcement) and
// registered, by name.
func (r *Registry) Kinds(ctx context.Context) ([]Kind, error) {
	out, err := Builtin()
	if err != nil {
		return nil, err
	}
	reg, err := registered(ctx, r.DB)
	if err != nil {
		return nil, err
	}
	out = append(out, reg...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Kind returns the named kind, or a not_found error wrapping ErrUnknownKind.
func (r *Registry) Kind(ctx context.Context, name string) (Kind, error) {
	return lookupKind(ctx, r.DB, name)
}

func lookupKind(ctx context.Context, q store.Querier, name string) (Kind, error) {
	bs, err := Builtin()
	if err != nil {
		return Kind{}, err
	}
	for _, k := range bs {
		if k.Name == name {
			return k, nil
		}
	}
	var spec string
	err = q.QueryRowContext(ctx, "SELECT spec FROM dataset_kinds WHERE name = ? AND NOT builtin", name).Scan(&spec)
	if errors.Is(err, sql.ErrNoRows) {
		return Kind{}, unknownKind(name)
	}
	if err != nil {
		return Kind{}, fmt.Errorf("dataset: read kind %q: %w", name, err)
	}
	return decodeSpec(spec)
}

func decodeSpec(spec string) (Kind, error) {
	var k Kind
	if err := json.Unmarshal([]byte(spec), &k); err != nil {
		return Kind{}, fmt.Errorf("dataset: decode stored kind: %w", err)
	}
	k.Builtin = false
	return k, nil
}

// registered reads the kinds an administrator registered.
func registered(ctx context.Context, q store.Querier) ([]Kind, error) {
	rows, err := q.QueryContext(ctx, "SELECT spec FROM dataset_kinds WHERE NOT builtin ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("dataset: list registered kinds: %w", err)
	}
	defer rows.Close()
	var out []Kind
	for rows.Next() {
		var spec string
		if err := rows.Scan(&spec); err != nil {
			return nil, fmt.Errorf("dataset: list registered kinds: %w", err)
		}
		k, err := decodeSpec(spec)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Register validates a new kind and stores it: the registry row, its table
// and its indexes and the audit row (dataset.register) in one transaction,
// so a kind either exists whole or not at all. Only dataset.manage may.
func (r *Registry) Register(ctx context.Context, p *auth.Principal, k Kind) error {
	if !p.Can(auth.PermDatasetManage) {
		return apperr.Forbidden()
	}
	k.Builtin = false
	if k.Enforcement {
		return apperr.New("validation_failed", "登记的数据集不能是执法数据（enforcement）")
	}
	k.Name = strings.TrimSpace(k.Name)
	k.Label = strings.TrimSpace(k.Label)
	for i := range k.Columns {
		c := &k.Columns[i]
		c.Name, c.Label = strings.TrimSpace(c.Name), strings.TrimSpace(c.Label)
	}
	if err := Validate(k); err != nil {
		return apperr.Wrap(err, "validation_failed", err.Error())
	}
	bs, err := Builtin()
	if err != nil {
		return err
	}
	for _, b := range bs {
		if b.Name == k.Name {
			return apperr.Duplicate("name", fmt.Sprintf("数据集名称“%s”已被内置数据集“%s”使用", k.Name, b.Label))
		}
	}
	spec, err := json.Marshal(k)
	if err != nil {
		return fmt.Errorf("dataset: encode kind: %w", err)
	}
	now := r.Now().UnixMilli()
	return r.DB.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM dataset_kinds WHERE name = ?", k.Name).Scan(&n); err != nil {
			return fmt.Errorf("dataset: check kind %q: %w", k.Name, err)
		}
		if n > 0 {
			return apperr.Duplicate("name", fmt.Sprintf("数据集名称“%s”已存在", k.Name))
		}
		if exists, err := tableExists(ctx, tx, k.Table()); err != nil {
			return err
		} else if exists {
			return apperr.Duplicate("name", fmt.Sprintf("数据表 %s 已存在，请换一个数据集名称", k.Table()))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dataset_kinds (name, label, spec, builtin, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, k.Name, k.Label, string(spec), false, nullID(p.UserID), now, now); err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.Duplicate("name", fmt.Sprintf("数据集名称“%s”已存在", k.Name))
			}
			return fmt.Errorf("dataset: register %q: %w", k.Name, err)
		}
		if _, err := ensureTable(ctx, tx, k); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), audit.Entry{Action: "dataset.register", ObjectType: "dataset_kind", ObjectID: k.Name, After: k})
	})
}

// Sync writes the built-in reference kinds into dataset_kinds and makes
// every kind's table match its definition: created when missing, widened
// with the columns added since (ALTER TABLE ADD COLUMN), indexes created
// when missing. It runs at every start after the migrations, in one
// transaction; when nothing differs it writes nothing, otherwise it records
// one audit row (dataset.sync) listing what changed. A column whose type
// changed in a definition is left as it is (the data would need
// converting); a column removed from a definition stays in the table.
func Sync(ctx context.Context, db *store.DB) error {
	bs, err := Builtin()
	if err != nil {
		return err
	}
	return syncKinds(ctx, db, bs)
}

// syncKinds is Sync with the built-in kinds given (tests widen one).
func syncKinds(ctx context.Context, db *store.DB, bs []Kind) error {
	now := time.Now().UnixMilli()
	return db.InTx(ctx, func(tx *store.Tx) error {
		if tx.Dialect() == store.Postgres {
			// Replicas starting together take turns.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('xingjian.dataset.sync'))"); err != nil {
				return fmt.Errorf("dataset: sync lock: %w", err)
			}
		}
		var changes []string
		for _, k := range bs {
			if k.Enforcement {
				continue
			}
			spec, err := json.Marshal(k)
			if err != nil {
				return fmt.Errorf("dataset: encode kind %q: %w", k.Name, err)
			}
			var old string
			var builtin bool
			err = tx.QueryRowContext(ctx, "SELECT spec, builtin FROM dataset_kinds WHERE name = ?", k.Name).Scan(&old, &builtin)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if _, err := tx.ExecContext(ctx, `INSERT INTO dataset_kinds (name, label, spec, builtin, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?)`, k.Name, k.Label, string(spec), true, now, now); err != nil {
					return fmt.Errorf("dataset: store kind %q: %w", k.Name, err)
				}
				changes = append(changes, "登记 "+k.Name)
			case err != nil:
				return fmt.Errorf("dataset: read kind %q: %w", k.Name, err)
			case !builtin:
				// Registered by hand before a release brought a built-in of
				// the same name: the built-in wins, its table is the same
				// name, so the columns are merged by widening.
				fallthrough
			case old != string(spec):
				if _, err := tx.ExecContext(ctx, "UPDATE dataset_kinds SET label = ?, spec = ?, builtin = ?, updated_at = ? WHERE name = ?",
					k.Label, string(spec), true, now, k.Name); err != nil {
					return fmt.Errorf("dataset: update kind %q: %w", k.Name, err)
				}
				changes = append(changes, "更新 "+k.Name)
			}
			ch, err := ensureTable(ctx, tx, k)
			if err != nil {
				return err
			}
			changes = append(changes, ch...)
		}
		reg, err := registered(ctx, tx)
		if err != nil {
			return err
		}
		for _, k := range reg {
			ch, err := ensureTable(ctx, tx, k)
			if err != nil {
				return err
			}
			changes = append(changes, ch...)
		}
		if len(changes) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.System("dataset"), audit.Entry{Action: "dataset.sync", ObjectType: "dataset_kind", ObjectID: "builtin",
			After: map[string]any{"changes": changes}})
	})
}

// SQL type of a column in each dialect.
func sqlType(d store.Dialect, t ColType) string {
	switch t {
	case Date:
		if d == store.Postgres {
			return "DATE NULL"
		}
		return "TEXT NULL"
	case Money, Int:
		return "BIGINT NULL"
	case Bool:
		return "BOOLEAN NULL"
	default: // text, id_no, uscc
		return "TEXT NOT NULL DEFAULT ''"
	}
}

func idType(d store.Dialect) string {
	if d == store.Postgres {
		return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	}
	return "INTEGER PRIMARY KEY AUTOINCREMENT"
}

// ensureTable creates k's table when missing, adds the columns it lacks and
// creates the missing indexes; it returns what it did, for the audit row.
// Names were validated ([a-z][a-z0-9_]*), so they are safe in SQL text.
func ensureTable(ctx context.Context, tx *store.Tx, k Kind) ([]string, error) {
	if k.Enforcement {
		return nil, nil
	}
	table := k.Table()
	var changes []string
	exists, err := tableExists(ctx, tx, table)
	if err != nil {
		return nil, err
	}
	d := tx.Dialect()
	if !exists {
		cols := []string{
			"id " + idType(d),
			"agency_id BIGINT NOT NULL REFERENCES orgs(id)",
			"batch_id BIGINT REFERENCES import_batches(id)",
			"content_hash TEXT NOT NULL",
			"flags TEXT NOT NULL DEFAULT ''",
			"created_at BIGINT NOT NULL",
			"updated_at BIGINT NOT NULL",
		}
		for _, c := range k.Columns {
			cols = append(cols, c.Name+" "+sqlType(d, c.Type))
		}
		if _, err := tx.ExecContext(ctx, "CREATE TABLE "+table+" (\n\t"+strings.Join(cols, ",\n\t")+"\n)"); err != nil {
			return nil, fmt.Errorf("dataset: create table %s: %w", table, err)
		}
		changes = append(changes, "建表 "+table)
	} else {
		have, err := tableColumns(ctx, tx, table)
		if err != nil {
			return nil, err
		}
		for _, c := range k.Columns {
			if have[c.Name] {
				continue
			}
			if _, err := tx.ExecContext(ctx, "ALTER TABLE "+table+" ADD COLUMN "+c.Name+" "+sqlType(d, c.Type)); err != nil {
				return nil, fmt.Errorf("dataset: add column %s.%s: %w", table, c.Name, err)
			}
			changes = append(changes, "加列 "+table+"."+c.Name)
		}
	}
	for _, ix := range indexes(k) {
		have, err := indexExists(ctx, tx, ix.name)
		if err != nil {
			return nil, err
		}
		if have {
			continue
		}
		if _, err := tx.ExecContext(ctx, ix.sql); err != nil {
			return nil, fmt.Errorf("dataset: create index %s: %w", ix.name, err)
		}
		changes = append(changes, "建索引 "+ix.name)
	}
	return changes, nil
}

type indexDef struct{ name, sql string }

// indexes are what a kind's table is indexed by: one row per (agency_id,
// keys…); the identifiers models join on (id_no, uscc; empty values left
// out); the date column back-tests group by; and every text key alone, for
// joins across agencies.
func indexes(k Kind) []indexDef {
	t := k.Table()
	out := []indexDef{{indexName(k.Name, "key"), "CREATE UNIQUE INDEX " + indexName(k.Name, "key") + " ON " + t + " (agency_id, " + strings.Join(k.Keys, ", ") + ")"}}
	done := map[string]bool{}
	for _, c := range k.Columns {
		if done[c.Name] {
			continue
		}
		switch {
		case c.Type == IDNo || c.Type == USCC:
			n := indexName(k.Name, c.Name)
			out = append(out, indexDef{n, "CREATE INDEX " + n + " ON " + t + " (" + c.Name + ") WHERE " + c.Name + " <> ''"})
		case c.Name == k.DateColumn || (c.Type == Text && k.IsKey(c.Name)) || c.Index:
			n := indexName(k.Name, c.Name)
			out = append(out, indexDef{n, "CREATE INDEX " + n + " ON " + t + " (" + c.Name + ")"})
		default:
			continue
		}
		done[c.Name] = true
	}
	return out
}

// indexName is ix_<kind>_<suffix>, shortened with a hash to PostgreSQL's 63
// characters.
func indexName(kind, suffix string) string {
	n := "ix_" + kind + "_" + suffix
	if len(n) <= 63 {
		return n
	}
	sum := sha256.Sum256([]byte(n))
	return n[:50] + "_" + hex.EncodeToString(sum[:])[:12]
}

func tableExists(ctx context.Context, q store.Querier, table string) (bool, error) {
	var n int
	var err error
	if q.Dialect() == store.Postgres {
		err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?", table).Scan(&n)
	} else {
		err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n)
	}
	if err != nil {
		return false, fmt.Errorf("dataset: look for table %s: %w", table, err)
	}
	return n > 0, nil
}

func indexExists(ctx context.Context, q store.Querier, name string) (bool, error) {
	var n int
	var err error
	if q.Dialect() == store.Postgres {
		err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?", name).Scan(&n)
	} else {
		err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?", name).Scan(&n)
	}
	if err != nil {
		return false, fmt.Errorf("dataset: look for index %s: %w", name, err)
	}
	return n > 0, nil
}

func tableColumns(ctx context.Context, q store.Querier, table string) (map[string]bool, error) {
	var rows *sql.Rows
	var err error
	if q.Dialect() == store.Postgres {
		rows, err = q.QueryContext(ctx, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", table)
	} else {
		rows, err = q.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: columns of %s: %w", table, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("dataset: columns of %s: %w", table, err)
		}
		out[n] = true
	}
	return out, rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// columnNames are the kind's stored column names (expression columns of
// enforcement kinds left out).
func (k Kind) columnNames() []string {
	out := make([]string, 0, len(k.Columns))
	for _, c := range k.Columns {
		if c.Expr == "" {
			out = append(out, c.Name)
		}
	}
	return out
}
