// Command fleet is the fault harness of a jobtester fleet: three tester
// instances (separate processes of the built binary) in two regions on one
// PostgreSQL, reached through a TCP fault proxy, forwarding to a central
// leaderboard instance, with simnet as the network. During the sweeps it
// kills the FRA lease holder with SIGKILL, makes PostgreSQL unreachable,
// then frozen, and stops the central; then it prints what was lost,
// duplicated, run twice or run at once on one orchestrator, the takeover
// time and the forward drain time.
//
//	go run ./bench/fleet [-orchestrators 12] [-pg-down 10s] [-pg-freeze 40s] [-central-down 60s] [-lease-ttl 10s]
//
// A short run: -pg-down 3s -pg-freeze 12s -central-down 15s -lease-ttl 5s -run-on 20s.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

type options struct {
	postgres      string
	orchestrators int
	timeScale     float64
	leaseTTL      time.Duration
	minGap        time.Duration
	sweepEvery    time.Duration
	warmup        int
	pgDown        time.Duration
	pgFreeze      time.Duration
	centralDown   time.Duration
	settle        time.Duration
	runOn         time.Duration
	keep          bool
}

func main() {
	var o options
	flag.StringVar(&o.postgres, "postgres", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server: the harness makes two schemas of its own in it and drops them")
	flag.IntVar(&o.orchestrators, "orchestrators", 12, "orchestrators of simnet's default scenario (the first are the healthy ones)")
	flag.Float64Var(&o.timeScale, "time-scale", 0.2, "simnet time scale (job latencies × this)")
	flag.DurationVar(&o.leaseTTL, "lease-ttl", 10*time.Second, "the testers' lease_ttl")
	flag.DurationVar(&o.minGap, "min-gap", time.Second, "the testers' min_gap")
	flag.DurationVar(&o.sweepEvery, "sweep-every", 5*time.Second, "the testers' schedule (@every this): sweeps follow each other")
	flag.IntVar(&o.warmup, "warmup", 5, "results of FRA stored before the holder is killed")
	flag.DurationVar(&o.pgDown, "pg-down", 10*time.Second, "how long PostgreSQL refuses and cuts connections")
	flag.DurationVar(&o.pgFreeze, "pg-freeze", 40*time.Second, "how long PostgreSQL holds every byte")
	flag.DurationVar(&o.centralDown, "central-down", 60*time.Second, "how long the central leaderboard is stopped")
	flag.DurationVar(&o.settle, "settle", 5*time.Second, "pause between two faults")
	flag.DurationVar(&o.runOn, "run-on", 30*time.Second, "how long the fleet runs after the last fault, before it is stopped")
	flag.BoolVar(&o.keep, "keep", false, "keep the schemas and the logs' directory")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "fleet bench:", err)
		os.Exit(1)
	}
}
