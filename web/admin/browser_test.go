package admin_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jobtester/models"
	"jobtester/web/webtest"
)

// TestAdminInTheBrowser walks the admin's mapping work in headless
// Chromium: the login redirect, a wrong password, login, a refused input
// with its error beside the field, create, edit, delete, a form posted
// without its CSRF token, and logout. Screenshots are kept as artifacts.
func TestAdminInTheBrowser(t *testing.T) {
	e := newEnv(t, "sqlite", envOptions{})
	b := webtest.New(t)
	loginInTheBrowser(t, e, b)
	refuseABadURI(t, e, b)
	row := createAndEditAMapping(t, e, b)
	refuseWithoutCSRF(t, e, b)
	deleteTheMapping(t, e, b, row)
	showTheReconciliation(t, e, b)
	fitAPhone(t, e, b)
	logoutInTheBrowser(t, e, b)
}

// loginInTheBrowser: logged out, an admin page sends the browser to the
// login form; a wrong password is refused, the right one leads to the page
// asked for.
func loginInTheBrowser(t *testing.T, e *env, b *webtest.Browser) {
	base := e.srv.URL
	b.Navigate(base + "/admin/mappings")
	b.WaitVisible("#login-form")
	if want := base + "/admin/login?next=" + url.QueryEscape("/admin/mappings"); b.Location() != want {
		t.Fatalf("logged out: at %s, want %s", b.Location(), want)
	}
	b.Screenshot("login")

	b.Fill("#username", adminUser)
	b.Fill("#password", "not the password")
	b.Click("#login")
	b.WaitVisible("#login-error")
	if got := b.Text("#login-error"); got != "Wrong username or password." {
		t.Fatalf("login error %q", got)
	}
	b.Fill("#password", adminPassword)
	b.Click("#login")
	b.WaitVisible("#mapping-form")
	if !strings.HasSuffix(b.Location(), "/admin/mappings") {
		t.Fatalf("after login at %s, want the page asked for", b.Location())
	}
	if got := b.Text("#admin-user"); got != adminUser {
		t.Fatalf("logged in as %q", got)
	}
}

// refuseABadURI: the error appears next to the field, and nothing is stored.
func refuseABadURI(t *testing.T, e *env, b *webtest.Browser) {
	ctx := context.Background()
	b.Fill("#orchestrator", addr(0xabc))
	b.Fill("#uri", "orch.example.com:8935")
	b.Click("#job-type-ai")
	b.Click("#save")
	b.WaitVisible("#uri-error")
	if got := b.Text("#uri-error"); !strings.Contains(got, "absolute http(s) URL") {
		t.Fatalf("URI error %q", got)
	}
	// Beside the field: the error directly follows the URI input's hint,
	// and the input says it is invalid and names the error.
	adjacent := webtest.Eval[bool](b, `(() => {
		const input = document.querySelector('#uri');
		const err = document.querySelector('#uri-error');
		return input.getAttribute('aria-invalid') === 'true' &&
			input.getAttribute('aria-describedby').split(' ').includes('uri-error') &&
			input.nextElementSibling.nextElementSibling === err;
	})()`)
	if !adjacent {
		t.Fatal("the URI error is not beside the URI field")
	}
	if v, _ := b.Attr("#orchestrator", "value"); v != addr(0xabc) {
		t.Fatalf("the refused form lost the address: %q", v)
	}
	b.Screenshot("bad-input")
	if ms, _ := e.st.Mappings(ctx); len(ms) != 0 {
		t.Fatalf("a refused form stored %+v", ms)
	}
}

// createAndEditAMapping returns the selector of the mapping's row.
func createAndEditAMapping(t *testing.T, e *env, b *webtest.Browser) string {
	ctx := context.Background()
	b.Fill("#uri", "https://orch.example.com:8935")
	b.Click("#save")
	b.WaitVisible("#done")
	ms, _ := e.st.Mappings(ctx)
	if len(ms) != 1 || ms[0].URI != "https://orch.example.com:8935" || ms[0].JobTypes != "ai" {
		t.Fatalf("created %+v", ms)
	}
	row := "#mapping-" + itoa(ms[0].ID)
	if got := b.Text(row); !strings.Contains(got, "https://orch.example.com:8935") || !strings.Contains(got, addr(0xabc)) {
		t.Fatalf("row after create: %q", got)
	}
	b.Screenshot("created")

	// Edit.
	b.Click(row + " a.edit")
	b.WaitVisible("#mapping-form")
	b.Fill("#uri", "https://gpu.example.com:9935")
	b.Click("#job-type-live")
	b.Click("#save")
	b.WaitVisible("#done")
	if got := b.Text(row); !strings.Contains(got, "https://gpu.example.com:9935") || !strings.Contains(got, "ai, live") {
		t.Fatalf("row after edit: %q", got)
	}
	b.Screenshot("edited")

	return row
}

// refuseWithoutCSRF: a form whose CSRF field was taken out is refused with
// 403, and so is a script's POST that carries the session cookie but no
// token.
func refuseWithoutCSRF(t *testing.T, e *env, b *webtest.Browser) {
	ctx, base := context.Background(), e.srv.URL
	b.Fill("#orchestrator", addr(0xdef))
	b.Fill("#uri", "https://other.example.com:8935")
	b.Click("#job-type-transcoding")
	webtest.Eval[bool](b, `(() => { document.querySelector('#mapping-form input[name=csrf_token]').remove(); return true; })()`)
	b.Click("#save")
	b.WaitFor("the refusal page", `document.querySelector('h1') && document.querySelector('h1').innerText === 'Forbidden'`)
	if got := b.Text("main"); !strings.Contains(got, "CSRF token") {
		t.Fatalf("refusal page says %q", got)
	}
	b.Screenshot("csrf-refused")
	b.Navigate(base + "/admin/mappings")
	status := webtest.Get(b, "a script's POST without token", chromedp.Evaluate[int](`fetch('/admin/mappings', {
		method: 'POST', credentials: 'same-origin',
		body: new URLSearchParams({orchestrator: '`+addr(0xdef)+`', uri: 'https://x.example.com:1', job_types: 'ai'})
	}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Fatalf("script POST without token = %d, want 403", status)
	}
	if ms, _ := e.st.Mappings(ctx); len(ms) != 1 {
		t.Fatalf("a POST without CSRF token stored a mapping: %+v", ms)
	}
}

// deleteTheMapping goes through the confirmation page; the audit log page
// then shows the three changes.
func deleteTheMapping(t *testing.T, e *env, b *webtest.Browser, row string) {
	ctx, base := context.Background(), e.srv.URL
	b.Click(row + " a.delete")
	b.WaitVisible("#confirm-delete")
	b.Screenshot("delete-confirm")
	b.Click("#confirm-delete")
	b.WaitVisible("#done")
	if got := b.Text("#done"); got != "Mapping deleted." {
		t.Fatalf("after delete: %q", got)
	}
	b.WaitGone(row)
	if ms, _ := e.st.Mappings(ctx); len(ms) != 0 {
		t.Fatalf("after delete: %+v", ms)
	}

	// The audit log page shows the three changes.
	b.Navigate(base + "/admin/audit")
	actions := b.Texts("table.audit tbody td:nth-child(3)")
	if strings.Join(actions, ",") != "mapping.delete,mapping.update,mapping.create,session.login,admin_user.create" {
		t.Fatalf("audit log actions %v", actions)
	}
	b.Screenshot("audit")
}

// showTheReconciliation of a small network: one node whose AI registry URI
// a mapping overrides, one that reported no capabilities.
func showTheReconciliation(t *testing.T, e *env, b *webtest.Browser) {
	ctx, base := context.Background(), e.srv.URL
	orchs := []models.DiscoveredOrchestrator{
		{Address: addr(1), ServiceURI: "https://a.example.com:8935", AIServiceURI: "https://a-ai.example.com:8935", Active: true, Sources: "gateway,chain"},
		{Address: addr(2), ServiceURI: "https://b.example.com:8935", Active: true, Sources: "gateway"},
	}
	caps := []models.AdvertisedCapability{{Orchestrator: addr(1), Pipeline: "Llm", Model: "m", Capacity: -1}}
	if err := e.st.SaveDiscovery(ctx, orchs, caps); err != nil {
		t.Fatal(err)
	}
	m := models.URIMapping{Orchestrator: addr(1), URI: "https://a-gpu.example.com:8935", JobTypes: "ai"}
	if err := e.st.SaveMappingAudited(ctx, "test", &m); err != nil {
		t.Fatal(err)
	}
	b.Navigate(base + "/admin/reconciliation")
	if got := b.Text("#count-conflict"); got != "1" {
		t.Errorf("conflicts shown: %s", got)
	}
	if w, _ := b.Attr("#orch-"+addr(2), "data-worst"); w != "unreachable" {
		t.Errorf("orchestrator 2 flagged %q, want unreachable", w)
	}
	b.Screenshot("reconciliation")
}

// fitAPhone: at phone width the pages do not scroll sideways.
func fitAPhone(t *testing.T, e *env, b *webtest.Browser) {
	base := e.srv.URL
	b.SetViewport(375, 800)
	b.Navigate(base + "/admin/reconciliation")
	if !webtest.Eval[bool](b, `document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Errorf("reconciliation scrolls sideways at 375 px: %d > %d",
			webtest.Eval[int](b, `document.documentElement.scrollWidth`), webtest.Eval[int](b, `window.innerWidth`))
	}
	b.Screenshot("reconciliation-phone")
	b.Navigate(base + "/admin/mappings")
	if !webtest.Eval[bool](b, `document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Error("mappings page scrolls sideways at 375 px")
	}
	b.Screenshot("mappings-phone")
	b.SetViewport(1280, 900)
}

// logoutInTheBrowser: logout ends the session, and admin pages send the
// browser to login again.
func logoutInTheBrowser(t *testing.T, e *env, b *webtest.Browser) {
	base := e.srv.URL
	b.Click("#logout")
	b.WaitVisible("#login-form")
	b.Navigate(base + "/admin")
	b.WaitVisible("#login-form")
	if errs := b.JSErrors(); len(errs) != 0 {
		t.Fatalf("JavaScript errors: %v", errs)
	}
}

// TestLoginRateLimitInTheBrowser: after loginLimit wrong passwords the
// form answers that the browser must wait, even for the right password.
func TestLoginRateLimitInTheBrowser(t *testing.T) {
	e := newEnv(t, "sqlite", envOptions{})
	b := webtest.New(t)
	b.Navigate(e.srv.URL + "/admin/login")
	for i := 0; i < loginLimit; i++ {
		b.Fill("#username", adminUser)
		b.Fill("#password", "guess "+itoa(int64(i)))
		b.Click("#login")
		b.WaitFor("the refusal of guess "+itoa(int64(i)),
			`document.querySelector('#login-error') !== null && document.querySelector('#password').value === ''`)
		if got := b.Text("#login-error"); got != "Wrong username or password." {
			t.Fatalf("guess %d: %q", i, got)
		}
	}
	b.Fill("#username", adminUser)
	b.Fill("#password", adminPassword)
	b.Click("#login")
	b.WaitFor("the rate limit", `document.querySelector('#login-error') !== null &&
		document.querySelector('#login-error').innerText.startsWith('Too many failed logins')`)
	b.Screenshot("rate-limited")
	b.Navigate(e.srv.URL + "/admin")
	b.WaitVisible("#login-form")
	if log, _ := e.st.AuditLog(context.Background(), models.AuditQuery{Actor: adminUser}); len(log) != 0 {
		t.Fatalf("a rate-limited login was recorded as a login: %+v", log)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
