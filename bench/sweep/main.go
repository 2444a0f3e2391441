// Command sweep measures how long a sweep of a simulated network takes on
// 1, 2 and 4 lanes against its lower bound, max(total test time ÷ lanes,
// the longest orchestrator's chain of tests and gaps), and the memory the
// process holds while it runs. It prints a Markdown table.
//
//	go run ./bench/sweep [--orchestrators 100] [--lanes 1,2,4] [--time-scale 0.005] [--min-gap 20ms]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"jobtester/jobs"
	"jobtester/models"
	"jobtester/simnet"
)

func main() {
	orchs := flag.Int("orchestrators", 100, "orchestrators in the simulated network (each runs all nine pipelines)")
	laneList := flag.String("lanes", "1,2,4", "lane counts to measure")
	scale := flag.Float64("time-scale", 0.005, "simnet time scale (job latencies × this)")
	gap := flag.Duration("min-gap", 20*time.Millisecond, "fairness: least time between two tests of one orchestrator")
	flag.Parse()
	if err := run(*orchs, *laneList, *scale, *gap); err != nil {
		fmt.Fprintln(os.Stderr, "sweep bench:", err)
		os.Exit(1)
	}
}

type row struct {
	lanes               int
	tests               int
	wall, ideal, work   time.Duration
	longestChain        time.Duration
	passed              int
	peakHeapMiB, rssMiB float64
}

func run(orchs int, laneList string, scale float64, gap time.Duration) error {
	var counts []int
	maxLanes := 0
	for _, s := range strings.Split(laneList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--lanes: %q is not a lane count", s)
		}
		counts = append(counts, n)
		maxLanes = max(maxLanes, n)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var rows []row
	for _, n := range counts {
		r, err := measure(orchs, n, maxLanes, scale, gap, quiet)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		fmt.Fprintf(os.Stderr, "%d lanes: %s (ideal %s)\n", n, r.wall.Round(time.Millisecond), r.ideal.Round(time.Millisecond))
	}
	fmt.Printf("# Sweep benchmark\n\n- machine: %d cores (GOMAXPROCS %d), %s\n- network: simnet, %d orchestrators × 9 pipelines, time scale %g, min_gap %s; tester, simnet and SQLite in one process\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), orchs, scale, gap)
	fmt.Println("| lanes | tests | passed | wall | ideal = max(work ÷ lanes, longest chain) | work (Σ test time) | longest chain | wall ÷ ideal | peak heap MiB | peak RSS MiB |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Printf("| %d | %d | %d | %s | %s | %s | %s | %.2f | %.0f | %.0f |\n", r.lanes, r.tests, r.passed,
			r.wall.Round(time.Millisecond), r.ideal.Round(time.Millisecond), r.work.Round(time.Millisecond),
			r.longestChain.Round(time.Millisecond), float64(r.wall)/float64(r.ideal), r.peakHeapMiB, r.rssMiB)
	}
	return nil
}

func measure(orchs, lanes, gateways int, scale float64, gap time.Duration, log *slog.Logger) (row, error) {
	ctx := context.Background()
	sc := simnet.UniformScenario(orchs, gateways)
	for i := range sc.Gateways {
		sc.Gateways[i].DiscoveryTimeout = simnet.Duration(10 * time.Second)
	}
	nw, err := simnet.Start(ctx, sc, simnet.Options{Seed: 1, TimeScale: scale, Logger: log})
	if err != nil {
		return row{}, err
	}
	defer nw.Close()
	dir, err := os.MkdirTemp("", "sweepbench")
	if err != nil {
		return row{}, err
	}
	defer os.RemoveAll(dir)
	st, err := models.Open(ctx, "sqlite://"+filepath.Join(dir, "b.db"), models.Options{Logger: log})
	if err != nil {
		return row{}, err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return row{}, err
	}
	if err := st.Start(ctx); err != nil {
		return row{}, err
	}
	var gws []jobs.GatewayConfig
	for _, g := range nw.Gateways()[:lanes] {
		gws = append(gws, jobs.GatewayConfig{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL})
	}
	ls := jobs.NewLanes(gws)
	stopHooks, err := jobs.ServeWebhooks(ls, nw)
	if err != nil {
		return row{}, err
	}
	defer stopHooks()
	t := &jobs.Tester{
		Store: st, Lanes: ls,
		Discovery: &jobs.Discovery{Gateway: ls[0].Client, Capabilities: ls[0].Client, Webhook: ls[0].Webhook},
		Runner:    &jobs.AIRunner{JobTimeout: time.Minute},
		Fairness:  jobs.Fairness{MinGap: gap, Retries: 2, RetryAfter: gap},
		Region:    "GLOBAL", IngestKey: "bench", Log: log,
	}
	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	var mu sync.Mutex
	perOrch := map[string]time.Duration{}
	perOrchN := map[string]int{}
	var work time.Duration
	var start time.Time
	_, rep, err := t.RunSweep(ctx, "bench", func([]jobs.Target) { start = time.Now() }, func(r jobs.Result) {
		d := r.FinishedAt.Sub(r.StartedAt)
		mu.Lock()
		work += d
		perOrch[r.Orchestrator] += d
		perOrchN[r.Orchestrator]++
		mu.Unlock()
	})
	wall := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil {
		return row{}, err
	}
	var chain time.Duration
	for o, d := range perOrch {
		chain = max(chain, d+time.Duration(perOrchN[o]-1)*gap)
	}
	ideal := max(work/time.Duration(lanes), chain)
	return row{lanes: lanes, tests: rep.Expected, passed: rep.Passed, wall: wall, ideal: ideal, work: work,
		longestChain: chain, peakHeapMiB: float64(peak) / (1 << 20), rssMiB: rssMiB()}, nil
}

// rssMiB is the process's peak resident set (VmHWM) so far.
func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
