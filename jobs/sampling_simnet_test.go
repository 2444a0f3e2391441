package jobs_test

import (
	"context"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
	"jobtester/sampling"
	"jobtester/simnet"
)

// TestSmartSweepSpendsTheBudget runs a sweep of the default simulated
// network with smart sampling over two days of stored history: every pair
// was tested each hour until an hour ago, except three pairs last tested
// five hours ago (due on the four-hour floor) and one pair that passed for
// two days and failed the last six hours (its recent results disagree with
// its history). The sweep must plan no more than its budget (half the
// pairs), test every due pair, and give the disagreeing pair its
// follow-up tests, which the orchestrator really receives.
func TestSmartSweepSpendsTheBudget(t *testing.T) {
	fair := jobs.Fairness{MinGap: 5 * time.Millisecond, Retries: 0}
	h := newHarness(t, simnet.DefaultScenario(), fair, 2*time.Minute)
	ctx := context.Background()
	found, err := h.tester.Discovery.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	targets, _ := jobs.Plan(found, nil, jobs.PlanOptions{})
	type pair struct{ orch, pipeline, model string }
	key := func(tg jobs.Target) pair { return pair{tg.Orchestrator, tg.Capability.Pipeline, tg.Capability.Model} }
	// The pair that changed must have capacity by discovery's account:
	// a busy pair gets only its floor.
	changed := -1
	for i, tg := range targets {
		if tg.Capability.Capacity != 0 {
			changed = i
			break
		}
	}
	if changed < 0 || len(targets) < 16 {
		t.Fatalf("the default scenario plans %d pairs, %d with capacity", len(targets), changed+1)
	}
	stale := map[pair]bool{}
	for i := 0; len(stale) < 3; i++ {
		if i != changed {
			stale[key(targets[i])] = true
		}
	}
	now := time.Now().UTC()
	var batch []models.NewResult
	for i, tg := range targets {
		first := 1
		if stale[key(tg)] {
			first = 5
		}
		for ago := first; ago <= 48; ago++ {
			sr := 1.0
			if i == changed && ago <= 6 {
				sr = 0
			}
			batch = append(batch, models.NewResult{IngestKey: "history", ReceivedAt: now.Add(-time.Duration(ago)*time.Hour + time.Minute),
				Stats: ingest.Stats{Region: "FRA", Orchestrator: tg.Orchestrator, Pipeline: tg.Capability.Pipeline,
					Model: tg.Capability.Model, SuccessRate: sr, RoundTripTime: 1 + 0.01*float64(i)}})
		}
	}
	if err := h.st.Insert(ctx, batch...); err != nil {
		t.Fatal(err)
	}

	p := sampling.DefaultParams()
	budget := len(targets) / 2
	h.tester.Sampling = &jobs.Sampling{Smart: true, Budget: budget, Params: p, Store: h.st}
	var planned []jobs.Target
	sw, rep, err := h.tester.RunSweep(ctx, "test", func(ts []jobs.Target) { planned = ts }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(planned) > budget || len(planned) == 0 {
		t.Fatalf("%d tests planned, budget %d", len(planned), budget)
	}
	count := map[pair]int{}
	for _, tg := range planned {
		count[key(tg)]++
	}
	for k := range stale {
		if count[k] == 0 {
			t.Errorf("%v was due on its floor and is not tested", k)
		}
	}
	// The pair whose results changed gets its follow-ups at least, and
	// no pair gets more than it: the budget goes where it tells most.
	changedTests := count[key(targets[changed])]
	if changedTests < p.FollowUp {
		t.Errorf("the pair whose results changed gets %d tests, want at least %d follow-ups (counts %v)", changedTests, p.FollowUp, count)
	}
	for k, n := range count {
		if n > changedTests {
			t.Errorf("%v gets %d tests, more than the changed pair's %d", k, n, changedTests)
		}
	}
	if mean := float64(len(planned)) / float64(len(count)); mean >= float64(changedTests)/2 {
		t.Errorf("a tested pair gets %.2f tests on average: the changed pair's %d are no extra", mean, changedTests)
	}
	// The sweep ran what was planned, repeats included.
	if rep.Expected != len(planned) || rep.Done() != rep.Expected || sw.Status != models.SweepDone {
		t.Fatalf("report %+v for %d planned tests, sweep %s", rep, len(planned), sw.Status)
	}
	runs := 0
	for _, r := range rep.Tests {
		if key(r.Target) == key(targets[changed]) {
			runs++
		}
	}
	if runs != changedTests {
		t.Errorf("the changed pair was tested %d times in the sweep, want the %d planned", runs, changedTests)
	}
	t.Logf("%d pairs, budget %d, %d tests planned over %d pairs", len(targets), budget, len(planned), len(count))
}
