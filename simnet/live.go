package simnet

import (
	"fmt"
	"math"
	"time"
)

// Live video to video (docs/livepeer.md, "Live video through the gateway"
// and "How orchestrators advertise live video"): an orchestrator advertises it as
// capability 35 with a model id ("noop", "streamdiffusion", …) like any AI
// pipeline, but a stream is not a job: the gateway pulls the publisher's
// RTMP stream, the orchestrator transforms it frame by frame, and the
// output is published back as <stream>-out.
const (
	liveRoute      = "live-video-to-video"
	liveName       = "Live video to video"
	liveCapability = 35
	// defaultLiveModel is the gateway's model when the query names none.
	defaultLiveModel = "noop"
)

// livePipeline is what pipelineByRoute returns for the live route; it is
// not in the batch table, which is what the gateway serves as HTTP routes.
var livePipeline = pipeline{Route: liveRoute, Name: liveName, Capability: liveCapability, Output: outputLive}

// Effects a live model applies to each frame (media/live.Effect).
const (
	EffectStylize = "stylize" // a visible change of colour and edges: an honest model
	EffectNone    = "none"    // frames passed through unchanged: the cheat
	EffectBlack   = "black"   // black frames
)

// LiveProfile is how a live-video-to-video model behaves. Its durations
// are wall-clock time: TimeScale does not touch them, because the stream
// they shape is real video a tester measures in real time.
type LiveProfile struct {
	// StartupDelay: output frames are dropped until this long after the
	// orchestrator starts pulling the input (model load, warm-up).
	StartupDelay Duration `yaml:"startup_delay,omitempty" json:"startup_delay,omitempty"`
	// AddedLatency: each frame is held this long after it arrived before
	// it is published (inference time).
	AddedLatency Duration `yaml:"added_latency,omitempty" json:"added_latency,omitempty"`
	// OutputFPS: frames are dropped down to this rate; 0 keeps the input's.
	OutputFPS float64 `yaml:"output_fps,omitempty" json:"output_fps,omitempty"`
	// FreezeAfter: from this long after the first output frame on, the
	// last frame is repeated (identical pixels); 0 never.
	FreezeAfter Duration `yaml:"freeze_after,omitempty" json:"freeze_after,omitempty"`
	// DropAfter: the output stops (its RTMP publish is closed) this long
	// after the first output frame, while the input still flows; 0 never.
	DropAfter Duration `yaml:"drop_after,omitempty" json:"drop_after,omitempty"`
	// Effect: stylize (default), none (pass-through, the cheat) or black.
	Effect string `yaml:"effect,omitempty" json:"effect,omitempty"`
	// Capped makes the model advertise no free capacity: every start is
	// refused with OrchestratorCapped (docs/livepeer.md, "How orchestrators
	// advertise live video"), as when all of an
	// orchestrator's live runners are busy. Without it, the model's
	// capacity (default 1) is how many streams it runs at once, and one
	// more is refused the same way.
	Capped bool `yaml:"capped,omitempty" json:"capped,omitempty"`
}

// Bounds of live profiles (those of media/live.Relay).
const (
	maxLiveFPS          = 60
	maxLiveAddedLatency = time.Minute
)

// validateLive checks a live-video-to-video model: its profile, and that
// no batch-only field is set. mwhere names the model.
func validateLive(bad func(string, string, ...any), mwhere string, m ModelSpec) {
	batchOnly := []struct {
		name string
		set  bool
	}{
		{"latency", m.Latency != (Latency{})}, {"cold", m.Cold}, {"cold_start", m.ColdStart != 0},
		{"failure_rate", m.FailureRate != 0}, {"no_capacity_rate", m.NoCapacityRate != 0},
		{"wrong_size_rate", m.WrongSizeRate != 0}, {"broken", m.Broken},
	}
	for _, f := range batchOnly {
		if f.set {
			bad(mwhere, "%s applies only to batch pipelines, not %s (use live: {…})", f.name, liveRoute)
		}
	}
	p := m.Live
	if p == nil {
		return
	}
	for _, d := range []struct {
		name string
		v    Duration
		max  time.Duration
	}{{"startup_delay", p.StartupDelay, maxLatency}, {"added_latency", p.AddedLatency, maxLiveAddedLatency}, {"freeze_after", p.FreezeAfter, maxLatency}, {"drop_after", p.DropAfter, maxLatency}} {
		if d.v < 0 || d.v.D() > d.max {
			bad(mwhere, "live.%s %s is not in [0, %s]", d.name, d.v, d.max)
		}
	}
	if !(p.OutputFPS >= 0 && p.OutputFPS <= maxLiveFPS) || math.IsNaN(p.OutputFPS) {
		bad(mwhere, "live.output_fps %v is not in [0, %d] (0 keeps the input's rate)", p.OutputFPS, maxLiveFPS)
	}
	switch p.Effect {
	case "", EffectStylize, EffectNone, EffectBlack:
	default:
		bad(mwhere, "live.effect %q: want %s, %s or %s", p.Effect, EffectStylize, EffectNone, EffectBlack)
	}
}

// liveDefaults fills a live model's zero fields.
func liveDefaults(m *ModelSpec) {
	p := LiveProfile{}
	if m.Live != nil {
		p = *m.Live
	}
	if p.Effect == "" {
		p.Effect = EffectStylize
	}
	m.Live = &p
}

// advertisedCapacity is the capacity a model advertises: 0 for a capped
// live model.
func (m ModelSpec) advertisedCapacity() int {
	if m.Live != nil && m.Live.Capped {
		return 0
	}
	return m.Capacity
}

// LiveProfileTruth is a live model's injected behaviour in the truth, in
// wall-clock milliseconds.
type LiveProfileTruth struct {
	StartupDelayMS float64 `json:"startup_delay_ms"`
	AddedLatencyMS float64 `json:"added_latency_ms"`
	// OutputFPS 0 keeps the input's rate.
	OutputFPS     float64 `json:"output_fps"`
	FreezeAfterMS float64 `json:"freeze_after_ms"`
	DropAfterMS   float64 `json:"drop_after_ms"`
	Effect        string  `json:"effect"`
	Capped        bool    `json:"capped"`
}

func (p *LiveProfile) truth() *LiveProfileTruth {
	if p == nil {
		return nil
	}
	return &LiveProfileTruth{
		StartupDelayMS: ms(p.StartupDelay.D()), AddedLatencyMS: ms(p.AddedLatency.D()), OutputFPS: p.OutputFPS,
		FreezeAfterMS: ms(p.FreezeAfter.D()), DropAfterMS: ms(p.DropAfter.D()), Effect: p.Effect, Capped: p.Capped,
	}
}

// liveModel is a scenario helper: a live model with a profile.
func liveModel(id string, p LiveProfile) ModelSpec {
	return ModelSpec{Pipeline: liveRoute, Model: id, Live: &p}
}

func (p LiveProfile) String() string {
	return fmt.Sprintf("effect=%s startup=%s latency=%s fps=%v freeze=%s drop=%s capped=%v",
		p.Effect, p.StartupDelay, p.AddedLatency, p.OutputFPS, p.FreezeAfter, p.DropAfter, p.Capped)
}

// wallMS is a wall-clock time as epoch milliseconds, the unit of the
// runner's status timestamps; the zero time is 0.
func wallMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
