package livepeer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"jobtester/ethaddr"
)

// ErrStreamNotFound is wrapped by LiveStatus when the gateway knows no
// stream by that id: not started yet, started without a streamId, or ended
// more than a minute ago (the gateway clears the entry then).
var ErrStreamNotFound = errors.New("live stream not found")

// Live stream states as the ai-runner reports them.
const (
	LiveStateLoading           = "LOADING"
	LiveStateOffline           = "OFFLINE"
	LiveStateOnline            = "ONLINE"
	LiveStateDegradedInput     = "DEGRADED_INPUT"
	LiveStateDegradedInference = "DEGRADED_INFERENCE"
	LiveStateError             = "ERROR"
)

// DefaultStatusTimeout bounds a status call whose context has no deadline:
// the gateway answers it from memory.
const DefaultStatusTimeout = 10 * time.Second

// maxStatusBody caps a status answer. It carries the last params and up to
// a few hundred lines of restart logs; 4 MiB is far beyond either.
const maxStatusBody = 4 << 20

// LiveStatus is the gateway's view of one live video-to-video stream, from
// GET /live/video-to-video/{streamId}/status: the runner's last status
// event plus what the gateway adds. Times are zero and numbers 0 when the
// answer does not carry them.
type LiveStatus struct {
	// Pipeline is the live model (noop, comfyui, streamdiffusion, …).
	Pipeline string
	// State is one of the LiveState… values (or whatever newer state a
	// runner sends); empty when not reported.
	State           string
	StartTime       time.Time
	LastStateUpdate time.Time
	// InputFPS and InferenceFPS are the runner's rates over its last
	// 10 s window: frames it received and frames its model produced.
	InputFPS     float64
	InferenceFPS float64
	LastInput    time.Time
	LastOutput   time.Time
	// LastParams is the JSON object of the params in force and
	// LastParamsHash its MD5 (of the sorted JSON) as the runner computed it.
	LastParams       json.RawMessage
	LastParamsHash   string
	LastParamsUpdate time.Time
	// LastError is the runner's last inference error.
	LastError     string
	LastErrorTime time.Time
	RestartCount  int
	LastRestart   time.Time
	RestartLogs   []string
	StreamID      string
	RequestID     string
	PipelineID    string
	// OrchestratorAddress (lower-case when it is a valid address) and
	// OrchestratorURL identify the orchestrator serving the stream.
	OrchestratorAddress string
	OrchestratorURL     string
	// GatewayError is the first error the gateway met on this stream.
	GatewayError     string
	GatewayErrorTime time.Time
	WHEPURL          string
	// Timestamp is when the status event was made.
	Timestamp time.Time
	// Flat is set when the rates came from the older flat shape
	// (input_fps/output_fps) rather than input_status/inference_status.
	Flat bool
}

// Wire shapes. Pointers tell "absent or null" from zero. encoding/json
// rejects a value of the wrong JSON type with an error naming the field,
// which is the strictness wanted; unknown keys are ignored, so a newer
// runner that adds fields still parses.
type liveStatusJSON struct {
	Type                string               `json:"type"`
	Pipeline            *string              `json:"pipeline"`
	StartTime           *float64             `json:"start_time"`
	State               *string              `json:"state"`
	LastStateUpdateTime *float64             `json:"last_state_update_time"`
	InputStatus         *inputStatusJSON     `json:"input_status"`
	InferenceStatus     *inferenceStatusJSON `json:"inference_status"`
	LastStatusTimestamp *float64             `json:"last_status_timestamp"`
	Timestamp           *float64             `json:"timestamp"`
	StreamID            *string              `json:"stream_id"`
	RequestID           *string              `json:"request_id"`
	PipelineID          *string              `json:"pipeline_id"`
	OrchestratorInfo    *struct {
		Address *string `json:"address"`
		URL     *string `json:"url"`
	} `json:"orchestrator_info"`
	GatewayStatus *struct {
		WHEPURL *string `json:"whep_url"`
		Error   *struct {
			Message *string  `json:"error_message"`
			Time    *float64 `json:"error_time"`
		} `json:"error"`
	} `json:"gateway_status"`

	// The older flat shape.
	InputFPS  *float64 `json:"input_fps"`
	OutputFPS *float64 `json:"output_fps"`
}

type inputStatusJSON struct {
	LastInputTime *float64 `json:"last_input_time"`
	FPS           *float64 `json:"fps"`
}

type inferenceStatusJSON struct {
	LastOutputTime       *float64        `json:"last_output_time"`
	FPS                  *float64        `json:"fps"`
	LastParamsUpdateTime *float64        `json:"last_params_update_time"`
	LastParams           json.RawMessage `json:"last_params"`
	LastParamsHash       *string         `json:"last_params_hash"`
	LastErrorTime        *float64        `json:"last_error_time"`
	LastError            *string         `json:"last_error"`
	LastRestartTime      *float64        `json:"last_restart_time"`
	LastRestartLogs      []string        `json:"last_restart_logs"`
	RestartCount         *float64        `json:"restart_count"`
	// Some front-ends nest the flat names here.
	InputFPS  *float64 `json:"input_fps"`
	OutputFPS *float64 `json:"output_fps"`
}

// maxEpochMS is the year 3000 in milliseconds: a timestamp beyond it is a
// unit mix-up (microseconds, nanoseconds), not a time.
const maxEpochMS = 32503680000000

// maxFPS bounds a frame rate: anything above is garbage, not video.
const maxFPS = 10000

// ParseLiveStatus decodes a status answer. It accepts the current nested
// shape (input_status, inference_status) and the older flat one
// (input_fps, output_fps), ignores keys it does not know, and fails with an
// error naming the field when a known key has the wrong JSON type or an
// impossible value: a negative or absurd rate, a timestamp that is not
// milliseconds since 1970, a fractional restart count.
func ParseLiveStatus(body []byte) (LiveStatus, error) {
	var w liveStatusJSON
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return LiveStatus{}, fmt.Errorf("decode live status: not a JSON object: %s", snippet(body))
	}
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return LiveStatus{}, fmt.Errorf("decode live status: %w", err)
	}
	var s LiveStatus
	p := parser{}
	s.Pipeline = str(w.Pipeline)
	s.State = str(w.State)
	s.StartTime = p.epoch("start_time", w.StartTime)
	s.LastStateUpdate = p.epoch("last_state_update_time", w.LastStateUpdateTime)
	s.Timestamp = p.epoch("timestamp", w.Timestamp)
	if last := p.epoch("last_status_timestamp", w.LastStatusTimestamp); !last.IsZero() {
		s.Timestamp = last
	}
	s.StreamID, s.RequestID, s.PipelineID = str(w.StreamID), str(w.RequestID), str(w.PipelineID)
	if in := w.InputStatus; in != nil {
		s.InputFPS = p.fps("input_status.fps", in.FPS)
		s.LastInput = p.epoch("input_status.last_input_time", in.LastInputTime)
	}
	if inf := w.InferenceStatus; inf != nil {
		s.InferenceFPS = p.fps("inference_status.fps", inf.FPS)
		s.LastOutput = p.epoch("inference_status.last_output_time", inf.LastOutputTime)
		s.LastParamsUpdate = p.epoch("inference_status.last_params_update_time", inf.LastParamsUpdateTime)
		s.LastErrorTime = p.epoch("inference_status.last_error_time", inf.LastErrorTime)
		s.LastRestart = p.epoch("inference_status.last_restart_time", inf.LastRestartTime)
		s.LastParamsHash, s.LastError = str(inf.LastParamsHash), str(inf.LastError)
		s.RestartLogs = inf.LastRestartLogs
		s.RestartCount = p.count("inference_status.restart_count", inf.RestartCount)
		if raw := bytes.TrimSpace(inf.LastParams); len(raw) > 0 && string(raw) != "null" {
			if raw[0] != '{' {
				p.fail("inference_status.last_params", "not a JSON object")
			}
			s.LastParams = append(json.RawMessage(nil), raw...)
		}
		if inf.FPS == nil && (inf.InputFPS != nil || inf.OutputFPS != nil) {
			s.InputFPS = p.fps("inference_status.input_fps", inf.InputFPS)
			s.InferenceFPS = p.fps("inference_status.output_fps", inf.OutputFPS)
			s.Flat = true
		}
	}
	if w.InputStatus == nil && w.InferenceStatus == nil && (w.InputFPS != nil || w.OutputFPS != nil) {
		s.InputFPS = p.fps("input_fps", w.InputFPS)
		s.InferenceFPS = p.fps("output_fps", w.OutputFPS)
		s.Flat = true
	}
	if o := w.OrchestratorInfo; o != nil {
		s.OrchestratorAddress = strings.TrimSpace(str(o.Address))
		if a, ok := ethaddr.Normalize(s.OrchestratorAddress); ok {
			s.OrchestratorAddress = a
		}
		s.OrchestratorURL = strings.TrimSpace(str(o.URL))
	}
	if g := w.GatewayStatus; g != nil {
		s.WHEPURL = str(g.WHEPURL)
		if e := g.Error; e != nil {
			s.GatewayError = str(e.Message)
			s.GatewayErrorTime = p.epoch("gateway_status.error.error_time", e.Time)
		}
	}
	if p.err != nil {
		return LiveStatus{}, fmt.Errorf("decode live status: %w", p.err)
	}
	return s, nil
}

// parser keeps the first value error so that conversion reads as a list.
type parser struct{ err error }

func (p *parser) fail(field, why string) {
	if p.err == nil {
		p.err = fmt.Errorf("%s: %s", field, why)
	}
}

// epoch converts milliseconds since 1970; 0 (Python's "never") is zero.
func (p *parser) epoch(field string, v *float64) time.Time {
	if v == nil || *v == 0 {
		return time.Time{}
	}
	if *v < 0 || *v > maxEpochMS || math.IsNaN(*v) {
		p.fail(field, fmt.Sprintf("%v is not a time in milliseconds since 1970", *v))
		return time.Time{}
	}
	return time.UnixMilli(int64(*v)).UTC()
}

func (p *parser) fps(field string, v *float64) float64 {
	if v == nil {
		return 0
	}
	if *v < 0 || *v > maxFPS || math.IsNaN(*v) {
		p.fail(field, fmt.Sprintf("%v is not a frame rate", *v))
		return 0
	}
	return *v
}

func (p *parser) count(field string, v *float64) int {
	if v == nil {
		return 0
	}
	if *v < 0 || *v != math.Trunc(*v) || *v > math.MaxInt32 {
		p.fail(field, fmt.Sprintf("%v is not a count", *v))
		return 0
	}
	return int(*v)
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// LiveStatus calls GET {HTTPURL}/live/video-to-video/{streamID}/status.
// The gateway keys the status by the streamId query key of the ingest URL
// (not the stream name); a 404 is ErrStreamNotFound.
func (c *GatewayClient) LiveStatus(ctx context.Context, streamID string) (LiveStatus, error) {
	if streamID == "" {
		return LiveStatus{}, errors.New("live status: empty stream id")
	}
	u, err := endpoint(c.HTTPURL, "/live/video-to-video/"+url.PathEscape(streamID)+"/status", "HTTP")
	if err != nil {
		return LiveStatus{}, fmt.Errorf("live status of %s: %w", streamID, err)
	}
	ctx, cancel := withDefaultDeadline(ctx, DefaultStatusTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return LiveStatus{}, fmt.Errorf("live status: GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client().Do(req)
	if err != nil {
		return LiveStatus{}, fmt.Errorf("live status: GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, truncated, err := readCapped(resp.Body, maxStatusBody)
	if err != nil {
		return LiveStatus{}, fmt.Errorf("live status: GET %s: read body: %w", u, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return LiveStatus{}, fmt.Errorf("live status: GET %s: status 404: %w", u, ErrStreamNotFound)
	case resp.StatusCode != http.StatusOK:
		return LiveStatus{}, fmt.Errorf("live status: GET %s: status %d: %s", u, resp.StatusCode, snippet(body))
	case truncated:
		return LiveStatus{}, fmt.Errorf("live status: GET %s: %w (%d bytes)", u, ErrTooLarge, maxStatusBody)
	}
	s, err := ParseLiveStatus(body)
	if err != nil {
		return LiveStatus{}, fmt.Errorf("live status from %s: %w", u, err)
	}
	return s, nil
}
