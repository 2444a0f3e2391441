package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"jobtester/models"
)

// ParseSchedule checks a cron expression (five fields, or @every 10m,
// @hourly…) and returns it parsed; the error says what is wrong.
func ParseSchedule(expr string) (cron.Schedule, error) {
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", expr, err)
	}
	return s, nil
}

// MinScheduleGap is the shortest interval an admin may give sweeps: a
// firing while a sweep runs is skipped anyway, and a schedule that fires
// every second is a typing mistake, not a plan.
const MinScheduleGap = time.Minute

// ValidateSchedule is ParseSchedule plus the rules for a schedule an admin
// sets at run time: it must fire, and not more often than MinScheduleGap.
func ValidateSchedule(expr string, now time.Time) (cron.Schedule, error) {
	s, err := ParseSchedule(expr)
	if err != nil {
		return nil, err
	}
	runs := NextRuns(s, now, 6)
	if len(runs) == 0 {
		return nil, fmt.Errorf("schedule %q never fires", expr)
	}
	for i := 1; i < len(runs); i++ {
		if runs[i].Sub(runs[i-1]) < MinScheduleGap {
			return nil, fmt.Errorf("schedule %q fires more often than once every %s", expr, MinScheduleGap)
		}
	}
	return s, nil
}

// NextRuns lists the next n times a schedule fires after from.
func NextRuns(s cron.Schedule, from time.Time, n int) []time.Time {
	out := make([]time.Time, 0, n)
	for t := from; len(out) < n; {
		t = s.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out
}

// TesterSweep runs one scheduled sweep of t.
func TesterSweep(t *Tester) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		_, _, err := t.RunSweep(ctx, "schedule", nil, nil)
		return err
	}
}

// ScheduleSource is where an admin's schedule is stored (models.Store).
type ScheduleSource interface {
	// GetSchedule returns the stored schedule or an error wrapping
	// models.ErrNotFound when there is none.
	GetSchedule(ctx context.Context, name string) (models.Schedule, error)
}

// ActiveSchedule is the schedule a Scheduler follows and where it came from.
type ActiveSchedule struct {
	Expr    string `json:"expr"`
	Enabled bool   `json:"enabled"`
	// Origin is "admin" for a stored schedule, "config" for the config
	// file's, "" when neither sets one.
	Origin string    `json:"origin"`
	Next   time.Time `json:"next"` // zero when disabled
}

// Scheduler runs sweeps on the schedule an admin stored, or else the
// config file's. It re-reads the stored one every Poll (another instance
// may have changed it) and at once on Reload, and swaps its timer without
// a restart. A firing while the previous sweep still runs is skipped, not
// queued: sweeps never pile up on the orchestrators.
type Scheduler struct {
	Sweep   func(ctx context.Context) error // one sweep; ErrSweepRunning is a skip
	Default string                          // the config file's `schedule`; "" for none
	Source  ScheduleSource                  // nil: Default only
	Poll    time.Duration                   // default 10 s
	Log     *slog.Logger

	once   sync.Once
	reload chan struct{}

	mu      sync.Mutex
	active  ActiveSchedule
	cron    *cron.Cron
	entry   cron.EntryID
	running bool
}

func (s *Scheduler) init() {
	s.once.Do(func() { s.reload = make(chan struct{}, 1) })
}

// Reload makes a running Scheduler re-read the stored schedule now.
func (s *Scheduler) Reload() {
	s.init()
	select {
	case s.reload <- struct{}{}:
	default: // one pending reload is enough
	}
}

// Active is what the scheduler follows now, with its next firing.
func (s *Scheduler) Active() ActiveSchedule {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.active
	if s.running && a.Enabled && s.entry != 0 {
		a.Next = s.cron.Entry(s.entry).Next
	}
	return a
}

// Run follows the schedule until ctx ends, then waits for a running sweep
// to wind down.
func (s *Scheduler) Run(ctx context.Context) error {
	s.init()
	if s.Log == nil {
		s.Log = slog.Default()
	}
	poll := s.Poll
	if poll <= 0 {
		poll = 10 * time.Second
	}
	c := cron.New()
	s.mu.Lock()
	s.cron, s.running = c, true
	s.mu.Unlock()
	c.Start()
	defer func() {
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
		<-c.Stop().Done() // waits for a running sweep to wind down
	}()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		s.apply(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-s.reload:
		}
	}
}

// wanted reads which schedule applies. A stored schedule that does not
// parse (written by hand, or by a newer version) is logged and the current
// one kept.
func (s *Scheduler) wanted(ctx context.Context) (ActiveSchedule, error) {
	if s.Source != nil {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		sc, err := s.Source.GetSchedule(rctx, models.SweepSchedule)
		cancel()
		switch {
		case err == nil:
			return ActiveSchedule{Expr: sc.Expr, Enabled: sc.Enabled, Origin: "admin"}, nil
		case !errors.Is(err, models.ErrNotFound):
			return ActiveSchedule{}, err
		}
	}
	if s.Default == "" {
		return ActiveSchedule{}, nil
	}
	return ActiveSchedule{Expr: s.Default, Enabled: true, Origin: "config"}, nil
}

func (s *Scheduler) apply(ctx context.Context) {
	want, err := s.wanted(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.Log.Warn("could not read the sweep schedule; keeping the current one", "err", err)
		}
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if want == s.active {
		return
	}
	var sched cron.Schedule
	if want.Enabled {
		if sched, err = ParseSchedule(want.Expr); err != nil {
			s.Log.Error("stored sweep schedule is not valid; keeping the current one", "err", err)
			return
		}
	}
	if s.entry != 0 {
		s.cron.Remove(s.entry)
		s.entry = 0
	}
	s.active = want
	if !want.Enabled {
		s.Log.Info("scheduled sweeps off", "schedule", want.Expr, "origin", want.Origin)
		return
	}
	s.entry = s.cron.Schedule(sched, cron.FuncJob(func() { s.fire(ctx) }))
	s.Log.Info("sweeps scheduled", "schedule", want.Expr, "origin", want.Origin, "next", NextRuns(sched, time.Now(), 1))
}

func (s *Scheduler) fire(ctx context.Context) {
	if err := s.Sweep(ctx); err != nil {
		if errors.Is(err, ErrSweepRunning) {
			s.Log.Info("scheduled sweep skipped: the previous one is still running")
			return
		}
		if ctx.Err() == nil {
			s.Log.Error("scheduled sweep failed", "err", err)
		}
	}
}
