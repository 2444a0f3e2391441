package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
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

// Schedule runs a sweep each time expr fires until ctx ends. A firing while
// the previous sweep still runs is skipped, not queued: sweeps never pile up
// on the orchestrators.
func Schedule(ctx context.Context, t *Tester, expr string, log *slog.Logger) error {
	sched, err := ParseSchedule(expr)
	if err != nil {
		return err
	}
	c := cron.New()
	c.Schedule(sched, cron.FuncJob(func() {
		if _, _, err := t.RunSweep(ctx, "schedule", nil, nil); err != nil {
			if errors.Is(err, ErrSweepRunning) {
				log.Info("scheduled sweep skipped: the previous one is still running")
				return
			}
			if ctx.Err() == nil {
				log.Error("scheduled sweep failed", "err", err)
			}
		}
	}))
	c.Start()
	log.Info("sweeps scheduled", "schedule", expr, "next", NextRuns(sched, time.Now(), 1))
	<-ctx.Done()
	<-c.Stop().Done() // waits for a running sweep to wind down
	return nil
}
