package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
)

const (
	streamTesterSecret = "stream-tester-secret-0001"
	aiTesterSecret     = "ai-job-tester-secret-0002"
	revokedSecret      = "old-tester-secret-000003"
	adminToken         = "admin-token-0123456789"
)

// clock is a settable time source shared by the handlers and the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

type env struct {
	t     *testing.T
	st    *models.Store
	srv   *httptest.Server
	clock *clock
}

func newEnv(t *testing.T, dialect string) *env {
	t.Helper()
	return newEnvOn(t, dbtest.Open(t, dialect, models.Options{}))
}

func newEnvOn(t *testing.T, st *models.Store) *env {
	t.Helper()
	clk := &clock{now: time.Now().UTC()}
	keys := ingest.NewKeyring([]ingest.Key{
		{Name: "stream-tester", Secret: streamTesterSecret},
		{Name: "ai-job-tester", Secret: aiTesterSecret},
		{Name: "retired-tester", Secret: revokedSecret, Revoked: true},
	})
	e := New(Deps{Store: st, Keys: keys, Window: 24 * time.Hour, MaxBodyBytes: 64 << 10,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clk.Now, AdminToken: adminToken})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv, clock: clk}
}

func (e *env) do(method, path string, body []byte, header map[string]string) (int, http.Header, []byte) {
	e.t.Helper()
	// Only a guard against a hang: under -race on a loaded machine a
	// request can take many seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func (e *env) get(path string) (int, []byte) {
	e.t.Helper()
	code, h, b := e.do(http.MethodGet, path, nil, nil)
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Fatalf("GET %s: Content-Type %q, want application/json", path, ct)
	}
	if h.Get("Access-Control-Allow-Origin") != "*" {
		e.t.Fatalf("GET %s: no CORS header", path)
	}
	if code == http.StatusOK && path != "/api/health" && !strings.HasPrefix(path, "/api/v1/") && h.Get("Cache-Control") != "public, max-age=30, stale-while-revalidate=15" {
		e.t.Fatalf("GET %s: Cache-Control %q", path, h.Get("Cache-Control"))
	}
	return code, b
}

// getJSON GETs path, requires 200 and decodes the body into v.
func (e *env) getJSON(path string, v any) {
	e.t.Helper()
	code, b := e.get(path)
	if code != http.StatusOK {
		e.t.Fatalf("GET %s: status %d body %s", path, code, b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // field-by-field: no extra fields either
	if err := dec.Decode(v); err != nil {
		e.t.Fatalf("GET %s: decode %s: %v", path, b, err)
	}
}

// post signs body with secret (if not empty) and POSTs it to post_stats.
func (e *env) post(body []byte, secret string) (int, []byte) {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	if secret != "" {
		h["Authorization"] = ingest.Sign(secret, body)
	}
	code, _, b := e.do(http.MethodPost, "/api/post_stats", body, h)
	return code, b
}

func (e *env) mustPost(body []byte, secret string) {
	e.t.Helper()
	if code, b := e.post(body, secret); code != http.StatusOK || string(b) != "ok" {
		e.t.Fatalf("post_stats: %d %s (body %s)", code, b, body)
	}
}

func (e *env) count() int64 {
	e.t.Helper()
	return dbtest.CountResults(e.t, e.st)
}

func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}
