package admin

import (
	"context"
	"log/slog"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"jobtester/auth"
	"jobtester/control"
	"jobtester/models"
	"jobtester/static"
	"jobtester/web"
)

// Store is what the pages read themselves; every change goes through
// control.
type Store interface {
	Orchestrators(ctx context.Context) ([]models.DiscoveredOrchestrator, error)
	Sweeps(ctx context.Context, limit int) ([]models.Sweep, error)
	AuditLog(ctx context.Context, q models.AuditQuery) ([]models.AuditEntry, error)
}

var _ Store = (*models.Store)(nil)

// Deps are what the admin pages need; main wires them.
type Deps struct {
	Store  Store
	Auth   *auth.Auth
	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
	// Control carries out what the pages ask (required). Where it lacks a
	// part of the instance (no tester, no sealer), the pages show what is
	// stored and say what this instance lacks.
	Control *control.Ops
}

// handler serves every admin page; each section adds its routes to it.
type handler struct {
	Deps
}

// section is one entry of the admin's nav and the routes behind it.
type section struct {
	Key   string // marks the current entry: "mappings"
	Title string // nav label and page title: "URI mappings"
	Path  string // "/admin/mappings"
	// routes adds the section's handlers to g, the /admin group (auth
	// middleware and login redirect applied): paths are relative to /admin.
	routes func(h *handler, g *echo.Group)
}

// sections lists the admin's pages in nav order. A new tool appends its
// entry in init below and keeps its handlers and templates in files of its
// own. (Set in init: the pages render the nav from this list, and the list
// names the pages' routes.)
var sections []section

func init() {
	sections = []section{
		{"overview", "Overview", "/admin", (*handler).overviewRoutes},
		{"mappings", "URI mappings", "/admin/mappings", (*handler).mappingRoutes},
		{"reconciliation", "Reconciliation", "/admin/reconciliation", (*handler).reconciliationRoutes},
		{"tests", "Test definitions", "/admin/tests", (*handler).testRoutes},
		{"schedule", "Schedule", "/admin/schedule", (*handler).scheduleRoutes},
		{"testnow", "Test now & live", "/admin/test", (*handler).testNowRoutes},
		{"regions", "Regions", "/admin/regions", (*handler).regionRoutes},
		{"keys", "Ingest keys", "/admin/keys", (*handler).keyRoutes},
		{"flagged", "Flagged tests", "/admin/flagged", (*handler).flaggedRoutes},
		{"audit", "Audit log", "/admin/audit", (*handler).auditRoutes},
	}
}

// LoginPath is where logged-out browsers are sent.
const LoginPath = "/admin/login"

// Register adds /admin and everything under it to e.
func Register(e *echo.Echo, d Deps) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	h := &handler{Deps: d}
	// Login and logout need the session and the CSRF check, not a login.
	mw := []echo.MiddlewareFunc{d.Auth.Middleware, noStore}
	e.GET(LoginPath, h.loginPage, mw...)
	e.POST(LoginPath, h.login, mw...)
	e.GET("/admin/logout", h.logoutPage, mw...)
	e.POST("/admin/logout", h.logout, mw...)
	g := e.Group("/admin", d.Auth.Middleware, noStore, d.Auth.RequireLogin(LoginPath))
	for _, s := range sections {
		s.routes(h, g)
	}
}

// noStore keeps admin pages out of every cache: they show what only a
// logged-in admin may see, and carry a CSRF token.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// cssURL carries the stylesheet's content hash, so it can be cached for
// good and still change with a build; static serves it under /static/.
var cssURL = static.URL("admin.css")

type tokenKey struct{}

// csrfFrom is the CSRF token of the page being rendered, for @csrf().
func csrfFrom(ctx context.Context) string {
	t, _ := ctx.Value(tokenKey{}).(string)
	return t
}

// page renders body as an admin page: web.Layout, the admin's nav, the
// user and the logout button.
func (h *handler) page(c echo.Context, status int, title, section string, body templ.Component) error {
	sess, _ := auth.FromContext(c)
	token := auth.CSRFToken(c)
	meta := web.PageMeta{Title: title, Active: "admin", User: sess.User, CSRFToken: token}
	ctx := context.WithValue(c.Request().Context(), tokenKey{}, token)
	return web.Render(c, ctx, status, web.Layout(meta, shell(sess.User, section, body)))
}

// timeout bounds the reads and writes of one request.
func timeout(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), 10*time.Second)
}

// actor is who the audit log names for the request's changes.
func actor(c echo.Context) string {
	s, _ := auth.FromContext(c)
	return s.User
}
