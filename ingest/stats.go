package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

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

// Bounds on the numbers of a result. Every one is far beyond what a real
// test measures, and small enough that the rollups' sums of them cannot
// overflow a float64 or a bigint on either database, whatever the number of
// results: SQLite would otherwise sum to +Inf (and every read of that
// bucket fail) while PostgreSQL refuses the insert.
const (
	// MaxSeconds bounds every duration (round_trip_time, seg_duration,
	// upload_time, download_time, and transcode_time either side of 0):
	// a test that took longer than a day did not happen.
	MaxSeconds = 86400
	// MaxCount bounds segments_sent, segments_received and errors[].count.
	MaxCount = 1_000_000_000
	// MaxClockSkew is how far in the future a timestamp may be (see
	// CheckTimestamp).
	MaxClockSkew = 24 * time.Hour
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
	return s.validateNumbers()
}

// validateNumbers checks every number against its range. NaN fails every
// comparison, so it is named explicitly; JSON cannot carry it, but a Stats
// built in Go can.
func (s *Stats) validateNumbers() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
	}
	if math.IsNaN(s.SuccessRate) || s.SuccessRate < 0 || s.SuccessRate > 1 {
		return bad("success_rate %v is outside 0..1", s.SuccessRate)
	}
	// Fixed order, so the first bad field named is always the same one.
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"round_trip_time", s.RoundTripTime}, {"seg_duration", s.SegDuration},
		{"upload_time", s.UploadTime}, {"download_time", s.DownloadTime},
	} {
		if math.IsInf(f.v, 0) || math.IsNaN(f.v) || f.v < 0 || f.v > MaxSeconds {
			return bad("%s %v is outside 0..%d seconds", f.name, f.v, MaxSeconds)
		}
	}
	// transcode_time is rtt − upload − download in stream-tester, which
	// goes slightly negative when the three rates are sampled apart.
	if math.IsInf(s.TranscodeTime, 0) || math.IsNaN(s.TranscodeTime) || math.Abs(s.TranscodeTime) > MaxSeconds {
		return bad("transcode_time %v is outside -%d..%d seconds", s.TranscodeTime, MaxSeconds, MaxSeconds)
	}
	if s.SegmentsSent < 0 || s.SegmentsRecv < 0 || s.SegmentsSent > MaxCount || s.SegmentsRecv > MaxCount {
		return bad("segments_sent and segments_received must be within 0..%d", MaxCount)
	}
	if s.Timestamp < 0 {
		return bad("timestamp %d is negative", s.Timestamp)
	}
	if len(s.Errors) > MaxErrorItems {
		return bad("more than %d errors", MaxErrorItems)
	}
	for i, e := range s.Errors {
		if e.Count < 0 || e.Count > MaxCount {
			return bad("errors[%d].count %d is outside 0..%d", i, e.Count, MaxCount)
		}
		if len(e.ErrorCode) > MaxNameLen || len(e.Message) > MaxTextLen {
			return bad("errors[%d] is too long", i)
		}
	}
	return nil
}

// CheckTimestamp refuses a timestamp more than MaxClockSkew ahead of now:
// a tester's clock that far off, or a timestamp in milliseconds or
// nanoseconds where seconds belong. A timestamp in the past is accepted
// however old: it only labels the result (windows use the time the result
// was received), and a forwarded result may arrive long after its test.
func (s *Stats) CheckTimestamp(now time.Time) error {
	if limit := now.Add(MaxClockSkew).Unix(); s.Timestamp > limit {
		return fmt.Errorf("%w: timestamp %d is more than %s ahead of this server's clock (%d); it must be Unix seconds",
			ErrInvalid, s.Timestamp, MaxClockSkew, now.Unix())
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
