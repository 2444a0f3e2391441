package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"jobtester/config"
	"jobtester/control"
	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
)

// adminOps wires the operations both front ends call, with what an admin
// changes at run time: ingest keys stored in the database (sealed under a
// key derived from `secret`) and read into the ring now and every few
// seconds after.
func adminOps(ctx context.Context, cfg *config.Config, st *models.Store, ring *ingest.Keyring, log *slog.Logger) (*control.Ops, error) {
	sealer, err := ingest.NewSealer(cfg.Secret)
	if err != nil {
		return nil, err
	}
	if !sealer.Encrypts() {
		log.Info("ingest keys created in the admin pages are stored unencrypted: set `secret` to seal them")
	}
	refresh := &ingest.Refresher{Ring: ring, Source: st, Sealer: sealer, Log: log}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := refresh.Refresh(rctx); err != nil {
		return nil, fmt.Errorf("read the ingest keys stored in the database: %w", err)
	}
	return &control.Ops{Store: st, Log: log, Keys: ring, KeyRefresh: refresh, Sealer: sealer, DefaultSchedule: cfg.Schedule}, nil
}

// withTester adds the tester's parts to ops: test definitions from the
// database, the schedule an admin stores (else the config's), "test now",
// and the live preview of its live tests.
func withTester(ops *control.Ops, t *jobs.Tester, sw sweeper, st *models.Store, cfg *config.Config, log *slog.Logger) {
	t.Definitions = st
	ops.Scheduler = &jobs.Scheduler{Sweep: jobs.TesterSweep(t), Default: cfg.Schedule, Source: st, Log: log}
	ops.Tester = sw
	ops.TesterRegion = cfg.Region
	if t.Live != nil && t.Live.Previews != nil {
		ops.Live = t.Live.Previews // the live runner feeds it
	}
}

// TestOrchestrator is control.OrchestratorTester: the sweep lives as long
// as the server, not the request that started it.
func (s sweeper) TestOrchestrator(address string) (int64, error) {
	return s.t.StartSweep(s.ctx, "admin", jobs.SweepOptions{Orchestrator: address})
}
