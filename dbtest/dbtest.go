// Package dbtest gives tests a real, empty, migrated database of each
// dialect: an SQLite file in a temp dir, and a fresh schema in the
// PostgreSQL server named by JOBTESTER_TEST_POSTGRES (default: the local
// server's database "test"). Tests never share a schema, so they can run in
// parallel. Production code must not import it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema setup

	"jobtester/models"
)

// DefaultPostgres is used when JOBTESTER_TEST_POSTGRES is unset.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Dialects lists the databases every storage test runs on. PostgreSQL is
// left out only when JOBTESTER_TEST_POSTGRES=off, and then the test says so
// in its log; an unreachable server fails the test rather than skipping it.
func Dialects(t testing.TB) []string {
	if os.Getenv("JOBTESTER_TEST_POSTGRES") == "off" {
		t.Log("JOBTESTER_TEST_POSTGRES=off: PostgreSQL NOT tested")
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

// DSN returns the address of a new empty database of the dialect, removed
// when the test ends.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case "sqlite":
		return "sqlite://" + filepath.Join(t.TempDir(), "jobtester.db")
	case "postgres":
		return postgresSchema(t)
	}
	t.Fatalf("unknown dialect %q", dialect)
	return ""
}

func postgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("JOBTESTER_TEST_POSTGRES")
	if base == "" {
		base = DefaultPostgres
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open PostgreSQL %s: %v", base, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		db.Close()
		t.Fatalf("PostgreSQL at %s is needed for this test (set JOBTESTER_TEST_POSTGRES, or =off to skip PostgreSQL): %v", base, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated, started store on a new database of the dialect,
// closed when the test ends.
func Open(t testing.TB, dialect string, opts models.Options) *models.Store {
	t.Helper()
	return OpenDSN(t, DSN(t, dialect), opts)
}

// OpenDSN is Open on a given database, for tests that open it twice.
func OpenDSN(t testing.TB, dsn string, opts models.Options) *models.Store {
	t.Helper()
	ctx := context.Background()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.SyncInterval == 0 {
		opts.SyncInterval = -1 // tests call Sync themselves
	}
	st, err := models.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		t.Fatalf("migrate: %v", err)
	}
	if err := st.Start(ctx); err != nil {
		st.Close()
		t.Fatalf("start store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// CountResults is the number of results stored, of every outcome. It pages
// through Store.Results rather than asking the database directly, so the
// store needs no method that only tests call; tests store few results.
func CountResults(t testing.TB, st *models.Store) int64 {
	t.Helper()
	q := models.ResultQuery{Limit: 500}
	var n int64
	for {
		page, err := st.Results(context.Background(), q)
		if err != nil {
			t.Fatalf("count results: %v", err)
		}
		n += int64(len(page.Results))
		if page.Next == nil {
			return n
		}
		q.Before = page.Next
	}
}
