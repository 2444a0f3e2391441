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

// Exec runs raw SQL, for tests that put the database back into an older
// state.
func (s *Store) Exec(ctx context.Context, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}

// MigrationStatements are the statements of one migration of the store's
// dialect.
func (s *Store) MigrationStatements(version int) []string {
	ms, err := loadMigrations(s.dialect.name)
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		if m.version == version {
			return splitStatements(m.sql)
		}
	}
	return nil
}
