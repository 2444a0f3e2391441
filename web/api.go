package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ingest"
	"jobtester/models"
	"jobtester/rollup"
	"jobtester/scoring"
)

// JSON reads behind the pages: /api/v1/history and /api/v1/results. The
// leaderboard's is in leaderboard.go. Errors are answered as handlers'
// error handler answers every /api error: {"error": "..."} with a status.

// apiHeaders are those of handlers' /api group: the JSON is public and
// briefly cacheable.
func apiHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Cache-Control", "public, max-age=30, stale-while-revalidate=15")
}

// HistoryPoint is one step of a series in /api/v1/history. Values are null
// for a step without scored results.
type HistoryPoint struct {
	Hour           time.Time `json:"hour"` // start of the step
	Results        int64     `json:"results"`
	SuccessRate    *float64  `json:"success_rate"`
	Score          *float64  `json:"score"`
	LatencySeconds *float64  `json:"latency_seconds"` // see latency()
}

// HistorySeries is one orchestrator in one region for one pipeline and model.
type HistorySeries struct {
	Orchestrator string `json:"orchestrator"`
	Region       string `json:"region"`
	JobType      string `json:"job_type"`
	Pipeline     string `json:"pipeline"`
	Model        string `json:"model"`
	// MedianRoundTripSeconds is the AI reference the scores were computed
	// against: the median over the whole history window.
	MedianRoundTripSeconds *float64       `json:"median_round_trip_seconds,omitempty"`
	Points                 []HistoryPoint `json:"points"`
}

// History is the /api/v1/history answer.
type History struct {
	Since  time.Time       `json:"since"`
	Until  time.Time       `json:"until"`
	Step   string          `json:"step"`
	Series []HistorySeries `json:"series"`
}

// timeParam reads a time given as Unix seconds or RFC 3339.
func timeParam(v string) (time.Time, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
			return time.Time{}, errors.New("out of range")
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, errors.New("not Unix seconds or RFC 3339")
	}
	return t.UTC(), nil
}

// seriesQuery reads orchestrator, region, job_type, pipeline and model.
func seriesQuery(v url.Values) (models.Filter, error) {
	f := models.Filter{
		Orchestrator: strings.ToLower(strings.TrimSpace(v.Get("orchestrator"))),
		Region:       strings.ToUpper(strings.TrimSpace(v.Get("region"))),
		Pipeline:     v.Get("pipeline"),
		Model:        v.Get("model"),
		JobType:      v.Get("job_type"),
	}
	if (f.Pipeline == "") != (f.Model == "") {
		return f, errors.New("pipeline and model go together")
	}
	switch f.JobType {
	case "", ingest.JobTypeTranscoding, ingest.JobTypeAI:
	default:
		return f, errors.New(`job_type must be "transcoding" or "ai"`)
	}
	if f.Pipeline != "" {
		if f.JobType == ingest.JobTypeTranscoding {
			return f, errors.New("pipeline and model select job_type ai")
		}
		f.JobType = ingest.JobTypeAI
	}
	if f.Orchestrator != "" && !validAddress(f.Orchestrator) {
		return f, errors.New("orchestrator must be a 0x-prefixed 20-byte hex address")
	}
	return f, nil
}

func validAddress(a string) bool {
	return len(a) == 42 && strings.HasPrefix(a, "0x") && strings.Trim(a[2:], "0123456789abcdef") == ""
}

func (s *site) apiHistory(c echo.Context) error {
	v := c.QueryParams()
	f, err := seriesQuery(v)
	if err != nil {
		return httpError(http.StatusBadRequest, err.Error())
	}
	now := s.Now().UTC()
	w := models.Window{Since: now.Add(-24 * time.Hour), Until: now}
	if x := v.Get("since"); x != "" {
		if w.Since, err = timeParam(x); err != nil {
			return httpError(http.StatusBadRequest, "since: "+err.Error())
		}
	}
	if x := v.Get("until"); x != "" {
		if w.Until, err = timeParam(x); err != nil {
			return httpError(http.StatusBadRequest, "until: "+err.Error())
		}
	}
	if w.Since.After(w.Until) {
		return httpError(http.StatusBadRequest, "since must not be after until")
	}
	step := time.Hour
	switch v.Get("step") {
	case "", "hour", "1h":
	case "6h":
		step = 6 * time.Hour
	case "day", "24h":
		step = 24 * time.Hour
	default:
		return httpError(http.StatusBadRequest, "step must be hour, 6h or day")
	}
	ctx, cancel := timeout(c)
	defer cancel()
	h, err := s.history(ctx, f, w, step)
	if errors.Is(err, models.ErrBadHistory) {
		return httpError(http.StatusBadRequest, err.Error())
	}
	if err != nil {
		return err
	}
	apiHeaders(c)
	return c.JSON(http.StatusOK, h)
}

// history reads the series of f step by step and scores every step with
// the compatible formula (AI steps against the window's median).
func (s *site) history(ctx context.Context, f models.Filter, w models.Window, step time.Duration) (*History, error) {
	hs, err := s.Store.History(ctx, f, w, step)
	if err != nil {
		return nil, err
	}
	out := &History{Since: w.Since, Until: w.Until, Step: strings.TrimSuffix(step.String(), "0m0s"), Series: []HistorySeries{}}
	medians := map[[3]string]float64{}
	for _, h := range hs {
		se := HistorySeries{Orchestrator: h.Orchestrator, Region: h.Region, JobType: h.JobType,
			Pipeline: h.Pipeline, Model: h.Model, Points: make([]HistoryPoint, 0, len(h.Points))}
		median := 0.0
		if h.Pipeline != "" {
			k := [3]string{h.Pipeline, h.Model, h.Region}
			m, ok := medians[k]
			if !ok {
				if m, err = s.Store.MedianRoundTripTime(ctx, h.Pipeline, h.Model, h.Region, w); err != nil {
					return nil, err
				}
				medians[k] = m
			}
			median = m
			if m > 0 {
				se.MedianRoundTripSeconds = ptr(m)
			}
		}
		for _, p := range h.Points {
			se.Points = append(se.Points, historyPoint(p.Start, p.Totals, h.Pipeline, median))
		}
		out.Series = append(out.Series, se)
	}
	return out, nil
}

func historyPoint(start time.Time, t rollup.Totals, pipeline string, median float64) HistoryPoint {
	p := HistoryPoint{Hour: start, Results: t.Results}
	if t.Results == 0 {
		return p
	}
	n := float64(t.Results)
	var a scoring.Aggregate
	if pipeline == "" {
		a = scoring.Transcoding(t.SumSuccessRate/n, t.SumSegDuration/n, t.SumRoundTripTime/n)
	} else {
		a = scoring.AI(t.SumSuccessRate/n, t.SumRoundTripTime/n, median)
	}
	p.Score, p.SuccessRate = ptr(a.Score), ptr(a.SuccessRate)
	p.LatencySeconds = latency(pipeline, t)
	return p
}

// ResultJSON is one result in /api/v1/results.
type ResultJSON struct {
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
}

// ErrorText is the errors of a result as one line.
func (r ResultJSON) ErrorText() string {
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

// JobLabel is "transcoding" or "pipeline · model".
func (r ResultJSON) JobLabel() string {
	if r.Pipeline == "" {
		return "Transcoding"
	}
	return r.Pipeline + " · " + r.Model
}

func resultJSON(r *models.RawResult) ResultJSON {
	st := r.Stats()
	return ResultJSON{ID: r.ID, ReceivedAt: r.ReceivedAt.UTC(), Orchestrator: r.Orchestrator, Region: r.Region,
		Pipeline: r.Pipeline, Model: r.Model, Outcome: r.Outcome, SuccessRate: r.SuccessRate,
		RoundTripTime: r.RoundTripTime, HTTPStatus: r.HTTPStatus, SweepID: r.SweepID, Errors: st.Errors,
		IngestKey: r.IngestKey}
}

// ResultsPage is the /api/v1/results answer.
type ResultsPage struct {
	Results []ResultJSON `json:"results"`
	// Next is the cursor of the next (older) page: pass it as before.
	Next string `json:"next,omitempty"`
}

// resultQuery reads the filters and paging of /api/v1/results.
func resultQuery(v url.Values) (models.ResultQuery, error) {
	f, err := seriesQuery(v)
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
		if q.Since, err = timeParam(x); err != nil {
			return q, errors.New("since: " + err.Error())
		}
	}
	if x := v.Get("until"); x != "" {
		if q.Until, err = timeParam(x); err != nil {
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

func (s *site) results(ctx context.Context, q models.ResultQuery) (*ResultsPage, error) {
	page, err := s.Store.Results(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &ResultsPage{Results: make([]ResultJSON, 0, len(page.Results))}
	for i := range page.Results {
		out.Results = append(out.Results, resultJSON(&page.Results[i]))
	}
	if page.Next != nil {
		out.Next = page.Next.String()
	}
	return out, nil
}

func (s *site) apiResults(c echo.Context) error {
	q, err := resultQuery(c.QueryParams())
	if err != nil {
		return httpError(http.StatusBadRequest, err.Error())
	}
	ctx, cancel := timeout(c)
	defer cancel()
	page, err := s.results(ctx, q)
	if err != nil {
		return err
	}
	apiHeaders(c)
	return c.JSON(http.StatusOK, page)
}
