package scoring

import (
	"math"
	"sort"
)

// Score v2 (docs/scoring.md) estimates, for one orchestrator's series of one
// pipeline and model, the compatible AI formula evaluated on the node's true
// behaviour: 0.65·p + 0.35·0.8^(m/M), where p is its chance of success when
// it has capacity, m its typical (median) latency of successful jobs and M
// the model's typical latency across nodes. It differs from the compatible
// score only in how it estimates p and m from what the hourly rollups hold:
//
//   - memory decays with a half-life instead of ending at a hard 24-hour
//     edge, so a steady node keeps days of evidence;
//   - a change test cuts the memory where the success rate changed, so the
//     long memory does not hide a node going bad or coming back;
//   - small samples are shrunk toward the model's pooled success rate;
//   - latency is the weighted median of hourly means of successful jobs (a
//     failed job's round trip says nothing of speed, and a long tail or a
//     cold start moves a median far less than a mean);
//   - unavailable attempts (no capacity) are counted apart; a node is
//     excused up to V2Params.UnavailableExcused of its attempts, beyond
//     that the score falls in proportion;
//   - every score carries a two-sided interval (90 % by default).

// V2Hour is one hour bucket of one series: additive counts and sums, as the
// hourly rollups keep them.
type V2Hour struct {
	// Age is how many hours before the moment scored the bucket starts
	// (the current, partial hour has an age below 1).
	Age          float64
	Passed       int64
	Failed       int64
	Unavailable  int64
	SumPassedRTT float64 // seconds, over the passed tests
}

// V2Params are the constants of score v2. DefaultV2 gives the ones
// docs/scoring.md argues for.
type V2Params struct {
	HalfLife           float64 // hours; memory of success and unavailability
	LatencyHalfLife    float64 // hours; memory of latency
	PriorTests         float64 // pseudo-tests at the model's success rate
	ChangeG            float64 // likelihood-ratio statistic that cuts the memory
	UnavailableExcused float64 // share of attempts that may be unavailable at no cost
	Z                  float64 // normal quantile of the interval (1.645: 90 %)
	// ChangeWiden is the change statistic (V2Summary.Change) from which
	// the success interval also takes in the last RecentHours' own Wilson
	// interval: the recent tests disagree with the memory, but not yet
	// enough to cut it, so the truth may be either. 0: never. The default,
	// 2.71, is the 90 % point of χ² with one degree of freedom: a change
	// at least as likely as the 10 % a 90 % interval leaves out. The same
	// threshold widens the latency's interval by LatencyChange.
	ChangeWiden float64
}

// DefaultV2 returns the parameters the evaluation settled on.
func DefaultV2() V2Params {
	return V2Params{HalfLife: 168, LatencyHalfLife: 168, PriorTests: 4, ChangeG: 12,
		UnavailableExcused: 0.5, Z: 1.645, ChangeWiden: 2.71}
}

// V2Summary is what one series' hours say on their own, before it is
// compared with the other nodes of its model.
type V2Summary struct {
	Tests       float64 // decayed pass+fail count since the change point
	Passes      float64 // decayed passes since the change point
	Unavailable float64 // decayed unavailable count (whole memory)
	Attempts    float64 // decayed count of every attempt (whole memory)
	// Change is the strongest change statistic between the last
	// RecentHours and the rest (0 with no evidence): what a planner
	// follows up on. ChangeAge is the age of the oldest hour the memory
	// kept after cutting at changes with a statistic ≥ ChangeG (0: none).
	Change    float64
	ChangeAge float64
	// RecentPasses and RecentTests count (not decayed) the passes and
	// scored tests of the last RecentHours.
	RecentPasses, RecentTests float64
	// RecentLatency is the typical latency of the last RecentHours (0:
	// none); LatencyChange how far it is from Latency: ((log recent −
	// log typical)/σ)²·n, n the recent hours' effective samples.
	RecentLatency, LatencyChange float64
	// Latency is the typical round trip of successful tests (seconds), 0
	// with none; LogLatencySE its standard error on the log scale.
	Latency      float64
	LogLatencySE float64
}

// V2Population is what a model's nodes say together: the prior every node
// is shrunk toward and the latency it is judged against.
type V2Population struct {
	SuccessRate float64 // pooled success rate of the model's nodes
	Latency     float64 // median of the nodes' typical latencies (seconds)
	// prior is the distribution of the nodes' success rates (weights over
	// priorGrid) that PoolV2 learned; without it (a population built by
	// hand) ScoreV2 shrinks toward SuccessRate with PriorTests.
	prior []float64
	// unpooled, when set, is the model's own prior that prior (pooled
	// with the node's other series, v2node.go) replaced: the success
	// interval also takes in the interval under it, since the node's
	// models share a rate only so far.
	unpooled []float64
}

// NodePooled reports whether the population's prior of the success rate
// is pooled with the other series of a node (PoolV2Nodes), not the
// model's alone.
func (p V2Population) NodePooled() bool { return p.unpooled != nil }

// V2Score is score v2 of one series with its interval and its parts.
type V2Score struct {
	Score, Low, High                     float64
	SuccessRate, SuccessLow, SuccessHigh float64
	LatencyRatio                         float64 // typical latency / the model's (1 when unknown)
	UnavailableShare                     float64
	Tests                                float64 // decayed tests behind the success rate
}

// SummarizeV2 reads one series' hours. Order does not matter; hours with a
// negative or non-finite age are ignored.
func SummarizeV2(hours []V2Hour, p V2Params) V2Summary {
	hs := make([]V2Hour, 0, len(hours))
	for _, h := range hours {
		if finite(h.Age) && h.Age >= 0 {
			hs = append(hs, h)
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Age < hs[j].Age })
	var s V2Summary
	s.Change, _ = changePoint(hs, RecentHours)
	// Cut at the most recent significant change: after a drop and a
	// recovery, the memory starts at the recovery.
	cut := len(hs)
	for {
		g, k := changePoint(hs[:cut], math.Inf(1))
		if g < p.ChangeG || k >= cut {
			break
		}
		cut = k
		s.ChangeAge = hs[cut-1].Age
	}
	for i, h := range hs {
		if h.Age <= RecentHours {
			s.RecentPasses += float64(max(h.Passed, 0))
			s.RecentTests += float64(max(h.Passed, 0) + max(h.Failed, 0))
		}
		w := decay(h.Age, p.HalfLife)
		if i < cut {
			s.Passes += w * float64(max(h.Passed, 0))
			s.Tests += w * float64(max(h.Passed, 0)+max(h.Failed, 0))
		}
		s.Unavailable += w * float64(max(h.Unavailable, 0))
		s.Attempts += w * float64(max(h.Passed, 0)+max(h.Failed, 0)+max(h.Unavailable, 0))
	}
	s.Latency, s.LogLatencySE = typicalLatency(hs, p.LatencyHalfLife)
	if s.Latency > 0 {
		// The last hours' typical latency, and how far it sits from the
		// memory's in the memory's spread (a z statistic, squared).
		_, sigma, _ := logLatency(hs, p.LatencyHalfLife, math.Inf(1))
		rec, _, n := logLatency(hs, 0, RecentHours)
		if n > 0 {
			s.RecentLatency = math.Exp(rec)
			d := (rec - math.Log(s.Latency)) / sigma
			s.LatencyChange = d * d * n
		}
	}
	return s
}

// RecentHours is how far back V2Summary.Change looks for a change: the
// signal a planner follows up on is about the last few hours.
const RecentHours = 6

// changePoint finds the split of hs (newest first) into a recent part
// hs[:k] (no older than within hours) and an older part hs[k:] whose
// success rates differ most, by the likelihood-ratio statistic
// G = 2·(ℓ(recent) + ℓ(older) − ℓ(both)). It returns G and k (len(hs) when
// no split has tests on both sides).
func changePoint(hs []V2Hour, within float64) (float64, int) {
	var totP, totN float64
	for _, h := range hs {
		totP += float64(max(h.Passed, 0))
		totN += float64(max(h.Passed, 0) + max(h.Failed, 0))
	}
	best, at := 0.0, len(hs)
	whole := binomLL(totP, totN)
	var rp, rn float64
	for k := 1; k < len(hs); k++ {
		h := hs[k-1]
		if h.Age > within {
			break
		}
		n := float64(max(h.Passed, 0) + max(h.Failed, 0))
		if n == 0 {
			continue
		}
		rp += float64(max(h.Passed, 0))
		rn += n
		if rn >= totN {
			break
		}
		g := 2 * (binomLL(rp, rn) + binomLL(totP-rp, totN-rn) - whole)
		if g > best {
			best, at = g, k
		}
	}
	return best, at
}

// binomLL is the log-likelihood of x successes in n at their own rate.
func binomLL(x, n float64) float64 {
	if n <= 0 {
		return 0
	}
	ll := 0.0
	if x > 0 {
		ll += x * math.Log(x/n)
	}
	if n-x > 0 {
		ll += (n - x) * math.Log((n-x)/n)
	}
	return ll
}

func decay(age, halfLife float64) float64 {
	if halfLife <= 0 {
		return 1
	}
	return math.Exp2(-age / halfLife)
}

// typicalLatency is the weighted median of the log hourly means of passed
// tests (weight: passes × decay) and its standard error. A lone sample gets
// a wide error (σ = 0.5 on the log scale) since its spread is unknown.
func typicalLatency(hs []V2Hour, halfLife float64) (float64, float64) {
	med, sigma, nEff := logLatency(hs, halfLife, math.Inf(1))
	if nEff == 0 {
		return 0, 0
	}
	return math.Exp(med), 1.2533 * sigma / math.Sqrt(nEff)
}

// logLatency is the weighted median of the log hourly means of passed
// tests no older than within hours, their spread σ (0.5 below 3 effective
// samples) and the effective number of samples (0: none).
func logLatency(hs []V2Hour, halfLife, within float64) (med, sigma, nEff float64) {
	var vals, ws []float64
	for _, h := range hs {
		if h.Passed <= 0 || !(h.SumPassedRTT > 0) || !finite(h.SumPassedRTT) || h.Age > within {
			continue
		}
		vals = append(vals, math.Log(h.SumPassedRTT/float64(h.Passed)))
		ws = append(ws, float64(h.Passed)*decay(h.Age, halfLife))
	}
	if len(vals) == 0 {
		return 0, 0, 0
	}
	med = weightedMedian(vals, ws)
	dev := make([]float64, len(vals))
	var sw, sw2 float64
	for i, v := range vals {
		dev[i] = math.Abs(v - med)
		sw += ws[i]
		sw2 += ws[i] * ws[i]
	}
	nEff = sw * sw / sw2
	sigma = 0.5
	if nEff >= 3 {
		sigma = math.Max(1.4826*weightedMedian(dev, ws), 0.05)
	}
	return med, sigma, nEff
}

// weightedMedian is the value where the cumulative weight first reaches
// half the total (the lower weighted median). It reorders nothing the
// caller keeps: it sorts copies.
func weightedMedian(vals, ws []float64) float64 {
	idx := make([]int, len(vals))
	total := 0.0
	for i := range idx {
		idx[i] = i
		total += ws[i]
	}
	sort.Slice(idx, func(a, b int) bool { return vals[idx[a]] < vals[idx[b]] })
	acc := 0.0
	for _, i := range idx {
		acc += ws[i]
		if acc >= total/2 {
			return vals[i]
		}
	}
	return vals[idx[len(idx)-1]]
}
