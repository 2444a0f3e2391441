package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jobtester/models"
)

func (h *handler) mappingRoutes(g *echo.Group) {
	g.GET("/mappings", h.mappingsPage)
	g.POST("/mappings", h.createMapping)
	g.GET("/mappings/:id/edit", h.editMappingPage)
	g.POST("/mappings/:id", h.updateMapping)
	g.GET("/mappings/:id/delete", h.deleteMappingPage)
	g.POST("/mappings/:id/delete", h.deleteMapping)
}

// jobTypes are the tags a mapping may carry, in the order the form shows
// them.
var jobTypes = []struct{ Value, Label, Hint string }{
	{models.MappingAI, "AI (batch)", "batch AI tests are pinned to this URI, ahead of the registries"},
	{models.MappingLive, "Live video", "live video-to-video tests"},
	{models.MappingTranscoding, "Transcoding", "transcoding tests"},
}

// mappingForm is a mapping being created or edited, with the error of each
// field that was refused.
type mappingForm struct {
	ID           int64
	Orchestrator string
	URI          string
	JobTypes     []string
	Note         string
	DisplayName  string
	Errors       map[string]string // by field: orchestrator, uri, job_types, note, display_name
}

func (f mappingForm) has(jobType string) bool {
	for _, t := range f.JobTypes {
		if t == jobType {
			return true
		}
	}
	return false
}

func (f mappingForm) action() string {
	if f.ID == 0 {
		return "/admin/mappings"
	}
	return "/admin/mappings/" + strconv.FormatInt(f.ID, 10)
}

func formFromMapping(m models.URIMapping) mappingForm {
	return mappingForm{ID: m.ID, Orchestrator: m.Orchestrator, URI: m.URI, JobTypes: strings.Split(m.JobTypes, ","), Note: m.Note,
		DisplayName: m.DisplayName}
}

func formFromRequest(c echo.Context) (mappingForm, error) {
	params, err := c.FormParams()
	if err != nil {
		return mappingForm{}, echo.NewHTTPError(http.StatusBadRequest, "unreadable form")
	}
	return mappingForm{
		Orchestrator: params.Get("orchestrator"), URI: params.Get("uri"),
		JobTypes: params["job_types"], Note: params.Get("note"), DisplayName: params.Get("display_name"),
	}, nil
}

func (f mappingForm) mapping() models.URIMapping {
	return models.URIMapping{ID: f.ID, Orchestrator: f.Orchestrator, URI: f.URI, JobTypes: strings.Join(f.JobTypes, ","), Note: f.Note,
		DisplayName: f.DisplayName}
}

// refused turns a validation error into the form's field errors; other
// errors are returned as they are.
func (f *mappingForm) refused(err error) bool {
	var fe *models.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	f.Errors = map[string]string{fe.Field: capitalize(fe.Msg)}
	return true
}

// capitalize starts a validation message as a sentence, naming the field
// the way the form labels it.
func capitalize(s string) string {
	for raw, label := range map[string]string{"uri ": "URI ", "job_types ": "Job types "} {
		if strings.HasPrefix(s, raw) {
			return label + s[len(raw):]
		}
	}
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mappingsView is the mappings page: the list and the form for a new one.
type mappingsView struct {
	Mappings []models.URIMapping
	Known    []string // discovered addresses, offered as suggestions
	Form     mappingForm
	Done     string
}

func (h *handler) mappingsPage(c echo.Context) error {
	v := mappingsView{}
	switch c.QueryParam("done") {
	case "created":
		v.Done = "Mapping created."
	case "updated":
		v.Done = "Mapping saved."
	case "deleted":
		v.Done = "Mapping deleted."
	}
	if o := c.QueryParam("orchestrator"); o != "" {
		v.Form.Orchestrator = o // "add a mapping" links from other pages
	}
	return h.renderMappings(c, http.StatusOK, v)
}

func (h *handler) renderMappings(c echo.Context, status int, v mappingsView) error {
	ctx, cancel := timeout(c)
	defer cancel()
	var err error
	if v.Mappings, err = h.Control.Mappings(ctx); err != nil {
		return err
	}
	orchs, err := h.Store.Orchestrators(ctx)
	if err != nil {
		return err
	}
	for _, o := range orchs {
		v.Known = append(v.Known, o.Address)
	}
	return h.page(c, status, "URI mappings", "mappings", mappingsBody(v))
}

func (h *handler) createMapping(c echo.Context) error {
	f, err := formFromRequest(c)
	if err != nil {
		return err
	}
	ctx, cancel := timeout(c)
	defer cancel()
	m := f.mapping()
	err = h.Control.SaveMapping(ctx, actor(c), &m)
	if f.refused(err) {
		return h.renderMappings(c, http.StatusUnprocessableEntity, mappingsView{Form: f})
	}
	if err != nil {
		return err
	}
	h.Logger.Info("mapping created", "admin_user", actor(c), "id", m.ID, "orchestrator", m.Orchestrator, "uri", m.URI, "job_types", m.JobTypes)
	return c.Redirect(http.StatusSeeOther, "/admin/mappings?done=created#mapping-"+strconv.FormatInt(m.ID, 10))
}

func mappingID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound, "no such mapping")
	}
	return id, nil
}

// loadMapping reads the mapping named in the path; a missing one is 404.
func (h *handler) loadMapping(c echo.Context) (models.URIMapping, error) {
	id, err := mappingID(c)
	if err != nil {
		return models.URIMapping{}, err
	}
	ctx, cancel := timeout(c)
	defer cancel()
	m, err := h.Control.Mapping(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return m, echo.NewHTTPError(http.StatusNotFound, "mapping "+strconv.FormatInt(id, 10)+" does not exist (deleted?)")
	}
	return m, err
}

func (h *handler) editMappingPage(c echo.Context) error {
	m, err := h.loadMapping(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Edit mapping", "mappings", editMappingBody(formFromMapping(m)))
}

func (h *handler) updateMapping(c echo.Context) error {
	id, err := mappingID(c)
	if err != nil {
		return err
	}
	f, err := formFromRequest(c)
	if err != nil {
		return err
	}
	f.ID = id
	ctx, cancel := timeout(c)
	defer cancel()
	m := f.mapping()
	err = h.Control.SaveMapping(ctx, actor(c), &m)
	switch {
	case f.refused(err):
		return h.page(c, http.StatusUnprocessableEntity, "Edit mapping", "mappings", editMappingBody(f))
	case errors.Is(err, models.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "mapping "+strconv.FormatInt(id, 10)+" does not exist (deleted?)")
	case err != nil:
		return err
	}
	h.Logger.Info("mapping updated", "admin_user", actor(c), "id", m.ID, "orchestrator", m.Orchestrator, "uri", m.URI, "job_types", m.JobTypes)
	return c.Redirect(http.StatusSeeOther, "/admin/mappings?done=updated#mapping-"+strconv.FormatInt(m.ID, 10))
}

func (h *handler) deleteMappingPage(c echo.Context) error {
	m, err := h.loadMapping(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Delete mapping", "mappings", deleteMappingBody(m))
}

func (h *handler) deleteMapping(c echo.Context) error {
	id, err := mappingID(c)
	if err != nil {
		return err
	}
	ctx, cancel := timeout(c)
	defer cancel()
	err = h.Control.DeleteMapping(ctx, actor(c), id)
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "mapping "+strconv.FormatInt(id, 10)+" does not exist (deleted?)")
	}
	if err != nil {
		return err
	}
	h.Logger.Info("mapping deleted", "admin_user", actor(c), "id", id)
	return c.Redirect(http.StatusSeeOther, "/admin/mappings?done=deleted")
}
