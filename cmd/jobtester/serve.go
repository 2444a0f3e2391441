package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/auth"
	"jobtester/config"
	"jobtester/control"
	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
	"jobtester/web"
	"jobtester/web/admin"
)

// serveHooks let demo and tests extend serve.
type serveHooks struct {
	ready chan<- string           // receives the bound address
	extra map[string]http.Handler // more /api/v1 routes
	// listening runs once the listener is bound, with the base URL of the
	// webhooks (the demo points its simulated gateways at them).
	listening func(base string) error
	// sweepAtStart runs a first sweep right away instead of waiting for
	// the schedule.
	sweepAtStart bool
	// beforeSweeps runs once the server answers and before any sweep
	// starts (the demo writes its simulated past there, so that the past
	// is in place before the first live result).
	beforeSweeps func(ctx context.Context, st *models.Store) error
}

// instance is what serve wires together: the store, the ingest keyring,
// the operations both front ends call, and the tester (nil without
// gateways).
type instance struct {
	cfg    *config.Config
	log    *slog.Logger
	st     *models.Store
	ring   *ingest.Keyring
	ops    *control.Ops
	tester *jobs.Tester
	// sweepCtx ends background work: sweeps, schedule, key refresh, pruning.
	sweepCtx context.Context
}

// serve runs until ctx ends, then shuts down gracefully: it stops taking
// connections, lets requests in flight finish, stops the schedule (a running
// sweep stores what it ran), writes every queued result, and closes the
// database.
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, hooks serveHooks) error {
	st, err := startStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	sweepCtx, stopSweeps := context.WithCancel(ctx)
	defer stopSweeps()
	in := &instance{cfg: cfg, log: log, st: st, sweepCtx: sweepCtx}
	if err := in.wire(ctx); err != nil {
		return err
	}
	e, err := in.routes(ctx, hooks.extra)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	in.logServing(ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if hooks.listening != nil {
		if err := hooks.listening(webhookBase(cfg, ln.Addr().String())); err != nil {
			srv.Close()
			return err
		}
	}
	if hooks.ready != nil {
		hooks.ready <- ln.Addr().String()
	}
	if hooks.beforeSweeps != nil {
		if err := hooks.beforeSweeps(ctx, st); err != nil {
			log.Warn("before the first sweep", "err", err)
		}
	}
	background := in.startBackground(hooks.sweepAtStart)
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	stopSweeps()
	return in.shutdown(srv, background)
}

// wire builds the keyring (the config file's keys and the stored ones),
// the operations, and the tester with what it adds to them.
func (in *instance) wire(ctx context.Context) error {
	var keys []ingest.Key
	for _, k := range in.cfg.Keys() {
		keys = append(keys, ingest.Key{Name: k.Name, Secret: k.Secret, Revoked: k.Revoked})
	}
	in.ring = ingest.NewKeyring(keys)
	var err error
	if in.ops, err = adminOps(ctx, in.cfg, in.st, in.ring, in.log); err != nil {
		return err
	}
	if in.ring.Len() == 0 {
		in.log.Warn("no ingest keys configured: POST /api/post_stats will refuse every request (set --secret or ingest_keys, or create one in the admin pages)")
	}
	if in.tester, err = buildTester(ctx, in.cfg, in.st, in.log); err != nil {
		return err
	}
	if in.tester != nil {
		withTester(in.ops, in.tester, sweeper{ctx: in.sweepCtx, t: in.tester}, in.st, in.cfg, in.log)
	}
	return nil
}

// routes registers the three front ends on one echo: the JSON API and
// webhooks (handlers), the public pages (web) and the admin pages.
func (in *instance) routes(ctx context.Context, extra map[string]http.Handler) (*echo.Echo, error) {
	deps := handlers.Deps{
		Store: in.st, Keys: in.ring, Window: in.cfg.Window, MaxBodyBytes: in.cfg.MaxBodyBytes,
		Logger: in.log, Version: version, AdminToken: in.cfg.AdminToken, Webhooks: webhooks(in.tester), Extra: extra,
		Control: in.ops, PageError: web.ErrorPage,
	}
	if in.tester != nil {
		deps.Sweeper = sweeper{ctx: in.sweepCtx, t: in.tester}
	}
	e := handlers.New(deps)
	web.Register(e, web.Deps{Store: in.st, Logger: in.log})
	admins, err := auth.New(in.st, auth.Options{SessionTTL: in.cfg.AdminSessionTTL, SecureCookie: in.cfg.AdminSecureCookie,
		LoginLimit: in.cfg.AdminLoginLimit, Logger: in.log})
	if err != nil {
		return nil, err
	}
	if err := admins.EnsureAdmin(ctx, in.cfg.AdminUser, in.cfg.AdminPassword); err != nil {
		return nil, fmt.Errorf("admin account from the configuration: %w", err)
	}
	admin.Register(e, admin.Deps{Store: in.st, Auth: admins, Logger: in.log, Control: in.ops})
	return e, nil
}

// logServing says where the instance listens and where each lane's
// gateway must point its orchestrator webhook.
func (in *instance) logServing(addr string) {
	in.log.Info("serving", "addr", addr, "db", models.RedactDSN(in.cfg.DB), "dialect", in.st.Dialect(),
		"ingest_keys", in.ring.Len(), "window", in.cfg.Window, "version", version,
		"gomaxprocs", runtime.GOMAXPROCS(0)) // what a CPU limit gave it: docs/deployment.md
	if in.tester == nil {
		if !in.cfg.RunTests {
			in.log.Info("API-only instance (tester: false): it serves, and never takes a region's lease nor runs a test")
		}
		return
	}
	base := webhookBase(in.cfg, addr)
	for _, l := range in.tester.Lanes {
		in.log.Info("lane ready: start its gateway with -orchWebhookUrl pointing here", "gateway", l.Name,
			"orchWebhookUrl", base+"/webhook/"+l.Name)
	}
}

// startBackground starts what runs beside the server until sweepCtx ends:
// pruning, the key refresh, the schedule, and the demo's first sweep.
func (in *instance) startBackground(sweepAtStart bool) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); pruneLoop(in.sweepCtx, in.st, in.cfg, in.log) }()
	if in.tester != nil && sweepAtStart {
		if err := in.tester.Start(in.sweepCtx, "demo"); err != nil {
			in.log.Warn("first sweep not started", "err", err)
		}
	}
	wg.Add(1)
	go func() { defer wg.Done(); in.ops.KeyRefresh.Run(in.sweepCtx) }()
	in.startChainReader(&wg)
	if in.tester != nil && in.tester.Outbox != nil {
		wg.Add(1)
		go func() { defer wg.Done(); in.tester.Outbox.Run(in.sweepCtx) }()
	}
	if in.tester != nil {
		// Finishes the region's sweep that an instance stopped or died in.
		wg.Add(1)
		go func() { defer wg.Done(); in.tester.Watch(in.sweepCtx) }()
	}
	if in.ops.Scheduler != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := in.ops.Scheduler.Run(in.sweepCtx); err != nil {
				in.log.Error("schedule stopped", "err", err)
			}
		}()
	}
	return &wg
}

// shutdown lets requests in flight finish, waits for background work and
// sweeps started by hand (they store what they ran), forwards what the
// outbox holds (what it cannot send waits there) and closes the database,
// all within the shutdown timeout.
func (in *instance) shutdown(srv *http.Server, background *sync.WaitGroup) error {
	shutCtx, cancel := context.WithTimeout(context.Background(), in.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		in.log.Warn("http shutdown incomplete", "err", err)
	}
	done := make(chan struct{})
	go func() {
		background.Wait()
		if in.tester != nil {
			in.tester.Wait()
		}
		if in.tester != nil && in.tester.Outbox != nil {
			// The results the last tests stored are forwarded now rather
			// than at the next start; what the central does not take in
			// time stays in the outbox.
			if err := in.tester.Outbox.Drain(shutCtx); err != nil && shutCtx.Err() == nil {
				in.log.Warn("outbox: last forward at shutdown failed; the rows wait for the next start", "err", err)
			}
		}
		close(done)
	}()
	select {
	case <-done:
	case <-shutCtx.Done():
		in.log.Warn("background work did not stop in time")
	}
	if err := in.st.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	in.log.Info("stopped")
	return nil
}
