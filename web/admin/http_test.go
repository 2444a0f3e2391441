package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jobtester/models"
)

func TestLoggedOutAdminPagesRedirectToLogin(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, envOptions{})
		c := e.client()
		for _, path := range []string{"/admin", "/admin/mappings", "/admin/mappings/1/edit", "/admin/reconciliation",
			"/admin/audit?actor=x", "/admin/no-such-page"} {
			a := c.get(path)
			want := "/admin/login?next=" + url.QueryEscape(path)
			if a.code != http.StatusSeeOther || a.header.Get("Location") != want {
				t.Errorf("GET %s = %d to %q, want 303 to %q", path, a.code, a.header.Get("Location"), want)
			}
		}
		// htmx cannot follow a redirect into a fragment: 401 and HX-Redirect.
		a := c.do(http.MethodGet, "/admin/mappings", nil, map[string]string{"HX-Request": "true"})
		if a.code != http.StatusUnauthorized || !strings.HasPrefix(a.header.Get("HX-Redirect"), "/admin/login?next=") {
			t.Errorf("htmx GET = %d, HX-Redirect %q", a.code, a.header.Get("HX-Redirect"))
		}
		// A write while logged out is refused before anything is read.
		a = c.post("/admin/mappings", url.Values{"orchestrator": {addr(1)}, "uri": {"https://a:8935"}, "job_types": {"ai"}})
		if a.code != http.StatusForbidden {
			t.Errorf("logged-out POST = %d, want 403", a.code)
		}
		// The login page itself is open, with a form and a CSRF field.
		a = c.get("/admin/login?next=/admin/audit")
		if a.code != http.StatusOK || a.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("login page = %d, Cache-Control %q", a.code, a.header.Get("Cache-Control"))
		}
		mustContain(t, "login page", a.body, `<label for="username">`, `<label for="password">`, `name="next" value="/admin/audit"`)
		token(t, a)
		if strings.Contains(a.body, `id="no-admin"`) {
			t.Error("login page says there is no admin account")
		}
	})
}

func TestLoginSessionAndLogout(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, envOptions{})
		c := e.client()
		page := c.get("/admin/login?next=/admin/reconciliation")
		tok := token(t, page)
		// The login form needs its CSRF token too.
		a := c.post("/admin/login", url.Values{"username": {adminUser}, "password": {adminPassword}})
		if a.code != http.StatusForbidden {
			t.Fatalf("login without CSRF token = %d, want 403", a.code)
		}
		a = c.post("/admin/login", url.Values{"csrf_token": {tok}, "username": {adminUser}, "password": {"wrong password"}})
		if a.code != http.StatusUnauthorized || !strings.Contains(a.body, "Wrong username or password.") {
			t.Fatalf("wrong password = %d", a.code)
		}
		if !strings.Contains(a.body, `value="`+adminUser+`"`) || strings.Contains(a.body, "wrong password") {
			t.Error("the form should keep the username and never echo the password")
		}
		a = c.post("/admin/login", url.Values{"csrf_token": {tok}, "username": {"nobody"}, "password": {adminPassword}})
		if a.code != http.StatusUnauthorized || !strings.Contains(a.body, "Wrong username or password.") {
			t.Fatalf("unknown user = %d", a.code)
		}
		a = c.post("/admin/login", url.Values{"csrf_token": {tok}, "username": {adminUser}, "password": {adminPassword},
			"next": {"/admin/reconciliation"}})
		if a.code != http.StatusSeeOther || a.header.Get("Location") != "/admin/reconciliation" {
			t.Fatalf("login = %d to %q", a.code, a.header.Get("Location"))
		}
		var session *http.Cookie
		for _, ck := range parseSetCookies(a.header) {
			if ck.Name == "jobtester_session" {
				session = ck
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/" {
			t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure on plain HTTP, Path=/", session)
		}
		a = c.get("/admin")
		if a.code != http.StatusOK {
			t.Fatalf("overview after login = %d", a.code)
		}
		mustContain(t, "overview", a.body, `id="admin-user">`+adminUser, `<nav aria-label="Admin">`, `action="/admin/logout"`)
		// Logged in, the login page sends you on.
		if a := c.get("/admin/login?next=/admin/audit"); a.code != http.StatusSeeOther || a.header.Get("Location") != "/admin/audit" {
			t.Errorf("login page when logged in = %d to %q", a.code, a.header.Get("Location"))
		}
		stok := token(t, c.get("/admin"))
		if a := c.post("/admin/logout", url.Values{}); a.code != http.StatusForbidden {
			t.Errorf("logout without token = %d, want 403", a.code)
		}
		if a := c.post("/admin/logout", url.Values{"csrf_token": {stok}}); a.code != http.StatusSeeOther {
			t.Fatalf("logout = %d", a.code)
		}
		if a := c.get("/admin"); a.code != http.StatusSeeOther {
			t.Fatalf("after logout /admin = %d, want a redirect to login", a.code)
		}
		// The old cookie is dead on the server too, not just cleared.
		c2 := e.client()
		u, _ := url.Parse(e.srv.URL)
		c2.jar.SetCookies(u, []*http.Cookie{{Name: "jobtester_session", Value: session.Value}})
		if a := c2.get("/admin"); a.code != http.StatusSeeOther {
			t.Fatalf("replayed session cookie after logout = %d", a.code)
		}
		log, _ := e.st.AuditLog(context.Background(), models.AuditQuery{Actor: adminUser})
		if len(log) != 2 || log[0].Action != "session.logout" || log[1].Action != "session.login" {
			t.Errorf("audit of the session: %+v", log)
		}
	})
}

func parseSetCookies(h http.Header) []*http.Cookie {
	r := http.Response{Header: h}
	return r.Cookies()
}

func TestSecureCookieBehindTLS(t *testing.T) {
	e := newEnv(t, "sqlite", envOptions{})
	c := e.client()
	tok := token(t, c.get("/admin/login"))
	a := c.do(http.MethodPost, "/admin/login", url.Values{"csrf_token": {tok}, "username": {adminUser}, "password": {adminPassword}},
		map[string]string{"X-Forwarded-Proto": "https"})
	found := false
	for _, ck := range parseSetCookies(a.header) {
		if ck.Name == "jobtester_session" {
			found = true
			if !ck.Secure {
				t.Errorf("session cookie over (proxied) TLS is not Secure: %+v", ck)
			}
		}
	}
	if !found {
		t.Fatalf("no session cookie: %d", a.code)
	}
}

func TestLoginRateLimit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, envOptions{})
		c := e.client()
		tok := token(t, c.get("/admin/login"))
		for i := 0; i < loginLimit; i++ {
			a := c.post("/admin/login", url.Values{"csrf_token": {tok}, "username": {adminUser}, "password": {"guess " + strconv.Itoa(i)}})
			if a.code != http.StatusUnauthorized {
				t.Fatalf("bad login %d = %d, want 401", i+1, a.code)
			}
		}
		a := c.post("/admin/login", url.Values{"csrf_token": {tok}, "username": {adminUser}, "password": {adminPassword}})
		retry, err := strconv.Atoi(a.header.Get("Retry-After"))
		if a.code != http.StatusTooManyRequests || err != nil || retry < 1 || retry > 60 {
			t.Fatalf("login after %d failures = %d, Retry-After %q; want 429 with 1..60 s", loginLimit, a.code, a.header.Get("Retry-After"))
		}
		mustContain(t, "rate-limited page", a.body, "Too many failed logins")
		if a := c.get("/admin"); a.code != http.StatusSeeOther {
			t.Fatalf("a rate-limited login logged in: /admin = %d", a.code)
		}
	})
}

func TestNoAdminAccountSaysHowToCreateOne(t *testing.T) {
	e := newEnv(t, "sqlite", envOptions{noAdmin: true})
	a := e.client().get("/admin/login")
	if a.code != http.StatusOK {
		t.Fatalf("login page = %d", a.code)
	}
	mustContain(t, "login page without an account", a.body, `id="no-admin"`, "JOBTESTER_ADMIN_PASSWORD", "admin_user", "no default password")
}

var fieldErr = regexp.MustCompile(`<p class="field-error" id="([a-z_]+)-error" role="alert">([^<]*)</p>`)

func TestMappingsCreateEditDeleteOverHTTP(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, envOptions{})
		c := e.client()
		f := &mappingFlow{t: t, e: e, c: c, tok: c.login()}
		id := f.create()
		f.refusesBadInput()
		f.refusesWithoutAToken(id)
		f.edit(id)
		f.delete(id)
		f.audited(id)
	})
}

// mappingFlow is one logged-in admin going through the mappings pages.
type mappingFlow struct {
	t   *testing.T
	e   *env
	c   *client
	tok string
}

func (f *mappingFlow) form(orch, uri string, types ...string) url.Values {
	return url.Values{"csrf_token": {f.tok}, "orchestrator": {orch}, "uri": {uri}, "job_types": types, "note": {"box 2"}}
}

func (f *mappingFlow) mappings() []models.URIMapping {
	f.t.Helper()
	ms, err := f.e.st.Mappings(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return ms
}

// create adds a mapping through the form and returns its id.
func (f *mappingFlow) create() int64 {
	t := f.t
	a := f.c.post("/admin/mappings", f.form(strings.ToUpper(addr(5)), "https://ai.example.com:8935", "ai", "live"))
	if a.code != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/admin/mappings?done=created") {
		t.Fatalf("create = %d to %q: %s", a.code, a.header.Get("Location"), a.body)
	}
	ms := f.mappings()
	if len(ms) != 1 || ms[0].Orchestrator != addr(5) || ms[0].JobTypes != "ai,live" || ms[0].Note != "box 2" {
		t.Fatalf("stored %+v", ms)
	}
	id := strconv.FormatInt(ms[0].ID, 10)
	a = f.c.get("/admin/mappings?done=created")
	mustContain(t, "list", a.body, "Mapping created.", `id="mapping-`+id+`"`, "https://ai.example.com:8935", "ai, live")
	return ms[0].ID
}

// refusesBadInput: each error is shown next to its field, nothing stored.
func (f *mappingFlow) refusesBadInput() {
	t := f.t
	for _, bad := range []struct {
		form  url.Values
		field string
		text  string
	}{
		{f.form("0x12", "https://b:8935", "ai"), "orchestrator", "0x-prefixed 20-byte hex address"},
		{f.form(addr(6), "b.example.com:8935", "ai"), "uri", "absolute http(s) URL"},
		{f.form(addr(6), "https://b:8935/path", "ai"), "uri", "no path"},
		{f.form(addr(6), "https://b:8935"), "job_types", "at least one of ai, live, transcoding"},
		{f.form(addr(6), "https://b:8935", "video"), "job_types", `Job type &#34;video&#34; is not`},
		{f.form(addr(5), "https://ai.example.com:8935", "ai"), "uri", "already has a mapping"},
	} {
		a := f.c.post("/admin/mappings", bad.form)
		m := fieldErr.FindStringSubmatch(a.body)
		if a.code != http.StatusUnprocessableEntity || m == nil || m[1] != bad.field || !strings.Contains(m[2], bad.text) {
			t.Errorf("%v = %d, error %q; want 422 with %q on %s", bad.form, a.code, m, bad.text, bad.field)
			continue
		}
		// The field is marked invalid and points at its error; the
		// form keeps what was typed.
		if bad.field != "job_types" {
			mustContain(t, "refused form", a.body, `id="`+bad.field+`"`, `aria-invalid="true"`)
		}
		mustContain(t, "refused form", a.body, `value="`+bad.form.Get("uri")+`"`)
	}
	if ms := f.mappings(); len(ms) != 1 {
		t.Fatalf("refused forms stored mappings: %+v", ms)
	}
}

// refusesWithoutAToken: without the CSRF token, or with another session's,
// nothing changes; the htmx way (the token in X-CSRF-Token) works.
func (f *mappingFlow) refusesWithoutAToken(id int64) {
	t, c := f.t, f.c
	noTok := f.form(addr(7), "https://c:8935", "ai")
	noTok.Del("csrf_token")
	if a := c.post("/admin/mappings", noTok); a.code != http.StatusForbidden {
		t.Errorf("create without token = %d, want 403", a.code)
	}
	other := f.e.client()
	otherTok := other.login()
	wrong := f.form(addr(7), "https://c:8935", "ai")
	wrong.Set("csrf_token", otherTok)
	if a := c.post("/admin/mappings", wrong); a.code != http.StatusForbidden {
		t.Errorf("create with another session's token = %d, want 403", a.code)
	}
	if a := c.post("/admin/mappings/"+strconv.FormatInt(id, 10)+"/delete", url.Values{}); a.code != http.StatusForbidden {
		t.Errorf("delete without token = %d, want 403", a.code)
	}
	if ms := f.mappings(); len(ms) != 1 {
		t.Fatalf("a request without a valid token changed mappings: %+v", ms)
	}
	hx := f.form(addr(8), "https://d:8935", "transcoding")
	hx.Del("csrf_token")
	if a := c.do(http.MethodPost, "/admin/mappings", hx, map[string]string{"X-CSRF-Token": f.tok}); a.code != http.StatusSeeOther {
		t.Fatalf("create with the header token = %d", a.code)
	}
}

func (f *mappingFlow) edit(mid int64) {
	t, c, id := f.t, f.c, strconv.FormatInt(mid, 10)
	a := c.get("/admin/mappings/" + id + "/edit")
	if a.code != http.StatusOK {
		t.Fatalf("edit page = %d", a.code)
	}
	mustContain(t, "edit page", a.body, `action="/admin/mappings/`+id+`"`, `value="https://ai.example.com:8935"`, `value="ai" id="job-type-ai" checked`)
	named := f.form(addr(5), "https://batch.example.com:9935", "ai")
	named.Set("display_name", strings.Repeat("x", 61))
	if a = c.post("/admin/mappings/"+id, named); a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="display_name-error"`) {
		t.Fatalf("a 61-character display name = %d", a.code)
	}
	named.Set("display_name", "Rack 7 <b>box</b>")
	a = c.post("/admin/mappings/"+id, named)
	if a.code != http.StatusSeeOther {
		t.Fatalf("update = %d: %s", a.code, a.body)
	}
	a = c.post("/admin/mappings/"+id, f.form(addr(5), "ftp://x", "ai"))
	if a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="uri-error"`) {
		t.Fatalf("bad update = %d", a.code)
	}
	m, _ := f.e.st.Mapping(context.Background(), mid)
	if m.URI != "https://batch.example.com:9935" || m.JobTypes != "ai" || m.DisplayName != "Rack 7 <b>box</b>" {
		t.Fatalf("after update %+v", m)
	}
	// The name is shown escaped, in the list and beside the address.
	mustContain(t, "list", c.get("/admin/mappings").body, "Rack 7 &lt;b&gt;box&lt;/b&gt;")
	mustContain(t, "orchestrator page", c.get("/orchestrators/"+addr(5)).body, `id="node-name">Rack 7 &lt;b&gt;box&lt;/b&gt; · batch.example.com:9935<`)
	if a := c.get("/admin/mappings/9999/edit"); a.code != http.StatusNotFound {
		t.Errorf("edit of a missing mapping = %d", a.code)
	}
}

// delete goes through the confirmation page first.
func (f *mappingFlow) delete(mid int64) {
	t, c, id := f.t, f.c, strconv.FormatInt(mid, 10)
	a := c.get("/admin/mappings/" + id + "/delete")
	mustContain(t, "delete page", a.body, "https://batch.example.com:9935", `id="confirm-delete"`)
	if a := c.post("/admin/mappings/"+id+"/delete", url.Values{"csrf_token": {f.tok}}); a.code != http.StatusSeeOther {
		t.Fatalf("delete = %d", a.code)
	}
	if _, err := f.e.st.Mapping(context.Background(), mid); err == nil {
		t.Fatal("mapping still there after delete")
	}
	if a := c.post("/admin/mappings/"+id+"/delete", url.Values{"csrf_token": {f.tok}}); a.code != http.StatusNotFound {
		t.Errorf("second delete = %d, want 404", a.code)
	}
}

// audited: every change is in the audit log, under the admin's name.
func (f *mappingFlow) audited(mid int64) {
	t, id := f.t, strconv.FormatInt(mid, 10)
	log, _ := f.e.st.AuditLog(context.Background(), models.AuditQuery{Target: "mapping:" + id})
	var actions []string
	for _, l := range log {
		actions = append(actions, l.Actor+" "+l.Action)
	}
	if got := strings.Join(actions, ","); got != "ops mapping.delete,ops mapping.update,ops mapping.create" {
		t.Fatalf("audit of mapping %s: %s", id, got)
	}
	a := f.c.get("/admin/audit?target=mapping:" + id)
	mustContain(t, "audit page", a.body, "mapping.create", "mapping.update", "mapping.delete", "batch.example.com", "Rack 7")
}

func TestReconciliationPageFlags(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, envOptions{})
		ctx := context.Background()
		orchs := []models.DiscoveredOrchestrator{
			{Address: addr(1), ServiceURI: "https://a:8935", AIServiceURI: "https://a-ai:8935", Active: true, Sources: "chain"},
			{Address: addr(2), ServiceURI: "https://b:8935", Active: true, Sources: "gateway"},
		}
		caps := []models.AdvertisedCapability{{Orchestrator: addr(1), Pipeline: "Llm", Model: "m", Capacity: -1}}
		if err := e.st.SaveDiscovery(ctx, orchs, caps); err != nil {
			t.Fatal(err)
		}
		for _, m := range []models.URIMapping{
			{Orchestrator: addr(1), URI: "https://a-other:8935", JobTypes: "ai"}, // overrides the AI registry
			{Orchestrator: addr(2), URI: "https://b:8935", JobTypes: "ai"},       // the same as registered
			{Orchestrator: addr(3), URI: "https://gone:8935", JobTypes: "ai"},    // in no registry, nothing reported
		} {
			if err := e.st.SaveMappingAudited(ctx, "test", &m); err != nil {
				t.Fatal(err)
			}
		}
		c := e.client()
		c.login()
		a := c.get("/admin/reconciliation")
		if a.code != http.StatusOK {
			t.Fatalf("reconciliation = %d", a.code)
		}
		mustContain(t, "reconciliation", a.body,
			`<strong id="count-conflict">1</strong>`, `<strong id="count-redundant">1</strong>`,
			`<strong id="count-stale">1</strong>`, `<strong id="count-unreachable">1</strong>`,
			`id="orch-`+addr(1)+`" data-worst="conflict"`, "overrides the registry for ai (AI registry: https://a-ai:8935)",
			`id="orch-`+addr(2)+`" data-worst="unreachable"`, "no capabilities at the last discovery",
			`id="orch-`+addr(3)+`" data-worst="stale"`, "is in no registry",
			`<th scope="col">AI registry</th>`)
		a = c.get("/admin/reconciliation?only=flagged")
		if strings.Count(a.body, `<tr id="orch-`) != 3 {
			t.Errorf("flagged rows: %d", strings.Count(a.body, `<tr id="orch-`))
		}
		a = c.get("/admin")
		mustContain(t, "overview", a.body, `3</strong> <a href="/admin/mappings">URI mappings</a>`, "2</strong> orchestrators discovered, 2 active", "findings to review")
	})
}
