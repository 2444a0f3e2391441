package leaderboard

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jobtester/ethaddr"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/rollup"
)

// HistoryStore is what the score history reads.
type HistoryStore interface {
	History(ctx context.Context, f models.Filter, w models.Window, step time.Duration) ([]models.SeriesHistory, error)
	MedianRoundTripTime(ctx context.Context, pipeline, model, region string, w models.Window) (float64, error)
}

var _ HistoryStore = (*models.Store)(nil)

// HistoryPoint is one step of a series in /api/v1/history. Values are null
// for a step without scored results.
type HistoryPoint struct {
	Hour           time.Time `json:"hour"` // start of the step
	Results        int64     `json:"results"`
	SuccessRate    *float64  `json:"success_rate"`
	Score          *float64  `json:"score"`
	LatencySeconds *float64  `json:"latency_seconds"` // see Latency
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
	// SimulatedUntil: as Table's.
	SimulatedUntil *time.Time `json:"simulated_until,omitempty"`
}

// HistoryQuery is which series, over which window, in which steps.
type HistoryQuery struct {
	Filter models.Filter
	Window models.Window
	Step   time.Duration
}

// ParseTime reads a time given as Unix seconds or RFC 3339.
func ParseTime(v string) (time.Time, error) {
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

// ParseSeries reads orchestrator, region, job_type, pipeline and model. An
// orchestrator is checked (it names a page, not a filter to pass through).
func ParseSeries(v url.Values) (models.Filter, error) {
	f := models.Filter{
		Region:   strings.ToUpper(strings.TrimSpace(v.Get("region"))),
		Pipeline: v.Get("pipeline"),
		Model:    v.Get("model"),
		JobType:  v.Get("job_type"),
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
	if o := ethaddr.Fold(v.Get("orchestrator")); o != "" {
		a, err := ethaddr.Parse(o)
		if err != nil {
			return f, errors.New("orchestrator " + err.Error())
		}
		f.Orchestrator = a.String()
	}
	return f, nil
}

// ParseHistoryQuery reads a history request; the window defaults to the
// 24 hours before now, the step to an hour.
func ParseHistoryQuery(v url.Values, now time.Time) (HistoryQuery, error) {
	f, err := ParseSeries(v)
	if err != nil {
		return HistoryQuery{}, err
	}
	now = now.UTC()
	q := HistoryQuery{Filter: f, Window: models.Window{Since: now.Add(-24 * time.Hour), Until: now}, Step: time.Hour}
	if x := v.Get("since"); x != "" {
		if q.Window.Since, err = ParseTime(x); err != nil {
			return q, errors.New("since: " + err.Error())
		}
	}
	if x := v.Get("until"); x != "" {
		if q.Window.Until, err = ParseTime(x); err != nil {
			return q, errors.New("until: " + err.Error())
		}
	}
	if q.Window.Since.After(q.Window.Until) {
		return q, errors.New("since must not be after until")
	}
	switch v.Get("step") {
	case "", "hour", "1h":
	case "6h":
		q.Step = 6 * time.Hour
	case "day", "24h":
		q.Step = 24 * time.Hour
	default:
		return q, errors.New("step must be hour, 6h or day")
	}
	return q, nil
}

// ReadHistory reads the series of q step by step and scores every step
// with the compatible formula (AI steps against the window's median). A
// request the store refuses as too large is models.ErrBadHistory.
func ReadHistory(ctx context.Context, st HistoryStore, q HistoryQuery) (*History, error) {
	hs, err := st.History(ctx, q.Filter, q.Window, q.Step)
	if err != nil {
		return nil, err
	}
	out := &History{Since: q.Window.Since, Until: q.Window.Until, Step: strings.TrimSuffix(q.Step.String(), "0m0s"),
		Series: []HistorySeries{}}
	medians := map[[3]string]float64{}
	for _, h := range hs {
		if !scored(h.Points) {
			// Only unavailable attempts: nothing the compatible formula
			// scores, as before the rollups counted them.
			continue
		}
		se := HistorySeries{Orchestrator: h.Orchestrator, Region: h.Region, JobType: h.JobType,
			Pipeline: h.Pipeline, Model: h.Model, Points: make([]HistoryPoint, 0, len(h.Points))}
		median := 0.0
		if h.Pipeline != "" {
			k := [3]string{h.Pipeline, h.Model, h.Region}
			m, ok := medians[k]
			if !ok {
				if m, err = st.MedianRoundTripTime(ctx, h.Pipeline, h.Model, h.Region, q.Window); err != nil {
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
			se.Points = append(se.Points, Point(p.Start, p.Totals, h.Pipeline, median))
		}
		out.Series = append(out.Series, se)
	}
	return out, nil
}

// Point scores one step's totals; a step without results has no values.
func Point(start time.Time, t rollup.Totals, pipeline string, median float64) HistoryPoint {
	p := HistoryPoint{Hour: start, Results: t.Results}
	if t.Results == 0 {
		return p
	}
	a := Score(pipeline, t, median)
	p.Score, p.SuccessRate = ptr(a.Score), ptr(a.SuccessRate)
	p.LatencySeconds = Latency(pipeline, t)
	return p
}

// scored reports whether any step has a scored result.
func scored(ps []models.HistoryPoint) bool {
	for _, p := range ps {
		if p.Results > 0 {
			return true
		}
	}
	return false
}
