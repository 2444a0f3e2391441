package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/config"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/simnet"
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
	cfg, _, err := config.LoadWithDefaults("serve", []string{"--addr", "127.0.0.1:0"}, func(k string) string {
		if k == "JOBTESTER_SECRET" {
			return secret
		}
		return ""
	}, nil)
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

// TestRunOnceAgainstSimnet runs "jobtester run --once --json" against a
// small simulated network and reads the report.
func TestRunOnceAgainstSimnet(t *testing.T) {
	ctx := context.Background()
	sc := simnet.UniformScenario(3, 1)
	for i := range sc.Gateways {
		sc.Gateways[i].DiscoveryTimeout = simnet.Duration(10 * time.Second)
	}
	nw, err := simnet.Start(ctx, sc, simnet.Options{Seed: 3, TimeScale: 0.01, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer nw.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	gw := nw.Gateways()[0]
	if err := nw.SetWebhook(gw.Name, "http://"+addr+"/webhook/"+gw.Name); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := map[string]string{
		"JOBTESTER_GATEWAYS": gw.Name + "=" + gw.CLIURL + "|" + gw.HTTPURL,
		"JOBTESTER_DB":       "sqlite://" + filepath.Join(t.TempDir(), "run.db"),
		"JOBTESTER_MIN_GAP":  "10ms",
	}
	err = run([]string{"run", "--once", "--json", "--addr", addr}, func(k string) string { return env[k] }, &out, &errb)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	var rep struct {
		Sweep struct {
			Status   string `json:"status"`
			Expected int    `json:"expected"`
		} `json:"sweep"`
		Report struct {
			Passed int `json:"passed"`
		} `json:"report"`
		Tests []struct {
			Orchestrator  string  `json:"orchestrator"`
			Pipeline      string  `json:"pipeline"`
			Outcome       string  `json:"outcome"`
			RoundTripTime float64 `json:"round_trip_time"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out.String())
	}
	want := 0
	for _, o := range nw.Truth().Orchestrators {
		for _, m := range o.Models {
			if o.Active && m.Advertised {
				want++
			}
		}
	}
	if rep.Sweep.Status != "done" || rep.Sweep.Expected != want || len(rep.Tests) != want || rep.Report.Passed != want {
		t.Fatalf("report: %s", out.String())
	}
	for _, tt := range rep.Tests {
		if tt.Outcome != "pass" || tt.RoundTripTime <= 0 || tt.Pipeline == "" {
			t.Fatalf("test %+v", tt)
		}
	}
	// Without --json: a one-line summary.
	out.Reset()
	if err := run([]string{"run", "--once", "--addr", addr}, func(k string) string { return env[k] }, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "expected") || !strings.Contains(out.String(), "pass") {
		t.Fatalf("summary: %q", out.String())
	}
}

// TestDemoStopsMidSweepWithoutLosingResults starts the demo, stops it while
// its first sweep runs, and checks the sweep was left running for the next
// lease holder, its lease released, with every attempt it ran stored and
// recorded in its plan.
func TestDemoStopsMidSweepWithoutLosingResults(t *testing.T) {
	// No simulated past: this test is about the first live sweep (id 1).
	d := startDemo(t, "--demo-past", "0")
	addr, logs, dbPath := strings.TrimPrefix(d.base, "http://"), d.logs, d.dbPath
	deadline := time.Now().Add(60 * time.Second)
	for {
		var p struct {
			Attempts int `json:"attempts"`
		}
		resp, err := http.Get("http://" + addr + "/api/v1/sweeps/current")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
		}
		if p.Attempts >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo's sweep made no progress:\n%s", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := d.stop(); err != nil {
		t.Fatalf("demo: %v", err)
	}
	st, err := models.Open(context.Background(), "sqlite://"+dbPath, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sw, err := st.GetSweep(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	// A stopped sweep stays running, its lease released, for the region's
	// next holder (this instance when it comes back) to finish.
	if sw.Status != models.SweepRunning || sw.FinishedAt != nil || sw.Instance == "" {
		t.Fatalf("sweep after shutdown: %+v; want running, left to the next holder", sw)
	}
	if l, err := st.GetLease(context.Background(), "sweep:"+sw.Region); err != nil || l.ExpiresMs != 0 || l.Holder != sw.Instance {
		t.Fatalf("lease after shutdown: %+v, %v; want released by %s", l, err, sw.Instance)
	}
	results, err := st.SweepResults(context.Background(), 1)
	if err != nil || len(results) < 3 {
		t.Fatalf("%d results stored (%v)", len(results), err)
	}
	tasks, err := st.SweepTasks(context.Background(), 1)
	attempts := 0
	for _, task := range tasks {
		attempts += task.Attempts
	}
	if err != nil || len(tasks) != sw.Expected || attempts != len(results) {
		t.Fatalf("plan after shutdown: %d tasks of %d expected, %d attempts for %d results (%v)",
			len(tasks), sw.Expected, attempts, len(results), err)
	}
	if strings.Contains(logs.String(), "result not stored") {
		t.Fatalf("a result was lost:\n%s", logs)
	}
}
