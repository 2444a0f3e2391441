// Command jobtester tests Livepeer orchestrators and serves the leaderboard.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"jobtester/auth"
	"jobtester/config"
	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/simnet"
	"jobtester/web"
	"jobtester/web/admin"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `jobtester — tests Livepeer orchestrators and serves the leaderboard.

Usage:
  jobtester serve   [flags]         run the API, metrics, and (with gateways) scheduled sweeps
  jobtester run --once [--json] [flags]
                                    run one sweep through the configured gateways and exit
  jobtester demo    [flags]         everything at once on this machine: a simulated Livepeer
                                    network, the leaderboard on SQLite, and sweeps every minute
  jobtester simnet  [flags]         run only the simulated network (gateways and orchestrators)
  jobtester migrate [flags]         apply database migrations and exit
  jobtester version                 print the version

Run "jobtester serve -h" for the flags; every flag is also a JOBTESTER_*
environment variable and a key of the --config YAML file.
`

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jobtester:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no subcommand")
	}
	switch args[0] {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "jobtester", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "simnet":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return simnet.Main(ctx, args[1:], stdout)
	case "serve", "migrate", "run", "demo":
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown subcommand %q", args[0])
	}
	rflags, rest := splitRunFlags(args[1:])
	if args[0] != "run" {
		rest = args[1:]
	}
	var defaults map[string]string
	if args[0] == "demo" {
		defaults = demoDefaults
	}
	cfg, _, err := config.LoadWithDefaults(args[0], rest, getenv, defaults)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "migrate":
		return migrate(ctx, cfg, log)
	case "run":
		return runOnce(ctx, cfg, rflags, log, stdout, stderr)
	case "demo":
		return demo(ctx, cfg, log, stdout, nil)
	}
	return serve(ctx, cfg, log, serveHooks{})
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger, migrate bool) (*models.Store, error) {
	st, err := models.Open(ctx, cfg.DB, models.Options{
		RollupHorizon: cfg.RollupHorizon, SyncInterval: syncInterval(cfg.RollupSync), Logger: log,
	})
	if err != nil {
		return nil, err
	}
	if !migrate {
		pending, err := st.Pending(ctx)
		if err == nil && len(pending) > 0 {
			err = fmt.Errorf("schema is not current: run jobtester migrate (pending: %v)", pending)
		}
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("check schema of %s: %w", models.RedactDSN(cfg.DB), err)
		}
		return st, nil
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate %s: %w", models.RedactDSN(cfg.DB), err)
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "migrations", applied)
	}
	return st, nil
}

func syncInterval(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

func migrate(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	st, err := openStore(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	log.Info("database is up to date", "db", models.RedactDSN(cfg.DB))
	return st.Close()
}

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
}

// serve runs until ctx ends, then shuts down gracefully: it stops taking
// connections, lets requests in flight finish, stops the schedule (a running
// sweep stores what it ran), writes every queued result, and closes the
// database.
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, hooks serveHooks) error {
	st, err := openStore(ctx, cfg, log, cfg.AutoMigrate)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Start(ctx); err != nil {
		return err
	}
	var keys []ingest.Key
	for _, k := range cfg.Keys() {
		keys = append(keys, ingest.Key{Name: k.Name, Secret: k.Secret, Revoked: k.Revoked})
	}
	ring := ingest.NewKeyring(keys)
	tools, err := adminTools(ctx, cfg, st, ring, log)
	if err != nil {
		return err
	}
	if ring.Len() == 0 {
		log.Warn("no ingest keys configured: POST /api/post_stats will refuse every request (set --secret or ingest_keys, or create one in the admin pages)")
	}
	tester, err := buildTester(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	deps := handlers.Deps{
		Store: st, Keys: ring, Window: cfg.Window, MaxBodyBytes: cfg.MaxBodyBytes,
		Logger: log, Version: version, AdminToken: cfg.AdminToken, Webhooks: webhooks(tester), Extra: hooks.extra,
		AdminTools: tools,
	}
	// Sweeps end with ctx; requests in flight get the shutdown timeout.
	sweepCtx, stopSweeps := context.WithCancel(ctx)
	defer stopSweeps()
	if tester != nil {
		sw := sweeper{ctx: sweepCtx, t: tester}
		deps.Sweeper = sw
		withTester(tools, tester, sw, st, cfg, log)
	}
	e := handlers.New(deps)
	web.Register(e, web.Deps{Store: st, Logger: log})
	admins, err := auth.New(st, auth.Options{SessionTTL: cfg.AdminSessionTTL, SecureCookie: cfg.AdminSecureCookie,
		LoginLimit: cfg.AdminLoginLimit, Logger: log})
	if err != nil {
		return err
	}
	if err := admins.EnsureAdmin(ctx, cfg.AdminUser, cfg.AdminPassword); err != nil {
		return fmt.Errorf("admin account from the configuration: %w", err)
	}
	admin.Register(e, admin.Deps{Store: st, Auth: admins, Logger: log, Tools: tools})
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
	log.Info("serving", "addr", ln.Addr().String(), "db", models.RedactDSN(cfg.DB), "dialect", st.Dialect(),
		"ingest_keys", ring.Len(), "window", cfg.Window, "version", version)
	base := webhookBase(cfg, ln.Addr().String())
	if tester != nil {
		for _, l := range tester.Lanes {
			log.Info("lane ready: start its gateway with -orchWebhookUrl pointing here", "gateway", l.Name,
				"orchWebhookUrl", base+"/webhook/"+l.Name)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if hooks.listening != nil {
		if err := hooks.listening(base); err != nil {
			srv.Close()
			return err
		}
	}
	if hooks.ready != nil {
		hooks.ready <- ln.Addr().String()
	}
	var background sync.WaitGroup
	background.Add(1)
	go func() { defer background.Done(); pruneLoop(sweepCtx, st, cfg, log) }()
	if tester != nil && hooks.sweepAtStart {
		if err := tester.Start(sweepCtx, "demo"); err != nil {
			log.Warn("first sweep not started", "err", err)
		}
	}
	background.Add(1)
	go func() { defer background.Done(); tools.KeyRefresh.Run(sweepCtx) }()
	if tools.Scheduler != nil {
		background.Add(1)
		go func() {
			defer background.Done()
			if err := tools.Scheduler.Run(sweepCtx); err != nil {
				log.Error("schedule stopped", "err", err)
			}
		}()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	stopSweeps()
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("http shutdown incomplete", "err", err)
	}
	done := make(chan struct{})
	go func() {
		background.Wait()
		if tester != nil {
			tester.Wait() // sweeps started by hand store what they ran
		}
		close(done)
	}()
	select {
	case <-done:
	case <-shutCtx.Done():
		log.Warn("background work did not stop in time")
	}
	if tester != nil && tester.Forwarder != nil {
		tester.Forwarder.Close(shutCtx)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// pruneLoop enforces the retention settings once at start and then hourly.
// Every instance may run it: deleting what is already gone is harmless.
func pruneLoop(ctx context.Context, st *models.Store, cfg *config.Config, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		now := time.Now()
		results, rollups, err := st.Prune(pctx, now.Add(-cfg.Retention), now.Add(-cfg.RollupRetention))
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("pruning old results failed; will retry", "err", err)
		case results+rollups > 0:
			log.Info("pruned old data", "results", results, "rollups", rollups)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
