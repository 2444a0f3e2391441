package livepeer

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"jobtester/livepeer/contracts"
)

// chainMaxUint256 is Livepeer's DeactivationRound of an orchestrator that is
// not deactivating.
var chainMaxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

func chainEther(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18))
}

func chainKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func chainAddr(k *ecdsa.PrivateKey) string {
	return strings.ToLower(crypto.PubkeyToAddress(k.PublicKey).Hex())
}

// chainSim is a simulated chain with the project's contracts deployed.
type chainSim struct {
	sim      *simulated.Backend
	deployer *ecdsa.PrivateKey
	dep      *ChainSimDeployment
}

func newChainSim(t *testing.T, orchs []ChainSimOrchestrator, options ...func(*node.Config, *ethconfig.Config)) *chainSim {
	t.Helper()
	deployer := chainKey(t)
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(deployer.PublicKey): {Balance: chainEther(1_000_000)}}
	sim := simulated.NewBackend(alloc, options...)
	t.Cleanup(func() { sim.Close() })
	dep, err := ChainDeploySimulated(t.Context(), sim.Client(), sim.Commit, deployer, orchs)
	if err != nil {
		t.Fatal(err)
	}
	return &chainSim{sim: sim, deployer: deployer, dep: dep}
}

// owner returns transaction options of the contracts' owner for one
// transaction, to be mined before the next: the nonce comes from the latest
// block, since the pool's pending nonce catches up asynchronously.
func (c *chainSim) owner(t *testing.T) *bind.TransactOpts {
	t.Helper()
	opts, err := bind.NewKeyedTransactorWithChainID(c.deployer, big.NewInt(1337))
	if err != nil {
		t.Fatal(err)
	}
	nonce, err := c.sim.Client().NonceAt(t.Context(), opts.From, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.Nonce = new(big.Int).SetUint64(nonce)
	return opts
}

func (c *chainSim) bondingManager(t *testing.T) *contracts.BondingManager {
	t.Helper()
	bm, err := contracts.NewBondingManager(c.dep.BondingManager, c.sim.Client())
	if err != nil {
		t.Fatal(err)
	}
	return bm
}

// mined commits a block and checks the transaction went through.
func (c *chainSim) mined(t *testing.T, tx *types.Transaction, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	c.sim.Commit()
	r, err := c.sim.Client().TransactionReceipt(t.Context(), tx.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		t.Fatal("transaction reverted")
	}
}

func (c *chainSim) discovery(t *testing.T, caller bind.ContractCaller, change func(*ChainConfig)) *ChainDiscovery {
	t.Helper()
	if caller == nil {
		caller = c.sim.Client()
	}
	cfg := c.dep.Config()
	if change != nil {
		change(&cfg)
	}
	d, err := NewChainDiscovery(caller, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestChainDiscoveryReadsEveryField(t *testing.T) {
	t.Parallel()
	huge := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 200), big.NewInt(7)) // > 2^128
	keys := []*ecdsa.PrivateKey{chainKey(t), chainKey(t), chainKey(t), chainKey(t), chainKey(t)}
	orchs := []ChainSimOrchestrator{
		// Registered in reverse stake order: the pool must sort them.
		{Key: keys[4], ServiceURI: "", AIServiceURI: "https://e-ai.example:8935", Stake: chainEther(1000), Active: true},
		{Key: keys[3], ServiceURI: "https://d.example:8935", AIServiceURI: "https://d.example:9935", Stake: chainEther(2000), Active: false},
		{Key: keys[2], ServiceURI: "https://c.example:8935", AIServiceURI: "", Stake: chainEther(3000), Active: true},
		{Key: keys[1], ServiceURI: "https://b.example:8935", AIServiceURI: "https://b.example:8935", Stake: chainEther(5000), Active: true},
		{Key: keys[0], ServiceURI: "https://a.example:8935", AIServiceURI: "https://a-ai.example:8935", Stake: huge, Active: true},
	}
	c := newChainSim(t, orchs)
	round := big.NewInt(ChainSimFirstRound)
	o := func(k *ecdsa.PrivateKey, uri, ai string, stake *big.Int, active bool, deactivation *big.Int) Orchestrator {
		return Orchestrator{
			Address: chainAddr(k), ServiceURI: uri, AIServiceURI: ai,
			Active: active, Registered: true, DelegatedStake: stake,
			ActivationRound: round, DeactivationRound: deactivation,
			Sources: []string{"chain"},
		}
	}
	want := []Orchestrator{
		o(keys[0], "https://a.example:8935", "https://a-ai.example:8935", huge, true, chainMaxUint256),
		o(keys[1], "https://b.example:8935", "https://b.example:8935", chainEther(5000), true, chainMaxUint256),
		o(keys[2], "https://c.example:8935", "", chainEther(3000), true, chainMaxUint256),
		// Deactivated as of the current round: still in the pool, inactive.
		o(keys[3], "https://d.example:8935", "https://d.example:9935", chainEther(2000), false, round),
		// Never set a URI in the ServiceRegistry, only in the AI registry.
		o(keys[4], "", "https://e-ai.example:8935", chainEther(1000), true, chainMaxUint256),
	}

	got, gotRound, err := c.discovery(t, nil, nil).Orchestrators(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if gotRound.Cmp(round) != 0 {
		t.Errorf("round %s, want %s", gotRound, round)
	}
	chainCheckOrchestrators(t, got, want)

	// Without an AI registry every AIServiceURI is "", and nothing else moves.
	noAI := c.discovery(t, nil, func(cfg *ChainConfig) { cfg.AIServiceRegistry = "" })
	got, _, err = noAI.Orchestrators(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		want[i].AIServiceURI = ""
	}
	chainCheckOrchestrators(t, got, want)
}

func chainCheckOrchestrators(t *testing.T, got, want []Orchestrator) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d orchestrators, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		for _, n := range []struct {
			name     string
			got, let *big.Int
		}{
			{"DelegatedStake", g.DelegatedStake, w.DelegatedStake},
			{"ActivationRound", g.ActivationRound, w.ActivationRound},
			{"DeactivationRound", g.DeactivationRound, w.DeactivationRound},
		} {
			if n.got == nil || n.got.Cmp(n.let) != 0 {
				t.Errorf("%d %s: %s = %v, want %v", i, w.Address, n.name, n.got, n.let)
			}
		}
		g.DelegatedStake, g.ActivationRound, g.DeactivationRound = nil, nil, nil
		w.DelegatedStake, w.ActivationRound, w.DeactivationRound = nil, nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestChainDiscoveryActivityFollowsRounds(t *testing.T) {
	t.Parallel()
	now, later := chainKey(t), chainKey(t)
	c := newChainSim(t, []ChainSimOrchestrator{
		{Key: now, ServiceURI: "https://now.example", Stake: chainEther(20), Active: true},
	})
	bm := c.bondingManager(t)
	next := big.NewInt(ChainSimFirstRound + 1)
	// Leaves at the next round; joins at the next round.
	tx, err := bm.DeactivateTranscoder(c.owner(t), crypto.PubkeyToAddress(now.PublicKey), next)
	c.mined(t, tx, err)
	tx, err = bm.RegisterTranscoder(c.owner(t), crypto.PubkeyToAddress(later.PublicKey), chainEther(10), big.NewInt(0), big.NewInt(0), next)
	c.mined(t, tx, err)

	d := c.discovery(t, nil, nil)
	active := func() map[string]bool {
		t.Helper()
		list, _, err := d.Orchestrators(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, o := range list {
			m[o.Address] = o.Active
		}
		return m
	}
	if got, want := active(), map[string]bool{chainAddr(now): true, chainAddr(later): false}; !reflect.DeepEqual(got, want) {
		t.Errorf("round %d: active %v, want %v", ChainSimFirstRound, got, want)
	}
	rm, err := contracts.NewRoundsManager(c.dep.RoundsManager, c.sim.Client())
	if err != nil {
		t.Fatal(err)
	}
	tx, err = rm.InitializeRound(c.owner(t), next)
	c.mined(t, tx, err)
	if got, want := active(), map[string]bool{chainAddr(now): false, chainAddr(later): true}; !reflect.DeepEqual(got, want) {
		t.Errorf("round %s: active %v, want %v", next, got, want)
	}
}

func TestChainDiscoveryEmptyPool(t *testing.T) {
	t.Parallel()
	c := newChainSim(t, nil)
	got, round, err := c.discovery(t, nil, nil).Orchestrators(t.Context())
	if err != nil || len(got) != 0 || round.Int64() != ChainSimFirstRound {
		t.Fatalf("got %v, %v, %v; want no orchestrators, round %d, no error", got, round, err, ChainSimFirstRound)
	}
}

func TestChainDiscoveryRejectsACorruptPool(t *testing.T) {
	t.Parallel()
	keys := []*ecdsa.PrivateKey{chainKey(t), chainKey(t), chainKey(t)}
	c := newChainSim(t, []ChainSimOrchestrator{
		{Key: keys[0], ServiceURI: "https://0.example", Stake: chainEther(30), Active: true},
		{Key: keys[1], ServiceURI: "https://1.example", Stake: chainEther(20), Active: true},
		{Key: keys[2], ServiceURI: "https://2.example", Stake: chainEther(10), Active: true},
	})
	bm := c.bondingManager(t)
	d := c.discovery(t, nil, nil)

	// Longer than its maximum size.
	tx, err := bm.SetTranscoderPoolMaxSize(c.owner(t), big.NewInt(2))
	c.mined(t, tx, err)
	_, _, err = d.Orchestrators(t.Context())
	if !errors.Is(err, ErrChainPoolCorrupt) || !strings.Contains(err.Error(), "more than 2 members") {
		t.Errorf("pool of 3 with max size 2: err = %v, want ErrChainPoolCorrupt", err)
	}
	tx, err = bm.SetTranscoderPoolMaxSize(c.owner(t), big.NewInt(100))
	c.mined(t, tx, err)
	if _, _, err := d.Orchestrators(t.Context()); err != nil {
		t.Fatalf("restored pool: %v", err)
	}

	// The last member links back to the first.
	tx, err = bm.SetNextTranscoderInPoolForTest(c.owner(t), crypto.PubkeyToAddress(keys[2].PublicKey), crypto.PubkeyToAddress(keys[0].PublicKey))
	c.mined(t, tx, err)
	_, _, err = d.Orchestrators(t.Context())
	if !errors.Is(err, ErrChainPoolCorrupt) || !strings.Contains(err.Error(), "cycles back to "+chainAddr(keys[0])) {
		t.Errorf("cyclic pool: err = %v, want ErrChainPoolCorrupt naming %s", err, chainAddr(keys[0]))
	}
}

func TestChainDiscoveryResolvesThroughTheController(t *testing.T) {
	t.Parallel()
	c := newChainSim(t, nil)
	got, err := c.discovery(t, nil, nil).Contracts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got != c.dep.ChainContracts {
		t.Errorf("resolved %+v, want %+v", got, c.dep.ChainContracts)
	}

	// An override wins over the Controller.
	other := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	got, err = c.discovery(t, nil, func(cfg *ChainConfig) { cfg.ServiceRegistry = other.Hex() }).Contracts(t.Context())
	if err != nil || got.ServiceRegistry != other || got.BondingManager != c.dep.BondingManager {
		t.Errorf("with a ServiceRegistry override: %+v, %v", got, err)
	}

	// A Controller that knows none of them.
	addr, tx, _, err := contracts.DeployController(c.owner(t), c.sim.Client())
	c.mined(t, tx, err)
	_, _, err = c.discovery(t, nil, func(cfg *ChainConfig) { cfg.Controller = addr.Hex() }).Orchestrators(t.Context())
	if err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Errorf("empty Controller: err = %v, want a getContract not registered error", err)
	}
}

// The Controller keys of reference §5.1.
func TestChainContractIDsMatchLivepeer(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"BondingManager":  "0x2517d59a36a86548e38734e8ab416f42afff4bca78706a66ad65750dae7f9e37",
		"ServiceRegistry": "0x79c5d2a4a07754f4bacb0ffba18ac516030ee589ebc89db8627680c4d4cdb230",
		"RoundsManager":   "0xe8438ea868df48e3fc21f2f087b993c9b1837dc0f6135064161ce7d7a1701fe8",
		"TicketBroker":    "0xbd1aa3e8d2464256d7fd3dcf645c16418d5d8c51d971f1ad7d57e7b1b5eee239",
	} {
		if got := common.Hash(chainContractID(name)).Hex(); got != want {
			t.Errorf("keccak256(%q) = %s, want %s", name, got, want)
		}
	}
}

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
}

func TestChainDiscoveryHangingRPCHitsTheCallDeadline(t *testing.T) {
	t.Parallel()
	cfg := ChainConfig{CallTimeout: 50 * time.Millisecond}
	chainOverrides(&cfg)
	d, err := NewChainDiscovery(&chainHangingCaller{entered: make(chan struct{})}, cfg)
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
	d, err := NewChainDiscovery(caller, cfg)
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
	var orchs []ChainSimOrchestrator
	for i := range 6 {
		orchs = append(orchs, ChainSimOrchestrator{
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
	c := newChainSim(t, []ChainSimOrchestrator{
		{Key: key, ServiceURI: "https://o.example:8935", Stake: chainEther(1), Active: true},
	}, serveHTTP)

	cfg := c.dep.Config()
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

func TestNewChainDiscoveryChecksTheConfig(t *testing.T) {
	t.Parallel()
	const addr = "0x00000000000000000000000000000000000000Aa"
	tests := []struct {
		name    string
		cfg     ChainConfig
		wantErr string // "" = valid
		wantAI  string // expected AI registry when valid, "" = none
	}{
		{name: "Arbitrum One Controller brings its AI registry",
			cfg: ChainConfig{Controller: strings.ToLower(ChainArbitrumOneController)}, wantAI: ChainArbitrumOneAIServiceRegistry},
		{name: "another Controller has no AI registry by default",
			cfg: ChainConfig{Controller: addr}},
		{name: "explicit AI registry",
			cfg: ChainConfig{Controller: addr, AIServiceRegistry: "0x00000000000000000000000000000000000000bb"}, wantAI: "0x00000000000000000000000000000000000000bB"},
		{name: "all three overrides need no Controller",
			cfg: ChainConfig{BondingManager: addr, ServiceRegistry: addr, RoundsManager: addr}},
		{name: "no Controller", cfg: ChainConfig{BondingManager: addr, ServiceRegistry: addr},
			wantErr: "Controller is required unless"},
		{name: "malformed Controller", cfg: ChainConfig{Controller: "0x1234"},
			wantErr: "Controller: \"0x1234\" is not an address"},
		{name: "no 0x prefix", cfg: ChainConfig{Controller: addr[2:] + "00"},
			wantErr: "Controller:"},
		{name: "zero address", cfg: ChainConfig{Controller: addr, BondingManager: "0x0000000000000000000000000000000000000000"},
			wantErr: "BondingManager: \"0x0000000000000000000000000000000000000000\" is the zero address"},
		{name: "malformed AI registry", cfg: ChainConfig{Controller: addr, AIServiceRegistry: "nope"},
			wantErr: "AIServiceRegistry:"},
		{name: "negative timeout", cfg: ChainConfig{Controller: addr, CallTimeout: -time.Second},
			wantErr: "CallTimeout"},
		{name: "negative concurrency", cfg: ChainConfig{Controller: addr, Concurrency: -1},
			wantErr: "Concurrency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := NewChainDiscovery(&chainHangingCaller{}, tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var wantAI common.Address
			if tt.wantAI != "" {
				wantAI = common.HexToAddress(tt.wantAI)
			}
			if d.given.AIServiceRegistry != wantAI {
				t.Errorf("AI registry %s, want %s", d.given.AIServiceRegistry, wantAI)
			}
			if d.callTimeout != chainDefaultCallTimeout || d.concurrency != chainDefaultConcurrency {
				t.Errorf("defaults: %v, %d", d.callTimeout, d.concurrency)
			}
		})
	}
	if _, err := NewChainDiscovery(nil, ChainConfig{Controller: addr}); err == nil {
		t.Error("nil backend accepted")
	}
	if _, err := DialChain(t.Context(), ChainConfig{Controller: addr}); err == nil || !strings.Contains(err.Error(), "RPCURL") {
		t.Errorf("DialChain without RPCURL: %v", err)
	}
}

func TestChainInRoundWindow(t *testing.T) {
	t.Parallel()
	b := big.NewInt
	tests := []struct {
		activation, deactivation, round *big.Int
		want                            bool
	}{
		{b(10), chainMaxUint256, b(10), true},
		{b(10), chainMaxUint256, b(9), false}, // not yet active
		{b(10), b(12), b(11), true},
		{b(10), b(12), b(12), false}, // deactivated this round
		{b(10), b(12), b(13), false},
		{nil, b(12), b(11), false},
	}
	for _, tt := range tests {
		if got := chainInRoundWindow(tt.activation, tt.deactivation, tt.round); got != tt.want {
			t.Errorf("window [%v, %v) at %v = %v, want %v", tt.activation, tt.deactivation, tt.round, got, tt.want)
		}
	}
}

func TestChainMerge(t *testing.T) {
	t.Parallel()
	const (
		a = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		b = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		c = "0xcccccccccccccccccccccccccccccccccccccccc"
	)
	price := big.NewRat(1841, 20)
	gateway := []Orchestrator{
		{Address: "0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ServiceURI: "https://ai.a.example", Active: true, Registered: true,
			DelegatedStake: big.NewInt(1), PricePerPixel: price, Sources: []string{"gateway"}},
		{Address: c, ServiceURI: "https://c.example", Active: true, PricePerPixel: big.NewRat(0, 1), Sources: []string{"gateway"}},
	}
	chain := []Orchestrator{
		{Address: b, ServiceURI: "https://b.example", Active: true, Registered: true, DelegatedStake: big.NewInt(50),
			ActivationRound: big.NewInt(1), DeactivationRound: chainMaxUint256, Sources: []string{"chain"}},
		{Address: a, ServiceURI: "https://a.example", AIServiceURI: "", Active: false, Registered: true, DelegatedStake: big.NewInt(40),
			ActivationRound: big.NewInt(2), DeactivationRound: big.NewInt(3), Sources: []string{"chain"}},
	}
	got := ChainMerge(gateway, chain)
	want := []Orchestrator{
		chain[0],
		// The chain's URIs, stake and status; the gateway's price.
		{Address: a, ServiceURI: "https://a.example", AIServiceURI: "", Active: false, Registered: true, DelegatedStake: big.NewInt(40),
			ActivationRound: big.NewInt(2), DeactivationRound: big.NewInt(3), PricePerPixel: price, Sources: []string{"chain", "gateway"}},
		gateway[1],
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merge:\n got %+v\nwant %+v", got, want)
	}
	// The inputs are untouched.
	if gateway[0].Address != "0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" || len(chain[1].Sources) != 1 || chain[1].PricePerPixel != nil {
		t.Error("ChainMerge modified its inputs")
	}
	if got := ChainMerge(nil, nil); len(got) != 0 {
		t.Errorf("merge of nothing: %v", got)
	}
}

func TestChainDeploySimulatedChecksItsInput(t *testing.T) {
	t.Parallel()
	key := chainKey(t)
	for name, orchs := range map[string][]ChainSimOrchestrator{
		"nil key":        {{Stake: big.NewInt(1)}},
		"nil stake":      {{Key: key}},
		"negative stake": {{Key: key, Stake: big.NewInt(-1)}},
	} {
		if _, err := ChainDeploySimulated(t.Context(), nil, nil, key, orchs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ChainDeploySimulated(t.Context(), nil, nil, nil, nil); err == nil {
		t.Error("nil deployer accepted")
	}
}
