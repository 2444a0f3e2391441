package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"jobtester/config"
	"jobtester/models"
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
	// Live tests: the embedded media server on free loopback ports, short
	// measurements, two at a time (each also costs simnet a relay).
	"rtmp_addr":                 "127.0.0.1:0",
	"media_api_addr":            "127.0.0.1:0",
	"live_duration":             "10s",
	"live_first_output_timeout": "20s",
	"live_concurrency":          "2",
	// The simulated chain's facts and activity, read often enough to see
	// its rounds (a minute at the demo's time scale) go by.
	"chain_read_interval": "20s",
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
	sc := simnet.DefaultScenario()
	if err := pinMediaAPIPort(cfg, &sc); err != nil {
		return err
	}
	nw, err := simnet.Start(ctx, sc, simnet.Options{Seed: 1, TimeScale: demoTimeScale, Logger: log.With("component", "simnet"),
		// One winning ticket per paid job, so that the first sweep already
		// shows on the chain; real tickets win far more rarely.
		Chain: &simnet.ChainOptions{JobsPerTicket: 1}})
	if err != nil {
		return fmt.Errorf("start the simulated network: %w", err)
	}
	defer nw.Close()
	chainNote := demoChain(cfg, nw)
	if len(cfg.Keys()) == 0 {
		cfg.Secret = demoSecret
	}
	// There is no default admin password anywhere; the demo makes one for
	// this run and prints it (to stdout, never to the log) so its admin
	// pages can be tried at once.
	adminNote := "admin:             %[2]s/admin (user " + cfg.AdminUser + ", the password you configured)"
	if cfg.AdminPassword == "" {
		pw, err := demoPassword()
		if err != nil {
			return err
		}
		cfg.AdminPassword = pw
		adminNote = "admin:             %[2]s/admin (user " + cfg.AdminUser + ", password " + pw + ", made for this run)"
	}
	if len(cfg.Gateways) == 0 {
		for _, g := range nw.Gateways() {
			cfg.Gateways = append(cfg.Gateways, config.Gateway{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL})
		}
	}
	var real *realNodes
	realNote := ""
	if cfg.Livepeer != "" {
		if real, err = startRealNodes(ctx, cfg, nw, log); err != nil {
			return err
		}
		defer real.close()
		realNote = "\n  " + real.note()
	}
	if cfg.Schedule == "" {
		cfg.Schedule = "@every 1m"
	}
	started := time.Now()
	past := func(ctx context.Context, st *models.Store) error {
		if real != nil {
			if err := real.save(ctx, st); err != nil {
				return err
			}
		}
		return writePast(ctx, st, nw.Truth(), cfg.Region, started, cfg.DemoPast, cfg.DemoPastEvery, log)
	}
	extra := map[string]http.Handler{"/simnet/*": http.StripPrefix("/api/v1/simnet", nw.Handler())}
	return serve(ctx, cfg, log, serveHooks{ready: ready, extra: extra, sweepAtStart: true, beforeSweeps: past, listening: func(base string) error {
		for _, g := range nw.Gateways() {
			if err := nw.SetWebhook(g.Name, base+"/webhook/"+g.Name); err != nil {
				return fmt.Errorf("point simulated gateway %s at its webhook: %w", g.Name, err)
			}
		}
		fmt.Fprintf(stdout, `
jobtester demo is running: a simulated Livepeer network of %d gateways is being tested now.
  dashboard:         %[2]s/   (runs: %[2]s/runs)
  `+adminNote+`
  leaderboard (AI):  %[2]s/api/pipelines  then  %[2]s/api/aggregated_stats?pipeline=…&model=…
  sweeps:            %[2]s/api/v1/sweeps   (live: %[2]s/api/v1/sweeps/current)
  live video tests:  %[2]s/api/v1/live/results
  ground truth:      %[2]s/api/v1/simnet/truth   (chain: %[2]s/api/v1/simnet/chain)
  `+chainNote+realNote+`
  metrics:           %[2]s/metrics
Press Ctrl-C to stop.
`, len(nw.Gateways()), base)
		return nil
	}})
}

// demoChain points on-chain discovery and the chain reads at the simulated
// network's chain, unless a chain is configured, and says which is used.
func demoChain(cfg *config.Config, nw *simnet.Network) string {
	info, ok := nw.Chain()
	if !ok {
		return "chain:             none"
	}
	if cfg.ChainRPCURL != "" {
		return "chain:             " + cfg.ChainRPCURL + " (configured; the simulated one is at " + info.RPCURL + ")"
	}
	cfg.ChainRPCURL, cfg.ChainController, cfg.ChainAIServiceRegistry = info.RPCURL, info.Controller, info.AIServiceRegistry
	cfg.ChainBlocksPerDay = int(info.BlocksPerDay)
	return "chain (JSON-RPC):  " + info.RPCURL + " (simulated; Controller " + info.Controller + ")"
}

// demoPassword is a random admin password for one demo run.
func demoPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make the demo's admin password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// pinMediaAPIPort gives the embedded media server's control API a fixed
// free port when it is configured on port 0, and tells the simulated
// gateways: like go-livepeer's they call the API of the caller's MediaMTX
// (to kick a publisher) on a port they are configured with.
func pinMediaAPIPort(cfg *config.Config, sc *simnet.Scenario) error {
	if cfg.LiveConcurrency == 0 || cfg.MediaServer != "embedded" || cfg.MediaAPIAddr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(cfg.MediaAPIAddr)
	if err != nil {
		return fmt.Errorf("setting media_api_addr: %w", err)
	}
	if port == "0" {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return fmt.Errorf("find a free port for the media API: %w", err)
		}
		cfg.MediaAPIAddr = ln.Addr().String()
		ln.Close()
	}
	_, port, _ = net.SplitHostPort(cfg.MediaAPIAddr)
	n, err := strconv.Atoi(port)
	if err != nil {
		return fmt.Errorf("setting media_api_addr: port %q: %w", port, err)
	}
	for i := range sc.Gateways {
		sc.Gateways[i].MediaMTXAPIPort = n
	}
	return nil
}
