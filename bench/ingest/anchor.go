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

// anchorRun is the anchor's figures from the same load generator.
type anchorRun struct {
	rep          clientReport
	rows         int64
	load0, load1 string
	cpu          cpuSplit // server: the anchor's process
}

// runAnchor measures leaderboard-serverless (a binary built from its
// public repository, outside this one) with the same clients and duration
// on a database of its own on the same PostgreSQL, so the two services are
// compared in one run on one machine. Its post_stats is one INSERT and one
// commit per request into its events table; nothing else is kept.
func runAnchor(ctx context.Context, bin, pg string, clients int, duration time.Duration, orchs int) (anchorRun, error) {
	if c, err := net.DialTimeout("tcp", anchorAddr, time.Second); err == nil {
		c.Close()
		return anchorRun{}, fmt.Errorf("leaderboard-serverless listens on %s, which is taken", anchorAddr)
	}
	dsn, db, drop, err := freshPlace(ctx, pg, "database")
	if err != nil {
		return anchorRun{}, err
	}
	defer drop()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "POSTGRES="+dsn, "SECRET="+secret, "LOG_LEVEL=error")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return anchorRun{}, fmt.Errorf("start leaderboard-serverless: %w", err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // it may have exited
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill() //nolint:errcheck // last resort
			<-stopped
		}
	}()
	if err := waitAnswering(ctx, "http://"+anchorAddr+"/api/regions", stopped); err != nil {
		return anchorRun{}, err
	}
	benchenv.Logf("leaderboard-serverless answers; %d clients post for %s", clients, duration)
	run := anchorRun{load0: benchenv.LoadAvg()}
	c0, a0 := cpuNow(), procCPU(cmd.Process.Pid)
	if run.rep, err = spawnClient("http://"+anchorAddr+"/api/post_stats", clients, duration, orchs, false); err != nil {
		return run, err
	}
	run.cpu = cpuNow().sub(c0)
	run.cpu.server = procCPU(cmd.Process.Pid) - a0
	run.load1 = benchenv.LoadAvg()
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&run.rows); err != nil {
		return run, fmt.Errorf("count leaderboard-serverless's events: %w", err)
	}
	return run, nil
}

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
func printAnchor(a anchorRun, clients int, ours float64) error {
	rate := float64(a.rep.Acked) / a.rep.Duration.Seconds()
	fmt.Printf("\n| service | clients | seconds | acknowledged | refused | no answer | results/s | rows stored | CPU µs per result: server / load generator / PostgreSQL | load avg before → after |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|\n")
	sv, cl, pg := a.cpu.perResult(a.rep.Acked)
	fmt.Printf("| leaderboard-serverless | %d | %.1f | %d | %d | %d | **%.0f** | %d | %.0f / %.0f / %.0f | %s → %s |\n", clients, a.rep.Duration.Seconds(),
		a.rep.Acked, a.rep.Refused, a.rep.Failed, rate, a.rows, sv, cl, pg, a.load0, a.load1)
	if rate > 0 {
		fmt.Printf("\njobtester / leaderboard-serverless: **%.2f×**\n", ours/rate)
	}
	if a.rows != a.rep.Acked {
		return fmt.Errorf("leaderboard-serverless: %d acknowledged, %d rows stored", a.rep.Acked, a.rows)
	}
	if a.rep.Refused+a.rep.Failed > 0 {
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
