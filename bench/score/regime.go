package main

import (
	"context"
	"fmt"
	"math"
	"time"

	"jobtester/bench/benchenv"
	"jobtester/models"
	"jobtester/sampling"
	"jobtester/scoring"
)

// regime is a sampling policy at a test budget (attempts per series per
// hour, on average).
type regime struct {
	Name   string
	Smart  bool
	Budget float64
}

// Methods scored in every regime.
const (
	mLegacy = iota
	mWilson
	mBeta     // v2 with the beta prior toward the model's mean (v2 before the learned prior)
	mUnpooled // v2 before node pooling: each series' success rate from its own tests and its model's population
	mV2       // v2: each model's population, pooled across the node's series (scoring.PoolV2Nodes)
	mOracle   // v2 told the true success rate
	mRest     // v2 told the true latency ratio and availability (estimates only p)
	mBayes    // the true latency ratio and availability, and p's posterior mean under the world's own draw (bayesRates)
	nMethods
)

var methodNames = [nMethods]string{"legacy", "wilson", "v2, beta prior", "v2, not node-pooled", "v2", "oracle: true p", "oracle: true latency & A", "oracle: Bayes p, true latency & A"}

// obs is one method's answer for one series at the end of one hour: the
// score, its stated interval (NaN when the method states none), and the
// interval it states for the success rate.
type obs struct {
	score, lo, hi, plo, phi float32
}

var noObs = obs{nan32, nan32, nan32, nan32, nan32}

var nan32 = float32(math.NaN())

// run is everything one regime produced.
type run struct {
	reg     regime
	scores  [nMethods][][]obs // [method][series][hour]
	tests   int
	unavail int
	maxGap  int // most hours between two attempts of a series (from the start, to the end)
	short   int // floor tests the budget could not cover
	elapsed time.Duration
	alpha   []float64 // node pooling's learned strength per hour
	epsilon []float64 // and its share held back for a series unlike its node
}

// sim is one regime in progress: the store and what the planner knows.
type sim struct {
	o        *options
	w        *world
	tr       *truth
	st       *models.Store
	base     time.Time
	run      *run
	index    map[seriesKey]int
	unav     [][]int32           // unavailable attempts per series and hour, as read back
	last     []int               // hour of the last attempt per series (-1: none)
	lastU    []bool              // the last attempt found no capacity
	v2       []obs               // last v2 answer, for the planner
	succ     []float64           // last v2 success rate (NaN: none)
	changes  []float64           // last change statistic
	carry    int                 // budget a round left unspent, for the next
	sums     []scoring.V2Summary // this hour's v2 summary per series
	fitSums  []scoring.V2Summary // the same without its newest hour, which node pooling learns from
	hasHours []bool              // the series has hours to score this hour
	tested   []tests             // scored tests per series so far at its base rate, for the Bayes oracle
}

type seriesKey struct {
	orch, pipeline, model string
}

func runRegime(ctx context.Context, o *options, w *world, tr *truth, reg regime) (*run, error) {
	began := time.Now()
	db, err := prepareDB(ctx, o, reg.Name)
	if err != nil {
		return nil, err
	}
	defer db.cleanup()
	st, err := models.Open(ctx, db.dsn, models.Options{SyncInterval: -1, Logger: benchenv.QuietLogger()})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := st.Start(ctx); err != nil {
		return nil, fmt.Errorf("start store: %w", err)
	}
	n := len(w.series)
	s := &sim{o: o, w: w, tr: tr, st: st, base: weekStart(time.Now(), w.hours), run: &run{reg: reg},
		index: map[seriesKey]int{}, unav: make([][]int32, n), last: make([]int, n), lastU: make([]bool, n),
		v2: make([]obs, n), succ: make([]float64, n), changes: make([]float64, n),
		sums: make([]scoring.V2Summary, n), fitSums: make([]scoring.V2Summary, n), hasHours: make([]bool, n),
		tested: make([]tests, n)}
	s.run.alpha, s.run.epsilon = make([]float64, w.hours), make([]float64, w.hours)
	for i := range w.series {
		sr := &w.series[i]
		p := pairDefs[sr.pair]
		s.index[seriesKey{w.orchs[sr.orch], p.Pipeline, p.Model}] = i
		s.unav[i] = make([]int32, w.hours)
		s.last[i] = -1
		s.v2[i], s.succ[i] = noObs, math.NaN()
	}
	for m := range s.run.scores {
		s.run.scores[m] = make([][]obs, n)
		for i := range s.run.scores[m] {
			s.run.scores[m][i] = make([]obs, w.hours)
		}
	}
	for h := 0; h < w.hours; h++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := s.hour(ctx, h); err != nil {
			return nil, fmt.Errorf("%s, hour %d: %w", reg.Name, h, err)
		}
	}
	for i := range s.last {
		s.run.maxGap = max(s.run.maxGap, w.hours-s.last[i])
	}
	s.run.elapsed = time.Since(began)
	return s.run, nil
}

// weekStart is midnight UTC far enough back for hours of simulated time to
// end before now, so the store's clock sees a finished past.
func weekStart(now time.Time, hours int) time.Time {
	return now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -(hours+23)/24-1)
}

// hour plans, runs and stores hour h's tests, then reads every method's
// scores at its end. A smart regime tests in three waves: the plan in the
// first half of the hour, then two waves of follow-ups (a quarter hour
// each) on what the earlier waves found.
func (s *sim) hour(ctx context.Context, h int) error {
	var batch []models.NewResult
	done := make([]int, len(s.w.series))
	probes := make([]sampling.Probe, len(s.w.series))
	run := func(counts []int, from, to float64) {
		for i, c := range counts {
			for range c {
				r := s.w.attempt(i, h, done[i], s.base, from, to)
				done[i]++
				batch = append(batch, r)
				s.run.maxGap = max(s.run.maxGap, h-s.last[i])
				s.last[i] = h
				s.lastU[i] = r.Outcome == models.OutcomeUnavailable
				s.run.tests++
				pr := &probes[i]
				pr.Tested++
				switch r.Outcome {
				case models.OutcomeUnavailable:
					s.run.unavail++
				case models.OutcomePass:
					pr.Passed++
				default:
					pr.Failed++
				}
				if sr := &s.w.series[i]; sr.at(h).p == sr.p0 && r.Outcome != models.OutcomeUnavailable {
					s.tested[i].add(r.Outcome == models.OutcomePass)
				}
			}
		}
	}
	if !s.run.reg.Smart {
		run(s.uniform(h), 0, 1)
	} else {
		budget := int(math.Round(s.run.reg.Budget*float64(len(s.w.series)))) + s.carry
		spent := s.run.tests
		run(s.plan(h, budget), 0, 0.5)
		for wave := 0; wave < 2; wave++ {
			for i := range probes {
				probes[i].SuccessRate = f64(float32(s.succ[i]), 0)
				probes[i].Busy = s.w.series[i].at(h).u >= busyAt
			}
			left := budget - (s.run.tests - spent)
			run(sampling.FollowUps(probes, left, s.o.policy), 0.5+0.25*float64(wave), 0.75+0.25*float64(wave))
		}
		// What the follow-ups left of the budget goes to the next round.
		s.carry = min(budget-(s.run.tests-spent), int(math.Round(s.o.policy.Reserve*float64(budget))))
	}
	for len(batch) > 0 {
		k := min(len(batch), 500)
		if err := s.st.Insert(ctx, batch[:k]...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		batch = batch[k:]
	}
	return s.read(ctx, h)
}

// busyAt is the chance of no capacity from which the gateway's capacity
// data shows a node full: a node answering 503 to most jobs this hour.
const busyAt = 0.6

// uniform is the uniform sweep's plan: every series once per 1/budget
// hours, staggered.
func (s *sim) uniform(h int) []int {
	counts := make([]int, len(s.w.series))
	every := max(int(math.Round(1/s.run.reg.Budget)), 1)
	for i := range counts {
		if (h+i)%every == 0 {
			counts[i] = 1
		}
	}
	return counts
}

// plan is the smart policy's first wave in hour h, within budget.
func (s *sim) plan(h, budget int) []int {
	in := make([]sampling.Series, len(s.w.series))
	for i := range in {
		sr := &s.w.series[i]
		v := s.v2[i]
		since := math.Inf(1)
		if s.last[i] >= 0 {
			since = float64(h - s.last[i])
		}
		in[i] = sampling.Series{Group: sr.pair, Score: f64(v.score, 0), Low: f64(v.lo, 0), High: f64(v.hi, 1),
			Change: s.changes[i], SinceTest: since, LastUnavailable: s.lastU[i], Busy: sr.at(h).u >= busyAt}
	}
	counts, short := sampling.Plan(in, budget, s.o.policy)
	s.run.short += short
	return counts
}

func f64(v float32, def float64) float64 {
	if math.IsNaN(float64(v)) {
		return def
	}
	return float64(v)
}
