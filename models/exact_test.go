package models_test

import (
	"math"
	"math/rand"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/rollup"
)

// TestTotalsAndHistoryAreExactOnAnyWindow checks Totals and every step of
// History over random unaligned windows against sums over the results
// read back, on a store whose in-memory horizon ends inside the data, and
// again after the closed edge hours are held in memory (the second pass).
func TestTotalsAndHistoryAreExactOnAnyWindow(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{RollupHorizon: 20 * time.Hour})
		now := time.Now().UTC()
		r := rand.New(rand.NewSource(3))
		var batch []models.NewResult
		for i := 0; i < 1500; i++ {
			at := now.Add(-time.Duration(r.Int63n(int64(36 * time.Hour))))
			res := aiResult(r.Intn(4), []string{"FRA", "LAX"}[r.Intn(2)], float64(r.Intn(2)), r.Float64()*10, at)
			if r.Intn(10) == 0 {
				res.Outcome = models.OutcomeUnavailable
			}
			batch = append(batch, res)
		}
		if err := st.Insert(ctx, batch...); err != nil {
			t.Fatal(err)
		}
		rows := allResults(t, st)
		windows := make([]models.Window, 30)
		for i := range windows {
			since := now.Add(-time.Duration(r.Int63n(int64(36 * time.Hour))))
			windows[i] = models.Window{Since: since, Until: since.Add(time.Duration(r.Int63n(int64(14 * time.Hour))))}
		}
		for pass := 0; pass < 2; pass++ {
			for _, w := range windows {
				checkTotals(t, st, rows, w)
				checkHistory(t, st, rows, w)
			}
		}
	})
}

func allResults(t *testing.T, st *models.Store) []models.RawResult {
	var out []models.RawResult
	q := models.ResultQuery{Limit: 500}
	for {
		page, err := st.Results(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Results...)
		if page.Next == nil {
			return out
		}
		q.Before = page.Next
	}
}

type exactKey struct{ orch, region string }

// sumRaw adds the scored results received in [from, to] per series.
func sumRaw(rows []models.RawResult, from, to time.Time) map[exactKey]rollup.Totals {
	out := map[exactKey]rollup.Totals{}
	from, to = from.Truncate(time.Microsecond), to.Truncate(time.Microsecond)
	for _, x := range rows {
		at := x.ReceivedAt.Truncate(time.Microsecond)
		if !x.Outcome.Scored() || at.Before(from) || at.After(to) {
			continue
		}
		k := exactKey{x.Orchestrator, x.Region}
		tt := out[k]
		tt.Results++
		tt.SumSuccessRate += x.SuccessRate
		tt.SumRoundTripTime += x.RoundTripTime
		if x.Outcome == models.OutcomePass {
			tt.Passed++
			tt.SumPassedRoundTripTime += x.RoundTripTime
		}
		out[k] = tt
	}
	return out
}

func sameTotals(a, b rollup.Totals) bool {
	return a.Results == b.Results && a.Passed == b.Passed && math.Abs(a.SumSuccessRate-b.SumSuccessRate) < 1e-9 &&
		math.Abs(a.SumRoundTripTime-b.SumRoundTripTime) < 1e-9 && math.Abs(a.SumPassedRoundTripTime-b.SumPassedRoundTripTime) < 1e-9
}

func checkTotals(t *testing.T, st *models.Store, rows []models.RawResult, w models.Window) {
	t.Helper()
	got, err := st.Totals(ctx, models.Filter{JobType: ingest.JobTypeAI}, w)
	if err != nil {
		t.Fatal(err)
	}
	want := sumRaw(rows, w.Since, w.Until)
	if len(got) != len(want) {
		t.Fatalf("window %v–%v: %d series, want %d", w.Since, w.Until, len(got), len(want))
	}
	for _, g := range got {
		if wt := want[exactKey{g.Orchestrator, g.Region}]; !sameTotals(g.Totals, wt) {
			t.Fatalf("window %v–%v, %s/%s: %+v, want %+v", w.Since, w.Until, g.Orchestrator, g.Region, g.Totals, wt)
		}
	}
}

// checkHistory checks each step: the part of its hours inside the window.
func checkHistory(t *testing.T, st *models.Store, rows []models.RawResult, w models.Window) {
	t.Helper()
	for _, step := range []time.Duration{time.Hour, 6 * time.Hour} {
		hs, err := st.History(ctx, models.Filter{}, w, step)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range hs {
			for _, p := range h.Points {
				from, to := p.Start, p.Start.Add(step-time.Microsecond)
				if from.Before(w.Since) {
					from = w.Since
				}
				if to.After(w.Until) {
					to = w.Until
				}
				want := sumRaw(rows, from, to)[exactKey{h.Orchestrator, h.Region}]
				if !sameTotals(p.Totals, want) {
					t.Fatalf("history %v–%v step %s at %v, %s/%s: %+v, want %+v", w.Since, w.Until, step, p.Start,
						h.Orchestrator, h.Region, p.Totals, want)
				}
				n += int(p.Results)
			}
		}
		total := 0
		for _, v := range sumRaw(rows, w.Since, w.Until) {
			total += int(v.Results)
		}
		if n != total {
			t.Fatalf("history %v–%v step %s holds %d results, the window %d", w.Since, w.Until, step, n, total)
		}
	}
}
