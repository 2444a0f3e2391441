package web

import (
	"github.com/labstack/echo/v4"
)

func (s *site) orchestratorPage(c echo.Context) error    { return httpError(404, "not yet") }
func (s *site) orchestratorResults(c echo.Context) error { return httpError(404, "not yet") }
func (s *site) runsPage(c echo.Context) error            { return httpError(404, "not yet") }
func (s *site) runPage(c echo.Context) error             { return httpError(404, "not yet") }
func (s *site) runProgress(c echo.Context) error         { return httpError(404, "not yet") }
func (s *site) apiHistory(c echo.Context) error          { return httpError(404, "not yet") }
func (s *site) apiResults(c echo.Context) error          { return httpError(404, "not yet") }

// apiHeaders are those handlers' /api group sets: the JSON is public.
func apiHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "public, max-age=30, stale-while-revalidate=15")
}
