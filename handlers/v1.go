package handlers

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jobtester/models"
)

// Sweeper starts sweeps and reports the running one (jobs.Tester through
// a small adapter in main).
type Sweeper interface {
	// Start begins a sweep in the background; it fails if one is running.
	Start(startedBy string) error
	// Progress is JSON-ready state of the current or last sweep.
	Progress() any
}

func (s *server) registerV1(e *echo.Echo) {
	v1 := e.Group("/api/v1", cors)
	v1.OPTIONS("/*", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	v1.GET("/mappings", s.listMappings)
	v1.GET("/mappings/:id", s.getMapping)
	v1.POST("/mappings", s.createMapping, s.requireAdmin)
	v1.PUT("/mappings/:id", s.updateMapping, s.requireAdmin)
	v1.DELETE("/mappings/:id", s.deleteMapping, s.requireAdmin)
	v1.GET("/orchestrators", s.listOrchestrators)
	v1.GET("/sweeps", s.listSweeps)
	v1.GET("/sweeps/current", s.currentSweep)
	v1.GET("/sweeps/:id", s.getSweep)
	v1.POST("/sweeps", s.startSweep, s.requireAdmin)
	for path, h := range s.Extra {
		v1.Any(path, echo.WrapHandler(h))
	}
	for name, h := range s.Webhooks {
		// The orchestrator webhook each lane's gateway polls: the list of
		// orchestrators it may use right now.
		e.GET("/webhook/"+name, echo.WrapHandler(h))
	}
}

// tokenActor is who the audit log names for writes made with the admin
// bearer token.
const tokenActor = "token"

// requireAdmin guards write endpoints with the configured bearer token,
// compared in constant time. With no token configured, writes are refused.
func (s *server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.AdminToken == "" {
			return &apiError{http.StatusForbidden, "writes are disabled: no admin_token is configured"}
		}
		got, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.AdminToken)) != 1 {
			return &apiError{http.StatusUnauthorized, "a valid admin bearer token is required"}
		}
		return next(c)
	}
}

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("id must be a positive whole number")
	}
	return id, nil
}

func storeError(err error) error {
	switch {
	case errors.Is(err, models.ErrNotFound):
		return &apiError{http.StatusNotFound, err.Error()}
	case errors.Is(err, models.ErrInvalidMapping):
		return badRequest(err.Error())
	}
	return err
}

func (s *server) listMappings(c echo.Context) error {
	ms, err := s.Control.Mappings(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"mappings": ms})
}

func (s *server) getMapping(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, err := s.Control.Mapping(c.Request().Context(), id)
	if err != nil {
		return storeError(err)
	}
	return c.JSON(http.StatusOK, m)
}

// mappingInput is what a client may set; job_types is a list in JSON.
type mappingInput struct {
	Orchestrator string   `json:"orchestrator"`
	URI          string   `json:"uri"`
	JobTypes     []string `json:"job_types"`
	Note         string   `json:"note"`
}

func decodeMapping(c echo.Context) (models.URIMapping, error) {
	var in mappingInput
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return models.URIMapping{}, badRequest("body must be {\"orchestrator\", \"uri\", \"job_types\": [..], \"note\"}: " + err.Error())
	}
	return models.URIMapping{Orchestrator: in.Orchestrator, URI: in.URI, JobTypes: strings.Join(in.JobTypes, ","), Note: in.Note}, nil
}

func (s *server) createMapping(c echo.Context) error {
	m, err := decodeMapping(c)
	if err != nil {
		return err
	}
	if err := s.Control.SaveMapping(c.Request().Context(), tokenActor, &m); err != nil {
		return storeError(err)
	}
	s.Logger.Info("mapping created", "id", m.ID, "orchestrator", m.Orchestrator, "uri", m.URI, "job_types", m.JobTypes)
	return c.JSON(http.StatusCreated, m)
}

func (s *server) updateMapping(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, err := decodeMapping(c)
	if err != nil {
		return err
	}
	m.ID = id
	if err := s.Control.SaveMapping(c.Request().Context(), tokenActor, &m); err != nil {
		return storeError(err)
	}
	s.Logger.Info("mapping updated", "id", m.ID, "orchestrator", m.Orchestrator, "uri", m.URI, "job_types", m.JobTypes)
	saved, err := s.Control.Mapping(c.Request().Context(), id)
	if err != nil {
		return storeError(err)
	}
	return c.JSON(http.StatusOK, saved)
}

func (s *server) deleteMapping(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.Control.DeleteMapping(c.Request().Context(), tokenActor, id); err != nil {
		return storeError(err)
	}
	s.Logger.Info("mapping deleted", "id", id)
	return c.NoContent(http.StatusNoContent)
}

func (s *server) listOrchestrators(c echo.Context) error {
	os, err := s.Store.Orchestrators(c.Request().Context())
	if err != nil {
		return err
	}
	type orchJSON struct {
		Address      string `json:"address"`
		ServiceURI   string `json:"service_uri"`
		AIServiceURI string `json:"ai_service_uri"`
		Active       bool   `json:"active"`
		Registered   bool   `json:"registered"`
		Stake        string `json:"stake"`
		Sources      string `json:"sources"`
		FirstSeenAt  any    `json:"first_seen_at"`
		LastSeenAt   any    `json:"last_seen_at"`
	}
	out := make([]orchJSON, 0, len(os))
	for _, o := range os {
		out = append(out, orchJSON{o.Address, o.ServiceURI, o.AIServiceURI, o.Active, o.Registered, o.Stake, o.Sources, o.FirstSeenAt, o.LastSeenAt})
	}
	return c.JSON(http.StatusOK, map[string]any{"orchestrators": out})
}

func (s *server) listSweeps(c echo.Context) error {
	limit := 50
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return badRequest("limit must be between 1 and 1000")
		}
		limit = n
	}
	sws, err := s.Store.Sweeps(c.Request().Context(), limit)
	if err != nil {
		return err
	}
	if sws == nil {
		sws = []models.Sweep{}
	}
	return c.JSON(http.StatusOK, map[string]any{"sweeps": sws})
}

// testJSON is one test of a sweep as /api/v1 shows it.
type testJSON struct {
	Orchestrator  string  `json:"orchestrator"`
	Region        string  `json:"region"`
	Pipeline      string  `json:"pipeline"`
	Model         string  `json:"model"`
	Outcome       string  `json:"outcome"`
	RoundTripTime float64 `json:"round_trip_time"`
	HTTPStatus    int     `json:"http_status"`
	Error         string  `json:"error"`
	ReceivedAt    any     `json:"received_at"`
	Instance      string  `json:"instance"` // who stored it ("": before fleets, or a retried attempt)
}

func (s *server) getSweep(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sw, err := s.Store.GetSweep(ctx, id)
	if err != nil {
		return storeError(err)
	}
	rows, err := s.Store.SweepResults(ctx, id)
	if err != nil {
		return err
	}
	tests := make([]testJSON, 0, len(rows))
	for i := range rows {
		st := rows[i].Stats()
		msg := ""
		if len(st.Errors) > 0 {
			msg = st.Errors[0].Message
		}
		tests = append(tests, testJSON{st.Orchestrator, st.Region, st.Pipeline, st.Model, string(rows[i].Outcome),
			st.RoundTripTime, rows[i].HTTPStatus, msg, rows[i].ReceivedAt, rows[i].Instance})
	}
	return c.JSON(http.StatusOK, map[string]any{"sweep": sw, "tests": tests})
}

func (s *server) currentSweep(c echo.Context) error {
	if s.Sweeper == nil {
		return &apiError{http.StatusNotFound, "this instance runs no tester (no gateways configured)"}
	}
	return c.JSON(http.StatusOK, s.Sweeper.Progress())
}

func (s *server) startSweep(c echo.Context) error {
	if s.Sweeper == nil {
		return &apiError{http.StatusConflict, "this instance runs no tester (no gateways configured)"}
	}
	if err := s.Sweeper.Start("admin"); err != nil {
		return &apiError{http.StatusConflict, err.Error()}
	}
	return c.JSON(http.StatusAccepted, s.Sweeper.Progress())
}
