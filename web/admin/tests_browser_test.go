package admin_test

import (
	"context"
	"image"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jobtester/jobs"
	"jobtester/testutil"
	"jobtester/web/webtest"
)

// TestAdminToolsInTheBrowser walks the run-time configuration pages in
// headless Chromium: an ingest key created (its secret shown once, then
// never again) signs post_stats until it is revoked; a bad cron shows its
// error and a good one its next runs; a disabled test definition leaves
// the next plan; a region is created; "Test now" lands on the run's page;
// a running live test's frame refreshes. Screenshots are kept.
func TestAdminToolsInTheBrowser(t *testing.T) {
	e := newToolsEnv(t, "sqlite")
	b := webtest.New(t)
	b.Navigate(e.srv.URL + "/admin/keys")
	b.WaitVisible("#login-form")
	b.Fill("#username", adminUser)
	b.Fill("#password", adminPassword)
	b.Click("#login")
	b.WaitVisible("#key-form")
	createAndRevokeAKey(t, e, b)
	saveASchedule(t, e, b)
	disableATest(t, e, b)
	createARegion(t, e, b)
	previewAndTestNow(t, e, b)
	toolsFitAPhone(t, e, b)
}

// createAndRevokeAKey: the secret is on the answer to the create, once; it
// signs post_stats until the key is revoked.
func createAndRevokeAKey(t *testing.T, e *toolsEnv, b *webtest.Browser) {
	ctx, base := context.Background(), e.srv.URL
	b.Fill("#key-name", "stream-tester-fra")
	b.Click("#create-key")
	b.WaitVisible("#new-secret")
	secret, _ := b.Attr("#new-secret", "value")
	if len(secret) != 64 || strings.Trim(secret, "0123456789abcdef") != "" {
		t.Fatalf("secret shown %q", secret)
	}
	b.Screenshot("key-created")
	if code := e.postStats(secret); code != http.StatusOK {
		t.Fatalf("post_stats signed with the new key = %d", code)
	}
	b.Navigate(base + "/admin/keys")
	b.WaitVisible("#keys")
	if webtest.Eval[bool](b, `document.querySelector('#new-secret') !== null || document.documentElement.innerHTML.includes('`+secret+`')`) {
		t.Fatal("the secret is shown again")
	}
	keys, _ := e.st.IngestKeys(ctx)
	row := "#key-" + itoa(keys[0].ID)
	if got := b.Text(row + " .status"); got != "active" {
		t.Fatalf("key status %q", got)
	}
	b.Click(row + " button.revoke")
	b.WaitVisible("#done")
	if got := b.Text(row + " .status"); !strings.HasPrefix(got, "revoked") {
		t.Fatalf("after revoke: %q", got)
	}
	if code := e.postStats(secret); code != http.StatusForbidden {
		t.Fatalf("post_stats signed with the revoked key = %d, want 403", code)
	}
	b.Screenshot("key-revoked")
}

// saveASchedule: a bad expression shows why as it is typed and when saved;
// a good one its next runs, and the running scheduler follows it.
func saveASchedule(t *testing.T, e *toolsEnv, b *webtest.Browser) {
	base := e.srv.URL
	b.Navigate(base + "/admin/schedule")
	b.WaitVisible("#schedule-form")
	b.Fill("#expr", "61 * * * *")
	b.WaitVisible("#preview-error")
	if got := b.Text("#preview-error"); !strings.Contains(got, "above maximum") {
		t.Fatalf("preview error %q", got)
	}
	b.Click("#save-schedule")
	b.WaitVisible("#expr-error")
	if got := b.Text("#expr-error"); !strings.Contains(got, "above maximum") {
		t.Fatalf("schedule error %q", got)
	}
	b.Screenshot("schedule-bad")
	b.Fill("#expr", "0 */2 * * *")
	b.WaitVisible("#preview-runs")
	b.Click("#save-schedule")
	b.WaitVisible("#done")
	runs := b.Texts("#next-runs tbody tr")
	if len(runs) != 5 || b.Text("#current-expr") != "0 */2 * * *" {
		t.Fatalf("next runs %q for %q", runs, b.Text("#current-expr"))
	}
	testutil.Eventually(t, "the running scheduler to follow", func() bool { return e.sched.Active().Expr == "0 */2 * * *" })
	b.Screenshot("schedule-saved")
}

// disableATest: disabled in the page, gone from the next plan.
func disableATest(t *testing.T, e *toolsEnv, b *webtest.Browser) {
	base := e.srv.URL
	b.Navigate(base + "/admin/tests")
	b.Click("#test-llm a.edit")
	b.WaitVisible("#test-form")
	b.Click("#enabled")
	b.Click("#save-test")
	b.WaitVisible("#done")
	if got := b.Text("#test-llm .status"); got != "disabled" {
		t.Fatalf("Llm status %q", got)
	}
	if planned := plannedPipelines(t, e.st); planned["Llm"] || len(planned) != len(jobs.Definitions)-1 {
		t.Fatalf("planned after disabling Llm: %v", planned)
	}
	b.Screenshot("test-disabled")
}

// createARegion through the form; it is stored and listed.
func createARegion(t *testing.T, e *toolsEnv, b *webtest.Browser) {
	ctx, base := context.Background(), e.srv.URL
	b.Navigate(base + "/admin/regions")
	b.Fill("#region-name", "WAW")
	b.Click("#type-transcoding")
	b.Fill("#display-name", "Warsaw")
	// Typed rather than Fill: chromedp.Clear fails on an empty textarea.
	b.Do("type the description", chromedp.SendKeys(chromedp.CSS("#description"), "Hosts in Poland"))
	b.Click("#save-region")
	b.WaitVisible("#done")
	regions, _ := e.st.Regions(ctx)
	found := false
	for _, r := range regions {
		found = found || (r.Name == "WAW" && r.JobType == "transcoding")
	}
	if !found || !strings.Contains(b.Text("#regions"), "Hosts in Poland") {
		t.Fatal("the region is not listed or stored")
	}
	b.Screenshot("region-created")
}

// previewAndTestNow: a running live test's frame refreshes; "Test now"
// lands on the run's page.
func previewAndTestNow(t *testing.T, e *toolsEnv, b *webtest.Browser) {
	base := e.srv.URL
	end := e.previews.Begin(jobs.LiveStream{StreamID: "live-1", Orchestrator: addr(5), Model: "streamdiffusion", StartedAt: time.Now()})
	defer end()
	frame := image.NewYCbCr(image.Rect(0, 0, 128, 128), image.YCbCrSubsampleRatio420)
	e.previews.Frame("live-1", frame, time.Now())
	b.Navigate(base + "/admin/test")
	b.WaitFor("the live frame", `(() => { const i = document.querySelector('#live-live-1 img'); return i !== null && i.complete && i.naturalWidth === 128; })()`)
	first, _ := b.Attr("#live-live-1 img", "src")
	b.WaitFor("the frame to refresh", `document.querySelector('#live-live-1 img') !== null && document.querySelector('#live-live-1 img').getAttribute('src') !== '`+first+`'`)
	b.Screenshot("live-preview")
	b.Fill("#test-orchestrator", addr(5))
	b.Click("#test-now")
	b.WaitFor("the run page", `location.pathname.startsWith('/runs/') && document.readyState === 'complete'`)
	b.WaitVisible("main h1")
	b.Screenshot("test-now-run")
}

// toolsFitAPhone: at phone width the tools' pages do not scroll sideways.
func toolsFitAPhone(t *testing.T, e *toolsEnv, b *webtest.Browser) {
	base := e.srv.URL
	b.SetViewport(375, 800)
	for _, p := range []string{"/admin/keys", "/admin/schedule", "/admin/tests", "/admin/tests/llm", "/admin/regions", "/admin/test"} {
		b.Navigate(base + p)
		if !webtest.Eval[bool](b, `document.documentElement.scrollWidth <= window.innerWidth`) {
			t.Errorf("%s scrolls sideways at 375 px", p)
			b.Screenshot("phone" + strings.ReplaceAll(p, "/", "-"))
		}
	}
	b.Navigate(base + "/admin/schedule")
	b.Screenshot("schedule-phone")
	if errs := b.JSErrors(); len(errs) != 0 {
		t.Fatalf("JavaScript errors: %v", errs)
	}
}
