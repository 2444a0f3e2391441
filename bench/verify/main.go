// Command verify evaluates the verification of batch answers against
// simnet's cheaters: for each seed it runs the cheaters scenario (every
// cheat and 24 honest orchestrators) in process, runs sweeps through the
// real tester with verification on, and holds every test against what the
// orchestrator really did (simnet's request log and truth). It prints
// Markdown tables: per cheat kind the share of its cheated tests flagged,
// the honest nodes' false flags, what the tester measured of the
// tester_aware cheat against its real traffic, and the cost.
//
//	go run ./bench/verify [--seeds 10] [--sweeps 3] [--time-scale 0.05] [--cost] [--scenario cheaters]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

func main() {
	seeds := flag.Int("seeds", 10, "simnet seeds 1..N")
	sweeps := flag.Int("sweeps", 3, "sweeps per seed")
	scale := flag.Float64("time-scale", 0.05, "simnet time scale (job latencies × this)")
	cost := flag.Bool("cost", true, "also run seed 1 with verification off, for the cost")
	scenario := flag.String("scenario", "cheaters", "simnet's built-in scenario (default: no cheat, so every flag is false)")
	flag.Parse()
	o := Options{Scenario: *scenario, Sweeps: *sweeps, TimeScale: *scale, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for s := range *seeds {
		o.Seeds = append(o.Seeds, int64(s+1))
	}
	ctx := context.Background()
	t, err := Evaluate(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify bench:", err)
		os.Exit(1)
	}
	var base *Tally
	if *cost {
		off := o
		off.Seeds, off.NoVerify = o.Seeds[:1], true
		if base, err = Evaluate(ctx, off); err != nil {
			fmt.Fprintln(os.Stderr, "verify bench (verification off):", err)
			os.Exit(1)
		}
	}
	fmt.Printf("# Verification against simnet's %s scenario\n\n- machine: %d cores, %s\n- seeds 1..%d, %d sweeps each, time scale %g; tester, simnet and SQLite in one process\n\n",
		*scenario, runtime.NumCPU(), runtime.Version(), *seeds, *sweeps, *scale)
	Report(os.Stdout, t, base)
	if len(t.Notes) > 0 {
		fmt.Fprintln(os.Stderr, "misses:")
		for _, n := range t.Notes {
			fmt.Fprintln(os.Stderr, " ", n)
		}
	}
}

// Report writes the tables of t; base, when not nil, is seed 1 with
// verification off.
func Report(w io.Writer, t *Tally, base *Tally) {
	fmt.Fprintln(w, "| cheat kind | pipelines | cheated tests | flagged | share flagged | other failures | passed | reasons |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---|")
	kinds := make([]string, 0, len(t.Kinds))
	for k := range t.Kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		c := t.Kinds[k]
		var ps []string
		for p := range c.Pipelines {
			ps = append(ps, p)
		}
		sort.Strings(ps)
		fmt.Fprintf(w, "| `%s` | %s | %d | %d | %.1f %% | %d | %d | %s |\n", k, strings.Join(ps, ", "), c.Tests, c.Flagged,
			100*c.Share(), c.OtherFail, c.Passed, reasons(c.Reasons))
	}
	for _, row := range []struct {
		name string
		c    Counts
	}{{"honest orchestrators", t.Honest}, {"cheaters' honest answers", t.CheaterHonest}} {
		fmt.Fprintf(w, "| %s | | %d | **%d** false | %.2f %% | %d | %d | %s |\n", row.name, row.c.Tests, row.c.Flagged,
			100*row.c.Share(), row.c.OtherFail, row.c.Passed, reasons(row.c.Reasons))
	}
	a := t.Aware
	got, real := a.Success()
	fmt.Fprintf(w, "\n| `tester_aware` | tests | taken for the tester | flagged | success measured | success of real traffic (truth) | median latency ÷ real traffic's median (truth) |\n|---|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(w, "| text to image, llm | %d | %d | %d | %.3f | %.3f | %.2f |\n", a.Tests, a.AsTester, a.Flagged, got, real, a.MedianRatio())
	c := t.Cost
	fmt.Fprintf(w, "\n| sweeps | tests planned | of which consensus probes | of which LLM questions | tests added by verification | attempts | wall per sweep | CPU per sweep |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(w, "| %d | %d | %d | %d | %d (%.1f %%) | %d | %s | %s |\n", c.Sweeps, c.Planned, c.Probes, c.LLM, c.Extra,
		100*float64(c.Extra)/float64(max(c.Planned-c.Extra, 1)), c.Attempts, per(c.Wall, c.Sweeps), per(c.CPU, c.Sweeps))
	if base != nil {
		b := base.Cost
		fmt.Fprintf(w, "| %d (verification off, seed %s) | %d | – | – | – | %d | %s | %s |\n", b.Sweeps, "1", b.Planned, b.Attempts,
			per(b.Wall, b.Sweeps), per(b.CPU, b.Sweeps))
	}
}

func per(d time.Duration, n int) string {
	if n == 0 {
		return "–"
	}
	return (d / time.Duration(n)).Round(10 * time.Millisecond).String()
}

func reasons(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s %d", strings.TrimPrefix(k, "suspected_"), m[k]))
	}
	return strings.Join(out, ", ")
}
