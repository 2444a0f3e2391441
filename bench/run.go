package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/pprof"
	"strings"
	"time"

	"jobtester/bench/benchenv"
	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/web"
)

// runOne is one database and data set size: load, restart, serve, measure
// (reads, then ingest).
func runOne(ctx context.Context, o *options, nw *network, kind string, size int, rep *report) error {
	bdb, err := prepareDB(ctx, kind, o)
	if err != nil {
		return err
	}
	defer func() {
		if o.keep {
			benchenv.Logf("  kept database %s", bdb.dsn)
			bdb.plain.Close()
			return
		}
		bdb.cleanup()
	}()
	lr := loadRow{db: kind, results: size}
	defer func() { rep.loads = append(rep.loads, lr) }()

	if served, err := loadStep(ctx, o, nw, bdb, rep, &lr); err != nil || !served {
		return err
	}
	if profileFile != nil {
		if err := pprof.StartCPUProfile(profileFile); err == nil {
			defer pprof.StopCPUProfile()
		}
		profileFile = nil // one run's profile per file
	}
	st, err := restartStep(ctx, bdb.dsn, &lr)
	if err != nil {
		return err
	}
	defer st.Close()
	base, client, stop, err := serve(st)
	if err != nil {
		return err
	}
	defer stop()
	if err := readsStep(ctx, o, nw, client, base, kind, size, rep); err != nil {
		return err
	}
	if o.only != "" && !strings.Contains("ingest", o.only) {
		return nil
	}
	return ingestStep(ctx, o, nw, bdb, client, base, rep, &lr)
}

// loadStep loads size results through the production write path, checks
// they all arrived, and lets the machine settle. served is false when the
// load timed out and serving is to be skipped.
func loadStep(ctx context.Context, o *options, nw *network, bdb *benchDB, rep *report, lr *loadRow) (served bool, err error) {
	// The sync loop (which re-reads rollups other instances wrote) is off:
	// nothing else writes here.
	st, err := models.Open(ctx, bdb.dsn, models.Options{SyncInterval: -1, Logger: benchenv.QuietLogger()})
	if err != nil {
		return false, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return false, err
	}
	if err := st.Start(ctx); err != nil {
		st.Close()
		return false, err
	}
	if lr.db == "sqlite" && rep.sqliteVersion == "" {
		_ = bdb.plain.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&rep.sqliteVersion)
	}
	loaded, elapsed, loadErr := load(ctx, st, nw, lr.results, o, time.Now())
	loadEnd := time.Now()
	closeStart := time.Now()
	if err := st.Close(); err != nil && loadErr == nil {
		loadErr = err
	}
	lr.loaded, lr.loadTime, lr.closeTime = loaded, elapsed, time.Since(closeStart)
	benchenv.Logf("  load: %d results in %s = %.0f results/s (close %s)", loaded, elapsed.Round(time.Millisecond),
		float64(loaded)/elapsed.Seconds(), lr.closeTime.Round(time.Millisecond))
	if errors.Is(loadErr, errLoadTimeout) {
		lr.note = fmt.Sprintf("load timed out after %s with %d of %d results loaded; serving skipped", elapsed.Round(time.Second), loaded, lr.results)
		return false, nil
	}
	if loadErr != nil {
		return false, fmt.Errorf("load: %w", loadErr)
	}
	if err := checkLoad(ctx, o, bdb, lr); err != nil {
		return false, err
	}
	if wait := time.Until(loadEnd.Add(o.settle)); wait > 0 {
		benchenv.Logf("  settling %s before the restart", wait.Round(time.Second))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	return true, nil
}

// checkLoad counts what the load stored and measures the database.
func checkLoad(ctx context.Context, o *options, bdb *benchDB, lr *loadRow) error {
	var err error
	if lr.rows, err = bdb.countResults(ctx); err != nil {
		return fmt.Errorf("count results: %w", err)
	}
	if lr.rows != int64(lr.results) {
		return fmt.Errorf("loaded %d results but the results table has %d rows", lr.results, lr.rows)
	}
	if lr.rollups, err = bdb.countRollups(ctx); err != nil {
		return fmt.Errorf("count rollups: %w", err)
	}
	if o.vacuum {
		if lr.vacuum, err = bdb.vacuum(ctx); err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
	}
	lr.dbSize = bdb.size(ctx)
	return nil
}

// restartStep opens the store as serve does: open, migrate (a no-op),
// start (loads the rollup index from the database).
func restartStep(ctx context.Context, dsn string, lr *loadRow) (*models.Store, error) {
	t0 := time.Now()
	st, err := models.Open(ctx, dsn, models.Options{Logger: benchenv.QuietLogger()})
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	lr.reopen = time.Since(t0)
	t1 := time.Now()
	if err := st.Start(ctx); err != nil {
		st.Close()
		return nil, err
	}
	lr.start = time.Since(t1)
	lr.buckets = st.IndexBuckets()
	lr.loadAvgStart = benchenv.LoadAvg()
	benchenv.Logf("  restart: open+migrate %s, Start (index load) %s, %d buckets", lr.reopen.Round(time.Millisecond),
		lr.start.Round(time.Millisecond), lr.buckets)
	return st, nil
}

// serve runs the HTTP stack as main wires it on a loopback listener.
func serve(st *models.Store) (base string, client *http.Client, stop func(), err error) {
	e := handlers.New(handlers.Deps{
		Store: st, Keys: ingest.NewKeyring([]ingest.Key{{Name: "bench", Secret: ingestSecret}}),
		Window: 24 * time.Hour, MaxBodyBytes: 1 << 20, Logger: benchenv.QuietLogger(), Version: "bench",
		PageError: web.ErrorPage,
	})
	web.Register(e, web.Deps{Store: st, Logger: benchenv.QuietLogger()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute,
	}}
	stop = func() {
		client.CloseIdleConnections()
		srv.Close()
	}
	return "http://" + ln.Addr().String(), client, stop, nil
}

// readsStep measures every Explorer and dashboard call at every client
// count.
func readsStep(ctx context.Context, o *options, nw *network, client *http.Client, base, kind string, size int, rep *report) error {
	allCalls := func() []call { return append(explorerCalls(nw, time.Now), dashboardCalls(nw, time.Now)...) }
	calls := allCalls()
	for i := range calls {
		if o.only != "" && !strings.Contains(calls[i].name, o.only) {
			continue
		}
		for _, c := range o.clients {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			cl := allCalls()[i] // fresh since=now-30d per cell
			res := measure(c, o.warmup, o.duration, o.seed, getOp(client, base, cl.path, cl.check))
			rep.addCall(kind, size, cl.name, c, res)
			benchenv.Logf("  %-48s %2d clients: p50 %7.2f ms  p99 %7.2f ms  %8.0f req/s  %d errors  (first request %.2f ms)", cl.name, c,
				ms(res.p50), ms(res.p99), res.rps, res.totalErrs(), ms(res.first))
			if res.firstErr != nil {
				benchenv.Logf("    first error: %v", res.firstErr)
			}
		}
	}
	return nil
}

// ingestStep posts signed post_stats bodies from several clients; every
// accepted result must be in the results table afterwards.
func ingestStep(ctx context.Context, o *options, nw *network, bdb *benchDB, client *http.Client, base string, rep *report, lr *loadRow) error {
	before, err := bdb.countResults(ctx)
	if err != nil {
		return fmt.Errorf("count results: %w", err)
	}
	// On PostgreSQL, count the ingest's transactions: wait until the reads
	// above are in pg_stat_database, and again after the ingest.
	sleep := func() {
		if lr.db == "postgres" {
			select {
			case <-time.After(pgStatsDelay):
			case <-ctx.Done():
			}
		}
	}
	sleep()
	xact0 := bdb.xactCommits(ctx)
	var acked bodies
	res := measure(o.ingestClients, o.warmup, o.duration, o.seed^0x1e57, postOp(client, base, ingestSecret, nw, &acked))
	sleep()
	xact1 := bdb.xactCommits(ctx)
	after, err := bdb.countResults(ctx)
	if err != nil {
		return fmt.Errorf("count results: %w", err)
	}
	ir := ingestRow{db: lr.db, results: lr.results, clients: o.ingestClients, res: res,
		accepted: int64(res.totalOK()), distinct: int64(acked.count()), stored: after - before, rate: res.okRate, xacts: -1}
	if xact0 >= 0 && xact1 > xact0 {
		ir.xacts = xact1 - xact0
	}
	lr.loadAvgEnd = benchenv.LoadAvg()
	rep.ingests = append(rep.ingests, ir)
	inRow := res
	inRow.rps = res.okRate // the ingest row's req/s is results/s accepted
	rep.addCall(lr.db, lr.results, "POST /api/post_stats (req/s = results/s accepted)", o.ingestClients, inRow)
	benchenv.Logf("  ingest %d clients: %.0f results/s accepted, p50 %.2f ms p99 %.2f ms, %d errors; stored %d, accepted %d (%d distinct bodies)",
		o.ingestClients, ir.rate, ms(res.p50), ms(res.p99), res.totalErrs(), ir.stored, ir.accepted, ir.distinct)
	if res.firstErr != nil {
		benchenv.Logf("    first error: %v", res.firstErr)
	}
	if ir.stored != ir.distinct {
		return fmt.Errorf("ingest: %d distinct results accepted (200 ok) but %d rows stored", ir.distinct, ir.stored)
	}
	return nil
}
