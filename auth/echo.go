package auth

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Names the browser and the pages share.
const (
	// SessionCookie holds the session id.
	SessionCookie = "jobtester_session"
	// loginCookie holds the secret of the login form's CSRF token, before
	// there is a session to bind it to.
	loginCookie = "jobtester_login"
	// CSRFField is the hidden form field of the token.
	CSRFField = "csrf_token"
	// CSRFHeader carries the token on htmx and script requests.
	CSRFHeader = "X-CSRF-Token"
)

const (
	sessionKey   = "auth.session"
	loginCSRFKey = "auth.login_csrf"
)

// Middleware loads the session named by the cookie into the request, and
// refuses with 403 any POST, PUT, PATCH or DELETE whose CSRF token (form
// field csrf_token or header X-CSRF-Token) is not the session's — or, on
// the login form, the one bound to the login cookie.
func (a *Auth) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var sess Session
		if ck, err := c.Cookie(SessionCookie); err == nil && ck.Value != "" {
			s, err := a.Lookup(c.Request().Context(), ck.Value)
			switch {
			case err == nil:
				sess = s
				c.Set(sessionKey, s)
			case errors.Is(err, ErrNoSession):
				a.clearCookie(c, SessionCookie, "/")
			default:
				return err
			}
		}
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		sent := c.Request().Header.Get(CSRFHeader)
		if sent == "" {
			sent = c.FormValue(CSRFField)
		}
		ok := sess.ID != "" && tokenMatches(sent, sess.CSRFToken)
		if !ok {
			if ck, err := c.Cookie(loginCookie); err == nil && wellFormedToken(ck.Value) {
				ok = tokenMatches(sent, csrfToken(ck.Value))
			}
		}
		if !ok {
			a.opts.Logger.Info("request refused: missing or wrong CSRF token", "method", c.Request().Method,
				"path", c.Request().URL.Path, "ip", ClientIP(c))
			return echo.NewHTTPError(http.StatusForbidden, "missing or wrong CSRF token: reload the page and try again")
		}
		return next(c)
	}
}

// RequireLogin sends a logged-out browser to the login page, with the page
// it asked for in next; a logged-out htmx or non-GET request gets 401 (and
// htmx a redirect header). Use after Middleware.
func (a *Auth) RequireLogin(loginPath string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if _, ok := FromContext(c); ok {
				return next(c)
			}
			to := loginPath + "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
			if c.Request().Header.Get("HX-Request") == "true" {
				c.Response().Header().Set("HX-Redirect", to)
				return echo.NewHTTPError(http.StatusUnauthorized, "log in first")
			}
			if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
				return echo.NewHTTPError(http.StatusUnauthorized, "log in first")
			}
			return c.Redirect(http.StatusSeeOther, to)
		}
	}
}

// FromContext returns the request's session, if logged in.
func FromContext(c echo.Context) (Session, bool) {
	s, ok := c.Get(sessionKey).(Session)
	return s, ok
}

// CSRFToken is the token the page being rendered must put in its forms:
// the session's, or on the login page the one LoginCSRF set.
func CSRFToken(c echo.Context) string {
	if s, ok := FromContext(c); ok {
		return s.CSRFToken
	}
	t, _ := c.Get(loginCSRFKey).(string)
	return t
}

// LoginCSRF gives the login form its token, setting the login cookie it
// is bound to if the browser has none yet.
func (a *Auth) LoginCSRF(c echo.Context, loginPath string) string {
	secret := ""
	if ck, err := c.Cookie(loginCookie); err == nil && wellFormedToken(ck.Value) {
		secret = ck.Value
	} else {
		secret = randomToken()
		a.setCookie(c, loginCookie, secret, loginPath, 0)
	}
	t := csrfToken(secret)
	c.Set(loginCSRFKey, t)
	return t
}

// StartSession logs the browser in with s: the session cookie is set and
// the login cookie dropped.
func (a *Auth) StartSession(c echo.Context, s Session, loginPath string) {
	a.setCookie(c, SessionCookie, s.ID, "/", int(a.opts.SessionTTL.Seconds()))
	a.clearCookie(c, loginCookie, loginPath)
	c.Set(sessionKey, s)
}

// EndSession logs the browser out: the session is deleted and its cookie
// cleared.
func (a *Auth) EndSession(c echo.Context) error {
	s, ok := FromContext(c)
	a.clearCookie(c, SessionCookie, "/")
	if !ok {
		return nil
	}
	return a.Logout(c.Request().Context(), s)
}

func (a *Auth) setCookie(c echo.Context, name, value, path string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: a.opts.SecureCookie || c.Scheme() == "https",
	})
}

func (a *Auth) clearCookie(c echo.Context, name, path string) {
	a.setCookie(c, name, "", path, -1)
}

// ClientIP is the address login attempts are counted under: echo's
// IPExtractor when the program set one (behind a trusted proxy), else the
// peer address — never a header a client could invent.
func ClientIP(c echo.Context) string {
	if c.Echo() != nil && c.Echo().IPExtractor != nil {
		return c.Echo().IPExtractor(c.Request())
	}
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		return c.Request().RemoteAddr
	}
	return host
}

// SafeNext returns next if it is a path on this site, else fallback: the
// login page must not become a redirect to anywhere.
func SafeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}
