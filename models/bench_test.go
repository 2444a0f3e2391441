package models_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/models"
)

// BenchmarkInsertParallel measures the write path alone (result + rollups
// in one transaction, group commit) with 8 concurrent callers of one result
// each, as 8 testers posting at once.
func BenchmarkInsertParallel(b *testing.B) {
	for _, d := range dbtest.Dialects(b) {
		for _, keyed := range []bool{false, true} {
			name := d
			if keyed {
				name += "/idempotency-keyed"
			}
			b.Run(name, func(b *testing.B) { benchInsert(b, d, keyed) })
		}
	}
}

// benchInsert is 8 callers inserting one result each at a time, as
// post_stats does; keyed gives each an idempotency key, as every post
// has (its header or its body's hash).
func benchInsert(b *testing.B, dialect string, keyed bool) {
	st := dbtest.Open(b, dialect, models.Options{})
	var n atomic.Int64
	now := time.Now().UTC()
	b.SetParallelism(4) // 4 × GOMAXPROCS(2) = 8 callers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			r := aiResult(int(i%100), "FRA", 1, float64(i%7), now)
			r.Stats.Model = fmt.Sprint("m", i%3)
			if keyed {
				r.Idempotency = models.Idempotency{Key: fmt.Sprint("k", i), BodySHA256: "h"}
			}
			if err := st.Insert(ctx, r); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "results/s")
}
