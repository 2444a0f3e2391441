package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"jobtester/auth"
	"jobtester/control"
	"jobtester/dbtest"
	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/models"
	"jobtester/web"
	"jobtester/web/admin"
)

// configSecret is the instance's `secret` setting: the config's ingest key
// "default", and what DB-stored secrets are sealed under.
const configSecret = "the-config-secret-setting"

// toolsEnv is the whole server as main wires it, admin tools included: a
// keyring refreshed from the store, a running scheduler, a real tester
// (with no source of orchestrators, so its sweeps plan nothing) and live
// previews.
type toolsEnv struct {
	*env
	ops      *control.Ops
	ring     *ingest.Keyring
	sched    *jobs.Scheduler
	previews *jobs.Previews
	fired    chan struct{}
}

type sweeperForTests struct {
	ctx context.Context
	t   *jobs.Tester
}

func (s sweeperForTests) TestOrchestrator(addr string) (int64, error) {
	return s.t.StartSweep(s.ctx, "admin", jobs.SweepOptions{Orchestrator: addr})
}

func newToolsEnv(t testing.TB, dialect string) *toolsEnv {
	t.Helper()
	st := dbtest.Open(t, dialect, models.Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := auth.New(st, auth.Options{BcryptCost: bcrypt.MinCost, LoginLimit: loginLimit, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureAdmin(context.Background(), adminUser, adminPassword); err != nil {
		t.Fatal(err)
	}
	ring := ingest.NewKeyring([]ingest.Key{{Name: "default", Secret: configSecret}})
	sealer, err := ingest.NewSealer(configSecret)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fired := make(chan struct{}, 16)
	sched := &jobs.Scheduler{
		Sweep:   func(context.Context) error { fired <- struct{}{}; return nil },
		Default: "@every 6h", Source: st, Log: log,
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = sched.Run(ctx) }()
	tester := &jobs.Tester{Store: st, Discovery: &jobs.Discovery{}, Runner: &jobs.AIRunner{JobTimeout: time.Second}, Region: "FRA", Log: log}
	t.Cleanup(func() { cancel(); <-done; tester.Wait() })
	previews := &jobs.Previews{}
	ops := &control.Ops{
		Store: st, Log: log, Keys: ring,
		KeyRefresh: &ingest.Refresher{Ring: ring, Source: st, Sealer: sealer, Log: log},
		Sealer:     sealer, Scheduler: sched, DefaultSchedule: "@every 6h",
		Tester: sweeperForTests{ctx, tester}, TesterRegion: "FRA", Live: previews,
	}
	e := handlers.New(handlers.Deps{Store: st, Keys: ring, Window: 24 * time.Hour, MaxBodyBytes: 64 << 10,
		Logger: log, AdminToken: "admin-token-for-tests", Control: ops, PageError: web.ErrorPage})
	web.Register(e, web.Deps{Store: st, Logger: log})
	admin.Register(e, admin.Deps{Store: st, Auth: a, Logger: log, Control: ops})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &toolsEnv{env: &env{t: t, st: st, srv: srv}, ops: ops, ring: ring, sched: sched, previews: previews, fired: fired}
}

// postStats posts a result signed with secret, as a legacy tester does,
// and returns the status.
func (e *toolsEnv) postStats(secret string) int {
	e.t.Helper()
	body := `{"region":"FRA","orchestrator":"` + addr(7) + `","success_rate":1,"round_trip_time":1.5,"errors":[],"timestamp":1726864722,"seg_duration":2,"segments_sent":1,"segments_received":1}`
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/api/post_stats", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", ingest.Sign(secret, []byte(body)))
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// plannedPipelines plans a sweep of one orchestrator advertising every
// pipeline with a built-in test, with the overrides stored now: what the
// tester's next sweep runs (jobs.Tester.run plans the same way).
func plannedPipelines(t testing.TB, st *models.Store) map[string]bool {
	t.Helper()
	o := addr(9)
	found := jobs.Found{
		Orchestrators: []livepeer.Orchestrator{{Address: o, ServiceURI: "https://o.example.com:8935", Active: true}},
		Capabilities:  map[string][]livepeer.Capability{},
	}
	for _, p := range jobs.DefinitionNames() {
		found.Capabilities[o] = append(found.Capabilities[o], livepeer.Capability{Pipeline: p, Model: "m"})
	}
	targets, skipped := jobs.Plan(found, nil, jobs.PlanOptions{})
	overrides, problems, err := jobs.LoadOverrides(context.Background(), st)
	if err != nil || len(problems) > 0 {
		t.Fatalf("load overrides: %v %v", err, problems)
	}
	targets, _ = jobs.ApplyOverrides(targets, skipped, overrides)
	out := map[string]bool{}
	for _, tg := range targets {
		out[tg.Capability.Pipeline] = true
	}
	return out
}
