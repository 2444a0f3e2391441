package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"jobtester/jobs"
	"jobtester/models"
	"jobtester/simnet"
)

// Options say what to evaluate: simnet's cheaters scenario at each seed,
// Sweeps sweeps at each, through the real tester with verification on.
type Options struct {
	// Scenario is simnet's built-in scenario by name (default "cheaters").
	Scenario  string
	Seeds     []int64
	Sweeps    int
	TimeScale float64
	// NoVerify runs the same sweeps with verification off, for the cost.
	NoVerify bool
	Log      *slog.Logger
}

// world is one seed's network and the tester wired to it.
type world struct {
	nw     *simnet.Network
	st     *models.Store
	tester *jobs.Tester
	close  func()
}

// start runs the simnet scenario and a tester on it, with a fresh
// SQLite database in a temporary directory.
func start(ctx context.Context, seed int64, o Options) (*world, error) {
	name := o.Scenario
	if name == "" {
		name = "cheaters"
	}
	mk, ok := simnet.BuiltinScenarios[name]
	if !ok {
		return nil, fmt.Errorf("no built-in scenario %q", name)
	}
	sc := mk()
	for i := range sc.Gateways {
		// A busy machine can take longer than the real gateway's 500 ms to
		// answer discovery; a node dropped for that is not what is measured.
		sc.Gateways[i].DiscoveryTimeout = simnet.Duration(10 * time.Second)
	}
	nw, err := simnet.Start(ctx, sc, simnet.Options{Seed: seed, TimeScale: o.TimeScale, Logger: o.Log})
	if err != nil {
		return nil, fmt.Errorf("start simnet: %w", err)
	}
	w := &world{nw: nw}
	cleanups := []func(){func() { nw.Close() }}
	w.close = func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	dir, err := os.MkdirTemp("", "verifybench")
	if err != nil {
		w.close()
		return nil, err
	}
	cleanups = append(cleanups, func() { os.RemoveAll(dir) })
	if w.st, err = models.Open(ctx, "sqlite://"+filepath.Join(dir, "v.db"), models.Options{Logger: o.Log}); err != nil {
		w.close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	cleanups = append(cleanups, func() { w.st.Close() })
	if _, err := w.st.Migrate(ctx); err != nil {
		w.close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := w.st.Start(ctx); err != nil {
		w.close()
		return nil, fmt.Errorf("start store: %w", err)
	}
	var gws []jobs.GatewayConfig
	for _, g := range nw.Gateways() {
		gws = append(gws, jobs.GatewayConfig{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL})
	}
	lanes := jobs.NewLanes(gws)
	stopHooks, err := jobs.ServeWebhooks(lanes, nw)
	if err != nil {
		w.close()
		return nil, err
	}
	cleanups = append(cleanups, stopHooks)
	runner := &jobs.AIRunner{JobTimeout: time.Minute}
	if !o.NoVerify {
		runner.Verifier = &jobs.Verifier{Store: w.st, Log: o.Log}
	}
	w.tester = &jobs.Tester{
		Store: w.st, Lanes: lanes, Runner: runner,
		Discovery: &jobs.Discovery{Gateway: lanes[0].Client, Capabilities: lanes[0].Client, Webhook: lanes[0].Webhook},
		Fairness:  jobs.Fairness{MinGap: 10 * time.Millisecond, Retries: 2, RetryAfter: 10 * time.Millisecond},
		Region:    "FRA", IngestKey: "bench", Log: o.Log,
	}
	return w, nil
}

// Evaluate runs the sweeps of every seed and tallies them against simnet's
// truth.
func Evaluate(ctx context.Context, o Options) (*Tally, error) {
	tally := newTally()
	for _, seed := range o.Seeds {
		w, err := start(ctx, seed, o)
		if err != nil {
			return nil, err
		}
		truth := w.nw.Truth()
		for range o.Sweeps {
			seen := len(w.nw.Requests())
			var planned []jobs.Target
			cpu0, t0 := cpuTime(), time.Now()
			_, rep, err := w.tester.RunSweep(ctx, "bench", func(ts []jobs.Target) { planned = ts }, nil)
			if err != nil {
				w.close()
				return nil, fmt.Errorf("seed %d: sweep: %w", seed, err)
			}
			tally.Cost.add(planned, rep, time.Since(t0), cpuTime()-cpu0)
			tally.addSweep(truth, rep, w.nw.Requests()[seen:])
		}
		w.close()
	}
	return tally, nil
}

// cpuTime is the CPU time this process used so far (user and system): the
// tester, simnet and the database alike, as they share the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
