package jobs

import (
	"testing"
	"time"

	"jobtester/media/analyzer"
	"jobtester/scoring"
)

// sentEvery logs n frames sent every period from t0, with a stall before
// frame stallAt.
func sentEvery(n int, period time.Duration, stallAt int, stall time.Duration) *sentLog {
	s := newSentLog()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := t0
	for i := range n {
		if i == stallAt {
			at = at.Add(stall)
		}
		s.add(i, at)
		at = at.Add(period)
	}
	return s
}

// The void rule reads the tester's own timings: its send log and its
// reader's load. Synthetic timings, no clock.
func TestTesterViewAndVoidFromSyntheticTimings(t *testing.T) {
	t.Parallel()
	frame := time.Second / 30
	for _, tc := range []struct {
		name   string
		sent   *sentLog
		reader analyzer.ReaderLoad
		flags  []string
		want   string // "" = not void
	}{
		{"kept up", sentEvery(300, frame, -1, 0), analyzer.ReaderLoad{MaxHold: 20 * time.Millisecond, Busy: 0.1}, nil, ""},
		{"sent at 18 fps", sentEvery(181, time.Second/18, -1, 0), analyzer.ReaderLoad{}, []string{scoring.FlagLowFPS},
			"tester overloaded: sent 18.0 fps of 30 (not judged: low_fps)"},
		// A 0.9 s stall in 10 s barely moves the pace, but it is a
		// stutter the orchestrator did not cause.
		{"a send stall", sentEvery(300, frame, 150, 900*time.Millisecond), analyzer.ReaderLoad{}, []string{scoring.FlagFrozen},
			"tester overloaded: sending stalled for 0.93 s (not judged: frozen)"},
		{"the reader held a frame", sentEvery(300, frame, -1, 0), analyzer.ReaderLoad{MaxHold: 600 * time.Millisecond}, nil,
			"tester overloaded: reading the output stalled for 0.60 s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := &LiveReport{SignalFPS: 30, Metrics: analyzer.Report{Reader: tc.reader}}
			rep.Verdict.Flags = tc.flags
			rep.Tester = testerView(rep, tc.sent)
			if got := testerFault(rep); got != tc.want {
				t.Errorf("void %q, want %q (tester %+v)", got, tc.want, rep.Tester)
			}
		})
	}
}
