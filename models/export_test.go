package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

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

// QueryPlan is the database's plan for a query, as text: SQLite's
// EXPLAIN QUERY PLAN details, or PostgreSQL's EXPLAIN with sequential
// scans turned off (a test table is small enough that PostgreSQL would
// read it whole, whatever its indexes), for tests that an index serves the
// query it was made for.
func (s *Store) QueryPlan(ctx context.Context, query string, args ...any) (string, error) {
	var lines []string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		explain := "EXPLAIN QUERY PLAN "
		if s.dialect.name == "postgres" {
			if err := tx.Exec(`SET LOCAL enable_seqscan = off`).Error; err != nil {
				return err
			}
			explain = "EXPLAIN "
		}
		rows, err := tx.Raw(explain+query, args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			lines = append(lines, fmt.Sprint(vals...))
		}
		return rows.Err()
	})
	return strings.Join(lines, "\n"), err
}
