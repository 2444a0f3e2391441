package models

import (
	"context"
	"fmt"
	"time"
)

// Prune deletes raw results received before resultsBefore and rollup
// buckets that start before rollupsBefore. Raw results are the bulky part
// (payloads, inputs); rollups are small and keep long-range history. It
// deletes in slices so a large backlog never holds a long lock.
func (s *Store) Prune(ctx context.Context, resultsBefore, rollupsBefore time.Time) (results, rollups int64, err error) {
	for {
		res := s.db.WithContext(ctx).Exec(`DELETE FROM results WHERE id IN
			(SELECT id FROM results WHERE received_at < ? LIMIT 10000)`, resultsBefore.UTC())
		if res.Error != nil {
			return results, rollups, fmt.Errorf("prune results: %w", res.Error)
		}
		results += res.RowsAffected
		if res.RowsAffected < 10000 {
			break
		}
	}
	// Hours whose raw results are gone leave the in-memory copy too, so
	// every instance answers from the same data.
	s.rtts.prune(resultsBefore.Truncate(time.Hour).Unix() + 3600)
	s.edges.prune(resultsBefore.Truncate(time.Hour).Unix() + 3600)
	// The plans of sweeps as old as the results pruned go with them, but
	// never a plan still to be finished by a takeover.
	res := s.db.WithContext(ctx).Exec(`DELETE FROM sweep_tasks WHERE sweep_id IN
		(SELECT id FROM sweeps WHERE started_at < ? AND status <> ?)`, resultsBefore.UTC(), SweepRunning)
	if res.Error != nil {
		return results, rollups, fmt.Errorf("prune the plans of old sweeps: %w", res.Error)
	}
	res = s.db.WithContext(ctx).Exec(`DELETE FROM rollups WHERE bucket < ?`, rollupsBefore.UTC())
	if res.Error != nil {
		return results, rollups, fmt.Errorf("prune rollups: %w", res.Error)
	}
	return results, res.RowsAffected, nil
}
