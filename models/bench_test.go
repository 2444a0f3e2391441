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
		b.Run(d, func(b *testing.B) {
			st := dbtest.Open(b, d, models.Options{})
			var n atomic.Int64
			now := time.Now().UTC()
			b.SetParallelism(4) // 4 × GOMAXPROCS(2) = 8 callers
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					r := aiResult(int(i%100), "FRA", 1, float64(i%7), now)
					r.Stats.Model = fmt.Sprint("m", i%3)
					if err := st.Insert(ctx, r); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "results/s")
		})
	}
}
