package simnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Options are the run-time settings of a network, apart from its scenario.
type Options struct {
	// Seed makes every chance draw (latencies, failures, selection order,
	// ids) repeatable.
	Seed int64
	// TimeScale multiplies every simulated duration: 0.01 runs a 2 s job in
	// 20 ms. 0 means 1.
	TimeScale float64
	// Logger receives the network's logs; nil discards them.
	Logger *slog.Logger
	// Addr is the host every listener binds (default 127.0.0.1); ports are
	// picked free unless the scenario fixes a gateway's.
	Addr string
	// Chain, when set, runs a simulated chain beside the network (chain.go).
	Chain *ChainOptions
}

// Network is a running simulated network.
type Network struct {
	opts     Options
	sc       Scenario
	scale    scaler
	log      *requestLog
	orchs    []*orchestrator
	gateways []*gateway
	chain    *simChain // nil without Options.Chain
	started  time.Time

	cancel    context.CancelFunc
	stopWatch func() bool
	closeOnce sync.Once
}

// generatedMedia is shared by every network in the process: generated
// media depend only on their parameters, and tests start many networks.
var generatedMedia = newMediaCache(256 << 20)

// Start validates the scenario, opens every listener and starts serving. The
// network runs until Close is called or ctx ends.
func Start(ctx context.Context, sc Scenario, opts Options) (*Network, error) {
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("simnet: invalid scenario: %w", err)
	}
	if opts.TimeScale == 0 {
		opts.TimeScale = 1
	}
	if !(opts.TimeScale > 0) || math.IsInf(opts.TimeScale, 0) {
		return nil, fmt.Errorf("simnet: time scale %v must be positive", opts.TimeScale)
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1"
	}
	if _, _, err := net.SplitHostPort(opts.Addr); err == nil {
		return nil, fmt.Errorf("simnet: Addr %q must be a host without a port", opts.Addr)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	sc = sc.withDefaults()
	life, cancel := context.WithCancel(context.Background())
	n := &Network{opts: opts, sc: sc, scale: scaler(opts.TimeScale), log: &requestLog{}, cancel: cancel}
	logger := opts.Logger.With("component", "simnet")

	for i, spec := range sc.Orchestrators {
		o := newOrchestrator(spec, newRand(opts.Seed, uint64(i)+1), n.log, logger, n.scale, generatedMedia)
		if err := o.listen(opts.Addr); err != nil {
			n.Close()
			return nil, fmt.Errorf("simnet: %w", err)
		}
		n.orchs = append(n.orchs, o)
	}
	for i, spec := range sc.Gateways {
		g := newGateway(life, spec, n.orchs, newRand(opts.Seed, 1<<32+uint64(i)), n.log, logger, n.scale, sc.CurrentRound)
		if err := g.listen(opts.Addr); err != nil {
			n.Close()
			return nil, fmt.Errorf("simnet: %w", err)
		}
		n.gateways = append(n.gateways, g)
	}
	n.started = time.Now()
	for _, o := range n.orchs {
		o.serve(n.started)
	}
	if opts.Chain != nil {
		var err error
		if n.chain, err = startChain(n, *opts.Chain, logger); err != nil {
			n.Close()
			return nil, err
		}
	}
	var wg sync.WaitGroup
	for _, g := range n.gateways {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.serve()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		n.Close()
		return nil, fmt.Errorf("simnet: start: %w", err)
	}
	n.stopWatch = context.AfterFunc(ctx, func() { n.Close() })
	for _, g := range n.gateways {
		logger.Info("simnet gateway", "name", g.spec.Name, "cli", g.cliURL, "http", g.apiURL)
	}
	return n, nil
}

// Close stops every gateway and orchestrator and waits for their
// goroutines. It is safe to call more than once.
func (n *Network) Close() error {
	n.closeOnce.Do(func() {
		if n.stopWatch != nil {
			n.stopWatch()
		}
		n.cancel()
		if n.chain != nil {
			n.chain.close()
		}
		var wg sync.WaitGroup
		for _, g := range n.gateways {
			wg.Add(1)
			go func() { defer wg.Done(); g.close() }()
		}
		for _, o := range n.orchs {
			wg.Add(1)
			go func() { defer wg.Done(); o.close() }()
		}
		wg.Wait()
	})
	return nil
}

// Gateways lists the gateways in scenario order.
func (n *Network) Gateways() []Gateway {
	out := make([]Gateway, len(n.gateways))
	for i, g := range n.gateways {
		out[i] = g.public()
	}
	return out
}

// ErrUnknownGateway is returned by SetWebhook for a name not in the
// scenario.
var ErrUnknownGateway = errors.New("simnet: unknown gateway")

// SetWebhook sets a gateway's -orchWebhookUrl; "" removes it (every active
// orchestrator eligible). The last good list is forgotten.
func (n *Network) SetWebhook(gateway, url string) error {
	if url != "" {
		if err := checkWebhookURL(url); err != nil {
			return fmt.Errorf("simnet: webhook: %w", err)
		}
	}
	for _, g := range n.gateways {
		if g.spec.Name == gateway {
			g.setWebhook(url)
			return nil
		}
	}
	return fmt.Errorf("%w %q", ErrUnknownGateway, gateway)
}

// Truth returns the ground truth as of now.
func (n *Network) Truth() Truth { return n.buildTruth() }

// Requests returns every job orchestrators served or refused so far, in
// the order they ended.
func (n *Network) Requests() []Request { return n.log.since(0) }

// Handler serves GET /truth (the Truth as JSON) and GET /requests (the
// request log as JSON; ?since=SEQ returns only entries after that seq).
func (n *Network) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /truth", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, n.Truth())
	})
	mux.HandleFunc("GET /chain", n.serveChainTruth)
	mux.HandleFunc("GET /requests", func(w http.ResponseWriter, r *http.Request) {
		var since int64
		if s := r.URL.Query().Get("since"); s != "" {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v < 0 {
				writeAPIError(w, http.StatusBadRequest, "since must be a non-negative integer")
				return
			}
			since = v
		}
		reqs := n.log.since(since)
		if reqs == nil {
			reqs = []Request{}
		}
		writeJSON(w, http.StatusOK, reqs)
	})
	return mux
}
