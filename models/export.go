package models

import (
	"context"
	"fmt"
	"time"
)

// EachResult hands fn every result of one orchestrator received in
// [from, to), oldest first, one row at a time from the driver's cursor: an
// export or a report over a long window never holds the rows at once.
// idx_results_orchestrator_received serves it. fn's error stops the read
// and is returned.
func (s *Store) EachResult(ctx context.Context, orchestrator string, from, to time.Time, fn func(*RawResult) error) error {
	db := s.db.WithContext(ctx)
	rows, err := db.Table("results re").
		Select(`r.name AS region, re.*`).
		Joins(`JOIN regions r ON r.id = re.region_id`).
		Where(`re.orchestrator = ? AND re.received_at >= ? AND re.received_at < ?`, orchestrator, from.UTC(), to.UTC()).
		Order(`re.received_at, re.id`).Rows()
	if err != nil {
		return fmt.Errorf("results of %s: %w", orchestrator, err)
	}
	defer rows.Close()
	var r RawResult
	for rows.Next() {
		r = RawResult{}
		if err := db.ScanRows(rows, &r); err != nil {
			return fmt.Errorf("results of %s: read a row: %w", orchestrator, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("results of %s: %w", orchestrator, err)
	}
	return nil
}
