package analyzer

import (
	"jobtester/livemetrics"
	"sort"
	"time"
)

const (
	// maxE2E bounds the latency a flash or counter match may imply.
	maxE2E = 20 * time.Second
	// sentSlack is how far an output frame may seem to precede its input:
	// the publisher notes a frame as sent after its write returns, and on
	// loopback a fast relay's output can arrive before that. Such a
	// latency counts as 0.
	sentSlack = 50 * time.Millisecond
)

// scanSent learns the send times of input frames sent up to now, and which
// of them start a flash. Frames "sent" after now are left for later, so a
// Sent computed from a formula cannot run away.
func (m *Meter) scanSent(now time.Time) {
	for {
		n := len(m.sent)
		t, ok := m.opt.Sent(n)
		if !ok || t.After(now.Add(sentSlack)) {
			return
		}
		m.sent = append(m.sent, t)
		if ref := m.opt.Signal; ref != nil {
			f := ref.IsFlash(n)
			if f && !m.prevIsFlash {
				m.inFlashes = append(m.inFlashes, t)
			}
			m.prevIsFlash = f
		}
	}
}

// latencies measures the end-to-end latency from the flashes matched and
// from the counter read in the output.
func (m *Meter) latencies(r *livemetrics.Metrics) {
	r.FlashesSeen = len(m.outFlashes)
	var counter time.Duration
	if len(m.counterLat) > 0 {
		r.CounterFrames = len(m.counterLat)
		counter = median(m.counterLat)
		r.CounterLatencyMS = livemetrics.Millis(counter)
	}
	lats := m.matchFlashes(r.Frames, r.CounterFrames, counter)
	r.FlashesMatched = len(lats)
	switch {
	case len(lats) > 0:
		r.E2ELatencyMS = livemetrics.Millis(median(lats))
	case r.CounterFrames > 0:
		r.E2ELatencyMS = r.CounterLatencyMS
	}
}

// matchFlashes pairs each output flash with the input flash it shows and
// returns their delays. The input flash is the latest one sent before the
// output flash arrived, unless the counter gives a latency estimate: then
// it is the one whose delay is closest to that estimate, which also holds
// when the latency exceeds the time between flashes.
func (m *Meter) matchFlashes(frames, counterFrames int, counter time.Duration) []time.Duration {
	// Trust the counter for disambiguation only when it was read on a fair
	// share of frames; a stray misread must not steer the matching.
	useCounter := counterFrames*10 >= frames
	var lats []time.Duration
	for _, out := range m.outFlashes {
		// inFlashes is in send order: the candidates are a prefix.
		k := sort.Search(len(m.inFlashes), func(i int) bool { return m.inFlashes[i].After(out.Add(sentSlack)) })
		var best time.Duration
		found := false
		for i := k - 1; i >= 0; i-- {
			lat := out.Sub(m.inFlashes[i])
			if lat > maxE2E {
				break
			}
			if !found || useCounter && absDur(lat-counter) < absDur(best-counter) {
				best, found = lat, true
			}
			if !useCounter {
				break
			}
		}
		if found {
			lats = append(lats, max(best, 0))
		}
	}
	return lats
}

// nearestSent is the input frame whose send time is closest to t.
func nearestSent(sent []time.Time, t time.Time) int {
	k := sort.Search(len(sent), func(i int) bool { return !sent[i].Before(t) })
	switch {
	case k == 0:
		return 0
	case k == len(sent):
		return len(sent) - 1
	case t.Sub(sent[k-1]) <= sent[k].Sub(t):
		return k - 1
	default:
		return k
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
