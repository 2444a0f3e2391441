package admin

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"jobtester/control"
)

func (h *handler) reconciliationRoutes(g *echo.Group) {
	g.GET("/reconciliation", h.reconciliationPage)
}

// reconView is the page: the reconciliation and its filter.
type reconView struct {
	control.Reconciliation
	Flagged bool // only rows with something to look at
	Shown   []control.ReconRow
}

func (h *handler) reconciliationPage(c echo.Context) error {
	ctx, cancel := timeout(c)
	defer cancel()
	rec, err := h.Control.Reconciliation(ctx)
	if err != nil {
		return err
	}
	v := reconView{Reconciliation: rec, Flagged: c.QueryParam("only") == "flagged"}
	for _, r := range v.Rows {
		if !v.Flagged || r.Worst() != "" {
			v.Shown = append(v.Shown, r)
		}
	}
	return h.page(c, http.StatusOK, "Reconciliation", "reconciliation", reconciliationBody(v))
}
