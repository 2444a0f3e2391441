package leaderboard_test

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/leaderboard"
	"jobtester/models"
)

// cpuPerOp reports the process's CPU time (user and system, every thread)
// per call beside the wall time: on a machine shared with other work the
// wall time mostly measures the queue for a core, the CPU time less so.
func cpuPerOp(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkAggregatedV2 reads /api/aggregated_stats?score=v2's answer for
// one pipeline and model (100 orchestrators, 2 regions, 2 models, 20,000
// results over v2's week, SQLite) without a cache, with one that holds
// the answer, and with one write into the current hour between calls
// (what a tester writing as the Explorer reads costs: the written series
// summarised again, its model pooled and scored again).
func BenchmarkAggregatedV2(b *testing.B) {
	st := dbtest.Open(b, "sqlite", models.Options{})
	w := &v2Writer{r: rand.New(rand.NewPCG(1, 2)), now: time.Now().UTC(), orchs: 100}
	for range 40 {
		if err := st.Insert(b.Context(), w.results(500, time.Minute, leaderboard.V2Memory)...); err != nil {
			b.Fatal(err)
		}
	}
	f := models.Filter{Pipeline: t2i, Model: sdxl}
	read := func(b *testing.B, cache *leaderboard.V2Cache) {
		at := time.Now()
		if _, err := leaderboard.AggregatedV2(b.Context(), st, f, models.Window{Since: at.Add(-24 * time.Hour), Until: at}, cache); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("uncached", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			read(b, nil)
		}
	})
	b.Run("cached", func(b *testing.B) {
		c := leaderboard.NewV2Cache()
		defer cpuPerOp(b)()
		for b.Loop() {
			read(b, c)
		}
	})
	b.Run("cached, a write between calls", func(b *testing.B) {
		c := leaderboard.NewV2Cache()
		for b.Loop() {
			b.StopTimer()
			w.now = time.Now().UTC()
			if err := st.Insert(b.Context(), w.results(1, 0, time.Second)...); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			read(b, c)
		}
	})
}
