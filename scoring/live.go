package scoring

import (
	"fmt"
	"math"
	"strings"
)

// Live video is judged in two steps, reliability first (docs/live.md):
//
//  1. Gates. A test fails, and scores 0, if any of these hold: no output
//     frame arrived; the output stopped before the measurement ended
//     (dropped); the output is the input sent back (pass-through: no model
//     ran); at least half the frames are black; frozen (identical) frames
//     cover at least a tenth of the measurement; the mean output rate is
//     below LiveMinFPS.
//  2. Quality, for a test that passed every gate:
//     score = (0.5·fps + 0.2·startup + 0.3·latency) × (1 − frozen share) × (1 − black share)
//     with each part in 0..1:
//     fps     = min(1, (0.7·mean + 0.3·low) / target fps)
//     startup = 1 at ≤ LiveStartupGood, falling linearly to 0 at LiveStartupBad
//     latency = 1 at ≤ LiveLatencyGood, falling linearly to 0 at LiveLatencyBad;
//     0 when no flash could be matched (an unmeasured latency earns nothing).
//
// The weights put frame rate first because a live stream that keeps up is
// what a viewer notices; end-to-end latency next, because it is what makes
// the stream interactive; startup last, because it is paid once.
const (
	LiveWeightFPS     = 0.5
	LiveWeightStartup = 0.2
	LiveWeightLatency = 0.3

	LiveStartupGood = 2.0  // seconds
	LiveStartupBad  = 30.0 // the real gateway's output watchdog
	LiveLatencyGood = 0.3  // seconds, publish to display of the same frame
	LiveLatencyBad  = 3.0

	LiveMinFPS           = 5.0 // below this the output is a slide show, not video
	LiveMaxFrozenShare   = 0.1
	LiveMaxBlackFraction = 0.5
)

// Live failure flags, as stored and shown.
const (
	FlagNoOutput    = "no_output"
	FlagDropped     = "dropped"
	FlagPassThrough = "pass_through"
	FlagBlack       = "black"
	FlagFrozen      = "frozen"
	FlagLowFPS      = "low_fps"
)

// LiveMeasure is what one live test measured, in seconds and frames per
// second.
type LiveMeasure struct {
	Output         bool    // at least one output frame arrived
	Ended          bool    // the output stopped before the measurement's end
	Measured       float64 // seconds of output observed (first frame to end)
	TargetFPS      float64 // the rate the test signal was sent at
	FPSMean        float64
	FPSLow         float64 // 5th percentile of per-second rates
	Startup        float64 // publish to first output frame
	E2ELatency     float64 // median over matched flashes
	FlashesMatched int
	FreezeTotal    float64 // seconds of frozen output
	BlackFraction  float64 // 0..1
	PassThrough    bool
}

// LiveVerdict is the judgement of one live test. Flags list every gate
// that failed, in a fixed order; Pass is true when there are none. The
// part scores are kept for display even when the test failed; Score is
// then 0.
type LiveVerdict struct {
	Pass         bool     `json:"pass"`
	Flags        []string `json:"flags"`
	Score        float64  `json:"score"`
	FPSScore     float64  `json:"fps_score"`
	StartupScore float64  `json:"startup_score"`
	LatencyScore float64  `json:"latency_score"`
}

// Live judges a live test. It never returns NaN or a score outside 0..1,
// whatever it is given.
func Live(m LiveMeasure) LiveVerdict {
	v := LiveVerdict{Flags: []string{}}
	frozen := 0.0
	if m.Measured > 0 && finite(m.Measured) {
		frozen = unit(m.FreezeTotal / m.Measured)
	}
	black := unit(m.BlackFraction)
	if !m.Output {
		v.Flags = append(v.Flags, FlagNoOutput)
	} else {
		if m.Ended {
			v.Flags = append(v.Flags, FlagDropped)
		}
		if m.PassThrough {
			v.Flags = append(v.Flags, FlagPassThrough)
		}
		if black >= LiveMaxBlackFraction {
			v.Flags = append(v.Flags, FlagBlack)
		}
		if frozen >= LiveMaxFrozenShare {
			v.Flags = append(v.Flags, FlagFrozen)
		}
		if !(m.FPSMean >= LiveMinFPS) { // NaN fails too
			v.Flags = append(v.Flags, FlagLowFPS)
		}
	}
	if m.Output {
		if m.TargetFPS > 0 && finite(m.TargetFPS) && finite(m.FPSMean) && finite(m.FPSLow) {
			v.FPSScore = unit((0.7*math.Max(m.FPSMean, 0) + 0.3*math.Max(m.FPSLow, 0)) / m.TargetFPS)
		}
		v.StartupScore = falling(m.Startup, LiveStartupGood, LiveStartupBad)
		if m.FlashesMatched > 0 {
			v.LatencyScore = falling(m.E2ELatency, LiveLatencyGood, LiveLatencyBad)
		}
	}
	v.Pass = len(v.Flags) == 0
	if v.Pass {
		q := LiveWeightFPS*v.FPSScore + LiveWeightStartup*v.StartupScore + LiveWeightLatency*v.LatencyScore
		v.Score = unit(q * (1 - frozen) * (1 - black))
	}
	return v
}

// falling is 1 up to good, 0 from bad on, and linear between; a negative or
// non-finite x (a clock that went backwards, nothing measured) earns 0.
func falling(x, good, bad float64) float64 {
	if !finite(x) || x < 0 {
		return 0
	}
	if x <= good {
		return 1
	}
	return unit((bad - x) / (bad - good))
}

// A live test is void when the tester could not measure it properly: a
// busy machine made its own publisher or reader fall behind, and what the
// output then shows is the tester's failing, not the orchestrator's
// (docs/live.md, "Void tests"). Limits:
const (
	// LiveTesterMinPace: the signal must have gone out at no less than
	// this share of its nominal rate (27 of 30 fps).
	LiveTesterMinPace = 0.9
	// LiveTesterMaxSendStall: no gap between two frames sent longer than
	// this, in seconds. Half the freeze threshold: a stall this long
	// shows in the output as a stutter the orchestrator did not cause.
	LiveTesterMaxSendStall = 0.5
	// LiveTesterMaxReaderHold: the output reader never spent longer than
	// this on one frame, nor joined the output later than this after our
	// media server had it, in seconds; the frames behind are stamped late
	// by up to that much (as long as the send stall allowed), and arrive
	// in a burst that inflates the rate.
	LiveTesterMaxReaderHold = 0.5
	// LiveTesterMaxReaderBusy: the reader was busy less than this share of
	// the time; beyond it, it cannot keep up and arrivals drift.
	LiveTesterMaxReaderBusy = 0.8
)

// LiveTester is how the tester itself kept up during a live test, in
// seconds and frames per second. Zero values are "not measured" and never
// void a test.
type LiveTester struct {
	SignalFPS   float64 // the rate the signal was meant to be sent at
	SentFPS     float64 // the rate it was really sent at
	MaxSendGap  float64 // longest gap between two frames sent
	ReaderJoin  float64 // how long after the output reached our media server the reader got it
	ReaderHold  float64 // longest the output reader spent on one frame
	ReaderBusy  float64 // share of the time the reader was busy
	FramesLost  int     // output frames lost on the tester's side
	FramesTotal int     // output frames received, for the message
}

// LiveTesterFault says why a live test is void because of the tester, or
// "" when the tester kept up. The reason is meant to be stored as the
// test's error after "tester overloaded: ".
func LiveTesterFault(t LiveTester) string {
	var why []string
	if finite(t.SignalFPS) && t.SignalFPS > 0 && finite(t.SentFPS) && t.SentFPS > 0 && t.SentFPS < LiveTesterMinPace*t.SignalFPS {
		why = append(why, fmt.Sprintf("sent %.1f fps of %g", t.SentFPS, t.SignalFPS))
	}
	if t.MaxSendGap > LiveTesterMaxSendStall {
		why = append(why, fmt.Sprintf("sending stalled for %.2f s", t.MaxSendGap))
	}
	if t.ReaderJoin > LiveTesterMaxReaderHold {
		why = append(why, fmt.Sprintf("reading the output began %.2f s late", t.ReaderJoin))
	}
	if t.ReaderHold > LiveTesterMaxReaderHold {
		why = append(why, fmt.Sprintf("reading the output stalled for %.2f s", t.ReaderHold))
	}
	if t.ReaderBusy > LiveTesterMaxReaderBusy {
		why = append(why, fmt.Sprintf("decoding the output took %.0f%% of the time", 100*t.ReaderBusy))
	}
	if t.FramesLost > 0 {
		why = append(why, fmt.Sprintf("lost %d of %d output frames itself", t.FramesLost, t.FramesLost+t.FramesTotal))
	}
	return strings.Join(why, "; ")
}
