package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"jobtester/models"
)

// FleetStore is what a tester sharing its region's sweeps with other
// instances needs of the database (docs/deployment.md).
type FleetStore interface {
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (int64, bool, error)
	RenewLease(ctx context.Context, name, holder string, token int64, ttl time.Duration, now time.Time) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string, token int64) error
	GetLease(ctx context.Context, name string) (models.Lease, error)
	AddSweepTasks(ctx context.Context, f *models.Fence, tasks []models.SweepTask) error
	SweepTasks(ctx context.Context, sweepID int64) ([]models.SweepTask, error)
	UnfinishedSweep(ctx context.Context, region string) (models.Sweep, error)
	UpdateSweepFenced(ctx context.Context, f *models.Fence, sw *models.Sweep) error
	ClaimOrchestrator(ctx context.Context, addr, holder string, until, now time.Time) (bool, time.Time, error)
	ExtendOrchestrator(ctx context.Context, addr, holder string, until, newUntil time.Time) (bool, error)
	ReleaseOrchestrator(ctx context.Context, addr, holder string, until, freeAt time.Time) error
}

var _ FleetStore = (*models.Store)(nil)

// Fleet makes a tester one of several instances of its region on one
// database: a lease per region decides which instance runs the region's
// sweeps, the plan of a sweep is stored so that another instance can take
// it over where it stopped, every result is fenced by the lease, and an
// orchestrator is claimed in the database for each test, so that one test
// per orchestrator at a time and min_gap hold across the fleet. Claims
// are heartbeated like the lease, with the same TTL.
type Fleet struct {
	Store    FleetStore
	Instance string // this instance's name: the lease holder
	// LeaseTTL is how long a lease outlives its holder's last heartbeat:
	// the longest a dead holder's sweep waits to be taken over. Default 30 s.
	LeaseTTL time.Duration
	// Poll is how often a busy orchestrator is tried again and how often
	// an unfinished sweep without a holder is looked for. Default 2 s.
	Poll time.Duration
	Now  func() time.Time // default time.Now; tests move it by hand
}

func (f *Fleet) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Fleet) ttl() time.Duration  { return orDuration(f.LeaseTTL, 30*time.Second) }
func (f *Fleet) poll() time.Duration { return orDuration(f.Poll, 2*time.Second) }

func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// LeaseName is the name of the lease of a region's sweeps.
func LeaseName(region string) string { return "sweep:" + region }

// ErrNotHolder is returned when another instance holds the region's lease:
// the sweep runs there. It wraps ErrSweepRunning, so a schedule skips.
var ErrNotHolder = fmt.Errorf("%w on another instance of the region", ErrSweepRunning)

// heldLease is a lease this instance holds while it runs a sweep.
type heldLease struct {
	fleet *Fleet
	name  string
	token int64
	mu    sync.Mutex
	until time.Time // by our clock: past it, the lease may be another's
	lost  bool
}

func (f *Fleet) acquire(ctx context.Context, region string) (*heldLease, error) {
	name := LeaseName(region)
	now := f.now()
	actx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	token, ok, err := f.Store.AcquireLease(actx, name, f.Instance, f.ttl(), now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotHolder
	}
	return &heldLease{fleet: f, name: name, token: token, until: now.Add(f.ttl())}, nil
}

// fence is what a write of this lease's sweep is checked against.
func (h *heldLease) fence() *models.Fence {
	return &models.Fence{Lease: h.name, Holder: h.fleet.Instance, Token: h.token, At: h.fleet.now()}
}

// Lost reports whether the lease was found lost (or ran out by our clock).
func (h *heldLease) Lost() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lost || !h.fleet.now().Before(h.until)
}

// keep heartbeats the lease every third of its TTL until the returned stop
// is called; the returned context ends when the lease is lost, so the
// sweep stops starting tests it could not store. A database that does not
// answer is retried until the lease runs out by our own clock.
func (h *heldLease) keep(ctx context.Context, log *slog.Logger) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(h.fleet.ttl() / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if !h.renew(ctx, log) {
				cancel()
				return
			}
		}
	}()
	return ctx, func() { close(done); wg.Wait(); cancel() }
}

func (h *heldLease) renew(ctx context.Context, log *slog.Logger) bool {
	f := h.fleet
	now := f.now()
	rctx, cancel := context.WithTimeout(ctx, f.ttl()/3)
	ok, err := f.Store.RenewLease(rctx, h.name, f.Instance, h.token, f.ttl(), now)
	cancel()
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case err == nil && ok:
		h.until = now.Add(f.ttl())
		return true
	case err == nil:
		h.lost = true
		log.Warn("lease lost: another instance took the region's sweep over", "lease", h.name, "token", h.token)
		return false
	case f.now().Before(h.until):
		log.Warn("lease heartbeat failed; retrying", "lease", h.name, "err", err)
		return true
	}
	h.lost = true
	log.Warn("lease ran out while the database did not answer", "lease", h.name, "token", h.token, "err", err)
	return false
}

// release frees the lease for the next holder (at once, not after the TTL).
func (h *heldLease) release(log *slog.Logger) {
	if h.Lost() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.fleet.Store.ReleaseLease(ctx, h.name, h.fleet.Instance, h.token); err != nil {
		log.Warn("could not release the lease; it runs out by itself", "lease", h.name, "err", err)
	}
}

// plannedTask is a target's row in its sweep's stored plan.
type plannedTask struct {
	id     int64
	stored int // attempts already stored (by this or an earlier holder)
}

// persistPlan stores the sweep's targets as its plan and links each target
// to its row.
func (f *Fleet) persistPlan(ctx context.Context, h *heldLease, sweepID int64, targets []Target) error {
	tasks := make([]models.SweepTask, len(targets))
	for i, t := range targets {
		js, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("describe test %d of the plan: %w", i, err)
		}
		tasks[i] = models.SweepTask{SweepID: sweepID, Seq: i, Orchestrator: t.Orchestrator, Target: string(js)}
	}
	if err := f.Store.AddSweepTasks(ctx, h.fence(), tasks); err != nil {
		return err
	}
	for i := range targets {
		targets[i].task = &plannedTask{id: tasks[i].ID}
	}
	return nil
}

// resumePlan reads the stored plan of a sweep: the targets still to test
// (with the attempts they already had) and the report of those done.
func (f *Fleet) resumePlan(ctx context.Context, sweepID int64) ([]Target, Report, error) {
	tasks, err := f.Store.SweepTasks(ctx, sweepID)
	if err != nil {
		return nil, Report{}, err
	}
	rep := Report{Expected: len(tasks)}
	var left []Target
	for _, task := range tasks {
		if task.Done {
			rep.count(Result{Outcome: models.Outcome(task.Outcome)})
			rep.Attempts += task.Attempts
			continue
		}
		var t Target
		if err := json.Unmarshal([]byte(task.Target), &t); err != nil {
			return nil, Report{}, fmt.Errorf("read test %d of sweep %d's plan: %w", task.Seq, sweepID, err)
		}
		t.task = &plannedTask{id: task.ID, stored: task.Attempts}
		rep.Attempts += task.Attempts
		left = append(left, t)
	}
	rep.Tests = nil
	return left, rep, nil
}

// claim is Workers.Claim: the orchestrator is taken in the database for
// the test, for one lease TTL at a time, extended every third of it while
// the test runs (so a dead instance's claim lapses after a TTL, not after
// the longest test), and the release returned; or the time to try again.
func (f *Fleet) claim(ctx context.Context, t Target, gap time.Duration, log *slog.Logger) (func(), time.Time) {
	now := f.now()
	c := &orchClaim{fleet: f, addr: t.Orchestrator, until: now.Add(f.ttl()), stop: make(chan struct{}), log: log}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ok, freeAt, err := f.Store.ClaimOrchestrator(cctx, t.Orchestrator, f.Instance, c.until, now)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("could not claim an orchestrator for a test; trying later", "orchestrator", t.Orchestrator, "err", err)
		}
		return nil, now.Add(f.poll())
	}
	if !ok {
		if retry := now.Add(f.poll()); freeAt.Before(retry) {
			freeAt = retry
		}
		return nil, freeAt
	}
	c.wg.Add(1)
	go c.keep()
	return func() { close(c.stop); c.wg.Wait(); c.release(gap) }, time.Time{}
}

// orchClaim is one claim of an orchestrator while its test runs.
type orchClaim struct {
	fleet *Fleet
	addr  string
	until time.Time // the claim's current expiry, which also names it
	stop  chan struct{}
	wg    sync.WaitGroup
	log   *slog.Logger
}

func (c *orchClaim) keep() {
	defer c.wg.Done()
	f := c.fleet
	tick := time.NewTicker(f.ttl() / 3)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		next := f.now().Add(f.ttl())
		ctx, cancel := context.WithTimeout(context.Background(), f.ttl()/3)
		ok, err := f.Store.ExtendOrchestrator(ctx, c.addr, f.Instance, c.until, next)
		cancel()
		switch {
		case err != nil:
			c.log.Warn("could not extend an orchestrator's claim; retrying", "orchestrator", c.addr, "err", err)
		case !ok:
			c.log.Warn("an orchestrator's claim lapsed while its test ran", "orchestrator", c.addr)
			return
		default:
			c.until = next
		}
	}
}

// release ends the claim: the orchestrator is free after gap. A database
// that does not answer is tried again for a while (the claim names itself,
// so a late release frees nothing else); after that the claim lapses by
// itself.
func (c *orchClaim) release(gap time.Duration) {
	f := c.fleet
	freeAt := f.now().Add(gap)
	deadline := time.Now().Add(releaseRetryFor)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := f.Store.ReleaseOrchestrator(ctx, c.addr, f.Instance, c.until, freeAt)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			c.log.Warn("could not release an orchestrator; its claim lapses by itself", "orchestrator", c.addr,
				"until", c.until, "err", err)
			return
		}
		time.Sleep(time.Second)
	}
}

const releaseRetryFor = time.Minute

// storeRefused reports whether err means a result must not be tried again:
// fenced (the lease is another's) or already stored.
func storeRefused(err error) bool {
	return errors.Is(err, models.ErrFenced) || errors.Is(err, models.ErrAttemptStored)
}
