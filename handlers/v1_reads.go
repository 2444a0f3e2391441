package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/leaderboard"
	"jobtester/models"
)

// The /api/v1 reads behind the dashboard's table and charts:
// /api/v1/leaderboard, /api/v1/history and /api/v1/results. leaderboard/
// computes them, for the pages as for these.

// readTimeout bounds the store reads of one answer.
const readTimeout = 10 * time.Second

func (s *server) registerV1Reads(e *echo.Echo) {
	for path, read := range map[string]func(context.Context, echo.Context) (any, error){
		"/api/v1/leaderboard": s.v1Leaderboard,
		"/api/v1/history":     s.v1History,
		"/api/v1/results":     s.v1Results,
	} {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, v1Read(read))
	}
}

// v1Read answers what read returns as JSON with the headers of the /api
// group (public, briefly cacheable). Errors are left to the error handler,
// without them, as before these reads moved here.
func v1Read(read func(context.Context, echo.Context) (any, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readTimeout)
		defer cancel()
		v, err := read(ctx, c)
		if err != nil {
			return err
		}
		return cors(func(c echo.Context) error {
			cacheable(c)
			return c.JSON(http.StatusOK, v)
		})(c)
	}
}

func (s *server) v1Leaderboard(ctx context.Context, c echo.Context) (any, error) {
	q, err := leaderboard.ParseQuery(c.QueryParams())
	if err != nil {
		return nil, badRequest(err.Error())
	}
	lb, err := leaderboard.Build(ctx, s.Store, q, s.Now(), s.v2)
	if err != nil {
		return nil, err
	}
	if lb.Rows == nil {
		lb.Rows = []leaderboard.Row{}
	}
	if lb.SimulatedUntil, err = s.simulatedUntil(ctx, lb.Since); err != nil {
		return nil, err
	}
	return lb, nil
}

func (s *server) v1History(ctx context.Context, c echo.Context) (any, error) {
	q, err := leaderboard.ParseHistoryQuery(c.QueryParams(), s.Now())
	if err != nil {
		return nil, badRequest(err.Error())
	}
	h, err := leaderboard.ReadHistory(ctx, s.Store, q)
	if errors.Is(err, models.ErrBadHistory) {
		return nil, badRequest(err.Error())
	}
	if err != nil {
		return nil, err
	}
	if h.SimulatedUntil, err = s.simulatedUntil(ctx, h.Since); err != nil {
		return nil, err
	}
	return h, nil
}

// simulatedUntil is when the simulated past ends, nil when the window from
// since holds none of it.
func (s *server) simulatedUntil(ctx context.Context, since time.Time) (*time.Time, error) {
	u, err := s.Store.SimulatedUntil(ctx)
	if err != nil || u.IsZero() || !u.After(since) {
		return nil, err
	}
	return &u, nil
}

func (s *server) v1Results(ctx context.Context, c echo.Context) (any, error) {
	q, err := leaderboard.ParseResultQuery(c.QueryParams())
	if err != nil {
		return nil, badRequest(err.Error())
	}
	return leaderboard.ReadResults(ctx, s.Store, q)
}
