package analyzer

import (
	"jobtester/livemetrics"
	"math"
	"slices"
	"time"
)

// startOver is called for a frame that arrived much faster than its
// timestamps say it was made: it and every frame before it are the backlog
// a media server sends a joining reader. The rate, jitter and latency clocks
// start over at it.
func (m *Meter) startOver(arrived time.Time) {
	m.catchUp = m.frames + 1
	m.liveFrom, m.liveFrames = arrived, 0
	m.windows = m.windows[:0]
	m.gaps, m.gapMean, m.gapM2 = 0, 0, 0
	m.counterLat = m.counterLat[:0]
	m.outFlashes = m.outFlashes[:0]
}

func (m *Meter) countWindow(arrived time.Time) {
	i := int(arrived.Sub(m.liveFrom) / time.Second)
	if i < 0 || i >= maxWindows {
		return
	}
	for len(m.windows) <= i {
		m.windows = append(m.windows, 0)
	}
	m.windows[i]++
}

// closeStill ends the picture shown since stillSince, at the arrival of a
// different one.
func (m *Meter) closeStill(at time.Time) {
	if at.Sub(m.stillSince) > m.freezeAfter && len(m.stills) < maxWindows {
		m.stills = append(m.stills, span{m.stillSince, at})
	}
	m.stillSince = at
}

// rates measures the frame rates and the jitter of the arrivals.
func (m *Meter) rates(r *livemetrics.Metrics, end time.Time) {
	if span := m.last.Sub(m.liveFrom); m.liveFrames > 1 && span > 0 {
		r.FPSMean = float64(m.liveFrames-1) / span.Seconds()
	}
	if span := m.maxPTS - m.minPTS; m.frames > 1 && span > 0 {
		r.FPSFromPTS = float64(m.frames-1) / span.Seconds()
	}
	r.FPSLow = m.fpsLow(end, r.FPSMean)
	if m.gaps > 1 {
		r.JitterMS = math.Sqrt(m.gapM2 / float64(m.gaps))
	}
}

// freezes counts the freezes, the picture still shown at end included, and
// the black frames. The part of a still picture that mirrors a stall of
// our own publisher (the input had no new frame to show) is not the
// orchestrator's freeze and is left out: see inputStalls.
func (m *Meter) freezes(r *livemetrics.Metrics, end time.Time) {
	stills := m.stills
	if end.Sub(m.stillSince) > m.freezeAfter {
		stills = append(slices.Clip(stills), span{m.stillSince, end})
	}
	stalls := m.inputStalls(r)
	var total time.Duration
	for _, s := range stills {
		if d := s.to.Sub(s.from) - overlap(s, stalls); d > m.freezeAfter {
			r.Freezes++
			total += d
		}
	}
	r.FreezeTotalMS = livemetrics.Millis(total)
	r.BlackFrames = m.black
	r.BlackFraction = float64(m.black) / float64(m.frames)
}

// fpsLow is the 5th percentile (nearest rank) of the per-second counts of
// the whole seconds between the end of the catch-up burst and end.
func (m *Meter) fpsLow(end time.Time, mean float64) float64 {
	whole := min(int(end.Sub(m.liveFrom)/time.Second), maxWindows)
	if whole < 1 {
		return mean
	}
	counts := make([]int, whole)
	copy(counts, m.windows)
	slices.Sort(counts)
	rank := int(math.Ceil(0.05*float64(whole))) - 1
	return float64(counts[max(rank, 0)])
}
