package main

import (
	"math"
	"sort"
)

// metrics are one method's figures in one regime, over the hours after the
// warm-up.
type metrics struct {
	TauMean, TauP5 float64
	TauApart       float64   // mean τ over pairs of nodes whose true scores are ≥ apart
	Tau            []float64 // per hour (NaN in the warm-up)
	Churn          float64   // steady series: mean |rank change| over 24 h, % of the field
	Detect         []float64 // hours to leave the former rank band, per drop (+Inf: never)
	Recover        []float64 // hours to come back into it after the recovery (+Inf: never)
	Coverage       float64   // share of series-hours whose score interval holds the truth (NaN: none stated)
	SuccessCover   float64   // same for the success-rate interval against the true p
	CoverSteady    float64   // Coverage over the steady series only
	// Over the series with a model-specific fault (NaN: none): mean
	// score − T, mean |score − T|, and mean |rank − true rank| as a share
	// of the field; AbsErr is mean |score − T| over all other series.
	FaultBias, FaultErr, FaultRank, AbsErr float64
}

// evaluate computes every method's metrics of a run, and the truth's own
// churn (the floor any method's churn is compared with).
func evaluate(w *world, tr *truth, r *run, warmup int) (out [nMethods]metrics, truthChurn float64) {
	for m := range out {
		out[m] = methodMetrics(w, tr, r.scores[m], warmup)
	}
	truthChurn = churn(w, func(i, h int) float64 { return tr.T[i][h] }, warmup)
	return out, truthChurn
}

func methodMetrics(w *world, tr *truth, sc [][]obs, warmup int) metrics {
	val := func(i, h int) float64 { return float64(sc[i][h].score) }
	var mt metrics
	mt.Tau = make([]float64, w.hours)
	var taus []float64
	for h := 0; h < w.hours; h++ {
		mt.Tau[h] = math.NaN()
		if h < warmup {
			continue
		}
		sum, wsum, apart := 0.0, 0.0, 0.0
		for _, members := range w.byPair {
			if len(members) < 2 {
				continue
			}
			a, b := make([]float64, len(members)), make([]float64, len(members))
			for j, i := range members {
				a[j], b[j] = val(i, h), tr.T[i][h]
			}
			sum += kendall(a, b, 0) * float64(len(members))
			apart += kendall(a, b, apartBy) * float64(len(members))
			wsum += float64(len(members))
		}
		mt.Tau[h] = sum / wsum
		taus = append(taus, mt.Tau[h])
		mt.TauApart += apart / wsum
	}
	mt.TauMean, mt.TauP5 = meanOf(taus), percentile(taus, 5)
	mt.TauApart /= math.Max(float64(len(taus)), 1)
	mt.Churn = churn(w, val, warmup)
	mt.Detect, mt.Recover = detection(w, val)
	var in, inP, n, nP, inS, nS int
	for i := range w.series {
		for h := warmup; h < w.hours; h++ {
			o := sc[i][h]
			if !math.IsNaN(float64(o.lo)) {
				n++
				t := float32(tr.T[i][h])
				hit := o.lo <= t && t <= o.hi
				if hit {
					in++
				}
				if w.series[i].steady {
					nS++
					if hit {
						inS++
					}
				}
			}
			if !math.IsNaN(float64(o.plo)) {
				nP++
				if p := tr.P[i][h]; float64(o.plo) <= p+1e-6 && p-1e-6 <= float64(o.phi) {
					inP++
				}
			}
		}
	}
	mt.Coverage, mt.SuccessCover, mt.CoverSteady = ratio(in, n), ratio(inP, nP), ratio(inS, nS)
	mt.FaultBias, mt.FaultErr, mt.FaultRank, mt.AbsErr = faultMetrics(w, tr, val, warmup)
	return mt
}

// faultMetrics measures how the series with a model-specific fault fare:
// pooling a node's series must not drag them up toward their node. A
// series without a score counts as scoring 0 (it ranks last).
func faultMetrics(w *world, tr *truth, val func(i, h int) float64, warmup int) (bias, absErr, rankErr, others float64) {
	var nF, nO int
	for _, members := range w.byPair {
		has := false
		for _, i := range members {
			has = has || w.series[i].fault
		}
		for h := warmup; h < w.hours; h++ {
			var got, want []float64
			if has {
				got, want = rankAt(members, val, h), rankAt(members, func(i, h int) float64 { return tr.T[i][h] }, h)
			}
			for j, i := range members {
				d := val(i, h)
				if math.IsNaN(d) {
					d = 0
				}
				d -= tr.T[i][h]
				if !w.series[i].fault {
					others += math.Abs(d)
					nO++
					continue
				}
				bias += d
				absErr += math.Abs(d)
				rankErr += math.Abs(got[j]-want[j]) / float64(len(members))
				nF++
			}
		}
	}
	if nF == 0 {
		return math.NaN(), math.NaN(), math.NaN(), others / math.Max(float64(nO), 1)
	}
	return bias / float64(nF), absErr / float64(nF), rankErr / float64(nF), others / math.Max(float64(nO), 1)
}

// rankAt ranks the members of a pair by val at hour h (1 = best).
func rankAt(members []int, val func(i, h int) float64, h int) []float64 {
	v := make([]float64, len(members))
	for j, i := range members {
		v[j] = val(i, h)
	}
	return ranks(v)
}

// churn is the mean, over steady series and hours a day apart after the
// warm-up, of how far the series moved in rank, as a share of its field.
func churn(w *world, val func(i, h int) float64, warmup int) float64 {
	total, n := 0.0, 0
	for _, members := range w.byPair {
		for h := warmup + 24; h < w.hours; h++ {
			now, before := rankAt(members, val, h), rankAt(members, val, h-24)
			for j, i := range members {
				if w.series[i].steady {
					total += math.Abs(now[j]-before[j]) / float64(len(members))
					n++
				}
			}
		}
	}
	return 100 * total / math.Max(float64(n), 1)
}

// detection measures, per drop, the hours from the drop until the series
// ranks below its former band (its rank the hour before, plus a tenth of
// the field, at least 2), and from the recovery until it is back in it.
func detection(w *world, val func(i, h int) float64) (detect, recover []float64) {
	for _, d := range w.drops {
		members := w.byPair[w.series[d.series].pair]
		pos := 0
		for j, i := range members {
			if i == d.series {
				pos = j
			}
		}
		rank := func(h int) float64 { return rankAt(members, val, h)[pos] }
		band := math.Max(2, math.Round(0.1*float64(len(members))))
		former := rank(d.from - 1)
		dt := math.Inf(1)
		for h := d.from; h < d.to; h++ {
			if rank(h) > former+band {
				dt = float64(h - d.from + 1)
				break
			}
		}
		rt := math.Inf(1)
		for h := d.to; h < w.hours && h < d.to+48; h++ {
			if rank(h) <= former+band {
				rt = float64(h - d.to + 1)
				break
			}
		}
		detect, recover = append(detect, dt), append(recover, rt)
	}
	return detect, recover
}

// apartBy is the gap in true score beyond which two nodes are told apart
// by anyone looking at the table (scores are shown to two decimals).
const apartBy = 0.02

// kendall is Kendall's τ-b of two equally long samples, over the pairs
// whose b values differ by at least minGap; NaN in a sorts below every
// number.
func kendall(a, b []float64, minGap float64) float64 {
	key := func(v float64) float64 {
		if math.IsNaN(v) {
			return math.Inf(-1)
		}
		return v
	}
	var conc, disc, tieA, tieB float64
	for i := range a {
		for j := i + 1; j < len(a); j++ {
			da, db := key(a[i])-key(a[j]), b[i]-b[j]
			if minGap > 0 && math.Abs(db) < minGap {
				continue
			}
			if math.IsNaN(da) { // both -Inf
				da = 0
			}
			switch {
			case da == 0 && db == 0:
			case da == 0:
				tieA++
			case db == 0:
				tieB++
			case (da > 0) == (db > 0):
				conc++
			default:
				disc++
			}
		}
	}
	den := math.Sqrt((conc + disc + tieA) * (conc + disc + tieB))
	if den == 0 {
		return 0
	}
	return (conc - disc) / den
}

func meanOf(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// percentile is the nearest-rank q-th percentile.
func percentile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	k := int(math.Ceil(q/100*float64(len(s)))) - 1
	return s[max(k, 0)]
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}
