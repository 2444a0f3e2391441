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
	"jobtester/models"
)

// buildTester wires the tester from the configuration; nil when no gateway
// is configured (the instance then only serves the leaderboard).
func buildTester(ctx context.Context, cfg *config.Config, st *models.Store, log *slog.Logger) (*jobs.Tester, error) {
	if len(cfg.Gateways) == 0 {
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
		gws = append(gws, jobs.GatewayConfig{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL})
	}
	lanes := jobs.NewLanes(gws)
	disc := &jobs.Discovery{Capabilities: lanes[0].Client, Webhook: lanes[0].Webhook}
	if cfg.DiscoverGateway {
		disc.Gateway = lanes[0].Client
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
		Runner:    &jobs.AIRunner{JobTimeout: cfg.JobTimeout, CaptureBytes: cfg.CaptureBytes},
		Fairness:  jobs.Fairness{MinGap: cfg.MinGap, Retries: cfg.UnavailableRetries, RetryAfter: cfg.RetryAfter},
		Region:    cfg.Region,
		IngestKey: "jobtester",
		Log:       log,
	}
	if cfg.ForwardURL != "" {
		t.Forwarder = &jobs.Forwarder{URL: cfg.ForwardURL, Secret: cfg.ForwardSecret, Log: log}
	}
	return t, nil
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
