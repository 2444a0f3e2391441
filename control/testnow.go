package control

import (
	"context"
	"fmt"

	"jobtester/ethaddr"
	"jobtester/jobs"
	"jobtester/models"
)

// TestOrchestrator starts a sweep of one orchestrator and records who
// asked. Errors: models.ErrInvalidSetting for an address that is not one,
// ErrNoTester, jobs.ErrSweepRunning; a sweep that started but whose audit
// entry failed returns its id and the error, so the gap in the log is not
// silent.
func (o *Ops) TestOrchestrator(ctx context.Context, actor, address string) (int64, error) {
	addr, ok := ethaddr.Normalize(address)
	if !ok {
		return 0, fmt.Errorf("%w: orchestrator %w", models.ErrInvalidSetting, ethaddr.ErrInvalid)
	}
	if o.Tester == nil {
		return 0, ErrNoTester
	}
	id, err := o.Tester.TestOrchestrator(addr)
	if err != nil {
		return 0, err
	}
	if err := o.Store.AuditAction(ctx, actor, "sweep.start", "orchestrator:"+addr, map[string]any{"sweep_id": id}); err != nil {
		return id, err
	}
	return id, nil
}

// HasTester reports whether TestOrchestrator can start sweeps here.
func (o *Ops) HasTester() bool { return o.Tester != nil }

// HasLive reports whether this instance runs live tests.
func (o *Ops) HasLive() bool { return o.Live != nil }

// LiveStreams lists the live tests running now, never nil.
func (o *Ops) LiveStreams() []jobs.LiveStream {
	out := []jobs.LiveStream{}
	if o.Live != nil {
		out = append(out, o.Live.Running()...)
	}
	return out
}

// LiveFrame is the newest output frame of a running live test as JPEG;
// false before its first frame, once it has ended, or without live tests.
func (o *Ops) LiveFrame(streamID string) ([]byte, bool) {
	if o.Live == nil {
		return nil, false
	}
	return o.Live.LatestFrame(streamID)
}
