package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"jobtester/control"
	"jobtester/jobs"
	"jobtester/models"
)

func (h *handler) testRoutes(g *echo.Group) {
	g.GET("/tests", h.testsPage)
	g.GET("/tests/:route", h.testPage)
	g.POST("/tests/:route", h.saveTest)
	g.POST("/tests/:route/reset", h.resetTest)
}

// testsView is the test definitions page.
type testsView struct {
	Defs []control.TestDefinitionView
	Done string
}

// testView is one pipeline's test with its form.
type testView struct {
	control.TestDefinitionView
	Route       string
	Enabled     bool
	Params      string // the textarea's JSON
	ParamsError string
}

func routeOf(pipeline string) string { return jobs.Definitions[pipeline].Route }

// pipelineOf finds the pipeline a URL names by its gateway route
// ("text-to-image"), which needs no escaping.
func pipelineOf(route string) (string, bool) {
	for name, d := range jobs.Definitions {
		if d.Route == route {
			return name, true
		}
	}
	return "", false
}

func paramsJSON(p map[string]any) string {
	if len(p) == 0 {
		return "{}"
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return "{}"
	}
	return string(b)
}

func indentedJSON(v any) string {
	// Not HTML-escaped here: the template escapes it, and "<model>"
	// should read as such.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSpace(buf.String())
}

func (h *handler) testsPage(c echo.Context) error {
	ctx, cancel := timeout(c)
	defer cancel()
	defs, err := h.Control.TestDefinitions(ctx)
	if err != nil {
		return err
	}
	v := testsView{Defs: defs}
	switch c.QueryParam("done") {
	case "saved":
		v.Done = "Test definition saved. The next sweep plans with it."
	case "reset":
		v.Done = "The built-in test applies again."
	}
	return h.page(c, http.StatusOK, "Test definitions", "tests", testsBody(v))
}

func (h *handler) loadTest(c echo.Context) (testView, error) {
	pipeline, ok := pipelineOf(c.Param("route"))
	if !ok {
		return testView{}, echo.NewHTTPError(http.StatusNotFound, "no built-in test for "+c.Param("route"))
	}
	ctx, cancel := timeout(c)
	defer cancel()
	defs, err := h.Control.TestDefinitions(ctx)
	if err != nil {
		return testView{}, err
	}
	for _, d := range defs {
		if d.Pipeline == pipeline {
			return testView{TestDefinitionView: d, Route: routeOf(pipeline), Enabled: d.Enabled, Params: paramsJSON(d.Params)}, nil
		}
	}
	return testView{}, echo.NewHTTPError(http.StatusNotFound, "no built-in test for "+pipeline)
}

func (h *handler) testPage(c echo.Context) error {
	v, err := h.loadTest(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, v.Pipeline+" test", "tests", testBody(v))
}

func (h *handler) saveTest(c echo.Context) error {
	v, err := h.loadTest(c)
	if err != nil {
		return err
	}
	v.Enabled = c.FormValue("enabled") != ""
	v.Params = strings.TrimSpace(c.FormValue("params"))
	if v.Params == "" {
		v.Params = "{}"
	}
	ctx, cancel := timeout(c)
	defer cancel()
	d, err := h.Control.SaveTestDefinition(ctx, actor(c), v.Pipeline, v.Enabled, v.Params)
	switch {
	case errors.Is(err, control.ErrInvalidParams):
		v.ParamsError = capitalize(err.Error())
	case errors.Is(err, models.ErrInvalidSetting):
		v.ParamsError = settingMessage(err)
	case err != nil:
		return err
	}
	if v.ParamsError != "" {
		return h.page(c, http.StatusUnprocessableEntity, v.Pipeline+" test", "tests", testBody(v))
	}
	h.Logger.Info("test definition saved", "admin_user", actor(c), "pipeline", d.Pipeline, "enabled", d.Enabled, "params", d.Params)
	return c.Redirect(http.StatusSeeOther, "/admin/tests?done=saved#test-"+v.Route)
}

func (h *handler) resetTest(c echo.Context) error {
	v, err := h.loadTest(c)
	if err != nil {
		return err
	}
	ctx, cancel := timeout(c)
	defer cancel()
	if err := h.Control.ResetTestDefinition(ctx, actor(c), v.Pipeline); err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	h.Logger.Info("test definition reset", "admin_user", actor(c), "pipeline", v.Pipeline)
	return c.Redirect(http.StatusSeeOther, "/admin/tests?done=reset#test-"+v.Route)
}
