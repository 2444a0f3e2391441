package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"jobtester/leaderboard"
	"jobtester/models"
	"jobtester/static"
)

// Store is what the pages read.
type Store interface {
	leaderboard.TableStore
	leaderboard.ResultStore
	leaderboard.ExplainStore
	ChainStore
	leaderboard.OperatorStore
	MarkStore
	Orchestrator(ctx context.Context, address string) (models.DiscoveredOrchestrator, error)
	MappingsOf(ctx context.Context, address string) ([]models.URIMapping, error)
	Capabilities(ctx context.Context, address string) ([]models.AdvertisedCapability, error)
	LiveResults(ctx context.Context, f models.LiveFilter) ([]models.LiveResult, error)
	Sweeps(ctx context.Context, limit int) ([]models.Sweep, error)
	GetSweep(ctx context.Context, id int64) (models.Sweep, error)
	SweepResults(ctx context.Context, id int64) ([]models.RawResult, error)
}

var _ Store = (*models.Store)(nil)

// Deps are what the pages need; main wires them.
type Deps struct {
	Store  Store
	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

type site struct {
	Deps
	// v2 keeps score v2's work between page views (leaderboard.V2Cache).
	v2 *leaderboard.V2Cache
}

// Register adds the public pages and /static/ to e. The /api/v1 reads
// behind their charts are handlers'.
func Register(e *echo.Echo, d Deps) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &site{Deps: d, v2: leaderboard.NewV2Cache()}
	get := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, h)
	}
	// Pages read the marks they show beside their data first (marks.go).
	page := func(path string, h echo.HandlerFunc) {
		get(path, func(c echo.Context) error { s.withMarks(c); return h(c) })
	}
	get("/static/*", static.Serve)
	page("/", s.leaderboardPage)
	page("/orchestrators/:address", s.orchestratorPage)
	page("/orchestrators/:address/results", s.orchestratorResults)
	page("/orchestrators/:address/operator", s.operatorPage)
	page("/runs", s.runsPage)
	page("/runs/:id", s.runPage)
	page("/runs/:id/progress", s.runProgress)
}

// isHTMX reports whether htmx asked for a fragment (not a boosted or
// history-restore request, which need the whole page).
func isHTMX(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-History-Restore-Request") != "true"
}

// render writes a component, fully rendered first so that a failure half
// way becomes an error page rather than half a page.
func render(c echo.Context, status int, comp templ.Component) error {
	return Render(c, c.Request().Context(), status, comp)
}

// renderFragment renders the part of a page htmx swaps in, with its
// out-of-band pieces.
func renderFragment(c echo.Context, status int, comp templ.Component) error {
	return Render(c, withFragment(c.Request().Context()), status, comp)
}

// Render writes a fully rendered page with the security headers every HTML
// answer carries (the admin pages' too: one policy), so a failure half way
// is an error page rather than half a page.
func Render(c echo.Context, ctx context.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(ctx, &buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	pageHeaders(h)
	// Pages vary with htmx's header (fragment or whole page); caches must
	// not hand one for the other.
	h.Add("Vary", "HX-Request")
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

// pageHeaders are the security headers of every HTML answer. Scripts and
// styles come only from /static (uPlot sets styles through the DOM, which
// style-src does not govern; htmx's inline indicator style is turned off).
func pageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
		"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

// ErrorPage renders an HTML error page inside Layout; handlers' error
// handler calls it for everything outside /api and /webhook.
func ErrorPage(c echo.Context, status int, msg string) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(status)
	}
	return render(c, status, Layout(PageMeta{Title: http.StatusText(status)}, errorBody(status, msg)))
}

// timeout bounds the reads of one page.
func timeout(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), 10*time.Second)
}

// httpError is an error shown to the user with a status.
func httpError(status int, msg string) error { return echo.NewHTTPError(status, msg) }

func notFound(err error) bool { return errors.Is(err, models.ErrNotFound) }
