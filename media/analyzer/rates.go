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
	if d := at.Sub(m.stillSince); d > m.freezeAfter {
		m.freezes++
		m.freezeTotal += d
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

// stills counts the freezes, the picture still shown at end included, and
// the black frames.
func (m *Meter) stills(r *livemetrics.Metrics, end time.Time) {
	freezes, total := m.freezes, m.freezeTotal
	if d := end.Sub(m.stillSince); d > m.freezeAfter {
		freezes++
		total += d
	}
	r.Freezes, r.FreezeTotalMS = freezes, livemetrics.Millis(total)
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
