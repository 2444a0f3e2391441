package models

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// TestDefinition is a row of test_definitions: an admin's override of one
// pipeline's built-in test. Pipelines without a row run as built.
type TestDefinition struct {
	Pipeline  string    `json:"pipeline" gorm:"primaryKey"`
	Enabled   bool      `json:"enabled"`
	Params    string    `json:"params"` // JSON object; the keys each pipeline takes are jobs' to check
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// TestDefinitions lists every override, by pipeline.
func (s *Store) TestDefinitions(ctx context.Context) ([]TestDefinition, error) {
	var out []TestDefinition
	if err := s.db.WithContext(ctx).Order("pipeline").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list test definitions: %w", err)
	}
	return out, nil
}

// testDefinition returns the override of one pipeline.
func (s *Store) testDefinition(ctx context.Context, pipeline string) (TestDefinition, error) {
	return one[TestDefinition](s.db.WithContext(ctx).Where("pipeline = ?", pipeline), "test definition "+pipeline)
}

// saveTestDefinition stores an override. Params must be a JSON object
// (stored compacted); which keys a pipeline takes is checked by the caller
// (jobs.ValidateParams), which knows the pipelines.
func (s *Store) saveTestDefinition(ctx context.Context, d *TestDefinition) error {
	if d.Pipeline == "" || len(d.Pipeline) > 256 {
		return invalid("pipeline must be 1–256 characters")
	}
	if strings.TrimSpace(d.Params) == "" {
		d.Params = "{}"
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(d.Params), &obj); err != nil || obj == nil {
		return invalid("parameters must be a JSON object such as {\"seed\": 7}")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(d.Params)); err != nil {
		return invalid("parameters must be a JSON object such as {\"seed\": 7}")
	}
	if buf.Len() > 16<<10 {
		return invalid("parameters must be at most 16 KiB")
	}
	d.Params = buf.String()
	d.UpdatedAt = time.Now().UTC()
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "pipeline"}},
		DoUpdates: clause.AssignmentColumns([]string{"enabled", "params", "updated_at", "updated_by"}),
	}).Create(d).Error
	if err != nil {
		return fmt.Errorf("save test definition %s: %w", d.Pipeline, err)
	}
	return nil
}

// deleteTestDefinition removes an override: the built-in test applies again.
func (s *Store) deleteTestDefinition(ctx context.Context, pipeline string) error {
	res := s.db.WithContext(ctx).Where("pipeline = ?", pipeline).Delete(&TestDefinition{})
	if res.Error != nil {
		return fmt.Errorf("delete test definition %s: %w", pipeline, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("test definition %s: %w", pipeline, ErrNotFound)
	}
	return nil
}

func testDefinitionTarget(d *TestDefinition) string { return "test_definition:" + d.Pipeline }

// SaveTestDefinitionAudited stores an override (see saveTestDefinition) as
// actor's, with its audit entry (test_definition.update).
func (s *Store) SaveTestDefinitionAudited(ctx context.Context, actor string, d *TestDefinition) error {
	d.UpdatedBy = actor
	_, _, err := auditedChange(ctx, s, actor, "test_definition.update", testDefinitionTarget,
		func(tx *Store) (*TestDefinition, error) { return optional(tx.testDefinition(ctx, d.Pipeline)) },
		func(tx *Store, _ *TestDefinition) (*TestDefinition, error) { return d, tx.saveTestDefinition(ctx, d) })
	return err
}

// DeleteTestDefinitionAudited removes an override, with its audit entry
// (test_definition.reset: the built-in test applies again).
func (s *Store) DeleteTestDefinitionAudited(ctx context.Context, actor, pipeline string) error {
	_, _, err := auditedChange(ctx, s, actor, "test_definition.reset", testDefinitionTarget,
		func(tx *Store) (*TestDefinition, error) { return found(tx.testDefinition(ctx, pipeline)) },
		func(tx *Store, _ *TestDefinition) (*TestDefinition, error) {
			return nil, tx.deleteTestDefinition(ctx, pipeline)
		})
	return err
}
