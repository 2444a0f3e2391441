package analyzer

import (
	"jobtester/livemetrics"
	"slices"
	"time"
)

const (
	// Pass-through: output frames are compared with their input frames
	// about every probeEvery; within passDiff levels (grid mean absolute
	// difference) counts as "the same"; passShare of at least minCompared
	// comparisons makes a pass-through.
	probeEvery  = 250 * time.Millisecond
	maxProbes   = 512
	passDiff    = 10
	passShare   = 0.6
	minCompared = 5
)

// probe is an output frame kept for the pass-through comparison.
type probe struct {
	arrived time.Time
	n       int // input frame read from the counter, −1 if unreadable
	grid    []uint8
}

// addProbe keeps p, halving the kept probes (and their rate) when full so
// that a long run keeps an even spread in bounded memory.
func (m *Meter) addProbe(p probe) {
	if len(m.probes) == maxProbes {
		for i := range maxProbes / 2 {
			m.probes[i] = m.probes[2*i]
		}
		m.probes = m.probes[:maxProbes/2]
		m.probeEvery *= 2
	}
	m.probes = append(m.probes, p)
	m.lastProbe = p.arrived
}

// passThrough compares the kept output frames with the input frames they
// show: the one named by the counter, or else the one sent E2ELatency
// before the output frame arrived. Flash frames are left out, and each
// input frame is compared once.
func (m *Meter) passThrough(r *livemetrics.Metrics) {
	ref := m.opt.Signal
	if ref == nil || len(m.sent) == 0 {
		return
	}
	var diffs []float64
	compared := map[int]bool{}
	for _, p := range m.probes {
		n := p.n
		if n < 0 {
			if r.E2ELatencyMS <= 0 {
				continue
			}
			n = nearestSent(m.sent, p.arrived.Add(-r.E2ELatency()))
		}
		// A flash is near-white in the input and in any restyle of it: it
		// cannot tell a model from a copy. And a picture shown again (a
		// frozen output) is one comparison, not one per probe: a frozen
		// flash once made an honest but freezing node a "pass-through".
		if ref.IsFlash(n) || compared[n] {
			continue
		}
		compared[n] = true
		g, ok := m.refGrids[n]
		if !ok {
			g = gridOf(ref.Frame(n))
			m.refGrids[n] = g
		}
		if g == nil {
			continue
		}
		diffs = append(diffs, gridDiff(p.grid, g))
	}
	r.Compared = len(diffs)
	if len(diffs) == 0 {
		return
	}
	within := 0
	for _, d := range diffs {
		if d <= passDiff {
			within++
		}
	}
	r.InputSimilarity = float64(within) / float64(len(diffs))
	r.InputDiff = median(diffs)
	r.PassThrough = len(diffs) >= minCompared && r.InputSimilarity >= passShare
}

// median is the middle value of v (the mean of the two middle ones), for
// latencies and frame differences alike; v is left as it was.
func median[T time.Duration | float64](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
