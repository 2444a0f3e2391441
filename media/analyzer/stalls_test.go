package analyzer

import (
	"testing"
	"time"
)

// stalledInput runs 300 input frames at 30 fps whose publisher stalled for
// stall before frame 100, through a model adding 300 ms (restyled, counter
// kept). The output repeats its picture while frames hold(k) say so.
func stalledInput(t *testing.T, stall time.Duration, hold func(k int) bool) Report {
	t.Helper()
	const latency = 300 * time.Millisecond
	frame := time.Second / 30
	sentAt := func(n int) time.Time {
		at := t0.Add(time.Duration(n) * frame)
		if n >= 100 {
			at = at.Add(stall)
		}
		return at
	}
	sig := newTestSignal(384, 256)
	m := NewMeter(Options{PublishStart: t0, Signal: sig, Sent: func(n int) (time.Time, bool) { return sentAt(n), n >= 0 }})
	shown := 0
	var last time.Time
	for k := range 300 {
		if hold == nil || !hold(k) {
			shown = k
		}
		last = sentAt(k).Add(latency)
		m.Feed(warm(sig.Frame(shown)), last, sentAt(k).Sub(t0))
	}
	m.Finish(last, false)
	return m.Report()
}

func TestMeterFreezeThatMirrorsAnInputStallIsNotCounted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		stall   time.Duration
		hold    func(k int) bool
		freezes int
		total   time.Duration
	}{
		// The model shows frame 99 until frame 100 comes, 1.5 s later:
		// the output mirrors our stall.
		{name: "our publisher stalled 1.5 s", stall: 1500 * time.Millisecond},
		// The same stall inside a 3 s freeze of the model's own: what is
		// left beyond the stall is the model's.
		{name: "the model froze longer than our stall", stall: 1500 * time.Millisecond,
			hold: func(k int) bool { return k >= 100 && k < 145 }, freezes: 1, total: 45 * time.Second / 30},
		// No stall: the model's freeze counts whole.
		{name: "the model froze, our publisher did not", hold: func(k int) bool { return k >= 100 && k < 145 },
			freezes: 1, total: 46 * time.Second / 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := stalledInput(t, tc.stall, tc.hold)
			if r.Freezes != tc.freezes || !withinDur(r.FreezeTotal(), tc.total, 40*time.Millisecond) {
				t.Errorf("freezes %d total %v, want %d total %v", r.Freezes, r.FreezeTotal(), tc.freezes, tc.total)
			}
		})
	}
}
