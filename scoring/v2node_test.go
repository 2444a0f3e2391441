package scoring

import (
	"fmt"
	"math"
	"testing"
)

// Vectors on the two-point grid {0.5, 0.9} with even population priors,
// worked by hand (a calculator for the powers).
var (
	twoGrid = []float64{0.5, 0.9}
	evenTwo = []float64{0.5, 0.5}
)

func TestNodePriorVector(t *testing.T) {
	// s: 1 pass of 1; j: 9 of 10, on node A; k alone on node B.
	nm := newNodeModel(twoGrid, [][]float64{evenTwo, evenTwo, evenTwo},
		[]counts{{1, 1}, {9, 10}, {3, 4}}, []string{"A", "A", "B"})
	// α = 0: every prior is the model's, the same slice.
	for i, p := range nm.priors(nm.temper(0), 0.2) {
		if &p[0] != &evenTwo[0] {
			t.Fatalf("α = 0: member %d has %v, want the model's prior itself", i, p)
		}
	}
	got := nm.priors(nm.temper(1), 0.2)
	// For s, j's likelihood scaled to its top: 0.5¹⁰/(0.9⁹·0.1) =
	// 0.025207 at 0.5, 1 at 0.9; M = (0.025207 + 1)/2 = 0.512603; factor
	// 0.8·L + 0.2·M = [0.122686, 0.902521]; times the even prior and
	// normalised [0.119670, 0.880330]; with ε = 0.2 of the even prior:
	// [0.195736, 0.804264].
	// For j, s's likelihood [0.5/0.9, 1] = [0.555556, 1], M = 0.777778,
	// factor [0.6, 0.955556] → [0.385714, 0.614286] → [0.408571, 0.591429].
	want := [][]float64{{0.195736, 0.804264}, {0.408571, 0.591429}, evenTwo}
	for i := range want {
		if !close6(got[i][0], want[i][0]) || !close6(got[i][1], want[i][1]) {
			t.Fatalf("member %d: prior %v, want %v", i, got[i], want[i])
		}
	}
	if &got[2][0] != &evenTwo[0] {
		t.Fatal("a node of one series must keep its model's prior")
	}
	// The small sample (1 of 1) moves up: posterior mean under the even
	// prior (0.25·0.5 + 0.45·0.9)/0.7 = 0.757143; under the pooled one
	// (0.097868·0.5 + 0.723838·0.9)/0.821706 = 0.852359.
	if m, _, _ := posterior(twoGrid, got[0], 1, 1, 0.05); !close6(m, 0.852359) {
		t.Fatalf("pooled posterior mean %v, want 0.852359", m)
	}
	// A series failing 9 of 10 beside j's 9 passes of 10 stays where its
	// own tests put it: likelihoods 0.5¹⁰ = 9.766e-4 and 0.9·0.1⁹ = 9e-10,
	// so even at the pooled prior's odds of 4.1 for 0.9 its mean is
	// 0.5 + 0.4·4.1·9.2e-7 = 0.5000015.
	nm = newNodeModel(twoGrid, [][]float64{evenTwo, evenTwo}, []counts{{1, 10}, {9, 10}}, []string{"A", "A"})
	p := nm.priors(nm.temper(1), 0.2)[0]
	if m, _, _ := posterior(twoGrid, p, 1, 10, 0.05); m > 0.500002 {
		t.Fatalf("failing series dragged up to %v", m)
	}
}

func TestNodeFitVector(t *testing.T) {
	// Two nodes, each with two series that agree (9/10 and 9/10; 5/10 and
	// 5/10): sharing predicts every series better than the even prior, so
	// the strongest α wins. Nodes whose series disagree (9/10 beside 5/10,
	// twice) are better predicted without sharing: α = 0.
	agree := newNodeModel(twoGrid, [][]float64{evenTwo, evenTwo, evenTwo, evenTwo},
		[]counts{{9, 10}, {9, 10}, {5, 10}, {5, 10}}, []string{"A", "A", "B", "B"})
	if a, e := agree.fit(nodeAlphas, nodeEpsilons); a != 1 || e != nodeEpsilons[0] {
		t.Fatalf("agreeing nodes: α %v ε %v, want 1 and %v", a, e, nodeEpsilons[0])
	}
	disagree := newNodeModel(twoGrid, [][]float64{evenTwo, evenTwo, evenTwo, evenTwo},
		[]counts{{9, 10}, {5, 10}, {5, 10}, {9, 10}}, []string{"A", "A", "B", "B"})
	if a, _ := disagree.fit(nodeAlphas, nodeEpsilons); a != 0 {
		t.Fatalf("disagreeing nodes: α %v, want 0", a)
	}
}

// region builds a region of 15 nodes serving models A, B and C, 100
// tests per series at the node's rate (cycling 0.6, 0.8, 0.9, 0.97,
// 0.99), with edits applied to single series.
func region(edit map[string]counts) []V2Member {
	rates := []float64{0.6, 0.8, 0.9, 0.97, 0.99}
	var out []V2Member
	for _, model := range []string{"A", "B", "C"} {
		for n := 0; n < 15; n++ {
			node := fmt.Sprintf("n%d", n)
			c := counts{math.Round(100 * rates[n%len(rates)]), 100}
			if e, ok := edit[node+model]; ok {
				c = e
			}
			out = append(out, V2Member{Node: node, Model: model, Summary: V2Summary{Passes: c.x, Tests: c.n}})
		}
	}
	return out
}

func TestPoolV2NodesRegion(t *testing.T) {
	// n3 runs at 0.97, but its model C fails: 60 of 100. n8 (also 0.97)
	// has only 3 tests of C, all passed.
	members := region(map[string]counts{"n3C": {60, 100}, "n8C": {3, 3}})
	pool := PoolV2Nodes(members)
	if pool.Alpha <= 0 {
		t.Fatalf("α = %v: series of a node that agree must be pooled", pool.Alpha)
	}
	p := DefaultV2()
	mean := func(i int, pop V2Population) float64 { return ScoreV2(members[i].Summary, pop, p).SuccessRate }
	at := func(node, model string) int {
		for i, m := range members {
			if m.Node == node && m.Model == model {
				return i
			}
		}
		t.Fatalf("no %s %s", node, model)
		return -1
	}
	small, fault, mate := at("n8", "C"), at("n3", "C"), at("n3", "A")
	v2 := func(i int) float64 { return mean(i, pool.Models[members[i].Model]) }
	pooled := func(i int) float64 { return mean(i, pool.Populations[i]) }
	if !(pooled(small) > v2(small) && math.Abs(pooled(small)-0.97) < math.Abs(v2(small)-0.97)) {
		t.Fatalf("3/3 on a 0.97 node: pooled %v, v2 %v; want closer to 0.97", pooled(small), v2(small))
	}
	if pooled(fault) > 0.65 || math.Abs(pooled(fault)-v2(fault)) > 0.02 {
		t.Fatalf("60/100 on a 0.97 node: pooled %v, v2 %v; want it left near its own 0.6", pooled(fault), v2(fault))
	}
	if pooled(mate) < 0.95 {
		t.Fatalf("the faulty series dragged its node's other series to %v", pooled(mate))
	}
	// The pooled success interval takes in v2's own (the node's models
	// share a rate only so far), while the pooled estimate stays pooled.
	for i := range members {
		got, own := ScoreV2(members[i].Summary, pool.Populations[i], p), ScoreV2(members[i].Summary, pool.Models[members[i].Model], p)
		if got.SuccessLow > own.SuccessLow || got.SuccessHigh < own.SuccessHigh {
			t.Fatalf("member %d: pooled interval [%v, %v] leaves out v2's [%v, %v]", i, got.SuccessLow, got.SuccessHigh, own.SuccessLow, own.SuccessHigh)
		}
	}
	if a, b := ScoreV2(members[small].Summary, pool.Populations[small], p), ScoreV2(members[small].Summary, pool.Models["C"], p); a.SuccessLow != b.SuccessLow && a.SuccessHigh != b.SuccessHigh {
		t.Fatalf("3/3: the pooled interval [%v, %v] is neither end of v2's [%v, %v]: not the hull", a.SuccessLow, a.SuccessHigh, b.SuccessLow, b.SuccessHigh)
	}
	t.Logf("α %v ε %v; 3/3: v2 %.4f pooled %.4f; 60/100: v2 %.4f pooled %.4f; its mate: v2 %.4f pooled %.4f",
		pool.Alpha, pool.Epsilon, v2(small), pooled(small), v2(fault), pooled(fault), v2(mate), pooled(mate))
}

func TestPoolV2NodesAlphaZeroIsV2(t *testing.T) {
	// Every node serves one model: nothing to share, α = 0, and every
	// member is scored exactly as v2 scores it.
	var members []V2Member
	var sums []V2Summary
	for n := 0; n < 10; n++ {
		s := V2Summary{Passes: float64(90 + n), Tests: 100, Latency: 1 + 0.1*float64(n), LogLatencySE: 0.1}
		members = append(members, V2Member{Node: fmt.Sprintf("n%d", n), Model: "A", Summary: s})
		sums = append(sums, s)
	}
	pool := PoolV2Nodes(members)
	if pool.Alpha != 0 {
		t.Fatalf("α = %v with nothing to share", pool.Alpha)
	}
	pop := PoolV2(sums)
	for i, m := range members {
		if got, want := ScoreV2(m.Summary, pool.Populations[i], DefaultV2()), ScoreV2(m.Summary, pop, DefaultV2()); got != want {
			t.Fatalf("member %d: %+v, v2 %+v", i, got, want)
		}
	}
}

func TestPoolV2NodesBrokenInput(t *testing.T) {
	if pool := PoolV2Nodes(nil); len(pool.Populations) != 0 || pool.Alpha != 0 {
		t.Fatalf("no members: %+v", pool)
	}
	one := PoolV2Nodes([]V2Member{{Node: "n", Model: "A", Summary: V2Summary{Passes: 9, Tests: 10}}})
	if len(one.Populations) != 1 || one.Alpha != 0 {
		t.Fatalf("single series: %+v", one)
	}
	bad := region(map[string]counts{
		"n0A": {math.NaN(), 10}, "n0B": {5, math.NaN()}, "n1A": {-3, 10}, "n1B": {5, -10},
		"n2A": {math.Inf(1), math.Inf(1)}, "n2B": {20, 10},
	})
	bad = append(bad, V2Member{Model: "A", Summary: V2Summary{Passes: 1, Tests: 1}}) // no node
	pool := PoolV2Nodes(bad)
	if len(pool.Populations) != len(bad) || !finite(pool.Alpha) || !finite(pool.Epsilon) {
		t.Fatalf("broken input: α %v ε %v, %d populations", pool.Alpha, pool.Epsilon, len(pool.Populations))
	}
	for i, m := range bad {
		v := ScoreV2(m.Summary, pool.Populations[i], DefaultV2())
		for _, x := range []float64{v.SuccessRate, v.SuccessLow, v.SuccessHigh, v.Score, v.Low, v.High} {
			if !finite(x) || x < 0 || x > 1 {
				t.Fatalf("member %d (%+v): %+v", i, m.Summary, v)
			}
		}
	}
	// The member without a node keeps its model's prior.
	last := len(bad) - 1
	if &pool.Populations[last].prior[0] != &pool.Models["A"].prior[0] {
		t.Fatal("a series without a node was pooled")
	}
}

func TestPoolV2NodesChangingSeriesBorrowsNothing(t *testing.T) {
	// n8's C has 3 passes of 3 but its last hours disagree with its
	// memory (Change 3 ≥ 2.71): it keeps its model's prior, while its
	// tests still count for n8's A, whose prior moves.
	members := region(map[string]counts{"n8C": {3, 3}})
	still := PoolV2Nodes(members)
	for i := range members {
		if members[i].Node == "n8" && members[i].Model == "C" {
			members[i].Summary.Change = 3
		}
	}
	pool := PoolV2Nodes(members)
	for i, m := range members {
		if m.Node != "n8" {
			continue
		}
		own := &pool.Populations[i].prior[0] == &pool.Models[m.Model].prior[0]
		if (m.Model == "C") != own {
			t.Fatalf("%s: keeps its model's prior %v, want %v", m.Model, own, m.Model == "C")
		}
		if m.Model == "A" && pool.Populations[i].prior[90] != still.Populations[i].prior[90] {
			t.Fatal("a changing series' tests must still count for its node's others")
		}
	}
}

// BenchmarkPoolV2Nodes pools a region the size of bench/score's network:
// 100 nodes, each serving each of 12 models with chance 0.45 (about 540
// series), a week of tests each. It is what score v2 costs each time a
// job type's hours change (leaderboard.V2Cache keeps it otherwise).
func BenchmarkPoolV2Nodes(b *testing.B) {
	var members []V2Member
	for n := range 100 {
		p := 0.97 - 0.3*float64(n%10)/10
		for m := range 12 {
			if (n*7+m*13)%20 >= 9 { // 11 in 20
				continue
			}
			tests := 80 + float64((n*m)%60)
			members = append(members, V2Member{Node: fmt.Sprint(n), Model: fmt.Sprint(m),
				Summary: V2Summary{Tests: tests, Passes: math.Round(p * tests), Latency: 1 + float64(m)}})
		}
	}
	b.ReportMetric(float64(len(members)), "series")
	for b.Loop() {
		PoolV2Nodes(members)
	}
}

func TestPowAlphaIsPow(t *testing.T) {
	for _, l := range []float64{0, 1e-300, 0.001, 0.3, 0.5, 0.999, 1} {
		for k := 0; k <= 16; k++ {
			a := float64(k) / 16
			if got, want := powAlpha(l, a), math.Pow(l, a); math.Abs(got-want) > 1e-12*math.Max(want, 1e-300) && !(want == 0 && got == 0) {
				t.Errorf("powAlpha(%v, %v) = %v, math.Pow %v", l, a, got, want)
			}
		}
		if got, want := powAlpha(l, 0.3), math.Pow(l, 0.3); got != want {
			t.Errorf("powAlpha(%v, 0.3) = %v, want math.Pow's %v", l, got, want)
		}
	}
}
