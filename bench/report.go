package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

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
	distinct         int64 // distinct bodies among the accepted: a replay of one is stored once
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

// print writes the report as Markdown: the setup, then one table per
// step, then what is over budget or failed.
func (r *report) print(w io.Writer) {
	r.printSetup(w)
	r.printLoads(w)
	r.printCalls(w)
	r.printIngests(w)
	r.printFlags(w)
}

// printSetup says what was measured, on what.
func (r *report) printSetup(w io.Writer) {
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
}

func (r *report) printLoads(w io.Writer) {
	o := r.opts
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
}

func (r *report) printCalls(w io.Writer) {
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
}

func (r *report) printIngests(w io.Writer) {
	fmt.Fprintf(w, "\n## Ingest check\n\n")
	fmt.Fprintf(w, "| db | results | clients | accepted (200 ok, incl. warm-up) | distinct bodies accepted | stored (COUNT(*) after − before) | results/s | transactions (PostgreSQL pg_stat_database.xact_commit delta) | results per transaction | check |\n")
	fmt.Fprintf(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, i := range r.ingests {
		check := "stored == distinct accepted"
		if i.stored != i.distinct {
			check = "**MISMATCH**"
		}
		xacts, per := "—", "—"
		if i.xacts > 0 {
			xacts, per = strconv.FormatInt(i.xacts, 10), fmt.Sprintf("%.1f", float64(i.stored)/float64(i.xacts))
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d | %.0f | %s | %s | %s |\n", i.db, i.results, i.clients, i.accepted, i.distinct, i.stored, i.rate, xacts, per, check)
	}
}

// overBudget lists the cells over the budgets and those with errors.
func (r *report) overBudget() []string {
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
	return flags
}

func (r *report) printFlags(w io.Writer) {
	flags := r.overBudget()
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
