package main

import (
	"math"
	"sort"

	"jobtester/scoring"
)

// truth holds, per series and hour, the true values every method is judged
// against (docs/scoring.md, "The true ranking"):
//
//	T = A · (0.65·p + 0.35·0.8^(m/M)),  T = 0 when p = 0
//
// p: chance of success when the node has capacity; m: median latency of its
// successful jobs (cold starts included, as traffic would meet them); M:
// median of m over the nodes serving the model that hour; A = min(1,
// (1 − u24)/0.5) with u24 the node's mean chance of no capacity over the
// last 24 hours.
type truth struct {
	T, P  [][]float64 // [series][hour]
	Ratio [][]float64 // m/M [series][hour]
	Avail []float64   // A per series
}

func newTruth(w *world) *truth {
	n := len(w.series)
	tr := &truth{T: make([][]float64, n), P: make([][]float64, n), Ratio: make([][]float64, n), Avail: make([]float64, n)}
	typ := make([][]float64, n)
	for i := range w.series {
		tr.T[i] = make([]float64, w.hours)
		tr.P[i] = make([]float64, w.hours)
		tr.Ratio[i] = make([]float64, w.hours)
		tr.Avail[i] = availability(&w.series[i], 0)
		typ[i] = make([]float64, w.hours)
	}
	for h := 0; h < w.hours; h++ {
		for i := range w.series {
			st := w.series[i].at(h)
			tr.P[i][h] = st.p
			typ[i][h] = mixtureMedian(st.lat, w.series[i].sigma, w.series[i].cold, w.series[i].coldStart)
		}
	}
	for _, members := range w.byPair {
		for h := 0; h < w.hours; h++ {
			ms := make([]float64, 0, len(members))
			for _, i := range members {
				ms = append(ms, typ[i][h])
			}
			model := scoring.MedianOf(ms)
			for _, i := range members {
				p := tr.P[i][h]
				tr.Ratio[i][h] = typ[i][h] / model
				if p == 0 {
					continue
				}
				tr.T[i][h] = tr.Avail[i] * (scoring.WeightSuccess*p + scoring.WeightRTT*math.Pow(scoring.DesiredScoreAtMedian, tr.Ratio[i][h]))
			}
		}
	}
	return tr
}

// availability is A of the truth: full up to half the attempts without
// capacity over a day, then falling in proportion. No event changes a
// node's capacity, so its day is its daily pattern.
func availability(s *series, _ int) float64 {
	sum := 0.0
	for hd := 0; hd < 24; hd++ {
		sum += s.at(hd).u
	}
	return math.Min(1, (1-sum/24)/0.5)
}

// mixtureMedian is the median of a successful job's latency: lognormal
// around median with log spread sigma, plus coldStart on a share cold of
// the jobs. Found by bisection on the mixture's distribution function.
func mixtureMedian(median, sigma, cold, coldStart float64) float64 {
	if cold <= 0 {
		return median
	}
	cdf := func(x float64) float64 {
		f := (1 - cold) * normCDF(math.Log(x/median)/sigma)
		if x > coldStart {
			f += cold * normCDF(math.Log((x-coldStart)/median)/sigma)
		}
		return f
	}
	lo, hi := median*math.Exp(-6*sigma), median*math.Exp(6*sigma)+coldStart
	for range 60 {
		mid := (lo + hi) / 2
		if cdf(mid) < 0.5 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// ranks returns the rank (1 = best) of each value, ties sharing their mean
// rank; NaN (no score) ranks below everything.
func ranks(vals []float64) []float64 {
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) float64 {
		if math.IsNaN(vals[i]) {
			return math.Inf(-1)
		}
		return vals[i]
	}
	sort.SliceStable(idx, func(a, b int) bool { return key(idx[a]) > key(idx[b]) })
	out := make([]float64, len(vals))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && key(idx[j]) == key(idx[i]) {
			j++
		}
		r := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			out[idx[k]] = r
		}
		i = j
	}
	return out
}
