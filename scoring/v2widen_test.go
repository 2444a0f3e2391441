package scoring

import (
	"math"
	"testing"
)

// TestScoreV2WidensOnRecentSuccess: a node with 97 passes in 100 whose
// last hours passed 3 of 6 (a change statistic of 5, not enough to cut the
// memory at 12). By hand (population built by hand, no pseudo-tests,
// latency at the model's): p̂ = 0.97, Wilson(0.97, 100) at z 1.645 =
// 0.927284 .. 0.987949, Wilson(0.5, 6) = 0.221243 .. 0.778757; the
// interval of p takes in both: 0.221243 .. 0.987949, and the score
// 0.65·0.97 + 0.35·0.8 = 0.9105 spans 0.9105 − 0.65·(0.97 − 0.221243) =
// 0.423808 .. 0.9105 + 0.65·(0.987949 − 0.97) = 0.922167.
func TestScoreV2WidensOnRecentSuccess(t *testing.T) {
	p := V2Params{UnavailableExcused: 0.5, Z: 1.645, ChangeWiden: 2.71}
	pop := V2Population{SuccessRate: 0.9, Latency: 2}
	s := V2Summary{Passes: 97, Tests: 100, Attempts: 100, Latency: 2, Change: 5, RecentPasses: 3, RecentTests: 6}
	want := V2Score{Score: 0.9105, Low: 0.423808, High: 0.922167, SuccessRate: 0.97, SuccessLow: 0.221243,
		SuccessHigh: 0.987949, LatencyRatio: 1, Tests: 100}
	checkV2(t, "recent tests disagree", ScoreV2(s, pop, p), want)

	// Below the threshold, or with widening off, the memory's interval
	// alone: 0.9105 − 0.65·(0.97 − 0.927284) = 0.882735.
	want.Low, want.SuccessLow, want.SuccessHigh = 0.882735, 0.927284, 0.987949
	s.Change = 2.7
	checkV2(t, "change below the threshold", ScoreV2(s, pop, p), want)
	s.Change, p.ChangeWiden = 5, 0
	checkV2(t, "widening off", ScoreV2(s, pop, p), want)
}

// TestScoreV2WidensOnRecentLatency: fourteen hours at 2 s, then the last
// six (RecentHours) at 4 s, one pass each, no decay. By hand: the
// memory's weighted median is log 2 (14 of 20), its deviations 0 (×14)
// and log 2 (×6) have median 0, so σ = 0.05 (the floor); the recent
// median is log 4 over 6 samples, so LatencyChange =
// ((log 4 − log 2)/0.05)²·6 = 1153.087. Against a model at 2 s (ratio 1,
// L = 0.8) the latency's interval takes in 0.8^2 = 0.64: with p̂ = 1 over
// 20 tests (Wilson low 0.880823) the score 0.93 has its low at
// 0.93 − √((0.65·0.119177)² + (0.35·(0.8 − 0.64))²) = 0.834413, against
// 0.852522 without widening (se = 1.2533·0.05/√20).
func TestScoreV2WidensOnRecentLatency(t *testing.T) {
	var hs []V2Hour
	for age := 1; age <= 20; age++ {
		rtt := 2.0
		if age <= RecentHours {
			rtt = 4
		}
		hs = append(hs, V2Hour{Age: float64(age), Passed: 1, SumPassedRTT: rtt})
	}
	p := V2Params{ChangeG: 1e9, UnavailableExcused: 0.5, Z: 1.645, ChangeWiden: 2.71}
	s := SummarizeV2(hs, p)
	if !close6(s.Latency, 2) || !close6(s.RecentLatency, 4) || math.Abs(s.LatencyChange-1153.087233) > 1e-5 ||
		s.RecentTests != 6 || s.RecentPasses != 6 {
		t.Fatalf("summary %+v", s)
	}
	pop := V2Population{SuccessRate: 0.9, Latency: 2}
	got := ScoreV2(s, pop, p)
	if !close6(got.Score, 0.93) || !close6(got.Low, 0.834413) || !close6(got.SuccessLow, 0.880823) {
		t.Fatalf("widened: %+v", got)
	}
	p.ChangeWiden = 0
	if got := ScoreV2(s, pop, p); !close6(got.Low, 0.852522) {
		t.Fatalf("not widened: low %v, want 0.852522", got.Low)
	}
}
