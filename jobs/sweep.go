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
	// Fixed is the one orchestrator service URI the lane's gateway reaches
	// ("": any, pinned test by test). Upstream go-livepeer reads its
	// webhook at most once a minute, so a gateway of it is fixed to one
	// orchestrator: its webhook lists that one for good, and the lane takes
	// only that orchestrator's tests, which no other lane takes.
	Fixed string
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
	addr     string
	pending  []*task
	running  *task // the test running now; nil: none
	nextFree time.Time
}

// worker is what a worker may take: live or batch tests, and for a lane
// fixed to one orchestrator only that one's (fixed); a lane that is not
// fixed takes none of the orchestrators a fixed lane serves (served).
type worker struct {
	live   bool
	fixed  string
	served map[string]bool
}

func (w worker) takes(t *task) bool {
	if t.live != w.live {
		return false
	}
	if t.live {
		return true // live slots are not lanes
	}
	if w.fixed != "" {
		return t.target.URI == w.fixed
	}
	return !w.served[t.target.URI]
}

// ready reports whether a worker may take one of this orchestrator's tasks
// now (and which), and otherwise when it could.
func (o *orchQueue) ready(now time.Time, w worker) (int, bool, time.Time) {
	if o.running != nil {
		return -1, false, time.Time{}
	}
	best, bestAt := -1, time.Time{}
	for i, t := range o.pending {
		if !w.takes(t) {
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

// left reports whether the orchestrator still has work the worker may
// take: a pending task, or a running one that may come back as a retry.
func (o *orchQueue) left(w worker) bool {
	if o.running != nil && w.takes(o.running) {
		return true
	}
	for _, t := range o.pending {
		if w.takes(t) {
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

// fixedLanes returns the orchestrator URIs that lanes are fixed to, and
// splits the targets into those a lane or live slot can take and the batch
// targets none can: when every lane is fixed, those of other orchestrators.
func fixedLanes(lanes []*Lane, targets []Target, liveSlots bool) (served map[string]bool, reachable, unreachable []Target) {
	served = map[string]bool{}
	free := false
	for _, l := range lanes {
		if l.Fixed != "" {
			served[l.Fixed] = true
		} else {
			free = true
		}
	}
	if len(served) == 0 || free {
		return served, targets, nil
	}
	for _, t := range targets {
		if !(liveSlots && t.IsLive()) && !served[t.URI] {
			unreachable = append(unreachable, t)
		} else {
			reachable = append(reachable, t)
		}
	}
	return served, reachable, unreachable
}

func (d *dispatcher) notify() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// next blocks until a task the worker may take is ready, and returns nil
// when the sweep has nothing left for it or ctx ends.
func (d *dispatcher) next(ctx context.Context, w worker) (*orchQueue, *task) {
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
			anyLeft = anyLeft || o.left(w)
			i, ok, at := o.ready(now, w)
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
			best.running = t
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
	o.running = nil
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
	o.running = nil
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
	served, reachable, unreachable := fixedLanes(w.Lanes, targets, liveSlots > 0)
	d := newDispatcher(reachable, liveSlots > 0, time.Now)
	var mu sync.Mutex
	rep := Report{Expected: len(targets)}
	for _, t := range unreachable {
		res := Result{Target: t, Attempt: 1, Outcome: models.OutcomeTesterError, StartedAt: time.Now(), FinishedAt: time.Now(),
			Error: "no gateway reaches " + t.URI + ": every lane is fixed to another orchestrator"}
		if onResult != nil {
			onResult(res)
		}
		rep.Attempts++
		rep.count(res)
	}
	var wg sync.WaitGroup
	work := func(wk worker, run func(t *task) Result, lane string) {
		defer wg.Done()
		for {
			o, t := d.next(ctx, wk)
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
			work(worker{live: true}, func(t *task) Result { return w.Live(ctx, t.target, t.attempt) }, "live")
		}()
	}
	for _, lane := range w.Lanes {
		wg.Add(1)
		go func() {
			if lane == w.LiveLane && liveSlots > 0 {
				liveWG.Wait()
			}
			work(worker{fixed: lane.Fixed, served: served}, func(t *task) Result { return w.Batch(ctx, lane, t.target, t.attempt) }, lane.Name)
		}()
	}
	wg.Wait()
	return rep
}
