package jobs

import (
	"context"
	"sort"
	"sync"
	"time"

	"jobtester/livepeer"
	"jobtester/models"
)

// Target is one test to run: an orchestrator, the URI the gateway is pinned
// to, and the pipeline/model it advertised.
type Target struct {
	Orchestrator string
	URI          string
	Capability   livepeer.Capability
	// Params are an admin's parameters for the pipeline's test, laid over
	// the request its Definition builds (see ApplyOverrides).
	Params map[string]any
	// InputSeed, when not 0, fixes the inputs the test draws (InputRand):
	// tests that share it send the same request, as the consensus of a
	// model's orchestrators needs. 0 draws fresh inputs.
	InputSeed uint64
	// Probe, when set, makes this test one of its sweep's consensus probes
	// for the model (consensus.go); its InputSeed is the group's.
	Probe *Probe

	task *plannedTask // its row in the sweep's stored plan (fleet.go); nil: none
}

// IsLive reports whether the target is a live video test (capability 35),
// which the live runner takes instead of a lane.
func (t Target) IsLive() bool { return t.Capability.Pipeline == livepeer.LivePipeline }

// Result is the outcome of one attempt at a Target.
type Result struct {
	Target
	Lane       string
	Attempt    int // 1 for the first try
	Outcome    models.Outcome
	HTTPStatus int
	RoundTrip  time.Duration // live: startup latency
	Error      string
	Input      string // JSON description of the request
	Response   string // captured answer, capped; live: the metrics as JSON
	StartedAt  time.Time
	FinishedAt time.Time
	Live       *LiveReport // live tests only: everything measured
	// Evidence is what verification measured of the answer (nil: not
	// verified); a flagged test failed with its Flag.
	Evidence *Evidence
}

// Executor runs one attempt on one lane. It must honour ctx.
type Executor func(ctx context.Context, lane *Lane, t Target, attempt int) Result

// LiveExecutor runs one live test attempt. It must honour ctx.
type LiveExecutor func(ctx context.Context, t Target, attempt int) Result

// Lane is one gateway and the webhook that pins it: each lane tests one
// orchestrator at a time, and lanes run in parallel.
type Lane struct {
	Name    string
	Client  *livepeer.GatewayClient
	Webhook *livepeer.Webhook
}

// Fairness is how a sweep treats orchestrators.
type Fairness struct {
	// MinGap is the least time between the end of one test of an
	// orchestrator and the start of its next.
	MinGap time.Duration
	// Retries is how many more times an unavailable test is tried, later
	// in the sweep, before unavailable is its final outcome.
	Retries int
	// RetryAfter is the least wait before such a retry.
	RetryAfter time.Duration
}

// Workers are what runs a sweep's tests: the lanes take batch tests one at
// a time each; up to LiveSlots live tests run at once beside them (they go
// through one gateway, pinned by their query, and cost CPU rather than a
// lane). With no live slots, live targets go to the lanes' executor.
type Workers struct {
	Lanes     []*Lane
	Batch     Executor
	LiveSlots int
	Live      LiveExecutor
	// LiveLane is the lane whose gateway live tests go through (nil: none
	// of the lanes). Its webhook lists the live tests' orchestrators while
	// they run, so it takes batch tests only once no live test is left.
	LiveLane *Lane
	// Claim, when set, is asked before each test whether its orchestrator
	// may be tested now (no other instance is testing it, its gap is
	// over). If so it returns the release to call when the test ends; if
	// not (nil), the orchestrator waits until retryAt.
	Claim func(ctx context.Context, t Target) (release func(), retryAt time.Time)
}

type task struct {
	target    Target
	live      bool
	attempt   int
	notBefore time.Time
}

type orchQueue struct {
	addr        string
	pending     []*task
	busy        bool
	runningLive bool // what the busy test is
	nextFree    time.Time
}

// ready reports whether a worker of the kind may take one of this
// orchestrator's tasks now (and which), and otherwise when it could.
func (o *orchQueue) ready(now time.Time, live bool) (int, bool, time.Time) {
	if o.busy {
		return -1, false, time.Time{}
	}
	best, bestAt := -1, time.Time{}
	for i, t := range o.pending {
		if t.live != live {
			continue
		}
		at := o.nextFree
		if t.notBefore.After(at) {
			at = t.notBefore
		}
		if best < 0 || at.Before(bestAt) {
			best, bestAt = i, at
		}
	}
	if best < 0 {
		return -1, false, time.Time{}
	}
	return best, !bestAt.After(now), bestAt
}

// left reports whether the orchestrator still has work of the kind: a
// pending task, or a running one that may come back as a retry.
func (o *orchQueue) left(live bool) bool {
	if o.busy && o.runningLive == live {
		return true
	}
	for _, t := range o.pending {
		if t.live == live {
			return true
		}
	}
	return false
}

// dispatcher hands tasks to workers under the fairness rules: one test per
// orchestrator at a time (batch and live alike), MinGap between its tests,
// retries later in the sweep. Among orchestrators that are ready it picks
// the one with the most work left (longest chain first), which keeps the
// sweep's length close to its lower bound: max(total work ÷ lanes, the
// longest orchestrator chain).
type dispatcher struct {
	mu      sync.Mutex
	orchs   []*orchQueue
	changed chan struct{} // closed and replaced on every state change
	now     func() time.Time
}

func newDispatcher(targets []Target, liveSlots bool, now func() time.Time) *dispatcher {
	byAddr := map[string]*orchQueue{}
	d := &dispatcher{changed: make(chan struct{}), now: now}
	for _, t := range targets {
		q := byAddr[t.Orchestrator]
		if q == nil {
			q = &orchQueue{addr: t.Orchestrator}
			byAddr[t.Orchestrator] = q
			d.orchs = append(d.orchs, q)
		}
		first := 1
		if t.task != nil {
			first += t.task.stored // a sweep taken over goes on from its stored attempts
		}
		q.pending = append(q.pending, &task{target: t, live: liveSlots && t.IsLive(), attempt: first})
	}
	// A stable order, so that ties are broken the same way every sweep.
	sort.Slice(d.orchs, func(i, j int) bool { return d.orchs[i].addr < d.orchs[j].addr })
	return d
}

func (d *dispatcher) notify() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// next blocks until a task of the kind is ready, and returns nil when the
// sweep has nothing of that kind left or ctx ends.
func (d *dispatcher) next(ctx context.Context, live bool) (*orchQueue, *task) {
	for {
		if ctx.Err() != nil {
			return nil, nil
		}
		d.mu.Lock()
		now := d.now()
		var best *orchQueue
		bestIdx := -1
		var wake time.Time
		anyLeft := false
		for _, o := range d.orchs {
			anyLeft = anyLeft || o.left(live)
			i, ok, at := o.ready(now, live)
			if ok {
				if best == nil || len(o.pending) > len(best.pending) {
					best, bestIdx = o, i
				}
			} else if !at.IsZero() && (wake.IsZero() || at.Before(wake)) {
				wake = at
			}
		}
		if best != nil {
			t := best.pending[bestIdx]
			best.pending = append(best.pending[:bestIdx], best.pending[bestIdx+1:]...)
			best.busy, best.runningLive = true, live
			d.mu.Unlock()
			return best, t
		}
		if !anyLeft {
			d.mu.Unlock()
			return nil, nil
		}
		changed := d.changed
		d.mu.Unlock()
		var timer <-chan time.Time
		var tm *time.Timer
		if !wake.IsZero() {
			tm = time.NewTimer(wake.Sub(now))
			timer = tm.C
		}
		select {
		case <-ctx.Done():
		case <-changed:
		case <-timer:
		}
		if tm != nil {
			tm.Stop()
		}
		if ctx.Err() != nil {
			return nil, nil
		}
	}
}

// done records a finished attempt; retry puts the task back at the end of
// the orchestrator's queue.
func (d *dispatcher) done(o *orchQueue, t *task, retry bool, gap, retryAfter time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	o.busy = false
	o.nextFree = now.Add(gap)
	if retry {
		o.pending = append(o.pending, &task{target: t.target, live: t.live, attempt: t.attempt + 1, notBefore: now.Add(retryAfter)})
	}
	d.notify()
}

// putBack returns a task whose orchestrator could not be claimed: it and
// the orchestrator's other tasks wait until at.
func (d *dispatcher) putBack(o *orchQueue, t *task, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	o.busy = false
	if at.After(o.nextFree) {
		o.nextFree = at
	}
	o.pending = append([]*task{t}, o.pending...)
	d.notify()
}

// Report counts a sweep's final outcomes: every target ends with exactly
// one, so Passed+Failed+Unavailable+TesterErrors = Expected once a sweep
// has finished.
type Report struct {
	Expected     int      `json:"expected"`
	Passed       int      `json:"passed"`
	Failed       int      `json:"failed"`
	Unavailable  int      `json:"unavailable"`
	TesterErrors int      `json:"tester_errors"`
	Attempts     int      `json:"attempts"`
	Tests        []Result `json:"-"` // final result of each target
}

// Done is the number of targets with a final outcome.
func (r Report) Done() int { return r.Passed + r.Failed + r.Unavailable + r.TesterErrors }

func (r *Report) count(res Result) {
	switch res.Outcome {
	case models.OutcomePass:
		r.Passed++
	case models.OutcomeFail:
		r.Failed++
	case models.OutcomeUnavailable:
		r.Unavailable++
	default:
		r.TesterErrors++
	}
	r.Tests = append(r.Tests, res)
}

// amend replaces final results judged after the sweep counted them (the
// consensus probes), moving their counts to the outcome they ended with.
func (r *Report) amend(judged []Result) {
	for _, j := range judged {
		for i, old := range r.Tests {
			if old.Orchestrator != j.Orchestrator || old.Capability != j.Capability || old.Outcome == j.Outcome {
				continue
			}
			r.uncount(old.Outcome)
			r.count(j)
			r.Tests = append(r.Tests[:i], r.Tests[i+1:]...)
			break
		}
	}
}

func (r *Report) uncount(o models.Outcome) {
	switch o {
	case models.OutcomePass:
		r.Passed--
	case models.OutcomeFail:
		r.Failed--
	case models.OutcomeUnavailable:
		r.Unavailable--
	default:
		r.TesterErrors--
	}
}

// SweepOn runs every target once (plus retries of unavailable ones) on the
// lanes, the live ones on the live slots beside them, and returns the
// report. onResult sees every attempt, in the order they finish, before
// the report counts it; it runs on the lane's goroutine.
// If ctx ends, lanes finish the attempts they are running and the rest of
// the plan is left untested (not counted).
func SweepOn(ctx context.Context, w Workers, targets []Target, fair Fairness, onResult func(Result)) Report {
	liveSlots := w.LiveSlots
	if w.Live == nil {
		liveSlots = 0
	}
	d := newDispatcher(targets, liveSlots > 0, time.Now)
	var mu sync.Mutex
	rep := Report{Expected: len(targets)}
	var wg sync.WaitGroup
	work := func(live bool, run func(t *task) Result, lane string) {
		defer wg.Done()
		for {
			o, t := d.next(ctx, live)
			if t == nil {
				return
			}
			release := func() {}
			if w.Claim != nil {
				var at time.Time
				if release, at = w.Claim(ctx, t.target); release == nil {
					d.putBack(o, t, at)
					continue
				}
			}
			res := run(t)
			release()
			res.Target, res.Lane, res.Attempt = t.target, lane, t.attempt
			retry := res.Outcome == models.OutcomeUnavailable && t.attempt <= fair.Retries && ctx.Err() == nil
			if onResult != nil {
				onResult(res)
			}
			mu.Lock()
			rep.Attempts++
			if !retry {
				rep.count(res)
			}
			mu.Unlock()
			d.done(o, t, retry, fair.MinGap, fair.RetryAfter)
		}
	}
	var liveWG sync.WaitGroup
	for i := 0; i < liveSlots; i++ {
		wg.Add(1)
		liveWG.Add(1)
		go func() {
			defer liveWG.Done()
			work(true, func(t *task) Result { return w.Live(ctx, t.target, t.attempt) }, "live")
		}()
	}
	for _, lane := range w.Lanes {
		wg.Add(1)
		go func() {
			if lane == w.LiveLane && liveSlots > 0 {
				liveWG.Wait()
			}
			work(false, func(t *task) Result { return w.Batch(ctx, lane, t.target, t.attempt) }, lane.Name)
		}()
	}
	wg.Wait()
	return rep
}
