package admin_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"jobtester/auth"
	"jobtester/control"
	"jobtester/dbtest"
	"jobtester/models"
	"jobtester/web"
	"jobtester/web/admin"
)

const (
	adminUser     = "ops"
	adminPassword = "a password for tests"
	loginLimit    = 3
)

// env is the whole HTTP stack as main wires it (handlers.New, web.Register,
// admin.Register) over a real store, on loopback.
type env struct {
	t   testing.TB
	st  *models.Store
	srv *httptest.Server
}

type envOptions struct {
	noAdmin bool // start without an admin account
}

func newEnv(t testing.TB, dialect string, o envOptions) *env {
	t.Helper()
	st := dbtest.Open(t, dialect, models.Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := auth.New(st, auth.Options{BcryptCost: bcrypt.MinCost, LoginLimit: loginLimit, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if !o.noAdmin {
		if err := a.EnsureAdmin(context.Background(), adminUser, adminPassword); err != nil {
			t.Fatal(err)
		}
	}
	// handlers.New is left out so these tests do not depend on the tester's
	// packages; its error handler does for pages what this one does.
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		status, msg := http.StatusInternalServerError, "internal error"
		var he *echo.HTTPError
		if errors.As(err, &he) {
			status, msg = he.Code, fmt.Sprint(he.Message)
		} else {
			t.Errorf("%s %s: %v", c.Request().Method, c.Request().URL, err)
		}
		_ = web.ErrorPage(c, status, msg)
	}
	web.Register(e, web.Deps{Store: st, Logger: log})
	admin.Register(e, admin.Deps{Store: st, Auth: a, Logger: log, Control: &control.Ops{Store: st, Log: log}})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv}
}

// client is a browser without JavaScript: a cookie jar, no redirects
// followed, so each answer can be checked.
type client struct {
	e   *env
	hc  *http.Client
	jar http.CookieJar
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, jar: jar, hc: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type answer struct {
	code   int
	header http.Header
	body   string
}

func (c *client) do(method, path string, form url.Values, header map[string]string) answer {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.e.t.Fatalf("read %s: %v", path, err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func (c *client) get(path string) answer { c.e.t.Helper(); return c.do(http.MethodGet, path, nil, nil) }

func (c *client) post(path string, form url.Values) answer {
	c.e.t.Helper()
	return c.do(http.MethodPost, path, form, nil)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// token reads the CSRF token a page's forms carry.
func token(t testing.TB, a answer) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(a.body)
	if m == nil {
		t.Fatalf("no CSRF field in the page (%d):\n%s", a.code, a.body)
	}
	return html.UnescapeString(m[1])
}

// login logs the client in through the form and returns the session's
// CSRF token.
func (c *client) login() string {
	c.e.t.Helper()
	page := c.get("/admin/login")
	a := c.post("/admin/login", url.Values{"csrf_token": {token(c.e.t, page)}, "username": {adminUser}, "password": {adminPassword}})
	if a.code != http.StatusSeeOther || a.header.Get("Location") != "/admin" {
		c.e.t.Fatalf("login = %d to %q: %s", a.code, a.header.Get("Location"), a.body)
	}
	return token(c.e.t, c.get("/admin"))
}

func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

func addr(i int) string { return fmt.Sprintf("0x%040x", i) }

func mustContain(t testing.TB, what, body string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(body, f) {
			t.Errorf("%s lacks %q", what, f)
		}
	}
}
