package models

import (
	"context"
	"fmt"
	"time"
)

// SimulatedSweep is one sweep of a simulated past (the demo's): when it
// ran and what it found, as results to store.
type SimulatedSweep struct {
	Region     string
	StartedAt  time.Time
	FinishedAt time.Time
	Results    []NewResult // ReceivedAt set by the caller, in the past
}

// simulatedBatch is how many results of a simulated past go into one
// Insert: large enough that a week of a 30-node network is a few commits.
const simulatedBatch = 5000

// InsertSimulatedPast stores a simulated past: every sweep as a finished,
// simulated sweep row at its own past times with its counts, and every
// result through the normal write path (results and rollups together),
// marked simulated. The sweep rows go in first, in one statement per few
// hundred; the results follow in large batches across sweeps.
func (s *Store) InsertSimulatedPast(ctx context.Context, sweeps []SimulatedSweep) error {
	if len(sweeps) == 0 {
		return nil
	}
	rows := make([]Sweep, len(sweeps))
	for i, sw := range sweeps {
		finished := sw.FinishedAt.UTC()
		r := Sweep{Region: sw.Region, StartedBy: "simulated", Status: SweepDone, StartedAt: sw.StartedAt.UTC(),
			FinishedAt: &finished, Lanes: 1, Expected: len(sw.Results), Simulated: true}
		for _, res := range sw.Results {
			switch res.Outcome {
			case OutcomePass:
				r.Passed++
			case OutcomeFail:
				r.Failed++
			case OutcomeUnavailable:
				r.Unavailable++
			default:
				r.TesterErrors++
			}
		}
		rows[i] = r
	}
	if err := s.db.WithContext(ctx).CreateInBatches(rows, 500).Error; err != nil {
		return fmt.Errorf("store the simulated sweeps: %w", err)
	}
	batch := make([]NewResult, 0, simulatedBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.Insert(ctx, batch...); err != nil {
			return fmt.Errorf("store the simulated results: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	for i, sw := range sweeps {
		for _, res := range sw.Results {
			res.SweepID, res.Simulated = rows[i].ID, true
			batch = append(batch, res)
			if len(batch) == simulatedBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// SimulatedUntil is when the newest simulated sweep started: results up to
// then may be simulated. Zero when the database holds no simulated past.
func (s *Store) SimulatedUntil(ctx context.Context) (time.Time, error) {
	var last []Sweep
	err := s.db.WithContext(ctx).Where("simulated = ?", true).Order("started_at DESC").Limit(1).Find(&last).Error
	if err != nil {
		return time.Time{}, fmt.Errorf("newest simulated sweep: %w", err)
	}
	if len(last) == 0 {
		return time.Time{}, nil
	}
	return last[0].StartedAt.UTC(), nil
}
