package analyzer

import (
	"math"
	"slices"
	"time"
)

const (
	// Flash detection: a jump of the frame's mean luma away from the median
	// of the last baselineLen ordinary frames. The threshold is a share of
	// the jump the reference's own flash makes (a restyle may soften it),
	// bounded; without a reference, defaultFlashJump.
	baselineLen      = 9
	minBaseline      = 3
	flashJumpShare   = 0.35
	minFlashJump     = 12
	maxFlashJump     = 60
	defaultFlashJump = 30
	// A jump that lasts longer than maxFlash is a change of scene (or the
	// output going black), not a flash: the baseline moves to it.
	maxFlash = 600 * time.Millisecond
)

// referenceFlashJump is how far the signal's own flash moves the mean
// luma: the first flash frame against the frame before it.
func referenceFlashJump(ref Reference) (float64, bool) {
	const search = 30 * 60 // flashes come every few seconds
	for n := 1; n < search; n++ {
		if ref.IsFlash(n) && !ref.IsFlash(n-1) {
			a, b := gridOf(ref.Frame(n-1)), gridOf(ref.Frame(n))
			if a == nil || b == nil {
				return 0, false
			}
			return math.Abs(gridMeanY(b) - gridMeanY(a)), true
		}
	}
	return 0, false
}

func gridMeanY(g []uint8) float64 {
	var s int
	for _, v := range g[:gridSize*gridSize] {
		s += int(v)
	}
	return float64(s) / (gridSize * gridSize)
}

// detectFlash follows the frame's mean luma against a baseline of recent
// ordinary frames and records the onset of each flash once it is over.
func (m *Meter) detectFlash(mean float64, arrived time.Time) {
	if m.inFlash {
		if math.Abs(mean-m.flashBase) >= m.flashJump/2 {
			if arrived.Sub(m.flashStart) > maxFlash {
				// A new level, not a flash: start the baseline over.
				m.inFlash = false
				m.baseline = append(m.baseline[:0], mean)
			}
			return
		}
		m.inFlash = false
		m.outFlashes = append(m.outFlashes, m.flashStart)
		m.pushBaseline(mean)
		return
	}
	if len(m.baseline) >= minBaseline {
		base := medianSmall(m.baseline)
		if math.Abs(mean-base) >= m.flashJump {
			m.inFlash, m.flashStart, m.flashBase = true, arrived, base
			return
		}
	}
	m.pushBaseline(mean)
}

func (m *Meter) pushBaseline(v float64) {
	if len(m.baseline) == baselineLen {
		copy(m.baseline, m.baseline[1:])
		m.baseline = m.baseline[:baselineLen-1]
	}
	m.baseline = append(m.baseline, v)
}

// medianSmall is median for the flash baseline, without allocating.
func medianSmall(v []float64) float64 {
	var buf [baselineLen]float64
	s := buf[:copy(buf[:], v)]
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
