package web

import (
	"github.com/labstack/echo/v4"

	"jobtester/leaderboard"
)

// leaderboardURL is the dashboard page of a query.
func leaderboardURL(q leaderboard.Query) string {
	if v := q.Values().Encode(); v != "" {
		return "/?" + v
	}
	return "/"
}

func (s *site) leaderboardPage(c echo.Context) error {
	q, err := leaderboard.ParseQuery(c.QueryParams())
	if err != nil {
		return httpError(400, err.Error())
	}
	ctx, cancel := timeout(c)
	defer cancel()
	lb, err := leaderboard.Build(ctx, s.Store, q, s.Now(), s.v2)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "leaderboard" {
		return renderFragment(c, 200, leaderboardTable(lb))
	}
	return render(c, 200, Layout(PageMeta{Title: "Leaderboard", Active: "leaderboard"}, leaderboardBody(lb)))
}
