package simnet

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// Main is the body of `jobtester simnet`: it starts a network from a
// scenario file (or the default scenario), prints where each gateway and the
// truth are, and serves until ctx ends.
//
// Flags: --scenario FILE (YAML or JSON) or NAME (a BuiltinScenarios one), --seed N, --time-scale F, --addr
// HOST (listeners' host), --webhook URL (every gateway's -orchWebhookUrl;
// "{gateway}" in it is replaced by the gateway's name, so that each lane can
// have its own path), --truth-addr HOST:PORT (where GET /truth and GET
// /requests are served; default the --addr host, any port), --log-level,
// --chain=false (no simulated chain; by default one runs and its JSON-RPC URL
// is printed).
func Main(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simnet", flag.ContinueOnError)
	fs.SetOutput(stdout)
	scenarioPath := fs.String("scenario", "", "scenario file, YAML or JSON, or a built-in scenario's name: default, cheaters (default: default)")
	seed := fs.Int64("seed", 1, "seed for every chance draw")
	timeScale := fs.Float64("time-scale", 1, "multiplier of every simulated duration (0.1 runs ten times faster)")
	addr := fs.String("addr", "127.0.0.1", "host the listeners bind")
	webhook := fs.String("webhook", "", "orchestrator webhook URL for every gateway; {gateway} is replaced by its name")
	truthAddr := fs.String("truth-addr", "", "host:port serving GET /truth and GET /requests (default: --addr, any port)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	chain := fs.Bool("chain", true, "run a simulated chain with the contracts, served over JSON-RPC (see chain.go)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("simnet: unexpected arguments %q", fs.Args())
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("simnet: --log-level: %w", err)
	}
	sc := DefaultScenario()
	if builtin, ok := BuiltinScenarios[*scenarioPath]; ok {
		sc = builtin()
	} else if *scenarioPath != "" {
		var err error
		if sc, err = LoadScenario(*scenarioPath); err != nil {
			return err
		}
	}
	if *webhook != "" {
		if len(sc.Gateways) == 0 {
			sc.Gateways = []GatewaySpec{{Name: defaultGatewayName}}
		}
		for i := range sc.Gateways {
			sc.Gateways[i].Webhook = strings.ReplaceAll(*webhook, "{gateway}", sc.Gateways[i].Name)
		}
	}
	logger := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: level}))
	opts := Options{Seed: *seed, TimeScale: *timeScale, Logger: logger, Addr: *addr}
	if *chain {
		opts.Chain = &ChainOptions{}
	}
	n, err := Start(ctx, sc, opts)
	if err != nil {
		return err
	}
	defer n.Close()

	if *truthAddr == "" {
		*truthAddr = net.JoinHostPort(*addr, "0")
	}
	ln, err := net.Listen("tcp", *truthAddr)
	if err != nil {
		return fmt.Errorf("simnet: truth listener: %w", err)
	}
	srv := &http.Server{Handler: n.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	fmt.Fprintf(stdout, "simnet: %d orchestrators, seed %d, time scale %v\n", len(sc.Orchestrators), *seed, *timeScale)
	for _, g := range n.Gateways() {
		fmt.Fprintf(stdout, "gateway %s: cli %s  http %s\n", g.Name, g.CLIURL, g.HTTPURL)
	}
	fmt.Fprintf(stdout, "truth: http://%s/truth  requests: http://%s/requests\n", ln.Addr(), ln.Addr())
	if info, ok := n.Chain(); ok {
		fmt.Fprintf(stdout, "chain: %s  (Controller %s, AIServiceRegistry %s; activity: http://%s/chain)\n",
			info.RPCURL, info.Controller, info.AIServiceRegistry, ln.Addr())
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("simnet: truth server: %w", err)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	return nil
}
