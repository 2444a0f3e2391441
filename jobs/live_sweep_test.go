package jobs

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jobtester/livepeer"
	"jobtester/models"
	"jobtester/scoring"
)

func TestPlanAddsLiveModelsOnlyWhenAsked(t *testing.T) {
	a, b, d := "0x000000000000000000000000000000000000000a", "0x000000000000000000000000000000000000000b",
		"0x000000000000000000000000000000000000000d"
	found := Found{
		Orchestrators: []livepeer.Orchestrator{
			{Address: a, ServiceURI: "https://a:8935", AIServiceURI: "https://a-ai:8935", Active: true},
			{Address: b, ServiceURI: "https://b:8935", Active: true},
		},
		Capabilities: map[string][]livepeer.Capability{
			a: {{Pipeline: "Llm", Model: "m1"}, {Pipeline: livepeer.LivePipeline, Model: "streamdiffusion"}},
			b: {{Pipeline: livepeer.LivePipeline, Model: "noop"}, {Pipeline: livepeer.LivePipeline, Model: "comfyui"},
				{Pipeline: livepeer.LivePipeline, Model: ""}},
			d: {{Pipeline: livepeer.LivePipeline, Model: "noop"}, {Pipeline: "Llm", Model: "m"}},
		},
	}
	mappings := []models.URIMapping{
		{Orchestrator: b, URI: "https://b-live:9000", JobTypes: "live"},
		{Orchestrator: d, URI: "https://d-live:8935", JobTypes: "live"}, // in no registry, live only
	}
	batch, skipped := Plan(found, mappings, PlanOptions{})
	if len(batch) != 1 || batch[0].IsLive() {
		t.Fatalf("batch plan = %+v", batch)
	}
	if len(skipped) != 1 || skipped[0].Orchestrator != b || skipped[0].Reason != "advertises no batch AI pipeline" {
		t.Fatalf("skipped = %+v", skipped)
	}
	all, skipped := Plan(found, mappings, PlanOptions{Live: true})
	got := map[string]string{}
	for _, tg := range all {
		got[tg.Orchestrator+" "+tg.Capability.Pipeline+" "+tg.Capability.Model] = tg.URI
	}
	want := map[string]string{
		a + " Llm m1": "https://a-ai:8935",
		a + " Live video to video streamdiffusion": "https://a-ai:8935", // no live mapping: as batch
		b + " Live video to video noop":            "https://b-live:9000",
		b + " Live video to video comfyui":         "https://b-live:9000",
		d + " Live video to video noop":            "https://d-live:8935", // a live mapping pins live only
	}
	if len(got) != len(want) || len(skipped) != 0 {
		t.Fatalf("plan = %v (skipped %v), want %v", got, skipped, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s → %q, want %q", k, got[k], v)
		}
	}
}

// TestLiveSlotsRunBesideLanesWithOneTestPerOrchestrator mixes batch and
// live tests: live tests run concurrently up to the slots and never on a
// lane, and no orchestrator ever has two tests at once, of either kind.
func TestLiveSlotsRunBesideLanesWithOneTestPerOrchestrator(t *testing.T) {
	t.Parallel()
	var targets []Target
	for o := 0; o < 6; o++ {
		addr := fmt.Sprintf("0x%040x", o)
		targets = append(targets,
			Target{Orchestrator: addr, Capability: livepeer.Capability{Pipeline: "Llm", Model: "m"}},
			Target{Orchestrator: addr, Capability: livepeer.Capability{Pipeline: livepeer.LivePipeline, Model: "noop"}},
			Target{Orchestrator: addr, Capability: livepeer.Capability{Pipeline: livepeer.LivePipeline, Model: "sd"}})
	}
	var mu sync.Mutex
	var spans []span
	busy := map[string]bool{}
	var overlap atomic.Bool
	var liveNow, liveMax, batchOnLive atomic.Int32
	run := func(tg Target, live bool) Result {
		mu.Lock()
		if busy[tg.Orchestrator] {
			overlap.Store(true)
		}
		busy[tg.Orchestrator] = true
		mu.Unlock()
		if live != tg.IsLive() {
			batchOnLive.Add(1)
		}
		if live {
			n := liveNow.Add(1)
			for m := liveMax.Load(); n > m && !liveMax.CompareAndSwap(m, n); m = liveMax.Load() {
			}
		}
		start := time.Now()
		time.Sleep(2 * time.Millisecond)
		if live {
			liveNow.Add(-1)
		}
		mu.Lock()
		busy[tg.Orchestrator] = false
		spans = append(spans, span{tg.Orchestrator, start, time.Now()})
		mu.Unlock()
		return Result{Outcome: models.OutcomePass}
	}
	ls := lanes(2)
	var liveLaneFirst, lastLiveEnd atomic.Int64 // unix nanos
	w := Workers{
		Lanes: ls,
		Batch: func(ctx context.Context, l *Lane, tg Target, a int) Result {
			if l == ls[0] {
				liveLaneFirst.CompareAndSwap(0, time.Now().UnixNano())
			}
			return run(tg, false)
		},
		LiveSlots: 3,
		Live: func(ctx context.Context, tg Target, a int) Result {
			r := run(tg, true)
			lastLiveEnd.Store(max(lastLiveEnd.Load(), time.Now().UnixNano()))
			return r
		},
		LiveLane: ls[0],
	}
	var lanesSeen sync.Map
	rep := SweepOn(context.Background(), w, targets, Fairness{MinGap: time.Millisecond}, func(r Result) {
		lanesSeen.Store(r.Lane+" "+fmt.Sprint(r.IsLive()), true)
	})
	if rep.Expected != 18 || rep.Passed != 18 || rep.Attempts != 18 {
		t.Fatalf("report %+v", rep)
	}
	if overlap.Load() {
		t.Fatal("an orchestrator had two tests at once")
	}
	if batchOnLive.Load() != 0 {
		t.Fatal("a test ran on the wrong kind of worker")
	}
	if m := liveMax.Load(); m < 2 || m > 3 {
		t.Fatalf("at most %d live tests ran at once, want 2..3", m)
	}
	// The live gateway's lane joined the batch tests only after the last
	// live test: its webhook listed the live orchestrators until then.
	if first := liveLaneFirst.Load(); first != 0 && first < lastLiveEnd.Load() {
		t.Fatal("the live lane ran a batch test while live tests were running")
	}
	for _, k := range []string{"live true", "lane1 false"} {
		if _, ok := lanesSeen.Load(k); !ok {
			t.Errorf("no result with lane/live %q", k)
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
	last := map[string]time.Time{}
	for _, s := range spans {
		if end, ok := last[s.orch]; ok && s.start.Sub(end) < time.Millisecond {
			t.Fatalf("%s: %s between tests, want the gap", s.orch, s.start.Sub(end))
		}
		last[s.orch] = s.end
	}
}

// TestLiveUnavailableIsRetriedOnALiveSlot: a retry keeps its kind, and
// with no live slots live targets go to the lanes as before.
func TestLiveUnavailableIsRetriedOnALiveSlot(t *testing.T) {
	t.Parallel()
	tg := Target{Orchestrator: "0x01", Capability: livepeer.Capability{Pipeline: livepeer.LivePipeline, Model: "noop"}}
	var attempts []string
	var mu sync.Mutex
	w := Workers{
		Lanes: lanes(1),
		Batch: func(ctx context.Context, l *Lane, t Target, a int) Result {
			mu.Lock()
			attempts = append(attempts, fmt.Sprint("lane#", a))
			mu.Unlock()
			return Result{Outcome: models.OutcomeTesterError}
		},
		LiveSlots: 1,
		Live: func(ctx context.Context, t Target, a int) Result {
			mu.Lock()
			attempts = append(attempts, fmt.Sprint("live#", a))
			mu.Unlock()
			if a == 1 {
				return Result{Outcome: models.OutcomeUnavailable}
			}
			return Result{Outcome: models.OutcomePass}
		},
	}
	rep := SweepOn(context.Background(), w, []Target{tg}, Fairness{Retries: 1}, nil)
	if rep.Passed != 1 || fmt.Sprint(attempts) != "[live#1 live#2]" {
		t.Fatalf("report %+v, attempts %v", rep, attempts)
	}
	attempts = nil
	w.LiveSlots = 0
	rep = SweepOn(context.Background(), w, []Target{tg}, Fairness{}, nil)
	if rep.TesterErrors != 1 || fmt.Sprint(attempts) != "[lane#1]" {
		t.Fatalf("without live slots: report %+v, attempts %v", rep, attempts)
	}
}

// A publisher that fell behind (the tester's own machine busy) sent fewer
// frames than the signal's rate: the output is judged against what was
// sent, so the orchestrator is not marked down for the tester's gap, and
// an output slower than what was sent still is.
func TestLiveMeasureJudgesAgainstTheRateSent(t *testing.T) {
	log := newSentLog()
	t0 := time.Unix(1000, 0)
	for n := 0; n <= 24; n++ {
		log.add(n, t0.Add(time.Duration(n)*time.Second/24))
	}
	if p := log.pace(); p < 23.99 || p > 24.01 {
		t.Fatalf("pace %.3f, want 24", p)
	}
	rep := &LiveReport{SignalFPS: 30, InputFPS: log.pace(), Output: true}
	rep.Metrics.Frames, rep.Metrics.ObservedMS, rep.Metrics.FPSMean, rep.Metrics.FPSLow = 100, 4000, 24, 24
	if m := liveMeasure(rep); m.TargetFPS < 23.99 || m.TargetFPS > 24.01 {
		t.Errorf("target %.2f fps with 24 sent, want 24", m.TargetFPS)
	}
	if v := scoring.Live(liveMeasure(rep)); v.FPSScore < 0.999 {
		t.Errorf("fps score %.3f for every frame sent, want 1", v.FPSScore)
	}
	rep.Metrics.FPSMean, rep.Metrics.FPSLow = 12, 12
	if v := scoring.Live(liveMeasure(rep)); v.FPSScore > 0.501 {
		t.Errorf("fps score %.3f for half the frames sent, want 0.5", v.FPSScore)
	}
	rep.InputFPS, rep.Metrics.FPSMean, rep.Metrics.FPSLow = 0, 30, 30
	if m := liveMeasure(rep); m.TargetFPS != 30 {
		t.Errorf("target %.2f fps with the rate sent unknown, want the signal's 30", m.TargetFPS)
	}
	rep.InputFPS = 45 // a catch-up burst never raises the bar
	if m := liveMeasure(rep); m.TargetFPS != 30 {
		t.Errorf("target %.2f fps with 45 sent, want the signal's 30", m.TargetFPS)
	}
}
