package models_test

import (
	"math"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
)

// TestWindowsEndingNowCountTheOpenHour checks windows that end in the hour
// still open: one ending now (the open hour read whole from the index) and
// one ending 20 s ago (the hour's rows read up to its end), on both
// databases, against sums over the rows written. A result received after a
// window's end must not count in it.
func TestWindowsEndingNowCountTheOpenHour(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC()
		ago := []time.Duration{90 * time.Minute, 61 * time.Minute, 40 * time.Minute, 9 * time.Minute, 3 * time.Minute, 50 * time.Second, 5 * time.Second}
		var batch []models.NewResult
		for i, d := range ago {
			batch = append(batch, aiResult(1, "FRA", float64(i%2), float64(i+1), now.Add(-d)))
		}
		if err := st.Insert(ctx, batch...); err != nil {
			t.Fatal(err)
		}
		for _, until := range []time.Time{now, now.Add(-20 * time.Second)} {
			w := models.Window{Since: now.Add(-2 * time.Hour), Until: until}
			var want, wantRTT float64
			for _, r := range batch {
				if !r.ReceivedAt.After(until) {
					want++
					wantRTT += r.Stats.RoundTripTime
				}
			}
			got, err := st.Totals(ctx, models.Filter{JobType: ingest.JobTypeAI}, w)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || float64(got[0].Results) != want || math.Abs(got[0].SumRoundTripTime-wantRTT) > 1e-9 {
				t.Fatalf("until %s ago: totals %+v, want %v results summing %v s", now.Sub(until), got, want, wantRTT)
			}
			hs, err := st.History(ctx, models.Filter{JobType: ingest.JobTypeAI}, w, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			for _, h := range hs {
				for _, p := range h.Points {
					n += p.Results
				}
			}
			if float64(n) != want {
				t.Fatalf("until %s ago: history has %d results, want %v", now.Sub(until), n, want)
			}
		}
	})
}
