package main

import (
	"strings"
	"testing"
	"time"

	"jobtester/localnet"
	"jobtester/testutil"
)

// demo --livepeer puts real go-livepeer orchestrators in front of three
// simulated ones, each behind a real gateway of its own: their batch tests
// go through the real nodes (simnet's log shows them as runner jobs, and
// none through simnet's gateways), and their outcomes follow the profiles
// (healthy passes, wrong size fails).
func TestDemoWithLivepeerTestsThroughRealNodes(t *testing.T) {
	bin, off, err := localnet.TestBinary()
	if off {
		t.Skip(localnet.EnvBinary + "=off")
	}
	if err != nil {
		t.Fatal(err)
	}
	d := startDemo(t, "--live-concurrency", "0", "--demo-past", "0", "--livepeer", bin)
	base, banner := d.base, d.banner
	if !strings.Contains(banner.String(), "go-livepeer:       3 real orchestrators (in front of orch-03, orch-20, orch-26)") {
		t.Errorf("the banner does not name the real nodes:\n%s", banner.String())
	}

	type sweep struct{ Status string }
	testutil.EventuallyWithin(t, 5*time.Minute, "the first sweep done", func() bool {
		var list struct{ Sweeps []sweep }
		return getJSON(t, base+"/api/v1/sweeps", &list) && len(list.Sweeps) > 0 && list.Sweeps[len(list.Sweeps)-1].Status == "done"
	})

	var truth struct {
		Orchestrators []struct{ Name, Address string }
	}
	if !getJSON(t, base+"/api/v1/simnet/truth", &truth) {
		t.Fatal("no truth")
	}
	real := map[string]string{} // address → name
	for _, o := range truth.Orchestrators {
		for _, n := range demoRealOrchestrators {
			if o.Name == n {
				real[o.Address] = n
			}
		}
	}
	var reqs []struct {
		Orchestrator, OrchestratorName, Gateway, Pipeline, Model, Outcome string
	}
	if !getJSON(t, base+"/api/v1/simnet/requests", &reqs) {
		t.Fatal("no request log")
	}
	viaRunner := map[string]int{}
	for _, q := range reqs {
		_, isReal := real[q.Orchestrator]
		switch {
		case q.Gateway == "runner" && !isReal:
			t.Errorf("runner job for %s, which has no real orchestrator", q.OrchestratorName)
		case q.Gateway == "runner":
			viaRunner[q.Orchestrator]++
		case isReal:
			t.Errorf("%s's %s job went through simnet's %s, not its real orchestrator", q.OrchestratorName, q.Model, q.Gateway)
		}
	}
	for addr, name := range real {
		var page struct {
			Results []struct{ Pipeline, Model, Outcome string }
		}
		if !getJSON(t, base+"/api/v1/results?orchestrator="+addr, &page) || len(page.Results) == 0 {
			t.Errorf("%s: no results", name)
			continue
		}
		if viaRunner[addr] < len(page.Results) {
			t.Errorf("%s: %d results but %d jobs reached its real orchestrator", name, len(page.Results), viaRunner[addr])
		}
		for _, r := range page.Results {
			want := map[string]string{"orch-03": "pass", "orch-26": "fail"}[name] // orch-20 is flaky: either
			if want != "" && r.Outcome != want {
				t.Errorf("%s %s %s: %s, want %s by its profile", name, r.Pipeline, r.Model, r.Outcome, want)
			}
		}
	}
}
