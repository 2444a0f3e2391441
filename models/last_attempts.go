package models

import (
	"context"
	"fmt"
	"time"

	"jobtester/ingest"
)

// LastAttempt is the newest attempt of one AI series in a region: when it
// was received and how it ended. The test budget's planner (jobs) reads it
// to keep every series' floor and to retry those that found no capacity.
type LastAttempt struct {
	Orchestrator string
	Pipeline     string
	Model        string
	At           time.Time
	Outcome      Outcome
}

// LastAttempts returns the newest attempt, of any outcome, of every AI
// series of the region received since since. A series with two attempts
// at the same instant appears twice.
func (s *Store) LastAttempts(ctx context.Context, region string, since time.Time) ([]LastAttempt, error) {
	r, ok := s.regionByName(region, ingest.JobTypeAI)
	if !ok {
		return nil, fmt.Errorf("%w: %q is not an AI region", ErrInvalidRegion, region)
	}
	rows, err := s.db.WithContext(ctx).Raw(`SELECT r.orchestrator, r.pipeline, r.model, r.received_at, r.outcome
		FROM results r JOIN (SELECT orchestrator, pipeline, model, MAX(received_at) AS last FROM results
			WHERE region_id = ? AND received_at >= ? GROUP BY orchestrator, pipeline, model) x
		ON r.orchestrator = x.orchestrator AND r.pipeline = x.pipeline AND r.model = x.model AND r.received_at = x.last
		WHERE r.region_id = ?`, r.ID, since.UTC(), r.ID).Rows()
	if err != nil {
		return nil, fmt.Errorf("read the last attempts: %w", err)
	}
	defer rows.Close()
	var out []LastAttempt
	for rows.Next() {
		var a LastAttempt
		var outcome string
		if err := rows.Scan(&a.Orchestrator, &a.Pipeline, &a.Model, &a.At, &outcome); err != nil {
			return nil, fmt.Errorf("read the last attempts: %w", err)
		}
		a.Outcome, a.At = Outcome(outcome), a.At.UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the last attempts: %w", err)
	}
	return out, nil
}
