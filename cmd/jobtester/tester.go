package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"jobtester/config"
	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/media/live"
	"jobtester/models"
	"jobtester/sampling"
)

// buildTester wires the tester from the configuration; nil when no gateway
// is configured or tester is false (the instance then only serves).
func buildTester(ctx context.Context, cfg *config.Config, st *models.Store, log *slog.Logger) (*jobs.Tester, error) {
	if len(cfg.Gateways) == 0 || !cfg.RunTests {
		return nil, nil
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		return nil, err
	}
	ok := false
	for _, r := range regions {
		ok = ok || (r.Name == cfg.Region && r.JobType == ingest.JobTypeAI)
	}
	if !ok {
		return nil, fmt.Errorf("setting region: %q is not an AI region (see /api/regions)", cfg.Region)
	}
	gws := make([]jobs.GatewayConfig, 0, len(cfg.Gateways))
	for _, g := range cfg.Gateways {
		gws = append(gws, jobs.GatewayConfig{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL, Orchestrator: g.Orchestrator})
	}
	lanes := jobs.NewLanes(gws)
	// Discovery asks the first gateway not fixed to one orchestrator: a
	// fixed one knows only its own.
	dl := lanes[0]
	for _, l := range lanes {
		if l.Fixed == "" {
			dl = l
			break
		}
	}
	disc := &jobs.Discovery{Capabilities: dl.Client, Webhook: dl.Webhook}
	if cfg.DiscoverGateway {
		disc.Gateway = dl.Client
	}
	if cfg.ChainRPCURL != "" {
		chain, err := livepeer.DialChain(ctx, livepeer.ChainConfig{RPCURL: cfg.ChainRPCURL, Controller: cfg.ChainController,
			AIServiceRegistry: cfg.ChainAIServiceRegistry})
		if err != nil {
			return nil, fmt.Errorf("on-chain discovery: %w", err)
		}
		disc.Chain = chain
	}
	t := &jobs.Tester{
		Store: st, Lanes: lanes, Discovery: disc,
		// Answers are verified beyond their format (docs/verification.md):
		// a flagged answer fails with suspected_<kind> and its evidence.
		Runner: &jobs.AIRunner{JobTimeout: cfg.JobTimeout, CaptureBytes: cfg.CaptureBytes,
			Verifier: &jobs.Verifier{Store: st, Log: log}},
		Fairness:  jobs.Fairness{MinGap: cfg.MinGap, Retries: cfg.UnavailableRetries, RetryAfter: cfg.RetryAfter},
		Region:    cfg.Region,
		IngestKey: "jobtester",
		Sampling:  samplingOf(cfg, st),
		Log:       log,
		// The region's sweeps are shared with every instance of the region
		// on the database; on SQLite this instance is trivially the holder.
		Fleet: &jobs.Fleet{Store: st, Instance: cfg.Instance, LeaseTTL: cfg.LeaseTTL},
	}
	if cfg.ForwardURL != "" {
		t.Outbox = jobs.NewOutbox(st, cfg.ForwardURL, cfg.ForwardSecret, log)
	}
	if cfg.LiveConcurrency > 0 {
		if t.Live, err = buildLive(ctx, cfg, lanes, log); err != nil {
			return nil, err
		}
		t.LiveConcurrency = cfg.LiveConcurrency
	}
	return t, nil
}

// buildLive starts the media server (the embedded one stops with ctx) and
// the live runner on the live gateway's lane.
func buildLive(ctx context.Context, cfg *config.Config, lanes []*jobs.Lane, log *slog.Logger) (*jobs.LiveRunner, error) {
	lane := lanes[0]
	for _, l := range lanes {
		if l.Name == cfg.LiveGateway {
			lane = l
		}
	}
	allow, err := cfg.MediaAllow()
	if err != nil {
		return nil, fmt.Errorf("setting media_allow_ips: %w", err)
	}
	// Started at the first live test: a network without live models never
	// has the RTMP port bound.
	newMedia := func() (*jobs.Media, error) {
		m, err := jobs.StartMedia(ctx, jobs.MediaConfig{Server: cfg.MediaServer, APIURL: cfg.MediaAPIURL, RTMPAddr: cfg.RTMPAddr,
			APIAddr: cfg.MediaAPIAddr, Allow: allow, GatewayURL: lane.Client.HTTPURL, Logger: log})
		if err != nil {
			log.Error("live tests cannot run: the media server did not start", "err", err)
			return nil, err
		}
		log.Info("media server ready", "rtmp", m.Base(), "gateway", lane.Name)
		return m, nil
	}
	params, err := cfg.LiveParamsJSON()
	if err != nil {
		return nil, fmt.Errorf("setting live_params: %w", err)
	}
	sig := live.DefaultSignalConfig()
	sig.Width, sig.Height, sig.FPS = cfg.LiveSignal.Width, cfg.LiveSignal.Height, cfg.LiveSignal.FPS
	if err := sig.Validate(); err != nil {
		return nil, fmt.Errorf("setting live_signal: %w", err)
	}
	return &jobs.LiveRunner{NewMedia: newMedia, Lane: lane, Status: jobs.GatewayLiveStatus(lane.Client), Log: log,
		Previews: &jobs.Previews{}, // the admin's live preview reads it (tester.Live.Previews)
		Config:   jobs.LiveConfig{Signal: sig, Params: params, Duration: cfg.LiveDuration, FirstOutputTimeout: cfg.LiveFirstOutputTimeout}}, nil
}

// webhookBase is where gateways reach this instance's webhooks.
func webhookBase(cfg *config.Config, boundAddr string) string {
	if cfg.WebhookBaseURL != "" {
		return strings.TrimRight(cfg.WebhookBaseURL, "/")
	}
	host := boundAddr
	if strings.HasPrefix(host, "[::]:") || strings.HasPrefix(host, ":") || strings.HasPrefix(host, "0.0.0.0:") {
		host = "127.0.0.1" + host[strings.LastIndex(host, ":"):]
	}
	return "http://" + host
}

func webhooks(t *jobs.Tester) map[string]http.Handler {
	if t == nil {
		return nil
	}
	out := map[string]http.Handler{}
	for _, l := range t.Lanes {
		out[l.Name] = l.Webhook
	}
	return out
}

// sweeper adapts a Tester to the handlers' Sweeper.
type sweeper struct {
	ctx context.Context
	t   *jobs.Tester
}

func (s sweeper) Start(startedBy string) error { return s.t.Start(s.ctx, startedBy) }
func (s sweeper) Progress() any                { return s.t.Progress() }

// samplingOf is the sweep's test budget policy from the settings.
func samplingOf(cfg *config.Config, st jobs.SamplingStore) *jobs.Sampling {
	p := sampling.DefaultParams()
	p.FloorHours, p.RoundHours = cfg.SamplingFloor.Hours(), cfg.SamplingRound.Hours()
	return &jobs.Sampling{Smart: cfg.Sampling == "smart", Budget: cfg.SamplingBudget, Params: p, Store: st}
}
