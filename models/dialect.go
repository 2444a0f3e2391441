package models

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// sqliteBusyTimeout is how long a SQLite connection waits for another's
// lock before it answers "database is locked".
const sqliteBusyTimeout = 10 * time.Second

// dialect is what differs between SQLite and PostgreSQL; the batched
// writes it points to are in write_sqlite.go and write_postgres.go.
type dialect struct {
	name     string // "sqlite" or "postgres"; also the migration file suffix
	timeType string
	// nowMillis is an SQL expression for the database clock in Unix
	// milliseconds. Rollup rows carry it so instances sharing a database
	// can find rows the others wrote, whatever their own clocks say.
	nowMillis string
	// medianRTT is an SQL expression for the median round-trip time of
	// the selected results (0 for none), where the database computes one;
	// "" where the store must sort the values itself.
	medianRTT      string
	lockMigrations func(tx *gorm.DB) error
	// lockedOut reports an error worth retrying the migrations after.
	lockedOut func(error) bool
	// maxConns bounds the connection pool; maxIdle > 0 keeps that many
	// idle (0: database/sql's default).
	maxConns, maxIdle int
	// write writes a batch of results and their rollup deltas and returns
	// the rollup rows as they now stand. On PostgreSQL it is one
	// statement, atomic by itself (oneStatement); on SQLite it must run
	// inside a transaction.
	write        func(ctx context.Context, q querier, rows []Result, deltas []rollupDelta) ([]Rollup, error)
	oneStatement bool
	// writeKeyed, where not nil, is write that also inserts the rows'
	// idempotency keys in the same statement; a key already stored fails
	// it whole (keyTaken).
	writeKeyed func(ctx context.Context, q querier, rows []Result, deltas []rollupDelta, extras []rowExtra) ([]Rollup, error)
}

// The database clock in Unix milliseconds, as SQL.
const (
	sqliteNowMillis   = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
	postgresNowMillis = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
)

var sqliteDialect = dialect{
	write:          sqliteWrite,
	name:           "sqlite",
	timeType:       "DATETIME",
	nowMillis:      sqliteNowMillis,
	lockMigrations: func(*gorm.DB) error { return nil }, // SQLite transactions already serialise writers
	// SQLite answers "database is locked" without waiting out the busy
	// timeout in a few cases (a fresh file switching to WAL while another
	// connection opens it).
	lockedOut: func(err error) bool { return strings.Contains(err.Error(), "database is locked") },
	// Every connection idle is kept: each holds its own page cache, and a
	// connection closed and opened again under concurrent page views
	// starts cold (database/sql keeps two by default).
	maxConns: 8,
	maxIdle:  8,
}

var postgresDialect = dialect{
	write:        postgresWrite,
	oneStatement: true,
	writeKeyed:   postgresWriteKeyed,
	name:         "postgres",
	timeType:     "TIMESTAMPTZ",
	nowMillis:    postgresNowMillis,
	medianRTT:    `COALESCE(PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY round_trip_time), 0)`,
	lockMigrations: func(tx *gorm.DB) error {
		// An arbitrary constant shared by every jobtester instance.
		return tx.Exec(`SELECT pg_advisory_xact_lock(7302012026)`).Error
	},
	lockedOut: func(error) bool { return false }, // the advisory lock waits instead
	maxConns:  16,
	maxIdle:   16,
}

// openDialector turns a --db value into a GORM dialector:
// sqlite://PATH (relative or absolute) or postgres://… / postgresql://….
func openDialector(dsn string) (gorm.Dialector, dialect, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite://"):
		path := strings.TrimPrefix(dsn, "sqlite://")
		query := ""
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path, query = path[:i], path[i+1:]
		}
		if path == "" {
			return nil, dialect{}, fmt.Errorf("database %q: sqlite:// needs a file path, e.g. sqlite://./data/jobtester.db", dsn)
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, dialect{}, fmt.Errorf("create database directory %s: %w", dir, err)
			}
		}
		// WAL lets readers run while the one writer commits; NORMAL sync is
		// durable across process crashes, which is what WAL mode promises.
		params := url.Values{}
		params.Set("_journal_mode", "WAL")
		params.Set("_busy_timeout", strconv.Itoa(int(sqliteBusyTimeout.Milliseconds())))
		params.Set("_foreign_keys", "on")
		params.Set("_synchronous", "NORMAL")
		params.Set("_txlock", "immediate")
		extra, err := url.ParseQuery(query)
		if err != nil {
			return nil, dialect{}, fmt.Errorf("database %q: bad query string: %w", dsn, err)
		}
		for k, v := range extra {
			params[k] = v
		}
		return sqlite.Open("file:" + path + "?" + params.Encode()), sqliteDialect, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(dsn), postgresDialect, nil
	}
	return nil, dialect{}, fmt.Errorf("database %q: must start with sqlite:// or postgres://", redactDSN(dsn))
}

// redactDSN hides a password in a DSN so it can be logged.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// RedactDSN is redactDSN for callers that log the configured database.
func RedactDSN(dsn string) string { return redactDSN(dsn) }

// isUniqueViolation recognises a unique-constraint failure in either
// dialect's words, for changes that turn it into a message for the admin.
func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// isForeignKeyViolation recognises a foreign-key failure in either
// dialect's words.
func isForeignKeyViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}
