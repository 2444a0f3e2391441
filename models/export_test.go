package models

import "context"

// DeleteMapping is the un-audited delete, for the test that makes a change
// inside an audited transaction and then fails it.
var DeleteMapping = (*Store).deleteMapping

// RollupRows reads the rollups table through GORM, to show that the
// embedded rollup.Totals maps to the table's columns.
func (s *Store) RollupRows(ctx context.Context) ([]Rollup, error) {
	var out []Rollup
	err := s.db.WithContext(ctx).Order("bucket, orchestrator, region_id, pipeline, model").Find(&out).Error
	return out, err
}
