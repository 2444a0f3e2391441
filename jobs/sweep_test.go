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
)

type span struct {
	orch       string
	start, end time.Time
}

// fakeExec records what ran when, and answers with outcome(t, attempt).
type fakeExec struct {
	mu      sync.Mutex
	spans   []span
	runs    map[string]int
	cur     atomic.Int32
	maxCur  atomic.Int32
	sleep   time.Duration
	outcome func(t Target, attempt int) models.Outcome
}

func (f *fakeExec) run(ctx context.Context, lane *Lane, t Target, attempt int) Result {
	n := f.cur.Add(1)
	for {
		m := f.maxCur.Load()
		if n <= m || f.maxCur.CompareAndSwap(m, n) {
			break
		}
	}
	start := time.Now()
	select {
	case <-time.After(f.sleep):
	case <-ctx.Done():
	}
	f.cur.Add(-1)
	end := time.Now()
	f.mu.Lock()
	f.spans = append(f.spans, span{t.Orchestrator, start, end})
	if f.runs == nil {
		f.runs = map[string]int{}
	}
	f.runs[t.Orchestrator+"/"+t.Capability.Pipeline]++
	f.mu.Unlock()
	o := models.OutcomePass
	if f.outcome != nil {
		o = f.outcome(t, attempt)
	}
	return Result{Outcome: o, StartedAt: start, FinishedAt: end}
}

func plan(orchs, pairs int) []Target {
	var ts []Target
	for o := 0; o < orchs; o++ {
		for p := 0; p < pairs; p++ {
			ts = append(ts, Target{Orchestrator: fmt.Sprintf("0x%040x", o), URI: fmt.Sprintf("http://o%d", o),
				Capability: livepeer.Capability{Pipeline: fmt.Sprint("p", p), Model: "m"}})
		}
	}
	return ts
}

func lanes(n int) []*Lane {
	out := make([]*Lane, n)
	for i := range out {
		out[i] = &Lane{Name: fmt.Sprint("lane", i), Webhook: livepeer.NewWebhook()}
	}
	return out
}

func TestSweepRunsEveryTargetOnceWithoutOverlapAndWithTheGap(t *testing.T) {
	t.Parallel()
	f := &fakeExec{sleep: 3 * time.Millisecond}
	gap := 10 * time.Millisecond
	targets := plan(6, 4)
	rep := batchSweep(context.Background(), lanes(3), targets, Fairness{MinGap: gap}, f.run, nil)
	if rep.Expected != 24 || rep.Passed != 24 || rep.Done() != 24 || rep.Attempts != 24 {
		t.Fatalf("report = %+v", rep)
	}
	for k, n := range f.runs {
		if n != 1 {
			t.Fatalf("%s ran %d times", k, n)
		}
	}
	if f.maxCur.Load() < 2 {
		t.Fatalf("lanes never ran in parallel (max %d at once)", f.maxCur.Load())
	}
	byOrch := map[string][]span{}
	for _, s := range f.spans {
		byOrch[s.orch] = append(byOrch[s.orch], s)
	}
	for orch, ss := range byOrch {
		sort.Slice(ss, func(i, j int) bool { return ss[i].start.Before(ss[j].start) })
		for i := 1; i < len(ss); i++ {
			if ss[i].start.Before(ss[i-1].end) {
				t.Fatalf("%s: two tests overlapped", orch)
			}
			if got := ss[i].start.Sub(ss[i-1].end); got < gap {
				t.Fatalf("%s: only %s between tests, want at least %s", orch, got, gap)
			}
		}
	}
}

func TestUnavailableIsRetriedLaterAndNeverCountsAsFail(t *testing.T) {
	t.Parallel()
	var order []string
	var mu sync.Mutex
	f := &fakeExec{outcome: func(tg Target, attempt int) models.Outcome {
		mu.Lock()
		order = append(order, fmt.Sprint(tg.Capability.Pipeline, "#", attempt))
		mu.Unlock()
		switch tg.Capability.Pipeline {
		case "p0": // never has capacity
			return models.OutcomeUnavailable
		case "p1": // has capacity on the second try
			if attempt == 1 {
				return models.OutcomeUnavailable
			}
		}
		return models.OutcomePass
	}}
	var seen []Result
	rep := batchSweep(context.Background(), lanes(1), plan(1, 3), Fairness{Retries: 2}, f.run, func(r Result) { seen = append(seen, r) })
	if rep.Passed != 2 || rep.Unavailable != 1 || rep.Failed != 0 || rep.Expected != 3 || rep.Attempts != 6 {
		t.Fatalf("report = %+v, want 2 pass and 1 unavailable after 6 attempts", rep)
	}
	// A retry goes to the back of the queue: p2 runs before p0's retry.
	want := "[p0#1 p1#1 p2#1 p0#2 p1#2 p0#3]"
	if fmt.Sprint(order) != want {
		t.Fatalf("order = %v, want %s", order, want)
	}
	if len(seen) != 6 || seen[5].Attempt != 3 {
		t.Fatalf("onResult saw %d attempts", len(seen))
	}
}

func TestSweepStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	n := atomic.Int32{}
	exec := func(ctx context.Context, l *Lane, tg Target, a int) Result {
		if n.Add(1) == 3 {
			cancel()
		}
		return Result{Outcome: models.OutcomePass}
	}
	rep := batchSweep(ctx, lanes(1), plan(4, 5), Fairness{}, exec, nil)
	if rep.Attempts != 3 || rep.Expected != 20 {
		t.Fatalf("%d attempts of %d, want the sweep to stop after 3", rep.Attempts, rep.Expected)
	}
}

func TestLongestChainFirst(t *testing.T) {
	t.Parallel()
	// One orchestrator with 6 tests and five with 1: with 2 lanes the long
	// chain must start at once, or the sweep waits on it at the end.
	targets := plan(5, 1)
	for p := 0; p < 6; p++ {
		targets = append(targets, Target{Orchestrator: "0xffffffffffffffffffffffffffffffffffffffff", Capability: livepeer.Capability{Pipeline: fmt.Sprint("q", p)}})
	}
	var first string
	var once sync.Once
	exec := func(ctx context.Context, l *Lane, tg Target, a int) Result {
		once.Do(func() { first = tg.Orchestrator })
		return Result{Outcome: models.OutcomePass}
	}
	batchSweep(context.Background(), lanes(1), targets, Fairness{}, exec, nil)
	if first != "0xffffffffffffffffffffffffffffffffffffffff" {
		t.Fatalf("first test went to %s, want the orchestrator with the most tests", first)
	}
}

func BenchmarkDispatch(b *testing.B) {
	targets := plan(100, 9)
	exec := func(ctx context.Context, l *Lane, tg Target, a int) Result {
		return Result{Outcome: models.OutcomePass}
	}
	for i := 0; i < b.N; i++ {
		batchSweep(context.Background(), lanes(4), targets, Fairness{}, exec, nil)
	}
}

// batchSweep runs a sweep of batch tests only, on lanes.
func batchSweep(ctx context.Context, lanes []*Lane, targets []Target, fair Fairness, exec Executor, onResult func(Result)) Report {
	return SweepOn(ctx, Workers{Lanes: lanes, Batch: exec}, targets, fair, onResult)
}
