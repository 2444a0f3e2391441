package scoring

import "testing"

// Vectors on a two-point grid {0.5, 0.9}, worked by hand (a calculator for
// the powers).

func TestFitPriorOneEMStep(t *testing.T) {
	// Node 9/10: likelihood 0.9⁹·0.1 = 0.0387420 at 0.9, 0.5¹⁰ = 0.0009766
	// at 0.5 → from even weights it belongs to 0.9 with 0.975413.
	// Node 5/10: 0.9⁵·0.1⁵ = 5.9049e-6 against 0.0009766 → 0.006010.
	// One step: w(0.9) = (0.975413 + 0.006010)/2 = 0.490712; then one
	// node's worth of even weight: (2·0.490712 + 0.5)/3 = 0.493808.
	w := fitPrior([]float64{0.5, 0.9}, []float64{9, 5, 3}, []float64{10, 10, 0}, 1, 0)
	if len(w) != 2 || !close6(w[1], 0.493808) || !close6(w[0], 0.506192) {
		t.Fatalf("fitPrior = %v, want [0.506192 0.493808]", w)
	}
	if w := fitPrior([]float64{0.5, 0.9}, []float64{1}, []float64{0}, 5, 0); w != nil {
		t.Fatalf("no tests: %v, want nil", w)
	}
	// Many steps on nodes that all look like 0.9 move the weight there.
	w = fitPrior([]float64{0.5, 0.9}, []float64{9, 18, 27}, []float64{10, 20, 30}, 50, 0)
	if w[1] < 0.7 {
		t.Fatalf("nodes at 0.9 left the prior at %v", w)
	}
}

func TestPosteriorVector(t *testing.T) {
	// Even prior on {0.5, 0.9}, 9 of 10: P(0.9) = 0.975413,
	// mean = 0.9·0.975413 + 0.5·0.024587 = 0.890165.
	// Cells: 0.5 spreads over [0, 0.7], 0.9 over [0.7, 1]. The 5 % point
	// lies in the second cell: 0.7 + (0.05 − 0.024587)/0.975413·0.3 =
	// 0.707816; the 95 % point 0.7 + (0.95 − 0.024587)/0.975413·0.3 =
	// 0.984622.
	m, lo, hi := posterior([]float64{0.5, 0.9}, []float64{0.5, 0.5}, 9, 10, 0.05)
	if !close6(m, 0.890165) || !close6(lo, 0.707816) || !close6(hi, 0.984622) {
		t.Fatalf("posterior = %v %v %v", m, lo, hi)
	}
	// No evidence: the prior itself; mean 0.7, 5 % point inside 0.5's cell
	// at 0.05/0.5·0.7 = 0.07.
	m, lo, _ = posterior([]float64{0.5, 0.9}, []float64{0.5, 0.5}, 0, 0, 0.05)
	if !close6(m, 0.7) || !close6(lo, 0.07) {
		t.Fatalf("no evidence: %v %v", m, lo)
	}
	if !close6(normTail(1.645), 0.049985) {
		t.Fatalf("normTail(1.645) = %v", normTail(1.645))
	}
}

func TestSmoothVector(t *testing.T) {
	// All weight on the middle point, σ one step: neighbours get e^(−1/2)
	// = 0.606531 of it; normalised by 1 + 2·0.606531 = 2.213061.
	got := smooth([]float64{0, 1, 0}, 1)
	want := []float64{0.274069, 0.451863, 0.274069}
	for i := range want {
		if !close6(got[i], want[i]) {
			t.Fatalf("smooth = %v, want %v", got, want)
		}
	}
	if got := smooth([]float64{0.2, 0.8}, 0); got[0] != 0.2 || got[1] != 0.8 {
		t.Fatalf("σ 0 must leave the weights: %v", got)
	}
}

// TestLearnedPriorKeepsGoodNodesTogether is the reason for the learned
// prior: in a population of many nodes near 0.97 and a few poor ones,
// week-long records of 95 and 99 in 100 are mostly noise around the same
// rate; the learned prior draws them together (where the beta prior,
// PriorTests 4, keeps 0.038 between them), while a node failing most of a
// few tests still falls to the poor group.
func TestLearnedPriorKeepsGoodNodesTogether(t *testing.T) {
	var sums []V2Summary
	for i := 0; i < 30; i++ {
		sums = append(sums, V2Summary{Passes: float64(95 + i%5), Tests: 100})
	}
	for i := 0; i < 6; i++ {
		sums = append(sums, V2Summary{Passes: 50, Tests: 100})
	}
	pop, p := PoolV2(sums), DefaultV2()
	lo, hi := ScoreV2(V2Summary{Passes: 95, Tests: 100}, pop, p), ScoreV2(V2Summary{Passes: 99, Tests: 100}, pop, p)
	if d := hi.SuccessRate - lo.SuccessRate; d <= 0 || d > 0.025 {
		t.Fatalf("99/100 vs 95/100: %v − %v = %v, want 0 < d ≤ 0.025", hi.SuccessRate, lo.SuccessRate, d)
	}
	bad := ScoreV2(V2Summary{Passes: 1, Tests: 6}, pop, p)
	if bad.SuccessRate > 0.6 || bad.SuccessLow > bad.SuccessRate || bad.SuccessHigh < bad.SuccessRate {
		t.Fatalf("1 of 6 must fall to the poor group: %+v", bad)
	}
}
