package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/livemetrics"
	"jobtester/models"
)

// storeLive stores one live test the way the tester does: the live row and
// its compatible record in results.
func storeLive(t *testing.T, st *models.Store, orch, model string, pass bool, thumb []byte) models.LiveResult {
	t.Helper()
	stats := ingest.Stats{Region: "FRA", Orchestrator: orch, RoundTripTime: 1.5, Errors: []ingest.Error{},
		Timestamp: time.Now().Unix(), Pipeline: "Live video to video", Model: model,
		InputParams: `{"pipeline":"` + model + `"}`, ResponsePayload: `{"fps_mean":29.9}`}
	outcome := models.OutcomePass
	if pass {
		stats.SuccessRate = 1
	} else {
		outcome = models.OutcomeFail
		stats.Errors = []ingest.Error{{ErrorCode: "fail", Message: "bad output: output is the input sent back", Count: 1}}
	}
	lr := models.LiveResult{Region: "FRA", Orchestrator: orch, Model: model, Stream: "s", StreamID: "s",
		Outcome: outcome, Metrics: livemetrics.Metrics{FPSMean: 29.9, StartupLatencyMS: 1500, E2ELatencyMS: 240},
		Thumbnail: thumb, Score: 0.9}
	if !pass {
		lr.Flags, lr.PassThrough, lr.Score = "pass_through", true, 0
	}
	if err := st.InsertLive(t.Context(), models.NewResult{Stats: stats, Outcome: outcome, IngestKey: "jobtester"}, &lr); err != nil {
		t.Fatal(err)
	}
	return lr
}

func TestLiveResultsAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		jpeg := []byte{0xff, 0xd8, 0xff, 0xdb, 1, 2, 3, 0xff, 0xd9}
		a := storeLive(t, e.st, orchA, "streamdiffusion", true, jpeg)
		b := storeLive(t, e.st, orchB, "noop", false, nil)

		type row struct {
			ID           int64   `json:"id"`
			Orchestrator string  `json:"orchestrator"`
			Model        string  `json:"model"`
			Outcome      string  `json:"outcome"`
			Flags        string  `json:"flags"`
			FPSMean      float64 `json:"fps_mean"`
			E2ELatencyMS float64 `json:"e2e_latency_ms"`
			PassThrough  bool    `json:"pass_through"`
			ThumbnailURL string  `json:"thumbnail_url"`
		}
		list := func(q string) []row {
			t.Helper()
			code, body := e.get("/api/v1/live/results" + q)
			var out struct {
				Results []row `json:"results"`
			}
			if code != http.StatusOK || json.Unmarshal(body, &out) != nil {
				t.Fatalf("GET %s = %d %s", q, code, body)
			}
			return out.Results
		}
		all := list("")
		if len(all) != 2 || all[0].ID != b.ID || all[1].ID != a.ID {
			t.Fatalf("list = %+v", all)
		}
		if r := all[1]; r.Outcome != "pass" || r.FPSMean != 29.9 || r.E2ELatencyMS != 240 ||
			r.ThumbnailURL != "/api/v1/live/results/"+strconv.FormatInt(a.ID, 10)+"/thumbnail.jpg" {
			t.Fatalf("passing row = %+v", r)
		}
		if r := all[0]; r.Outcome != "fail" || !r.PassThrough || r.Flags != "pass_through" || r.ThumbnailURL != "" {
			t.Fatalf("failing row = %+v", r)
		}
		for q, want := range map[string]int{
			"?orchestrator=" + orchA: 1, "?orchestrator=" + orchB + "&model=streamdiffusion": 0, "?model=noop": 1,
			"?limit=1": 1, "?since=" + strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10): 2,
			"?since=" + time.Now().Add(time.Hour).UTC().Format(time.RFC3339): 0, "?sweep=999": 0,
		} {
			if got := list(q); len(got) != want {
				t.Errorf("GET %s: %d rows, want %d", q, len(got), want)
			}
		}
		for _, q := range []string{"?limit=0", "?limit=1001", "?limit=x", "?since=yesterday", "?since=NaN", "?since=-5", "?sweep=-1"} {
			if code, body := e.get("/api/v1/live/results" + q); code != http.StatusBadRequest {
				t.Errorf("GET %s = %d %s, want 400", q, code, body)
			}
		}

		code, h, body := e.do(http.MethodGet, "/api/v1/live/results/"+strconv.FormatInt(a.ID, 10)+"/thumbnail.jpg", nil, nil)
		if code != http.StatusOK || h.Get("Content-Type") != "image/jpeg" || !bytes.Equal(body, jpeg) {
			t.Fatalf("thumbnail = %d %q %x", code, h.Get("Content-Type"), body)
		}
		for path, want := range map[string]int{
			"/api/v1/live/results/" + strconv.FormatInt(b.ID, 10) + "/thumbnail.jpg": http.StatusNotFound, // no output, no picture
			"/api/v1/live/results/424242/thumbnail.jpg":                              http.StatusNotFound,
			"/api/v1/live/results/abc/thumbnail.jpg":                                 http.StatusBadRequest,
		} {
			if code, _, body := e.do(http.MethodGet, path, nil, nil); code != want {
				t.Errorf("GET %s = %d %s, want %d", path, code, body, want)
			}
		}

		// The compatible records reach the leaderboard's own endpoints.
		e.clock.Set(time.Now().UTC().Add(time.Second))
		var pipes struct {
			Pipelines []struct {
				ID      string   `json:"id"`
				Models  []string `json:"models"`
				Regions []string `json:"regions"`
			} `json:"pipelines"`
		}
		e.getJSON("/api/pipelines", &pipes)
		if len(pipes.Pipelines) != 1 || pipes.Pipelines[0].ID != "Live video to video" || len(pipes.Pipelines[0].Models) != 2 {
			t.Fatalf("pipelines = %+v", pipes)
		}
		var agg map[string]map[string]struct {
			SuccessRate    float64 `json:"success_rate"`
			RoundTripScore float64 `json:"round_trip_score"`
			Score          float64 `json:"score"`
		}
		e.getJSON("/api/aggregated_stats?pipeline=Live+video+to+video&model=streamdiffusion", &agg)
		if got := agg[orchA]["FRA"]; got.SuccessRate != 1 || got.Score <= 0.65 {
			t.Fatalf("aggregated_stats = %+v", agg)
		}
		var raw map[string][]map[string]any
		e.getJSON("/api/raw_stats?orchestrator="+orchB+"&pipeline=Live+video+to+video&model=noop", &raw)
		if len(raw["FRA"]) != 1 || raw["FRA"][0]["success_rate"] != 0.0 {
			t.Fatalf("raw_stats = %+v", raw)
		}
	})
}
