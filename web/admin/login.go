package admin

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jobtester/auth"
)

// loginView is the login form's state.
type loginView struct {
	Next       string
	Username   string
	Error      string
	NoAdmin    bool // no account exists: say how to create one
	RetryAfter int  // seconds, when rate limited
}

func (h *handler) loginPage(c echo.Context) error {
	next := auth.SafeNext(c.QueryParam("next"), "/admin")
	if _, ok := auth.FromContext(c); ok {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return h.renderLogin(c, http.StatusOK, loginView{Next: next})
}

func (h *handler) renderLogin(c echo.Context, status int, v loginView) error {
	ctx, cancel := timeout(c)
	defer cancel()
	has, err := h.Auth.HasAdmin(ctx)
	if err != nil {
		return err
	}
	v.NoAdmin = !has
	h.Auth.LoginCSRF(c, LoginPath)
	return h.page(c, status, "Admin login", "", loginBody(v))
}

func (h *handler) login(c echo.Context) error {
	// No timeout(c) here: Login bounds its own database steps, apart from
	// the password check.
	ctx := c.Request().Context()
	v := loginView{Next: auth.SafeNext(c.FormValue("next"), "/admin"), Username: c.FormValue("username")}
	sess, err := h.Auth.Login(ctx, v.Username, c.FormValue("password"), auth.ClientIP(c))
	var limited *auth.RateLimitedError
	switch {
	case errors.As(err, &limited):
		v.RetryAfter = int(math.Ceil(limited.RetryAfter.Seconds()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(v.RetryAfter))
		v.Error = "Too many failed logins. Try again in " + strconv.Itoa(v.RetryAfter) + " s."
		return h.renderLogin(c, http.StatusTooManyRequests, v)
	case errors.Is(err, auth.ErrWrongCredentials):
		v.Error = "Wrong username or password."
		return h.renderLogin(c, http.StatusUnauthorized, v)
	case err != nil:
		return err
	}
	h.Auth.StartSession(c, sess, LoginPath)
	return c.Redirect(http.StatusSeeOther, v.Next)
}

func (h *handler) logoutPage(c echo.Context) error {
	if _, ok := auth.FromContext(c); !ok {
		return c.Redirect(http.StatusSeeOther, LoginPath)
	}
	return h.page(c, http.StatusOK, "Log out", "", logoutBody())
}

func (h *handler) logout(c echo.Context) error {
	ctx, cancel := timeout(c)
	defer cancel()
	c.SetRequest(c.Request().WithContext(ctx))
	if err := h.Auth.EndSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, LoginPath)
}
