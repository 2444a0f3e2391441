package jobs

import (
	"context"
	"jobtester/ethaddr"
	"strings"
)

// SweepOptions narrow a sweep.
type SweepOptions struct {
	// Orchestrator limits the sweep to one address: "test this
	// orchestrator now". Discovery still runs in full, since the plan needs
	// what the orchestrator advertises and where it is mapped.
	Orchestrator string

	created    func(sweepID int64) // called once the sweep row exists
	resumeOnly bool                // a takeover: finish an unfinished sweep, never plan a new one
}

// narrow keeps the targets of opts.Orchestrator; when none is left it says
// why, from the plan's reasons for skipping it.
func (opts SweepOptions) narrow(targets []Target, skipped []Skipped) ([]Target, string) {
	addr := ethaddr.Fold(opts.Orchestrator)
	if addr == "" {
		return targets, ""
	}
	kept := targets[:0:0]
	for _, t := range targets {
		if t.Orchestrator == addr {
			kept = append(kept, t)
		}
	}
	if len(kept) > 0 {
		return kept, ""
	}
	var reasons []string
	for _, s := range skipped {
		if s.Orchestrator == addr {
			reasons = append(reasons, s.Reason)
		}
	}
	if len(reasons) == 0 {
		return kept, "orchestrator " + addr + " was not found by discovery and has no AI mapping"
	}
	return kept, "orchestrator " + addr + ": " + strings.Join(reasons, "; ")
}

// StartSweep begins a sweep in the background like Start, and returns once
// the sweep is stored, with its id, so a page can send the admin to it.
// It fails at once if a sweep is running.
func (t *Tester) StartSweep(ctx context.Context, startedBy string, opts SweepOptions) (int64, error) {
	if err := t.reserve(); err != nil {
		return 0, err
	}
	ids := make(chan int64, 1)
	errc := make(chan error, 1)
	opts.created = func(id int64) { ids <- id }
	t.bg.Add(1)
	go func() {
		defer t.bg.Done()
		_, _, err := t.run(ctx, startedBy, opts, nil, nil)
		if err != nil && ctx.Err() == nil {
			t.Log.Error("sweep failed", "started_by", startedBy, "orchestrator", opts.Orchestrator, "err", err)
		}
		errc <- err
	}()
	select {
	case id := <-ids:
		return id, nil
	case err := <-errc:
		// The row may exist and the sweep have failed after: report the row.
		select {
		case id := <-ids:
			return id, nil
		default:
			return 0, err
		}
	}
}
