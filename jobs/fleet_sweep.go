package jobs

import (
	"context"
	"errors"
	"time"

	"jobtester/models"
)

// runFleet runs a sweep as one instance of the region's fleet: it takes
// the region's lease (or says the sweep runs elsewhere), heartbeats it
// while the sweep runs, and either finishes the region's unfinished sweep
// or plans a new one. "Test now" (a narrowed sweep) never resumes one.
func (t *Tester) runFleet(ctx context.Context, startedBy string, opts SweepOptions, onPlan func(targets []Target), onResult func(Result)) (models.Sweep, Report, error) {
	held, err := t.Fleet.acquire(ctx, t.Region)
	if err != nil {
		return models.Sweep{}, Report{}, err
	}
	sctx, stop := held.keep(ctx, t.Log)
	t.mu.Lock()
	t.held = held
	t.mu.Unlock()
	defer func() {
		stop()
		held.release(t.Log)
		t.mu.Lock()
		t.held = nil
		t.mu.Unlock()
	}()
	if opts.Orchestrator == "" {
		qctx, cancel := context.WithTimeout(sctx, 30*time.Second)
		sw, err := t.Fleet.Store.UnfinishedSweep(qctx, t.Region)
		cancel()
		switch {
		case err == nil:
			return t.resume(sctx, sw, onResult)
		case !errors.Is(err, models.ErrNotFound):
			return models.Sweep{}, Report{}, err
		}
	}
	if opts.resumeOnly {
		return models.Sweep{}, Report{}, nil
	}
	return t.runNew(sctx, startedBy, opts, onPlan, onResult)
}

// resume takes over sweep sw: the tests of its stored plan not done yet
// are run, going on from the attempts already stored; its report counts
// what the earlier holders stored.
func (t *Tester) resume(ctx context.Context, sw models.Sweep, onResult func(Result)) (models.Sweep, Report, error) {
	targets, base, err := t.Fleet.resumePlan(ctx, sw.ID)
	if err != nil {
		return sw, Report{}, err
	}
	from := sw.Instance
	sw.Instance, sw.LeaseToken = t.instance(), t.lease().token
	if base.Expected == 0 && sw.Expected > 0 {
		// Begun before plans were stored (or its plan was never stored):
		// nothing to go on from.
		now := time.Now().UTC()
		sw.Status, sw.FinishedAt, sw.Error = models.SweepFailed, &now, "stopped before the end; its plan was not stored"
		return sw, Report{}, t.updateSweep(ctx, &sw)
	}
	if err := t.updateSweep(ctx, &sw); err != nil {
		return sw, Report{}, err
	}
	t.Log.Info("sweep taken over", "sweep", sw.ID, "from", from, "tests_left", len(targets), "tests_done", base.Done())
	t.mu.Lock()
	t.progress = Progress{SweepID: sw.ID, Running: true, StartedAt: sw.StartedAt, Report: base}
	t.mu.Unlock()
	rep := t.runTargets(ctx, sw, targets, onResult)
	rep.Expected = base.Expected
	rep.Passed += base.Passed
	rep.Failed += base.Failed
	rep.Unavailable += base.Unavailable
	rep.TesterErrors += base.TesterErrors
	rep.Attempts += base.Attempts
	return t.finishSweep(ctx, sw, rep)
}

// Watch takes over the region's unfinished sweep whenever its lease is
// free (its holder died, or stopped for an upgrade), every Fleet.Poll,
// until ctx ends. Without a Fleet it returns at once.
func (t *Tester) Watch(ctx context.Context) {
	if t.Fleet == nil {
		return
	}
	tick := time.NewTicker(t.Fleet.poll())
	defer tick.Stop()
	for {
		t.takeOver(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (t *Tester) takeOver(ctx context.Context) {
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := t.Fleet.Store.UnfinishedSweep(qctx, t.Region); err != nil {
		if !errors.Is(err, models.ErrNotFound) && ctx.Err() == nil {
			t.Log.Warn("could not look for an unfinished sweep", "err", err)
		}
		return
	}
	l, err := t.Fleet.Store.GetLease(qctx, LeaseName(t.Region))
	if err == nil && l.ExpiresMs > t.Fleet.now().UnixMilli() {
		return // its holder is alive
	}
	if err := t.reserve(); err != nil {
		return // this instance runs a sweep already
	}
	t.bg.Add(1)
	defer t.bg.Done()
	if _, _, err := t.run(ctx, "takeover", SweepOptions{resumeOnly: true}, nil, nil); err != nil &&
		!errors.Is(err, ErrSweepRunning) && ctx.Err() == nil {
		t.Log.Error("taking over the region's sweep failed", "err", err)
	}
}

// lease is the region's lease while this tester runs a fleet sweep.
func (t *Tester) lease() *heldLease {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.held
}

// instance names this tester in sweeps and results' attempts.
func (t *Tester) instance() string {
	if t.Fleet != nil {
		return t.Fleet.Instance
	}
	return ""
}

// updateSweep writes the sweep row, fenced by the lease when there is one.
func (t *Tester) updateSweep(ctx context.Context, sw *models.Sweep) error {
	if h := t.lease(); h != nil {
		return t.Fleet.Store.UpdateSweepFenced(ctx, h.fence(), sw)
	}
	return t.Store.UpdateSweep(ctx, sw)
}

// attemptOf is how r is stored as an attempt of its planned test: fenced
// by the lease, at the time of the call. nil for a target without a plan.
func (t *Tester) attemptOf(r Result, final bool) *models.SweepAttempt {
	if r.task == nil {
		return nil
	}
	a := &models.SweepAttempt{Task: r.task.id, Attempt: r.Attempt, Final: final, Instance: t.instance()}
	if h := t.lease(); h != nil {
		a.Fence = h.fence()
	}
	return a
}
