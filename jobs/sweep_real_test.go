package jobs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/localnet"
	"jobtester/models"
	"jobtester/simnet"
)

// realScenario is three orchestrators for a real network: one healthy with
// every batch pipeline, one slow with a broken model, one flaky that also
// answers the wrong size. Latencies are simulated (×0.02 below).
func realScenario() simnet.Scenario {
	lat := func(d time.Duration) simnet.Latency { return simnet.Latency{Median: simnet.Duration(d), Spread: 0.1} }
	var healthy []simnet.ModelSpec
	for _, d := range jobs.Definitions {
		healthy = append(healthy, simnet.ModelSpec{Pipeline: d.Route, Model: "healthy/" + d.Route, Latency: lat(10 * time.Second)})
	}
	sort.Slice(healthy, func(i, j int) bool { return healthy[i].Pipeline < healthy[j].Pipeline })
	return simnet.Scenario{Orchestrators: []simnet.OrchestratorSpec{
		{Name: "healthy", Label: "healthy", Models: healthy},
		{Name: "slow", Label: "slow, broken model", Models: []simnet.ModelSpec{
			{Pipeline: "text-to-image", Model: "slow/sdxl", Latency: lat(100 * time.Second)},
			{Pipeline: "llm", Model: "broken/llama", Broken: true},
			{Pipeline: "image-to-text", Model: "slow/blip", Latency: lat(80 * time.Second)},
		}},
		{Name: "flaky", Label: "flaky, wrong size", Models: []simnet.ModelSpec{
			{Pipeline: "image-to-image", Model: "flaky/i2i", FailureRate: 0.5},
			{Pipeline: "text-to-speech", Model: "flaky/tts", FailureRate: 0.5},
			{Pipeline: "text-to-image", Model: "wrong/sdxl", WrongSizeRate: 1},
			{Pipeline: "upscale", Model: "wrong/x4", WrongSizeRate: 1},
			{Pipeline: "image-to-video", Model: "wrong/svd", WrongSizeRate: 1},
		}},
	}}
}

type realHarness struct {
	nw    *simnet.Network
	ln    *localnet.Net
	lanes map[string]*jobs.Lane // by orchestrator name
}

// newRealHarness starts simnet's runners, a real orchestrator in front of
// each, and one real gateway per orchestrator whose -orchWebhookUrl is its
// own lane: upstream reads a webhook at most once a minute, so a lane is
// pinned to one orchestrator for the whole sweep (docs/simnet.md).
func newRealHarness(t *testing.T, bin string) *realHarness {
	t.Helper()
	ctx := context.Background()
	nw, err := simnet.Start(ctx, realScenario(), simnet.Options{Seed: 11, TimeScale: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nw.Close() })
	ln, err := localnet.Start(ctx, localnet.Options{Binary: bin, Network: nw, RetryTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for name, log := range ln.Logs() {
				t.Logf("%s log tail:\n%s", name, log[max(0, len(log)-4000):])
			}
		}
		ln.Close()
	})
	mux := http.NewServeMux()
	hooks := httptest.NewServer(mux)
	t.Cleanup(hooks.Close)
	h := &realHarness{nw: nw, ln: ln, lanes: map[string]*jobs.Lane{}}
	for _, o := range ln.Orchestrators {
		wh := livepeer.NewWebhook()
		mux.Handle("/webhook/"+o.Name, wh)
		wh.Pin(o.ServiceURI) // read at the gateway's start
		gw, err := ln.StartGateway(ctx, localnet.GatewayOptions{Name: "gw-" + o.Name, Webhook: hooks.URL + "/webhook/" + o.Name})
		if err != nil {
			t.Fatal(err)
		}
		h.lanes[o.Name] = &jobs.Lane{Name: gw.Name, Client: &livepeer.GatewayClient{CLIURL: gw.CLIURL, HTTPURL: gw.HTTPURL}, Webhook: wh}
	}
	return h
}

// targets are what each orchestrator advertises: its -aiModels file,
// which localnet wrote from the runner's models.
func (h *realHarness) targets(o localnet.Orchestrator) []jobs.Target {
	var ts []jobs.Target
	for _, m := range o.Runner.Models {
		for name, d := range jobs.Definitions {
			if d.Route == m.Pipeline {
				ts = append(ts, jobs.Target{Orchestrator: o.Runner.Address, URI: o.ServiceURI,
					Capability: livepeer.Capability{Pipeline: name, Model: m.Model, Warm: true, Capacity: m.Capacity}})
			}
		}
	}
	return ts
}

func TestSweepThroughRealGateways(t *testing.T) {
	bin, off, err := localnet.TestBinary()
	if off {
		t.Skip(localnet.EnvBinary + "=off")
	}
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	h := newRealHarness(t, bin)
	cpu0, _ := h.ln.Usage()
	t.Logf("real network up: %d orchestrators in %s, with their %d gateways in %s; %s CPU so far",
		len(h.ln.Orchestrators), h.ln.Started.Round(time.Millisecond), len(h.ln.Gateways), time.Since(start).Round(time.Millisecond), cpu0.Round(time.Millisecond))

	// The job timeout only catches hangs: a tester that gives up leaves
	// the orchestrator working, and the next test would overlap it. Under
	// the race detector on a loaded machine an image-to-video took 20 s.
	runner := &jobs.AIRunner{JobTimeout: 2 * time.Minute, CaptureBytes: 512}
	fair := jobs.Fairness{MinGap: 20 * time.Millisecond, Retries: 1, RetryAfter: 50 * time.Millisecond}
	var mu sync.Mutex
	var results []jobs.Result
	var wg sync.WaitGroup
	began := time.Now()
	for _, o := range h.ln.Orchestrators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := jobs.Workers{Lanes: []*jobs.Lane{h.lanes[o.Name]}, Batch: runner.Run}
			jobs.SweepOn(context.Background(), w, h.targets(o), fair, func(r jobs.Result) {
				mu.Lock()
				defer mu.Unlock()
				results = append(results, r)
			})
		}()
	}
	wg.Wait()
	cpu, rss := h.ln.Usage()
	t.Logf("sweep of %d attempts in %s; nodes used %s CPU, %d MB peak RSS in all", len(results), time.Since(began).Round(time.Millisecond), cpu, rss>>20)
	checkRealCoverage(t, h, results)
	checkRealOutcomes(t, h, results)
	checkRealPinning(t, h, results)
	checkFairToOrchestrators(t, runnerRequests(h.nw), byAddress(h.nw.Truth()), 0)
}

func byAddress(tr simnet.Truth) map[string]simnet.OrchestratorTruth {
	out := map[string]simnet.OrchestratorTruth{}
	for _, o := range tr.Orchestrators {
		out[o.Address] = o
	}
	return out
}

// runnerRequests are the jobs simnet's runners served or refused.
func runnerRequests(nw *simnet.Network) []simnet.Request {
	var out []simnet.Request
	for _, r := range nw.Requests() {
		if r.Gateway == "runner" {
			out = append(out, r)
		}
	}
	return out
}

// lastRunnerJob is the last job the runner of addr did for the attempt r:
// same route and model, within the attempt's time.
func lastRunnerJob(reqs []simnet.Request, r jobs.Result) (simnet.Request, bool) {
	var last simnet.Request
	found := false
	for _, q := range reqs {
		if q.Orchestrator == r.Orchestrator && q.Pipeline == jobs.Definitions[r.Capability.Pipeline].Route &&
			q.Model == r.Capability.Model && !q.Start.Before(r.StartedAt) && !q.Start.After(r.FinishedAt) {
			last, found = q, true
		}
	}
	return last, found
}

func checkRealOutcomes(t *testing.T, h *realHarness, results []jobs.Result) {
	t.Helper()
	reqs := runnerRequests(h.nw)
	names := byAddress(h.nw.Truth())
	seen := map[string]bool{}
	for _, r := range results {
		q, ok := lastRunnerJob(reqs, r)
		want := models.OutcomeUnavailable // the runner never saw it
		if ok {
			want = expected(q)
		}
		seen[q.Outcome] = true
		t.Logf("%-7s %-18s %-18s attempt %d: %s (HTTP %d, %s) runner %q", names[r.Orchestrator].Name, r.Capability.Pipeline, r.Capability.Model, r.Attempt, r.Outcome, r.HTTPStatus, r.RoundTrip.Round(time.Millisecond), q.Outcome)
		if r.Outcome != want {
			t.Errorf("%s %s %s: outcome %s (%s), but the runner's last job was %q: want %s",
				names[r.Orchestrator].Name, r.Capability.Pipeline, r.Capability.Model, r.Outcome, r.Error, q.Outcome, want)
		}
	}
	for _, o := range []string{simnet.OutcomeOK, simnet.OutcomeError, simnet.OutcomeWrongSize} {
		if !seen[o] {
			t.Errorf("no runner job ended %q: the scenario should produce it", o)
		}
	}
}

// checkRealPinning: every job a runner saw belongs to an attempt pinned to
// that runner's orchestrator for that model, and every attempt that
// passed reached its orchestrator.
func checkRealPinning(t *testing.T, h *realHarness, results []jobs.Result) {
	t.Helper()
	for _, q := range runnerRequests(h.nw) {
		ok := false
		for _, r := range results {
			if r.Orchestrator == q.Orchestrator && jobs.Definitions[r.Capability.Pipeline].Route == q.Pipeline &&
				r.Capability.Model == q.Model && !q.Start.Before(r.StartedAt) && !q.Start.After(r.FinishedAt) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("runner %s did a %s job for %s at %s that no test pinned to it", q.OrchestratorName, q.Pipeline, q.Model, q.Start.Format(time.StampMilli))
		}
	}
	reqs := runnerRequests(h.nw)
	for _, r := range results {
		// Every attempt reached the orchestrator it was pinned to: the
		// audio too, now that it is FLAC, which the real gateway can
		// measure (docs/simnet.md, "Why the WAV is refused").
		if _, reached := lastRunnerJob(reqs, r); !reached {
			t.Errorf("%s %s (%s) never reached its orchestrator", r.Capability.Pipeline, r.Capability.Model, r.Outcome)
		}
	}
}

// checkRealCoverage: the sweep went through real gateways to at least
// three real orchestrators, tried every batch pipeline, and met each
// behaviour the issue asks for (healthy, slow, flaky, broken model, wrong
// size) on a model that has it.
func checkRealCoverage(t *testing.T, h *realHarness, results []jobs.Result) {
	t.Helper()
	if len(h.ln.Orchestrators) < 3 || len(h.ln.Gateways) < 1 {
		t.Errorf("%d real orchestrators and %d real gateways; want at least 3 and 1", len(h.ln.Orchestrators), len(h.ln.Gateways))
	}
	pipelines := map[string]bool{}
	profiles := map[string]bool{}
	for _, r := range results {
		pipelines[r.Capability.Pipeline] = true
		for _, o := range h.nw.Truth().Orchestrators {
			if o.Address != r.Orchestrator {
				continue
			}
			for _, m := range o.Models {
				if m.Pipeline != r.Capability.Pipeline || m.Model != r.Capability.Model {
					continue
				}
				switch {
				case m.Broken:
					profiles["broken model"] = true
				case m.WrongSizeRate > 0:
					profiles["wrong size"] = true
				case m.FailureRate > 0:
					profiles["flaky"] = true
				case m.LatencyMedianMS > 1000:
					profiles["slow"] = true
				default:
					profiles["healthy"] = true
				}
			}
		}
	}
	for name := range jobs.Definitions {
		if !pipelines[name] {
			t.Errorf("pipeline %s was not tested", name)
		}
	}
	for _, p := range []string{"healthy", "slow", "flaky", "broken model", "wrong size"} {
		if !profiles[p] {
			t.Errorf("no %s model was tested", p)
		}
	}
}
