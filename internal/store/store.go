// Package store opens the platform's database — embedded SQLite (default) or
// PostgreSQL — runs the migrations, and keeps the few dialect differences in
// one place. Everything else in the code base writes portable SQL with `?`
// placeholders and goes through DB, Tx or the Querier interface.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"modernc.org/sqlite"             // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The two supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Querier is what helpers need to read or write: a *DB or a *Tx. Queries use
// `?` placeholders; they are rebound for PostgreSQL.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// DB is the platform database. For SQLite it holds two pools: one writer
// connection (so concurrent requests queue in Go instead of failing with
// SQLITE_BUSY) and several read-only readers (WAL lets them run beside the
// writer). For PostgreSQL both pools are the same.
type DB struct {
	dialect Dialect
	w, r    *sql.DB
	// Where is a human description of the database for logs (never a password).
	Where string
}

// Options configure Open.
type Options struct {
	// DSN is empty for embedded SQLite in DataDir, "postgres://…" for PostgreSQL,
	// or "sqlite:PATH" / "file:PATH" for an explicit SQLite file.
	DSN string
	// DataDir holds the embedded SQLite file when DSN is empty.
	DataDir string
	// ReadConns bounds the reader pool (default 4 for SQLite, 16 for PostgreSQL).
	ReadConns int
}

// Open connects to the database described by opts. It does not migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	dsn := opts.DSN
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn, opts.ReadConns)
	case dsn == "":
		if opts.DataDir == "" {
			return nil, errors.New("store: neither a DSN nor a data folder was given")
		}
		if err := os.MkdirAll(opts.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create data folder: %w", err)
		}
		return openSQLite(ctx, filepath.Join(opts.DataDir, "xingjian.db"), opts.ReadConns)
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"), opts.ReadConns)
	case strings.HasPrefix(dsn, "file:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "file:"), opts.ReadConns)
	default:
		return nil, fmt.Errorf("store: unsupported database %q: use postgres://… or leave empty for embedded SQLite", redact(dsn))
	}
}

func openSQLite(ctx context.Context, path string, readConns int) (*DB, error) {
	if readConns <= 0 {
		readConns = 4
	}
	// busy_timeout still matters for readers during checkpoints and for other
	// processes (the CLI) touching the same file.
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	// The writer gets a 64 MB page cache: a bulk import otherwise spills
	// pages to the WAL mid-transaction. (Statement journals stay in temp
	// files: in memory they made a million-row import 15 % faster but took
	// its peak RSS from 410 to 590 MB, over the 500 MB bound.)
	w, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=journal_mode(WAL)&_pragma=cache_size(-65536)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	return &DB{dialect: SQLite, w: w, r: r, Where: "sqlite:" + path}, nil
}

func openPostgres(ctx context.Context, dsn string, conns int) (*DB, error) {
	if conns <= 0 {
		conns = 16
	}
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	p.SetMaxOpenConns(conns)
	p.SetMaxIdleConns(conns)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("store: connect to postgres %s: %w", redact(dsn), err)
	}
	return &DB{dialect: Postgres, w: p, r: p, Where: redact(dsn)}, nil
}

// redact hides a password in a DSN for messages and logs.
func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":***"
	}
	return dsn[:scheme+3] + userinfo + dsn[at:]
}

// Dialect reports the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes both pools.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.r.PingContext(ctx); err != nil {
		return err
	}
	return db.w.PingContext(ctx)
}

// ExecContext runs a write outside an explicit transaction.
func (db *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.w.ExecContext(ctx, db.Rebind(q), args...)
}

// QueryContext runs a read on the reader pool.
func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.r.QueryContext(ctx, db.Rebind(q), args...)
}

// QueryRowContext runs a single-row read on the reader pool.
func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.Rebind(q), args...)
}

// Tx is a write transaction.
type Tx struct {
	tx      *sql.Tx
	conn    *sql.Conn // the connection tx runs on, for CopyFrom
	dialect Dialect
}

// Dialect reports the engine.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// ExecContext runs a statement in the transaction.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, rebind(tx.dialect, q), args...)
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, rebind(tx.dialect, q), args...)
}

// QueryRowContext runs a single-row query in the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, rebind(tx.dialect, q), args...)
}

// InTx runs fn in one write transaction: committed when fn returns nil, rolled
// back otherwise (and on panic). On SQLite the transaction starts IMMEDIATE on
// the single writer connection, so it never fails half-way with SQLITE_BUSY.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	// The transaction runs on a connection held here so that CopyFrom can
	// reach the driver's connection (PostgreSQL COPY) inside it.
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: connect: %w", err)
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(&Tx{tx: sqlTx, conn: conn, dialect: db.dialect}); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// PrepareContext prepares a statement for repeated use in the transaction
// (bulk inserts); the caller closes it.
func (tx *Tx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, rebind(tx.dialect, q))
}

// CopyFrom bulk-loads rows into table with PostgreSQL's COPY, inside the
// transaction (so it commits or rolls back with everything else). Values
// must be what pgx encodes for the column types: dates as time.Time. Only
// for PostgreSQL; SQLite callers use prepared multi-row INSERTs.
func (tx *Tx) CopyFrom(ctx context.Context, table string, cols []string, rows pgx.CopyFromSource) (int64, error) {
	if tx.dialect != Postgres {
		return 0, errors.New("store: CopyFrom needs PostgreSQL")
	}
	var n int64
	err := tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: CopyFrom: driver connection is %T", dc)
		}
		var err error
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, rows)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: copy into %s: %w", table, err)
	}
	return n, nil
}

// Rebind turns `?` placeholders into the engine's form.
func (db *DB) Rebind(q string) string { return rebind(db.dialect, q) }

// rebind rewrites `?` to `$1…$n` for PostgreSQL, leaving `?` inside quoted
// strings and identifiers alone.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either engine, so callers can turn it into a "duplicate" error.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// Placeholders returns "?, ?, …" with n marks, for IN lists.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// ContainsLike returns a case-insensitive substring condition on col and its
// argument, with the user's text taken literally (%, _ and \ escaped) on
// both engines.
func ContainsLike(col, text string) (string, any) {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(text))
	return "LOWER(" + col + `) LIKE ? ESCAPE '\'`, "%" + esc + "%"
}

// ReadOnly runs fn in a read-only transaction that is always rolled back and
// is cancelled after timeout: PostgreSQL gets READ ONLY and a
// statement_timeout, SQLite runs on the query_only reader pool and is
// interrupted when the deadline passes (fn must use the context it is given). For queries written by people
// (analyst mode), never for the platform's own reads.
//
// On SQLite, allowRead (when not nil) is also enforced by the engine itself:
// an authorizer on the connection refuses to compile a statement that reads
// a table allowRead refuses, or that does anything but select, read, call a
// function or run a recursive query.
func (db *DB) ReadOnly(ctx context.Context, timeout time.Duration, allowRead func(table string) bool, fn func(ctx context.Context, q *Tx) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: connect: %w", err)
	}
	defer conn.Close()
	if db.dialect == SQLite && allowRead != nil {
		if err := setAuthorizer(conn, readOnlyAuthorizer(allowRead)); err != nil {
			return err
		}
		// Removed before the connection goes back to the pool (deferred
		// calls run in reverse: after the rollback below, before Close).
		defer setAuthorizer(conn, nil)
	}
	var opts *sql.TxOptions
	if db.dialect == Postgres {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	sqlTx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin read-only: %w", err)
	}
	defer sqlTx.Rollback()
	if db.dialect == Postgres {
		ms := timeout.Milliseconds()
		if ms < 1 {
			ms = 1
		}
		if _, err := sqlTx.ExecContext(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", ms)); err != nil {
			return fmt.Errorf("store: statement timeout: %w", err)
		}
	}
	return fn(ctx, &Tx{tx: sqlTx, conn: conn, dialect: db.dialect})
}

// readOnlyAuthorizer allows reading the tables allowRead accepts, functions,
// recursive queries and the transaction around them; nothing else.
func readOnlyAuthorizer(allowRead func(table string) bool) sqlite.AuthorizerFn {
	return func(action sqlite.AuthorizerActionCode, arg1, arg2, _, _ string) sqlite.AuthorizerReturnCode {
		switch action {
		case sqlite.AuthSelect, sqlite.AuthRecursive, sqlite.AuthTransaction:
			return sqlite.AuthorizerOK
		case sqlite.AuthFunction:
			if arg2 == "load_extension" {
				return sqlite.AuthorizerDeny
			}
			return sqlite.AuthorizerOK
		case sqlite.AuthRead:
			if allowRead(arg1) {
				return sqlite.AuthorizerOK
			}
		}
		return sqlite.AuthorizerDeny
	}
}

func setAuthorizer(conn *sql.Conn, fn sqlite.AuthorizerFn) error {
	err := conn.Raw(func(dc any) error {
		reg, ok := dc.(sqlite.AuthorizerRegisterer)
		if !ok {
			return errors.New("store: the SQLite driver offers no authorizer")
		}
		return reg.RegisterAuthorizer(fn)
	})
	if err != nil {
		return fmt.Errorf("store: authorizer: %w", err)
	}
	return nil
}
