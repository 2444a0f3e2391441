package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"jobtester/ethaddr"
)

// Stats is the leaderboard-serverless models.Stats payload, field for field.
// Its JSON form is also what /api/raw_stats returns.
type Stats struct {
	Region          string  `json:"region"`
	Orchestrator    string  `json:"orchestrator"`
	SuccessRate     float64 `json:"success_rate"`
	RoundTripTime   float64 `json:"round_trip_time"`
	Errors          []Error `json:"errors"`
	Timestamp       int64   `json:"timestamp"`
	SegDuration     float64 `json:"seg_duration,omitempty"`
	SegmentsSent    int     `json:"segments_sent,omitempty"`
	SegmentsRecv    int     `json:"segments_received,omitempty"`
	UploadTime      float64 `json:"upload_time,omitempty"`
	DownloadTime    float64 `json:"download_time,omitempty"`
	TranscodeTime   float64 `json:"transcode_time,omitempty"`
	Model           string  `json:"model,omitempty"`
	ModelIsWarm     bool    `json:"model_is_warm,omitempty"`
	Pipeline        string  `json:"pipeline,omitempty"`
	InputParams     string  `json:"input_parameters,omitempty"`
	ResponsePayload string  `json:"response_payload,omitempty"`
}

// Error is one entry of Stats.Errors.
type Error struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message,omitempty"`
	Count     int    `json:"count"`
}

// Job types, as named in the job_types table and the JSON API.
const (
	JobTypeTranscoding = "transcoding"
	JobTypeAI          = "ai"
)

// JobType is "ai" when both model and pipeline are set, as in
// leaderboard-serverless's Stats.JobType().
func (s *Stats) JobType() string {
	if s.Model != "" && s.Pipeline != "" {
		return JobTypeAI
	}
	return JobTypeTranscoding
}

// Limits on free-text fields. They bound what one result can store; the body
// size limit bounds the request as a whole.
const (
	MaxNameLen    = 256   // region, pipeline, model, error codes
	MaxTextLen    = 65536 // input_parameters, response_payload, messages
	MaxErrorItems = 256
)

// ErrInvalid wraps every validation failure, so callers answer 400.
var ErrInvalid = errors.New("invalid stats")

// Decode parses one posted Stats body strictly: unknown fields, trailing
// data, wrong types and out-of-range values are all errors wrapping
// ErrInvalid. The orchestrator address is returned lower-cased.
func Decode(body []byte) (Stats, error) {
	var s Stats
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Stats{}, fmt.Errorf("%w: decode body: %s", ErrInvalid, describeJSONError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return Stats{}, fmt.Errorf("%w: decode body: unexpected data after the JSON object", ErrInvalid)
	}
	if err := s.Validate(); err != nil {
		return Stats{}, err
	}
	s.Orchestrator = ethaddr.Fold(s.Orchestrator)
	return s, nil
}

// Validate checks ranges and the field rules of the contract. It does not
// know which regions exist; the store checks that.
func (s *Stats) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
	}
	if s.Region == "" {
		return bad("region is required")
	}
	if len(s.Region) > MaxNameLen {
		return bad("region is longer than %d bytes", MaxNameLen)
	}
	// Any case, as testers send it; no spaces around it.
	if !ethaddr.Valid(strings.ToLower(s.Orchestrator)) {
		return bad("orchestrator %q is not a 0x-prefixed 20-byte hex address", clip(s.Orchestrator))
	}
	if (s.Model == "") != (s.Pipeline == "") {
		if s.Model == "" {
			return bad("model required: pipeline and model must be given together")
		}
		return bad("pipeline required: pipeline and model must be given together")
	}
	if len(s.Model) > MaxNameLen || len(s.Pipeline) > MaxNameLen {
		return bad("pipeline and model must be at most %d bytes", MaxNameLen)
	}
	if len(s.InputParams) > MaxTextLen || len(s.ResponsePayload) > MaxTextLen {
		return bad("input_parameters and response_payload must be at most %d bytes", MaxTextLen)
	}
	// PostgreSQL text cannot hold NUL; refuse it here rather than fail
	// the insert with a 500.
	texts := []string{s.Region, s.Orchestrator, s.Model, s.Pipeline, s.InputParams, s.ResponsePayload}
	for _, e := range s.Errors {
		texts = append(texts, e.ErrorCode, e.Message)
	}
	for _, v := range texts {
		if strings.IndexByte(v, 0) >= 0 {
			return bad("text fields must not contain NUL characters")
		}
	}
	if s.SuccessRate < 0 || s.SuccessRate > 1 {
		return bad("success_rate %v is outside 0..1", s.SuccessRate)
	}
	for name, v := range map[string]float64{
		"round_trip_time": s.RoundTripTime, "seg_duration": s.SegDuration,
		"upload_time": s.UploadTime, "download_time": s.DownloadTime,
	} {
		if v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return bad("%s %v must be a finite number ≥ 0", name, v)
		}
	}
	// transcode_time is rtt − upload − download in stream-tester, which
	// goes slightly negative when the three rates are sampled apart.
	if math.IsInf(s.TranscodeTime, 0) || math.IsNaN(s.TranscodeTime) {
		return bad("transcode_time must be finite")
	}
	if s.SegmentsSent < 0 || s.SegmentsRecv < 0 {
		return bad("segments_sent and segments_received must be ≥ 0")
	}
	if s.Timestamp < 0 {
		return bad("timestamp %d is negative", s.Timestamp)
	}
	if len(s.Errors) > MaxErrorItems {
		return bad("more than %d errors", MaxErrorItems)
	}
	for i, e := range s.Errors {
		if e.Count < 0 {
			return bad("errors[%d].count %d is negative", i, e.Count)
		}
		if len(e.ErrorCode) > MaxNameLen || len(e.Message) > MaxTextLen {
			return bad("errors[%d] is too long", i)
		}
	}
	return nil
}

func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("field %q must be a %s, not a JSON %s", typeErr.Field, typeErr.Type, typeErr.Value)
	}
	if errors.Is(err, io.EOF) {
		return "empty body"
	}
	return err.Error()
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
