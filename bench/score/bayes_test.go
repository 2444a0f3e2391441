package main

import (
	"math"
	"testing"
)

// TestBayesRates checks the Bayes oracle's posterior means against values
// worked by hand from newWorld's draw.
func TestBayesRates(t *testing.T) {
	b := newBayesRates()
	near := func(name string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s: %.5f, want %.5f ± %g", name, got, want, tol)
		}
	}
	// No tests: the draw's mean. Good nodes 0.97 less what the clamp at
	// 0.995 takes off the tail (σ·φ(z) − 0.025·(1 − Φ(z)), z = 2.083:
	// 0.00008), mediocre 0.875, poor 0.625:
	// 0.7·0.96992 + 0.2·0.875 + 0.1·0.625 = 0.91644.
	near("no tests", b.node([]tests{{}})[0], 0.91644, 0.001)
	// Many tests: the tests' own rate.
	near("9,700 of 10,000", b.node([]tests{{9700, 300}})[0], 0.97, 0.002)
	near("600 of 1,000", b.node([]tests{{600, 400}})[0], 0.60, 0.01)
	// A series without tests takes its node's rate from the node's other
	// series (its own is the node's ± 0.005); theirs is not moved by it.
	got := b.node([]tests{{}, {900, 100}})
	near("untested, node at 0.9", got[0], 0.90, 0.01)
	near("tested, at 0.9", got[1], 0.90, 0.01)
	// Between good nodes the draw holds estimates together: 195 of 200
	// (0.975) and 190 of 200 (0.95) stay in order but come out closer
	// than their raw rates.
	hi, lo := b.node([]tests{{195, 5}})[0], b.node([]tests{{190, 10}})[0]
	if !(hi > lo && hi-lo < 0.025 && hi < 0.975 && lo > 0.95) {
		t.Errorf("195/200 → %.4f, 190/200 → %.4f: want ordered, drawn together", hi, lo)
	}
}
