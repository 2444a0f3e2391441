// Package localnet starts a real go-livepeer network on loopback for tests
// and benchmarks: real orchestrators, each in front of a simulated
// orchestrator served as its AI runner (simnet), and real gateways. Nothing
// of go-livepeer is built here; the binary is given (Binary, from the
// JOBTESTER_TEST_LIVEPEER setting in tests).
package localnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"jobtester/simnet"
)

// Options say what to start.
type Options struct {
	Binary string // the livepeer executable
	// Network is the simulated network whose orchestrators become the
	// runners, one real orchestrator for each.
	Network *simnet.Network
	// Only names the orchestrators of Network that get a real one (empty:
	// all of them).
	Only []string
	// Gateways are started after the orchestrators.
	Gateways []GatewayOptions
	// RetryTimeout is every gateway's -aiProcessingRetryTimeout (default 2s).
	RetryTimeout time.Duration
	// Ready bounds the wait for each node to listen (default 60s).
	Ready time.Duration
	// Dir holds the data directories and logs; "" makes a temporary one
	// that Close removes.
	Dir string
}

// GatewayOptions is one real gateway.
type GatewayOptions struct {
	Name string
	// Webhook is its -orchWebhookUrl; when empty, OrchAddr lists the
	// orchestrators by name for -orchAddr (empty: all of them).
	Webhook  string
	OrchAddr []string
}

// Orchestrator is one running real orchestrator.
type Orchestrator struct {
	Name       string        // the runner's (simnet orchestrator's) name
	ServiceURI string        // https://127.0.0.1:port, what a webhook lists
	CLIURL     string        // http://127.0.0.1:port
	Runner     simnet.Runner // the simulated model behind it
	proc       *process
}

// Gateway is one running real gateway.
type Gateway struct {
	Name    string
	CLIURL  string
	HTTPURL string
	proc    *process
}

// Net is a running real network.
type Net struct {
	Orchestrators []Orchestrator
	Gateways      []Gateway
	// Started is how long it took from the first process to the last
	// readiness check.
	Started time.Duration

	opts    Options
	docker  *simnet.DockerStandIn
	runners *simnet.Runners
	dir     string
	tmpDir  bool
	once    sync.Once
}

// ErrNoBinary is returned when Options.Binary is not an executable file.
var ErrNoBinary = errors.New("localnet: no livepeer binary")

// Start starts the network and waits until every node listens. On error
// everything started is stopped again.
func Start(ctx context.Context, opts Options) (_ *Net, err error) {
	if fi, serr := os.Stat(opts.Binary); serr != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("%w at %q", ErrNoBinary, opts.Binary)
	}
	if opts.Ready <= 0 {
		opts.Ready = 60 * time.Second
	}
	if opts.RetryTimeout <= 0 {
		opts.RetryTimeout = 2 * time.Second
	}
	n := &Net{dir: opts.Dir, opts: opts}
	if n.dir == "" {
		if n.dir, err = os.MkdirTemp("", "localnet-"); err != nil {
			return nil, fmt.Errorf("localnet: data directory: %w", err)
		}
		n.tmpDir = true
	}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	begin := time.Now()
	if n.docker, err = simnet.StartDocker("127.0.0.1"); err != nil {
		return nil, err
	}
	if n.runners, err = opts.Network.StartRunners(); err != nil {
		return nil, err
	}
	for _, r := range n.runners.List() {
		if len(opts.Only) > 0 && !contains(opts.Only, r.Name) {
			continue
		}
		o, err := n.startOrchestrator(opts.Binary, r)
		if err != nil {
			return nil, err
		}
		n.Orchestrators = append(n.Orchestrators, o)
	}
	for i := range n.Orchestrators {
		o := &n.Orchestrators[i]
		err := waitReady(ctx, o.proc, o.CLIURL+"/status", opts.Ready)
		for try := 1; errors.Is(err, errPortTaken) && try < portTries; try++ {
			if *o, err = n.startOrchestrator(opts.Binary, o.Runner); err != nil {
				return nil, err
			}
			err = waitReady(ctx, o.proc, o.CLIURL+"/status", opts.Ready)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, g := range opts.Gateways {
		if _, err := n.StartGateway(ctx, g); err != nil {
			return nil, err
		}
	}
	n.Started = time.Since(begin)
	return n, nil
}

// StartGateway starts one more gateway and waits until it listens. A
// gateway reads its webhook once at start and caches the list for a minute
// (docs/livepeer.md): a webhook should list its orchestrator before this.
func (n *Net) StartGateway(ctx context.Context, g GatewayOptions) (Gateway, error) {
	for try := 1; ; try++ {
		gw, err := n.startGateway(n.opts.Binary, g, n.opts.RetryTimeout)
		if err != nil {
			return Gateway{}, err
		}
		err = waitReady(ctx, gw.proc, gw.CLIURL+"/status", n.opts.Ready)
		if err == nil {
			n.Gateways = append(n.Gateways, gw)
			return gw, nil
		}
		gw.proc.stop()
		if !errors.Is(err, errPortTaken) || try >= portTries {
			return Gateway{}, err
		}
	}
}

// aiModel is one entry of an -aiModels file with an external runner.
type aiModel struct {
	Pipeline string `json:"pipeline"`
	ModelID  string `json:"model_id"`
	URL      string `json:"url"`
	Capacity int    `json:"capacity"`
	Warm     bool   `json:"warm"`
}

func (n *Net) startOrchestrator(bin string, r simnet.Runner) (Orchestrator, error) {
	dir := filepath.Join(n.dir, "o-"+r.Name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Orchestrator{}, fmt.Errorf("localnet: orchestrator %s: %w", r.Name, err)
	}
	var models []aiModel
	for _, m := range r.Models {
		// Warm: the orchestrator only advertises an external runner's
		// model as warm; coldness is the runner's own business.
		models = append(models, aiModel{m.Pipeline, m.Model, r.URL, max(m.Capacity, 1), true})
	}
	b, _ := json.Marshal(models)
	modelsFile := filepath.Join(dir, "aiModels.json")
	if err := os.WriteFile(modelsFile, b, 0o600); err != nil {
		return Orchestrator{}, fmt.Errorf("localnet: orchestrator %s: %w", r.Name, err)
	}
	ports, err := freePorts(2)
	if err != nil {
		return Orchestrator{}, err
	}
	svc, cli := "127.0.0.1:"+strconv.Itoa(ports[0]), "127.0.0.1:"+strconv.Itoa(ports[1])
	p, err := startProcess(bin, dir, []string{"DOCKER_HOST=" + n.docker.Host()},
		"-orchestrator", "-aiWorker", "-network", "offchain",
		"-serviceAddr", svc, "-httpAddr", svc, "-cliAddr", cli,
		"-datadir", dir, "-aiModels", modelsFile, "-v", "5")
	if err != nil {
		return Orchestrator{}, fmt.Errorf("localnet: orchestrator %s: %w", r.Name, err)
	}
	return Orchestrator{Name: r.Name, ServiceURI: "https://" + svc, CLIURL: "http://" + cli, Runner: r, proc: p}, nil
}

func (n *Net) startGateway(bin string, g GatewayOptions, retry time.Duration) (Gateway, error) {
	dir := filepath.Join(n.dir, "g-"+g.Name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Gateway{}, fmt.Errorf("localnet: gateway %s: %w", g.Name, err)
	}
	ports, err := freePorts(3)
	if err != nil {
		return Gateway{}, err
	}
	httpAddr, cli, rtmp := "127.0.0.1:"+strconv.Itoa(ports[0]), "127.0.0.1:"+strconv.Itoa(ports[1]), "127.0.0.1:"+strconv.Itoa(ports[2])
	args := []string{"-gateway", "-network", "offchain", "-httpAddr", httpAddr, "-cliAddr", cli,
		"-rtmpAddr", rtmp, "-datadir", dir, "-aiProcessingRetryTimeout", retry.String(), "-v", "5"}
	if g.Webhook != "" {
		args = append(args, "-orchWebhookUrl", g.Webhook)
	} else {
		addrs := ""
		for _, o := range n.Orchestrators {
			if len(g.OrchAddr) == 0 || contains(g.OrchAddr, o.Name) {
				if addrs != "" {
					addrs += ","
				}
				addrs += o.ServiceURI
			}
		}
		args = append(args, "-orchAddr", addrs)
	}
	p, err := startProcess(bin, dir, nil, args...)
	if err != nil {
		return Gateway{}, fmt.Errorf("localnet: gateway %s: %w", g.Name, err)
	}
	return Gateway{Name: g.Name, CLIURL: "http://" + cli, HTTPURL: "http://" + httpAddr, proc: p}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// errPortTaken: a node exited because another process bound one of its
// ports between freePorts and the node's own bind (tests run in parallel).
// Start then starts it again on new ports, up to portTries times.
var errPortTaken = errors.New("a port was taken before the node bound it")

const portTries = 3

// freePorts asks the kernel for free ports. Another process may take one
// before the node binds it; the node then exits (errPortTaken).
func freePorts(k int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	var out []int
	for range k {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("localnet: free port: %w", err)
		}
		lns = append(lns, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

// waitReady polls url until it answers 200, the process exits, or the
// deadline passes.
func waitReady(ctx context.Context, p *process, url string, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			tail := p.Tail(2000)
			if strings.Contains(tail, "address already in use") {
				return fmt.Errorf("localnet: %s: %w; log tail:\n%s", p.name, errPortTaken, tail)
			}
			return fmt.Errorf("localnet: %s exited before it was ready: %v; log tail:\n%s", p.name, p.err, tail)
		case <-ctx.Done():
			return fmt.Errorf("localnet: %s not ready at %s within %s; log tail:\n%s", p.name, url, within, p.Tail(2000))
		case <-tick.C:
		}
	}
}

// Runners returns the runners behind the orchestrators.
func (n *Net) Runners() []simnet.Runner { return n.runners.List() }

// DockerCalls is what the orchestrators asked the Docker stand-in.
func (n *Net) DockerCalls() (calls []string, unknown int) { return n.docker.Calls() }

// Logs returns every node's captured log, by node name.
func (n *Net) Logs() map[string]string {
	out := map[string]string{}
	for _, o := range n.Orchestrators {
		out["orchestrator "+o.Name] = o.proc.Tail(1 << 20)
	}
	for _, g := range n.Gateways {
		out["gateway "+g.Name] = g.proc.Tail(1 << 20)
	}
	return out
}

// Usage sums the CPU time and peak memory of every node so far (Linux).
func (n *Net) Usage() (cpu time.Duration, rssBytes int64) {
	var ps []*process
	for _, o := range n.Orchestrators {
		ps = append(ps, o.proc)
	}
	for _, g := range n.Gateways {
		ps = append(ps, g.proc)
	}
	for _, p := range ps {
		c, m := p.usage()
		cpu += c
		rssBytes += m
	}
	return cpu, rssBytes
}

// Close stops the gateways, then the orchestrators, the runners and the
// Docker stand-in, and removes a temporary directory.
func (n *Net) Close() {
	n.once.Do(func() {
		for _, g := range n.Gateways {
			g.proc.stop()
		}
		for _, o := range n.Orchestrators {
			o.proc.stop()
		}
		if n.runners != nil {
			n.runners.Close()
		}
		if n.docker != nil {
			n.docker.Close()
		}
		if n.tmpDir {
			os.RemoveAll(n.dir)
		}
	})
}
