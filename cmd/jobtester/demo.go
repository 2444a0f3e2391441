package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"jobtester/config"
	"jobtester/simnet"
)

// demoDefaults replace the settings' defaults in demo (a config file, the
// environment and flags still win): loopback only, short fairness gaps so a
// sweep of the simulated network takes well under a minute.
var demoDefaults = map[string]string{
	"addr":        "127.0.0.1:8080",
	"min_gap":     "1s",
	"retry_after": "2s",
	"job_timeout": "30s",
}

// demoSecret is the ingest key demo adds when none is configured, so the
// README's signed post_stats example works. It is public: never a
// production key.
const demoSecret = "demo-secret-0123456789"

// demoTimeScale shrinks the simulated network's latencies so that the
// demo's first sweep lands on the leaderboard within a minute.
const demoTimeScale = 0.2

// demo starts the simulated network, then serve with the network's
// gateways as lanes, a first sweep at once and one every minute after.
func demo(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer, ready chan<- string) error {
	nw, err := simnet.Start(ctx, simnet.DefaultScenario(), simnet.Options{Seed: 1, TimeScale: demoTimeScale, Logger: log.With("component", "simnet")})
	if err != nil {
		return fmt.Errorf("start the simulated network: %w", err)
	}
	defer nw.Close()
	if len(cfg.Keys()) == 0 {
		cfg.Secret = demoSecret
	}
	if len(cfg.Gateways) == 0 {
		for _, g := range nw.Gateways() {
			cfg.Gateways = append(cfg.Gateways, config.Gateway{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL})
		}
	}
	if cfg.Schedule == "" {
		cfg.Schedule = "@every 1m"
	}
	extra := map[string]http.Handler{"/simnet/*": http.StripPrefix("/api/v1/simnet", nw.Handler())}
	return serve(ctx, cfg, log, serveHooks{ready: ready, extra: extra, sweepAtStart: true, listening: func(base string) error {
		for _, g := range nw.Gateways() {
			if err := nw.SetWebhook(g.Name, base+"/webhook/"+g.Name); err != nil {
				return fmt.Errorf("point simulated gateway %s at its webhook: %w", g.Name, err)
			}
		}
		fmt.Fprintf(stdout, `
jobtester demo is running: a simulated Livepeer network of %d gateways is being tested now.
  leaderboard (AI):  %[2]s/api/pipelines  then  %[2]s/api/aggregated_stats?pipeline=…&model=…
  sweeps:            %[2]s/api/v1/sweeps   (live: %[2]s/api/v1/sweeps/current)
  ground truth:      %[2]s/api/v1/simnet/truth
  metrics:           %[2]s/metrics
Press Ctrl-C to stop.
`, len(nw.Gateways()), base)
		return nil
	}})
}
