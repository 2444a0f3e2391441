package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"

	"time"

	"jobtester/bench/benchenv"
)

// results are a whole evaluation: the world, its truth, and every regime's
// run and metrics.
type results struct {
	o          *options
	w          *world
	tr         *truth
	runs       []*run
	mets       [][nMethods]metrics
	truthChurn float64
}

func evaluateAll(ctx context.Context, o *options) (*results, error) {
	w := newWorld(o.seed, o.orchs, o.days*24, o.drops, o.faults)
	tr := newTruth(w)
	res := &results{o: o, w: w, tr: tr}
	benchenv.Logf("network: %s", res.describe())
	for _, reg := range o.regimes {
		r, err := runRegime(ctx, o, w, tr, reg)
		if err != nil {
			return nil, err
		}
		m, tc := evaluate(w, tr, r, o.warmup)
		res.runs, res.mets, res.truthChurn = append(res.runs, r), append(res.mets, m), tc
		benchenv.Logf("%s: %d tests, %s", reg.Name, r.tests, r.elapsed.Round(time.Millisecond))
	}
	return res, nil
}

func (res *results) describe() string {
	steady := 0
	for _, s := range res.w.series {
		if s.steady {
			steady++
		}
	}
	return fmt.Sprintf("seed %d, %d orchestrators, %d pipeline/model pairs, %d series (%d steady), %d hours, %d drops 0.95→0.5",
		res.o.seed, len(res.w.orchs), len(pairDefs), len(res.w.series), steady, res.w.hours, len(res.w.drops))
}

func (res *results) print(out io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(out, format, a...) }
	base := res.runs[0]
	p("# Score evaluation\n\n%s.\n", res.describe())
	p("Metrics over hours %d–%d; regime of the first table: %s (%d attempts, %.1f %% unavailable).\n\n",
		res.o.warmup, res.w.hours-1, base.reg.Name, base.tests, 100*ratio(base.unavail, base.tests))
	res.methodTable(out, 0, false)
	p("\nThe truth's own churn of steady nodes (movement caused by the nodes that do change): %.2f %%.\n\n", res.truthChurn)
	res.printPooling(out)
	p("## Sampling: v2 per test spent\n\n")
	p("| regime | attempts | per series-hour | τ mean | τ p5 | τ, ≥ %.2f apart | drop detected (median h) | ≤ 2 h | churn | score interval holds truth | most hours between attempts | floor tests short |\n", apartBy)
	p("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for k, r := range res.runs {
		mt := res.mets[k][mV2]
		per := float64(r.tests) / float64(len(res.w.series)*res.w.hours)
		p("| %s | %d | %.2f | %.3f | %.3f | %.3f | %s | %s | %.2f %% | %s | %d | %d |\n", r.reg.Name, r.tests, per, mt.TauMean, mt.TauP5, mt.TauApart,
			hours(median(mt.Detect)), within(mt.Detect, 2), mt.Churn, pct(mt.Coverage), r.maxGap, r.short)
	}
	for k := 1; k < len(res.runs); k++ {
		p("\n## Regime %s, every method\n\n", res.runs[k].reg.Name)
		res.methodTable(out, k, true)
	}
	p("\n## Time\n\n| regime | wall time |\n|---|---|\n")
	for _, r := range res.runs {
		p("| %s | %s |\n", r.reg.Name, r.elapsed.Round(100*time.Millisecond))
	}
}

// methodTable prints every method's figures in regime k; short leaves out
// the methods that only explain v2 (the beta prior, the second oracle).
func (res *results) methodTable(out io.Writer, k int, short bool) {
	p := func(format string, a ...any) { fmt.Fprintf(out, format, a...) }
	p("| method | τ mean | τ p5 | τ, nodes ≥ %.2f apart | churn of steady nodes | vs legacy | drop detected (median / max h) | ≤ 2 h | recovery (median h) | score interval holds truth (steady series) | success interval holds p |\n", apartBy)
	p("|---|---|---|---|---|---|---|---|---|---|---|\n")
	legacy := res.mets[k][mLegacy].Churn
	for m := 0; m < nMethods; m++ {
		if short && (m == mBeta || m == mRest || m == mWilson) {
			continue
		}
		mt := res.mets[k][m]
		p("| %s | %.3f | %.3f | %.3f | %.2f %% | %.2f | %s / %s | %s | %s | %s | %s |\n", methodNames[m], mt.TauMean, mt.TauP5, mt.TauApart,
			mt.Churn, mt.Churn/legacy, hours(median(mt.Detect)), hours(maxOf(mt.Detect)), within(mt.Detect, 2),
			hours(median(mt.Recover)), coverage(mt), pct(mt.SuccessCover))
	}
}

// printPooling prints node pooling's learned strength per regime and how
// the series with a model-specific fault fare, by method.
func (res *results) printPooling(out io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(out, format, a...) }
	faults := 0
	for _, s := range res.w.series {
		if s.fault {
			faults++
		}
	}
	p("## Node pooling\n\n| regime | α (mean over hours ≥ %d) | α (last hour) | ε (mean) | ε (last hour) |\n|---|---|---|---|---|\n", res.o.warmup)
	for _, r := range res.runs {
		last, from := res.w.hours-1, res.o.warmup
		p("| %s | %.3f | %.3f | %.3f | %.3f |\n", r.reg.Name, meanOf(r.alpha[from:]), r.alpha[last],
			meanOf(r.epsilon[from:]), r.epsilon[last])
	}
	if faults == 0 {
		p("\nNo series has a model-specific fault (-faults 0).\n\n")
		return
	}
	p("\n%d series with a model-specific fault (regime %s):\n\n", faults, res.runs[0].reg.Name)
	p("| method | faults: mean score − truth | faults: mean abs error | faults: mean rank error (%% of field) | other series: mean abs error |\n|---|---|---|---|---|\n")
	for m := 0; m < nMethods; m++ {
		mt := res.mets[0][m]
		p("| %s | %+.4f | %.4f | %.1f %% | %.4f |\n", methodNames[m], mt.FaultBias, mt.FaultErr, 100*mt.FaultRank, mt.AbsErr)
	}
	p("\n")
}

func coverage(mt metrics) string {
	if math.IsNaN(mt.Coverage) {
		return "–"
	}
	return pct(mt.Coverage) + " (" + pct(mt.CoverSteady) + ")"
}

func hours(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "never"
	}
	return fmt.Sprintf("%.0f", v)
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100*v)
}

func within(v []float64, h float64) string {
	n := 0
	for _, x := range v {
		if x <= h {
			n++
		}
	}
	return fmt.Sprintf("%d/%d", n, len(v))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	a, b := s[len(s)/2-1], s[len(s)/2]
	if math.IsInf(b, 1) {
		return b
	}
	return (a + b) / 2
}

func maxOf(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	m := v[0]
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}
