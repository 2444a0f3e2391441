package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/web"
)

// env is the whole HTTP stack (handlers.New plus web.Register, as main
// wires it) on loopback over a real store.
type env struct {
	t   testing.TB
	st  *models.Store
	srv *httptest.Server
	now time.Time
}

func newEnv(t testing.TB, dialect string) *env {
	t.Helper()
	st := dbtest.Open(t, dialect, models.Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := time.Now().UTC()
	e := handlers.New(handlers.Deps{Store: st, Window: 24 * time.Hour, MaxBodyBytes: 64 << 10, Logger: log, PageError: web.ErrorPage})
	web.Register(e, web.Deps{Store: st, Logger: log, Now: func() time.Time { return now }})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv, now: now}
}

func addr(i int) string { return fmt.Sprintf("0x%040x", i) }

// result is one stored test: AI when pipeline is set, transcoding otherwise.
type result struct {
	orch      int
	region    string
	pipeline  string
	model     string
	success   float64
	rtt       float64
	ago       time.Duration
	outcome   models.Outcome
	errorText string
	sweep     int64
}

func (e *env) insert(rs ...result) {
	e.t.Helper()
	var batch []models.NewResult
	for _, r := range rs {
		s := ingest.Stats{Region: r.region, Orchestrator: addr(r.orch), SuccessRate: r.success,
			RoundTripTime: r.rtt, Timestamp: e.now.Add(-r.ago).Unix(), Pipeline: r.pipeline, Model: r.model}
		if r.pipeline == "" {
			s.SegDuration, s.SegmentsSent, s.SegmentsRecv = 2, 10, int(r.success*10)
		}
		if r.errorText != "" {
			s.Errors = []ingest.Error{{ErrorCode: "E", Message: r.errorText, Count: 1}}
		}
		batch = append(batch, models.NewResult{Stats: s, Outcome: r.outcome, ReceivedAt: e.now.Add(-r.ago),
			IngestKey: "test", SweepID: r.sweep})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := e.st.Insert(ctx, batch...); err != nil {
		e.t.Fatalf("insert: %v", err)
	}
}

func (e *env) get(path string, header map[string]string) (int, http.Header, string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read %s: %v", path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// mustContain fails unless every fragment appears in body.
func mustContain(t testing.TB, what, body string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(body, f) {
			t.Errorf("%s lacks %q", what, f)
		}
	}
}
