package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/jobs"
	"jobtester/media/live"
	"jobtester/models"
	"jobtester/simnet"
)

// liveHarness is a tester with live tests on: a simulated network with one
// gateway (the only lane, so also the live lane), the embedded media server
// on free loopback ports, a real database.
type liveHarness struct {
	nw     *simnet.Network
	st     *models.Store
	tester *jobs.Tester
	runner *jobs.LiveRunner
}

func newLiveHarness(t *testing.T, orchs []simnet.OrchestratorSpec, cfg jobs.LiveConfig, concurrency int) *liveHarness {
	t.Helper()
	return newLiveHarnessWith(t, orchs, cfg, concurrency, nil)
}

// mediaStarter starts the media server of a harness: the gateway's HTTP
// URL for its hook, and the API address the gateway kicks through.
type mediaStarter func(t *testing.T, ctx context.Context, gatewayURL, apiAddr string) *jobs.Media

// newLiveHarnessWith is newLiveHarness with the media server start, nil
// for the embedded one.
func newLiveHarnessWith(t *testing.T, orchs []simnet.OrchestratorSpec, cfg jobs.LiveConfig, concurrency int, start mediaStarter) *liveHarness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The gateway kicks publishers through the media server's API on a
	// port it is configured with, as go-livepeer does: pick one first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	apiAddr := ln.Addr().String()
	ln.Close()
	apiPort, _ := strconv.Atoi(apiAddr[strings.LastIndexByte(apiAddr, ':')+1:])
	sc := simnet.Scenario{Gateways: []simnet.GatewaySpec{{Name: "gateway-1", DiscoveryTimeout: simnet.Duration(10 * time.Second),
		MediaMTXAPIPort: apiPort}}, Orchestrators: orchs}
	nw, err := simnet.Start(ctx, sc, simnet.Options{Seed: 11, TimeScale: 0.01, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nw.Close() })
	st := dbtest.Open(t, "sqlite", models.Options{})
	g := nw.Gateways()[0]
	lanes := jobs.NewLanes([]jobs.GatewayConfig{{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL}})
	hooks := httptest.NewServer(lanes[0].Webhook)
	t.Cleanup(hooks.Close)
	if err := nw.SetWebhook(g.Name, hooks.URL); err != nil {
		t.Fatal(err)
	}
	if start == nil {
		start = embeddedMedia
	}
	media := start(t, ctx, g.HTTPURL, apiAddr)
	runner := &jobs.LiveRunner{Media: media, Lane: lanes[0], Status: jobs.GatewayLiveStatus(lanes[0].Client), Config: cfg, Log: quiet}
	tester := &jobs.Tester{
		Store: st, Lanes: lanes,
		Discovery: &jobs.Discovery{Gateway: lanes[0].Client, Capabilities: lanes[0].Client, Webhook: lanes[0].Webhook},
		Runner:    &jobs.AIRunner{JobTimeout: 10 * time.Second, CaptureBytes: 512},
		Live:      runner, LiveConcurrency: concurrency,
		Fairness: jobs.Fairness{MinGap: 10 * time.Millisecond}, Region: "FRA", IngestKey: "test", Log: quiet,
	}
	return &liveHarness{nw: nw, st: st, tester: tester, runner: runner}
}

func embeddedMedia(t *testing.T, ctx context.Context, gatewayURL, apiAddr string) *jobs.Media {
	media, err := jobs.StartMedia(ctx, jobs.MediaConfig{RTMPAddr: "127.0.0.1:0", APIAddr: apiAddr, GatewayURL: gatewayURL,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { media.Close() })
	return media
}

// testSignal is a short, fast signal: a flash every second so a few
// seconds of output hold several.
func testSignal(t *testing.T) live.SignalConfig {
	sig := live.DefaultSignalConfig()
	sig.FlashEvery = time.Second
	// Smaller than the default 512×512: the simulated orchestrators restyle
	// every pixel in Go, which the race detector slows several times over.
	sig.Width, sig.Height = 256, 256
	return sig
}
