package simnet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Gateway is where a tester finds a simulated gateway: its CLI listener
// (-cliAddr) and its AI HTTP listener (-httpAddr), as base URLs.
type Gateway struct {
	Name    string `json:"name"`
	CLIURL  string `json:"cli_url"`
	HTTPURL string `json:"http_url"`
}

// Timeouts of the real gateway, in wall-clock time: they guard network
// calls, which are real here too.
const (
	webhookTimeout = 3 * time.Second // discovery/wh_discovery.go
	maxTries       = 20              // processAIRequest
	maxMediaBytes  = 512 << 20       // the media store's cap
)

// gateway is one simulated go-livepeer gateway with the tester fork's
// settings (-aiTesterGateway -webhookRefreshInterval=0).
type gateway struct {
	spec         GatewaySpec
	orchs        []*orchestrator          // the chain's view: every orchestrator
	byURI        map[string]*orchestrator // normalised service and AI URIs
	currentRound int64
	log          *requestLog
	logger       *slog.Logger
	scale        scaler
	store        *mediaStore
	ctx          context.Context // the network's lifetime

	orchClient *http.Client
	hookClient *http.Client

	rngMu sync.Mutex
	rng   *rand.Rand

	hookMu   sync.Mutex
	webhook  string
	lastList []string
	haveList bool

	caps capabilityCaches

	asyncMu sync.Mutex
	async   map[string]*asyncJob

	live gatewayLive

	cli, api       *http.Server
	cliLn, apiLn   net.Listener
	cliURL, apiURL string
	wg             sync.WaitGroup
}

func newGateway(ctx context.Context, spec GatewaySpec, orchs []*orchestrator, rng *rand.Rand, log *requestLog, logger *slog.Logger, scale scaler, currentRound int64) *gateway {
	g := &gateway{
		spec: spec, orchs: orchs, byURI: map[string]*orchestrator{}, currentRound: currentRound,
		log: log, logger: logger.With("gateway", spec.Name), scale: scale, rng: rng, ctx: ctx,
		store:   newMediaStore(spec.MediaTTL.D(), maxMediaBytes),
		webhook: spec.Webhook,
		async:   map[string]*asyncJob{},
	}
	for _, o := range orchs {
		g.byURI[normalizeURI(o.serviceURI)] = o
		if o.aiServiceURI != "" {
			g.byURI[normalizeURI(o.aiServiceURI)] = o
		}
	}
	// No proxy: every peer is on loopback, and a proxy from the
	// environment must not swallow the traffic.
	g.orchClient = &http.Client{Transport: &http.Transport{
		Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}}
	g.hookClient = &http.Client{Timeout: webhookTimeout, Transport: &http.Transport{Proxy: nil}}
	return g
}

func (g *gateway) listen(host string) error {
	var err error
	if g.cliLn, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(g.spec.CLIPort))); err != nil {
		return fmt.Errorf("gateway %s: CLI listener: %w", g.spec.Name, err)
	}
	if g.apiLn, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(g.spec.HTTPPort))); err != nil {
		g.cliLn.Close()
		return fmt.Errorf("gateway %s: HTTP listener: %w", g.spec.Name, err)
	}
	g.cliURL = "http://" + g.cliLn.Addr().String()
	g.apiURL = "http://" + g.apiLn.Addr().String()
	return nil
}

// serve fills the capability cache once, then starts serving.
func (g *gateway) serve() {
	g.refreshNetworkCapabilities()
	errLog := slog.NewLogLogger(g.logger.Handler(), slog.LevelDebug)
	g.cli = &http.Server{Handler: g.cliHandler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}
	g.api = &http.Server{Handler: g.withLive(g.apiHandler()), ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}
	for _, s := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{g.cli, g.cliLn}, {g.api, g.apiLn}} {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				g.logger.Error("gateway server stopped", "err", err)
			}
		}()
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.pollNetworkCapabilities()
	}()
}

func (g *gateway) close() {
	for _, s := range []*http.Server{g.cli, g.api} {
		if s != nil {
			s.Close()
		}
	}
	if g.cli == nil {
		g.cliLn.Close()
		g.apiLn.Close()
	}
	g.wg.Wait()
	g.orchClient.CloseIdleConnections()
	g.hookClient.CloseIdleConnections()
}

func (g *gateway) public() Gateway {
	return Gateway{Name: g.spec.Name, CLIURL: g.cliURL, HTTPURL: g.apiURL}
}

func (g *gateway) setWebhook(u string) {
	g.hookMu.Lock()
	defer g.hookMu.Unlock()
	g.webhook = u
	g.lastList, g.haveList = nil, false
}

func (g *gateway) webhookURL() string {
	g.hookMu.Lock()
	defer g.hookMu.Unlock()
	return g.webhook
}

// randHex returns n random hex digits from the gateway's stream.
func (g *gateway) randHex(n int) string {
	g.rngMu.Lock()
	defer g.rngMu.Unlock()
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *gateway) chance(p float64) bool {
	g.rngMu.Lock()
	defer g.rngMu.Unlock()
	return g.rng.Float64() < p
}

// shuffle orders sessions at random, as the selector's pick among equals.
func (g *gateway) shuffle(s []session) {
	g.rngMu.Lock()
	defer g.rngMu.Unlock()
	g.rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}

// normalizeURI reduces a service URI to scheme://host:port so that
// "http://127.0.0.1:8935/" and "HTTP://127.0.0.1:8935" match.
func normalizeURI(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimRight(strings.TrimSpace(s), "/"))
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}
