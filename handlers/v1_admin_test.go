package handlers

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"jobtester/control"
	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
	"jobtester/testutil"
)

// adminEnv is env with the admin tools wired as main wires them: a key
// refresher on the store, a sealer from a `secret` setting, a running
// scheduler and a real (if empty-handed) tester.
type adminEnv struct {
	*env
	ops    *control.Ops
	sched  *jobs.Scheduler
	tester *jobs.Tester
}

// testerAdapter is main's adapter: sweeps live as long as the server.
type testerAdapter struct {
	ctx context.Context
	t   *jobs.Tester
}

func (a testerAdapter) TestOrchestrator(addr string) (int64, error) {
	return a.t.StartSweep(a.ctx, "admin", jobs.SweepOptions{Orchestrator: addr})
}

func newAdminEnv(t *testing.T, dialect string) *adminEnv {
	t.Helper()
	st := dbtest.Open(t, dialect, models.Options{})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ring := ingest.NewKeyring([]ingest.Key{{Name: "default", Secret: streamTesterSecret}})
	sealer, err := ingest.NewSealer(streamTesterSecret)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sched := &jobs.Scheduler{Sweep: func(context.Context) error { return nil }, Default: "@every 6h", Source: st, Log: quiet}
	done := make(chan struct{})
	go func() { defer close(done); _ = sched.Run(ctx) }()
	// No source of orchestrators: every sweep plans nothing, for real.
	tester := &jobs.Tester{Store: st, Discovery: &jobs.Discovery{}, Runner: &jobs.AIRunner{JobTimeout: time.Second}, Region: "FRA", Log: quiet}
	t.Cleanup(func() { cancel(); <-done; tester.Wait() })
	clk := &clock{now: time.Now().UTC()}
	ops := &control.Ops{
		Store: st, Log: quiet, Now: clk.Now, Keys: ring,
		KeyRefresh: &ingest.Refresher{Ring: ring, Source: st, Sealer: sealer, Log: quiet},
		Sealer:     sealer, Scheduler: sched, DefaultSchedule: "@every 6h",
		Tester: testerAdapter{ctx, tester}, TesterRegion: "FRA", Live: &jobs.Previews{},
	}
	e := New(Deps{Store: st, Keys: ring, Window: 24 * time.Hour, MaxBodyBytes: 64 << 10, Logger: quiet, Now: clk.Now,
		AdminToken: adminToken, Control: ops})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &adminEnv{env: &env{t: t, st: st, srv: srv, clock: clk}, ops: ops, sched: sched, tester: tester}
}

var adminHeader = map[string]string{"Authorization": "Bearer " + adminToken, "Content-Type": "application/json"}

// call makes an admin request and decodes a JSON answer into out (if set).
func (e *adminEnv) call(method, path, body string, want int, out any) {
	e.t.Helper()
	code, h, b := e.do(method, path, []byte(body), adminHeader)
	if code != want {
		e.t.Fatalf("%s %s %s: status %d, want %d: %s", method, path, body, code, want, b)
	}
	if out != nil {
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			e.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
		}
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

func (e *adminEnv) errorOf(method, path, body string, want int) string {
	e.t.Helper()
	var out struct {
		Error string `json:"error"`
	}
	e.call(method, path, body, want, &out)
	return out.Error
}

func TestAdminEndpointsNeedTheToken(t *testing.T) {
	e := newAdminEnv(t, "sqlite")
	for _, r := range [][2]string{
		{http.MethodGet, "/api/v1/admin/ingest-keys"}, {http.MethodPost, "/api/v1/admin/ingest-keys"},
		{http.MethodPost, "/api/v1/admin/ingest-keys/1/revoke"}, {http.MethodGet, "/api/v1/admin/schedule"},
		{http.MethodPut, "/api/v1/admin/schedule"}, {http.MethodGet, "/api/v1/admin/test-definitions"},
		{http.MethodPut, "/api/v1/admin/test-definitions/Llm"}, {http.MethodPost, "/api/v1/admin/regions"},
		{http.MethodDelete, "/api/v1/admin/regions/1"}, {http.MethodPost, "/api/v1/admin/orchestrators/" + orchA + "/test"},
		{http.MethodGet, "/api/v1/admin/live"},
	} {
		for _, h := range []map[string]string{nil, {"Authorization": "Bearer wrong-token"}} {
			if code, _, b := e.do(r[0], r[1], []byte(`{}`), h); code != http.StatusUnauthorized {
				t.Errorf("%s %s with %v: %d %s", r[0], r[1], h, code, b)
			}
		}
	}
}

// TestIngestKeyLifecycleThroughTheAPI: a created key's secret is answered
// once and signs post_stats at once; the list never shows it; once revoked
// the same signature is refused; every change is in the audit log.
func TestIngestKeyLifecycleThroughTheAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newAdminEnv(t, dialect)
		for body, want := range map[string]string{
			`{"name":"Bad Name"}`:  "name must be",
			`{"name":"default"}`:   "config file",
			`{"nom":"x"}`:          "unknown field",
			`{"name":"fra-tester"`: "body must be",
		} {
			if msg := e.errorOf(http.MethodPost, "/api/v1/admin/ingest-keys", body, http.StatusBadRequest); !strings.Contains(msg, want) {
				t.Errorf("%s: error %q, want it to say %q", body, msg, want)
			}
		}
		var created struct {
			Key    models.IngestKey `json:"key"`
			Secret string           `json:"secret"`
		}
		e.call(http.MethodPost, "/api/v1/admin/ingest-keys", `{"name":"fra-tester"}`, http.StatusCreated, &created)
		if len(created.Secret) != 64 || created.Key.Name != "fra-tester" || created.Key.CreatedBy != "token" {
			t.Fatalf("created %+v", created)
		}
		body := []byte(aiTesterPayload)
		e.mustPost(body, created.Secret)

		code, _, list := e.do(http.MethodGet, "/api/v1/admin/ingest-keys", nil, adminHeader)
		if code != http.StatusOK || strings.Contains(string(list), created.Secret) {
			t.Fatalf("list = %d, and must not carry the secret: %s", code, list)
		}
		var view control.IngestKeysView
		if err := json.Unmarshal(list, &view); err != nil {
			t.Fatal(err)
		}
		if len(view.Keys) != 1 || !view.Sealed || len(view.ConfigKeys) != 1 || view.ConfigKeys[0] != "default" {
			t.Fatalf("view = %+v", view)
		}
		e.errorOf(http.MethodPost, "/api/v1/admin/ingest-keys", `{"name":"fra-tester"}`, http.StatusBadRequest)

		var revoked models.IngestKey
		e.call(http.MethodPost, "/api/v1/admin/ingest-keys/"+itoa(created.Key.ID)+"/revoke", ``, http.StatusOK, &revoked)
		if !revoked.Revoked() || revoked.RevokedBy != "token" {
			t.Fatalf("revoked = %+v", revoked)
		}
		if code, b := e.post(body, created.Secret); code != http.StatusForbidden {
			t.Fatalf("post_stats with a revoked key: %d %s", code, b)
		}
		e.mustPost(body, streamTesterSecret) // the config key still works
		e.errorOf(http.MethodPost, "/api/v1/admin/ingest-keys/"+itoa(created.Key.ID)+"/revoke", ``, http.StatusBadRequest)
		e.errorOf(http.MethodPost, "/api/v1/admin/ingest-keys/999/revoke", ``, http.StatusNotFound)

		log, err := e.st.AuditLog(context.Background(), models.AuditQuery{})
		if err != nil || len(log) != 2 || log[0].Action != "ingest_key.revoke" || log[1].Action != "ingest_key.create" || log[1].Actor != "token" {
			t.Fatalf("audit log = %+v %v", log, err)
		}
	})
}

func TestScheduleThroughTheAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newAdminEnv(t, dialect)
		var v control.ScheduleView
		e.call(http.MethodGet, "/api/v1/admin/schedule", ``, http.StatusOK, &v)
		if v.Stored != nil || v.Config != "@every 6h" || len(v.NextRuns) != 5 {
			t.Fatalf("initial view %+v", v)
		}
		for body, want := range map[string]string{
			`{"expr":"61 * * * *","enabled":true}`: "above maximum",
			`{"expr":"every day","enabled":true}`:  "expected exactly 5 fields",
			`{"expr":"@every 5s","enabled":true}`:  "more often than",
			`{"expr":"0 * * * *"}`:                 "enabled is required",
		} {
			if msg := e.errorOf(http.MethodPut, "/api/v1/admin/schedule", body, http.StatusBadRequest); !strings.Contains(msg, want) {
				t.Errorf("%s: %q, want %q", body, msg, want)
			}
		}
		if msg := e.errorOf(http.MethodGet, "/api/v1/admin/schedule/next?expr="+url.QueryEscape("61 * * * *"), ``, http.StatusBadRequest); !strings.Contains(msg, "above maximum") {
			t.Errorf("preview of a bad expression: %q", msg)
		}
		var preview struct {
			NextRuns []time.Time `json:"next_runs"`
		}
		e.call(http.MethodGet, "/api/v1/admin/schedule/next?expr="+url.QueryEscape("30 4 * * *"), ``, http.StatusOK, &preview)
		if len(preview.NextRuns) != 5 || preview.NextRuns[1].Sub(preview.NextRuns[0]) != 24*time.Hour {
			t.Fatalf("preview %v", preview.NextRuns)
		}

		e.call(http.MethodPut, "/api/v1/admin/schedule", `{"expr":"0 */2 * * *","enabled":true}`, http.StatusOK, &v)
		if v.Stored == nil || v.Stored.Expr != "0 */2 * * *" || len(v.NextRuns) != 5 || v.NextRuns[1].Sub(v.NextRuns[0]) != 2*time.Hour {
			t.Fatalf("after save %+v", v)
		}
		// The running scheduler follows without a restart.
		testutil.Eventually(t, "the scheduler to follow the stored schedule", func() bool {
			a := e.sched.Active()
			return a.Origin == "admin" && a.Expr == "0 */2 * * *" && !a.Next.IsZero()
		})
		e.call(http.MethodPut, "/api/v1/admin/schedule", `{"expr":"0 */2 * * *","enabled":false}`, http.StatusOK, &v)
		if len(v.NextRuns) != 0 {
			t.Fatalf("a disabled schedule has next runs: %v", v.NextRuns)
		}
		testutil.Eventually(t, "the scheduler to stop", func() bool { a := e.sched.Active(); return !a.Enabled && a.Next.IsZero() })
		e.call(http.MethodDelete, "/api/v1/admin/schedule", ``, http.StatusOK, &v)
		if v.Stored != nil || len(v.NextRuns) != 5 {
			t.Fatalf("after reset %+v", v)
		}
		testutil.Eventually(t, "the config schedule again", func() bool { return e.sched.Active().Origin == "config" })
		e.errorOf(http.MethodDelete, "/api/v1/admin/schedule", ``, http.StatusNotFound)
	})
}

func TestTestDefinitionsThroughTheAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newAdminEnv(t, dialect)
		var list struct {
			Defs []control.TestDefinitionView `json:"test_definitions"`
		}
		e.call(http.MethodGet, "/api/v1/admin/test-definitions", ``, http.StatusOK, &list)
		if len(list.Defs) != len(jobs.Definitions) {
			t.Fatalf("%d definitions, want %d", len(list.Defs), len(jobs.Definitions))
		}
		for _, d := range list.Defs {
			if !d.Enabled || d.Overridden || len(d.Parameters) == 0 || d.DefaultRequest == nil {
				t.Fatalf("default view %+v", d)
			}
		}
		path := "/api/v1/admin/test-definitions/" + url.PathEscape("Text to image")
		for body, want := range map[string]string{
			`{"enabled":true,"params":{"width":2048}}`: "takes no parameter \"width\"",
			`{"enabled":true,"params":{"seed":"x"}}`:   "seed: must be a number",
			`{"enabled":true,"params":[1]}`:            "JSON object",
			`{"params":{}}`:                            "enabled is required",
		} {
			if msg := e.errorOf(http.MethodPut, path, body, http.StatusBadRequest); !strings.Contains(msg, want) {
				t.Errorf("%s: %q, want %q", body, msg, want)
			}
		}
		e.errorOf(http.MethodPut, "/api/v1/admin/test-definitions/Nope", `{"enabled":true}`, http.StatusNotFound)
		e.call(http.MethodPut, path, `{"enabled":false,"params":{"seed":7,"prompt":"a red boat"}}`, http.StatusOK, &list)
		var got control.TestDefinitionView
		for _, d := range list.Defs {
			if d.Pipeline == "Text to image" {
				got = d
			}
		}
		if got.Enabled || !got.Overridden || got.Params["prompt"] != "a red boat" || got.Params["seed"] != float64(7) || got.UpdatedBy != "token" {
			t.Fatalf("after save %+v", got)
		}
		rows, err := e.st.TestDefinitions(context.Background())
		if err != nil || len(rows) != 1 || rows[0].Enabled {
			t.Fatalf("stored %+v %v", rows, err)
		}
		e.call(http.MethodDelete, path, ``, http.StatusOK, &list)
		if rows, _ := e.st.TestDefinitions(context.Background()); len(rows) != 0 {
			t.Fatalf("after reset %+v", rows)
		}
	})
}

func TestRegionsThroughTheAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newAdminEnv(t, dialect)
		var r models.RegionDetail
		e.call(http.MethodPost, "/api/v1/admin/regions", `{"name":"WAW","display_name":"Warsaw","job_type":"ai","description":"GPU hosts"}`, http.StatusCreated, &r)
		if r.ID == 0 || r.Description != "GPU hosts" {
			t.Fatalf("created %+v", r)
		}
		if msg := e.errorOf(http.MethodPost, "/api/v1/admin/regions", `{"name":"WAW","display_name":"Again","job_type":"ai"}`, http.StatusBadRequest); !strings.Contains(msg, "already exists") {
			t.Fatalf("duplicate: %q", msg)
		}
		e.errorOf(http.MethodPost, "/api/v1/admin/regions", `{"name":"X Y","display_name":"x","job_type":"ai"}`, http.StatusBadRequest)
		// /api/regions lists it at once, and post_stats may use it.
		e.mustPost([]byte(strings.Replace(aiTesterPayload, `"region":"MDW"`, `"region":"WAW"`, 1)), streamTesterSecret)
		msg := e.errorOf(http.MethodDelete, "/api/v1/admin/regions/"+itoa(r.ID), ``, http.StatusConflict)
		if !strings.Contains(msg, "WAW") || !strings.Contains(msg, "stored results") {
			t.Fatalf("delete in use: %q", msg)
		}
		e.call(http.MethodPut, "/api/v1/admin/regions/"+itoa(r.ID), `{"name":"WAW","display_name":"Warszawa","job_type":"ai","description":""}`, http.StatusOK, &r)
		if r.DisplayName != "Warszawa" {
			t.Fatalf("after edit %+v", r)
		}
		var fra models.RegionDetail
		var list struct {
			Regions []models.RegionDetail `json:"regions"`
		}
		e.call(http.MethodGet, "/api/v1/admin/regions", ``, http.StatusOK, &list)
		for _, x := range list.Regions {
			if x.Name == "FRA" && x.JobType == "ai" {
				fra = x
			}
		}
		if msg := e.errorOf(http.MethodDelete, "/api/v1/admin/regions/"+itoa(fra.ID), ``, http.StatusConflict); !strings.Contains(msg, "`region` setting") {
			t.Fatalf("delete of the tester's region: %q", msg)
		}
		var unused models.RegionDetail
		e.call(http.MethodPost, "/api/v1/admin/regions", `{"name":"OSL","display_name":"Oslo","job_type":"transcoding"}`, http.StatusCreated, &unused)
		e.call(http.MethodDelete, "/api/v1/admin/regions/"+itoa(unused.ID), ``, http.StatusNoContent, nil)
		e.errorOf(http.MethodDelete, "/api/v1/admin/regions/"+itoa(unused.ID), ``, http.StatusNotFound)
	})
}

// TestTestOrchestratorNowThroughTheAPI starts a real sweep limited to one
// address; with no orchestrator discovered it is stored with the reason.
func TestTestOrchestratorNowThroughTheAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newAdminEnv(t, dialect)
		e.errorOf(http.MethodPost, "/api/v1/admin/orchestrators/0x12/test", ``, http.StatusBadRequest)
		var started struct {
			SweepID int64  `json:"sweep_id"`
			URL     string `json:"url"`
		}
		e.call(http.MethodPost, "/api/v1/admin/orchestrators/"+orchA+"/test", ``, http.StatusAccepted, &started)
		if started.SweepID == 0 || started.URL != "/runs/"+itoa(started.SweepID) {
			t.Fatalf("started %+v", started)
		}
		var sw models.Sweep
		testutil.Eventually(t, "the sweep to finish", func() bool {
			var err error
			sw, err = e.st.GetSweep(context.Background(), started.SweepID)
			return err == nil && sw.Status != models.SweepRunning
		})
		if sw.StartedBy != "admin" || !strings.Contains(sw.Error, orchA) {
			t.Fatalf("sweep %+v", sw)
		}
		log, _ := e.st.AuditLog(context.Background(), models.AuditQuery{})
		if len(log) != 1 || log[0].Action != "sweep.start" || log[0].Target != "orchestrator:"+orchA || !strings.Contains(log[0].After, itoa(started.SweepID)) {
			t.Fatalf("audit %+v", log)
		}
		var live struct {
			Streams []jobs.LiveStream `json:"streams"`
		}
		e.call(http.MethodGet, "/api/v1/admin/live", ``, http.StatusOK, &live)
		if live.Streams == nil || len(live.Streams) != 0 {
			t.Fatalf("live %+v", live)
		}
	})
}
