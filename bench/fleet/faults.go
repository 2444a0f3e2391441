package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"jobtester/bench/benchenv"
)

// measured is what the harness saw during the faults and counted after.
type measured struct {
	killed, takenBy   string
	takeover          time.Duration // kill → the lease taken by another instance
	takeoverFirst     time.Duration // kill → the first result stored by it
	drain             time.Duration // the central back → every earlier result there
	drained           bool
	backlog           int // results the central had to catch up on
	attempts, stored  int // attempts the plans recorded; results of sweeps stored
	storedTwice       int
	requests          int // jobs the orchestrators saw from the testers
	forwardable       int // results to forward (pass and fail)
	atCentral         int
	lost, duplicated  int
	waiting           int // rows left in the outbox when the testers stopped
	lostBy            map[string]int
	overlaps, gapMiss int
	orchestrators     int
	sweepsDone        map[string]int
}

// faults runs the timeline: warm-up, kill -9 of the FRA holder, database
// down, database frozen, central stopped, then the fleet runs on.
func (f *fleet) faults(ctx context.Context) (measured, error) {
	var m measured
	benchenv.Logf("warm-up: waiting for %d FRA results", f.o.warmup)
	if err := f.until(ctx, 5*time.Minute, func() (bool, error) {
		n, err := f.count(ctx, `SELECT COUNT(*) FROM results re JOIN sweeps s ON s.id = re.sweep_id WHERE s.region = 'FRA'`)
		return n >= f.o.warmup, err
	}); err != nil {
		return m, fmt.Errorf("warm-up: %w", err)
	}
	if err := f.killHolder(ctx, &m); err != nil {
		return m, err
	}
	f.pause(ctx, f.o.settle)
	benchenv.Logf("PostgreSQL down for %s", f.o.pgDown)
	f.proxy.Down()
	f.pause(ctx, f.o.pgDown)
	f.proxy.Up()
	f.pause(ctx, f.o.settle)
	benchenv.Logf("PostgreSQL frozen for %s", f.o.pgFreeze)
	f.proxy.Freeze()
	f.pause(ctx, f.o.pgFreeze)
	f.proxy.Up()
	f.pause(ctx, f.o.settle)
	benchenv.Logf("central stopped for %s", f.o.centralDown)
	f.centralI.stop(time.Minute)
	f.pause(ctx, f.o.centralDown)
	backlog, err := f.count(ctx, forwardableSQL)
	if err != nil {
		return m, err
	}
	if err := f.centralI.start(f.bin); err != nil {
		return m, err
	}
	back := time.Now()
	m.backlog = backlog
	benchenv.Logf("central back; waiting for the %d results stored so far to reach it", backlog)
	err = f.until(ctx, 5*time.Minute, func() (bool, error) {
		n, err := f.countCentral(ctx)
		return n >= backlog, err
	})
	m.drain, m.drained = time.Since(back), err == nil
	f.pause(ctx, f.o.runOn)
	return m, ctx.Err()
}

// forwardableSQL counts the results the testers forward: their own
// tests' passes and fails.
const forwardableSQL = `SELECT COUNT(*) FROM results WHERE sweep_id IS NOT NULL AND outcome IN ('pass', 'fail')`

// killHolder waits for an FRA sweep under way, kills its lease holder
// with SIGKILL, and times the takeover; the killed instance comes back
// under a new name.
func (f *fleet) killHolder(ctx context.Context, m *measured) error {
	var holder string
	err := f.until(ctx, 5*time.Minute, func() (bool, error) {
		err := f.db.QueryRowContext(ctx, `SELECT l.holder FROM leases l JOIN sweeps s ON s.lease_token = l.token
			AND s.instance = l.holder AND s.region = 'FRA' AND s.status = 'running'
			WHERE l.name = 'sweep:FRA' AND l.expires_ms > 0`).Scan(&holder)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return fmt.Errorf("waiting for an FRA sweep: %w", err)
	}
	var victim *instance
	for _, in := range f.testers {
		if in.name == holder {
			victim = in
		}
	}
	if victim == nil {
		return fmt.Errorf("the FRA lease holder %q is none of the testers", holder)
	}
	benchenv.Logf("kill -9 %s, the FRA lease holder", holder)
	victim.kill()
	killedAt := time.Now()
	m.killed = holder
	err = f.until(ctx, 10*f.o.leaseTTL+time.Minute, func() (bool, error) {
		var h string
		err := f.db.QueryRowContext(ctx, `SELECT holder FROM leases WHERE name = 'sweep:FRA'`).Scan(&h)
		if err == nil && h != holder && m.takenBy == "" {
			m.takenBy, m.takeover = h, time.Since(killedAt)
		}
		if m.takenBy == "" {
			return false, err
		}
		n, err := f.count(ctx, `SELECT COUNT(*) FROM sweep_tasks WHERE attempts > 0 AND instance = $1`, m.takenBy)
		if n > 0 {
			m.takeoverFirst = time.Since(killedAt)
		}
		return n > 0, err
	})
	if err != nil {
		return fmt.Errorf("waiting for the takeover: %w", err)
	}
	benchenv.Logf("%s took the FRA sweep over after %s", m.takenBy, m.takeover.Round(time.Millisecond))
	victim.name += "-restarted"
	return victim.start(f.bin)
}

func (f *fleet) count(ctx context.Context, q string, args ...any) (int, error) {
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var n int
	err := f.db.QueryRowContext(qctx, q, args...).Scan(&n)
	return n, err
}

func (f *fleet) countCentral(ctx context.Context) (int, error) {
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var n int
	err := f.central.QueryRowContext(qctx, `SELECT COUNT(*) FROM results`).Scan(&n)
	return n, err
}

// until polls cond every 200 ms until it holds, fails, or within passes.
func (f *fleet) until(ctx context.Context, within time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(within)
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return err
			}
			return fmt.Errorf("not within %s", within)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (f *fleet) pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
