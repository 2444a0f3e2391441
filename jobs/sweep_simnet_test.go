package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/models"
	"jobtester/simnet"
)

// harness is a tester wired to a simulated network: real gateways and
// orchestrators on loopback, real webhooks, a real database.
type harness struct {
	nw     *simnet.Network
	st     *models.Store
	tester *jobs.Tester
}

func newHarness(t *testing.T, sc simnet.Scenario, fair jobs.Fairness, timeout time.Duration) *harness {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The real gateway gives an orchestrator 500 ms to answer discovery;
	// under -race on a loaded CI machine loopback can take longer, and an
	// orchestrator dropped for that would be "unavailable" by accident.
	for i := range sc.Gateways {
		sc.Gateways[i].DiscoveryTimeout = simnet.Duration(10 * time.Second)
	}
	nw, err := simnet.Start(ctx, sc, simnet.Options{Seed: 7, TimeScale: 0.01, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nw.Close() })
	st := dbtest.Open(t, "sqlite", models.Options{})
	var gws []jobs.GatewayConfig
	for _, g := range nw.Gateways() {
		gws = append(gws, jobs.GatewayConfig{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL})
	}
	lanes := jobs.NewLanes(gws)
	stopHooks, err := jobs.ServeWebhooks(lanes, nw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopHooks)
	tester := &jobs.Tester{
		Store: st, Lanes: lanes,
		Discovery: &jobs.Discovery{Gateway: lanes[0].Client, Capabilities: lanes[0].Client, Webhook: lanes[0].Webhook},
		Runner:    &jobs.AIRunner{JobTimeout: timeout, CaptureBytes: 512, Verifier: &jobs.Verifier{Store: st, Log: quiet}},
		Fairness:  fair, Region: "FRA", IngestKey: "test", Log: quiet,
	}
	return &harness{nw: nw, st: st, tester: tester}
}

// expected is what a tester must conclude from what the orchestrator
// really did on its last try, according to simnet's request log: the same
// through simnet's gateway and a real one. A gateway retries a failed try
// until its retry timeout or its tries run out and then answers like "no
// orchestrator" (503 or no reply), so a last try that failed means
// unavailable; an image-to-video model's wrong size does not show, since
// the orchestrator encodes its frames at the size asked for.
func expected(q simnet.Request) models.Outcome {
	switch q.Outcome {
	case simnet.OutcomeOK:
		return models.OutcomePass
	case simnet.OutcomeNoCapacity, simnet.OutcomeOffline, simnet.OutcomeError:
		return models.OutcomeUnavailable
	case simnet.OutcomeWrongSize:
		if q.Pipeline == "image-to-video" {
			return models.OutcomePass
		}
	}
	return models.OutcomeFail // wrong_size, cancelled (too slow)
}

func TestSweepOfTheDefaultScenario(t *testing.T) {
	fair := jobs.Fairness{MinGap: 15 * time.Millisecond, Retries: 2, RetryAfter: 5 * time.Millisecond}
	// The job timeout only catches hangs (the slowest model takes 0.6 s at
	// this scale); under the race detector on a loaded machine a job took
	// over 10 s.
	h := newHarness(t, simnet.DefaultScenario(), fair, 2*time.Minute)
	var planned []jobs.Target
	sw, rep, err := h.tester.RunSweep(context.Background(), "test", func(ts []jobs.Target) { planned = ts }, nil)
	if err != nil {
		t.Fatal(err)
	}
	truth := h.nw.Truth()

	// 1. Exactly the advertised pairs of active orchestrators are tested.
	// This tester has no live runner: live models are left out of its plan
	// (live sweeps are tested in live_simnet_test.go).
	want := map[string]bool{}
	for _, o := range truth.Orchestrators {
		for _, m := range o.Models {
			if o.Active && m.Advertised && m.Pipeline != livepeer.LivePipeline {
				want[o.Address+"|"+m.Pipeline+"|"+m.Model] = true
			}
		}
	}
	got := map[string]bool{}
	for _, tg := range planned {
		k := tg.Orchestrator + "|" + tg.Capability.Pipeline + "|" + tg.Capability.Model
		if got[k] {
			t.Fatalf("planned twice: %s", k)
		}
		got[k] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("advertised but not tested: %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("tested but not advertised by an active orchestrator: %s", k)
		}
	}
	if rep.Expected != len(want) || rep.Done() != rep.Expected || sw.Status != models.SweepDone {
		t.Fatalf("report %+v for %d advertised pairs, sweep %s", rep, len(want), sw.Status)
	}

	// 2. Each test's outcome is what the orchestrator really did.
	requests := h.nw.Requests()
	type pair struct{ orch, route, model string }
	last := map[pair]simnet.Request{}
	for _, r := range requests {
		last[pair{r.Orchestrator, r.Pipeline, r.Model}] = r
	}
	routes := map[string]string{}
	byAddr := map[string]simnet.OrchestratorTruth{}
	for _, o := range truth.Orchestrators {
		byAddr[o.Address] = o
		for _, m := range o.Models {
			routes[m.Pipeline] = m.Route
		}
	}
	for _, r := range rep.Tests {
		lr, ok := last[pair{r.Orchestrator, routes[r.Capability.Pipeline], r.Capability.Model}]
		want := models.OutcomeUnavailable // no orchestrator was ever reached
		if ok {
			want = expected(lr)
		}
		if r.Outcome != want {
			t.Errorf("%s %s %s: outcome %s (%s), but the orchestrator's last job was %q: want %s",
				byAddr[r.Orchestrator].Name, r.Capability.Pipeline, r.Capability.Model, r.Outcome, r.Error, lr.Outcome, want)
		}
		// Verification is on: the default scenario has no cheat, so no
		// answer may be flagged, and a half-size answer is a size failure.
		if strings.HasPrefix(r.Error, "suspected_") || (lr.Outcome == simnet.OutcomeWrongSize && !strings.Contains(r.Error, "wrong size")) {
			t.Errorf("%s %s %s: %q (the orchestrator's job: %s)", byAddr[r.Orchestrator].Name, r.Capability.Pipeline, r.Capability.Model, r.Error, lr.Outcome)
		}
		for _, m := range byAddr[r.Orchestrator].Models {
			if m.Pipeline == r.Capability.Pipeline && m.Model == r.Capability.Model && m.Broken && r.Outcome == models.OutcomePass {
				t.Errorf("%s: a broken model passed", r.Capability.Model)
			}
		}
	}
	t.Logf("report: %d expected, %d pass, %d fail, %d unavailable, %d tester_error, %d attempts", rep.Expected, rep.Passed, rep.Failed, rep.Unavailable, rep.TesterErrors, rep.Attempts)
	if rep.Passed == 0 || rep.Failed == 0 || rep.Unavailable == 0 {
		t.Errorf("the default scenario should produce every outcome, got %+v", rep)
	}

	checkFairToOrchestrators(t, requests, byAddr, fair.MinGap)
	checkUnavailableNeverScored(t, h.st, sw.ID, rep)
}

// checkFairToOrchestrators: one test at a time, MinGap between tests, as
// the orchestrators saw it.
func checkFairToOrchestrators(t *testing.T, requests []simnet.Request, byAddr map[string]simnet.OrchestratorTruth, minGap time.Duration) {
	t.Helper()
	spans := map[string]map[string][2]time.Time{} // orch → request id → [start, end]
	for _, r := range requests {
		if spans[r.Orchestrator] == nil {
			spans[r.Orchestrator] = map[string][2]time.Time{}
		}
		s, ok := spans[r.Orchestrator][r.RequestID]
		if !ok || r.Start.Before(s[0]) {
			s[0] = r.Start
		}
		if r.End.After(s[1]) {
			s[1] = r.End
		}
		spans[r.Orchestrator][r.RequestID] = s
	}
	for orch, byID := range spans {
		var ss [][2]time.Time
		for _, s := range byID {
			ss = append(ss, s)
		}
		sort.Slice(ss, func(i, j int) bool { return ss[i][0].Before(ss[j][0]) })
		for i := 1; i < len(ss); i++ {
			if gap := ss[i][0].Sub(ss[i-1][1]); gap < minGap {
				t.Errorf("%s: tests %s apart (overlap if negative), want at least %s", byAddr[orch].Name, gap, minGap)
			}
		}
	}

}

// checkUnavailableNeverScored: unavailable is stored but never scored.
func checkUnavailableNeverScored(t *testing.T, st *models.Store, sweepID int64, rep jobs.Report) {
	t.Helper()
	ctx := context.Background()
	totals, err := st.Totals(ctx, models.Filter{JobType: "ai"}, models.Window{Since: time.Now().Add(-time.Hour), Until: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var scored, passed int64
	for _, tt := range totals {
		scored += tt.Results
		passed += tt.Passed
	}
	var passAttempts, failAttempts int64
	results, err := st.SweepResults(ctx, sweepID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		switch r.Outcome {
		case models.OutcomePass:
			passAttempts++
		case models.OutcomeFail:
			failAttempts++
		}
	}
	if int(passAttempts) != rep.Passed || int(failAttempts) != rep.Failed || scored != passAttempts+failAttempts || passed != passAttempts {
		t.Fatalf("scored %d (%d passed) of %d stored attempts; report %+v", scored, passed, len(results), rep)
	}
	if len(results) != rep.Attempts {
		t.Fatalf("%d results stored for %d attempts", len(results), rep.Attempts)
	}
}
