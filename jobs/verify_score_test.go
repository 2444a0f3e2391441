package jobs

import (
	"context"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/leaderboard"
	"jobtester/livepeer"
	"jobtester/models"
	"jobtester/verify"
)

// TestExplorerScoreCountsAFlaggedTestAsAFailure stores through the
// tester's write path two orchestrators' tests of one model, equally fast:
// one passes twice, the other passes once and is flagged once. The
// Explorer's answer (/api/aggregated_stats) must score the flagged one
// lower, with half its tests successful.
func TestExplorerScoreCountsAFlaggedTestAsAFailure(t *testing.T) {
	t.Parallel()
	st := dbtest.Open(t, "sqlite", models.Options{})
	tester := &Tester{Store: st, Region: "FRA", IngestKey: "jobtester", Log: quietLog()}
	const honest, flagged = "0x00000000000000000000000000000000000000b1", "0x00000000000000000000000000000000000000b2"
	now := time.Now()
	result := func(orch string, flag *verify.Flag) Result {
		r := Result{Target: Target{Orchestrator: orch, Capability: livepeer.Capability{Pipeline: "Text to image", Model: "m"}},
			Outcome: models.OutcomePass, StartedAt: now, FinishedAt: now.Add(time.Second), RoundTrip: time.Second}
		if flag != nil {
			h := verify.Hash{1}
			r.Outcome, r.Error = models.OutcomeFail, flag.Error()
			r.Evidence = &Evidence{Flag: flag, Hash: &h, Distance: -1}
		}
		return r
	}
	for _, r := range []Result{result(honest, nil), result(honest, nil), result(flagged, nil),
		result(flagged, &verify.Flag{Kind: verify.KindOutlier, Detail: "correlates at 0.10"})} {
		tester.store(context.Background(), 0, r, true)
	}
	scores, err := leaderboard.Aggregated(context.Background(), st, models.Filter{Pipeline: "Text to image", Model: "m"},
		models.Window{Since: now.Add(-time.Hour), Until: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	h, f := scores[honest]["FRA"], scores[flagged]["FRA"]
	if h.SuccessRate != 1 || f.SuccessRate != 0.5 || f.Score >= h.Score {
		t.Fatalf("honest %+v, flagged %+v", h, f)
	}
}
