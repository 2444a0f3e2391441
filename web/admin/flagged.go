package admin

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ethaddr"
	"jobtester/models"
	"jobtester/verify"
	"jobtester/web"
)

// flaggedStore is what the flagged-tests page reads.
type flaggedStore interface {
	Verifications(ctx context.Context, f models.VerificationFilter) ([]models.Verification, error)
}

var _ flaggedStore = (*models.Store)(nil)

func (h *handler) flaggedRoutes(g *echo.Group) {
	g.GET("/flagged", h.flaggedPage)
}

// flaggedView is the network's flagged tests under the admin's filters.
type flaggedView struct {
	Filter models.VerificationFilter
	Days   string
	Kinds  []string
	Tests  []web.FlaggedTest
	Error  string
}

// flaggedPage lists flagged batch tests across the network, newest first,
// filtered by orchestrator, kind, model and age.
func (h *handler) flaggedPage(c echo.Context) error {
	f := models.VerificationFilter{Kind: c.QueryParam("kind"), Model: c.QueryParam("model"), Limit: 200}
	if o := c.QueryParam("orchestrator"); o != "" {
		a, ok := ethaddr.Normalize(o)
		if !ok {
			return echo.NewHTTPError(http.StatusBadRequest, "an orchestrator address is 0x followed by 40 hex digits")
		}
		f.Orchestrator = a
	}
	if f.Kind != "" && !verify.Kind(f.Kind).Valid() {
		return echo.NewHTTPError(http.StatusBadRequest, "unknown kind "+f.Kind)
	}
	days := c.QueryParam("days")
	switch days {
	case "", "all":
		days = "all"
	case "1", "7", "30":
		n := map[string]int{"1": 1, "7": 7, "30": 30}[days]
		f.Since = h.Now().Add(-time.Duration(n) * 24 * time.Hour)
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "days must be 1, 7, 30 or all")
	}
	v := flaggedView{Filter: f, Days: days}
	for _, k := range verify.Kinds {
		v.Kinds = append(v.Kinds, string(k))
	}
	vs, ok := h.Store.(flaggedStore)
	if !ok {
		v.Error = "this instance's store keeps no evidence"
		return h.page(c, http.StatusOK, "Flagged tests", "flagged", flaggedBody(v))
	}
	ctx, cancel := timeout(c)
	defer cancel()
	rows, err := vs.Verifications(ctx, f)
	if err != nil {
		return err
	}
	for _, r := range rows {
		v.Tests = append(v.Tests, web.FlaggedOf(r))
	}
	return h.page(c, http.StatusOK, "Flagged tests", "flagged", flaggedBody(v))
}
