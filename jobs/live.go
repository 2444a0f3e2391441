package jobs

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"jobtester/ethaddr"
	"jobtester/ingest"
	"jobtester/livemetrics"
	"jobtester/media/analyzer"
	"jobtester/models"
	"jobtester/scoring"
)

// LiveReport is everything one live test learned: what was sent, what the
// analyzer measured on the output, the gateway's view, and the verdict.
type LiveReport struct {
	Stream   string // the media server path published
	StreamID string // the gateway's key for /status
	Query    string // the raw query of the publish URL, as the hook sends it
	Params   string // the params JSON in the query

	SignalWidth, SignalHeight, SignalFPS int
	Duration                             time.Duration // measurement asked for
	// PublishStart is when the first input frame was handed to the media
	// server: the start of the startup latency.
	PublishStart time.Time
	// InputReady is when the media server handed the stream to the
	// gateway (the input's readyTime): where the startup latency starts,
	// PublishStart when the server does not say.
	InputReady time.Time
	// StartFrom is where the startup latency starts: the gateway's start
	// of the stream (its /status start_time) when it said, else
	// InputReady.
	StartFrom time.Time
	// InputFPS is the rate the signal was actually sent at: below
	// SignalFPS when the tester's own publisher fell behind (a busy
	// machine), which is no fault of the orchestrator. 0 if unknown.
	InputFPS float64

	// Tester is how the tester itself kept up (its send pace and stalls,
	// its reader): a test it could not measure is void, never a fail.
	Tester scoring.LiveTester

	// Output is set when at least one output frame arrived; Metrics is
	// then what the analyzer measured.
	Output  bool
	Metrics analyzer.Report
	Status  LiveStatusSnapshot
	Verdict scoring.LiveVerdict
}

// LiveStatusSnapshot is the last answer of the gateway's
// /live/video-to-video/{streamId}/status during the test, and the first
// error it reported.
type LiveStatusSnapshot struct {
	Seen bool // at least one status answer was read
	livemetrics.Status
	// StartTime is the runner's start_time: when the orchestrator took the
	// stream and the gateway began sending it input (zero if not said).
	StartTime time.Time
}

// liveMeasure turns the analyzer's report into the scoring formula's input.
func liveMeasure(rep *LiveReport) scoring.LiveMeasure {
	m := rep.Metrics
	// The output is judged against the rate the input really had.
	target := float64(rep.SignalFPS)
	if rep.InputFPS > 0 && rep.InputFPS < target {
		target = rep.InputFPS
	}
	observed := m.Observed()
	if observed <= 0 && m.Ended {
		observed = m.EndedAfter()
	}
	return scoring.LiveMeasure{
		Output: rep.Output && m.Frames > 0, Ended: m.Ended, Measured: observed.Seconds(),
		TargetFPS: target, FPSMean: m.FPSMean, FPSLow: m.FPSLow,
		Startup: m.StartupLatency().Seconds(), E2ELatency: m.E2ELatency().Seconds(), FlashesMatched: m.FlashesMatched,
		FreezeTotal: m.FreezeTotal().Seconds(), BlackFraction: m.BlackFraction, PassThrough: m.PassThrough,
	}
}

// testerView is how the tester kept up during the test: its publisher's
// pace and longest stall from the send log, its reader's from the analyzer.
func testerView(rep *LiveReport, sent *sentLog) scoring.LiveTester {
	return scoring.LiveTester{SignalFPS: float64(rep.SignalFPS), SentFPS: sent.pace(), MaxSendGap: sent.maxGap().Seconds(),
		ReaderHold: rep.Metrics.Reader.MaxHold.Seconds(), ReaderBusy: rep.Metrics.Reader.Busy, FramesTotal: rep.Metrics.Frames}
}

// testerFault is the error of a void test, or "" when the tester kept up.
// The flags the output would have earned are named, so a void test still
// shows what was seen.
func testerFault(rep *LiveReport) string {
	why := scoring.LiveTesterFault(rep.Tester)
	if why == "" {
		return ""
	}
	msg := "tester overloaded: " + why
	if len(rep.Verdict.Flags) > 0 {
		msg += " (not judged: " + strings.Join(rep.Verdict.Flags, ", ") + ")"
	}
	return msg
}

// describeFlags says in words why a live test failed its gates.
func describeFlags(rep *LiveReport) string {
	m := rep.Metrics
	var parts []string
	for _, f := range rep.Verdict.Flags {
		switch f {
		case scoring.FlagNoOutput:
			parts = append(parts, "no output")
		case scoring.FlagDropped:
			parts = append(parts, fmt.Sprintf("output stopped %s after it started", m.EndedAfter().Round(100*time.Millisecond)))
		case scoring.FlagPassThrough:
			parts = append(parts, fmt.Sprintf("output is the input sent back (%.0f%% of compared frames match it): no model ran", 100*m.InputSimilarity))
		case scoring.FlagBlack:
			parts = append(parts, fmt.Sprintf("%.0f%% of output frames are black", 100*m.BlackFraction))
		case scoring.FlagFrozen:
			parts = append(parts, fmt.Sprintf("output frozen for %s in %d freezes", m.FreezeTotal().Round(100*time.Millisecond), m.Freezes))
		case scoring.FlagLowFPS:
			parts = append(parts, fmt.Sprintf("output at %.1f fps", m.FPSMean))
		default:
			parts = append(parts, f)
		}
	}
	return "bad output: " + strings.Join(parts, "; ")
}

// liveMetricsJSON is the compatible record's response_payload: the
// measured numbers, so /api/raw_stats shows them with every live result.
func liveMetricsJSON(rep *LiveReport) string {
	m := rep.Metrics
	out := map[string]any{
		"stream_id": rep.StreamID, "output": rep.Output, "frames": m.Frames, "width": m.Width, "height": m.Height,
		"startup_latency_ms": round3(m.StartupLatencyMS), "fps_mean": round3(m.FPSMean), "fps_low": round3(m.FPSLow),
		"jitter_ms": round3(m.JitterMS), "freezes": m.Freezes, "freeze_total_ms": round3(m.FreezeTotalMS),
		"black_fraction": round3(m.BlackFraction), "e2e_latency_ms": round3(m.E2ELatencyMS), "flashes_matched": m.FlashesMatched,
		"pass_through": m.PassThrough, "input_similarity": round3(m.InputSimilarity), "ended": m.Ended,
		"ended_after_ms": round3(m.EndedAfterMS), "score": round3(rep.Verdict.Score), "flags": rep.Verdict.Flags,
		"status_state": rep.Status.StatusState, "status_inference_fps": round3(rep.Status.StatusInferenceFPS),
	}
	b, err := json.Marshal(out)
	if err != nil { // only finite numbers and strings: cannot fail
		return "{}"
	}
	return string(b)
}

func ms(d time.Duration) float64 { return round3(livemetrics.Millis(d)) }

// round3 keeps three decimals and maps NaN and ±Inf to 0, which JSON and
// the databases refuse.
var round3 = livemetrics.Round3

// liveRow is the live_results row of a live attempt.
func liveRow(region string, r Result) models.LiveResult {
	rep := r.Live
	return models.LiveResult{
		Region: region, Orchestrator: ethaddr.Fold(r.Orchestrator), URI: r.URI, Model: r.Capability.Model,
		Stream: rep.Stream, StreamID: rep.StreamID, Params: rep.Params, Attempt: r.Attempt, Outcome: r.Outcome,
		Error: r.Error, Flags: strings.Join(rep.Verdict.Flags, ","), Score: round3(rep.Verdict.Score),
		FPSScore: round3(rep.Verdict.FPSScore), StartupScore: round3(rep.Verdict.StartupScore),
		LatencyScore: round3(rep.Verdict.LatencyScore), SignalWidth: rep.SignalWidth, SignalHeight: rep.SignalHeight,
		SignalFPS: rep.SignalFPS, MeasureMS: ms(rep.Duration), Metrics: rep.Metrics.Metrics.Rounded(),
		Status: rep.Status.Status.Rounded(), Thumbnail: rep.Metrics.Thumbnail,
	}
}

// unavailableMarks are the texts with which a gateway says that no
// orchestrator could take the stream (docs/livepeer.md, "Live video through
// the gateway"): capacity, not the orchestrator's failure.
var unavailableMarks = []string{"orchestratorcapped", "orchestrator capped", "orchestratorbusy", "orchestrator busy",
	"insufficient capacity", "no capacity", "no orchestrators available", "no orchestrator available", "no orchestrators"}

// isUnavailableText reports whether a gateway error says "no capacity".
func isUnavailableText(s string) bool {
	s = strings.ToLower(s)
	for _, m := range unavailableMarks {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// liveStats is the compatible record of a live attempt (docs/live.md):
// pipeline "Live video to video", the live model, success 1 for a pass,
// round_trip_time the startup latency in seconds (the time waited in vain
// when no output came, so a failure never looks fast), the query as
// input_parameters and the metrics as response_payload.
func liveStats(region string, r Result) ingest.Stats {
	st := ResultStats(region, r)
	st.Pipeline = r.Capability.Pipeline
	st.InputParams = r.Input
	st.ResponsePayload = liveMetricsJSON(r.Live)
	return st
}
