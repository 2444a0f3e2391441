package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jobtester/control"
	"jobtester/jobs"
	"jobtester/models"
)

// The admin's run-time configuration over JSON: each handler parses the
// request, calls control and answers; control decides and audits.

func (s *server) registerAdminV1(e *echo.Echo) {
	g := e.Group("/api/v1/admin", cors, s.requireAdmin)
	g.GET("/ingest-keys", s.listIngestKeys)
	g.POST("/ingest-keys", s.createIngestKey)
	g.POST("/ingest-keys/:id/revoke", s.revokeIngestKey)
	g.GET("/schedule", s.getSchedule)
	g.PUT("/schedule", s.putSchedule)
	g.DELETE("/schedule", s.resetSchedule)
	g.GET("/schedule/next", s.scheduleNext)
	g.GET("/test-definitions", s.listTestDefinitions)
	g.PUT("/test-definitions/:pipeline", s.putTestDefinition)
	g.DELETE("/test-definitions/:pipeline", s.resetTestDefinition)
	g.GET("/regions", s.listRegionDetails)
	g.POST("/regions", s.createRegion)
	g.PUT("/regions/:id", s.updateRegion)
	g.DELETE("/regions/:id", s.deleteRegion)
	g.POST("/orchestrators/:address/test", s.testOrchestrator)
	g.GET("/live", s.listLive)
}

// adminError maps control's and the store's errors to statuses.
func adminError(err error) error {
	switch {
	case errors.Is(err, models.ErrNotFound):
		return &apiError{http.StatusNotFound, err.Error()}
	case errors.Is(err, models.ErrInvalidSetting), errors.Is(err, control.ErrConfigKey),
		errors.Is(err, control.ErrInvalidSchedule), errors.Is(err, control.ErrInvalidParams):
		return badRequest(err.Error())
	case errors.Is(err, models.ErrInUse), errors.Is(err, control.ErrNoKeyStore),
		errors.Is(err, control.ErrNoTester), errors.Is(err, jobs.ErrSweepRunning):
		return &apiError{http.StatusConflict, err.Error()}
	}
	return err
}

// decodeStrict reads a small JSON body into v, refusing unknown fields.
func decodeStrict(c echo.Context, v any, shape string) error {
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 32<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("body must be " + shape + ": " + err.Error())
	}
	return nil
}

func (s *server) listIngestKeys(c echo.Context) error {
	v, err := s.Control.IngestKeys(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *server) createIngestKey(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeStrict(c, &in, `{"name": "..."}`); err != nil {
		return err
	}
	k, secret, err := s.Control.CreateIngestKey(c.Request().Context(), tokenActor, in.Name)
	if err != nil {
		return adminError(err)
	}
	s.Logger.Info("ingest key created", "name", k.Name, "by", tokenActor)
	c.Response().Header().Set("Cache-Control", "no-store")
	// The only answer that ever carries the secret.
	return c.JSON(http.StatusCreated, map[string]any{"key": k, "secret": secret})
}

func (s *server) revokeIngestKey(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := s.Control.RevokeIngestKey(c.Request().Context(), tokenActor, id)
	if err != nil {
		return adminError(err)
	}
	s.Logger.Info("ingest key revoked", "name", k.Name, "by", tokenActor)
	return c.JSON(http.StatusOK, k)
}

func (s *server) getSchedule(c echo.Context) error {
	v, err := s.Control.Schedule(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *server) putSchedule(c echo.Context) error {
	var in struct {
		Expr    string `json:"expr"`
		Enabled *bool  `json:"enabled"`
	}
	if err := decodeStrict(c, &in, `{"expr": "0 */2 * * *", "enabled": true}`); err != nil {
		return err
	}
	if in.Enabled == nil {
		return badRequest("enabled is required")
	}
	if _, err := s.Control.SaveSchedule(c.Request().Context(), tokenActor, in.Expr, *in.Enabled); err != nil {
		return adminError(err)
	}
	return s.getSchedule(c)
}

func (s *server) resetSchedule(c echo.Context) error {
	if err := s.Control.ResetSchedule(c.Request().Context(), tokenActor); err != nil {
		return adminError(err)
	}
	return s.getSchedule(c)
}

// scheduleNext previews an expression: its next five firings, or why it
// is refused.
func (s *server) scheduleNext(c echo.Context) error {
	expr := strings.TrimSpace(c.QueryParam("expr"))
	runs, err := s.Control.PreviewSchedule(expr)
	if err != nil {
		return adminError(err)
	}
	return c.JSON(http.StatusOK, map[string]any{"expr": expr, "next_runs": runs})
}

func (s *server) listTestDefinitions(c echo.Context) error {
	vs, err := s.Control.TestDefinitions(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"test_definitions": vs})
}

func pipelineParam(c echo.Context) (string, error) {
	p, err := url.PathUnescape(c.Param("pipeline"))
	if err != nil {
		return "", badRequest("pipeline is not a valid path segment")
	}
	if _, ok := jobs.Definitions[p]; !ok {
		return "", &apiError{http.StatusNotFound, "pipeline " + p + " has no built-in test; see GET /api/v1/admin/test-definitions"}
	}
	return p, nil
}

func (s *server) putTestDefinition(c echo.Context) error {
	pipeline, err := pipelineParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Enabled *bool           `json:"enabled"`
		Params  json.RawMessage `json:"params"`
	}
	if err := decodeStrict(c, &in, `{"enabled": true, "params": {...}}`); err != nil {
		return err
	}
	if in.Enabled == nil {
		return badRequest("enabled is required")
	}
	raw := string(in.Params)
	if raw == "null" {
		raw = ""
	}
	if _, err := s.Control.SaveTestDefinition(c.Request().Context(), tokenActor, pipeline, *in.Enabled, raw); err != nil {
		return adminError(err)
	}
	return s.listTestDefinitions(c)
}

func (s *server) resetTestDefinition(c echo.Context) error {
	pipeline, err := pipelineParam(c)
	if err != nil {
		return err
	}
	if err := s.Control.ResetTestDefinition(c.Request().Context(), tokenActor, pipeline); err != nil {
		return adminError(err)
	}
	return s.listTestDefinitions(c)
}

func (s *server) listRegionDetails(c echo.Context) error {
	rs, err := s.Control.Regions(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"regions": rs})
}

func decodeRegion(c echo.Context) (models.RegionDetail, error) {
	var in struct {
		Name        string `json:"name"`
		DisplayName string `json:"display_name"`
		JobType     string `json:"job_type"`
		Description string `json:"description"`
	}
	if err := decodeStrict(c, &in, `{"name", "display_name", "job_type": "transcoding"|"ai", "description"}`); err != nil {
		return models.RegionDetail{}, err
	}
	return models.RegionDetail{Name: in.Name, DisplayName: in.DisplayName, JobType: in.JobType, Description: in.Description}, nil
}

func (s *server) createRegion(c echo.Context) error {
	r, err := decodeRegion(c)
	if err != nil {
		return err
	}
	if err := s.Control.CreateRegion(c.Request().Context(), tokenActor, &r); err != nil {
		return adminError(err)
	}
	return c.JSON(http.StatusCreated, r)
}

func (s *server) updateRegion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := decodeRegion(c)
	if err != nil {
		return err
	}
	r.ID = id
	if err := s.Control.UpdateRegion(c.Request().Context(), tokenActor, &r); err != nil {
		return adminError(err)
	}
	return c.JSON(http.StatusOK, r)
}

func (s *server) deleteRegion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.Control.DeleteRegion(c.Request().Context(), tokenActor, id); err != nil {
		return adminError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *server) testOrchestrator(c echo.Context) error {
	id, err := s.Control.TestOrchestrator(c.Request().Context(), tokenActor, c.Param("address"))
	if err != nil {
		// Includes a sweep that started but whose audit entry failed:
		// a 500 rather than a silent gap in the log.
		return adminError(err)
	}
	return c.JSON(http.StatusAccepted, map[string]any{"sweep_id": id, "url": "/runs/" + strconv.FormatInt(id, 10)})
}

func (s *server) listLive(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"streams": s.Control.LiveStreams()})
}
