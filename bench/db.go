package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" for the admin and counting connections
	_ "github.com/mattn/go-sqlite3"    // "sqlite3" for the counting connection

	"math/rand/v2"

	"jobtester/bench/benchenv"
	"jobtester/models"
)

// benchDB is one fresh database for one run, plus a plain database/sql
// connection of the bench's own for COUNT(*) and sizes.
type benchDB struct {
	kind    string // "sqlite" or "postgres"
	dsn     string // what models.Open gets
	path    string // SQLite file
	plain   *sql.DB
	cleanup func()
}

var dbNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

func prepareDB(ctx context.Context, kind string, o *options) (*benchDB, error) {
	switch kind {
	case "sqlite":
		dir, err := os.MkdirTemp(o.tmpDir, "jobtester-bench-")
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, "bench.db")
		plain, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		return &benchDB{kind: kind, dsn: "sqlite://" + path, path: path, plain: plain, cleanup: func() {
			plain.Close()
			os.RemoveAll(dir)
		}}, nil
	case "postgres":
		if !dbNameRE.MatchString(o.pgDB) {
			return nil, fmt.Errorf("--pg-db %q: must be a plain lower-case identifier", o.pgDB)
		}
		admin, err := sql.Open("pgx", o.pg)
		if err != nil {
			return nil, err
		}
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+o.pgDB+` WITH (FORCE)`); err != nil {
			admin.Close()
			return nil, fmt.Errorf("drop database %s: %w", o.pgDB, err)
		}
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+o.pgDB); err != nil {
			admin.Close()
			return nil, fmt.Errorf("create database %s: %w", o.pgDB, err)
		}
		u, err := url.Parse(o.pg)
		if err != nil {
			admin.Close()
			return nil, err
		}
		u.Path = "/" + o.pgDB
		dsn := u.String()
		plain, err := sql.Open("pgx", dsn)
		if err != nil {
			admin.Close()
			return nil, err
		}
		return &benchDB{kind: kind, dsn: dsn, plain: plain, cleanup: func() {
			plain.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+o.pgDB+` WITH (FORCE)`); err != nil {
				benchenv.Logf("warning: drop database %s: %v", o.pgDB, err)
			}
			admin.Close()
		}}, nil
	}
	return nil, fmt.Errorf("unknown database %q (want sqlite or postgres)", kind)
}

func (b *benchDB) countResults(ctx context.Context) (int64, error) {
	var n int64
	err := b.plain.QueryRowContext(ctx, `SELECT COUNT(*) FROM results`).Scan(&n)
	return n, err
}

func (b *benchDB) countRollups(ctx context.Context) (int64, error) {
	var n int64
	err := b.plain.QueryRowContext(ctx, `SELECT COUNT(*) FROM rollups`).Scan(&n)
	return n, err
}

// pgStatsDelay is how long PostgreSQL 15 may hold a backend's statistics
// before publishing them (PGSTAT_IDLE_INTERVAL is 10 s).
const pgStatsDelay = 12 * time.Second

// xactCommits is pg_stat_database.xact_commit of the bench database: every
// committed transaction, read-only ones included. Callers wait pgStatsDelay
// after the work they count. It returns -1 on SQLite or on error.
func (b *benchDB) xactCommits(ctx context.Context) int64 {
	if b.kind != "postgres" {
		return -1
	}
	var n int64
	if err := b.plain.QueryRowContext(ctx, `SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
		benchenv.Logf("warning: read pg_stat_database: %v", err)
		return -1
	}
	return n
}

// size is the database's size on disk in bytes.
func (b *benchDB) size(ctx context.Context) int64 {
	if b.kind == "postgres" {
		var n int64
		if err := b.plain.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n); err != nil {
			return -1
		}
		return n
	}
	var total int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(b.path + suffix); err == nil {
			total += fi.Size()
		}
	}
	return total
}

// vacuum brings a freshly loaded PostgreSQL database to the state autovacuum
// keeps a production one in (statistics and visibility map), so plans and
// index-only scans are those of a steady state. SQLite has no equivalent
// that production runs, so it is left as loaded.
func (b *benchDB) vacuum(ctx context.Context) (time.Duration, error) {
	if b.kind != "postgres" {
		return 0, nil
	}
	start := time.Now()
	_, err := b.plain.ExecContext(ctx, `VACUUM ANALYZE`)
	return time.Since(start), err
}

var errLoadTimeout = errors.New("load timed out")

// load inserts n results through Store.Insert, the production write path,
// from several goroutines with batch results per call. Receive times are
// spread evenly over the 30 days before now and handed out in time order (as
// a live service receives them), chunk by chunk; the last results are a
// sweep of every orchestrator in the last 12 hours.
func load(ctx context.Context, st *models.Store, nw *network, n int, o *options, now time.Time) (loaded int64, elapsed time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, o.loadTimeout)
	defer cancel()
	sweep := nw.sweep(rand.New(rand.NewPCG(o.seed, 0x5eed)), now)
	nMain := n - len(sweep)
	if nMain < 0 {
		return 0, 0, fmt.Errorf("--results %d is smaller than one sweep of the network (%d results)", n, len(sweep))
	}
	const span = 30 * 24 * time.Hour
	start := now.Add(-span)
	step := float64(span) / float64(nMain)
	chunks := (nMain + o.batch - 1) / o.batch
	var next, done atomic.Int64
	var firstErr error
	var errOnce sync.Once
	began := time.Now()
	stopProgress := make(chan struct{})
	go func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stopProgress:
				return
			case <-t.C:
				d := done.Load()
				benchenv.Logf("  loaded %d/%d (%.0f results/s)", d, n, float64(d)/time.Since(began).Seconds())
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < o.loadWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows := make([]models.NewResult, 0, o.batch)
			for ctx.Err() == nil {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				r := rand.New(rand.NewPCG(o.seed, uint64(c)+1))
				rows = rows[:0]
				for i := c * o.batch; i < min((c+1)*o.batch, nMain); i++ {
					at := start.Add(time.Duration((float64(i) + r.Float64()) * step))
					rows = append(rows, models.NewResult{Stats: nw.random(r, at), ReceivedAt: at})
				}
				if err := st.Insert(ctx, rows...); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				done.Add(int64(len(rows)))
			}
		}()
	}
	wg.Wait()
	for i := 0; i < len(sweep) && firstErr == nil && ctx.Err() == nil; i += o.batch {
		part := sweep[i:min(i+o.batch, len(sweep))]
		if err := st.Insert(ctx, part...); err != nil {
			firstErr = err
			break
		}
		done.Add(int64(len(part)))
	}
	close(stopProgress)
	elapsed = time.Since(began)
	if ctx.Err() != nil && done.Load() < int64(n) {
		return done.Load(), elapsed, fmt.Errorf("%w after %s", errLoadTimeout, elapsed.Round(time.Second))
	}
	return done.Load(), elapsed, firstErr
}
