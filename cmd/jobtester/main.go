// Command jobtester tests Livepeer orchestrators and serves the leaderboard.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"jobtester/config"
	"jobtester/models"
	"jobtester/simnet"
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
	// Every line names the instance: a fleet's logs are read side by side.
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)).With("instance", cfg.Instance)
	}
	return slog.New(slog.NewTextHandler(w, opts)).With("instance", cfg.Instance)
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

// startStore opens the store as serve and run use it (migrated first with
// auto_migrate) and starts its write pipeline; the caller closes it.
func startStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*models.Store, error) {
	st, err := openStore(ctx, cfg, log, cfg.AutoMigrate)
	if err != nil {
		return nil, err
	}
	if err := st.Start(ctx); err != nil {
		st.Close()
		return nil, err
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

// pruneLoop enforces the retention settings once at start and then hourly.
// Every instance may run it: deleting what is already gone is harmless.
func pruneLoop(ctx context.Context, st *models.Store, cfg *config.Config, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		now := time.Now()
		results, rollups, err := st.Prune(pctx, now.Add(-cfg.Retention), now.Add(-cfg.RollupRetention))
		if err == nil {
			_, err = st.PruneIdempotencyKeys(pctx, cfg.IdempotencyWindow)
		}
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
