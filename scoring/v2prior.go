package scoring

import "math"

// The success rate of a node is estimated against the distribution of
// success rates of its model's nodes, learned from those nodes' own tests
// (empirical Bayes with a non-parametric prior). A single beta prior
// cannot hold what real networks look like — most nodes near 0.97, a group
// of mediocre ones, a few poor ones — and with it a node with 3 failures in
// 100 tests is pulled toward the average of all three groups. Against the
// learned distribution its estimate stays with the nodes that look like it,
// and differences among the good nodes that a week of tests cannot resolve
// are not ranked as if they were real. A node unlike every other keeps a
// share of the prior spread evenly, so the evidence of its own tests can
// always move it anywhere.

// priorGrid is the set of success rates the prior puts its weight on:
// evenly spaced in log-odds from 0.011 to 0.9985, which is fine near 1
// (steps of 0.003 around 0.97) where good nodes differ by little.
var priorGrid = func() []float64 {
	const n, lo, hi = 96, -4.5, 6.5
	g := make([]float64, n)
	for i := range g {
		x := lo + (hi-lo)*float64(i)/float64(n-1)
		g[i] = 1 / (1 + math.Exp(-x))
	}
	return g
}()

// priorIterations is how many EM steps fit the prior. EM moves the weights
// toward the maximum-likelihood distribution slowly; a fixed, modest count
// keeps the fit smooth (and deterministic and cheap: 47 nodes × 96 points
// × 25 steps).
const priorIterations = 25

// fitPrior fits weights over grid to the nodes' (passes, tests), by
// iters steps of EM from even weights, smooths them (sigma grid steps),
// then mixes in one extra node's worth of even weight:
// (N·fit + even)/(N + 1). Nodes without tests say nothing and are left
// out; with none the prior is nil.
func fitPrior(grid, passes, tests []float64, iters int, sigma float64) []float64 {
	var lik [][]float64
	for i := range tests {
		if tests[i] > 0 && finite(tests[i]) && finite(passes[i]) {
			lik = append(lik, likelihoods(grid, passes[i], tests[i]))
		}
	}
	if len(lik) == 0 || len(grid) == 0 {
		return nil
	}
	even := 1 / float64(len(grid))
	w := make([]float64, len(grid))
	for g := range w {
		w[g] = even
	}
	next := make([]float64, len(grid))
	for range iters {
		clear(next)
		for _, l := range lik {
			den := 0.0
			for g := range w {
				den += w[g] * l[g]
			}
			for g := range w {
				next[g] += w[g] * l[g] / den
			}
		}
		for g := range w {
			w[g] = next[g] / float64(len(lik))
		}
	}
	w = smooth(w, sigma)
	n := float64(len(lik))
	for g := range w {
		w[g] = (n*w[g] + even) / (n + 1)
	}
	return w
}

// priorSmooth is the spread (in grid steps, 0.116 of log-odds each: 0.46
// in all, ±0.013 around 0.97) of the kernel the fitted weights are
// smoothed with. docs/scoring.md shows what it does to the intervals.
const priorSmooth = 4

// smooth convolves w with a Gaussian kernel of sigma grid steps (weight
// that would fall off the grid is dropped and the rest renormalised). EM
// piles the weight of a group of similar nodes onto one or two points;
// smoothing gives the group back a width, so a node of the group is not
// stated to sit exactly where the pile is.
func smooth(w []float64, sigma float64) []float64 {
	if sigma <= 0 {
		return w
	}
	out := make([]float64, len(w))
	total := 0.0
	for g := range out {
		for k, v := range w {
			d := float64(g-k) / sigma
			if d*d < 36 {
				out[g] += v * math.Exp(-d*d/2)
			}
		}
		total += out[g]
	}
	for g := range out {
		out[g] /= total
	}
	return out
}

// likelihoods is, for each grid point q, the likelihood of x successes in
// n (possibly fractional, decayed) trials at rate q, scaled so the largest
// is 1 (only ratios matter, and the scaling keeps long records from
// underflowing).
func likelihoods(grid []float64, x, n float64) []float64 {
	x = math.Min(math.Max(x, 0), n)
	out := make([]float64, len(grid))
	top := math.Inf(-1)
	logs := priorGridLogs
	if len(grid) == 0 || &grid[0] != &priorGrid[0] {
		logs = gridLogs(grid)
	}
	for g := range grid {
		out[g] = x*logs[g][0] + (n-x)*logs[g][1]
		top = math.Max(top, out[g])
	}
	for g := range out {
		out[g] = math.Exp(out[g] - top)
	}
	return out
}

// posterior returns the mean of the success rate given x successes in n
// trials under prior weights w over grid, and its two-sided interval with
// tail mass tail on each side. For the interval each grid point's weight
// is spread evenly over its cell (from the midpoint with its lower
// neighbour to the midpoint with its upper one; the outer cells reach 0
// and 1), so the bounds move smoothly with the evidence.
func posterior(grid, w []float64, x, n, tail float64) (mean, lo, hi float64) {
	post := likelihoods(grid, x, math.Max(n, 0))
	total := 0.0
	for g := range post {
		post[g] *= w[g]
		total += post[g]
	}
	if !(total > 0) {
		return 0.5, 0, 1
	}
	for g := range post {
		post[g] /= total
		mean += post[g] * grid[g]
	}
	edge := func(g int) float64 {
		switch {
		case g <= 0:
			return 0
		case g >= len(grid):
			return 1
		}
		return (grid[g-1] + grid[g]) / 2
	}
	quantile := func(q float64) float64 {
		acc := 0.0
		for g, m := range post {
			if acc+m >= q && m > 0 {
				return edge(g) + (q-acc)/m*(edge(g+1)-edge(g))
			}
			acc += m
		}
		return 1
	}
	lo, hi = quantile(tail), quantile(1-tail)
	return mean, math.Min(lo, mean), math.Max(hi, mean)
}

// normTail is the upper tail mass beyond z of the standard normal: the
// share of the posterior left out on each side of a two-sided interval at
// normal quantile z (0.05 for 1.645).
func normTail(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// gridLogs is log q and log(1 − q) for each q of grid: every likelihood
// over the grid needs them, and priorGrid's are computed once
// (priorGridLogs), since scoring a region computes thousands.
func gridLogs(grid []float64) [][2]float64 {
	out := make([][2]float64, len(grid))
	for g, q := range grid {
		out[g] = [2]float64{math.Log(q), math.Log1p(-q)}
	}
	return out
}

var priorGridLogs = gridLogs(priorGrid)
