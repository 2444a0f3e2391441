package main

import (
	"context"
	"math"
	"reflect"
	"testing"
)

// TestEvaluationIsDeterministic runs a tiny evaluation twice with the same
// seed, each on fresh SQLite databases, and expects the same figures; a
// different seed must give different ones.
func TestEvaluationIsDeterministic(t *testing.T) {
	args := []string{"-orchestrators", "12", "-days", "2", "-drops", "2", "-warmup", "12",
		"-regimes", "uniform:1,smart:0.5", "-plots", "", "-tmp", t.TempDir()}
	run := func(extra ...string) *results {
		o, err := parseFlags(append(append([]string(nil), args...), extra...))
		if err != nil {
			t.Fatal(err)
		}
		res, err := evaluateAll(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(), run()
	for k := range a.runs {
		if a.runs[k].tests != b.runs[k].tests || a.runs[k].tests == 0 {
			t.Fatalf("%s: %d vs %d tests", a.runs[k].reg.Name, a.runs[k].tests, b.runs[k].tests)
		}
		if !sameScores(a.runs[k].scores, b.runs[k].scores) {
			t.Fatalf("%s: scores differ between two runs of one seed", a.runs[k].reg.Name)
		}
		if !reflect.DeepEqual(a.runs[k].alpha, b.runs[k].alpha) || !reflect.DeepEqual(a.runs[k].epsilon, b.runs[k].epsilon) {
			t.Fatalf("%s: node pooling's α or ε differ between two runs of one seed", a.runs[k].reg.Name)
		}
		if !sameMetrics(a.mets[k], b.mets[k]) {
			t.Fatalf("%s: metrics differ:\n%+v\n%+v", a.runs[k].reg.Name, a.mets[k], b.mets[k])
		}
	}
	if c := run("-seed", "2"); sameScores(a.runs[0].scores, c.runs[0].scores) {
		t.Fatal("seeds 1 and 2 gave the same scores")
	}
}

// sameScores compares every method's answers, bit for bit (NaN, no
// answer, equals NaN).
func sameScores(a, b [nMethods][][]obs) bool {
	eq := func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) }
	for m := range a {
		if len(a[m]) != len(b[m]) {
			return false
		}
		for i := range a[m] {
			for h := range a[m][i] {
				x, y := a[m][i][h], b[m][i][h]
				if !eq(x.score, y.score) || !eq(x.lo, y.lo) || !eq(x.hi, y.hi) || !eq(x.plo, y.plo) || !eq(x.phi, y.phi) {
					return false
				}
			}
		}
	}
	return true
}

// sameMetrics compares metrics treating NaN as equal to NaN.
func sameMetrics(a, b [nMethods]metrics) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	for m := range a {
		x, y := a[m], b[m]
		if !eq(x.TauMean, y.TauMean) || !eq(x.TauP5, y.TauP5) || !eq(x.Churn, y.Churn) ||
			!eq(x.Coverage, y.Coverage) || !eq(x.SuccessCover, y.SuccessCover) {
			return false
		}
		for _, pair := range [][2][]float64{{x.Tau, y.Tau}, {x.Detect, y.Detect}, {x.Recover, y.Recover}} {
			if len(pair[0]) != len(pair[1]) {
				return false
			}
			for i := range pair[0] {
				if !eq(pair[0][i], pair[1][i]) {
					return false
				}
			}
		}
	}
	return true
}

// TestFaultsLeaveTheRestOfTheWorld checks the model-specific faults: about
// the share asked for, on nodes without events, never all of a node's
// series, and every other series exactly as in the world without them.
func TestFaultsLeaveTheRestOfTheWorld(t *testing.T) {
	plain, faulty := newWorld(1, 100, 168, 10, 0), newWorld(1, 100, 168, 10, 0.1)
	if !reflect.DeepEqual(plain.drops, faulty.drops) || len(plain.series) != len(faulty.series) {
		t.Fatal("faults changed the network")
	}
	n := 0
	fine := map[int]bool{}
	for i, s := range faulty.series {
		p := plain.series[i]
		if !s.fault {
			fine[s.orch] = true
			if !reflect.DeepEqual(s, p) {
				t.Fatalf("series %d changed without a fault: %+v vs %+v", i, s, p)
			}
			continue
		}
		n++
		if d := p.p0 - s.p0; d < 0.05-1e-9 || d > 0.4+1e-9 || len(s.events) > 0 || !s.steady {
			t.Fatalf("fault %d: p0 %v → %v, events %v", i, p.p0, s.p0, s.events)
		}
	}
	for _, s := range faulty.series {
		if s.fault && !fine[s.orch] {
			t.Fatalf("every series of node %d is faulty", s.orch)
		}
	}
	if share := float64(n) / float64(len(faulty.series)); share < 0.07 || share > 0.13 {
		t.Fatalf("%d faults of %d series, want about 10 %%", n, len(faulty.series))
	}
}

func TestKendallVectors(t *testing.T) {
	cases := []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3}, []float64{10, 20, 30}, 1},
		{[]float64{3, 2, 1}, []float64{10, 20, 30}, -1},
		// Pairs (0,1) tied in a, (0,2) and (1,2) concordant:
		// τ-b = 2/√((2+0+1)·(2+0+0)) = 0.816497
		{[]float64{1, 1, 2}, []float64{1, 2, 3}, 0.816497},
		// NaN (no score) ranks below every number.
		{[]float64{math.NaN(), 5, 7}, []float64{0, 1, 2}, 1},
	}
	// Only pairs at least 1 apart in b: (0,2) discordant, (1,2) concordant.
	if got := kendall([]float64{3, 1, 2}, []float64{0, 0.5, 2}, 1); got != 0 {
		t.Errorf("kendall apart by 1 = %v, want 0", got)
	}
	for _, c := range cases {
		if got := kendall(c.a, c.b, 0); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("kendall(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestRanksShareTies(t *testing.T) {
	got := ranks([]float64{0.9, math.NaN(), 0.5, 0.9})
	want := []float64{1.5, 4, 3, 1.5}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ranks = %v, want %v", got, want)
	}
}

func TestMixtureMedian(t *testing.T) {
	if got := mixtureMedian(2, 0.3, 0, 10); got != 2 {
		t.Fatalf("no cold starts: median %v, want 2", got)
	}
	// Half the jobs cold with a huge cold start: the median sits at the
	// top of the warm jobs' distribution, where (1 − 0.5)·Φ(z) = 0.5
	// only as z → ∞; with 30 % cold, Φ(z) = 0.5/0.7 → z = 0.565949,
	// median = 2·e^(0.3·0.565949) = 2.370099.
	if got := mixtureMedian(2, 0.3, 0.3, 1000); math.Abs(got-2.370099) > 1e-5 {
		t.Fatalf("30 %% cold: median %v, want 2.370099", got)
	}
}
