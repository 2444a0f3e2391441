package scoring

import (
	"math"
	"math/rand"
	"sort"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 5e-6 }

// TestAIPublishedVector is leaderboard-serverless's own test vector
// (score/stats_scorer_test.go): RTTs 8, 2, 1, 2, 0.5 with success rates
// 1, 1, .75, .75, .95. Only the two success=1 events enter the median (5).
func TestAIPublishedVector(t *testing.T) {
	rtts := []float64{8, 2, 1, 2, 0.5}
	srs := []float64{1, 1, .75, .75, .95}
	var ok []float64
	for i := range rtts {
		if srs[i] == 1 && rtts[i] != 0 {
			ok = append(ok, rtts[i])
		}
	}
	med := median(ok)
	if med != 5 {
		t.Fatalf("median = %v, want 5", med)
	}
	got := AI(1, 8, med)
	if !near(got.RoundTripScore, 0.69975) || !near(got.Score, 0.89491) {
		t.Fatalf("AI(1, 8, 5) = %+v, want round_trip_score 0.69975 score 0.89491", got)
	}
}

func TestAIVectors(t *testing.T) {
	cases := []struct {
		name               string
		sr, rtt, median    float64
		wantRTS, wantScore float64
	}{
		{"at the median scores 0.8", 1, 5, 5, 0.8, 0.65 + 0.35*0.8},
		{"twice the median", 1, 10, 5, 0.64, 0.65 + 0.35*0.64},
		{"instant job", 1, 0, 5, 1, 1},
		{"half success", 0.5, 5, 5, 0.8, 0.65*0.5 + 0.35*0.8},
		{"no success scores zero", 0, 1, 5, math.Pow(0.8, 0.2), 0},
		{"no successful job anywhere: median unknown", 0, 3, 0, 0, 0},
		{"median unknown, mean rtt zero (legacy NaN)", 0, 0, 0, 0, 0},
		{"NaN in is zero out", math.NaN(), math.NaN(), 5, 0, 0},
		{"infinite median", 1, 3, math.Inf(1), 0, 0.65},
		{"success above one is clamped", 2, 5, 5, 0.8, 0.65 + 0.35*0.8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := AI(c.sr, c.rtt, c.median)
			if !near(got.RoundTripScore, c.wantRTS) || !near(got.Score, c.wantScore) {
				t.Fatalf("AI(%v, %v, %v) = %+v, want rts %v score %v", c.sr, c.rtt, c.median, got, c.wantRTS, c.wantScore)
			}
			checkRange(t, got)
		})
	}
}

func TestTranscodingVectors(t *testing.T) {
	e := math.Exp(1)
	cases := []struct {
		name               string
		sr, seg, rtt       float64
		wantRTS, wantScore float64
	}{
		{"rtt equal to segment duration", 1, 2, 2, 1 - 1/e, 1 - 1/e},
		{"rtt twice the segment", 1, 2, 4, 1 - math.Exp(-0.5), 1 - math.Exp(-0.5)},
		{"partial success multiplies", 0.5, 2, 2, 1 - 1/e, 0.5 * (1 - 1/e)},
		{"zero rtt gives zero latency score", 1, 2, 0, 0, 0},
		{"zero success", 0, 2, 1, 1 - math.Exp(-2), 0},
		{"NaN segment", 1, math.NaN(), 1, 0, 0},
		{"infinite rtt", 1, 2, math.Inf(1), 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Transcoding(c.sr, c.seg, c.rtt)
			if !near(got.RoundTripScore, c.wantRTS) || !near(got.Score, c.wantScore) {
				t.Fatalf("Transcoding(%v, %v, %v) = %+v, want rts %v score %v", c.sr, c.seg, c.rtt, got, c.wantRTS, c.wantScore)
			}
			checkRange(t, got)
		})
	}
}

func TestMedianIsPercentileCont(t *testing.T) {
	cases := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{4, 1}, 2.5},
		{[]float64{5, 1, 3}, 3},
		{[]float64{8, 2, 1, 2}, 2},
	}
	for _, c := range cases {
		if got := median(append([]float64(nil), c.in...)); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func FuzzScoresStayInRange(f *testing.F) {
	f.Add(1.0, 8.0, 5.0, 2.0)
	f.Add(0.0, 0.0, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, sr, rtt, median, seg float64) {
		checkRange(t, AI(sr, rtt, median))
		checkRange(t, Transcoding(sr, seg, rtt))
	})
}

func checkRange(t *testing.T, a Aggregate) {
	t.Helper()
	for _, v := range []float64{a.SuccessRate, a.RoundTripScore, a.Score} {
		if math.IsNaN(v) || v < 0 || v > 1 {
			t.Fatalf("value out of 0..1: %+v", a)
		}
	}
}

func TestMedianOfMatchesSortedMedian(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for n := 0; n < 300; n++ {
		vals := make([]float64, n)
		for i := range vals {
			switch r.Intn(3) {
			case 0:
				vals[i] = float64(r.Intn(5)) // many duplicates
			default:
				vals[i] = r.Float64() * 100
			}
		}
		want := median(append([]float64(nil), vals...))
		if got := MedianOf(vals); got != want {
			t.Fatalf("n=%d: MedianOf = %v, Median = %v", n, got, want)
		}
	}
}

func FuzzMedianOf(f *testing.F) {
	f.Add([]byte{3, 1, 2, 2, 9})
	f.Fuzz(func(t *testing.T, b []byte) {
		vals := make([]float64, len(b))
		for i, c := range b {
			vals[i] = float64(c % 17)
		}
		want := median(append([]float64(nil), vals...))
		if got := MedianOf(vals); got != want {
			t.Fatalf("MedianOf(%v) = %v, want %v", b, got, want)
		}
	})
}

// median is PostgreSQL's PERCENTILE_CONT(0.5) by sorting, the reference
// MedianOf (selection, no full sort) is checked against: the middle value, or the mean
// of the two middle values. It returns 0 for no values. It sorts values in
// place.
func median(values []float64) float64 {
	n := len(values)
	if n == 0 {
		return 0
	}
	sort.Float64s(values)
	if n%2 == 1 {
		return values[n/2]
	}
	return values[n/2-1] + (values[n/2]-values[n/2-1])/2
}
