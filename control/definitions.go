package control

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jobtester/jobs"
	"jobtester/models"
)

// TestDefinitionView is one pipeline's test as the admin sees it.
type TestDefinitionView struct {
	Pipeline       string           `json:"pipeline"`
	Enabled        bool             `json:"enabled"`
	Params         map[string]any   `json:"params"`     // the admin's, {} for none
	Overridden     bool             `json:"overridden"` // a stored override exists
	UpdatedAt      *time.Time       `json:"updated_at"`
	UpdatedBy      string           `json:"updated_by"`
	Parameters     []jobs.ParamSpec `json:"parameters"`      // what may be set
	DefaultRequest map[string]any   `json:"default_request"` // what is sent with no parameters, for model "<model>"
	Problem        string           `json:"problem,omitempty"`
}

// TestDefinitions lists the built-in tests with their overrides, in the
// order of jobs.DefinitionNames.
func (o *Ops) TestDefinitions(ctx context.Context) ([]TestDefinitionView, error) {
	rows, err := o.Store.TestDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	byPipeline := map[string]models.TestDefinition{}
	for _, r := range rows {
		byPipeline[r.Pipeline] = r
	}
	out := []TestDefinitionView{}
	for _, name := range jobs.DefinitionNames() {
		req, _ := jobs.DefaultRequest(name, "<model>")
		v := TestDefinitionView{Pipeline: name, Enabled: true, Params: map[string]any{}, Parameters: jobs.DefinitionParams[name], DefaultRequest: req}
		if r, ok := byPipeline[name]; ok {
			at := r.UpdatedAt
			v.Enabled, v.Overridden, v.UpdatedAt, v.UpdatedBy = r.Enabled, true, &at, r.UpdatedBy
			if p, err := jobs.ValidateParams(name, r.Params); err != nil {
				v.Problem = "stored parameters are ignored: " + err.Error()
			} else {
				v.Params = p
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// SaveTestDefinition stores the admin's override of a pipeline's test;
// params is a JSON object, "" for none. Errors: models.ErrNotFound for a
// pipeline without a built-in test, ErrInvalidParams,
// models.ErrInvalidSetting.
func (o *Ops) SaveTestDefinition(ctx context.Context, actor, pipeline string, enabled bool, params string) (models.TestDefinition, error) {
	if err := builtIn(pipeline); err != nil {
		return models.TestDefinition{}, err
	}
	params = strings.TrimSpace(params)
	if params == "" {
		params = "{}"
	}
	if _, err := jobs.ValidateParams(pipeline, params); err != nil {
		return models.TestDefinition{}, refused{ErrInvalidParams, err}
	}
	d := models.TestDefinition{Pipeline: pipeline, Enabled: enabled, Params: params}
	return d, o.Store.SaveTestDefinitionAudited(ctx, actor, &d)
}

// ResetTestDefinition drops the override, so the built-in test applies
// again; models.ErrNotFound when there was none.
func (o *Ops) ResetTestDefinition(ctx context.Context, actor, pipeline string) error {
	if err := builtIn(pipeline); err != nil {
		return err
	}
	return o.Store.DeleteTestDefinitionAudited(ctx, actor, pipeline)
}

func builtIn(pipeline string) error {
	if _, ok := jobs.Definitions[pipeline]; !ok {
		return fmt.Errorf("pipeline %s has no built-in test: %w", pipeline, models.ErrNotFound)
	}
	return nil
}
