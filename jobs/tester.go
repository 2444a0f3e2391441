package jobs

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

// Store is what the tester needs of the database.
type Store interface {
	Insert(ctx context.Context, results ...models.NewResult) error
	InsertVerified(ctx context.Context, nr models.NewResult, v *models.Verification) error
	InsertLive(ctx context.Context, nr models.NewResult, lr *models.LiveResult) error
	Mappings(ctx context.Context) ([]models.URIMapping, error)
	SaveDiscovery(ctx context.Context, orchs []models.DiscoveredOrchestrator, caps []models.AdvertisedCapability) error
	CreateSweep(ctx context.Context, sw *models.Sweep) error
	UpdateSweep(ctx context.Context, sw *models.Sweep) error
}

var _ Store = (*models.Store)(nil)

// Tester runs sweeps: discovery, plan, tests on the lanes, results stored.
type Tester struct {
	Store     Store
	Lanes     []*Lane
	Discovery *Discovery
	Runner    *AIRunner
	// Live runs live video tests beside the lanes, LiveConcurrency at a
	// time; nil (or a concurrency of 0) leaves live models untested.
	Live            *LiveRunner
	LiveConcurrency int
	Fairness        Fairness
	// Region is the AI region this tester's results are stored under.
	Region string
	// IngestKey names this tester in stored results.
	IngestKey string
	// Outbox forwards scored results to a central leaderboard: they are
	// queued in the same transaction as they are stored. nil: results
	// stay local.
	Outbox *Outbox
	// Definitions holds an admin's overrides of the built-in tests (enable,
	// parameters), read at each plan; nil: the tests run as built.
	Definitions DefinitionSource
	// Sampling spends the batch tests (plan.go); nil: every target once.
	Sampling *Sampling
	// Fleet shares the region's sweeps with the other instances on the
	// database (fleet.go); nil: this tester runs its sweeps alone.
	Fleet *Fleet
	Log   *slog.Logger

	mu       sync.Mutex
	running  bool
	progress Progress
	bg       sync.WaitGroup // sweeps started with Start
	held     *heldLease     // the region's lease, while a fleet sweep runs
}

// Wait blocks until every sweep started with Start has finished and stored
// what it ran; callers cancel the sweep's context first to make that quick.
func (t *Tester) Wait() { t.bg.Wait() }

// Progress is the live state of the running sweep (or the last one).
type Progress struct {
	SweepID   int64     `json:"sweep_id"`
	Running   bool      `json:"running"`
	StartedAt time.Time `json:"started_at"`
	Report
}

// ErrSweepRunning is returned when a sweep is asked for while one runs.
var ErrSweepRunning = errors.New("a sweep is already running")

// Progress returns the state of the current or last sweep.
func (t *Tester) Progress() Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.progress
	p.Tests = nil
	return p
}

// RunSweep runs one sweep to the end (or until ctx ends) and returns its
// stored row and full report. onResult, if set, sees every attempt.
func (t *Tester) RunSweep(ctx context.Context, startedBy string, onPlan func(targets []Target), onResult func(Result)) (models.Sweep, Report, error) {
	if err := t.reserve(); err != nil {
		return models.Sweep{}, Report{}, err
	}
	return t.run(ctx, startedBy, SweepOptions{}, onPlan, onResult)
}

// Start begins a sweep in the background. It fails at once if a sweep is
// running, so a caller can tell the user.
func (t *Tester) Start(ctx context.Context, startedBy string) error {
	if err := t.reserve(); err != nil {
		return err
	}
	t.bg.Add(1)
	go func() {
		defer t.bg.Done()
		if _, _, err := t.run(ctx, startedBy, SweepOptions{}, nil, nil); err != nil && ctx.Err() == nil {
			t.Log.Error("sweep failed", "started_by", startedBy, "err", err)
		}
	}()
	return nil
}

func (t *Tester) reserve() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.running {
		return ErrSweepRunning
	}
	t.running = true
	t.progress = Progress{Running: true, StartedAt: time.Now().UTC()}
	return nil
}

func (t *Tester) run(ctx context.Context, startedBy string, opts SweepOptions, onPlan func(targets []Target), onResult func(Result)) (models.Sweep, Report, error) {
	defer func() {
		t.mu.Lock()
		t.running = false
		t.progress.Running = false
		t.mu.Unlock()
	}()
	if t.Fleet != nil {
		return t.runFleet(ctx, startedBy, opts, onPlan, onResult)
	}
	return t.runNew(ctx, startedBy, opts, onPlan, onResult)
}

// runNew plans and runs a new sweep.
func (t *Tester) runNew(ctx context.Context, startedBy string, opts SweepOptions, onPlan func(targets []Target), onResult func(Result)) (models.Sweep, Report, error) {
	sw := models.Sweep{Region: t.Region, StartedBy: startedBy, Lanes: len(t.Lanes), Instance: t.instance()}
	if h := t.lease(); h != nil {
		sw.LeaseToken = h.token
	}
	if err := t.Store.CreateSweep(ctx, &sw); err != nil {
		return sw, Report{}, err
	}
	t.mu.Lock()
	t.progress = Progress{SweepID: sw.ID, Running: true, StartedAt: sw.StartedAt}
	t.mu.Unlock()
	if opts.created != nil {
		opts.created(sw.ID)
	}
	fail := func(err error) (models.Sweep, Report, error) {
		now := time.Now().UTC()
		sw.Status, sw.FinishedAt, sw.Error = models.SweepFailed, &now, err.Error()
		if uerr := t.updateSweep(context.WithoutCancel(ctx), &sw); uerr != nil {
			t.Log.Error("could not record the failed sweep", "sweep", sw.ID, "err", uerr)
		}
		return sw, Report{}, err
	}

	targets, skipped, err := t.planSweep(ctx, &sw, opts)
	if err != nil {
		return fail(err)
	}
	if h := t.lease(); h != nil {
		if err := t.Fleet.persistPlan(ctx, h, sw.ID, targets); err != nil {
			return fail(err)
		}
	}
	if err := t.updateSweep(ctx, &sw); err != nil {
		return fail(err)
	}
	t.Log.Info("sweep started", "sweep", sw.ID, "tests", len(targets), "orchestrators_skipped", skipped, "lanes", len(t.Lanes))
	if onPlan != nil {
		onPlan(targets)
	}
	t.mu.Lock()
	t.progress.Expected = len(targets)
	t.mu.Unlock()
	rep := t.runTargets(ctx, sw, targets, onResult)
	return t.finishSweep(ctx, sw, rep)
}

// runTargets tests the targets of sweep sw on the lanes and live slots and
// stores every attempt; the consensus probes are judged at the end.
func (t *Tester) runTargets(ctx context.Context, sw models.Sweep, targets []Target, onResult func(Result)) Report {
	workers := Workers{Lanes: t.Lanes, Batch: t.Runner.Run}
	if t.liveOn() {
		workers.LiveSlots, workers.Live, workers.LiveLane = t.LiveConcurrency, t.Live.Run, t.Live.Lane
	}
	if f := t.Fleet; f != nil {
		workers.Claim = func(ctx context.Context, tg Target) (func(), time.Time) {
			return f.claim(ctx, tg, t.Fairness.MinGap, t.Log)
		}
	}
	book := newConsensusBook(targets)
	rep := SweepOn(ctx, workers, targets, t.Fairness, func(r Result) { t.record(ctx, sw, r, onResult, book) })
	for _, group := range book.flush() {
		t.recordJudged(ctx, sw, group, onResult)
	}
	rep.amend(book.judged())
	return rep
}

func (t *Tester) liveOn() bool { return t.Live != nil && t.LiveConcurrency > 0 }

// planSweep discovers the network, stores what it found and plans the
// sweep's tests; sw gets the number expected, and why nothing is when
// nothing is. skipped is how many orchestrators are not tested.
func (t *Tester) planSweep(ctx context.Context, sw *models.Sweep, opts SweepOptions) (targets []Target, skipped int, err error) {
	mappings, err := t.Store.Mappings(ctx)
	if err != nil {
		return nil, 0, err
	}
	found, err := t.Discovery.Run(ctx, mappings)
	if err != nil {
		return nil, 0, err
	}
	orchs, caps := discovered(found)
	if err := t.Store.SaveDiscovery(ctx, orchs, caps); err != nil {
		return nil, 0, err
	}
	liveOn := t.liveOn()
	targets, skips := Plan(found, mappings, PlanOptions{Live: liveOn})
	if targets, skips, err = t.planOverrides(ctx, targets, skips); err != nil {
		return nil, 0, err
	}
	targets, why := opts.narrow(targets, skips)
	extra := t.sample(ctx, sw.ID, opts, found, &targets)
	if t.Runner != nil && t.Runner.Verifier != nil {
		probes := PlanProbes(targets, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
		t.Log.Debug("consensus probes planned", "sweep", sw.ID, "probes", probes)
	}
	targets = append(targets, extra...) // repeats are never probes
	for _, s := range skips {
		t.Log.Debug("orchestrator not tested", "orchestrator", s.Orchestrator, "reason", s.Reason)
	}
	sw.Expected = len(targets)
	if len(targets) == 0 {
		// Not a failure of the tester, but never silent: a gateway whose
		// capability cache is empty or stale plans nothing.
		what := "a batch AI pipeline"
		if liveOn {
			what += " or a live model"
		}
		sw.Error = fmt.Sprintf("nothing to test: %d orchestrators found, none advertising %s the gateway reported", len(found.Orchestrators), what)
		if why != "" {
			sw.Error = "nothing to test: " + why
		}
		t.Log.Warn("sweep has nothing to test", "sweep", sw.ID, "orchestrators", len(found.Orchestrators))
	}
	return targets, len(skips), nil
}

// sample narrows the targets to what smart sampling chooses and returns
// the further tests of the targets it gives more than one. A sweep of one
// orchestrator ("test now") is not sampled; a sampling that cannot read
// its state falls back to testing every target once.
func (t *Tester) sample(ctx context.Context, sweepID int64, opts SweepOptions, found Found, targets *[]Target) []Target {
	if t.Sampling == nil || !t.Sampling.Smart || opts.Orchestrator != "" || len(*targets) == 0 {
		return nil
	}
	once, extra, short, err := t.Sampling.Choose(ctx, *targets, found, t.Region, time.Now().UTC())
	if err != nil {
		t.Log.Warn("smart sampling failed; testing every target once", "sweep", sweepID, "err", err)
		return nil
	}
	if short > 0 {
		t.Log.Warn("the test budget does not cover every series' floor", "sweep", sweepID, "floor_tests_short", short)
	}
	t.Log.Debug("tests sampled", "sweep", sweepID, "planned", len(*targets), "chosen", len(once), "repeats", len(extra))
	*targets = once
	return extra
}

// record stores one attempt of sweep sw and counts it in the progress;
// every tenth test the stored sweep row follows, so another instance or a
// page reading the table sees it move. A probe's final result waits in
// book until its group is complete and judged (consensus.go).
func (t *Tester) record(ctx context.Context, sw models.Sweep, r Result, onResult func(Result), book *consensusBook) {
	retried := r.Outcome == models.OutcomeUnavailable && r.Attempt <= t.Fairness.Retries && ctx.Err() == nil
	if r.Probe != nil && !retried {
		if group, ok := book.add(r); ok {
			t.recordJudged(ctx, sw, group, onResult)
		}
		return
	}
	t.recordOne(ctx, sw, r, onResult, retried)
}

func (t *Tester) recordJudged(ctx context.Context, sw models.Sweep, group []Result, onResult func(Result)) {
	for _, r := range group {
		t.recordOne(ctx, sw, r, onResult, false)
	}
}

func (t *Tester) recordOne(ctx context.Context, sw models.Sweep, r Result, onResult func(Result), retried bool) {
	t.store(ctx, sw.ID, r, !retried)
	if onResult != nil {
		onResult(r)
	}
	t.mu.Lock()
	t.progress.Attempts++
	var snapshot *models.Sweep
	if !retried {
		t.progress.count(r)
		t.progress.Tests = nil // the report keeps them; progress only counts
		if t.progress.Done()%10 == 0 {
			cp := sw
			cp.Passed, cp.Failed, cp.Unavailable, cp.TesterErrors = t.progress.Passed, t.progress.Failed, t.progress.Unavailable, t.progress.TesterErrors
			snapshot = &cp
		}
	}
	t.mu.Unlock()
	if snapshot != nil {
		if err := t.updateSweep(context.WithoutCancel(ctx), snapshot); err != nil {
			t.Log.Warn("could not record sweep progress", "sweep", sw.ID, "err", err)
		}
	}
}

// finishSweep records the end of sw and its totals.
func (t *Tester) finishSweep(ctx context.Context, sw models.Sweep, rep Report) (models.Sweep, Report, error) {
	now := time.Now().UTC()
	sw.FinishedAt = &now
	sw.Passed, sw.Failed, sw.Unavailable, sw.TesterErrors = rep.Passed, rep.Failed, rep.Unavailable, rep.TesterErrors
	sw.Status = models.SweepDone
	if ctx.Err() != nil {
		if t.lease() != nil {
			// Stopped (shutdown, or the lease lost): the sweep stays running
			// for the next holder to finish from its stored plan.
			t.Log.Info("sweep stopped before the end; left for the region's next lease holder", "sweep", sw.ID,
				"done", rep.Done(), "expected", rep.Expected)
			return sw, rep, nil
		}
		sw.Status, sw.Error = models.SweepCancelled, "stopped before the end: "+ctx.Err().Error()
	}
	if err := t.updateSweep(context.WithoutCancel(ctx), &sw); err != nil {
		return sw, rep, err
	}
	t.Log.Info("sweep finished", "sweep", sw.ID, "status", sw.Status, "expected", rep.Expected, "passed", rep.Passed,
		"failed", rep.Failed, "unavailable", rep.Unavailable, "tester_errors", rep.TesterErrors)
	return sw, rep, nil
}

// store keeps one attempt, retrying while the database is away: a result
// is only lost if the database stays unreachable for storeRetryFor.
func (t *Tester) store(ctx context.Context, sweepID int64, r Result, final bool) {
	stats := ResultStats(t.Region, r)
	if r.Live != nil {
		stats = liveStats(t.Region, r)
	}
	nr := models.NewResult{Stats: stats, Outcome: r.Outcome, IngestKey: t.IngestKey, SweepID: sweepID, HTTPStatus: r.HTTPStatus,
		Forward: t.Outbox != nil && r.Outcome.Scored(),
		// A key of its own makes the retries below exactly-once: a write
		// whose commit went unconfirmed is not stored (nor queued) twice.
		Idempotency: models.Idempotency{Key: attemptKey()}}
	ctx = context.WithoutCancel(ctx) // a stopping sweep still stores what it ran
	delay := 200 * time.Millisecond
	deadline := time.Now().Add(storeRetryFor)
	for {
		nr.Attempt = t.attemptOf(r, final) // its fence is checked at the time of each try
		var err error
		switch {
		case r.Live != nil:
			row := liveRow(t.Region, r)
			err = t.Store.InsertLive(ctx, nr, &row)
		case r.Evidence != nil && r.Evidence.Flag != nil:
			row := evidenceRow(r)
			err = t.Store.InsertVerified(ctx, nr, &row)
		default:
			err = t.Store.Insert(ctx, nr)
		}
		if err == nil {
			break
		}
		if storeRefused(err) {
			t.Log.Warn("result not stored: its sweep's lease is another's, or it is stored already", "orchestrator", r.Orchestrator,
				"pipeline", r.Capability.Pipeline, "err", err)
			return
		}
		if errors.Is(err, models.ErrInvalidRegion) || time.Now().After(deadline) {
			t.Log.Error("result not stored", "orchestrator", r.Orchestrator, "pipeline", r.Capability.Pipeline, "err", err)
			return
		}
		t.Log.Warn("storing a result failed; retrying", "err", err, "in", delay)
		time.Sleep(delay)
		delay = min(2*delay, 10*time.Second)
	}
	if nr.Forward {
		t.Outbox.Notify()
	}
}

// attemptKey is a fresh idempotency key for one attempt's result.
func attemptKey() string {
	var b [16]byte
	crand.Read(b[:]) //nolint:errcheck // never fails (crypto/rand)
	return "attempt-" + hex.EncodeToString(b[:])
}

const storeRetryFor = 2 * time.Minute

// ResultStats is the leaderboard payload of one test, as the older AI job
// tester posted it: success 1 or 0, round-trip time in seconds, the error
// as {error_code: status or class, message}.
func ResultStats(region string, r Result) ingest.Stats {
	st := ingest.Stats{
		Region: region, Orchestrator: r.Orchestrator, RoundTripTime: r.RoundTrip.Seconds(),
		Errors: []ingest.Error{}, Timestamp: r.StartedAt.Unix(), Pipeline: r.Capability.Pipeline,
		Model: r.Capability.Model, ModelIsWarm: r.Capability.Warm, InputParams: r.Input, ResponsePayload: r.Response,
	}
	if r.Outcome == models.OutcomePass {
		st.SuccessRate = 1
	} else {
		code := string(r.Outcome)
		switch {
		case r.Evidence != nil && r.Evidence.Flag != nil:
			// A 200 whose answer was judged a cheat: the code says which.
			code = r.Evidence.Flag.Kind.Reason()
		case r.HTTPStatus != 0:
			code = strconv.Itoa(r.HTTPStatus)
		}
		st.Errors = []ingest.Error{{ErrorCode: code, Message: r.Error, Count: 1}}
	}
	return st
}

func discovered(found Found) ([]models.DiscoveredOrchestrator, []models.AdvertisedCapability) {
	var orchs []models.DiscoveredOrchestrator
	for _, o := range found.Orchestrators {
		stake := ""
		if o.DelegatedStake != nil {
			stake = o.DelegatedStake.String()
		}
		price := ""
		if o.PricePerPixel != nil {
			price = o.PricePerPixel.RatString()
		}
		orchs = append(orchs, models.DiscoveredOrchestrator{Address: o.Address, ServiceURI: o.ServiceURI,
			AIServiceURI: o.AIServiceURI, Active: o.Active, Registered: o.Registered, Stake: stake,
			PricePerPixel: price, Sources: joinSources(o.Sources)})
	}
	var caps []models.AdvertisedCapability
	for addr, cs := range found.Capabilities {
		seen := map[[2]string]bool{}
		for _, c := range cs {
			k := [2]string{c.Pipeline, c.Model}
			if seen[k] {
				continue
			}
			seen[k] = true
			caps = append(caps, models.AdvertisedCapability{Orchestrator: addr, Pipeline: c.Pipeline, Model: c.Model,
				Warm: c.Warm, Capacity: c.Capacity})
		}
	}
	return orchs, caps
}

func joinSources(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}
