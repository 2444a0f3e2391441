package models_test

import (
	"math/rand"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
)

// TestLastFailuresMatchesAReadPerSeries checks the read of several series'
// last failures since an instant against the result list read series by
// series, on both databases: the same rows in the same order, nothing for
// a series without failures since then or in a region the job type does
// not have.
func TestLastFailuresMatchesAReadPerSeries(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC()
		r := rand.New(rand.NewSource(5))
		var batch []models.NewResult
		for i := 0; i < 400; i++ {
			res := aiResult(1+r.Intn(2), []string{"FRA", "LAX"}[r.Intn(2)], float64(r.Intn(3)%2), 1, now.Add(-time.Duration(r.Int63n(int64(48*time.Hour)))))
			res.Stats.Model = []string{"m", "m2"}[r.Intn(2)]
			if res.Stats.SuccessRate == 0 {
				res.Stats.Errors = []ingest.Error{{ErrorCode: "E", Message: "failed " + res.ReceivedAt.Format(time.RFC3339Nano)}}
			}
			batch = append(batch, res)
		}
		// A series that never fails, and one whose only failure is older
		// than the read asks for.
		batch = append(batch, aiResult(1, "MDW", 1, 1, now.Add(-time.Hour)), aiResult(1, "GLOBAL", 0, 1, now.Add(-40*time.Hour)))
		if err := st.Insert(ctx, batch...); err != nil {
			t.Fatal(err)
		}
		series := []models.SeriesName{{"FRA", "Llm", "m"}, {"FRA", "Llm", "m2"}, {"LAX", "Llm", "m"},
			{"LAX", "Llm", "m2"}, {"MDW", "Llm", "m"}, {"NOPE", "Llm", "m"}, {"GLOBAL", "Llm", "m"}}
		since := now.Add(-30 * time.Hour)
		got, err := st.LastFailures(ctx, addr(1), ingest.JobTypeAI, series, 3, since)
		if err != nil {
			t.Fatal(err)
		}
		for _, sn := range series {
			page, err := st.Results(ctx, models.ResultQuery{Orchestrator: addr(1), Region: sn.Region, JobType: ingest.JobTypeAI,
				Pipeline: sn.Pipeline, Model: sn.Model, Outcome: models.OutcomeFail, Since: since, Limit: 3})
			if err != nil && sn.Region != "NOPE" {
				t.Fatal(err)
			}
			g := got[sn]
			if len(g) != len(page.Results) {
				t.Fatalf("%v: %d failures, the per-series read has %d", sn, len(g), len(page.Results))
			}
			for i := range g {
				w := page.Results[i]
				if g[i].ID != w.ID || g[i].Region != w.Region || g[i].Errors != w.Errors || !g[i].ReceivedAt.Equal(w.ReceivedAt) {
					t.Fatalf("%v #%d: got id %d %s %q, want id %d %s %q", sn, i, g[i].ID, g[i].Region, g[i].Errors, w.ID, w.Region, w.Errors)
				}
			}
		}
		if len(got[series[0]]) != 3 || len(got[series[4]]) != 0 || len(got[series[6]]) != 0 {
			t.Fatalf("fixture: FRA/m has %d failures read, MDW %d, GLOBAL %d", len(got[series[0]]), len(got[series[4]]), len(got[series[6]]))
		}
	})
}
