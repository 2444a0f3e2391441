package main

import (
	"context"
	"path/filepath"
	"testing"

	"jobtester/config"
)

// runningDemo is a demo a test started in its own process.
type runningDemo struct {
	base         string // http://host:port
	logs, banner *syncBuffer
}

// startDemo runs demo with args, on a free loopback port and a SQLite file
// of its own, until the test ends; the demo must end without error then.
func startDemo(t *testing.T, args ...string) *runningDemo {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "demo.db")
	cfg, _, err := config.LoadWithDefaults("demo", append([]string{"--addr", "127.0.0.1:0", "--db", "sqlite://" + dbPath}, args...),
		func(string) string { return "" }, demoDefaults)
	if err != nil {
		t.Fatal(err)
	}
	d := &runningDemo{logs: &syncBuffer{}, banner: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- demo(ctx, cfg, newLogger(cfg, d.logs), d.banner, ready) }()
	select {
	case addr := <-ready:
		d.base = "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("demo ended before it served: %v\n%s", err, d.logs)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v", err)
		}
	})
	return d
}
