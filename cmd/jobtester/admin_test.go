package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"jobtester/config"
)

// TestServeCreatesTheAdminFromTheEnvironment starts serve with the admin
// password in JOBTESTER_ADMIN_PASSWORD and logs in through the pages. The
// password must never be logged.
func TestServeCreatesTheAdminFromTheEnvironment(t *testing.T) {
	const password = "a password nobody should log"
	db := "sqlite://" + filepath.Join(t.TempDir(), "jobtester.db")
	cfg, _, err := config.LoadWithDefaults("serve", []string{"--addr", "127.0.0.1:0", "--db", db, "--admin-user", "spe"}, func(k string) string {
		if k == "JOBTESTER_ADMIN_PASSWORD" {
			return password
		}
		return ""
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.LogLevel = "debug"
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, newLogger(cfg, logs), serveHooks{ready: ready}) }()
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr
	case err := <-done:
		t.Fatalf("serve ended early: %v\n%s", err, logs)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	jar, _ := cookiejar.New(nil)
	// A login checks the password at the production bcrypt cost, which
	// under -race on a loaded machine takes seconds: the deadline only
	// guards against a hang.
	hc := &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	call := func(method, path string, form url.Values) (int, string, string) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, base+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(b)
	}
	if code, loc, _ := call(http.MethodGet, "/admin", nil); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/login") {
		t.Fatalf("GET /admin logged out = %d to %q", code, loc)
	}
	_, _, page := call(http.MethodGet, "/admin/login", nil)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login page has no CSRF field:\n%s", page)
	}
	code, loc, _ := call(http.MethodPost, "/admin/login", url.Values{"csrf_token": {m[1]}, "username": {"spe"}, "password": {password}})
	if code != http.StatusSeeOther || loc != "/admin" {
		t.Fatalf("login = %d to %q", code, loc)
	}
	if code, _, body := call(http.MethodGet, "/admin", nil); code != http.StatusOK || !strings.Contains(body, "spe") {
		t.Fatalf("GET /admin logged in = %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	out := logs.String()
	if strings.Contains(out, password) {
		t.Fatalf("the admin password appears in the logs:\n%s", out)
	}
	if !strings.Contains(out, "admin account created from the configuration") {
		t.Errorf("logs do not say the account was created:\n%s", out)
	}
}
