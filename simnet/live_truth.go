package simnet

import (
	"time"

	"jobtester/media/live"
)

// LiveStreamTruth is one live start request and what became of it: what
// the gateway received (the query intact, so a test can check that the
// media server passed it on unchanged), whom it chose, the behaviour
// injected there, and what happened.
type LiveStreamTruth struct {
	Gateway  string    `json:"gateway"`
	Received time.Time `json:"received"`
	// HTTPStatus is what the start request was answered: 400 for a bad
	// form, else 200, whatever happened next (as go-livepeer).
	HTTPStatus int `json:"http_status"`
	// Stream is the path of the hook URL; SourceID, SourceType, Query and
	// RTMPURL the form fields as received.
	Stream     string `json:"stream"`
	SourceID   string `json:"source_id"`
	SourceType string `json:"source_type"`
	Query      string `json:"query"`
	RTMPURL    string `json:"rtmp_url,omitempty"`
	// Caller is the IP the hook came from.
	Caller string `json:"caller"`
	// From the query: the pipeline key as sent ("" if none), streamId,
	// the orchestrator pin and params, raw.
	Pipeline        string `json:"pipeline"`
	StreamID        string `json:"stream_id"`
	OrchestratorPin string `json:"orchestrator_pin"`
	Params          string `json:"params"`
	// Model is what the gateway asked for: Pipeline, or "noop".
	Model     string `json:"model"`
	RequestID string `json:"request_id,omitempty"`
	InputURL  string `json:"input_url,omitempty"`
	OutputURL string `json:"output_url,omitempty"`
	// The orchestrator that runs it: address (the join key), name, the
	// URI the gateway reached it at, and the behaviour injected there.
	Orchestrator     string            `json:"orchestrator,omitempty"`
	OrchestratorName string            `json:"orchestrator_name,omitempty"`
	OrchestratorURL  string            `json:"orchestrator_url,omitempty"`
	Profile          *LiveProfileTruth `json:"profile,omitempty"`
	// Error is the gateway's error (gateway_status.error in /status), or
	// why the start request was refused; Kicked whether the publisher was
	// disconnected through the media server's API.
	Error  string `json:"error,omitempty"`
	Kicked bool   `json:"kicked"`
	// Started is when the orchestrator accepted the stream; FirstOutput
	// when its first output frame was published, and StartupMS that less
	// Received; Ended when the relay stopped (EndError why, if not the
	// input ending); Dropped whether that was the profile's drop_after.
	Started     *time.Time `json:"started,omitempty"`
	FirstOutput *time.Time `json:"first_output,omitempty"`
	StartupMS   float64    `json:"startup_ms,omitempty"`
	Ended       *time.Time `json:"ended,omitempty"`
	EndError    string     `json:"end_error,omitempty"`
	Dropped     bool       `json:"dropped"`
	// OutputFrames is how many frames the relay published, and
	// RelayLateMS how late on average beyond the injected latency (its own
	// processing): on a loaded machine the simulated model falls behind,
	// and a test judges the measured rate and latency against this.
	OutputFrames int64   `json:"output_frames"`
	RelayLateMS  float64 `json:"relay_late_ms"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (n *Network) liveTruth() []LiveStreamTruth {
	out := []LiveStreamTruth{}
	for _, g := range n.gateways {
		g.live.mu.Lock()
		streams := append([]*liveStream(nil), g.live.all...)
		g.live.mu.Unlock()
		for _, s := range streams {
			out = append(out, s.truth(g.spec.Name))
		}
	}
	return out
}

func (s *liveStream) truth(gateway string) LiveStreamTruth {
	s.mu.Lock()
	job, orchURI, errMsg, kicked := s.job, s.orchURI, s.errMsg, s.kicked
	s.mu.Unlock()
	t := LiveStreamTruth{
		Gateway: gateway, Received: s.received, HTTPStatus: s.httpStatus,
		Stream: s.stream, SourceID: s.sourceID, SourceType: s.sourceType, Query: s.query, RTMPURL: s.rtmpURL, Caller: s.caller,
		Pipeline: s.pipelineKey, StreamID: s.streamID, OrchestratorPin: s.pin, Params: s.paramsRaw, Model: s.model,
		RequestID: s.requestID, InputURL: s.inURL, OutputURL: s.outURL, Error: errMsg, Kicked: kicked,
	}
	if job == nil {
		return t
	}
	v := job.view()
	t.Orchestrator, t.OrchestratorName, t.OrchestratorURL = job.orch.spec.Address, job.orch.spec.Name, orchURI
	t.Profile = job.profile.truth()
	t.Started, t.FirstOutput, t.Ended, t.EndError = timePtr(job.accepted), timePtr(v.firstOutput), timePtr(v.ended), v.endErr
	if !v.firstOutput.IsZero() {
		t.StartupMS = ms(v.firstOutput.Sub(s.received))
	}
	t.Dropped = v.dropped
	t.OutputFrames, t.RelayLateMS = job.counts.Out.Load(), ms(job.counts.MeanLate())
	if v.timedOut && t.Error == "" {
		t.Error = msgNoOutput
	}
	return t
}

// LiveRelayWindow is what the simulated model of the stream with this
// streamId published from from to to (media/live.RelayCounts.Window): a
// test that measured only part of the output judges it against the same
// part, and sees whether the model itself fell behind real time then (it
// restyles in Go, and a loaded machine slows it). ok is false for a
// stream no orchestrator ran.
func (n *Network) LiveRelayWindow(streamID string, from, to time.Time) (w live.RelayWindow, ok bool) {
	for _, g := range n.gateways {
		g.live.mu.Lock()
		streams := append([]*liveStream(nil), g.live.all...)
		g.live.mu.Unlock()
		for _, s := range streams {
			s.mu.Lock()
			job := s.job
			s.mu.Unlock()
			if s.streamID == streamID && job != nil {
				return job.counts.Window(from, to), true
			}
		}
	}
	return live.RelayWindow{}, false
}
