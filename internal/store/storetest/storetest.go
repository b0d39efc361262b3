// Package storetest gives tests a fresh, migrated database on every engine:
// a real SQLite file in a temporary folder always, and a private schema in
// the PostgreSQL named by XJ_TEST_PG when that variable is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/xingjian/xingjian/internal/store"
)

// PGEnv names the environment variable holding the PostgreSQL test DSN.
const PGEnv = "XJ_TEST_PG"

// Engines runs fn once per available engine as subtests named "sqlite" and
// "postgres", each with its own freshly migrated database.
func Engines(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, Open(t, store.SQLite, true)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(PGEnv) == "" {
			t.Skip(PGEnv + " not set; PostgreSQL tests skipped")
		}
		fn(t, Open(t, store.Postgres, true))
	})
}

// Open returns a fresh database of the given engine, migrated when migrate is
// true, and removed when the test ends.
func Open(t testing.TB, d store.Dialect, migrate bool) *store.DB {
	t.Helper()
	ctx := context.Background()
	var db *store.DB
	var err error
	switch d {
	case store.SQLite:
		db, err = store.Open(ctx, store.Options{DataDir: t.TempDir()})
	case store.Postgres:
		db, err = store.Open(ctx, store.Options{DSN: PGSchemaDSN(t)})
	}
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate %s: %v", d, err)
		}
	}
	return db
}

// PGSchemaDSN creates a private schema in the XJ_TEST_PG database, drops it
// when the test ends, and returns a DSN whose search_path points at it.
func PGSchemaDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PGEnv)
	if base == "" {
		t.Skip(PGEnv + " not set")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", PGEnv, err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PGEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
