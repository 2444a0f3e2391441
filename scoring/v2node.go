package scoring

import "math"

// Node pooling. A node's series (its pipeline/models) share a machine and
// an operator, so what its other series' tests say about their success
// rates says something about this one's: a series with 130 tests a week
// borrows the tests of the node's other models. How much it says is not
// assumed but learned from the region's series (empirical Bayes), and a
// share of every series is allowed to be unlike its node — a model that
// keeps failing on a node whose other models are fine.
//
// The model behind it: a node has a rate r; each of its series is, with
// chance 1−ε, "like its node" (its rate is r, its tests worth α of a test
// of r: another model, another code path, so not quite the same rate) or,
// with chance ε, unlike it (its rate drawn from its model's population,
// saying nothing of r). The prior of series s (model m) over priorGrid is
//
//	prior_s(q) = (1−ε)·pop_m(q)·F_s(q)/Z + ε·pop_m(q)
//	F_s(r)     = Π_{j ≠ s on s's node} [(1−ε)·L_j(r)^α + ε·M_j]
//
// with L_j the binomial likelihood of series j's decayed passes and tests
// (scaled to a largest value of 1), M_j = Σ_q pop_j(q)·L_j(q)^α what the
// same evidence is worth if j is unlike its node, and Z normalising the
// pooled part. Leave-one-out: s's own tests are not in F_s, so they are
// not counted twice when s is scored.
//
// Why not the simpler pop_m·(Π_j L_j)^α (the node's other tests summed):
// tried first, it failed on the world with faults. One faulty series in a
// node drags the summed likelihood of every other series of that node
// toward its failures, so the region's best α fell from 0.8 to 0.06 and
// pooling helped nobody. In the product above a series that is unlike
// the node contributes a near-constant factor (its ε·M_j term wins), so it
// neither drags its node nor is dragged by it.
//
// α and ε are chosen together on small grids by the marginal likelihood of
// every series' own tests under its leave-one-out prior,
// Σ_s log Σ_q L_s(q)·prior_s(q): the prior built from the others must
// predict what the series itself saw. α = 0 is v2 as it was, exactly.
// (In bench/score, seeds 1–3, α comes out at 1 and ε at 0.2 once a day of
// tests is in.)
//
// A series whose last hours disagree with its own memory (nodeAloneChange)
// borrows nothing: a drop on one model showed up later under pooling (4 of
// 10 drops ranked down within 2 hours on seed 2 with smart sampling,
// against v2's 7), since its node's week of good tests held it up.
//
// Tried and left out: a learned spread of a series' rate around its
// node's (the node's factor blurred by a Gaussian of 0.5–4 grid steps in
// log-odds, chosen by the same likelihood once α and ε were): the
// evidence chose none or almost none, and no figure moved.

// V2Member is one series of a region as node pooling reads it.
type V2Member struct {
	Node    string // the orchestrator ("": shares with no one)
	Model   string // the pipeline/model: series of one model share a population
	Summary V2Summary
}

// V2NodePool is node pooling's outcome for a region.
type V2NodePool struct {
	// Alpha and Epsilon are the learned pooling strength and the share
	// of series unlike their node.
	Alpha, Epsilon float64
	// Models are the model populations (PoolV2 of each model's members,
	// in the order given).
	Models map[string]V2Population
	// Populations are, per member (in the order given), its model's
	// population with the prior of the success rate replaced by the
	// node-pooled one; ScoreV2 scores a member against it.
	Populations []V2Population
}

// nodeAlphas are the pooling strengths tried. 0 comes first so that a tie
// keeps v2 as it was; the steps are finer near 0, where a handful of
// series can already tell a weak sharing from none.
var nodeAlphas = []float64{0, 0.0625, 0.125, 0.25, 0.5, 0.75, 1}

// nodeEpsilons are the shares of series unlike their node that are tried.
// Not below 0.02: a region with no such series in sight would otherwise
// learn that none can exist, and the first would be held at its node's
// rate until its own tests outweighed all of its node's.
var nodeEpsilons = []float64{0.02, 0.05, 0.1, 0.2, 0.4}

// nodeAloneChange is the change statistic (V2Summary.Change) from which a
// series borrows nothing from its node: its last hours disagree with its
// own memory, and its node's other series, whose evidence is mostly older,
// say what it was rather than what it is. It still lends its tests to the
// others. 2.71 is the 90 % point of χ² with one degree of freedom, the
// threshold at which v2 already widens the interval (ChangeWiden).
const nodeAloneChange = 2.71

// PoolV2Nodes pools each model's members (PoolV2, as v2 does) and then
// each member with the other series of its node, at the strength learned
// from all members together. Members without a node share nothing; counts
// that are negative or not finite count as no tests. With α = 0 every
// member's population is its model's, exactly.
func PoolV2Nodes(members []V2Member) V2NodePool {
	models := PoolV2Models(members)
	alpha, eps := FitV2Nodes(members, models)
	return PoolV2NodesAt(members, models, alpha, eps)
}

// PoolV2NodesFrom pools members at the strength learned from learn: the
// same series in the same order, summarised over the memory without its
// newest hour (WithoutNewestHour). This is how the API, the pages and the
// planner score v2; leaderboard's cache computes the same in parts.
func PoolV2NodesFrom(members, learn []V2Member) V2NodePool {
	alpha, eps := FitV2Nodes(learn, PoolV2Models(learn))
	return PoolV2NodesAt(members, PoolV2Models(members), alpha, eps)
}

// PoolV2Models pools each model's members (PoolV2 of their summaries, in
// the order given).
func PoolV2Models(members []V2Member) map[string]V2Population {
	byModel := map[string][]V2Summary{}
	for _, m := range members {
		byModel[m.Model] = append(byModel[m.Model], m.Summary)
	}
	out := make(map[string]V2Population, len(byModel))
	for model, sums := range byModel {
		out[model] = PoolV2(sums)
	}
	return out
}

// FitV2Nodes learns the pooling strength α and the share ε of series
// unlike their node from members and their models' populations
// (PoolV2Models): the pair on the grids under which every member's own
// tests are likeliest given its node's other series.
func FitV2Nodes(members []V2Member, models map[string]V2Population) (alpha, eps float64) {
	return newNodeModelOf(members, models).fit(nodeAlphas, nodeEpsilons)
}

// PoolV2NodesAt pools each member with the other series of its node at
// strength alpha with share eps unlike their node, against its model's
// population in models (PoolV2Models of the same members, or of members
// whose summaries differ only in what pooling does not read: the caller
// may keep populations of models none of whose members changed).
func PoolV2NodesAt(members []V2Member, models map[string]V2Population, alpha, eps float64) V2NodePool {
	out := V2NodePool{Alpha: alpha, Epsilon: eps, Models: models, Populations: make([]V2Population, len(members))}
	for i, m := range members {
		out.Populations[i] = models[m.Model]
	}
	if alpha <= 0 {
		return out
	}
	nm := newNodeModelOf(members, models)
	for i, p := range nm.priors(nm.temper(alpha), eps) {
		if own := out.Populations[i].prior; len(p) > 0 && len(own) > 0 && &p[0] != &own[0] {
			out.Populations[i].prior, out.Populations[i].unpooled = p, out.Populations[i].prior
		}
	}
	return out
}

// newNodeModelOf is the node model of members against their models'
// populations.
func newNodeModelOf(members []V2Member, models map[string]V2Population) *nodeModel {
	pops := make([][]float64, len(members))
	own := make([]counts, len(members))
	nodes := make([]string, len(members))
	for i, m := range members {
		if p := models[m.Model].prior; len(p) == len(priorGrid) {
			pops[i] = p
		}
		own[i], nodes[i] = cleanCounts(m.Summary), m.Node
	}
	nm := newNodeModel(priorGrid, pops, own, nodes)
	for i, m := range members {
		nm.alone[i] = m.Summary.Change >= nodeAloneChange
	}
	return nm
}

// counts are decayed passes x of n scored tests.
type counts struct{ x, n float64 }

// cleanCounts keeps what a summary says of its success rate, and nothing
// from counts that cannot be counts.
func cleanCounts(s V2Summary) counts {
	if !finite(s.Tests) || !finite(s.Passes) || s.Tests <= 0 {
		return counts{}
	}
	return counts{math.Min(math.Max(s.Passes, 0), s.Tests), s.Tests}
}

// nodeModel holds a region's series for pooling over grid: each member's
// population prior (nil: none), its own counts, and the members of each
// node that have a population prior.
type nodeModel struct {
	grid  []float64
	pops  [][]float64
	own   []counts
	lik   [][]float64 // own likelihood over grid, scaled (nil: no tests)
	alone []bool      // changing on its own: shares its tests, borrows none
	nodes [][]int
	of    []int // index into nodes per member, -1: none
}

func newNodeModel(grid []float64, pops [][]float64, own []counts, nodes []string) *nodeModel {
	nm := &nodeModel{grid: grid, pops: pops, own: own, lik: make([][]float64, len(own)), of: make([]int, len(own)),
		alone: make([]bool, len(own))}
	at := map[string]int{}
	for i := range own {
		nm.of[i] = -1
		if pops[i] == nil {
			continue
		}
		if own[i].n > 0 {
			nm.lik[i] = likelihoods(grid, own[i].x, own[i].n)
		}
		// A series without tests of its own is still pooled: it is the
		// one its node's other series say most about.
		if nodes[i] == "" {
			continue
		}
		k, ok := at[nodes[i]]
		if !ok {
			k = len(nm.nodes)
			at[nodes[i]] = k
			nm.nodes = append(nm.nodes, nil)
		}
		nm.nodes[k] = append(nm.nodes[k], i)
		nm.of[i] = k
	}
	return nm
}

// tempered is every member's own likelihood to the power alpha (nil: no
// tests) and M, its weight under its model's population.
type tempered struct {
	alpha float64
	lik   [][]float64
	m     []float64
}

func (nm *nodeModel) temper(alpha float64) tempered {
	t := tempered{alpha: alpha, lik: make([][]float64, len(nm.own)), m: make([]float64, len(nm.own))}
	for _, node := range nm.nodes {
		if len(node) < 2 || alpha <= 0 {
			continue
		}
		for _, j := range node {
			f := make([]float64, len(nm.grid))
			for g := range f {
				// No tests: a likelihood of 1 everywhere, a factor of 1.
				f[g] = 1
				if nm.lik[j] != nil {
					f[g] = powAlpha(nm.lik[j][g], alpha)
				}
				t.m[j] += nm.pops[j][g] * f[g]
			}
			t.lik[j] = f
		}
	}
	return t
}

// priors returns every member's node-pooled prior at (t.alpha, eps) (see
// the top of the file); a member without a population prior keeps nil,
// one without other series with tests on its node keeps its model's.
func (nm *nodeModel) priors(t tempered, eps float64) [][]float64 {
	out := append([][]float64(nil), nm.pops...)
	if t.alpha <= 0 {
		return out
	}
	G := len(nm.grid)
	for _, node := range nm.nodes {
		if len(node) < 2 {
			continue
		}
		// The product over the node of each series' factor
		// (1−ε)·L^α + ε·M; a member's F is the product without its own
		// factor (every factor is at least ε·M > 0).
		total := make([]float64, G)
		for g := range total {
			total[g] = 1
		}
		for _, j := range node {
			for g, l := range t.lik[j] {
				total[g] *= (1-eps)*l + eps*t.m[j]
			}
		}
		for _, s := range node {
			if nm.alone[s] {
				continue
			}
			pop, p := nm.pops[s], make([]float64, G)
			z := 0.0
			for g, l := range t.lik[s] {
				p[g] = pop[g] * total[g] / ((1-eps)*l + eps*t.m[s])
				z += p[g]
			}
			if !(z > 0) || !finite(z) {
				continue
			}
			for g := range p {
				p[g] = (1-eps)*p[g]/z + eps*pop[g]
			}
			out[s] = p
		}
	}
	return out
}

// fit picks α and ε from the grids by the leave-one-out marginal
// likelihood Σ_s log Σ_g L_s(g)·prior_s(g) over the members with tests of
// their own. Ties keep the earlier α (the smaller), then the earlier ε;
// with α = 0 the prior is the model's whatever ε, so ε is the first.
func (nm *nodeModel) fit(alphas, epss []float64) (a, e float64) {
	best := math.Inf(-1)
	if len(epss) > 0 {
		e = epss[0]
	}
	for _, alpha := range alphas {
		t := nm.temper(alpha)
		for k, eps := range epss {
			if alpha <= 0 && k > 0 {
				break
			}
			if ll := nm.loglik(nm.priors(t, eps)); ll > best {
				a, e, best = alpha, eps, ll
			}
		}
	}
	return a, e
}

// loglik is Σ_s log Σ_g L_s(g)·prior_s(g) over the members with tests.
func (nm *nodeModel) loglik(priors [][]float64) float64 {
	ll := 0.0
	for i, p := range priors {
		if nm.lik[i] == nil {
			continue
		}
		m := 0.0
		for g, l := range nm.lik[i] {
			m += l * p[g]
		}
		ll += math.Log(m)
	}
	return ll
}

// powAlpha is l^alpha for l in [0, 1]. The strengths tried are sixteenths
// (nodeAlphas), for which it multiplies square roots (l^(1/2), l^(1/4),
// …) instead of calling math.Pow: pooling a region tempers every series'
// likelihood at every strength, and Pow was a third of its time.
func powAlpha(l, alpha float64) float64 {
	k := alpha * 16
	if k != math.Trunc(k) || k < 0 || k > 16 {
		return math.Pow(l, alpha)
	}
	n := int(k)
	if n == 16 {
		return l
	}
	out, root := 1.0, l
	for bit := 8; bit >= 1; bit >>= 1 {
		root = math.Sqrt(root) // l^(bit/16)
		if n&bit != 0 {
			out *= root
		}
	}
	return out
}

// WithoutNewestHour is hours less the newest one (Age ≤ 1: the hour that
// holds the moment scored, or ends with it). Node pooling's strength is
// learned from these (leaderboard, bench/score): the hour a tester is
// writing into does not move it, so it need not be learned again on every
// write.
func WithoutNewestHour(hours []V2Hour) []V2Hour {
	out := make([]V2Hour, 0, len(hours))
	for _, h := range hours {
		if h.Age > 1 {
			out = append(out, h)
		}
	}
	return out
}
