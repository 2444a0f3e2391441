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
	res := s.db.WithContext(ctx).Exec(`DELETE FROM rollups WHERE bucket < ?`, rollupsBefore.UTC())
	if res.Error != nil {
		return results, rollups, fmt.Errorf("prune rollups: %w", res.Error)
	}
	return results, res.RowsAffected, nil
}
