package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/config"
	"jobtester/ingest"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeWithNoConfiguration starts serve the way a new user does — no
// file, no environment, no flags but a free port — in an empty directory,
// posts a result, and shuts down gracefully. The secret must never be
// logged.
func TestServeWithNoConfiguration(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })

	const secret = "a-secret-nobody-should-log"
	cfg, _, err := config.Load("serve", []string{"--addr", "127.0.0.1:0"}, func(k string) string {
		if k == "JOBTESTER_SECRET" {
			return secret
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.LogLevel = "debug"
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, newLogger(cfg, logs), serveHooks{ready: ready}) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended early: %v\n%s", err, logs)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	body := []byte(`{"region":"FRA","orchestrator":"0x3b28a7d785356dc67c7970666747e042305bfb79","success_rate":1,"round_trip_time":2,"errors":[],"timestamp":1}`)
	post := func(auth string) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/post_stats", bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(ingest.Sign(secret, body)); code != http.StatusOK {
		t.Fatalf("signed post = %d", code)
	}
	if code := post("deadbeef"); code != http.StatusForbidden {
		t.Fatalf("unsigned post = %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "jobtester.db")); err != nil {
		t.Fatalf("default SQLite file not created: %v", err)
	}
	out := logs.String()
	if strings.Contains(out, secret) {
		t.Fatalf("the secret appears in the logs:\n%s", out)
	}
	for _, want := range []string{"serving", "shutting down", "stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
}

func TestSubcommands(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run([]string{"version"}, func(string) string { return "" }, &out, &errb); err != nil || !strings.HasPrefix(out.String(), "jobtester ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	if err := run([]string{"frobnicate"}, func(string) string { return "" }, &out, &errb); err == nil {
		t.Fatal("an unknown subcommand succeeded")
	}
	if err := run(nil, func(string) string { return "" }, &out, &errb); err == nil {
		t.Fatal("no subcommand succeeded")
	}
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "m.db")
	if err := run([]string{"migrate", "--db", dsn}, func(string) string { return "" }, &out, &errb); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	// Without auto-migration, serve refuses an unmigrated database and
	// names the fix.
	fresh := "sqlite://" + filepath.Join(t.TempDir(), "fresh.db")
	err := run([]string{"serve", "--db", fresh, "--auto-migrate=false", "--addr", "127.0.0.1:0"}, func(string) string { return "" }, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "run jobtester migrate") {
		t.Fatalf("serve on an unmigrated database without auto_migrate: %v", err)
	}
	err = run([]string{"serve", "--addr", "bad"}, func(string) string { return "" }, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "setting addr") {
		t.Fatalf("bad addr: %v", err)
	}
}
