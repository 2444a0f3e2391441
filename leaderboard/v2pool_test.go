package leaderboard_test

import (
	"math"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/leaderboard"
	"jobtester/models"
)

// nodeSeries writes n tests of orch on model, passes of them passing, one
// every 20 minutes back from now. The failures are spread evenly, half a
// spacing away from the newest test, so no series' last hours look like
// a change against its older ones (a series changing on its own borrows
// nothing from its node).
func nodeSeries(orch, model string, n, passes int, now time.Time) []models.NewResult {
	out := make([]models.NewResult, 0, n)
	fails := n - passes
	half := 0
	if fails > 0 {
		half = n / (2 * fails)
	}
	for i := range n {
		pass := fails == 0 || (i+1+half)*fails/n == (i+half)*fails/n
		out = append(out, t2iResult(orch, model, now.Add(-time.Duration(i+1)*20*time.Minute), pass))
	}
	return out
}

// t2iResult is one text-to-image test of orch on model in FRA at at.
func t2iResult(orch, model string, at time.Time, pass bool) models.NewResult {
	s := ingest.Stats{Region: "FRA", Orchestrator: orch, Pipeline: t2i, Model: model, RoundTripTime: 1.5,
		Timestamp: at.Unix(), Errors: []ingest.Error{}}
	if pass {
		s.SuccessRate = 1
	}
	return models.NewResult{Stats: s, ReceivedAt: at, IngestKey: "test"}
}

// TestV2PoolsANodesSeries: two nodes with the same three tests of a
// model, one of them reliable on its other model and the other poor
// there, in a network whose nodes do about as well on both models. v2
// estimates the first's success rate on the model higher than the
// second's (each series' own tests alone would score them alike), says
// it drew on the node's other series, and every read (the API's, the
// orchestrator page's) gives the same numbers.
func TestV2PoolsANodesSeries(t *testing.T) {
	const turbo = "stabilityai/sd-turbo"
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			st := dbtest.Open(t, dialect, models.Options{})
			// Half a minute before a whole hour: the tests' hours fall the
			// same way on every run.
			now := time.Now().UTC().Truncate(time.Hour).Add(-30 * time.Second)
			var rs []models.NewResult
			for o := 1; o <= 24; o++ {
				passes := 59 // of 60: good nodes, good on both models
				if o > 12 {
					passes = 42 // poor nodes, poor on both
				}
				rs = append(rs, nodeSeries(addr(o), sdxl, 60, passes, now)...)
				rs = append(rs, nodeSeries(addr(o), turbo, 60, passes, now)...)
			}
			good, poor := addr(25), addr(26)
			rs = append(rs, nodeSeries(good, sdxl, 60, 59, now)...)
			rs = append(rs, nodeSeries(poor, sdxl, 60, 42, now)...)
			rs = append(rs, nodeSeries(good, turbo, 3, 2, now)...)
			rs = append(rs, nodeSeries(poor, turbo, 3, 2, now)...)
			// A node whose other series found no capacity at all: it has
			// nothing to lend.
			lone := addr(27)
			rs = append(rs, nodeSeries(lone, sdxl, 60, 59, now)...)
			for _, r := range nodeSeries(lone, turbo, 5, 0, now) {
				r.Outcome = models.OutcomeUnavailable
				rs = append(rs, r)
			}
			if err := st.Insert(t.Context(), rs...); err != nil {
				t.Fatal(err)
			}
			cache := leaderboard.NewV2Cache()
			explained := map[string]leaderboard.V2{}
			for _, o := range []string{good, poor} {
				ex, err := leaderboard.Explain(t.Context(), st, o, now, cache)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range ex {
					if e.Model == turbo {
						explained[o] = e.V2
					}
				}
			}
			g, p := explained[good], explained[poor]
			if g.Tests != p.Tests {
				t.Fatalf("the two nodes' own tests differ: %v and %v", g.Tests, p.Tests)
			}
			if !(g.SuccessRate > p.SuccessRate+0.05) {
				t.Errorf("success rate on %s: reliable node %.3f, poor node %.3f; want the reliable node's clearly higher", turbo, g.SuccessRate, p.SuccessRate)
			}
			for o, v := range explained {
				if v.NodeWeight <= 0 || v.NodeSeries != 1 {
					t.Errorf("%s: node weight %v over %d other series; want > 0 over 1", o, v.NodeWeight, v.NodeSeries)
				}
				if !(v.SuccessLow <= v.SuccessRate && v.SuccessRate <= v.SuccessHigh) {
					t.Errorf("%s: success rate %.3f outside its interval [%.3f, %.3f]", o, v.SuccessRate, v.SuccessLow, v.SuccessHigh)
				}
			}
			ex, err := leaderboard.Explain(t.Context(), st, lone, now, cache)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ex {
				switch {
				case e.Model == sdxl && (e.V2.NodeWeight != 0 || e.V2.NodeSeries != 0):
					t.Errorf("%s: node weight %v over %d series; its other series has no test, so want 0 over 0",
						e.Model, e.V2.NodeWeight, e.V2.NodeSeries)
				case e.Model == turbo && (e.V2.NodeWeight <= 0 || e.V2.NodeSeries != 1):
					t.Errorf("%s, no test of its own: node weight %v over %d series, want > 0 over 1",
						e.Model, e.V2.NodeWeight, e.V2.NodeSeries)
				}
			}
			if len(ex) != 2 {
				t.Errorf("the node with one series of unavailable attempts has %d explanations, want 2", len(ex))
			}
			// The API's read of the one model gives the same numbers.
			api, err := leaderboard.AggregatedV2(t.Context(), st, models.Filter{Pipeline: t2i, Model: turbo},
				models.Window{Since: now.Add(-24 * time.Hour), Until: now}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for o, v := range explained {
				a, ok := api[o]["FRA"]
				if !ok {
					t.Fatalf("%s: not in aggregated_stats?score=v2", o)
				}
				if math.Abs(a.SuccessRate-v.SuccessRate) > delta || math.Abs(a.Score-v.Score) > delta {
					t.Errorf("%s: aggregated_stats says success %v score %v, the orchestrator page %v and %v",
						o, a.SuccessRate, a.Score, v.SuccessRate, v.Score)
				}
			}
		})
	}
}
