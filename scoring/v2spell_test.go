package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// outage is, newest first, `after` hours of one pass each, 3 hours of one
// failure each, then 20 hours of one pass each.
func outage(after int) []V2Hour {
	var hs []V2Hour
	for i := range after + 3 + 20 {
		h := V2Hour{Age: float64(i) + 0.5, Passed: 1}
		if i >= after && i < after+3 {
			h = V2Hour{Age: float64(i) + 0.5, Failed: 1}
		}
		hs = append(hs, h)
	}
	return hs
}

// wantSplit checks changePoint's best split of hs over all its hours.
func wantSplit(t *testing.T, hs []V2Hour, g float64, k int) {
	t.Helper()
	if got, at := changePoint(hs, math.Inf(1)); !close6(got, g) || at != k {
		t.Fatalf("best split %v at %d, want %v at %d", got, at, g, k)
	}
}

// wantSpell checks endedSpell at G 12 and 48 hours (a = b = 0: none).
func wantSpell(t *testing.T, hs []V2Hour, gain float64, a, b int) {
	t.Helper()
	split, _ := changePoint(hs, math.Inf(1))
	if x, y := endedSpell(hs, split, 12, gain, 48); x != a || y != b {
		t.Fatalf("spell at gain %v: [%d, %d), want [%d, %d)", gain, x, y, a, b)
	}
}

func TestEndedSpellTwoPassesAfter(t *testing.T) {
	// 2 passes, 3 failures, 20 passes: 22 of 25.
	// one rate:   22·ln(22/25) + 3·ln(3/25) = −9.173125
	// the spell:  0/3 apart, 22/22 the rest: 0, so G = 18.346250 ≥ 12
	// best split: recent 2/5 against older 20/20:
	//             2·(2·ln 0.4 + 3·ln 0.6 + 9.173125) = 11.616133, below 12:
	//             no cut, the three failures would stay in the memory
	// the spell beats it by 18.346 − 11.616 = 6.73 ≥ 6.
	hs := outage(2)
	wantSplit(t, hs, 11.616133, 5)
	wantSpell(t, hs, 6, 2, 5)
	wantSpell(t, hs, 7, 0, 0) // 6.73 < 7
	p := V2Params{HalfLife: 0, ChangeG: 12, SpellGain: 6, SpellHours: 48}
	s := SummarizeV2(hs, p)
	want := V2Spell{NewestAge: 2.5, OldestAge: 4.5, Failed: 3}
	if s.Tests != 22 || s.Passes != 22 || s.Spell != want || s.ChangeAge != 0 {
		t.Fatalf("the spell must be left out: %+v", s)
	}
	// Unavailability and latency still read every hour.
	if s.Attempts != 25 {
		t.Fatalf("attempts %v, want 25", s.Attempts)
	}
	p.SpellGain = 0
	if s := SummarizeV2(hs, p); s.Tests != 25 || s.Passes != 22 || s.Spell != (V2Spell{}) {
		t.Fatalf("without spells the memory keeps the failures: %+v", s)
	}
}

func TestEndedSpellOnePassAfterIsNotEnough(t *testing.T) {
	// 1 pass, 3 failures, 20 passes: 21 of 24.
	// one rate:   21·ln(21/24) + 3·ln(3/24) = −9.042484, the spell G 18.084968
	// best split: recent 1/4 against 20/20: 2·(ln 0.25 + 3·ln 0.75 + 9.042484)
	//             = 13.586287, a change (≥ 12) the memory is cut at
	// the spell beats it by 4.50 < 6: cut, not left out.
	hs := outage(1)
	wantSplit(t, hs, 13.586287, 4)
	wantSpell(t, hs, 6, 0, 0)
	s := SummarizeV2(hs, V2Params{HalfLife: 0, ChangeG: 12, SpellGain: 6, SpellHours: 48})
	if s.Tests != 4 || s.Passes != 1 || s.ChangeAge != 3.5 {
		t.Fatalf("memory cut after the drop: %+v", s)
	}
}

func TestEndedSpellNeedsAnEnd(t *testing.T) {
	// Failures that are the newest hours have not ended: a change, not a
	// spell.
	wantSpell(t, outage(0), 6, 0, 0)
	// Nor is a spell longer than SpellHours left out: the spell's hours
	// span 2.5 to 4.5, two hours between the starts of its first and last.
	short := outage(2)
	split, _ := changePoint(short, math.Inf(1))
	if a, b := endedSpell(short, split, 12, 6, 1.9); a != 0 || b != 0 {
		t.Fatalf("spell [%d, %d) longer than 1.9 h", a, b)
	}
	// A spell must fail more than the rest: 3 passes among failures are
	// not a spell to leave out.
	var inverse []V2Hour
	for _, h := range outage(2) {
		inverse = append(inverse, V2Hour{Age: h.Age, Passed: h.Failed, Failed: h.Passed})
	}
	wantSpell(t, inverse, 6, 0, 0)
}

// BenchmarkSummarizeV2 summarises a week of hours of a node at 0.9 (one
// attempt an hour, a fifth unavailable), with and without the search for
// spells that ended.
func BenchmarkSummarizeV2(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var hs []V2Hour
	for h := range 168 {
		x := V2Hour{Age: float64(h) + 0.5}
		switch u := r.Float64(); {
		case u < 0.2:
			x.Unavailable = 1
		case u < 0.28:
			x.Failed = 1
		default:
			x.Passed, x.SumPassedRTT = 1, 2+r.Float64()
		}
		hs = append(hs, x)
	}
	for _, gain := range []float64{0, DefaultV2().SpellGain} {
		p := DefaultV2()
		p.SpellGain = gain
		b.Run(fmt.Sprintf("spell-gain=%g", gain), func(b *testing.B) {
			for b.Loop() {
				SummarizeV2(hs, p)
			}
		})
	}
}

func TestEndedSpellNeedsTwoFailures(t *testing.T) {
	// One failure among 300 passes, 100 hours back: one rate for all
	// 300·ln(300/301) + ln(1/301) = −6.705, G 13.4 ≥ 12; the best split
	// puts the failure in the older 200 hours: 2·(200·ln(200/201) +
	// ln(1/201) + 6.705) = 0.81. The spell would beat it by 12.6, but one
	// failure is not a spell.
	var hs []V2Hour
	for i := range 301 {
		h := V2Hour{Age: float64(i) / 3, Passed: 1}
		if i == 100 {
			h = V2Hour{Age: h.Age, Failed: 1}
		}
		hs = append(hs, h)
	}
	wantSpell(t, hs, 6, 0, 0)
	// Two failures in a row are one.
	hs[101] = V2Hour{Age: hs[101].Age, Failed: 1}
	wantSpell(t, hs, 6, 100, 102)
}
