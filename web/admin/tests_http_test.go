package admin_test

import (
	"context"
	"image"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
	"jobtester/testutil"
)

var secretField = regexp.MustCompile(`id="new-secret" type="text" readonly value="([0-9a-f]{64})"`)

// TestIngestKeyPages: a key created in the page signs post_stats at once;
// its secret is in that answer only; revoking it refuses its signature;
// both changes are audited under the admin's name.
func TestIngestKeyPages(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newToolsEnv(t, dialect)
		c := e.client()
		tok := c.login()
		if a := c.post("/admin/keys", url.Values{"name": {"fra-tester"}}); a.code != http.StatusForbidden {
			t.Fatalf("create without CSRF token = %d", a.code)
		}
		for name, want := range map[string]string{"Bad Name": "1–64 characters", "default": "set in the config file"} {
			a := c.post("/admin/keys", url.Values{"csrf_token": {tok}, "name": {name}})
			if a.code != http.StatusUnprocessableEntity {
				t.Fatalf("name %q: %d", name, a.code)
			}
			mustContain(t, "refused key page", a.body, `id="key-name-error"`, want, `aria-invalid="true"`)
		}
		a := c.post("/admin/keys", url.Values{"csrf_token": {tok}, "name": {"fra-tester"}})
		m := secretField.FindStringSubmatch(a.body)
		if a.code != http.StatusOK || m == nil {
			t.Fatalf("create = %d, secret field not found:\n%s", a.code, a.body)
		}
		secret := m[1]
		if a.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the page with the secret may be cached: %q", a.header.Get("Cache-Control"))
		}
		if code := e.postStats(secret); code != http.StatusOK {
			t.Fatalf("post_stats with the new key = %d", code)
		}
		list := c.get("/admin/keys")
		if strings.Contains(list.body, secret) || strings.Contains(list.body, `id="new-secret"`) {
			t.Fatal("the secret is shown again")
		}
		mustContain(t, "keys page", list.body, "fra-tester", "active", `id="config-keys"`, "<code>default</code>")
		keys, _ := e.st.IngestKeys(context.Background())
		if len(keys) != 1 {
			t.Fatalf("keys %+v", keys)
		}
		a = c.post("/admin/keys/"+itoa(keys[0].ID)+"/revoke", url.Values{"csrf_token": {tok}})
		if a.code != http.StatusSeeOther {
			t.Fatalf("revoke = %d %s", a.code, a.body)
		}
		if code := e.postStats(secret); code != http.StatusForbidden {
			t.Fatalf("post_stats with the revoked key = %d", code)
		}
		if code := e.postStats(configSecret); code != http.StatusOK {
			t.Fatalf("post_stats with the config key = %d", code)
		}
		mustContain(t, "keys page after revoke", c.get("/admin/keys?done=revoked").body, "Key revoked", "revoked <time")
		log, _ := e.st.AuditLog(context.Background(), models.AuditQuery{Actor: adminUser})
		if len(log) < 3 || log[0].Action != "ingest_key.revoke" || log[1].Action != "ingest_key.create" {
			t.Fatalf("audit %+v", log)
		}
	})
}

func TestSchedulePage(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newToolsEnv(t, dialect)
		c := e.client()
		tok := c.login()
		page := c.get("/admin/schedule")
		mustContain(t, "schedule page", page.body, `id="applies">config file`, `<code id="current-expr">@every 6h</code>`, `id="next-runs"`)
		a := c.post("/admin/schedule", url.Values{"csrf_token": {tok}, "expr": {"61 * * * *"}, "enabled": {"1"}})
		if a.code != http.StatusUnprocessableEntity {
			t.Fatalf("bad cron = %d", a.code)
		}
		mustContain(t, "refused schedule", a.body, `id="expr-error"`, "above maximum", `value="61 * * * *"`)
		p := c.get("/admin/schedule/preview?expr=" + url.QueryEscape("@every 10s"))
		mustContain(t, "preview of a too frequent schedule", p.body, `id="preview-error"`, "more often than once every 1m0s")
		p = c.get("/admin/schedule/preview?expr=" + url.QueryEscape("0 3 * * *"))
		if n := strings.Count(p.body, "<time "); n != 5 {
			t.Fatalf("preview shows %d runs:\n%s", n, p.body)
		}
		a = c.post("/admin/schedule", url.Values{"csrf_token": {tok}, "expr": {"0 */2 * * *"}, "enabled": {"1"}})
		if a.code != http.StatusSeeOther {
			t.Fatalf("save = %d %s", a.code, a.body)
		}
		page = c.get(a.header.Get("Location"))
		mustContain(t, "saved schedule", page.body, `id="applies">set here`, `<code id="current-expr">0 */2 * * *</code>`, "Schedule saved")
		if n := strings.Count(page.body[strings.Index(page.body, `id="next-runs"`):strings.Index(page.body, `id="edit-h"`)], "<time "); n != 5 {
			t.Fatalf("%d next runs shown", n)
		}
		testutil.Eventually(t, "the scheduler to follow", func() bool { return e.sched.Active().Expr == "0 */2 * * *" })
		a = c.post("/admin/schedule", url.Values{"csrf_token": {tok}, "expr": {"0 */2 * * *"}})
		if a.code != http.StatusSeeOther {
			t.Fatalf("disable = %d", a.code)
		}
		mustContain(t, "disabled schedule", c.get("/admin/schedule").body, `id="disabled"`, "No scheduled sweeps")
		testutil.Eventually(t, "the scheduler to stop", func() bool { return !e.sched.Active().Enabled })
		if a = c.post("/admin/schedule/reset", url.Values{"csrf_token": {tok}}); a.code != http.StatusSeeOther {
			t.Fatalf("reset = %d", a.code)
		}
		testutil.Eventually(t, "the config's schedule", func() bool { return e.sched.Active().Origin == "config" })
	})
}

// TestTestDefinitionPages: disabling a pipeline in the page takes it out
// of the next plan; parameters are validated against the pipeline.
func TestTestDefinitionPages(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newToolsEnv(t, dialect)
		c := e.client()
		tok := c.login()
		list := c.get("/admin/tests")
		for _, p := range jobs.DefinitionNames() {
			mustContain(t, "tests page", list.body, `id="test-`+jobs.Definitions[p].Route+`"`)
		}
		mustContain(t, "llm test page", c.get("/admin/tests/llm").body, "max_tokens", `id="default-request"`, `checked`)
		if c.get("/admin/tests/nope").code != http.StatusNotFound {
			t.Fatal("unknown pipeline page found")
		}
		a := c.post("/admin/tests/llm", url.Values{"csrf_token": {tok}, "enabled": {"1"}, "params": {`{"width": 4}`}})
		if a.code != http.StatusUnprocessableEntity {
			t.Fatalf("bad params = %d", a.code)
		}
		mustContain(t, "refused params", a.body, `id="params-error"`, "takes no parameter &#34;width&#34;")
		if !plannedPipelines(t, e.st)["Llm"] {
			t.Fatal("Llm is not planned before it is disabled")
		}
		a = c.post("/admin/tests/llm", url.Values{"csrf_token": {tok}, "params": {`{"max_tokens": 8}`}})
		if a.code != http.StatusSeeOther {
			t.Fatalf("disable = %d %s", a.code, a.body)
		}
		planned := plannedPipelines(t, e.st)
		if planned["Llm"] || len(planned) != len(jobs.Definitions)-1 {
			t.Fatalf("planned after disabling Llm: %v", planned)
		}
		row := c.get("/admin/tests").body
		row = row[strings.Index(row, `id="test-llm"`):]
		mustContain(t, "llm row", row[:strings.Index(row, "</tr>")], "disabled", "max_tokens", adminUser)
		if a = c.post("/admin/tests/llm/reset", url.Values{"csrf_token": {tok}}); a.code != http.StatusSeeOther {
			t.Fatalf("reset = %d", a.code)
		}
		if !plannedPipelines(t, e.st)["Llm"] {
			t.Fatal("Llm is not planned after the reset")
		}
	})
}

func TestRegionPages(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newToolsEnv(t, dialect)
		c := e.client()
		tok := c.login()
		form := url.Values{"csrf_token": {tok}, "name": {"WAW"}, "display_name": {"Warsaw"}, "job_type": {"transcoding"}, "description": {"Polish hosts"}}
		a := c.post("/admin/regions", form)
		if a.code != http.StatusSeeOther {
			t.Fatalf("create = %d %s", a.code, a.body)
		}
		mustContain(t, "regions page", c.get("/admin/regions?done=created").body, "Region created", "<code>WAW</code>", "Polish hosts")
		a = c.post("/admin/regions", form)
		if a.code != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate = %d", a.code)
		}
		mustContain(t, "duplicate region", a.body, `id="form-error"`, "already exists for transcoding")
		// In use: a tester posted to it.
		body := `{"region":"WAW","orchestrator":"` + addr(3) + `","success_rate":1,"round_trip_time":1,"errors":[],"timestamp":1,"seg_duration":2}`
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/post_stats", strings.NewReader(body))
		req.Header.Set("Authorization", signBody(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("post to the new region: %v %v", err, resp)
		}
		resp.Body.Close()
		regions, _ := e.st.RegionDetails(context.Background())
		var waw, fra models.RegionDetail
		for _, r := range regions {
			switch {
			case r.Name == "WAW":
				waw = r
			case r.Name == "FRA" && r.JobType == "ai":
				fra = r
			}
		}
		a = c.post("/admin/regions/"+itoa(waw.ID)+"/delete", url.Values{"csrf_token": {tok}})
		if a.code != http.StatusConflict {
			t.Fatalf("delete in use = %d", a.code)
		}
		mustContain(t, "refused delete", a.body, `id="form-error"`, "WAW", "stored results", "can not be removed")
		a = c.post("/admin/regions/"+itoa(fra.ID)+"/delete", url.Values{"csrf_token": {tok}})
		if a.code != http.StatusConflict || !strings.Contains(a.body, "`region` setting") {
			t.Fatalf("delete of the tester's region = %d", a.code)
		}
		edit := url.Values{"csrf_token": {tok}, "name": {"WAW"}, "display_name": {"Warszawa"}, "job_type": {"transcoding"}}
		if a = c.post("/admin/regions/"+itoa(waw.ID), edit); a.code != http.StatusSeeOther {
			t.Fatalf("edit = %d %s", a.code, a.body)
		}
		edit.Set("name", "KRK")
		if a = c.post("/admin/regions/"+itoa(waw.ID), edit); a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, "can not change") {
			t.Fatalf("rename in use = %d", a.code)
		}
	})
}

func signBody(body string) string { return ingest.Sign(configSecret, []byte(body)) }

// TestTestNowAndLivePreview: "Test now" stores a sweep of that one
// orchestrator and sends the admin to its run page; the live preview
// serves a running test's latest frame and stops with the test.
func TestTestNowAndLivePreview(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newToolsEnv(t, dialect)
		c := e.client()
		tok := c.login()
		a := c.post("/admin/test", url.Values{"csrf_token": {tok}, "orchestrator": {"0x12"}})
		if a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="test-orchestrator-error"`) {
			t.Fatalf("bad address = %d", a.code)
		}
		a = c.post("/admin/orchestrators/"+addr(5)+"/test", url.Values{"csrf_token": {tok}})
		if a.code != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/runs/") {
			t.Fatalf("test now = %d to %q", a.code, a.header.Get("Location"))
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(a.header.Get("Location"), "/runs/"), 10, 64)
		testutil.Eventually(t, "the sweep to end", func() bool {
			sw, err := e.st.GetSweep(context.Background(), id)
			return err == nil && sw.Status != models.SweepRunning
		})
		sw, _ := e.st.GetSweep(context.Background(), id)
		if sw.StartedBy != "admin" || !strings.Contains(sw.Error, addr(5)) {
			t.Fatalf("sweep %+v", sw)
		}
		if log, _ := e.st.AuditLog(context.Background(), models.AuditQuery{Actor: adminUser}); log[0].Action != "sweep.start" {
			t.Fatalf("audit %+v", log[0])
		}

		mustContain(t, "no live tests", c.get("/admin/test").body, `id="no-live"`)
		end := e.previews.Begin(jobs.LiveStream{StreamID: "stream-1", Orchestrator: addr(5), Model: "streamdiffusion", StartedAt: time.Now()})
		page := c.get("/admin/test").body
		mustContain(t, "live list", page, `id="live-stream-1"`, `hx-get="/admin/live/stream-1/frame"`, "Waiting for output")
		if c.get("/admin/live/stream-1/frame.jpg").code != http.StatusNotFound {
			t.Fatal("a frame before any output")
		}
		img := image.NewYCbCr(image.Rect(0, 0, 64, 64), image.YCbCrSubsampleRatio420)
		e.previews.Frame("stream-1", img, time.Now())
		f := c.get("/admin/live/stream-1/frame.jpg")
		if f.code != http.StatusOK || f.header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(f.body, "\xff\xd8") {
			t.Fatalf("frame = %d %q", f.code, f.header.Get("Content-Type"))
		}
		mustContain(t, "frame fragment", c.get("/admin/live/stream-1/frame").body, `<img src="/admin/live/stream-1/frame.jpg?n=`, `hx-trigger="every 1s"`)
		end()
		frag := c.get("/admin/live/stream-1/frame").body
		if strings.Contains(frag, "hx-trigger") || !strings.Contains(frag, "has ended") {
			t.Fatalf("an ended test keeps polling: %s", frag)
		}
	})
}
