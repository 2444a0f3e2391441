package models_test

import (
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/models"
)

// A simulated past goes through the write path: its sweeps are stored
// finished, at their own times, with their counts, and its results count in
// the rollups and come back marked simulated, apart from measured ones.
func TestInsertSimulatedPast(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		if u, err := st.SimulatedUntil(ctx); err != nil || !u.IsZero() {
			t.Fatalf("empty database: simulated until %v, %v", u, err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		var sweeps []models.SimulatedSweep
		for h := 48; h >= 1; h-- {
			at := now.Add(-time.Duration(h) * time.Hour)
			pass, fail := aiResult(1, "FRA", 1, 0.5, at), aiResult(2, "FRA", 0, 0, at.Add(time.Second))
			pass.Outcome, fail.Outcome = models.OutcomePass, models.OutcomeFail
			unavail := aiResult(3, "FRA", 0, 0, at.Add(2*time.Second))
			unavail.Outcome = models.OutcomeUnavailable
			sweeps = append(sweeps, models.SimulatedSweep{Region: "FRA", StartedAt: at, FinishedAt: at.Add(3 * time.Second),
				Results: []models.NewResult{pass, fail, unavail}})
		}
		if err := st.InsertSimulatedPast(ctx, sweeps); err != nil {
			t.Fatal(err)
		}
		// A measured result after it.
		if err := st.Insert(ctx, aiResult(1, "FRA", 1, 0.4, now)); err != nil {
			t.Fatal(err)
		}
		u, err := st.SimulatedUntil(ctx)
		if err != nil || !u.Equal(now.Add(-time.Hour)) {
			t.Errorf("simulated until %v (%v), want the last sweep's start %v", u, err, now.Add(-time.Hour))
		}
		sws, err := st.Sweeps(ctx, 100)
		if err != nil || len(sws) != 48 {
			t.Fatalf("%d sweeps (%v), want 48", len(sws), err)
		}
		for _, sw := range sws {
			if !sw.Simulated || sw.Status != models.SweepDone || sw.Passed != 1 || sw.Failed != 1 || sw.Unavailable != 1 ||
				sw.Expected != 3 || sw.FinishedAt == nil || sw.StartedAt.After(now) {
				t.Fatalf("sweep %+v", sw)
			}
		}
		page, err := st.Results(ctx, models.ResultQuery{Limit: 500})
		if err != nil || len(page.Results) != 145 {
			t.Fatalf("%d results (%v), want 145", len(page.Results), err)
		}
		if r := page.Results[0]; r.Simulated || !r.ReceivedAt.Equal(now) {
			t.Errorf("newest result %+v: want the measured one, not simulated", r.Result)
		}
		for _, r := range page.Results[1:] {
			if !r.Simulated || r.SweepID == nil {
				t.Fatalf("result %+v is not marked simulated with its sweep", r.Result)
			}
		}
		// The rollups count the past: orchestrator 1 has 48 simulated and
		// one measured pass over the two days.
		tot := all(st, models.Window{Since: now.Add(-49 * time.Hour), Until: now.Add(time.Second)})
		if len(tot) == 0 || tot[0].Orchestrator != addr(1) || tot[0].Results != 49 {
			t.Errorf("totals %+v, want 49 results of orchestrator 1", tot)
		}
	})
}

// A node's label is the host of its service URI (the AI registry's, then a
// mapping's, when it has none) and the first display name of its mappings.
func TestNodeLabels(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		if err := st.SaveDiscovery(ctx, []models.DiscoveredOrchestrator{
			{Address: addr(1), ServiceURI: "https://o1.example:8935", AIServiceURI: "https://ai.o1.example:8936"},
			{Address: addr(2), AIServiceURI: "https://ai.o2.example"},
			{Address: addr(3), ServiceURI: "not a uri with :// in it"},
		}, nil); err != nil {
			t.Fatal(err)
		}
		for _, m := range []models.URIMapping{
			{Orchestrator: addr(1), URI: "https://live.o1.example:9935", JobTypes: "live", DisplayName: "  Node   one "},
			{Orchestrator: addr(1), URI: "https://b.o1.example:9935", JobTypes: "ai", DisplayName: "second"},
			{Orchestrator: addr(4), URI: "http://o4.example:8935", JobTypes: "ai"},
		} {
			if err := st.SaveMappingAudited(ctx, "test", &m); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.NodeLabels(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{addr(1): "Node one · o1.example:8935", addr(2): "ai.o2.example", addr(3): "", addr(4): "o4.example:8935"}
		for a, w := range want {
			if got[a].String() != w {
				t.Errorf("label of %s = %q, want %q", a, got[a].String(), w)
			}
		}
	})
}

func TestMappingDisplayNameIsBounded(t *testing.T) {
	m := models.URIMapping{Orchestrator: addr(1), URI: "https://o1.example:8935", JobTypes: "ai"}
	for range 61 {
		m.DisplayName += "é"
	}
	if err := m.Normalize(); err == nil {
		t.Error("a 61-character display name was accepted")
	}
	m.DisplayName = m.DisplayName[:len("é")*60]
	if err := m.Normalize(); err != nil {
		t.Errorf("a 60-character display name: %v", err)
	}
}
