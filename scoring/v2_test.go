package scoring

import (
	"math"
	"math/rand"
	"testing"
)

func close6(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// The vectors below were worked out on paper (and checked on a pocket
// calculator); the comments show the arithmetic.

func TestBinomLL(t *testing.T) {
	// 3 of 4: 3·ln 0.75 + ln 0.25
	if got := binomLL(3, 4); !close6(got, -2.249341) {
		t.Fatalf("binomLL(3, 4) = %v", got)
	}
	for _, c := range [][2]float64{{0, 5}, {5, 5}, {0, 0}} {
		if got := binomLL(c[0], c[1]); got != 0 {
			t.Fatalf("binomLL(%v) = %v, want 0 (0·ln 0 is 0)", c, got)
		}
	}
}

// twoFailsAfterTen is 10 passes followed by 2 failures in the newest hour.
func twoFailsAfterTen() []V2Hour {
	return []V2Hour{{Age: 1.5, Passed: 10}, {Age: 0.5, Failed: 2}}
}

func TestChangePointVector(t *testing.T) {
	// Newest first: recent 0/2, older 10/10, whole 10/12.
	// G = 2·(0 + 0 − (10·ln(10/12) + 2·ln(2/12))) = 10.813469
	hs := []V2Hour{{Age: 0.5, Failed: 2}, {Age: 1.5, Passed: 10}}
	g, k := changePoint(hs, math.Inf(1))
	if !close6(g, 10.813469) || k != 1 {
		t.Fatalf("changePoint = %v at %d, want 10.813469 at 1", g, k)
	}
	// The recent part may not reach past within hours.
	if g, _ := changePoint(hs, 0.4); g != 0 {
		t.Fatalf("changePoint within 0.4 h = %v, want 0", g)
	}
}

func TestSummarizeCutsOnlyAboveThreshold(t *testing.T) {
	p := V2Params{HalfLife: 0, ChangeG: 10} // no decay: plain counts
	s := SummarizeV2(twoFailsAfterTen(), p)
	if s.Tests != 2 || s.Passes != 0 || s.ChangeAge != 0.5 || !close6(s.Change, 10.813469) {
		t.Fatalf("G 10.81 ≥ 10 must cut to the last hour: %+v", s)
	}
	p.ChangeG = 11
	s = SummarizeV2(twoFailsAfterTen(), p)
	if s.Tests != 12 || s.Passes != 10 || s.ChangeAge != 0 {
		t.Fatalf("G 10.81 < 11 must keep everything: %+v", s)
	}
}

func TestSummarizeCutsAtTheRecovery(t *testing.T) {
	// A week good, then 12 bad hours, then 12 good: the memory must start
	// at the recovery, not at the drop.
	var hs []V2Hour
	for age := 0; age < 60; age++ {
		h := V2Hour{Age: float64(age) + 0.5}
		switch {
		case age < 12:
			h.Passed = 2
		case age < 24:
			h.Failed = 2
		default:
			h.Passed = 2
		}
		hs = append(hs, h)
	}
	s := SummarizeV2(hs, V2Params{HalfLife: 0, ChangeG: 12})
	if s.Tests != 24 || s.Passes != 24 || s.ChangeAge != 11.5 {
		t.Fatalf("memory after the recovery: %+v", s)
	}
}

func TestSummarizeDecayAndUnavailable(t *testing.T) {
	// Half-life 1 h: an hour aged 1 weighs 1/2, aged 2 weighs 1/4.
	hs := []V2Hour{{Age: 1, Passed: 2, Unavailable: 2}, {Age: 2, Passed: 4, Failed: 4}}
	s := SummarizeV2(hs, V2Params{HalfLife: 1, LatencyHalfLife: 1, ChangeG: 1e9})
	// tests 0.5·2 + 0.25·8 = 3, passes 0.5·2 + 0.25·4 = 2,
	// unavailable 0.5·2 = 1, attempts 0.5·4 + 0.25·8 = 4
	if !close6(s.Tests, 3) || !close6(s.Passes, 2) || !close6(s.Unavailable, 1) || !close6(s.Attempts, 4) {
		t.Fatalf("decayed counts: %+v", s)
	}
	// Ages that are negative or NaN are ignored.
	bad := append(hs, V2Hour{Age: -1, Passed: 100}, V2Hour{Age: math.NaN(), Failed: 100})
	if got := SummarizeV2(bad, V2Params{HalfLife: 1, LatencyHalfLife: 1, ChangeG: 1e9}); got != s {
		t.Fatalf("bad ages changed the summary: %+v vs %+v", got, s)
	}
}

func TestTypicalLatencyVectors(t *testing.T) {
	// Hourly means 2, 4, 8 with weights (passes) 1, 1, 2: half the weight
	// (2) is reached at 4. n_eff = 4²/6 = 2.67 < 3, so σ = 0.5 and
	// se = 1.2533·0.5/√2.667 = 0.383743.
	hs := []V2Hour{{Age: 1, Passed: 1, SumPassedRTT: 2}, {Age: 2, Passed: 1, SumPassedRTT: 4}, {Age: 3, Passed: 2, SumPassedRTT: 16}}
	m, se := typicalLatency(hs, 0)
	if !close6(m, 4) || !close6(se, 0.383743) {
		t.Fatalf("typicalLatency = %v, %v; want 4, 0.383743", m, se)
	}
	// Means 1, 2, 4, 8 with equal weights: median 2 (the lower one);
	// deviations of the logs 0.693, 0, 0.693, 1.386 → MAD ln 2;
	// σ = 1.4826·ln 2 = 1.027660; se = 1.2533·σ/√4 = 0.643983.
	hs = []V2Hour{{Age: 1, Passed: 1, SumPassedRTT: 1}, {Age: 2, Passed: 1, SumPassedRTT: 2},
		{Age: 3, Passed: 1, SumPassedRTT: 4}, {Age: 4, Passed: 1, SumPassedRTT: 8}, {Age: 5, Failed: 3, SumPassedRTT: 0}}
	m, se = typicalLatency(hs, 0)
	if !close6(m, 2) || !close6(se, 0.643983) {
		t.Fatalf("typicalLatency = %v, %v; want 2, 0.643983", m, se)
	}
	if m, se := typicalLatency([]V2Hour{{Failed: 3}}, 0); m != 0 || se != 0 {
		t.Fatalf("no pass: %v, %v", m, se)
	}
}

func TestPoolV2Vector(t *testing.T) {
	pop := PoolV2([]V2Summary{{Passes: 8, Tests: 10, Latency: 2}, {Passes: 1, Tests: 10}, {Passes: 9, Tests: 10, Latency: 4}})
	if !close6(pop.SuccessRate, 0.6) || !close6(pop.Latency, 3) { // 18/30; median of 2 and 4
		t.Fatalf("PoolV2 = %+v", pop)
	}
	if pop := PoolV2(nil); pop.SuccessRate != 0.5 || pop.Latency != 0 {
		t.Fatalf("empty population = %+v", pop)
	}
}

func TestScoreV2Vectors(t *testing.T) {
	p := V2Params{PriorTests: 2, UnavailableExcused: 0.5, Z: 1.645}
	pop := V2Population{SuccessRate: 0.5, Latency: 3}
	// p̂ = (9 + 2·0.5)/(10 + 2) = 0.833333; Wilson at z 1.645 over 12:
	// 0.600770 .. 0.943225. At the model's latency L = 0.8, so
	// score = 0.65·0.833333 + 0.35·0.8 = 0.821667, and with a latency
	// known exactly the interval is 0.821667 − 0.65·(0.833333 − 0.600770)
	// .. 0.821667 + 0.65·(0.943225 − 0.833333).
	s := V2Summary{Passes: 9, Tests: 10, Attempts: 10, Latency: 3}
	got := ScoreV2(s, pop, p)
	want := V2Score{Score: 0.821667, Low: 0.670501, High: 0.893096, SuccessRate: 0.833333,
		SuccessLow: 0.600770, SuccessHigh: 0.943225, LatencyRatio: 1, Tests: 10}
	checkV2(t, "exact latency", got, want)

	// A latency standard error of 0.1: L spans 0.8^e^(±0.1645) =
	// 0.768709 .. 0.827541, added in quadrature:
	// low = 0.821667 − √((0.65·0.232563)² + (0.35·0.031291)²) = 0.670104
	s.LogLatencySE = 0.1
	want.Low, want.High = 0.670104, 0.893743
	checkV2(t, "latency with error", ScoreV2(s, pop, p), want)

	// Unknown latency: L = 0.8 between 0.8² and 0.8^0.5.
	s.Latency = 0
	want.Low, want.High = 0.660461, 0.900371
	checkV2(t, "latency unknown", ScoreV2(s, pop, p), want)

	// 30 of 40 attempts unavailable: u = 0.75 is past the excused 0.5,
	// A = 0.25/0.5 = 0.5 halves the score and its interval.
	s.Unavailable, s.Attempts = 30, 40
	want.Score, want.Low, want.High, want.UnavailableShare = 0.821667/2, 0.660461/2, 0.900371/2, 0.75
	checkV2(t, "mostly unavailable", ScoreV2(s, pop, p), want)
}

func checkV2(t *testing.T, name string, got, want V2Score) {
	t.Helper()
	pairs := [][2]float64{{got.Score, want.Score}, {got.Low, want.Low}, {got.High, want.High},
		{got.SuccessRate, want.SuccessRate}, {got.SuccessLow, want.SuccessLow}, {got.SuccessHigh, want.SuccessHigh},
		{got.LatencyRatio, want.LatencyRatio}, {got.UnavailableShare, want.UnavailableShare}, {got.Tests, want.Tests}}
	for _, p := range pairs {
		if !close6(p[0], p[1]) {
			t.Fatalf("%s: got %+v\nwant %+v", name, got, want)
		}
	}
}

func TestScoreV2NoDataIsThePrior(t *testing.T) {
	got := ScoreV2(SummarizeV2(nil, DefaultV2()), V2Population{SuccessRate: 0.9}, DefaultV2())
	if !close6(got.SuccessRate, 0.9) || got.Tests != 0 || got.Low > got.Score || got.High < got.Score {
		t.Fatalf("no data: %+v", got)
	}
}

// TestScoreV2Ordered checks on random input that every value stays in
// 0..1 and the interval holds the score.
func TestScoreV2Ordered(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for n := 0; n < 2000; n++ {
		var hs []V2Hour
		for k := r.Intn(30); k > 0; k-- {
			hs = append(hs, V2Hour{Age: r.Float64() * 200, Passed: int64(r.Intn(4)), Failed: int64(r.Intn(3)),
				Unavailable: int64(r.Intn(3)), SumPassedRTT: r.Float64() * 40})
		}
		p := DefaultV2()
		s := SummarizeV2(hs, p)
		v := ScoreV2(s, V2Population{SuccessRate: r.Float64(), Latency: r.Float64() * 10}, p)
		for _, x := range []float64{v.Score, v.Low, v.High, v.SuccessRate, v.SuccessLow, v.SuccessHigh, v.UnavailableShare} {
			if math.IsNaN(x) || x < 0 || x > 1 {
				t.Fatalf("value out of 0..1: %+v from %+v", v, hs)
			}
		}
		if v.Low > v.Score+1e-12 || v.High < v.Score-1e-12 || v.SuccessLow > v.SuccessRate+1e-12 || v.SuccessHigh < v.SuccessRate-1e-12 {
			t.Fatalf("interval does not hold the estimate: %+v", v)
		}
	}
}
