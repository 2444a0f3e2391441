package scoring

import "testing"

func TestWilsonLowerIsBelowTheRateAndZeroAtZero(t *testing.T) {
	for _, c := range []struct {
		p float64
		n int64
	}{{0, 1}, {0, 1000}, {1, 1}, {1, 3}, {0.5, 10}, {0.98, 1000}, {1, 1000000}} {
		lo := WilsonLower(c.p, c.n)
		if lo < 0 || lo > c.p || (c.p == 0 && lo != 0) {
			t.Errorf("WilsonLower(%v, %d) = %v", c.p, c.n, lo)
		}
	}
	// Three perfect tests rank below 980 of 1000.
	if WilsonLower(1, 3) >= WilsonLower(0.98, 1000) {
		t.Error("a few lucky tests outrank a long record")
	}
	if WilsonLower(0.5, 0) != 0 {
		t.Error("no tests must give 0")
	}
}

func TestWilsonLowerVectors(t *testing.T) {
	// Values of the textbook formula, z = 1.96.
	for _, c := range []struct {
		p    float64
		n    int64
		want float64
	}{
		{1, 3, 0.43849},
		{0.5, 10, 0.23659},
		{0.98, 1000, 0.96931},
		{2, 3, 0.43849}, // clamped to 1
		{-1, 3, 0},      // clamped to 0
	} {
		if got := WilsonLower(c.p, c.n); !near(got, c.want) {
			t.Errorf("WilsonLower(%v, %d) = %.5f, want %.5f", c.p, c.n, got, c.want)
		}
	}
}

func TestReliabilityScoresAreTheCompatibleOnesAtTheBound(t *testing.T) {
	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		{"transcoding 3/3", ReliabilityTranscoding(1, 2, 1, 3), Transcoding(WilsonLower(1, 3), 2, 1).Score},
		{"ai 3/3", ReliabilityAI(1, 2, 2, 3), AI(WilsonLower(1, 3), 2, 2).Score},
		{"ai none passed", ReliabilityAI(0, 2, 2, 10), 0},
		{"no tests", ReliabilityTranscoding(1, 2, 1, 0), Transcoding(0, 2, 1).Score},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	// Many tests bring the bound, and so the score, close to the mean's.
	if d := AI(0.99, 2, 2).Score - ReliabilityAI(0.99, 2, 2, 1_000_000); d < 0 || d > 1e-3 {
		t.Errorf("a long record's reliability score is %v below its score", d)
	}
}
