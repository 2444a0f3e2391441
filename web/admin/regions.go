package admin

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jobtester/models"
)

func (h *handler) regionRoutes(g *echo.Group) {
	g.GET("/regions", h.regionsPage)
	g.POST("/regions", h.createRegion)
	g.GET("/regions/:id/edit", h.editRegionPage)
	g.POST("/regions/:id", h.updateRegion)
	g.GET("/regions/:id/delete", h.deleteRegionPage)
	g.POST("/regions/:id/delete", h.deleteRegion)
}

// regionsView is the regions page: the list and the form for a new one.
type regionsView struct {
	Regions []models.RegionDetail
	Form    regionForm
	Done    string
}

// regionForm is a region being created or edited, with the form's error.
type regionForm struct {
	models.RegionDetail
	Error string
}

func (f regionForm) action() string {
	if f.ID == 0 {
		return "/admin/regions"
	}
	return "/admin/regions/" + strconv.FormatInt(f.ID, 10)
}

func regionFromRequest(c echo.Context) regionForm {
	return regionForm{RegionDetail: models.RegionDetail{
		Name: c.FormValue("name"), DisplayName: c.FormValue("display_name"),
		JobType: c.FormValue("job_type"), Description: c.FormValue("description"),
	}}
}

func (h *handler) renderRegions(c echo.Context, status int, v regionsView) error {
	ctx, cancel := timeout(c)
	defer cancel()
	var err error
	if v.Regions, err = h.Control.Regions(ctx); err != nil {
		return err
	}
	if v.Form.JobType == "" {
		v.Form.JobType = "ai"
	}
	return h.page(c, status, "Regions", "regions", regionsBody(v))
}

func (h *handler) regionsPage(c echo.Context) error {
	v := regionsView{}
	switch c.QueryParam("done") {
	case "created":
		v.Done = "Region created. Testers may post results to it now."
	case "updated":
		v.Done = "Region saved."
	case "deleted":
		v.Done = "Region removed."
	}
	return h.renderRegions(c, http.StatusOK, v)
}

// refusal turns a validation or in-use error into the form's message.
func refusal(err error) (string, bool) {
	if errors.Is(err, models.ErrInvalidSetting) || errors.Is(err, models.ErrInUse) {
		return settingMessage(err), true
	}
	return "", false
}

func (h *handler) createRegion(c echo.Context) error {
	f := regionFromRequest(c)
	ctx, cancel := timeout(c)
	defer cancel()
	r := f.RegionDetail
	err := h.Control.CreateRegion(ctx, actor(c), &r)
	if msg, ok := refusal(err); ok {
		f.Error = msg
		return h.renderRegions(c, http.StatusUnprocessableEntity, regionsView{Form: f})
	}
	if err != nil {
		return err
	}
	h.Logger.Info("region created", "admin_user", actor(c), "region", r.Name, "job_type", r.JobType)
	return c.Redirect(http.StatusSeeOther, "/admin/regions?done=created#region-"+strconv.FormatInt(r.ID, 10))
}

func regionID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound, "no such region")
	}
	return id, nil
}

func (h *handler) loadRegion(c echo.Context) (models.RegionDetail, error) {
	id, err := regionID(c)
	if err != nil {
		return models.RegionDetail{}, err
	}
	ctx, cancel := timeout(c)
	defer cancel()
	r, err := h.Control.Region(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return r, echo.NewHTTPError(http.StatusNotFound, "region "+strconv.FormatInt(id, 10)+" does not exist (removed?)")
	}
	return r, err
}

func (h *handler) editRegionPage(c echo.Context) error {
	r, err := h.loadRegion(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Edit region", "regions", editRegionBody(regionForm{RegionDetail: r}))
}

func (h *handler) updateRegion(c echo.Context) error {
	id, err := regionID(c)
	if err != nil {
		return err
	}
	f := regionFromRequest(c)
	f.ID = id
	ctx, cancel := timeout(c)
	defer cancel()
	r := f.RegionDetail
	err = h.Control.UpdateRegion(ctx, actor(c), &r)
	if msg, ok := refusal(err); ok {
		f.Error = msg
		return h.page(c, http.StatusUnprocessableEntity, "Edit region", "regions", editRegionBody(f))
	}
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "region "+strconv.FormatInt(id, 10)+" does not exist (removed?)")
	}
	if err != nil {
		return err
	}
	h.Logger.Info("region updated", "admin_user", actor(c), "region", r.Name, "job_type", r.JobType)
	return c.Redirect(http.StatusSeeOther, "/admin/regions?done=updated#region-"+strconv.FormatInt(id, 10))
}

func (h *handler) deleteRegionPage(c echo.Context) error {
	r, err := h.loadRegion(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Remove region", "regions", deleteRegionBody(r, ""))
}

func (h *handler) deleteRegion(c echo.Context) error {
	r, err := h.loadRegion(c)
	if err != nil {
		return err
	}
	ctx, cancel := timeout(c)
	defer cancel()
	err = h.Control.DeleteRegion(ctx, actor(c), r.ID)
	if msg, ok := refusal(err); ok {
		return h.page(c, http.StatusConflict, "Remove region", "regions", deleteRegionBody(r, msg))
	}
	if err != nil {
		return err
	}
	h.Logger.Info("region removed", "admin_user", actor(c), "region", r.Name, "job_type", r.JobType)
	return c.Redirect(http.StatusSeeOther, "/admin/regions?done=deleted")
}
