package analyzer

import (
	"jobtester/livemetrics"
	"time"
)

// minStall is the shortest gap between two input frames sent that counts
// as a stall of our own publisher: three frame times at 30 fps, two at 15.
// A busy tester that stops sending leaves the model nothing new to show,
// and the output freezes for as long; that is the tester's failing, not
// the orchestrator's.
const minStall = 100 * time.Millisecond

// span is an interval of time.
type span struct{ from, to time.Time }

// inputStalls are the gaps between consecutive input frames longer than
// minStall, moved by the end-to-end latency to when their effect reaches
// the output. Without a latency (no flash and no counter seen) the stalls
// cannot be placed in the output and none is returned.
func (m *Meter) inputStalls(r *livemetrics.Metrics) []span {
	lat := r.E2ELatency()
	if lat <= 0 {
		lat = r.CounterLatency()
	}
	if lat <= 0 {
		return nil
	}
	var out []span
	for i := 1; i < len(m.sent); i++ {
		if m.sent[i].Sub(m.sent[i-1]) > minStall {
			out = append(out, span{m.sent[i-1].Add(lat), m.sent[i].Add(lat)})
		}
	}
	return out
}

// overlap is how much of s the spans in stalls (in time order, disjoint)
// cover.
func overlap(s span, stalls []span) time.Duration {
	var d time.Duration
	for _, t := range stalls {
		from, to := maxTime(s.from, t.from), minTime(s.to, t.to)
		if to.After(from) {
			d += to.Sub(from)
		}
	}
	return d
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// ReaderLoad is how the tester's own reading of the output kept up
// (Analyze only; a Meter fed by hand leaves it zero). A frame's arrival is
// stamped when its access unit is read; while the reader decodes and
// measures, the next ones wait in the socket and are stamped late by up
// to that long.
type ReaderLoad struct {
	// MaxHold is the longest the reader spent on one frame (decode,
	// measurement, preview) before reading the next; the first frame,
	// whose decode starts the decoder up, is left out.
	MaxHold time.Duration
	// Busy is the share of the observed time the reader spent so: near 1
	// it cannot keep up and the arrival times drift behind the truth.
	Busy float64
}

// noteHold records that the reader spent d on one frame.
func (m *Meter) noteHold(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.holdMax = max(m.holdMax, d)
	m.holdSum += d
}
