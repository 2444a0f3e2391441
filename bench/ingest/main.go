// Command ingest measures post_stats throughput end to end: jobtester's
// handlers and store on PostgreSQL (results, idempotency keys and hourly
// rollups written by the group-commit writer), and a load generator in a
// separate process (this same binary with -client) posting signed bodies
// from several clients over loopback HTTP. It then checks that nothing
// was lost: the rows stored and the rollups' counts equal the posts
// acknowledged with 200. It prints a Markdown table.
//
//	go run ./bench/ingest                                  # 8 clients, 20 s
//	go run ./bench/ingest -clients 8 -duration 30s -cpuprofile cpu.out
//	go run ./bench/ingest -anchor BIN -rounds 5 -duration 6s -procs 1  # against leaderboard-serverless
//	go run ./bench/ingest -anchor BIN -rounds 5 -duration 6s -busy 2   # the same on a busy machine
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" for the schema and the counts

	"jobtester/bench/benchenv"
	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/models"
)

const secret = "bench-ingest-secret-0123456789"

func main() {
	client := flag.Bool("client", false, "run as the load generator (the parent starts it)")
	target := flag.String("url", "", "client: the post_stats URL")
	pg := flag.String("pg", "postgres://127.0.0.1:5432/test?sslmode=disable", "PostgreSQL to measure on (a fresh schema is made and dropped)")
	clients := flag.Int("clients", 8, "concurrent posting clients")
	duration := flag.Duration("duration", 20*time.Second, "how long the clients post")
	orchs := flag.Int("orchs", 500, "distinct orchestrators posted about")
	keyed := flag.Bool("keyed", false, "send an Idempotency-Key with each post (default: legacy posts, deduped by body hash)")
	maxBatch := flag.Int("max-batch", 0, "the store's MaxBatch (0: its default)")
	writers := flag.Int("writers", 0, "the store's Writers (0: its default, 1)")
	linger := flag.Duration("linger", 0, "the store's Linger (0: its default; negative: never)")
	cpuprofile := flag.String("cpuprofile", "", "write the server side's CPU profile here")
	procs := flag.Int("procs", 0, "GOMAXPROCS of every Go process of the run (jobtester's server, the load generator, the anchor), as a CPU limit of that many cores on each would set it (0: Go's default)")
	anchor := flag.String("anchor", "", "also measure this leaderboard-serverless binary (built from its public repository, outside this one) in the same run, first, on :8080 and a database of its own")
	rounds := flag.Int("rounds", 1, "with -anchor: measure each service this many times, alternately, each for -duration, and compare the sums")
	serverProcs := flag.Int("server-procs", 0, "GOMAXPROCS of jobtester's server alone (after -procs; 0: as -procs leaves it), as jobtester serve with a CPU limit of that many cores beside the others' defaults")
	busy := flag.Int("busy", 0, "keep this many cores busy with other processes while measuring (a busy machine, as a CI runner is)")
	spinner := flag.Bool("spin", false, "run as one of -busy's processes (the parent starts it)")
	flag.Parse()
	var err error
	if *spinner {
		spin()
	}
	if *client {
		err = runClient(*target, secret, *clients, *duration, *orchs, *keyed)
	} else {
		if *procs > 0 {
			runtime.GOMAXPROCS(*procs)
			// The children read it from their environment.
			os.Setenv("GOMAXPROCS", strconv.Itoa(*procs)) //nolint:errcheck // a valid name and value
		}
		benchenv.Logf("GOMAXPROCS %d in every Go process of the run", runtime.GOMAXPROCS(0))
		if *serverProcs > 0 {
			// The server runs in this process; the children read their
			// own from the environment, which this leaves alone.
			runtime.GOMAXPROCS(*serverProcs)
			benchenv.Logf("GOMAXPROCS %d in jobtester's server", *serverProcs)
		}
		err = run(*pg, load{*clients, *duration, *orchs, *keyed}, storeOpts{*maxBatch, *writers, *linger}, *cpuprofile, *anchor, max(*rounds, 1), *busy)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/ingest:", err)
		os.Exit(1)
	}
}

// storeOpts are the store's tuning knobs the bench can set.
type storeOpts struct {
	maxBatch, writers int
	linger            time.Duration
}

func run(pg string, l load, so storeOpts, cpuprofile, anchorBin string, rounds, busy int) error {
	ctx := context.Background()
	var a *anchor
	if anchorBin != "" {
		var err error
		if a, err = startAnchor(ctx, anchorBin, pg); err != nil {
			return fmt.Errorf("leaderboard-serverless: %w", err)
		}
		defer a.stop()
	}
	srv, err := startServer(ctx, pg, so)
	if err != nil {
		return err
	}
	defer srv.close()
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if busy > 0 {
		stop, err := startBusy(busy)
		if err != nil {
			return err
		}
		defer stop()
		benchenv.Logf("%d other processes keep %d core(s) busy", busy, busy)
	}
	benchenv.Logf("%d clients post for %s to each service, %d round(s)", l.clients, l.duration, rounds)
	// Rounds alternate the services, so that a machine whose speed drifts
	// during the run (a shared host's does) weighs on both alike.
	var ours, theirs measured
	for r := 1; r <= rounds; r++ {
		var t measured
		if a != nil {
			if t, err = measure("http://"+anchorAddr+"/api/post_stats", load{l.clients, l.duration, l.orchs, false}, a.cpu); err != nil {
				return fmt.Errorf("leaderboard-serverless: %w", err)
			}
			theirs.add(t)
		}
		o, err := measure(srv.url, l, nil)
		if err != nil {
			return err
		}
		ours.add(o)
		if a != nil && rounds > 1 && t.rate() > 0 {
			benchenv.Logf("round %d: leaderboard-serverless %.0f/s, jobtester %.0f/s (%.2f×)", r, t.rate(), o.rate(), o.rate()/t.rate())
		}
	}
	if commits, n := srv.st.Commits(); commits > 0 {
		benchenv.Logf("%d commits, %.1f results each", commits, float64(n)/float64(commits))
	}
	if err := verifyAndPrint(ctx, srv.db, ours, l, so); err != nil {
		return err
	}
	if a != nil {
		return printAnchor(ctx, a, theirs, l.clients, ours.rate())
	}
	return nil
}

// server is jobtester's post_stats on a fresh schema of PostgreSQL.
type server struct {
	url   string
	st    *models.Store
	db    *sql.DB // the schema, for the counts
	close func()
}

func startServer(ctx context.Context, pg string, so storeOpts) (*server, error) {
	dsn, plain, drop, err := freshPlace(ctx, pg, "schema")
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := models.Open(ctx, dsn, models.Options{SyncInterval: -1, MaxBatch: so.maxBatch, Writers: so.writers, Linger: so.linger, Logger: log})
	if err != nil {
		drop()
		return nil, err
	}
	fail := func(err error) (*server, error) {
		st.Close()
		drop()
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		return fail(err)
	}
	if err := st.Start(ctx); err != nil {
		return fail(err)
	}
	ring := ingest.NewKeyring([]ingest.Key{{Name: "bench", Secret: secret}})
	srv := &http.Server{Handler: handlers.New(handlers.Deps{Store: st, Keys: ring, Window: 24 * time.Hour,
		MaxBodyBytes: 1 << 20, Logger: log}), ReadHeaderTimeout: time.Minute}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	go srv.Serve(ln) //nolint:errcheck // closed below
	return &server{url: "http://" + ln.Addr().String() + "/api/post_stats", st: st, db: plain, close: func() {
		srv.Close()
		st.Close()
		drop()
	}}, nil
}

// spawnClient runs this binary as the load generator and reads its report.
func spawnClient(target string, l load) (clientReport, error) {
	self, err := os.Executable()
	if err != nil {
		return clientReport{}, err
	}
	cmd := exec.Command(self, "-client", "-url", target, "-clients", strconv.Itoa(l.clients),
		"-duration", l.duration.String(), "-orchs", strconv.Itoa(l.orchs), "-keyed="+strconv.FormatBool(l.keyed))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return clientReport{}, fmt.Errorf("load generator: %w", err)
	}
	var rep clientReport
	if err := json.Unmarshal(out, &rep); err != nil {
		return rep, fmt.Errorf("load generator's report %q: %w", out, err)
	}
	return rep, nil
}

func verifyAndPrint(ctx context.Context, db *sql.DB, m measured, l load, so storeOpts) error {
	rep, clients, keyed := m.rep, l.clients, l.keyed
	var rows, rolled int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM results`).Scan(&rows); err != nil {
		return fmt.Errorf("count results: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(results), 0) FROM rollups`).Scan(&rolled); err != nil {
		return fmt.Errorf("sum rollups: %w", err)
	}
	mode := "legacy (body hash)"
	if keyed {
		mode = "Idempotency-Key"
	}
	sv, cl, pg := m.cpu.perResult(rep.Acked)
	fmt.Printf("| clients | writers | dedupe by | seconds | acknowledged | refused | no answer | results/s | rows stored | rollup count | CPU µs per result: server / load generator / PostgreSQL | load avg before → after |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Printf("| %d | %d | %s | %.1f | %d | %d | %d | **%.0f** | %d | %d | %.0f / %.0f / %.0f | %s → %s |\n", clients, max(so.writers, 1), mode, rep.Duration.Seconds(),
		rep.Acked, rep.Refused, rep.Failed, m.rate(), rows, rolled, sv, cl, pg, m.load0, m.load1)
	if rows != rep.Acked || rolled != rep.Acked {
		return fmt.Errorf("LOST OR DUPLICATED: %d acknowledged, %d rows stored, rollups count %d", rep.Acked, rows, rolled)
	}
	if rep.Refused+rep.Failed > 0 {
		return errors.New("some posts were not acknowledged (see the table)")
	}
	return nil
}
