package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jobtester/ingest"
)

// Outcome of one test. Only pass and fail count against an orchestrator;
// unavailable (no capacity, nothing selected) and tester_error (our side
// broke) are kept for the record but never scored.
type Outcome string

const (
	OutcomePass        Outcome = "pass"
	OutcomeFail        Outcome = "fail"
	OutcomeUnavailable Outcome = "unavailable"
	OutcomeTesterError Outcome = "tester_error"
)

// Scored reports whether results with this outcome enter scores.
func (o Outcome) Scored() bool { return o == OutcomePass || o == OutcomeFail }

// Valid reports whether o is one of the four outcomes.
func (o Outcome) Valid() bool {
	switch o {
	case OutcomePass, OutcomeFail, OutcomeUnavailable, OutcomeTesterError:
		return true
	}
	return false
}

// Result is a row of results: every field of a posted Stats payload plus
// when it was received, which ingest key posted it, and its outcome.
type Result struct {
	ID               int64
	ReceivedAt       time.Time
	Orchestrator     string
	RegionID         int64
	Pipeline         string
	Model            string
	Outcome          Outcome
	IngestKey        string
	SuccessRate      float64
	RoundTripTime    float64
	Errors           string // JSON array of {error_code, message, count}
	Timestamp        int64
	SegDuration      float64
	SegmentsSent     int
	SegmentsReceived int
	UploadTime       float64
	DownloadTime     float64
	TranscodeTime    float64
	ModelIsWarm      bool
	InputParameters  string
	ResponsePayload  string
	SweepID          *int64 // our own tests: the sweep that ran it
	HTTPStatus       int    // our own tests: the gateway's status, 0 for none
	Simulated        bool   // produced from simnet's profiles (the demo's past)
}

// RawResult is a stored result with its region code, as /api/raw_stats
// returns them.
type RawResult struct {
	Region string
	Result
	// Instance is the instance that stored the result as the last attempt
	// of its sweep's test (SweepResults only; "" otherwise).
	Instance string `json:"-"`
}

// Stats rebuilds the posted payload.
func (r *RawResult) Stats() ingest.Stats {
	return ingest.Stats{
		Region: r.Region, Orchestrator: r.Orchestrator, SuccessRate: r.SuccessRate,
		RoundTripTime: r.RoundTripTime, Errors: decodeErrors(r.Errors), Timestamp: r.Timestamp,
		SegDuration: r.SegDuration, SegmentsSent: r.SegmentsSent, SegmentsRecv: r.SegmentsReceived,
		UploadTime: r.UploadTime, DownloadTime: r.DownloadTime, TranscodeTime: r.TranscodeTime,
		Model: r.Model, ModelIsWarm: r.ModelIsWarm, Pipeline: r.Pipeline,
		InputParams: r.InputParameters, ResponsePayload: r.ResponsePayload,
	}
}

// RawResults returns the results of one orchestrator in the exact window,
// newest first. f.Orchestrator is required; without a pipeline only
// transcoding results are returned, as in leaderboard-serverless.
func (s *Store) RawResults(ctx context.Context, f Filter, w Window, limit int) ([]RawResult, error) {
	if f.Orchestrator == "" {
		return nil, fmt.Errorf("raw results need an orchestrator")
	}
	lo, hi := w.bounds() // the same instants the scores count
	q := s.db.WithContext(ctx).Table("results re").
		Select(`r.name AS region, re.*`).
		Joins(`JOIN regions r ON r.id = re.region_id JOIN job_types j ON j.id = r.job_type_id`).
		Where(`re.orchestrator = ? AND re.received_at >= ? AND re.received_at < ?`,
			f.Orchestrator, lo, hi).
		Where(`re.outcome IN ('pass', 'fail')`)
	jobType := f.JobType
	if f.Pipeline != "" {
		jobType = ingest.JobTypeAI
		q = q.Where(`re.pipeline = ? AND re.model = ?`, f.Pipeline, f.Model)
	}
	if jobType == "" {
		jobType = ingest.JobTypeTranscoding
	}
	q = q.Where(`j.name = ?`, jobType)
	if f.Region != "" {
		q = q.Where(`r.name = ?`, f.Region)
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []RawResult
	if err := q.Order(`re.received_at DESC, re.id DESC`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("raw results of %s: %w", f.Orchestrator, err)
	}
	return rows, nil
}

func decodeErrors(s string) []ingest.Error {
	out := []ingest.Error{}
	if strings.TrimSpace(s) == "" {
		return out
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return []ingest.Error{}
	}
	return out
}

// Cursor marks a place in results ordered newest first: the received time
// and ID of the last result of a page.
type Cursor struct {
	ReceivedAt time.Time
	ID         int64
}

// String encodes the cursor for a URL: Unix nanoseconds (SQLite keeps them;
// anything coarser would skip rows of the same microsecond), a dot, the ID.
func (c Cursor) String() string {
	return strconv.FormatInt(c.ReceivedAt.UnixNano(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ErrBadCursor is returned by ParseCursor.
var ErrBadCursor = errors.New("invalid cursor")

// ParseCursor reads a cursor written by Cursor.String.
func ParseCursor(s string) (Cursor, error) {
	at, id, ok := strings.Cut(s, ".")
	if !ok {
		return Cursor{}, fmt.Errorf("%w: %q has no dot", ErrBadCursor, s)
	}
	ns, err := strconv.ParseInt(at, 10, 64)
	if err != nil || ns < 0 {
		return Cursor{}, fmt.Errorf("%w: %q: time is not nanoseconds since 1970", ErrBadCursor, s)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return Cursor{}, fmt.Errorf("%w: %q: id is not a positive whole number", ErrBadCursor, s)
	}
	return Cursor{ReceivedAt: time.Unix(0, ns).UTC(), ID: n}, nil
}

// ResultQuery selects results for the dashboard. Empty fields match all.
type ResultQuery struct {
	Orchestrator string
	Region       string
	JobType      string // transcoding or ai
	Pipeline     string
	Model        string
	Outcome      Outcome
	SweepID      int64
	Since, Until time.Time // zero: unbounded
	Before       *Cursor   // only results older than this (the next page)
	Limit        int       // 1..500; default 50
}

// ResultPage is one page of results, newest first. Next is set when older
// results remain.
type ResultPage struct {
	Results []RawResult
	Next    *Cursor
}

// Results returns a page of results of every outcome (unlike RawResults,
// which keeps the legacy contract), newest first, with a cursor to the next
// page. Paging is by keyset, so a deep page costs what the first one does.
func (s *Store) Results(ctx context.Context, q ResultQuery) (ResultPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 500)
	db := s.db.WithContext(ctx).Table("results re").
		Select(`r.name AS region, re.*`).
		Joins(`JOIN regions r ON r.id = re.region_id JOIN job_types j ON j.id = r.job_type_id`)
	if q.Orchestrator != "" {
		db = db.Where(`re.orchestrator = ?`, q.Orchestrator)
	}
	if q.Region != "" {
		db = db.Where(`r.name = ?`, q.Region)
	}
	if q.JobType != "" {
		db = db.Where(`j.name = ?`, q.JobType)
	}
	if q.Pipeline != "" {
		db = db.Where(`re.pipeline = ?`, q.Pipeline)
	}
	if q.Model != "" {
		db = db.Where(`re.model = ?`, q.Model)
	}
	if q.Outcome != "" {
		db = db.Where(`re.outcome = ?`, string(q.Outcome))
	}
	if q.SweepID != 0 {
		db = db.Where(`re.sweep_id = ?`, q.SweepID)
	}
	if !q.Since.IsZero() {
		db = db.Where(`re.received_at >= ?`, q.Since.UTC())
	}
	if !q.Until.IsZero() {
		db = db.Where(`re.received_at <= ?`, q.Until.UTC())
	}
	if q.Before != nil {
		at := q.Before.ReceivedAt.UTC()
		db = db.Where(`(re.received_at < ? OR (re.received_at = ? AND re.id < ?))`, at, at, q.Before.ID)
	}
	var rows []RawResult
	err := db.Order(`re.received_at DESC, re.id DESC`).Limit(q.Limit + 1).Scan(&rows).Error
	if err != nil {
		return ResultPage{}, fmt.Errorf("page of results: %w", err)
	}
	page := ResultPage{Results: rows}
	if len(rows) > q.Limit {
		page.Results = rows[:q.Limit]
		last := page.Results[q.Limit-1]
		page.Next = &Cursor{ReceivedAt: last.ReceivedAt, ID: last.ID}
	}
	return page, nil
}

// SeriesName names one series of an orchestrator as the pages do: region
// code, pipeline and model, within a job type.
type SeriesName struct{ Region, Pipeline, Model string }

// LastFailures returns the newest n failures received since since of each
// named series of one orchestrator and job type, newest first. A page that
// explains every series of a node paid a query per series (on PostgreSQL a
// round trip each). Here one read numbers the node's failures per series
// from the failures index alone (no row is read), and a second reads the
// rows chosen. Series whose region is unknown have no failures.
func (s *Store) LastFailures(ctx context.Context, orch, jobType string, series []SeriesName, n int, since time.Time) (map[SeriesName][]RawResult, error) {
	regions, err := s.regionsByID(ctx)
	if err != nil {
		return nil, err
	}
	type key struct {
		Pipeline, Model string
		RegionID        int64
	}
	wanted := map[key]bool{}
	for id, r := range regions {
		for _, sn := range series {
			if r.JobType == jobType && r.Name == sn.Region {
				wanted[key{sn.Pipeline, sn.Model, id}] = true
			}
		}
	}
	out := map[SeriesName][]RawResult{}
	if len(wanted) == 0 || n <= 0 {
		return out, nil
	}
	var numbered []struct {
		ID              int64
		Pipeline, Model string
		RegionID        int64
		ReceivedAt      time.Time
	}
	// Every series of the node is numbered and the wanted ones, since
	// since, kept here: with a condition on received_at SQLite reads the
	// node's rows by time instead of this index (four times slower at 1M).
	err = s.db.WithContext(ctx).Raw(`SELECT id, pipeline, model, region_id, received_at FROM (
		SELECT id, pipeline, model, region_id, received_at,
			ROW_NUMBER() OVER (PARTITION BY pipeline, model, region_id ORDER BY received_at DESC, id DESC) AS n
		FROM results WHERE orchestrator = ? AND outcome = ?) f WHERE n <= ?`, orch, string(OutcomeFail), n).
		Scan(&numbered).Error
	if err != nil {
		return nil, fmt.Errorf("number the failures of %s: %w", orch, err)
	}
	var ids []int64
	for _, f := range numbered {
		if wanted[key{f.Pipeline, f.Model, f.RegionID}] && !f.ReceivedAt.Before(since) {
			ids = append(ids, f.ID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []RawResult
	err = s.db.WithContext(ctx).Table("results re").Select(`r.name AS region, re.*`).
		Joins(`JOIN regions r ON r.id = re.region_id`).Where(`re.id IN ?`, ids).
		Order(`re.received_at DESC, re.id DESC`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("last failures of %s: %w", orch, err)
	}
	for _, r := range rows {
		k := SeriesName{Region: r.Region, Pipeline: r.Pipeline, Model: r.Model}
		out[k] = append(out[k], r)
	}
	return out, nil
}
