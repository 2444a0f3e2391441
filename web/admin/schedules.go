package admin

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/control"
	"jobtester/models"
	"jobtester/web"
)

func (h *handler) scheduleRoutes(g *echo.Group) {
	g.GET("/schedule", h.schedulePage)
	g.POST("/schedule", h.saveSchedule)
	g.POST("/schedule/reset", h.resetSchedule)
	g.GET("/schedule/preview", h.schedulePreview)
}

// scheduleView is the schedule page: what applies, its next runs, and the
// form.
type scheduleView struct {
	control.ScheduleView
	HasTester bool
	Expr      string
	Enabled   bool
	ExprError string
	Done      string
}

// preview is the next runs of an expression being typed, or why it is
// refused.
type preview struct {
	Expr  string
	Runs  []time.Time
	Error string
}

func (h *handler) renderSchedule(c echo.Context, status int, v scheduleView, fromStored bool) error {
	ctx, cancel := timeout(c)
	defer cancel()
	sv, err := h.Control.Schedule(ctx)
	if err != nil {
		return err
	}
	v.ScheduleView, v.HasTester = sv, h.Control.HasScheduler()
	if fromStored {
		v.Expr, v.Enabled = sv.Config, sv.Config != ""
		if sv.Stored != nil {
			v.Expr, v.Enabled = sv.Stored.Expr, sv.Stored.Enabled
		}
		if v.Expr == "" {
			v.Expr, v.Enabled = "0 */2 * * *", true
		}
	}
	return h.page(c, status, "Schedule", "schedule", scheduleBody(v))
}

func (h *handler) schedulePage(c echo.Context) error {
	v := scheduleView{}
	switch c.QueryParam("done") {
	case "saved":
		v.Done = "Schedule saved. The scheduler follows it from now on."
	case "reset":
		v.Done = "The config file's schedule applies again."
	}
	return h.renderSchedule(c, http.StatusOK, v, true)
}

func (h *handler) saveSchedule(c echo.Context) error {
	v := scheduleView{Expr: strings.TrimSpace(c.FormValue("expr")), Enabled: c.FormValue("enabled") != ""}
	ctx, cancel := timeout(c)
	defer cancel()
	sc, err := h.Control.SaveSchedule(ctx, actor(c), v.Expr, v.Enabled)
	switch {
	case errors.Is(err, control.ErrInvalidSchedule):
		v.ExprError = scheduleMessage(err)
	case errors.Is(err, models.ErrInvalidSetting):
		v.ExprError = settingMessage(err)
	case err != nil:
		return err
	}
	if v.ExprError != "" {
		return h.renderSchedule(c, http.StatusUnprocessableEntity, v, false)
	}
	h.Logger.Info("sweep schedule saved", "admin_user", actor(c), "schedule", sc.Expr, "enabled", sc.Enabled)
	return c.Redirect(http.StatusSeeOther, "/admin/schedule?done=saved")
}

func (h *handler) resetSchedule(c echo.Context) error {
	ctx, cancel := timeout(c)
	defer cancel()
	if err := h.Control.ResetSchedule(ctx, actor(c)); err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	h.Logger.Info("sweep schedule reset to the config file's", "admin_user", actor(c))
	return c.Redirect(http.StatusSeeOther, "/admin/schedule?done=reset")
}

// schedulePreview answers the htmx request the expression field makes as
// it is typed: a fragment with the next runs or the error.
func (h *handler) schedulePreview(c echo.Context) error {
	p := preview{Expr: strings.TrimSpace(c.QueryParam("expr"))}
	runs, err := h.Control.PreviewSchedule(p.Expr)
	if err != nil {
		p.Error = scheduleMessage(err)
	}
	p.Runs = runs
	return web.Render(c, c.Request().Context(), http.StatusOK, previewFragment(p))
}

// scheduleMessage is the validator's reason as a sentence for the form.
func scheduleMessage(err error) string {
	return capitalize(strings.TrimPrefix(err.Error(), "schedule "))
}
