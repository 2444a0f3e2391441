package leaderboard

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

// ResultStore is what the result list reads.
type ResultStore interface {
	Results(ctx context.Context, q models.ResultQuery) (models.ResultPage, error)
}

var _ ResultStore = (*models.Store)(nil)

// Result is one stored result as /api/v1/results and the pages show it:
// the evidence behind a score.
type Result struct {
	ID            int64          `json:"id"`
	ReceivedAt    time.Time      `json:"received_at"`
	Orchestrator  string         `json:"orchestrator"`
	Region        string         `json:"region"`
	Pipeline      string         `json:"pipeline"`
	Model         string         `json:"model"`
	Outcome       models.Outcome `json:"outcome"`
	SuccessRate   float64        `json:"success_rate"`
	RoundTripTime float64        `json:"round_trip_time"`
	HTTPStatus    int            `json:"http_status"`
	SweepID       *int64         `json:"sweep_id"`
	Errors        []ingest.Error `json:"errors"`
	IngestKey     string         `json:"ingest_key"`
	// Simulated: drawn from simnet's profiles (the demo's past), not
	// measured.
	Simulated bool `json:"simulated"`
}

// ErrorText is the errors of a result as one line.
func (r Result) ErrorText() string {
	var parts []string
	for _, e := range r.Errors {
		s := e.ErrorCode
		if e.Message != "" {
			if s != "" {
				s += ": "
			}
			s += e.Message
		}
		if e.Count > 1 {
			s += " (×" + strconv.Itoa(e.Count) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// JobLabel is "Transcoding" or "pipeline · model".
func (r Result) JobLabel() string {
	if r.Pipeline == "" {
		return "Transcoding"
	}
	return r.Pipeline + " · " + r.Model
}

// ResultOf is a stored result as the list shows it.
func ResultOf(r *models.RawResult) Result {
	st := r.Stats()
	return Result{ID: r.ID, ReceivedAt: r.ReceivedAt.UTC(), Orchestrator: r.Orchestrator, Region: r.Region,
		Pipeline: r.Pipeline, Model: r.Model, Outcome: r.Outcome, SuccessRate: r.SuccessRate,
		RoundTripTime: r.RoundTripTime, HTTPStatus: r.HTTPStatus, SweepID: r.SweepID, Errors: st.Errors,
		IngestKey: r.IngestKey, Simulated: r.Simulated}
}

// ResultsPage is the /api/v1/results answer.
type ResultsPage struct {
	Results []Result `json:"results"`
	// Next is the cursor of the next (older) page: pass it as before.
	Next string `json:"next,omitempty"`
}

// ParseResultQuery reads the filters and paging of a result list.
func ParseResultQuery(v url.Values) (models.ResultQuery, error) {
	f, err := ParseSeries(v)
	if err != nil {
		return models.ResultQuery{}, err
	}
	q := models.ResultQuery{Orchestrator: f.Orchestrator, Region: f.Region, JobType: f.JobType,
		Pipeline: f.Pipeline, Model: f.Model, Limit: 50}
	if o := v.Get("outcome"); o != "" {
		if !models.Outcome(o).Valid() {
			return q, errors.New("outcome must be pass, fail, unavailable or tester_error")
		}
		q.Outcome = models.Outcome(o)
	}
	if x := v.Get("sweep"); x != "" {
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil || n <= 0 {
			return q, errors.New("sweep must be a positive whole number")
		}
		q.SweepID = n
	}
	if x := v.Get("since"); x != "" {
		if q.Since, err = ParseTime(x); err != nil {
			return q, errors.New("since: " + err.Error())
		}
	}
	if x := v.Get("until"); x != "" {
		if q.Until, err = ParseTime(x); err != nil {
			return q, errors.New("until: " + err.Error())
		}
	}
	if x := v.Get("before"); x != "" {
		c, err := models.ParseCursor(x)
		if err != nil {
			return q, errors.New("before must be a cursor from a previous page's next")
		}
		q.Before = &c
	}
	if x := v.Get("limit"); x != "" {
		n, err := strconv.Atoi(x)
		if err != nil || n < 1 || n > 500 {
			return q, errors.New("limit must be between 1 and 500")
		}
		q.Limit = n
	}
	return q, nil
}

// ReadResults reads one page of results, newest first.
func ReadResults(ctx context.Context, st ResultStore, q models.ResultQuery) (*ResultsPage, error) {
	page, err := st.Results(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &ResultsPage{Results: make([]Result, 0, len(page.Results))}
	for i := range page.Results {
		out.Results = append(out.Results, ResultOf(&page.Results[i]))
	}
	if page.Next != nil {
		out.Next = page.Next.String()
	}
	return out, nil
}
