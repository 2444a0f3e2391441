package admin

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"jobtester/control"
	"jobtester/models"
)

func (h *handler) overviewRoutes(g *echo.Group) {
	g.GET("", h.overviewPage)
}

// overviewView is the admin's landing page: counts that say whether
// anything needs a look, and the latest changes.
type overviewView struct {
	Orchestrators int
	Active        int
	Mappings      int
	Recon         control.Reconciliation
	LastSweep     *models.Sweep
	Recent        []models.AuditEntry
}

func (h *handler) overviewPage(c echo.Context) error {
	ctx, cancel := timeout(c)
	defer cancel()
	rec, err := h.Control.Reconciliation(ctx)
	if err != nil {
		return err
	}
	v := overviewView{Recon: rec}
	// Every discovered orchestrator has a row of its own, and every
	// mapping sits on its orchestrator's row.
	for _, r := range rec.Rows {
		if r.Discovered {
			v.Orchestrators++
		}
		if r.Active {
			v.Active++
		}
		v.Mappings += len(r.Mappings)
	}
	sweeps, err := h.Store.Sweeps(ctx, 1)
	if err != nil {
		return err
	}
	if len(sweeps) > 0 {
		v.LastSweep = &sweeps[0]
	}
	if v.Recent, err = h.Store.AuditLog(ctx, models.AuditQuery{Limit: 10}); err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Admin", "overview", overviewBody(v))
}
