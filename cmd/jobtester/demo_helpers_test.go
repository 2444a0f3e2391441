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
	dbPath       string
	cancel       context.CancelFunc
	done         chan error
	stopped      bool
	err          error
}

// stop ends the demo and returns how it ended; later calls return the same.
func (d *runningDemo) stop() error {
	if !d.stopped {
		d.cancel()
		d.err, d.stopped = <-d.done, true
	}
	return d.err
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
	ctx, cancel := context.WithCancel(context.Background())
	d := &runningDemo{logs: &syncBuffer{}, banner: &syncBuffer{}, dbPath: dbPath, cancel: cancel, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() { d.done <- demo(ctx, cfg, newLogger(cfg, d.logs), d.banner, ready) }()
	// A demo that fails to start says why here, rather than leaving the
	// test waiting for an address that never comes.
	select {
	case addr := <-ready:
		d.base = "http://" + addr
	case err := <-d.done:
		d.stopped, d.err = true, err
		cancel()
		t.Fatalf("demo ended before it served: %v\n%s", err, d.logs)
	}
	t.Cleanup(func() {
		if err := d.stop(); err != nil {
			t.Errorf("demo: %v", err)
		}
	})
	return d
}
