package livepeer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"

	"jobtester/simnet"
)

// chainHangingCaller answers nothing: every call blocks until its context
// ends. entered is closed when the first call arrives.
type chainHangingCaller struct {
	once    sync.Once
	entered chan struct{}
}

func (c *chainHangingCaller) CodeAt(context.Context, common.Address, *big.Int) ([]byte, error) {
	return []byte{0x60}, nil
}

func (c *chainHangingCaller) CallContract(ctx context.Context, _ ethereum.CallMsg, _ *big.Int) ([]byte, error) {
	c.once.Do(func() { close(c.entered) })
	<-ctx.Done()
	return nil, ctx.Err()
}

func chainOverrides(cfg *ChainConfig) {
	cfg.BondingManager = "0x0000000000000000000000000000000000000001"
	cfg.ServiceRegistry = "0x0000000000000000000000000000000000000002"
	cfg.RoundsManager = "0x0000000000000000000000000000000000000003"
	cfg.TicketBroker = "0x0000000000000000000000000000000000000004"
}

func TestChainDiscoveryHangingRPCHitsTheCallDeadline(t *testing.T) {
	t.Parallel()
	cfg := ChainConfig{CallTimeout: 50 * time.Millisecond}
	chainOverrides(&cfg)
	d, err := chainDiscoveryOver(&chainHangingCaller{entered: make(chan struct{})}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, _, err = d.Orchestrators(t.Context())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	// Loose bound: the 50 ms per-call deadline ended it, not some default.
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %v", elapsed)
	}
}

func TestChainDiscoveryStopsWhenTheCallerCancels(t *testing.T) {
	t.Parallel()
	cfg := ChainConfig{CallTimeout: time.Hour}
	chainOverrides(&cfg)
	caller := &chainHangingCaller{entered: make(chan struct{})}
	d, err := chainDiscoveryOver(caller, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-caller.entered
		cancel()
	}()
	if _, _, err = d.Orchestrators(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// chainSelectiveCaller passes calls through to a real chain, except calls to
// one contract with one selector, which hang; it also records the most calls
// in flight at once.
type chainSelectiveCaller struct {
	bind.ContractCaller
	hangTo       common.Address
	hangSelector []byte
	inFlight     atomic.Int32
	maxInFlight  atomic.Int32
}

func (c *chainSelectiveCaller) CallContract(ctx context.Context, msg ethereum.CallMsg, block *big.Int) ([]byte, error) {
	n := c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	for {
		m := c.maxInFlight.Load()
		if n <= m || c.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	if msg.To != nil && *msg.To == c.hangTo && bytes.HasPrefix(msg.Data, c.hangSelector) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return c.ContractCaller.CallContract(ctx, msg, block)
}

func TestChainDiscoveryOneHangingReadFailsTheDiscovery(t *testing.T) {
	t.Parallel()
	var orchs []simnet.ChainOrchestrator
	for i := range 6 {
		orchs = append(orchs, simnet.ChainOrchestrator{
			Key: chainKey(t), ServiceURI: fmt.Sprintf("https://%d.example", i), AIServiceURI: fmt.Sprintf("https://%d-ai.example", i),
			Stake: chainEther(int64(100 - i)), Active: true,
		})
	}
	c := newChainSim(t, orchs)

	// All reads pass through: concurrency stays within its bound (plus
	// the pool walk beside it).
	counting := &chainSelectiveCaller{ContractCaller: c.sim.Client()}
	got, _, err := c.discovery(t, counting, func(cfg *ChainConfig) { cfg.Concurrency = 2 }).Orchestrators(t.Context())
	if err != nil || len(got) != len(orchs) {
		t.Fatalf("got %d orchestrators, %v", len(got), err)
	}
	if m := counting.maxInFlight.Load(); m > 3 {
		t.Errorf("%d calls in flight with Concurrency 2", m)
	}

	// The AI registry never answers: no half-filled answer, a deadline
	// error naming the call.
	hanging := &chainSelectiveCaller{
		ContractCaller: c.sim.Client(),
		hangTo:         c.dep.AIServiceRegistry,
		hangSelector:   []byte{0x21, 0x4c, 0x2a, 0x4b}, // getServiceURI(address)
	}
	// Long enough for the answering calls on a loaded machine.
	d := c.discovery(t, hanging, func(cfg *ChainConfig) { cfg.CallTimeout = time.Second })
	got, round, err := d.Orchestrators(t.Context())
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "AIServiceRegistry getServiceURI(0x") {
		t.Errorf("err = %v, want a deadline error naming AIServiceRegistry getServiceURI", err)
	}
	if got != nil || round != nil {
		t.Errorf("partial answer %v, round %v", got, round)
	}
}

func TestDialChainOverHTTP(t *testing.T) {
	t.Parallel()
	// The node cannot report a port it chose itself through the simulated
	// backend, so take a free one first.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	serveHTTP := func(n *node.Config, _ *ethconfig.Config) {
		n.HTTPHost, n.HTTPPort, n.HTTPModules = "127.0.0.1", port, []string{"eth"}
	}
	key := chainKey(t)
	c := newChainSim(t, []simnet.ChainOrchestrator{
		{Key: key, ServiceURI: "https://o.example:8935", Stake: chainEther(1), Active: true},
	}, serveHTTP)

	cfg := c.config()
	cfg.RPCURL = fmt.Sprintf("http://127.0.0.1:%d", port)
	d, err := DialChain(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	got, _, err := d.Orchestrators(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Address != chainAddr(key) || got[0].ServiceURI != "https://o.example:8935" {
		t.Errorf("got %+v", got)
	}
}

func TestDialChainKeepsSecretsOutOfErrors(t *testing.T) {
	t.Parallel()
	cfg := ChainConfig{RPCURL: "bogus://user:s3cret@rpc.example/v2/APIKEY", Controller: ChainArbitrumOneController}
	_, err := DialChain(t.Context(), cfg)
	if err == nil {
		t.Fatal("dialled an unknown scheme")
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || strings.Contains(msg, "APIKEY") {
		t.Errorf("error leaks the URL's secrets: %v", err)
	}
}
