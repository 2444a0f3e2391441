package jobs

import (
	"context"
	"strings"
	"sync"
	"testing"

	"jobtester/livepeer"
	"jobtester/models"
)

// A lane fixed to one orchestrator (an upstream gateway) takes only that
// orchestrator's tests, and no other lane takes them; with every lane
// fixed, a target of another orchestrator is a tester error at once.
func TestFixedLanesTakeOnlyTheirOrchestrator(t *testing.T) {
	t.Parallel()
	targets := plan(4, 3) // URIs http://o0 … http://o3
	fixed := func(name, uri string) *Lane {
		return &Lane{Name: name, Fixed: uri, Webhook: livepeer.NewFixedWebhook(uri)}
	}
	run := func(ls []*Lane) (map[string]string, Report) {
		var mu sync.Mutex
		laneOf := map[string]string{} // orchestrator URI → lane; "" once two lanes served it
		exec := &fakeExec{}
		rep := batchSweep(context.Background(), ls, targets, Fairness{}, exec.run, func(r Result) {
			mu.Lock()
			defer mu.Unlock()
			if r.Lane == "" {
				return // not run on a lane
			}
			if prev, ok := laneOf[r.URI]; ok && prev != r.Lane {
				t.Errorf("%s ran on %s and %s", r.URI, prev, r.Lane)
			}
			laneOf[r.URI] = r.Lane
		})
		return laneOf, rep
	}

	free := lanes(2)
	laneOf, rep := run([]*Lane{fixed("up-0", "http://o0"), fixed("up-2", "http://o2"), free[0], free[1]})
	if rep.Passed != len(targets) {
		t.Fatalf("with free lanes too: %+v, want all %d passed", rep, len(targets))
	}
	if laneOf["http://o0"] != "up-0" || laneOf["http://o2"] != "up-2" {
		t.Errorf("fixed orchestrators ran on %q and %q, want up-0 and up-2", laneOf["http://o0"], laneOf["http://o2"])
	}
	for _, uri := range []string{"http://o1", "http://o3"} {
		if l := laneOf[uri]; !strings.HasPrefix(l, "lane") {
			t.Errorf("%s ran on %q, want a free lane", uri, l)
		}
	}

	var unreachable []Result
	exec := &fakeExec{}
	rep = batchSweep(context.Background(), []*Lane{fixed("up-1", "http://o1")}, targets, Fairness{}, exec.run, func(r Result) {
		if r.Outcome == models.OutcomeTesterError {
			unreachable = append(unreachable, r)
		}
	})
	if rep.Passed != 3 || rep.TesterErrors != 9 || rep.Done() != rep.Expected {
		t.Fatalf("only fixed lanes: %+v, want 3 passed (o1's) and 9 tester errors", rep)
	}
	for _, r := range unreachable {
		if r.URI == "http://o1" || !strings.Contains(r.Error, "no gateway reaches "+r.URI) {
			t.Errorf("tester error for %s: %q", r.URI, r.Error)
		}
	}
	if exec.runs["0x"+strings.Repeat("0", 39)+"1/p0"] != 1 || len(exec.runs) != 3 {
		t.Errorf("executor ran %v, want o1's three tests only", exec.runs)
	}
}

// A fixed webhook lists its orchestrator whatever a runner pins.
func TestFixedWebhookIgnoresPins(t *testing.T) {
	t.Parallel()
	w := livepeer.NewFixedWebhook("https://127.0.0.1:8935")
	w.Pin("https://other:8935")
	w.Clear()
	if got := w.Pinned(); len(got) != 1 || got[0] != "https://127.0.0.1:8935" {
		t.Fatalf("pinned %v", got)
	}
}
