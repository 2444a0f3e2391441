// Command score evaluates the leaderboard's score formulas against a
// simulated network whose truth is known (docs/scoring.md). It simulates a
// week of hourly tests of ≥ 100 orchestrators, stores every result through
// the production write path (models.Store.Insert, SQLite by default), reads
// the scores back hour by hour through the production read path, and
// compares each method's ranking with the true one. Each sampling regime
// (policy × test budget) runs on a database of its own.
//
//	go run ./bench/score                     # a week, 100 orchestrators, seed 1
//	go run ./bench/score -days 2 -orchestrators 30 -plots ""   # quick
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"jobtester/bench/benchenv"
	"jobtester/sampling"
	"jobtester/scoring"
)

type options struct {
	seed     uint64
	orchs    int
	days     int
	drops    int
	faults   float64 // share of series with a model-specific fault
	warmup   int     // hours
	lookback int     // hours of history v2 reads
	regimes  []regime
	db       string
	pg       string
	tmpDir   string
	plots    string
	v2       scoring.V2Params
	policy   sampling.Params
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	began := time.Now()
	res, err := evaluateAll(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(1)
	}
	res.print(os.Stdout)
	if o.plots != "" {
		if err := res.plot(o.plots); err != nil {
			fmt.Fprintln(os.Stderr, "score: plots:", err)
			os.Exit(1)
		}
		benchenv.Logf("plots written to %s", o.plots)
	}
	benchenv.Logf("done in %s (load average %s)", time.Since(began).Round(time.Second), benchenv.LoadAvg())
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	o := &options{v2: scoring.DefaultV2(), policy: sampling.DefaultParams()}
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of the network and of every test outcome")
	fs.IntVar(&o.orchs, "orchestrators", 100, "orchestrators in the network")
	fs.IntVar(&o.days, "days", 7, "simulated days (1..28)")
	fs.IntVar(&o.drops, "drops", 10, "nodes whose success falls from 0.95 to 0.5 for 8–24 hours")
	fs.Float64Var(&o.faults, "faults", 0, "share of series with a model-specific fault (p0 below their node's by 0.05–0.4 all week; 0: none, the world docs/scoring.md's tables are measured on)")
	fs.IntVar(&o.warmup, "warmup", 24, "hours before metrics start counting")
	fs.IntVar(&o.lookback, "lookback", 168, "hours of hourly history v2 reads")
	regimes := fs.String("regimes", "uniform:1,smart:1,smart:0.5,uniform:0.5,smart:0.25,uniform:0.25",
		"sampling regimes, policy:budget (uniform or smart; budget in attempts per series per hour); the first is the table's")
	fs.StringVar(&o.db, "db", "sqlite", "database: sqlite (a temporary file) or postgres")
	fs.StringVar(&o.pg, "pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL database for -db postgres (each regime gets a schema of its own)")
	fs.StringVar(&o.tmpDir, "tmp", "", "directory for the SQLite files (default: the system temp dir)")
	fs.StringVar(&o.plots, "plots", "docs/scoring", "directory the plots are written to (empty: none)")
	fs.Float64Var(&o.v2.HalfLife, "half-life", o.v2.HalfLife, "v2: half-life of success memory, hours")
	fs.Float64Var(&o.v2.LatencyHalfLife, "latency-half-life", o.v2.LatencyHalfLife, "v2: half-life of latency memory, hours")
	fs.Float64Var(&o.v2.ChangeG, "change-g", o.v2.ChangeG, "v2: change statistic that cuts the memory")
	fs.Float64Var(&o.v2.PriorTests, "prior", o.v2.PriorTests, "v2: pseudo-tests at the model's success rate")
	fs.Float64Var(&o.v2.SpellGain, "spell-gain", o.v2.SpellGain, "v2: how much better than a change a spell of failures that ended must explain the hours to be left out (0: never)")
	fs.Float64Var(&o.v2.SpellHours, "spell-hours", o.v2.SpellHours, "v2: the longest spell of failures left out, hours")
	fs.Float64Var(&o.v2.ChangeWiden, "change-widen", o.v2.ChangeWiden, "v2: change statistic from which the success interval takes in the recent hours' (0: never)")
	fs.Float64Var(&o.policy.FloorHours, "floor", o.policy.FloorHours, "smart sampling: most hours between two attempts of a series")
	fs.Float64Var(&o.policy.Alarm, "alarm", o.policy.Alarm, "smart sampling: change statistic that triggers follow-ups")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.days < 1 || o.days > 28 || o.orchs < 2 || o.warmup < 0 || o.warmup >= o.days*24 || o.lookback < 1 ||
		!(o.faults >= 0 && o.faults <= 1) {
		return nil, errors.New("need 1 ≤ -days ≤ 28, -orchestrators ≥ 2, 0 ≤ -warmup < the simulated hours, -lookback ≥ 1, 0 ≤ -faults ≤ 1")
	}
	if o.db != "sqlite" && o.db != "postgres" {
		return nil, fmt.Errorf("-db %q: want sqlite or postgres", o.db)
	}
	var err error
	if o.regimes, err = parseRegimes(*regimes); err != nil {
		return nil, fmt.Errorf("-regimes: %w", err)
	}
	return o, nil
}

func parseRegimes(s string) ([]regime, error) {
	var out []regime
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		name, b, ok := strings.Cut(f, ":")
		budget, err := strconv.ParseFloat(b, 64)
		if !ok || err != nil || budget <= 0 || budget > 4 || (name != "uniform" && name != "smart") {
			return nil, fmt.Errorf("%q: want uniform:B or smart:B with 0 < B ≤ 4", f)
		}
		out = append(out, regime{Name: f, Smart: name == "smart", Budget: budget})
	}
	if len(out) == 0 {
		return nil, errors.New("no regime")
	}
	return out, nil
}
