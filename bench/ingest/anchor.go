package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"syscall"
	"time"

	"jobtester/bench/benchenv"
)

// anchorAddr is where leaderboard-serverless listens when run on its own:
// its main binds :8080 and takes no flag for it.
const anchorAddr = "127.0.0.1:8080"

// anchor is leaderboard-serverless running on a database of its own.
type anchor struct {
	pid  int
	db   *sql.DB // its database, for the count
	stop func()  // ends the process and drops the database
}

// startAnchor starts leaderboard-serverless (a binary built from its
// public repository, outside this one) on a fresh database of the same
// PostgreSQL, so the two services are compared in one run on one machine,
// and waits until it answers. Its post_stats is one INSERT and one commit
// per request into its events table; nothing else is kept.
func startAnchor(ctx context.Context, bin, pg string) (*anchor, error) {
	if c, err := net.DialTimeout("tcp", anchorAddr, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("leaderboard-serverless listens on %s, which is taken", anchorAddr)
	}
	dsn, db, drop, err := freshPlace(ctx, pg, "database")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "POSTGRES="+dsn, "SECRET="+secret, "LOG_LEVEL=error")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		drop()
		return nil, fmt.Errorf("start leaderboard-serverless: %w", err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- cmd.Wait() }()
	a := &anchor{pid: cmd.Process.Pid, db: db, stop: func() {
		cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // it may have exited
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill() //nolint:errcheck // last resort
			<-stopped
		}
		drop()
	}}
	if err := waitAnswering(ctx, "http://"+anchorAddr+"/api/regions", stopped); err != nil {
		a.stop()
		return nil, err
	}
	benchenv.Logf("leaderboard-serverless answers")
	return a, nil
}

// cpu is the anchor process's CPU time so far.
func (a *anchor) cpu() time.Duration { return procCPU(a.pid) }

// waitAnswering polls u until it answers 200, the process ends, or a
// minute passes (its first start runs its migrations).
func waitAnswering(ctx context.Context, u string, stopped <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-stopped:
			return fmt.Errorf("leaderboard-serverless exited before it answered: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("leaderboard-serverless did not answer %s: %w", u, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// printAnchor prints the anchor's row under jobtester's table, and the
// ratio the comparison is about.
func printAnchor(ctx context.Context, a *anchor, m measured, clients int, ours float64) error {
	var rows int64
	if err := a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&rows); err != nil {
		return fmt.Errorf("count leaderboard-serverless's events: %w", err)
	}
	rate := m.rate()
	fmt.Printf("\n| service | clients | seconds | acknowledged | refused | no answer | results/s | rows stored | CPU µs per result: server / load generator / PostgreSQL | load avg before → after |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|\n")
	sv, cl, pg := m.cpu.perResult(m.rep.Acked)
	fmt.Printf("| leaderboard-serverless | %d | %.1f | %d | %d | %d | **%.0f** | %d | %.0f / %.0f / %.0f | %s → %s |\n", clients, m.rep.Duration.Seconds(),
		m.rep.Acked, m.rep.Refused, m.rep.Failed, rate, rows, sv, cl, pg, m.load0, m.load1)
	if rate > 0 {
		fmt.Printf("\njobtester / leaderboard-serverless: **%.2f×**\n", ours/rate)
	}
	if rows != m.rep.Acked {
		return fmt.Errorf("leaderboard-serverless: %d acknowledged, %d rows stored", m.rep.Acked, rows)
	}
	if m.rep.Refused+m.rep.Failed > 0 {
		return errors.New("leaderboard-serverless refused or dropped posts (see the table)")
	}
	return nil
}

// freshPlace makes a schema (for jobtester, whose DSN can name one) or a
// database (for leaderboard-serverless, which migrates the public schema
// of the database its URL names) of its own on pg, and returns a URL that
// uses it, a connection to it for the counts, and its removal.
func freshPlace(ctx context.Context, pg, kind string) (string, *sql.DB, func(), error) {
	u, err := url.Parse(pg)
	if err != nil {
		return "", nil, nil, err
	}
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return "", nil, nil, err
	}
	name := fmt.Sprintf("bench_ingest_%d", os.Getpid())
	create, drop := `CREATE SCHEMA `+name, `DROP SCHEMA `+name+` CASCADE`
	if kind == "database" {
		name = fmt.Sprintf("bench_anchor_%d", os.Getpid())
		create, drop = `CREATE DATABASE `+name, `DROP DATABASE `+name+` WITH (FORCE)`
		u.Path = "/" + name
	} else {
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		admin.Close()
		return "", nil, nil, fmt.Errorf("create %s: %w", kind, err)
	}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		admin.Close()
		return "", nil, nil, err
	}
	return u.String(), db, func() {
		db.Close()
		dctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(dctx, drop); err != nil {
			fmt.Fprintf(os.Stderr, "bench/ingest: drop %s: %v\n", kind, err)
		}
		admin.Close()
	}, nil
}
