package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/leaderboard"
	"jobtester/models"
)

const (
	t2iPipeline = "Text to image"
	t2iModel    = "ByteDance/SDXL-Lightning"
)

func orch(i int) string { return fmt.Sprintf("0x%040x", i) }

// stored is one result for store: AI when pipeline is set.
type stored struct {
	orch            int
	region          string
	pipeline, model string
	success, rtt    float64
	ago             time.Duration
	outcome         models.Outcome
}

// store writes results received ago before the handlers' clock.
func (e *env) store(rs ...stored) {
	e.t.Helper()
	now := e.clock.Now()
	batch := make([]models.NewResult, 0, len(rs))
	for _, r := range rs {
		s := ingest.Stats{Region: r.region, Orchestrator: orch(r.orch), SuccessRate: r.success, RoundTripTime: r.rtt,
			Timestamp: now.Add(-r.ago).Unix(), Pipeline: r.pipeline, Model: r.model}
		if r.pipeline == "" {
			s.SegDuration, s.SegmentsSent, s.SegmentsRecv = 2, 10, int(r.success*10)
		}
		batch = append(batch, models.NewResult{Stats: s, Outcome: r.outcome, ReceivedAt: now.Add(-r.ago), IngestKey: "test"})
	}
	if err := e.st.Insert(e.t.Context(), batch...); err != nil {
		e.t.Fatalf("insert: %v", err)
	}
}

// read GETs a /api/v1 read and decodes a 200 answer into v, checking the
// headers every successful read carries.
func (e *env) read(path string, v any) {
	e.t.Helper()
	code, h, b := e.do(http.MethodGet, path, nil, nil)
	if code != http.StatusOK {
		e.t.Fatalf("GET %s = %d %s", path, code, b)
	}
	if h.Get("Access-Control-Allow-Origin") != "*" || h.Get("Cache-Control") != "public, max-age=30, stale-while-revalidate=15" {
		e.t.Fatalf("GET %s: headers %v", path, h)
	}
	if err := json.Unmarshal(b, v); err != nil {
		e.t.Fatalf("GET %s: %v\n%s", path, err, b)
	}
}

func TestV1ReadsAnswerBadQueriesWith400JSON(t *testing.T) {
	e := newEnv(t, "sqlite")
	for path, want := range map[string]string{
		"/api/v1/leaderboard?sort=height":       "sort must be",
		"/api/v1/history?step=minute":           "step must be",
		"/api/v1/history?orchestrator=0x12":     "orchestrator must be",
		"/api/v1/results?before=12":             "before must be a cursor",
		"/api/v1/results?outcome=great":         "outcome must be",
		"/api/v1/results?pipeline=x":            "pipeline and model go together",
		"/api/v1/history?since=2&until=1":       "since must not be after until",
		"/api/v1/history?since=0&until=9999999": "steps is more than",
	} {
		code, h, body := e.do(http.MethodGet, path, nil, nil)
		var msg struct{ Error string }
		if err := json.Unmarshal(body, &msg); err != nil || code != http.StatusBadRequest ||
			!strings.HasPrefix(h.Get("Content-Type"), "application/json") || !strings.Contains(msg.Error, want) {
			t.Errorf("GET %s = %d %s %s, want 400 JSON with %q", path, code, h.Get("Content-Type"), body, want)
		}
	}
	code, h, _ := e.do(http.MethodGet, "/api/v1/nothing", nil, nil)
	if code != http.StatusNotFound || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Errorf("unknown API path = %d %s, want JSON 404", code, h.Get("Content-Type"))
	}
}

func TestLeaderboardAPIShowsNoDataAsNull(t *testing.T) {
	e := newEnv(t, "sqlite")
	// Orchestrator 1: AI tests that all failed. Orchestrator 2: advertises
	// the model, never tested.
	e.store(stored{orch: 1, region: "FRA", pipeline: t2iPipeline, model: t2iModel, ago: time.Hour, outcome: models.OutcomeFail})
	if err := e.st.SaveDiscovery(t.Context(), nil, []models.AdvertisedCapability{
		{Orchestrator: orch(2), Pipeline: t2iPipeline, Model: t2iModel},
	}); err != nil {
		t.Fatal(err)
	}
	var lb struct {
		Rows []map[string]any `json:"rows"`
	}
	e.read("/api/v1/leaderboard?job="+url.QueryEscape(t2iPipeline+"::"+t2iModel), &lb)
	if len(lb.Rows) != 2 {
		t.Fatalf("rows %v, want the tested and the advertising orchestrator", lb.Rows)
	}
	for _, r := range lb.Rows {
		if r["orchestrator"] == orch(2) {
			for _, k := range []string{"score", "reliability_score", "success_rate", "latency_seconds", "live_score"} {
				if r[k] != nil {
					t.Errorf("JSON %s of an untested orchestrator = %v, want null", k, r[k])
				}
			}
		}
	}
}

func TestLeaderboardAPIMatchesTheCompatibleScores(t *testing.T) {
	e := newEnv(t, "sqlite")
	var rs []stored
	for h := 0; h < 30; h++ {
		ago := time.Duration(h)*time.Hour + 5*time.Minute
		rs = append(rs,
			stored{orch: 1, region: "FRA", success: 1, rtt: 0.8, ago: ago},
			stored{orch: 2, region: "FRA", success: 0.9, rtt: 1.5, ago: ago},
			stored{orch: 3, region: "LAX", success: 0.6, rtt: 0.5, ago: ago})
		if h%3 == 0 {
			rs = append(rs, stored{orch: 4, region: "FRA", success: 1, rtt: 2.5, ago: ago})
		}
	}
	e.store(rs...)
	var lb leaderboard.Table
	e.read("/api/v1/leaderboard?region=FRA", &lb)
	// The Explorer's endpoint, same window and region.
	since := strconv.FormatInt(lb.Since.Unix(), 10)
	until := strconv.FormatInt(lb.Until.Unix(), 10)
	var scores aggregated
	e.getJSON("/api/aggregated_stats?region=FRA&since="+since+"&until="+until, &scores)
	if len(lb.Rows) < 2 {
		t.Fatalf("rows %v", lb.Rows)
	}
	for _, r := range lb.Rows {
		want, ok := scores[r.Orchestrator]["FRA"]
		if r.Score == nil {
			if ok {
				t.Errorf("%s: no score, aggregated_stats has %v", r.Orchestrator, want.Score)
			}
			continue
		}
		if !ok || !approx(*r.Score, want.Score) {
			t.Errorf("%s: score %v, aggregated_stats %v", r.Orchestrator, *r.Score, want.Score)
		}
		if *r.ReliabilityScore > *r.Score {
			t.Errorf("%s: reliability-weighted %v above the score %v", r.Orchestrator, *r.ReliabilityScore, *r.Score)
		}
	}
	// Sorted by score, best first.
	for i := 1; i < len(lb.Rows); i++ {
		a, b := lb.Rows[i-1].Score, lb.Rows[i].Score
		if a != nil && b != nil && *a < *b {
			t.Errorf("rows not sorted by score: %v then %v", *a, *b)
		}
	}
}

func TestResultsAPIPagesThroughEveryResultOnce(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			var rs []stored
			// Pairs with the same receive time: the cursor must split ties.
			for i := 0; i < 23; i++ {
				rs = append(rs, stored{orch: 1, region: "FRA", success: 1, rtt: 1, ago: time.Duration(i/2) * time.Minute})
			}
			rs = append(rs, stored{orch: 2, region: "FRA", success: 1, rtt: 1, ago: time.Minute})
			e.store(rs...)
			seen := map[int64]bool{}
			path := "/api/v1/results?orchestrator=" + orch(1) + "&limit=5"
			pages := 0
			var last time.Time
			for path != "" {
				var page leaderboard.ResultsPage
				e.read(path, &page)
				for _, r := range page.Results {
					if seen[r.ID] {
						t.Fatalf("result %d on two pages", r.ID)
					}
					if r.Orchestrator != orch(1) {
						t.Fatalf("result of %s in a filtered page", r.Orchestrator)
					}
					if !last.IsZero() && r.ReceivedAt.After(last) {
						t.Fatalf("result %d newer than the one before it", r.ID)
					}
					seen[r.ID], last = true, r.ReceivedAt
				}
				pages++
				path = ""
				if page.Next != "" {
					path = "/api/v1/results?orchestrator=" + orch(1) + "&limit=5&before=" + url.QueryEscape(page.Next)
				}
			}
			if len(seen) != 23 || pages != 5 {
				t.Fatalf("%d results in %d pages, want 23 in 5", len(seen), pages)
			}
		})
	}
}

func TestHistoryAPIKeepsEmptyHoursAsNull(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.store(
		stored{orch: 1, region: "FRA", success: 1, rtt: 1, ago: 30 * time.Minute},
		stored{orch: 1, region: "FRA", success: 0.5, rtt: 1, ago: 3*time.Hour + 30*time.Minute},
	)
	until := e.clock.Now().Truncate(time.Hour).Add(time.Hour)
	since := until.Add(-6 * time.Hour)
	q := url.Values{"orchestrator": {orch(1)}, "region": {"FRA"}, "job_type": {"transcoding"},
		"since": {strconv.FormatInt(since.Unix(), 10)}, "until": {strconv.FormatInt(until.Unix(), 10)}}
	code, _, body := e.do(http.MethodGet, "/api/v1/history?"+q.Encode(), nil, nil)
	if code != http.StatusOK {
		t.Fatalf("history = %d %s", code, body)
	}
	var h leaderboard.History
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Series) != 1 || len(h.Series[0].Points) != 7 {
		t.Fatalf("history %+v", h)
	}
	withData := 0
	for _, p := range h.Series[0].Points {
		if p.Results == 0 {
			if p.Score != nil || p.SuccessRate != nil {
				t.Errorf("empty hour %s has values", p.Hour)
			}
			continue
		}
		withData++
		if p.Score == nil || *p.Score <= 0 {
			t.Errorf("hour %s with results has no score", p.Hour)
		}
	}
	if withData != 2 {
		t.Errorf("%d hours with data, want 2", withData)
	}
	if !strings.Contains(string(body), `"score":null`) {
		t.Error("empty hours are not null in the JSON")
	}
}
