package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

// Pages and /api/v1 say which data is simulated: the note on the
// leaderboard, runs and orchestrator pages, the badge on each simulated run
// and result, simulated_until in the JSON; and say nothing of it when there
// is no simulated past in view.
func TestPagesMarkTheSimulatedPast(t *testing.T) {
	e := newEnv(t, "sqlite")
	// Nothing simulated yet: no note anywhere.
	seedNetwork(t, e)
	for _, p := range []string{"/", "/runs", "/orchestrators/" + addr(1)} {
		if _, _, body := e.get(p, nil); strings.Contains(body, "simulated-note") || strings.Contains(body, `class="sim-badge"`) {
			t.Errorf("%s marks a simulated past the database does not hold", p)
		}
	}
	at := e.now.Add(-3 * time.Hour)
	res := models.NewResult{ReceivedAt: at, IngestKey: "jobtester", Outcome: models.OutcomePass, Stats: ingest.Stats{
		Region: "FRA", Orchestrator: addr(1), SuccessRate: 1, RoundTripTime: 0.5, Pipeline: t2iPipeline, Model: t2iModel}}
	if err := e.st.InsertSimulatedPast(t.Context(), []models.SimulatedSweep{{Region: "FRA", StartedAt: at, FinishedAt: at.Add(time.Second),
		Results: []models.NewResult{res}}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/runs", "/orchestrators/" + addr(1)} {
		_, _, body := e.get(p, nil)
		mustContain(t, p, body, `id="simulated-note"`)
	}
	_, _, runs := e.get("/runs", nil)
	mustContain(t, "runs", runs, `class="sim-badge"`)
	// The 1-hour leaderboard holds none of the past: no note.
	if _, _, body := e.get("/?window=1h", nil); strings.Contains(body, "simulated-note") {
		t.Error("the 1-hour leaderboard notes a past older than its window")
	}
	var lb struct {
		SimulatedUntil *time.Time `json:"simulated_until"`
	}
	_, _, body := e.get("/api/v1/leaderboard?job="+url.QueryEscape(t2iPipeline+"::"+t2iModel), nil)
	if err := json.Unmarshal([]byte(body), &lb); err != nil || lb.SimulatedUntil == nil || lb.SimulatedUntil.Sub(at).Abs() > time.Millisecond {
		t.Errorf("leaderboard JSON simulated_until %v (%v), want %v", lb.SimulatedUntil, err, at)
	}
	var rs struct {
		Results []struct {
			Simulated bool `json:"simulated"`
		}
	}
	_, _, body = e.get("/api/v1/results?orchestrator="+addr(1)+"&limit=500", nil)
	if err := json.Unmarshal([]byte(body), &rs); err != nil {
		t.Fatal(err)
	}
	sim := 0
	for _, r := range rs.Results {
		if r.Simulated {
			sim++
		}
	}
	if sim != 1 || len(rs.Results) < 2 {
		t.Errorf("%d of %d results marked simulated, want 1", sim, len(rs.Results))
	}
	// The legacy contract keeps its shape.
	if _, _, raw := e.get("/api/raw_stats?orchestrator="+addr(1), nil); strings.Contains(raw, "simulated") {
		t.Error("the legacy raw_stats JSON gained a simulated field")
	}
}
