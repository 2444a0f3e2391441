package scoring

import "math"

// PoolV2 is the population of a model from its nodes' summaries: the
// decayed success rate of all their tests together, the distribution of
// the nodes' success rates (v2prior.go), and the median of their typical
// latencies (nodes without a successful test left out). With no test at
// all the success rate is 0.5, the least committal prior.
func PoolV2(sums []V2Summary) V2Population {
	var passes, tests float64
	var lat []float64
	xs, ns := make([]float64, len(sums)), make([]float64, len(sums))
	for i, s := range sums {
		passes += s.Passes
		tests += s.Tests
		xs[i], ns[i] = s.Passes, s.Tests
		if s.Latency > 0 && finite(s.Latency) {
			lat = append(lat, s.Latency)
		}
	}
	pop := V2Population{SuccessRate: 0.5}
	if tests > 0 {
		pop.SuccessRate = passes / tests
	}
	pop.Latency = MedianOf(lat)
	pop.prior = fitPrior(priorGrid, xs, ns, priorIterations, priorSmooth)
	return pop
}

// ScoreV2 scores one series' summary against its model's population.
//
//	p̂     = E[p | passes, tests]                 under the population's learned distribution of p
//	        (a population built by hand: (passes + k·μ) / (tests + k), k = PriorTests, μ = pop.SuccessRate)
//	L     = 0.8^(m/M)                            m = s.Latency, M = pop.Latency (ratio 1 when either is unknown)
//	A     = min(1, (1 − u) / (1 − UnavailableExcused))   u = unavailable / attempts
//	score = A · (0.65·p̂ + 0.35·L)
//
// The interval combines, in quadrature, the interval of p (the posterior's
// central 90 % at z 1.645; by hand: Wilson over tests + k) and the
// latency's interval exp(log m ± z·se); A and M are taken as known. When
// the last hours disagree with the memory (Change ≥ ChangeWiden), the
// interval of p also takes in the recent tests' own Wilson interval, and
// when their latency does (LatencyChange ≥ ChangeWiden), the latency's
// interval takes in theirs.
func ScoreV2(s V2Summary, pop V2Population, p V2Params) V2Score {
	mu := unit(pop.SuccessRate)
	k := math.Max(p.PriorTests, 0)
	n := math.Max(s.Tests, 0) + k
	out := V2Score{LatencyRatio: 1, Tests: math.Max(s.Tests, 0)}
	switch {
	case len(pop.prior) == len(priorGrid):
		out.SuccessRate, out.SuccessLow, out.SuccessHigh = posterior(priorGrid, pop.prior,
			math.Max(s.Passes, 0), math.Max(s.Tests, 0), normTail(p.Z))
		if len(pop.unpooled) == len(priorGrid) {
			_, lo, hi := posterior(priorGrid, pop.unpooled, math.Max(s.Passes, 0), math.Max(s.Tests, 0), normTail(p.Z))
			out.SuccessLow, out.SuccessHigh = math.Min(out.SuccessLow, lo), math.Max(out.SuccessHigh, hi)
		}
	case n > 0:
		out.SuccessRate = unit((math.Max(s.Passes, 0) + k*mu) / n)
		out.SuccessLow, out.SuccessHigh = wilsonBounds(out.SuccessRate, n, p.Z)
	default:
		out.SuccessRate, out.SuccessLow, out.SuccessHigh = mu, 0, 1
	}
	if p.ChangeWiden > 0 && s.Change >= p.ChangeWiden && s.RecentTests > 0 {
		lo, hi := wilsonBounds(math.Max(s.RecentPasses, 0)/s.RecentTests, s.RecentTests, p.Z)
		out.SuccessLow, out.SuccessHigh = math.Min(out.SuccessLow, lo), math.Max(out.SuccessHigh, hi)
	}
	if s.Attempts > 0 {
		out.UnavailableShare = unit(s.Unavailable / s.Attempts)
	}
	avail := 1.0
	if ex := unit(p.UnavailableExcused); ex < 1 {
		avail = math.Min(1, (1-out.UnavailableShare)/(1-ex))
	}
	lat := func(ratio float64) float64 { return math.Pow(DesiredScoreAtMedian, ratio) }
	var L, Llo, Lhi float64
	if s.Latency > 0 && pop.Latency > 0 && finite(s.Latency) && finite(pop.Latency) {
		out.LatencyRatio = s.Latency / pop.Latency
		spread := math.Exp(p.Z * math.Max(s.LogLatencySE, 0))
		L, Llo, Lhi = lat(out.LatencyRatio), lat(out.LatencyRatio*spread), lat(out.LatencyRatio/spread)
		if p.ChangeWiden > 0 && s.LatencyChange >= p.ChangeWiden && s.RecentLatency > 0 {
			r := lat(s.RecentLatency / pop.Latency)
			Llo, Lhi = math.Min(Llo, r), math.Max(Lhi, r)
		}
	} else {
		// Unknown latency: the model's typical, anywhere from twice as
		// fast to twice as slow.
		L, Llo, Lhi = lat(1), lat(2), lat(0.5)
	}
	mid := WeightSuccess*out.SuccessRate + WeightRTT*L
	down := math.Hypot(WeightSuccess*(out.SuccessRate-out.SuccessLow), WeightRTT*(L-Llo))
	up := math.Hypot(WeightSuccess*(out.SuccessHigh-out.SuccessRate), WeightRTT*(Lhi-L))
	out.Score = unit(avail * mid)
	out.Low = unit(avail * (mid - down))
	out.High = unit(avail * (mid + up))
	return out
}

// wilsonBounds is the Wilson score interval of a proportion p over n
// (possibly fractional) trials at normal quantile z.
func wilsonBounds(p, n, z float64) (float64, float64) {
	if n <= 0 || !finite(n) {
		return 0, 1
	}
	p = unit(p)
	z2 := z * z
	centre := p + z2/(2*n)
	margin := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	den := 1 + z2/n
	return unit((centre - margin) / den), unit((centre + margin) / den)
}
