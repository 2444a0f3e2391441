package models_test

import (
	"strings"
	"testing"

	"jobtester/dbtest"
	"jobtester/models"
)

// TestSweepIndexServesSweepQueries: the index by sweep is partial (rows
// without a sweep are left out, migration 0015); a query for one sweep or
// a list of sweeps implies sweep_id is not NULL, so both databases still
// use it.
func TestSweepIndexServesSweepQueries(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`SELECT id FROM results WHERE sweep_id = ?`, []any{7}},
			{`SELECT orchestrator, COUNT(*) FROM results WHERE sweep_id IN (?, ?) GROUP BY orchestrator`, []any{7, 8}},
		} {
			plan, err := st.QueryPlan(ctx, q.sql, q.args...)
			if err != nil {
				t.Fatalf("plan of %s: %v", q.sql, err)
			}
			if !strings.Contains(plan, "idx_results_sweep") {
				t.Errorf("%s does not use idx_results_sweep:\n%s", q.sql, plan)
			}
		}
	})
}
