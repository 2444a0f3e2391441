package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"jobtester/config"
	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
)

// adminTools wires what an admin changes at run time: ingest keys stored
// in the database (sealed under a key derived from `secret`) and read into
// the ring now and every few seconds after.
func adminTools(ctx context.Context, cfg *config.Config, st *models.Store, ring *ingest.Keyring, log *slog.Logger) (*handlers.AdminTools, error) {
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
	return &handlers.AdminTools{KeyRefresh: refresh, Sealer: sealer, DefaultSchedule: cfg.Schedule}, nil
}

// withTester adds the tester's tools: test definitions from the database,
// the schedule an admin stores (else the config's), "test now", and the
// live preview of its live tests.
func withTester(tools *handlers.AdminTools, t *jobs.Tester, sw sweeper, st *models.Store, cfg *config.Config, log *slog.Logger) {
	t.Definitions = st
	tools.Scheduler = &jobs.Scheduler{Sweep: jobs.TesterSweep(t), Default: cfg.Schedule, Source: st, Log: log}
	tools.Tester = sw
	tools.TesterRegion = cfg.Region
	if t.Live != nil && t.Live.Previews != nil {
		tools.Live = t.Live.Previews // the live runner feeds it
	}
}

// TestOrchestrator is handlers.OrchestratorTester: the sweep lives as long
// as the server, not the request that started it.
func (s sweeper) TestOrchestrator(address string) (int64, error) {
	return s.t.StartSweep(s.ctx, "admin", jobs.SweepOptions{Orchestrator: address})
}
