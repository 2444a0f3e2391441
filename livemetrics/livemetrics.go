package livemetrics

import (
	"math"
	"time"
)

// Metrics is what the analyzer measured on a live test's output. Times are
// in milliseconds and rates in frames per second, the units of the table
// and the JSON; the duration methods give them back as time.Duration.
// Values are zero when unknown (no output, or nothing to measure against).
type Metrics struct {
	// Frames is the number of output frames decoded.
	Frames int `json:"frames"`
	// Width and Height are the size of the last output frame.
	Width  int `json:"width"`
	Height int `json:"height"`
	// StartupLatencyMS is the first output frame's arrival minus the
	// moment the first input frame was published.
	StartupLatencyMS float64 `json:"startup_latency_ms" gorm:"column:startup_latency_ms"`
	// FPSMean is the arrival rate over the run: frames over the time from
	// the first to the last frame, after the catch-up burst.
	FPSMean float64 `json:"fps_mean" gorm:"column:fps_mean"`
	// FPSLow is the 5th percentile of frames counted in each whole second
	// after the catch-up burst (a second with no frame counts as 0);
	// FPSMean when the run is shorter than a second.
	FPSLow float64 `json:"fps_low" gorm:"column:fps_low"`
	// JitterMS is the standard deviation of the gaps between frame
	// arrivals after the catch-up burst.
	JitterMS float64 `json:"jitter_ms" gorm:"column:jitter_ms"`
	// Freezes counts the times the picture stayed unchanged (repeated
	// frames, or no frame at all) for longer than the freeze threshold;
	// FreezeTotalMS is how long those lasted in all.
	Freezes       int     `json:"freezes"`
	FreezeTotalMS float64 `json:"freeze_total_ms" gorm:"column:freeze_total_ms"`
	// BlackFrames counts frames that are black (dark and flat);
	// BlackFraction is their share of Frames.
	BlackFrames   int     `json:"black_frames"`
	BlackFraction float64 `json:"black_fraction"`
	// E2ELatencyMS is the median delay from an input flash being sent to
	// it arriving in the output, over FlashesMatched flashes. When no flash
	// could be matched it falls back to CounterLatencyMS (FlashesMatched 0).
	E2ELatencyMS   float64 `json:"e2e_latency_ms" gorm:"column:e2e_latency_ms"`
	FlashesMatched int     `json:"flashes_matched"`
	// PassThrough is set when most output frames compared (Compared) are
	// nearly identical to the input frames they show: no model ran.
	// InputSimilarity is the share of compared frames within the bound,
	// InputDiff the median difference in levels (0–255) on a coarse grid.
	PassThrough     bool    `json:"pass_through"`
	InputSimilarity float64 `json:"input_similarity"`
	// Ended is set when the stream ended before the measurement was over;
	// EndedAfterMS is how long after the first frame.
	Ended        bool    `json:"ended"`
	EndedAfterMS float64 `json:"ended_after_ms" gorm:"column:ended_after_ms"`
	// FPSFromPTS is the rate the stream's timestamps claim. Far above
	// FPSMean it means frames were timestamped but not delivered in time.
	FPSFromPTS float64 `json:"fps_from_pts" gorm:"column:fps_from_pts"`
	// FlashesSeen counts flashes detected in the output, matched or not.
	FlashesSeen int `json:"flashes_seen"`
	// CounterLatencyMS is the median delay from input frame n being sent
	// to an output frame showing counter n arriving, over CounterFrames
	// frames whose counter was readable.
	CounterLatencyMS float64 `json:"counter_latency_ms" gorm:"column:counter_latency_ms"`
	CounterFrames    int     `json:"counter_frames"`
	InputDiff        float64 `json:"input_diff"`
	Compared         int     `json:"compared"`
	// ObservedMS is how long the output was watched after its first frame.
	ObservedMS float64 `json:"observed_ms" gorm:"column:observed_ms"`
	// CatchUpFrames counts the frames that arrived in a burst when the
	// reader joined: a media server that keeps the last group of pictures
	// sends it at once, so those frames are old. They count in Frames,
	// the startup latency, freezes, black frames and pass-through, not in
	// the rates, the jitter or the latencies.
	CatchUpFrames int `json:"catch_up_frames"`
}

// Status is the gateway's last answer on a live stream's status during a
// test (/live/video-to-video/{streamId}/status) and the first error it
// reported. The Status prefix keeps the names apart where it is embedded
// beside the measured metrics.
type Status struct {
	StatusState        string  `json:"status_state"`
	StatusInputFPS     float64 `json:"status_input_fps" gorm:"column:status_input_fps"`
	StatusInferenceFPS float64 `json:"status_inference_fps" gorm:"column:status_inference_fps"`
	// StatusOrchestrator is orchestrator_info.url as the gateway reported it.
	StatusOrchestrator string `json:"status_orchestrator"`
	// StatusError is gateway_status.error, or the runner's last error.
	StatusError string `json:"status_error"`
	// StatusJSON is the last status answer as read, capped.
	StatusJSON string `json:"status_json" gorm:"column:status_json"`
}

// Millis is d in milliseconds, the unit Metrics keeps times in.
func Millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Duration is ms milliseconds as a time.Duration, to the nanosecond.
func Duration(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

// StartupLatency is StartupLatencyMS as a duration.
func (m Metrics) StartupLatency() time.Duration { return Duration(m.StartupLatencyMS) }

// FreezeTotal is FreezeTotalMS as a duration.
func (m Metrics) FreezeTotal() time.Duration { return Duration(m.FreezeTotalMS) }

// E2ELatency is E2ELatencyMS as a duration.
func (m Metrics) E2ELatency() time.Duration { return Duration(m.E2ELatencyMS) }

// CounterLatency is CounterLatencyMS as a duration.
func (m Metrics) CounterLatency() time.Duration { return Duration(m.CounterLatencyMS) }

// EndedAfter is EndedAfterMS as a duration.
func (m Metrics) EndedAfter() time.Duration { return Duration(m.EndedAfterMS) }

// Observed is ObservedMS as a duration.
func (m Metrics) Observed() time.Duration { return Duration(m.ObservedMS) }

// Rounded is m with every fraction kept to three decimals and NaN and ±Inf
// made 0, which JSON and the databases refuse: the form it is stored in.
func (m Metrics) Rounded() Metrics {
	for _, v := range []*float64{&m.StartupLatencyMS, &m.FPSMean, &m.FPSLow, &m.JitterMS, &m.FreezeTotalMS,
		&m.BlackFraction, &m.E2ELatencyMS, &m.InputSimilarity, &m.EndedAfterMS, &m.FPSFromPTS,
		&m.CounterLatencyMS, &m.InputDiff, &m.ObservedMS} {
		*v = Round3(*v)
	}
	return m
}

// Rounded is s with its rates kept to three decimals, as stored.
func (s Status) Rounded() Status {
	s.StatusInputFPS, s.StatusInferenceFPS = Round3(s.StatusInputFPS), Round3(s.StatusInferenceFPS)
	return s
}

// Round3 keeps three decimals and maps NaN and ±Inf to 0.
func Round3(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1000) / 1000
}
