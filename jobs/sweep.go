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
}

// Result is the outcome of one attempt at a Target.
type Result struct {
	Target
	Lane       string
	Attempt    int // 1 for the first try
	Outcome    models.Outcome
	HTTPStatus int
	RoundTrip  time.Duration
	Error      string
	Input      string // JSON description of the request
	Response   string // captured answer, capped
	StartedAt  time.Time
	FinishedAt time.Time
}

// Executor runs one attempt on one lane. It must honour ctx.
type Executor func(ctx context.Context, lane *Lane, t Target, attempt int) Result

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

type task struct {
	target    Target
	attempt   int
	notBefore time.Time
}

type orchQueue struct {
	addr     string
	pending  []*task
	busy     bool
	nextFree time.Time
}

// ready reports whether a lane may take this orchestrator's next task now,
// and otherwise when it could.
func (o *orchQueue) ready(now time.Time) (bool, time.Time) {
	if o.busy || len(o.pending) == 0 {
		return false, time.Time{}
	}
	at := o.nextFree
	if o.pending[0].notBefore.After(at) {
		at = o.pending[0].notBefore
	}
	return !at.After(now), at
}

// dispatcher hands tasks to lanes under the fairness rules: one test per
// orchestrator at a time, MinGap between its tests, retries later in the
// sweep. Among orchestrators that are ready it picks the one with the most
// work left (longest chain first), which keeps the sweep's length close to
// its lower bound: max(total work ÷ lanes, the longest orchestrator chain).
type dispatcher struct {
	mu      sync.Mutex
	orchs   []*orchQueue
	changed chan struct{} // closed and replaced on every state change
	now     func() time.Time
}

func newDispatcher(targets []Target, now func() time.Time) *dispatcher {
	byAddr := map[string]*orchQueue{}
	d := &dispatcher{changed: make(chan struct{}), now: now}
	for _, t := range targets {
		q := byAddr[t.Orchestrator]
		if q == nil {
			q = &orchQueue{addr: t.Orchestrator}
			byAddr[t.Orchestrator] = q
			d.orchs = append(d.orchs, q)
		}
		q.pending = append(q.pending, &task{target: t, attempt: 1})
	}
	// A stable order, so that ties are broken the same way every sweep.
	sort.Slice(d.orchs, func(i, j int) bool { return d.orchs[i].addr < d.orchs[j].addr })
	return d
}

func (d *dispatcher) notify() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// next blocks until a task is ready for a lane, and returns nil when the
// sweep has nothing left or ctx ends.
func (d *dispatcher) next(ctx context.Context) (*orchQueue, *task) {
	for {
		if ctx.Err() != nil {
			return nil, nil
		}
		d.mu.Lock()
		now := d.now()
		var best *orchQueue
		var wake time.Time
		anyLeft := false
		for _, o := range d.orchs {
			if len(o.pending) > 0 || o.busy {
				anyLeft = true
			}
			ok, at := o.ready(now)
			if ok {
				if best == nil || len(o.pending) > len(best.pending) {
					best = o
				}
			} else if !at.IsZero() && (wake.IsZero() || at.Before(wake)) {
				wake = at
			}
		}
		if best != nil {
			t := best.pending[0]
			best.pending = best.pending[1:]
			best.busy = true
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
		o.pending = append(o.pending, &task{target: t.target, attempt: t.attempt + 1, notBefore: now.Add(retryAfter)})
	}
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

// Sweep runs every target once (plus retries of unavailable ones) on the
// lanes and returns the report. onResult sees every attempt, in the order
// they finish, before the report counts it; it runs on the lane's goroutine.
// If ctx ends, lanes finish the attempts they are running and the rest of
// the plan is left untested (not counted).
func Sweep(ctx context.Context, lanes []*Lane, targets []Target, fair Fairness, exec Executor, onResult func(Result)) Report {
	d := newDispatcher(targets, time.Now)
	var mu sync.Mutex
	rep := Report{Expected: len(targets)}
	var wg sync.WaitGroup
	for _, lane := range lanes {
		wg.Add(1)
		go func(lane *Lane) {
			defer wg.Done()
			for {
				o, t := d.next(ctx)
				if t == nil {
					return
				}
				res := exec(ctx, lane, t.target, t.attempt)
				res.Target, res.Lane, res.Attempt = t.target, lane.Name, t.attempt
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
		}(lane)
	}
	wg.Wait()
	return rep
}
