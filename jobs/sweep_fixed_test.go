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
	run := func(ls []*Lane) (map[string]map[string]bool, Report) {
		var mu sync.Mutex
		lanesOf := map[string]map[string]bool{} // orchestrator URI → the lanes that ran its tests
		exec := &fakeExec{}
		rep := batchSweep(context.Background(), ls, targets, Fairness{}, exec.run, func(r Result) {
			mu.Lock()
			defer mu.Unlock()
			if lanesOf[r.URI] == nil {
				lanesOf[r.URI] = map[string]bool{}
			}
			lanesOf[r.URI][r.Lane] = true
		})
		return lanesOf, rep
	}

	free := lanes(2)
	lanesOf, rep := run([]*Lane{fixed("up-0", "http://o0"), fixed("up-2", "http://o2"), free[0], free[1]})
	if rep.Passed != len(targets) {
		t.Fatalf("with free lanes too: %+v, want all %d passed", rep, len(targets))
	}
	for uri, want := range map[string]string{"http://o0": "up-0", "http://o2": "up-2"} {
		if got := lanesOf[uri]; len(got) != 1 || !got[want] {
			t.Errorf("fixed orchestrator %s ran on %v, want %s only", uri, got, want)
		}
	}
	// The others may run on either free lane, and on no fixed one.
	for _, uri := range []string{"http://o1", "http://o3"} {
		for l := range lanesOf[uri] {
			if !strings.HasPrefix(l, "lane") {
				t.Errorf("%s ran on %q, want a free lane", uri, l)
			}
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
