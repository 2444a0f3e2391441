package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"jobtester/control"
	"jobtester/ingest"
	"jobtester/leaderboard"
)

// Deps are what the handlers need; main wires them.
type Deps struct {
	Store        Store
	Keys         *ingest.Keyring
	Window       time.Duration // default look-back of leaderboard reads
	MaxBodyBytes int64
	Logger       *slog.Logger
	Registry     *prometheus.Registry // nil: a new one
	Version      string
	Now          func() time.Time // nil: time.Now
	// AdminToken guards /api/v1 writes; empty refuses them.
	AdminToken string
	// Sweeper runs sweeps on demand; nil when this instance has no tester.
	Sweeper Sweeper
	// Webhooks are the orchestrator webhooks of the lanes, by gateway name,
	// served at /webhook/<name>.
	Webhooks map[string]http.Handler
	// Extra handlers under /api/v1 (the demo's simnet truth).
	Extra map[string]http.Handler
	// Control backs the mappings and /api/v1/admin (ingest keys,
	// schedule, test definitions, regions, test now); nil: operations over
	// Store alone, and those needing a part of a tester answer 409.
	Control *control.Ops
	// PageError answers an error on a path outside /api and /webhook (the
	// pages) with an HTML page; nil: JSON as for the API.
	PageError func(c echo.Context, status int, msg string) error
	// IngestTimeout bounds a post_stats request, its write included;
	// 0: DefaultIngestTimeout.
	IngestTimeout time.Duration
}

type server struct {
	Deps
	metrics *metrics
	// v2 keeps score v2's work between reads (leaderboard.V2Cache).
	v2 *leaderboard.V2Cache
}

// New builds the echo instance with every route.
func New(d Deps) *echo.Echo {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.IngestTimeout <= 0 {
		d.IngestTimeout = DefaultIngestTimeout
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
		d.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if d.Control == nil {
		d.Control = &control.Ops{Store: d.Store, Keys: d.Keys, Log: d.Logger, Now: d.Now}
	}
	s := &server{Deps: d, metrics: newMetrics(d.Registry, d.Store), v2: leaderboard.NewV2Cache()}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.errorHandler
	e.Use(s.observe, s.guard)

	api := e.Group("/api", cors)
	reads := map[string]echo.HandlerFunc{
		"/regions": s.regions, "/pipelines": s.pipelines, "/aggregated_stats": s.aggregatedStats,
		"/raw_stats": s.rawStats, "/top_ai_score": s.topAIScore, "/health": s.apiHealth,
	}
	for p, h := range reads {
		// HEAD as well, for monitors that probe with it.
		api.Match([]string{http.MethodGet, http.MethodHead}, p, h)
	}
	api.POST("/post_stats", s.postStats)
	// Preflight for browsers; leaderboard-serverless fell through to the
	// handler and failed authentication instead.
	api.OPTIONS("/*", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	// Any other method on a known path is a 405, not a 404.
	notAllowed := func(c echo.Context) error {
		return &apiError{http.StatusMethodNotAllowed, "method " + c.Request().Method + " not allowed"}
	}
	for _, p := range []string{"/regions", "/pipelines", "/aggregated_stats", "/raw_stats", "/top_ai_score", "/health"} {
		api.Match([]string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}, p, notAllowed)
	}
	api.Match([]string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete}, "/post_stats", notAllowed)

	s.registerV1(e)
	s.registerLive(e)
	s.registerVerify(e)
	s.registerAdminV1(e)
	s.registerV1Reads(e)
	s.registerV1Activity(e)
	s.registerV1Export(e)

	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})))
	return e
}

// cors sets the headers every /api answer carries in leaderboard-serverless.
func cors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		return next(c)
	}
}

// cacheable marks a successful GET answer as leaderboard-serverless does.
func cacheable(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "public, max-age=30, stale-while-revalidate=15")
}

// apiError is an error answered as {"error": msg} with a status.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(msg string) error { return &apiError{http.StatusBadRequest, msg} }

// errorHandler answers every error with a JSON body. Internal errors are
// logged with their detail and answered without it.
func (s *server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "internal error"
	var ae *apiError
	var he *echo.HTTPError
	sf, isStore := storeFailure(err)
	switch {
	case errors.As(err, &ae):
		status, msg = ae.status, ae.msg
	case isStore:
		status, msg = sf.status, sf.msg
		if sf.retry {
			c.Response().Header().Set("Retry-After", retryAfterValue)
		}
	case errors.As(err, &he):
		status = he.Code
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(he.Code)
		}
	}
	if status >= 500 {
		s.Logger.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	// Pages get an HTML error page; the APIs and webhooks keep JSON.
	if p := c.Request().URL.Path; s.PageError != nil && !strings.HasPrefix(p, "/api/") && p != "/api" && !strings.HasPrefix(p, "/webhook/") {
		_ = s.PageError(c, status, msg)
		return
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	body := map[string]string{"error": msg}
	if isStore && sf.stored != "" {
		body["stored"] = sf.stored
	}
	_ = c.JSON(status, body)
}

func (s *server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.Logger.Warn("readiness: database unreachable", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"error": "database unreachable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// apiHealth is Cloud-SPE's /api/health. Its key stays "postgres" whatever
// the database is, because monitors read that key.
func (s *server) apiHealth(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	type status struct {
		OK    bool   `json:"ok"`
		Error string `json:"error,omitempty"`
	}
	st := status{OK: true}
	code := http.StatusOK
	if err := s.Store.Ping(ctx); err != nil {
		st = status{OK: false, Error: "connection failed"}
		code = http.StatusServiceUnavailable
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(code, map[string]any{"postgres": st, "database": map[string]any{
		"ok": st.OK, "dialect": s.Store.Dialect(),
	}})
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	ingested *prometheus.CounterVec
	rejected *prometheus.CounterVec
	replayed *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, st Store) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jobtester_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "jobtester_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jobtester_results_ingested_total", Help: "Results stored through post_stats, by ingest key and job type.",
		}, []string{"ingest_key", "job_type"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jobtester_ingest_rejected_total", Help: "post_stats requests refused, by reason.",
		}, []string{"reason"}),
		replayed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jobtester_ingest_replayed_total", Help: "post_stats requests answered as replays of a stored result (same idempotency key), by ingest key.",
		}, []string{"ingest_key"}),
	}
	reg.MustRegister(m.requests, m.duration, m.ingested, m.rejected, m.replayed)
	if st != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jobtester_rollup_index_buckets", Help: "Hourly rollup buckets held in memory.",
		}, func() float64 { return float64(st.IndexBuckets()) }))
		reg.MustRegister(newOutboxCollector(st))
	}
	return m
}

func (s *server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(c.Response().Status)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		return nil
	}
}
