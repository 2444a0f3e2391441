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
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"jobtester/bench/benchenv"
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
	benchenv.Logf("code: %s", rep.code)
	nw := newNetwork(o.seed, o.orchs)
	rep.network = nw
	benchenv.Logf("network: %s", nw.describe())
	for _, size := range o.results {
		for _, db := range o.dbs {
			if ctx.Err() != nil {
				break
			}
			benchenv.Logf("== %s, %d results", db, size)
			if err := runOne(ctx, o, nw, db, size, rep); err != nil {
				benchenv.Logf("FAIL %s %d: %v", db, size, err)
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
		for _, line := range strings.Split(strings.TrimRight(string(st), "\n"), "\n") {
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

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
