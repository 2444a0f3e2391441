// Command bench measures the leaderboard service the way the Explorer uses
// it: it loads a synthetic network's results into a fresh SQLite or
// PostgreSQL database through the production write path, serves the API on
// a loopback listener, drives the Explorer's calls and post_stats ingest with
// concurrent HTTP clients, and prints the results as Markdown.
//
//	go run ./bench                                  # 1M and 5M results, SQLite and PostgreSQL
//	go run ./bench --results 20000 --duration 2s    # a quick run
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/web"
)

type options struct {
	results       []int
	dbs           []string
	clients       []int
	pg, pgDB      string
	duration      time.Duration
	warmup        time.Duration
	ingestClients int
	loadWorkers   int
	batch         int
	orchs         int
	seed          uint64
	loadTimeout   time.Duration
	settle        time.Duration
	vacuum        bool
	tmpDir        string
	cpuProfile    string
	keep          bool
	only          string
}

const ingestSecret = "bench-secret"

// profileFile receives the CPU profile of the serving phases (one run's
// worth: the first run that starts profiling keeps it).
var profileFile *os.File

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		defer f.Close()
		profileFile = f
	}
	rep := &report{opts: o}
	rep.machine(ctx, o)
	logf("code: %s", rep.code)
	nw := newNetwork(o.seed, o.orchs)
	rep.network = nw
	logf("network: %s", nw.describe())
	for _, size := range o.results {
		for _, db := range o.dbs {
			if ctx.Err() != nil {
				break
			}
			logf("== %s, %d results", db, size)
			if err := runOne(ctx, o, nw, db, size, rep); err != nil {
				logf("FAIL %s %d: %v", db, size, err)
				rep.failures = append(rep.failures, fmt.Sprintf("%s, %d results: %v", db, size, err))
			}
		}
	}
	rep.print(os.Stdout)
	if len(rep.failures) > 0 || ctx.Err() != nil {
		os.Exit(1)
	}
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	o := &options{}
	results := fs.String("results", "1000000,5000000", "comma-separated data set sizes (results loaded before serving)")
	dbs := fs.String("dbs", "sqlite,postgres", "comma-separated databases: sqlite, postgres")
	clients := fs.String("clients", "1,8", "comma-separated numbers of concurrent HTTP clients for the Explorer calls")
	fs.StringVar(&o.pg, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server (admin database) where the bench database is created")
	fs.StringVar(&o.pgDB, "pg-db", "jobtester_bench", "name of the PostgreSQL database created (and dropped) for each run")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "measured duration of each cell")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each cell (not measured)")
	fs.IntVar(&o.ingestClients, "ingest-clients", 8, "concurrent clients posting stats")
	fs.IntVar(&o.loadWorkers, "load-workers", 8, "goroutines calling Store.Insert while loading")
	fs.IntVar(&o.batch, "batch", 250, "results per Store.Insert call while loading")
	fs.IntVar(&o.orchs, "orchestrators", 100, "orchestrators in the synthetic network")
	seed := fs.Uint64("seed", 1, "random seed of the synthetic network and data")
	fs.DurationVar(&o.loadTimeout, "load-timeout", 25*time.Minute, "give up loading one data set after this long (reported, serving skipped)")
	fs.DurationVar(&o.settle, "settle", 65*time.Second, "quiet time between the end of the load and the restart, so the store's first rollup sync (which re-reads rows updated in the last 60 s) does not re-read the bulk load while calls are measured")
	fs.BoolVar(&o.vacuum, "vacuum", true, "VACUUM ANALYZE PostgreSQL after loading, as autovacuum would have in production")
	fs.StringVar(&o.tmpDir, "tmp", "", "directory for SQLite files (default: the system temp dir)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the first run's restart and serving phases (Start, calls, ingest) to this file")
	fs.BoolVar(&o.keep, "keep", false, "keep the databases for inspection instead of dropping them (a PostgreSQL one is replaced by the next run)")
	fs.StringVar(&o.only, "only", "", "run only the calls whose name contains this text (\"ingest\" for ingest only)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	o.seed = *seed
	var err error
	if o.results, err = intList(*results); err != nil {
		return nil, fmt.Errorf("--results: %w", err)
	}
	if o.clients, err = intList(*clients); err != nil {
		return nil, fmt.Errorf("--clients: %w", err)
	}
	for _, d := range strings.Split(*dbs, ",") {
		d = strings.TrimSpace(d)
		switch d {
		case "sqlite", "postgres":
			o.dbs = append(o.dbs, d)
		case "":
		default:
			return nil, fmt.Errorf("--dbs: unknown database %q (want sqlite or postgres)", d)
		}
	}
	if len(o.dbs) == 0 {
		return nil, errors.New("--dbs: no database")
	}
	if o.duration <= 0 || o.warmup < 0 || o.ingestClients <= 0 || o.loadWorkers <= 0 || o.batch <= 0 || o.orchs <= 0 {
		return nil, errors.New("--duration, --ingest-clients, --load-workers, --batch and --orchestrators must be positive")
	}
	return o, nil
}

func intList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(strings.ReplaceAll(f, "_", ""))
		if f == "" {
			continue
		}
		mult := 1
		switch {
		case strings.HasSuffix(f, "k"), strings.HasSuffix(f, "K"):
			mult, f = 1000, f[:len(f)-1]
		case strings.HasSuffix(f, "m"), strings.HasSuffix(f, "M"):
			mult, f = 1000000, f[:len(f)-1]
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n*mult)
	}
	if len(out) == 0 {
		return nil, errors.New("empty list")
	}
	return out, nil
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// runOne is one database and data set size: load, restart, serve, measure.
func runOne(ctx context.Context, o *options, nw *network, kind string, size int, rep *report) error {
	bdb, err := prepareDB(ctx, kind, o)
	if err != nil {
		return err
	}
	defer func() {
		if o.keep {
			logf("  kept database %s", bdb.dsn)
			bdb.plain.Close()
			return
		}
		bdb.cleanup()
	}()
	lr := loadRow{db: kind, results: size}
	defer func() { rep.loads = append(rep.loads, lr) }()

	// Load through the production write path. The sync loop (which re-reads
	// rollups other instances wrote) is off: nothing else writes here.
	st, err := models.Open(ctx, bdb.dsn, models.Options{SyncInterval: -1, Logger: quietLogger()})
	if err != nil {
		return err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return err
	}
	if err := st.Start(ctx); err != nil {
		st.Close()
		return err
	}
	if kind == "sqlite" && rep.sqliteVersion == "" {
		_ = bdb.plain.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&rep.sqliteVersion)
	}
	now := time.Now()
	loaded, elapsed, loadErr := load(ctx, st, nw, size, o, now)
	loadEnd := time.Now()
	closeStart := time.Now()
	if err := st.Close(); err != nil && loadErr == nil {
		loadErr = err
	}
	lr.loaded, lr.loadTime, lr.closeTime = loaded, elapsed, time.Since(closeStart)
	logf("  load: %d results in %s = %.0f results/s (close %s)", loaded, elapsed.Round(time.Millisecond),
		float64(loaded)/elapsed.Seconds(), lr.closeTime.Round(time.Millisecond))
	if errors.Is(loadErr, errLoadTimeout) {
		lr.note = fmt.Sprintf("load timed out after %s with %d of %d results loaded; serving skipped", elapsed.Round(time.Second), loaded, size)
		return nil
	}
	if loadErr != nil {
		return fmt.Errorf("load: %w", loadErr)
	}
	if lr.rows, err = bdb.countResults(ctx); err != nil {
		return fmt.Errorf("count results: %w", err)
	}
	if lr.rows != int64(size) {
		return fmt.Errorf("loaded %d results but the results table has %d rows", size, lr.rows)
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
	if wait := time.Until(loadEnd.Add(o.settle)); wait > 0 {
		logf("  settling %s before the restart", wait.Round(time.Second))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}

	if profileFile != nil {
		if err := pprof.StartCPUProfile(profileFile); err == nil {
			defer pprof.StopCPUProfile()
		}
		profileFile = nil // one run's profile per file
	}
	// Restart as serve does: open, migrate (a no-op), start (loads the
	// rollup index from the database).
	t0 := time.Now()
	st, err = models.Open(ctx, bdb.dsn, models.Options{Logger: quietLogger()})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	lr.reopen = time.Since(t0)
	t1 := time.Now()
	if err := st.Start(ctx); err != nil {
		return err
	}
	lr.start = time.Since(t1)
	lr.buckets = st.IndexBuckets()
	lr.loadAvgStart = loadAvg()
	logf("  restart: open+migrate %s, Start (index load) %s, %d buckets", lr.reopen.Round(time.Millisecond),
		lr.start.Round(time.Millisecond), lr.buckets)

	e := handlers.New(handlers.Deps{
		Store: st, Keys: ingest.NewKeyring([]ingest.Key{{Name: "bench", Secret: ingestSecret}}),
		Window: 24 * time.Hour, MaxBodyBytes: 1 << 20, Logger: quietLogger(), Version: "bench",
		PageError: web.ErrorPage,
	})
	web.Register(e, web.Deps{Store: st, Logger: quietLogger()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute,
	}}
	defer client.CloseIdleConnections()

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
			logf("  %-48s %2d clients: p50 %7.2f ms  p99 %7.2f ms  %8.0f req/s  %d errors  (first request %.2f ms)", cl.name, c,
				ms(res.p50), ms(res.p99), res.rps, res.totalErrs(), ms(res.first))
			if res.firstErr != nil {
				logf("    first error: %v", res.firstErr)
			}
		}
	}

	if o.only != "" && !strings.Contains("ingest", o.only) {
		return nil
	}
	// Ingest: signed post_stats bodies from several clients; every accepted
	// result must be in the results table afterwards.
	before, err := bdb.countResults(ctx)
	if err != nil {
		return fmt.Errorf("count results: %w", err)
	}
	// On PostgreSQL, count the ingest's transactions: wait until the reads
	// above are in pg_stat_database, and again after the ingest.
	sleep := func() {
		if kind == "postgres" {
			select {
			case <-time.After(pgStatsDelay):
			case <-ctx.Done():
			}
		}
	}
	sleep()
	xact0 := bdb.xactCommits(ctx)
	res := measure(o.ingestClients, o.warmup, o.duration, o.seed^0x1e57, postOp(client, base, ingestSecret, nw))
	sleep()
	xact1 := bdb.xactCommits(ctx)
	after, err := bdb.countResults(ctx)
	if err != nil {
		return fmt.Errorf("count results: %w", err)
	}
	ir := ingestRow{db: kind, results: size, clients: o.ingestClients, res: res,
		accepted: int64(res.totalOK()), stored: after - before, rate: res.okRate, xacts: -1}
	if xact0 >= 0 && xact1 > xact0 {
		ir.xacts = xact1 - xact0
	}
	lr.loadAvgEnd = loadAvg()
	rep.ingests = append(rep.ingests, ir)
	inRow := res
	inRow.rps = res.okRate // the ingest row's req/s is results/s accepted
	rep.addCall(kind, size, "POST /api/post_stats (req/s = results/s accepted)", o.ingestClients, inRow)
	logf("  ingest %d clients: %.0f results/s accepted, p50 %.2f ms p99 %.2f ms, %d errors; stored %d, accepted %d",
		o.ingestClients, ir.rate, ms(res.p50), ms(res.p99), res.totalErrs(), ir.stored, ir.accepted)
	if res.firstErr != nil {
		logf("    first error: %v", res.firstErr)
	}
	if ir.stored != ir.accepted {
		return fmt.Errorf("ingest: %d results accepted (200 ok) but %d rows stored", ir.accepted, ir.stored)
	}
	return nil
}

// codeVersion names the commit the measured code was built from, and the
// service folders with uncommitted changes (the tree changes under the
// bench while others work in it).
func codeVersion(ctx context.Context) string {
	head, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown (git: " + err.Error() + ")"
	}
	v := "HEAD " + strings.TrimSpace(string(head))
	st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--",
		"models", "rollup", "leaderboard", "handlers", "ingest", "scoring", "migrations").Output()
	if err == nil {
		var dirty []string
		for _, line := range strings.Split(strings.TrimSpace(string(st)), "\n") {
			if len(line) > 3 && !strings.HasSuffix(line, "_test.go") {
				dirty = append(dirty, strings.TrimSpace(line[3:]))
			}
		}
		if len(dirty) > 0 {
			v += " + uncommitted changes in " + strings.Join(dirty, ", ")
		} else {
			v += " (service folders clean)"
		}
	}
	return v
}

// loadAvg is the 1-minute load average: the machine is shared, and other
// work on it shows up in the numbers.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// report collects everything printed at the end.
type report struct {
	opts          *options
	network       *network
	cpu           string
	nproc         int
	pgVersion     string
	code          string
	sqliteVersion string
	loads         []loadRow
	calls         []callRow
	ingests       []ingestRow
	failures      []string
}

type loadRow struct {
	db            string
	results       int
	loaded, rows  int64
	rollups       int64
	loadTime      time.Duration
	closeTime     time.Duration
	vacuum        time.Duration
	dbSize        int64
	reopen, start time.Duration
	buckets       int
	note          string
	loadAvgStart  string // 1-minute load average when serving began
	loadAvgEnd    string // … and after ingest
}

type callRow struct {
	db      string
	results int
	call    string
	clients int
	res     cellResult
}

type ingestRow struct {
	db               string
	results, clients int
	res              cellResult
	accepted, stored int64
	rate             float64
	xacts            int64 // PostgreSQL transactions committed during ingest; -1 unknown
}

func (r *report) addCall(db string, size int, name string, clients int, res cellResult) {
	r.calls = append(r.calls, callRow{db, size, name, clients, res})
}

func (r *report) machine(ctx context.Context, o *options) {
	r.code = codeVersion(ctx)
	r.nproc = runtime.NumCPU()
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				r.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	for _, d := range o.dbs {
		if d != "postgres" {
			continue
		}
		db, err := sql.Open("pgx", o.pg)
		if err == nil {
			err = db.QueryRowContext(ctx, `SHOW server_version`).Scan(&r.pgVersion)
			db.Close()
		}
		if err != nil {
			r.pgVersion = "unknown (" + err.Error() + ")"
		}
	}
}

func (r *report) print(w io.Writer) {
	o := r.opts
	fmt.Fprintf(w, "\n# jobtester bench\n\n")
	fmt.Fprintf(w, "- machine: nproc %d (GOMAXPROCS %d), CPU %q, %s %s/%s\n", r.nproc, runtime.GOMAXPROCS(0), r.cpu,
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "- code: %s\n", r.code)
	if r.pgVersion != "" {
		fmt.Fprintf(w, "- PostgreSQL server: %s (same machine, 127.0.0.1)\n", r.pgVersion)
	}
	if r.sqliteVersion != "" {
		fmt.Fprintf(w, "- SQLite: %s (mattn/go-sqlite3, WAL, synchronous=NORMAL)\n", r.sqliteVersion)
	}
	fmt.Fprintf(w, "- network: %s; results spread evenly over the last 30 days of receive time, half AI and half transcoding\n", r.network.describe())
	fmt.Fprintf(w, "- load: Store.Insert from %d goroutines, %d results per call, in receive-time order; then Close, %s quiet, re-Open + Migrate + Start\n", o.loadWorkers, o.batch, o.settle)
	fmt.Fprintf(w, "- HTTP: client and server in this process, loopback, keep-alive; each cell %s measured after %s warm-up; default window 24h; errors count both phases\n",
		o.duration, o.warmup)
	fmt.Fprintf(w, "- calls: %s\n", r.legend())
	fmt.Fprintf(w, "\n## Load and restart\n\n")
	fmt.Fprintf(w, "| db | results | load time | load rate (results/s) | rollup rows | DB size | VACUUM ANALYZE | re-open + migrate | index load (Start) | index buckets | loadavg serve start/end |\n")
	fmt.Fprintf(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, l := range r.loads {
		if l.note != "" {
			fmt.Fprintf(w, "| %s | %d | %s | %.0f | | | | | | | %s |\n", l.db, l.results, l.loadTime.Round(time.Second),
				float64(l.loaded)/l.loadTime.Seconds(), l.note)
			continue
		}
		vac := "—"
		if l.db == "postgres" && o.vacuum {
			vac = l.vacuum.Round(time.Millisecond).String()
		}
		fmt.Fprintf(w, "| %s | %d | %s | %.0f | %d | %s | %s | %s | %s | %d | %s / %s |\n", l.db, l.results,
			l.loadTime.Round(time.Millisecond), float64(l.loaded)/l.loadTime.Seconds(), l.rollups, mib(l.dbSize),
			vac, l.reopen.Round(time.Millisecond), l.start.Round(time.Millisecond), l.buckets, l.loadAvgStart, l.loadAvgEnd)
	}
	fmt.Fprintf(w, "\n## Explorer calls and ingest\n\n")
	fmt.Fprintf(w, "| db | results | call | clients | p50 ms | p99 ms | req/s | errors |\n")
	fmt.Fprintf(w, "|---|---:|---|---:|---:|---:|---:|---:|\n")
	for _, c := range r.calls {
		fmt.Fprintf(w, "| %s | %d | %s | %d | %.2f | %.2f | %.0f | %d |\n", c.db, c.results, c.call, c.clients,
			ms(c.res.p50), ms(c.res.p99), c.res.rps, c.res.totalErrs())
	}
	fmt.Fprintf(w, "\n## First request of each call after the restart (cold: that call not served before)\n\n")
	fmt.Fprintf(w, "| db | results | call | first request ms |\n|---|---:|---|---:|\n")
	seen := map[string]bool{}
	for _, c := range r.calls {
		k := fmt.Sprint(c.db, c.results, c.call)
		if seen[k] || strings.HasPrefix(c.call, "POST") {
			continue
		}
		seen[k] = true
		fmt.Fprintf(w, "| %s | %d | %s | %.2f |\n", c.db, c.results, c.call, ms(c.res.first))
	}
	fmt.Fprintf(w, "\n## Ingest check\n\n")
	fmt.Fprintf(w, "| db | results | clients | accepted (200 ok, incl. warm-up) | stored (COUNT(*) after − before) | results/s | transactions (PostgreSQL pg_stat_database.xact_commit delta) | results per transaction | check |\n")
	fmt.Fprintf(w, "|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, i := range r.ingests {
		check := "stored == accepted"
		if i.stored != i.accepted {
			check = "**MISMATCH**"
		}
		xacts, per := "—", "—"
		if i.xacts > 0 {
			xacts, per = strconv.FormatInt(i.xacts, 10), fmt.Sprintf("%.1f", float64(i.stored)/float64(i.xacts))
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %.0f | %s | %s | %s |\n", i.db, i.results, i.clients, i.accepted, i.stored, i.rate, xacts, per, check)
	}
	var flags []string
	for _, c := range r.calls {
		if strings.HasPrefix(c.call, "POST") {
			continue // flagged below with the ingest budget
		}
		if c.clients == 1 && c.res.p50 > 10*time.Millisecond {
			flags = append(flags, fmt.Sprintf("%s %d: %s p50 %.2f ms at 1 client (> 10 ms)", c.db, c.results, c.call, ms(c.res.p50)))
		}
		if c.clients == 8 && c.res.rps < 500 {
			flags = append(flags, fmt.Sprintf("%s %d: %s %.0f req/s at 8 clients (< 500)", c.db, c.results, c.call, c.res.rps))
		}
		if c.res.totalErrs() > 0 {
			flags = append(flags, fmt.Sprintf("%s %d: %s %d clients: %d errors, first: %v", c.db, c.results, c.call, c.clients, c.res.totalErrs(), c.res.firstErr))
		}
	}
	for _, i := range r.ingests {
		if i.db == "postgres" && i.rate < 5000 {
			flags = append(flags, fmt.Sprintf("%s %d: ingest %.0f results/s (< 5000)", i.db, i.results, i.rate))
		}
		if i.res.totalErrs() > 0 {
			flags = append(flags, fmt.Sprintf("%s %d: ingest %d errors, first: %v", i.db, i.results, i.res.totalErrs(), i.res.firstErr))
		}
	}
	for _, l := range r.loads {
		if l.note != "" {
			flags = append(flags, fmt.Sprintf("%s %d: %s", l.db, l.results, l.note))
		}
	}
	if len(flags) > 0 {
		fmt.Fprintf(w, "\n## Over budget (p50 > 10 ms at 1 client, < 500 req/s at 8, PostgreSQL ingest < 5000/s) or erroring\n\n")
		for _, f := range flags {
			fmt.Fprintf(w, "- %s\n", f)
		}
	}
	if len(r.failures) > 0 {
		fmt.Fprintf(w, "\n## FAILURES\n\n")
		for _, f := range r.failures {
			fmt.Fprintf(w, "- %s\n", f)
		}
	}
}

func (r *report) legend() string {
	var parts []string
	for _, c := range explorerCalls(r.network, time.Now) {
		parts = append(parts, fmt.Sprintf("%s = `GET %s`", c.name, c.path))
	}
	return strings.Join(parts, "; ")
}

func mib(n int64) string {
	if n < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}
