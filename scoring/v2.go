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
	// SpellGain is how much better (in the same statistic as ChangeG) a
	// spell of failures that ended — an outage, a fault that was fixed —
	// must explain the hours than the best change does before its hours
	// are left out of the success rate; SpellHours the longest such spell
	// (hours). A longer one is a change of level, for the change cut.
	// 0: never. The default 6 is half of ChangeG: a spell has one edge
	// more than a change to pay for.
	SpellGain, SpellHours float64
}

// DefaultV2 returns the parameters the evaluation settled on.
func DefaultV2() V2Params {
	return V2Params{HalfLife: 168, LatencyHalfLife: 168, PriorTests: 4, ChangeG: 12,
		UnavailableExcused: 0.5, Z: 1.645, ChangeWiden: 2.71, SpellGain: 6, SpellHours: 48}
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
	// Spell is the spell of failures that ended which the success rate
	// leaves out (Passed + Failed 0: none).
	Spell V2Spell
	// Latency is the typical round trip of successful tests (seconds), 0
	// with none; LogLatencySE its standard error on the log scale.
	Latency      float64
	LogLatencySE float64
}

// V2Spell is a spell of failures that ended — an outage, a fault since
// fixed — that score v2's success rate leaves out: the ages of the start
// of its newest and of its oldest hour, and its tests.
type V2Spell struct {
	NewestAge, OldestAge float64
	Passed, Failed       int64
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
	// The success rate reads the hours without a spell of failures that
	// ended (an outage, a fault since fixed): it is not what the node does
	// now, and a change cut alone keeps it in the memory for days once the
	// node is back (the split into recent and older hours cannot isolate
	// hours in the middle).
	scored := hs
	g, k := changePoint(hs, math.Inf(1))
	if p.SpellGain > 0 {
		if a, b := endedSpell(hs, g, p.ChangeG, p.SpellGain, p.SpellHours); b > a {
			s.Spell = V2Spell{NewestAge: hs[a].Age, OldestAge: hs[b-1].Age}
			for _, h := range hs[a:b] {
				s.Spell.Passed += max(h.Passed, 0)
				s.Spell.Failed += max(h.Failed, 0)
			}
			scored = append(append(make([]V2Hour, 0, len(hs)-(b-a)), hs[:a]...), hs[b:]...)
			g, k = changePoint(scored, math.Inf(1))
		}
	}
	s.Change, _ = changePoint(scored, RecentHours)
	// Cut at the most recent significant change: after a drop and a
	// recovery, the memory starts at the recovery.
	cut := len(scored)
	for g >= p.ChangeG && k < cut {
		cut = k
		s.ChangeAge = scored[cut-1].Age
		g, k = changePoint(scored[:cut], math.Inf(1))
	}
	for i, h := range scored {
		if h.Age <= RecentHours {
			s.RecentPasses += float64(max(h.Passed, 0))
			s.RecentTests += float64(max(h.Passed, 0) + max(h.Failed, 0))
		}
		if i < cut {
			w := decay(h.Age, p.HalfLife)
			s.Passes += w * float64(max(h.Passed, 0))
			s.Tests += w * float64(max(h.Passed, 0)+max(h.Failed, 0))
		}
	}
	// Unavailability and latency read every hour: a spell's failures say
	// nothing of either.
	for _, h := range hs {
		w := decay(h.Age, p.HalfLife)
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

// endedSpell looks in hs (newest first) for a spell of failures that
// ended — an outage, a fault that was fixed: hours hs[a:b], with tested
// hours both after and before them and at most maxAge hours long, whose
// success rate is below the rest's, while the hours after and before it
// share one rate. It returns the spell whose model (spell apart, the rest
// one rate) fits best, if its statistic against one rate for all is at
// least g and it beats split, the statistic of the best split into recent
// and older (changePoint), by at least gain; else a = b = 0. A spell has at least two failures. A
// spell that fits best begins and ends with an hour that failed (an hour
// of passes at its edge would fit the rest better), so only those hours
// bound a candidate.
func endedSpell(hs []V2Hour, split, g, gain, maxAge float64) (int, int) {
	// cp and cn are the passes and tests of hs[:i]; failed lists the
	// hours with a failure.
	cp, cn := make([]float64, len(hs)+1), make([]float64, len(hs)+1)
	var failed []int
	for i, h := range hs {
		pass, fail := float64(max(h.Passed, 0)), float64(max(h.Failed, 0))
		cp[i+1], cn[i+1] = cp[i]+pass, cn[i]+pass+fail
		if fail > 0 {
			failed = append(failed, i)
		}
	}
	n := len(hs)
	totP, totN := cp[n], cn[n]
	if len(failed) == 0 || totP == 0 {
		return 0, 0
	}
	whole := binomLL(totP, totN)
	best, at, to := math.Max(g, split+gain)/2+whole, 0, 0
	for x, a := range failed {
		if cn[a] == 0 {
			continue // nothing tested after it: not ended
		}
		for _, last := range failed[x:] {
			if hs[last].Age-hs[a].Age > maxAge {
				break
			}
			b := last + 1
			sp, sn := cp[b]-cp[a], cn[b]-cn[a]
			rp, rn := totP-sp, totN-sn
			if cn[n] == cn[b] || sn-sp < minSpellFailures || sp*rn >= rp*sn {
				continue // nothing tested before it, one failure, or not below the rest
			}
			if l := binomLL(sp, sn) + binomLL(rp, rn); l >= best {
				best, at, to = l, a, b
			}
		}
	}
	return at, to
}

// minSpellFailures: one failure is a failure, not a spell, however
// reliable the node is otherwise (among a few hundred passes a lone
// failure's statistic passes 12).
const minSpellFailures = 2

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
