package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ethaddr"
	"jobtester/models"
)

// registerLive serves the live video tests' own results: every metric,
// the gateway's status and the verdict (the compatible records are in
// /api/raw_stats with the rest), and the output thumbnails.
func (s *server) registerLive(e *echo.Echo) {
	g := e.Group("/api/v1/live", cors)
	g.Match([]string{http.MethodGet, http.MethodHead}, "/results", s.liveResults)
	g.Match([]string{http.MethodGet, http.MethodHead}, "/results/:id/thumbnail.jpg", s.liveThumbnail)
}

// liveResultJSON is one live test: the stored row plus where its
// thumbnail is.
type liveResultJSON struct {
	models.LiveResult
	ThumbnailURL string `json:"thumbnail_url"`
}

// liveResults answers GET /api/v1/live/results?orchestrator=&model=&since=&limit=.
// since is Unix seconds (fractions allowed, as the leaderboard reads it) or
// RFC 3339; limit 1..1000, default 100. Newest first.
func (s *server) liveResults(c echo.Context) error {
	f := models.LiveFilter{Orchestrator: ethaddr.Fold(c.QueryParam("orchestrator")),
		Model: c.QueryParam("model"), Limit: 100}
	if err := listParams(c, &f.Since, &f.Limit, &f.SweepID); err != nil {
		return err
	}
	rows, err := s.Store.LiveResults(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]liveResultJSON, 0, len(rows))
	for _, r := range rows {
		out = append(out, liveResultJSON{LiveResult: r, ThumbnailURL: r.ThumbnailURL()})
	}
	return c.JSON(http.StatusOK, map[string]any{"results": out})
}

func parseSince(v string) (time.Time, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if !(f >= 0 && f <= 1e11) { // NaN too
			return time.Time{}, strconv.ErrRange
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	return time.Parse(time.RFC3339, v)
}

// liveThumbnail answers GET /api/v1/live/results/{id}/thumbnail.jpg with
// the JPEG of the output kept by the test. Thumbnails never change, so
// they may be cached for long.
func (s *server) liveThumbnail(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	jpeg, err := s.Store.LiveThumbnail(c.Request().Context(), id)
	if err != nil {
		return storeError(err)
	}
	return thumbnail(c, jpeg)
}

// listParams reads the paging and filter parameters the /api/v1 lists of
// tests share: since (Unix seconds, fractions allowed, or RFC 3339), limit
// (1..1000; unset keeps the caller's default) and sweep (a positive id).
func listParams(c echo.Context, since *time.Time, limit *int, sweep *int64) error {
	if v := c.QueryParam("since"); v != "" {
		t, err := parseSince(v)
		if err != nil {
			return badRequest("since must be Unix seconds or an RFC 3339 time")
		}
		*since = t
	}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return badRequest("limit must be between 1 and 1000")
		}
		*limit = n
	}
	if v := c.QueryParam("sweep"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return badRequest("sweep must be a positive whole number")
		}
		*sweep = n
	}
	return nil
}

// thumbnail answers a stored JPEG; a stored one never changes under its id.
func thumbnail(c echo.Context, jpeg []byte) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=86400, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, "image/jpeg", jpeg)
}
