package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/models"
	"jobtester/simnet"
)

// PastStore is what writing the demo's simulated past needs.
type PastStore interface {
	InsertSimulatedPast(ctx context.Context, sweeps []models.SimulatedSweep) error
	SimulatedUntil(ctx context.Context) (time.Time, error)
}

var _ PastStore = (*models.Store)(nil)

// pastTimeout bounds writing the simulated past; it is a few seconds on a
// quiet machine (docs/simnet.md has the figures).
const pastTimeout = 5 * time.Minute

// writePast stores a simulated past of length d, one sweep every every,
// ending at until, drawn from the network's truth, as the tester would
// have stored it (its region, its ingest key, its payloads) but marked
// simulated. A database that already holds a simulated past (a demo
// restarted on the same file) gets none again: the past would overlap.
func writePast(ctx context.Context, st PastStore, truth simnet.Truth, region string, until time.Time, d, every time.Duration, log *slog.Logger) error {
	if d <= 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, pastTimeout)
	defer cancel()
	if last, err := st.SimulatedUntil(ctx); err != nil {
		return err
	} else if !last.IsZero() {
		log.Info("simulated past already stored; not adding another", "until", last)
		return nil
	}
	began := time.Now()
	past := truth.Past(simnet.PastOptions{Until: until, For: d, Every: every, Seed: uint64(truth.Seed)})
	sweeps := make([]models.SimulatedSweep, 0, len(past))
	results := 0
	for _, p := range past {
		sw := models.SimulatedSweep{Region: region, StartedAt: p.Start, FinishedAt: p.End}
		for _, t := range p.Tests {
			r := jobs.Result{Target: jobs.Target{Orchestrator: t.Orchestrator,
				Capability: livepeer.Capability{Pipeline: t.Pipeline, Model: t.Model, Warm: t.Warm}},
				Outcome: models.Outcome(t.Outcome), HTTPStatus: t.HTTPStatus, RoundTrip: t.RoundTrip, Error: t.Error,
				StartedAt: t.At}
			sw.Results = append(sw.Results, models.NewResult{Stats: jobs.ResultStats(region, r), Outcome: r.Outcome,
				IngestKey: "jobtester", ReceivedAt: t.At.Add(t.RoundTrip), HTTPStatus: t.HTTPStatus})
		}
		results += len(sw.Results)
		sweeps = append(sweeps, sw)
	}
	if err := st.InsertSimulatedPast(ctx, sweeps); err != nil {
		return fmt.Errorf("write the simulated past: %w", err)
	}
	log.Info("simulated past stored", "days", d.Hours()/24, "sweeps", len(sweeps), "results", results,
		"seconds", time.Since(began).Seconds())
	return nil
}
