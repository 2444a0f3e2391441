package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" for creating and dropping the schema

	"jobtester/bench/benchenv"
)

// evalDB is one fresh database for one regime.
type evalDB struct {
	dsn     string
	cleanup func()
}

// prepareDB makes an empty database: an SQLite file in a temporary
// directory, or a PostgreSQL schema of its own (named after the process and
// the regime, dropped afterwards).
func prepareDB(ctx context.Context, o *options, name string) (*evalDB, error) {
	if o.db == "sqlite" {
		dir, err := os.MkdirTemp(o.tmpDir, "jobtester-score-")
		if err != nil {
			return nil, fmt.Errorf("temp dir: %w", err)
		}
		return &evalDB{dsn: "sqlite://" + filepath.Join(dir, "score.db"), cleanup: func() { os.RemoveAll(dir) }}, nil
	}
	schema := fmt.Sprintf("score_%d_%x", os.Getpid(), name)
	admin, err := sql.Open("pgx", o.pg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", o.pg, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(cctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create schema: %w", err)
	}
	u, err := url.Parse(o.pg)
	if err != nil {
		admin.Close()
		return nil, fmt.Errorf("-pg: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return &evalDB{dsn: u.String(), cleanup: func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			benchenv.Logf("warning: drop schema %s: %v", schema, err)
		}
		admin.Close()
	}}, nil
}
