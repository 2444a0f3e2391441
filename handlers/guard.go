package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"jobtester/models"
)

// What every request passes before its handler, and how a database that
// cannot answer is reported. Registered on the one echo that serves the
// API and the pages alike, so both refuse the same input the same way
// whichever database is behind them.

// retryAfter is the Retry-After of a 503: long enough for a restarting
// database or a failover, short enough that a tester's retry is prompt.
const retryAfter = 5 * time.Second

// DefaultIngestTimeout is how long a post_stats request may take, its
// database write included, when Deps.IngestTimeout is zero.
const DefaultIngestTimeout = 10 * time.Second

// checkQuery refuses a query string that Go's lenient parsing would
// quietly repair: a malformed percent-encoding (echo drops such a pair, so
// `?orchestrator=%zz` became an unfiltered read), a NUL (PostgreSQL text
// cannot hold one), or bytes that are not UTF-8 (PostgreSQL refuses them).
// SQLite takes all three, so without this the databases answered
// differently.
func checkQuery(raw string) error {
	if raw == "" {
		return nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return fmt.Errorf("malformed query string: %s", cleanText(err.Error()))
	}
	for k, vs := range q {
		if err := checkText(k); err != nil {
			return fmt.Errorf("query parameter name %s", err)
		}
		for _, v := range vs {
			if err := checkText(v); err != nil {
				return fmt.Errorf("query parameter %q %s", k, err)
			}
		}
	}
	return nil
}

// checkPath refuses a decoded path holding what a query value may not.
func checkPath(p string) error {
	if err := checkText(p); err != nil {
		return fmt.Errorf("path %s", err)
	}
	return nil
}

func checkText(s string) error {
	switch {
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return errors.New("contains a NUL character")
	}
	return nil
}

// cleanText makes an error message quoting the input safe to show: invalid
// bytes become U+FFFD.
func cleanText(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\\x00"), "\uFFFD")
}

// guard checks the request's path and query for every route, and bounds
// the reads (GET and HEAD) with a deadline, so a database that stops
// answering cannot hold a reader longer than readTimeout.
func (s *server) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if err := checkPath(r.URL.Path); err != nil {
			return badRequest(err.Error())
		}
		if err := checkQuery(r.URL.RawQuery); err != nil {
			return badRequest(err.Error())
		}
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || strings.HasPrefix(r.URL.Path, "/webhook/") {
			return next(c)
		}
		ctx, cancel := context.WithTimeout(r.Context(), readTimeout)
		c.SetRequest(r.WithContext(ctx))
		err := next(c)
		cancel()
		// The error handler runs after this returns: it renders the error
		// page with the request's own context, which is still live.
		c.SetRequest(r)
		return err
	}
}

// failure is the answer to a store error: its status and message, whether
// the result of a post_stats was stored ("no", "unknown"; empty for a
// read), and whether to send Retry-After.
type failure struct {
	status      int
	msg, stored string
	retry       bool
}

// storeFailure is the answer to an error that came from the store: 503
// with Retry-After when the database is unavailable or did not answer in
// time, and for a post_stats write whether the result was stored. ok is
// false for an error that is none of these (a plain 500).
func storeFailure(err error) (f failure, ok bool) {
	timedOut := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
	switch {
	case errors.Is(err, models.ErrUnconfirmed):
		return failure{status: http.StatusGatewayTimeout, stored: "unknown",
			msg: "the database did not confirm the write in time: the result may or may not be stored; " +
				"retry only with the same Idempotency-Key"}, true
	case errors.Is(err, models.ErrNotStored) && (timedOut || models.Unavailable(err)):
		return failure{status: http.StatusServiceUnavailable, stored: "no", retry: true,
			msg: "database unavailable: the result was not stored, retry later"}, true
	case errors.Is(err, models.ErrNotStored):
		return failure{status: http.StatusInternalServerError, stored: "no", msg: "internal error: the result was not stored"}, true
	case timedOut:
		return failure{status: http.StatusServiceUnavailable, retry: true, msg: "request timed out"}, true
	case models.Unavailable(err):
		return failure{status: http.StatusServiceUnavailable, retry: true, msg: "database unavailable, retry later"}, true
	}
	return failure{}, false
}

// retryAfterValue is retryAfter as the header's whole seconds.
var retryAfterValue = strconv.Itoa(int(retryAfter / time.Second))
