package scoring

import (
	"math"
	"reflect"
	"testing"
)

// honest is a good live test: 30 of 30 fps, 1.5 s startup, 200 ms latency.
func honest() LiveMeasure {
	return LiveMeasure{Output: true, Measured: 30, TargetFPS: 30, FPSMean: 30, FPSLow: 30, Startup: 1.5,
		E2ELatency: 0.2, FlashesMatched: 15}
}

func TestLiveVectors(t *testing.T) {
	with := func(f func(m *LiveMeasure)) LiveMeasure {
		m := honest()
		f(&m)
		return m
	}
	cases := []struct {
		name  string
		m     LiveMeasure
		flags []string
		score float64
		parts [3]float64 // fps, startup, latency
	}{
		{"honest and fast scores 1", honest(), nil, 1, [3]float64{1, 1, 1}},
		{"half the frame rate", with(func(m *LiveMeasure) { m.FPSMean, m.FPSLow = 15, 15 }), nil,
			0.5*0.5 + 0.2 + 0.3, [3]float64{0.5, 1, 1}},
		{"a low percentile below the mean costs", with(func(m *LiveMeasure) { m.FPSLow = 20 }), nil,
			0.5*(0.7+0.3*20.0/30) + 0.5, [3]float64{0.7 + 0.3*20.0/30, 1, 1}},
		{"more fps than sent is capped at 1", with(func(m *LiveMeasure) { m.FPSMean, m.FPSLow = 60, 60 }), nil, 1, [3]float64{1, 1, 1}},
		{"startup half-way to the bad end", with(func(m *LiveMeasure) { m.Startup = 16 }), nil,
			0.5 + 0.2*0.5 + 0.3, [3]float64{1, 0.5, 1}},
		{"startup past the watchdog", with(func(m *LiveMeasure) { m.Startup = 45 }), nil, 0.8, [3]float64{1, 0, 1}},
		{"latency 1.65 s is half", with(func(m *LiveMeasure) { m.E2ELatency = 1.65 }), nil,
			0.5 + 0.2 + 0.3*0.5, [3]float64{1, 1, 0.5}},
		{"unmeasured latency earns nothing", with(func(m *LiveMeasure) { m.FlashesMatched = 0; m.E2ELatency = 0 }), nil,
			0.7, [3]float64{1, 1, 0}},
		{"a short freeze passes with a penalty", with(func(m *LiveMeasure) { m.FreezeTotal = 1.5 }), nil,
			1 - 0.05, [3]float64{1, 1, 1}},
		{"some black frames pass with a penalty", with(func(m *LiveMeasure) { m.BlackFraction = 0.2 }), nil,
			0.8, [3]float64{1, 1, 1}},
		{"low but watchable frame rate passes", with(func(m *LiveMeasure) { m.FPSMean, m.FPSLow = 6, 3 }), nil,
			0.5*(0.7*6+0.3*3)/30 + 0.5, [3]float64{(0.7*6 + 0.3*3) / 30, 1, 1}},

		{"no output fails", LiveMeasure{TargetFPS: 30}, []string{FlagNoOutput}, 0, [3]float64{}},
		{"dropped mid-stream fails", with(func(m *LiveMeasure) { m.Ended = true }), []string{FlagDropped}, 0, [3]float64{1, 1, 1}},
		{"pass-through fails", with(func(m *LiveMeasure) { m.PassThrough = true }), []string{FlagPassThrough}, 0, [3]float64{1, 1, 1}},
		{"black output fails", with(func(m *LiveMeasure) { m.BlackFraction = 1; m.FlashesMatched = 0 }), []string{FlagBlack}, 0, [3]float64{1, 1, 0}},
		{"a tenth frozen fails", with(func(m *LiveMeasure) { m.FreezeTotal = 3 }), []string{FlagFrozen}, 0, [3]float64{1, 1, 1}},
		{"a slide show fails", with(func(m *LiveMeasure) { m.FPSMean, m.FPSLow = 4, 2 }), []string{FlagLowFPS}, 0,
			[3]float64{(0.7*4 + 0.3*2) / 30, 1, 1}},
		{"every gate at once, in a fixed order", with(func(m *LiveMeasure) {
			m.Ended, m.PassThrough, m.BlackFraction, m.FreezeTotal, m.FPSMean = true, true, 0.9, 20, 1
		}), []string{FlagDropped, FlagPassThrough, FlagBlack, FlagFrozen, FlagLowFPS}, 0, [3]float64{(0.7 + 0.3*30) / 30, 1, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Live(c.m)
			want := c.flags
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(v.Flags, want) || v.Pass != (len(want) == 0) {
				t.Fatalf("flags %v pass %v, want %v", v.Flags, v.Pass, want)
			}
			if !near(v.Score, c.score) {
				t.Errorf("score %v, want %v", v.Score, c.score)
			}
			got := [3]float64{v.FPSScore, v.StartupScore, v.LatencyScore}
			for i := range got {
				if !near(got[i], c.parts[i]) {
					t.Errorf("parts %v, want %v", got, c.parts)
					break
				}
			}
		})
	}
}

// TestLiveNeverLeavesTheUnitRange feeds hostile numbers: nothing may come
// out NaN, infinite or outside 0..1, and a broken measurement never passes
// on the strength of a NaN comparison.
func TestLiveNeverLeavesTheUnitRange(t *testing.T) {
	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1, 0, 1e308}
	for _, x := range bad {
		for field := 0; field < 7; field++ {
			m := honest()
			switch field {
			case 0:
				m.Measured = x
			case 1:
				m.TargetFPS = x
			case 2:
				m.FPSMean = x
			case 3:
				m.Startup = x
			case 4:
				m.E2ELatency = x
			case 5:
				m.FreezeTotal = x
			case 6:
				m.BlackFraction = x
			}
			v := Live(m)
			for _, s := range []float64{v.Score, v.FPSScore, v.StartupScore, v.LatencyScore} {
				if math.IsNaN(s) || s < 0 || s > 1 {
					t.Fatalf("field %d = %v: verdict %+v out of range", field, x, v)
				}
			}
			if field == 2 && (math.IsNaN(x) || x < LiveMinFPS) && v.Pass {
				t.Fatalf("fps %v passed", x)
			}
		}
	}
}

func TestLiveTesterFaultVoidsOnlyWhatTheTesterCouldNotMeasure(t *testing.T) {
	kept := LiveTester{SignalFPS: 30, SentFPS: 29.6, MaxSendGap: 0.12, ReaderHold: 0.04, ReaderBusy: 0.2, FramesTotal: 900}
	with := func(f func(h *LiveTester)) LiveTester {
		h := kept
		f(&h)
		return h
	}
	for _, tc := range []struct {
		name string
		h    LiveTester
		want string
	}{
		{"a tester that kept up", kept, ""},
		{"nothing measured", LiveTester{}, ""},
		{"at the pace floor", with(func(h *LiveTester) { h.SentFPS = 27 }), ""},
		{"sent below the pace floor", with(func(h *LiveTester) { h.SentFPS = 18.24 }), "sent 18.2 fps of 30"},
		{"a 15 fps signal sent at 13", with(func(h *LiveTester) { h.SignalFPS, h.SentFPS = 15, 13 }), "sent 13.0 fps of 15"},
		{"a send stall at the limit", with(func(h *LiveTester) { h.MaxSendGap = 0.5 }), ""},
		{"a send stall past it", with(func(h *LiveTester) { h.MaxSendGap = 0.81 }), "sending stalled for 0.81 s"},
		{"the reader held one frame too long", with(func(h *LiveTester) { h.ReaderHold = 0.6 }), "reading the output stalled for 0.60 s"},
		{"the reader joined late", with(func(h *LiveTester) { h.ReaderJoin = 0.52 }), "reading the output began 0.52 s late"},
		{"the reader could not keep up", with(func(h *LiveTester) { h.ReaderBusy = 0.93 }), "decoding the output took 93% of the time"},
		{"frames lost on our side", with(func(h *LiveTester) { h.FramesLost = 12 }), "lost 12 of 912 output frames itself"},
		{"every reason at once", LiveTester{SignalFPS: 30, SentFPS: 10, MaxSendGap: 2, ReaderHold: 1, ReaderBusy: 1, FramesLost: 1},
			"sent 10.0 fps of 30; sending stalled for 2.00 s; reading the output stalled for 1.00 s; decoding the output took 100% of the time; lost 1 of 1 output frames itself"},
		{"hostile numbers do not void", LiveTester{SignalFPS: math.NaN(), SentFPS: math.Inf(1), MaxSendGap: math.NaN()}, ""},
	} {
		if got := LiveTesterFault(tc.h); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
