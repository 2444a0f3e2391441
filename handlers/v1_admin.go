package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
)

// AdminTools are the parts of the running instance the admin's run-time
// configuration acts on; main wires them. Every field may be nil where the
// instance lacks the part: the endpoints that need it then answer 409.
type AdminTools struct {
	// KeyRefresh re-reads the ingest keys after a change, so the instance
	// where the admin works applies it at once (others within its interval).
	KeyRefresh *ingest.Refresher
	Sealer     *ingest.Sealer
	// Scheduler follows the stored schedule; nil without a tester.
	Scheduler *jobs.Scheduler
	// DefaultSchedule is the config file's `schedule`.
	DefaultSchedule string
	// Tester starts "test this orchestrator now" sweeps; nil without one.
	Tester OrchestratorTester
	// TesterRegion is the region this instance's own results go to; it
	// can not be removed.
	TesterRegion string
	// Live lists running live tests; nil without live tests.
	Live jobs.LiveFrames
}

// OrchestratorTester starts a sweep of one orchestrator in the background
// and returns the stored sweep's id (main adapts jobs.Tester, giving it the
// server's lifetime rather than the request's).
type OrchestratorTester interface {
	TestOrchestrator(address string) (sweepID int64, err error)
}

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

func (s *server) tools() *AdminTools {
	if s.AdminTools == nil {
		return &AdminTools{}
	}
	return s.AdminTools
}

// adminError maps the store's and validators' errors to statuses.
func adminError(err error) error {
	switch {
	case errors.Is(err, models.ErrNotFound):
		return &apiError{http.StatusNotFound, err.Error()}
	case errors.Is(err, models.ErrInvalidSetting):
		return badRequest(err.Error())
	case errors.Is(err, models.ErrInUse):
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

// refreshKeys applies a key change on this instance now; on failure the
// change still reaches it at the next periodic refresh.
func (s *server) refreshKeys(ctx context.Context) {
	if r := s.tools().KeyRefresh; r != nil {
		if err := r.Refresh(ctx); err != nil {
			s.Logger.Warn("ingest keys not re-read after a change; the periodic refresh will", "err", err)
		}
	}
}

// IngestKeysView is what the ingest keys page and its JSON show.
type IngestKeysView struct {
	Keys       []models.IngestKey `json:"keys"`
	ConfigKeys []string           `json:"config_keys"` // names from the config file, managed there
	Sealed     bool               `json:"sealed"`      // secrets stored encrypted (a `secret` setting is set)
}

func (s *server) ingestKeysView(ctx context.Context) (IngestKeysView, error) {
	keys, err := s.Store.IngestKeys(ctx)
	if err != nil {
		return IngestKeysView{}, err
	}
	v := IngestKeysView{Keys: keys, ConfigKeys: []string{}}
	if v.Keys == nil {
		v.Keys = []models.IngestKey{}
	}
	if s.Keys != nil {
		v.ConfigKeys = append(v.ConfigKeys, s.Keys.StaticNames()...)
	}
	v.Sealed = s.tools().Sealer != nil && s.tools().Sealer.Encrypts()
	return v, nil
}

func (s *server) listIngestKeys(c echo.Context) error {
	v, err := s.ingestKeysView(c.Request().Context())
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
	sealer := s.tools().Sealer
	if sealer == nil {
		return &apiError{http.StatusConflict, "this instance can not store ingest keys"}
	}
	name := strings.TrimSpace(in.Name)
	if s.Keys != nil && s.Keys.IsStatic(name) {
		return badRequest("an ingest key named " + name + " is set in the config file")
	}
	ctx := c.Request().Context()
	k, secret, err := s.Store.CreateIngestKeyAudited(ctx, tokenActor, name, sealer)
	if err != nil {
		return adminError(err)
	}
	s.refreshKeys(ctx)
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
	ctx := c.Request().Context()
	k, err := s.Store.RevokeIngestKeyAudited(ctx, tokenActor, id)
	if err != nil {
		return adminError(err)
	}
	s.refreshKeys(ctx)
	s.Logger.Info("ingest key revoked", "name", k.Name, "by", tokenActor)
	return c.JSON(http.StatusOK, k)
}

// ScheduleView is what the schedule page and its JSON show.
type ScheduleView struct {
	Stored   *models.Schedule     `json:"stored"`          // the admin's, null when the config's applies
	Config   string               `json:"config"`          // the config file's `schedule`
	Active   *jobs.ActiveSchedule `json:"active"`          // what the running scheduler follows; null without a tester
	NextRuns []time.Time          `json:"next_runs"`       // next five firings of the schedule that applies
	Error    string               `json:"error,omitempty"` // the applying schedule does not parse
}

// ScheduleViewOf gathers the schedule's state; shared with the admin page.
func ScheduleViewOf(ctx context.Context, st *models.Store, sched *jobs.Scheduler, config string, now time.Time) (ScheduleView, error) {
	v := ScheduleView{Config: config, NextRuns: []time.Time{}}
	stored, err := st.GetSchedule(ctx, models.SweepSchedule)
	switch {
	case err == nil:
		v.Stored = &stored
	case !errors.Is(err, models.ErrNotFound):
		return v, err
	}
	if sched != nil {
		a := sched.Active()
		v.Active = &a
	}
	expr, enabled := config, config != ""
	if v.Stored != nil {
		expr, enabled = v.Stored.Expr, v.Stored.Enabled
	}
	if enabled {
		if p, err := jobs.ParseSchedule(expr); err != nil {
			v.Error = err.Error()
		} else {
			v.NextRuns = jobs.NextRuns(p, now, 5)
		}
	}
	return v, nil
}

func (s *server) scheduleView(c echo.Context) error {
	v, err := ScheduleViewOf(c.Request().Context(), s.Store, s.tools().Scheduler, s.tools().DefaultSchedule, s.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *server) getSchedule(c echo.Context) error { return s.scheduleView(c) }

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
	expr := strings.TrimSpace(in.Expr)
	if _, err := jobs.ValidateSchedule(expr, s.Now()); err != nil {
		return badRequest(err.Error())
	}
	sc := models.Schedule{Name: models.SweepSchedule, Expr: expr, Enabled: *in.Enabled}
	if err := s.Store.SaveScheduleAudited(c.Request().Context(), tokenActor, &sc); err != nil {
		return adminError(err)
	}
	if sched := s.tools().Scheduler; sched != nil {
		sched.Reload()
	}
	return s.scheduleView(c)
}

func (s *server) resetSchedule(c echo.Context) error {
	if err := s.Store.DeleteScheduleAudited(c.Request().Context(), tokenActor, models.SweepSchedule); err != nil {
		return adminError(err)
	}
	if sched := s.tools().Scheduler; sched != nil {
		sched.Reload()
	}
	return s.scheduleView(c)
}

// scheduleNext previews an expression: its next five firings, or why it
// is refused.
func (s *server) scheduleNext(c echo.Context) error {
	expr := strings.TrimSpace(c.QueryParam("expr"))
	p, err := jobs.ValidateSchedule(expr, s.Now())
	if err != nil {
		return badRequest(err.Error())
	}
	return c.JSON(http.StatusOK, map[string]any{"expr": expr, "next_runs": jobs.NextRuns(p, s.Now(), 5)})
}

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

// TestDefinitionViews lists the built-in tests with their overrides;
// shared with the admin page.
func TestDefinitionViews(ctx context.Context, st *models.Store) ([]TestDefinitionView, error) {
	rows, err := st.TestDefinitions(ctx)
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

func (s *server) listTestDefinitions(c echo.Context) error {
	vs, err := TestDefinitionViews(c.Request().Context(), s.Store)
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
	if raw == "" || raw == "null" {
		raw = "{}"
	}
	if _, err := jobs.ValidateParams(pipeline, raw); err != nil {
		return badRequest(err.Error())
	}
	d := models.TestDefinition{Pipeline: pipeline, Enabled: *in.Enabled, Params: raw}
	if err := s.Store.SaveTestDefinitionAudited(c.Request().Context(), tokenActor, &d); err != nil {
		return adminError(err)
	}
	return s.listTestDefinitions(c)
}

func (s *server) resetTestDefinition(c echo.Context) error {
	pipeline, err := pipelineParam(c)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTestDefinitionAudited(c.Request().Context(), tokenActor, pipeline); err != nil {
		return adminError(err)
	}
	return s.listTestDefinitions(c)
}

func (s *server) listRegionDetails(c echo.Context) error {
	rs, err := s.Store.RegionDetails(c.Request().Context())
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []models.RegionDetail{}
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
	if err := s.Store.SaveRegionAudited(c.Request().Context(), tokenActor, &r); err != nil {
		return adminError(err)
	}
	return c.JSON(http.StatusCreated, r)
}

// RegionGuard refuses changes to the region this tester stores under.
func RegionGuard(ctx context.Context, st *models.Store, id int64, testerRegion string, rename *models.RegionDetail) error {
	if testerRegion == "" {
		return nil
	}
	cur, err := st.RegionDetailByID(ctx, id)
	if err != nil {
		return err
	}
	if cur.Name != testerRegion || cur.JobType != ingest.JobTypeAI {
		return nil
	}
	if rename == nil || rename.Name != cur.Name || !strings.EqualFold(strings.TrimSpace(rename.JobType), cur.JobType) {
		return fmt.Errorf("%w: region %s (ai) is this tester's `region` setting; its results are stored there", models.ErrInUse, cur.Name)
	}
	return nil
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
	ctx := c.Request().Context()
	if err := RegionGuard(ctx, s.Store, id, s.tools().TesterRegion, &r); err != nil {
		return adminError(err)
	}
	if err := s.Store.SaveRegionAudited(ctx, tokenActor, &r); err != nil {
		return adminError(err)
	}
	return c.JSON(http.StatusOK, r)
}

func (s *server) deleteRegion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := RegionGuard(ctx, s.Store, id, s.tools().TesterRegion, nil); err != nil {
		return adminError(err)
	}
	if _, err := s.Store.DeleteRegionAudited(ctx, tokenActor, id); err != nil {
		return adminError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

// TestOrchestrator starts a sweep of one orchestrator and records who
// asked; shared with the admin page.
func TestOrchestrator(ctx context.Context, st *models.Store, t OrchestratorTester, actor, address string) (int64, error) {
	addr := strings.ToLower(strings.TrimSpace(address))
	if len(addr) != 42 || !strings.HasPrefix(addr, "0x") || strings.Trim(addr[2:], "0123456789abcdef") != "" {
		return 0, fmt.Errorf("%w: orchestrator must be a 0x-prefixed 20-byte hex address", models.ErrInvalidSetting)
	}
	if t == nil {
		return 0, ErrNoTester
	}
	id, err := t.TestOrchestrator(addr)
	if err != nil {
		return 0, err
	}
	if err := st.AuditAction(ctx, actor, "sweep.start", "orchestrator:"+addr, map[string]any{"sweep_id": id}); err != nil {
		return id, err
	}
	return id, nil
}

// ErrNoTester is returned for a test asked of an instance without gateways.
var ErrNoTester = errors.New("this instance runs no tester (no gateways configured)")

func (s *server) testOrchestrator(c echo.Context) error {
	id, err := TestOrchestrator(c.Request().Context(), s.Store, s.tools().Tester, tokenActor, c.Param("address"))
	switch {
	case err == nil:
	case errors.Is(err, models.ErrInvalidSetting):
		return badRequest(err.Error())
	case errors.Is(err, ErrNoTester), errors.Is(err, jobs.ErrSweepRunning):
		return &apiError{http.StatusConflict, err.Error()}
	default:
		// Includes a sweep that started but whose audit entry failed:
		// a 500 rather than a silent gap in the log.
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]any{"sweep_id": id, "url": "/runs/" + strconv.FormatInt(id, 10)})
}

func (s *server) listLive(c echo.Context) error {
	streams := []jobs.LiveStream{}
	if l := s.tools().Live; l != nil {
		streams = append(streams, l.Running()...)
	}
	return c.JSON(http.StatusOK, map[string]any{"streams": streams})
}
