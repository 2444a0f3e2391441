package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"jobtester/ingest"
	"jobtester/leaderboard"
	"jobtester/models"
	"jobtester/rollup"
	"jobtester/scoring"
)

// read scores every series at the end of hour h through the production
// read path: Store.Totals and Store.MedianRoundTripTime over the last 24
// hours for the compatible and Wilson scores (what /api/aggregated_stats
// and the dashboard compute, via leaderboard.Score and
// leaderboard.Reliability), Store.History hour by hour for v2.
func (s *sim) read(ctx context.Context, h int) error {
	end := s.base.Add(time.Duration(h+1) * time.Hour)
	// The window ends a second before the next hour, which holds nothing
	// yet; both edges are whole hours, where every read is exact.
	last := end.Add(-time.Second)
	if err := s.readUnavailable(ctx, h, end.Add(-time.Hour), last); err != nil {
		return err
	}
	for p, members := range s.w.byPair {
		if len(members) == 0 {
			continue
		}
		pd := pairDefs[p]
		f := models.Filter{JobType: ingest.JobTypeAI, Region: region, Pipeline: pd.Pipeline, Model: pd.Model}
		day := models.Window{Since: end.Add(-24 * time.Hour), Until: last}
		totals, err := s.st.Totals(ctx, f, day)
		if err != nil {
			return fmt.Errorf("totals: %w", err)
		}
		median, err := s.st.MedianRoundTripTime(ctx, pd.Pipeline, pd.Model, region, day)
		if err != nil {
			return fmt.Errorf("median: %w", err)
		}
		for _, i := range members {
			for m := range s.run.scores {
				s.run.scores[m][i][h] = noObs
			}
		}
		for _, t := range totals {
			i, ok := s.index[seriesKey{t.Orchestrator, t.Pipeline, t.Model}]
			if !ok {
				return fmt.Errorf("unknown series %s %s", t.Orchestrator, t.Model)
			}
			legacy := leaderboard.Score(pd.Pipeline, t.Totals, median)
			s.run.scores[mLegacy][i][h] = obs{score: float32(legacy.Score), lo: nan32, hi: nan32, plo: nan32, phi: nan32}
			plo, phi := wilson95(t.Totals)
			s.run.scores[mWilson][i][h] = obs{score: float32(leaderboard.Reliability(pd.Pipeline, t.Totals, median)),
				lo: nan32, hi: nan32, plo: float32(plo), phi: float32(phi)}
		}
		if err := s.readV2(ctx, f, end, h, members); err != nil {
			return err
		}
	}
	s.readPooled(h)
	return nil
}

// readPooled scores every series with v2 as the API does: the summaries
// readV2 left of every pair of the hour, each model's population pooled
// across each node's series (scoring.PoolV2Nodes), and the oracles beside
// it. The members go pair by pair in readV2's order, so each model's
// population is the one readV2 scored without node pooling, to the bit.
func (s *sim) readPooled(h int) {
	var members []scoring.V2Member
	var idx []int
	for p, ms := range s.w.byPair {
		for _, i := range ms {
			members = append(members, scoring.V2Member{Node: strconv.Itoa(s.w.series[i].orch),
				Model: strconv.Itoa(p), Summary: s.sums[i]})
			idx = append(idx, i)
		}
	}
	// The strength is learned from the memory without its newest hour,
	// as the API learns it (leaderboard/v2pool.go).
	fit := make([]scoring.V2Member, len(members))
	for j, i := range idx {
		fit[j] = members[j]
		fit[j].Summary = s.fitSums[i]
	}
	pool := scoring.PoolV2NodesFrom(members, fit)
	s.run.alpha[h], s.run.epsilon[h] = pool.Alpha, pool.Epsilon
	p := s.o.v2
	for j, i := range idx {
		if !s.hasHours[i] {
			s.v2[i], s.succ[i], s.changes[i] = noObs, math.NaN(), 0
			continue
		}
		v := scoring.ScoreV2(s.sums[i], pool.Populations[j], p)
		s.run.scores[mV2][i][h] = obs{float32(v.Score), float32(v.Low), float32(v.High), float32(v.SuccessLow), float32(v.SuccessHigh)}
		// The policy plans by the interval of the evidence, as jobs'
		// planner does (planParams).
		pv := scoring.ScoreV2(s.sums[i], pool.Populations[j], planParams(p))
		s.v2[i], s.succ[i], s.changes[i] = obs{float32(pv.Score), float32(pv.Low), float32(pv.High), float32(pv.SuccessLow), float32(pv.SuccessHigh)},
			v.SuccessRate, s.sums[i].Change
		// The oracles: one knows the true success rate and estimates the
		// rest as v2 does; the other knows the true latency ratio and
		// availability and estimates the success rate as v2 does.
		avail := math.Min(1, (1-v.UnavailableShare)/(1-p.UnavailableExcused))
		s.run.scores[mOracle][i][h] = point(trueScore(avail, s.tr.P[i][h], v.LatencyRatio))
		s.run.scores[mRest][i][h] = point(trueScore(s.tr.Avail[i], v.SuccessRate, s.tr.Ratio[i][h]))
	}
	s.readBayes(h)
}

// readBayes scores every series with the Bayes oracle: its success rate
// the posterior mean given its node's tests at their base rates
// (bayesRates), or the truth where the world did not draw it as
// bayesRates assumes (an event changing its rate this hour, a
// model-specific fault); latency and availability the truth's.
func (s *sim) readBayes(h int) {
	for _, ss := range s.w.byOrch {
		var drawn []int
		var ts []tests
		for _, i := range ss {
			s.run.scores[mBayes][i][h] = point(trueScore(s.tr.Avail[i], s.tr.P[i][h], s.tr.Ratio[i][h]))
			if !s.w.series[i].fault {
				drawn = append(drawn, i)
				ts = append(ts, s.tested[i])
			}
		}
		for j, p := range s.w.rates.node(ts) {
			if i := drawn[j]; s.tr.P[i][h] == s.w.series[i].p0 {
				s.run.scores[mBayes][i][h] = point(trueScore(s.tr.Avail[i], p, s.tr.Ratio[i][h]))
			}
		}
	}
}

// wilson95 is the two-sided 95 % Wilson interval of the success rate the
// dashboard's reliability score takes the lower end of.
func wilson95(t rollup.Totals) (float64, float64) {
	if t.Results == 0 {
		return 0, 1
	}
	n := float64(t.Results)
	p := t.SumSuccessRate / n
	z2 := scoring.WilsonZ * scoring.WilsonZ
	centre, den := p+z2/(2*n), 1+z2/n
	margin := scoring.WilsonZ * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return (centre - margin) / den, (centre + margin) / den
}

// readV2 reads a week of hourly history of one pair, summarises each
// series for v2 (readPooled scores them), and scores it with v2 without
// node pooling and with the beta prior.
func (s *sim) readV2(ctx context.Context, f models.Filter, end time.Time, h int, members []int) error {
	lookback := min(h+1, s.o.lookback)
	hist, err := s.st.History(ctx, f, models.Window{Since: end.Add(-time.Duration(lookback) * time.Hour), Until: end.Add(-time.Second)}, time.Hour)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	hours := map[int][]scoring.V2Hour{}
	for _, sh := range hist {
		i, ok := s.index[seriesKey{sh.Orchestrator, sh.Pipeline, sh.Model}]
		if !ok {
			return fmt.Errorf("unknown series %s %s", sh.Orchestrator, sh.Model)
		}
		for _, pt := range sh.Points {
			hi := int(pt.Start.Sub(s.base) / time.Hour)
			if pt.Results == 0 && s.unav[i][hi] == 0 {
				continue
			}
			hours[i] = append(hours[i], v2Hour(end, pt.Start, pt.Totals.Passed, pt.Totals.Results-pt.Totals.Passed,
				int64(s.unav[i][hi]), pt.Totals.SumPassedRoundTripTime))
		}
	}
	// Hours with only unavailable attempts have no rollup bucket.
	for _, i := range members {
		if _, ok := hours[i]; ok {
			continue
		}
		for k := h - lookback + 1; k <= h; k++ {
			if s.unav[i][k] > 0 {
				hours[i] = append(hours[i], v2Hour(end, s.base.Add(time.Duration(k)*time.Hour), 0, 0, int64(s.unav[i][k]), 0))
			}
		}
	}
	p := s.o.v2
	sums := make([]scoring.V2Summary, len(members))
	for j, i := range members {
		sums[j] = scoring.SummarizeV2(hours[i], p)
		s.sums[i], s.hasHours[i] = sums[j], len(hours[i]) > 0
		s.fitSums[i] = scoring.SummarizeV2(scoring.WithoutNewestHour(hours[i]), p)
	}
	pop := scoring.PoolV2(sums)
	beta := scoring.V2Population{SuccessRate: pop.SuccessRate, Latency: pop.Latency}
	for j, i := range members {
		if len(hours[i]) == 0 {
			continue
		}
		v := scoring.ScoreV2(sums[j], pop, p)
		s.run.scores[mUnpooled][i][h] = obs{float32(v.Score), float32(v.Low), float32(v.High), float32(v.SuccessLow), float32(v.SuccessHigh)}
		b := scoring.ScoreV2(sums[j], beta, p)
		s.run.scores[mBeta][i][h] = obs{float32(b.Score), float32(b.Low), float32(b.High), float32(b.SuccessLow), float32(b.SuccessHigh)}
	}
	return nil
}

// planParams are v2's parameters as the sampling policy reads them: the
// interval without the widening for a change not yet cut (ChangeWiden),
// as jobs' planner reads it.
func planParams(p scoring.V2Params) scoring.V2Params {
	p.ChangeWiden = 0
	return p
}

// trueScore is the truth's formula: A·(0.65·p + 0.35·0.8^ratio), 0 when p is.
func trueScore(avail, p, ratio float64) float64 {
	if p <= 0 {
		return 0
	}
	return avail * (scoring.WeightSuccess*p + scoring.WeightRTT*math.Pow(scoring.DesiredScoreAtMedian, ratio))
}

func point(v float64) obs { return obs{float32(v), nan32, nan32, nan32, nan32} }

func v2Hour(end, start time.Time, passed, failed, unavailable int64, sumRTT float64) scoring.V2Hour {
	return scoring.V2Hour{Age: end.Sub(start).Hours(), Passed: passed, Failed: failed,
		Unavailable: unavailable, SumPassedRTT: sumRTT}
}

// readUnavailable counts hour h's unavailable attempts per series from the
// stored results: the hourly rollups count scored outcomes only.
func (s *sim) readUnavailable(ctx context.Context, h int, since, until time.Time) error {
	q := models.ResultQuery{Region: region, JobType: ingest.JobTypeAI, Outcome: models.OutcomeUnavailable,
		Since: since, Until: until, Limit: 500}
	for {
		page, err := s.st.Results(ctx, q)
		if err != nil {
			return fmt.Errorf("unavailable results: %w", err)
		}
		for _, r := range page.Results {
			if i, ok := s.index[seriesKey{r.Orchestrator, r.Pipeline, r.Model}]; ok {
				s.unav[i][h]++
			}
		}
		if page.Next == nil {
			return nil
		}
		q.Before = page.Next
	}
}
