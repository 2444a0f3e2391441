package admin

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jobtester/control"
	"jobtester/ethaddr"
	"jobtester/jobs"
	"jobtester/models"
	"jobtester/web"
)

func (h *handler) testNowRoutes(g *echo.Group) {
	g.GET("/test", h.testNowPage)
	g.POST("/test", h.testNow)
	// For a "Test now" button on other pages: the address in the path.
	g.POST("/orchestrators/:address/test", h.testNow)
	g.GET("/live/:stream/frame", h.liveFrameFragment)
	g.GET("/live/:stream/frame.jpg", h.liveFrame)
}

// testNowView is the "test this orchestrator now" form and the live tests
// running now, each with its preview.
type testNowView struct {
	HasTester bool
	Address   string
	Error     string
	Known     []string
	Live      []jobs.LiveStream
	HasLive   bool
}

func (h *handler) renderTestNow(c echo.Context, status int, v testNowView) error {
	ctx, cancel := timeout(c)
	defer cancel()
	orchs, err := h.Store.Orchestrators(ctx)
	if err != nil {
		return err
	}
	for _, o := range orchs {
		v.Known = append(v.Known, o.Address)
	}
	v.HasTester, v.HasLive = h.Control.HasTester(), h.Control.HasLive()
	if v.HasLive {
		v.Live = h.Control.LiveStreams()
	}
	return h.page(c, status, "Test now & live", "testnow", testNowBody(v))
}

func (h *handler) testNowPage(c echo.Context) error {
	return h.renderTestNow(c, http.StatusOK, testNowView{Address: c.QueryParam("orchestrator")})
}

// testNow starts a sweep of one orchestrator and sends the admin to the
// run's page, where its progress shows.
func (h *handler) testNow(c echo.Context) error {
	addr := c.Param("address")
	if addr == "" {
		addr = c.FormValue("orchestrator")
	}
	ctx, cancel := timeout(c)
	defer cancel()
	id, err := h.Control.TestOrchestrator(ctx, actor(c), addr)
	var msg string
	switch {
	case err == nil:
		h.Logger.Info("orchestrator test started", "admin_user", actor(c), "orchestrator", ethaddr.Fold(addr), "sweep", id)
		return c.Redirect(http.StatusSeeOther, "/runs/"+strconv.FormatInt(id, 10))
	case errors.Is(err, models.ErrInvalidSetting):
		msg = settingMessage(err)
	case errors.Is(err, control.ErrNoTester):
		msg = capitalize(err.Error()) + "."
	case errors.Is(err, jobs.ErrSweepRunning):
		msg = "A sweep is running; try again when it has finished (see Runs)."
	default:
		return err
	}
	return h.renderTestNow(c, http.StatusUnprocessableEntity, testNowView{Address: addr, Error: msg})
}

func (h *handler) liveFrameFragment(c echo.Context) error {
	id := c.Param("stream")
	_, ok := h.Control.LiveFrame(id)
	running := false
	for _, s := range h.Control.LiveStreams() {
		running = running || s.StreamID == id
	}
	return web.Render(c, c.Request().Context(), http.StatusOK, liveFrame(id, ok, running, h.Now().UnixMilli()))
}

// liveFrame is the latest output frame of a running live test as JPEG.
func (h *handler) liveFrame(c echo.Context) error {
	b, ok := h.Control.LiveFrame(c.Param("stream"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no frame: the live test has not produced output yet, or has ended")
	}
	return c.Blob(http.StatusOK, "image/jpeg", b)
}
