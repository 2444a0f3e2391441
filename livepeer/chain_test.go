package livepeer

import (
	"crypto/ecdsa"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"jobtester/livepeer/contracts"
	"jobtester/simnet"
)

// chainMaxUint256 is Livepeer's DeactivationRound of an orchestrator that is
// not deactivating.
var chainMaxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

func chainEther(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18))
}

func chainKey(t testing.TB) *ecdsa.PrivateKey {
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
	dep      *simnet.ChainDeployment
}

func newChainSim(t testing.TB, orchs []simnet.ChainOrchestrator, options ...func(*node.Config, *ethconfig.Config)) *chainSim {
	t.Helper()
	deployer := chainKey(t)
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(deployer.PublicKey): {Balance: chainEther(1_000_000)}}
	sim := simulated.NewBackend(alloc, options...)
	t.Cleanup(func() { sim.Close() })
	dep, err := simnet.DeployChain(t.Context(), sim.Client(), sim.Commit, deployer, orchs, 0)
	if err != nil {
		t.Fatal(err)
	}
	return &chainSim{sim: sim, deployer: deployer, dep: dep}
}

// owner returns transaction options of the contracts' owner for one
// transaction, to be mined before the next: the nonce comes from the latest
// block, since the pool's pending nonce catches up asynchronously.
func (c *chainSim) owner(t testing.TB) *bind.TransactOpts {
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

func (c *chainSim) bondingManager(t testing.TB) *contracts.BondingManager {
	t.Helper()
	bm, err := contracts.NewBondingManager(c.dep.BondingManager, c.sim.Client())
	if err != nil {
		t.Fatal(err)
	}
	return bm
}

// mined commits a block and checks the transaction went through.
func (c *chainSim) mined(t testing.TB, tx *types.Transaction, err error) {
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

func (c *chainSim) discovery(t testing.TB, caller bind.ContractCaller, change func(*ChainConfig)) *ChainDiscovery {
	t.Helper()
	if caller == nil {
		caller = c.sim.Client()
	}
	cfg := c.config()
	if change != nil {
		change(&cfg)
	}
	d, err := chainDiscoveryOver(caller, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// config is a ChainConfig that discovers this deployment.
func (c *chainSim) config() ChainConfig {
	return ChainConfig{Controller: c.dep.Controller.Hex(), AIServiceRegistry: c.dep.AIServiceRegistry.Hex()}
}

// contracts is the deployment's addresses as discovery reports them.
func (c *chainSim) contracts() ChainContracts {
	d := c.dep
	return ChainContracts{Controller: d.Controller, BondingManager: d.BondingManager, ServiceRegistry: d.ServiceRegistry,
		AIServiceRegistry: d.AIServiceRegistry, RoundsManager: d.RoundsManager, TicketBroker: d.TicketBroker}
}

// chainDiscoveryOver is a discovery that reads through caller (a simulated
// backend's client, or a fake), where DialChain's reads through its own
// RPC connection.
func chainDiscoveryOver(caller bind.ContractCaller, cfg ChainConfig) (*ChainDiscovery, error) {
	d, err := newChainDiscovery(cfg)
	if err != nil {
		return nil, err
	}
	d.backend = caller
	return d, nil
}

func TestChainDiscoveryReadsEveryField(t *testing.T) {
	t.Parallel()
	huge := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 200), big.NewInt(7)) // > 2^128
	keys := []*ecdsa.PrivateKey{chainKey(t), chainKey(t), chainKey(t), chainKey(t), chainKey(t)}
	orchs := []simnet.ChainOrchestrator{
		// Registered in reverse stake order: the pool must sort them.
		{Key: keys[4], ServiceURI: "", AIServiceURI: "https://e-ai.example:8935", Stake: chainEther(1000), Active: true},
		{Key: keys[3], ServiceURI: "https://d.example:8935", AIServiceURI: "https://d.example:9935", Stake: chainEther(2000), Active: false},
		{Key: keys[2], ServiceURI: "https://c.example:8935", AIServiceURI: "", Stake: chainEther(3000), Active: true},
		{Key: keys[1], ServiceURI: "https://b.example:8935", AIServiceURI: "https://b.example:8935", Stake: chainEther(5000), Active: true},
		{Key: keys[0], ServiceURI: "https://a.example:8935", AIServiceURI: "https://a-ai.example:8935", Stake: huge, Active: true},
	}
	c := newChainSim(t, orchs)
	round := big.NewInt(simnet.ChainFirstRound)
	o := func(k *ecdsa.PrivateKey, uri, ai string, stake *big.Int, active bool, deactivation *big.Int) Orchestrator {
		return Orchestrator{
			Address: chainAddr(k), ServiceURI: uri, AIServiceURI: ai,
			Active: active, Registered: true, DelegatedStake: stake,
			ActivationRound: round, DeactivationRound: deactivation,
			// DeployChain's default cuts; nobody has called reward yet.
			RewardCut: big.NewInt(100_000), FeeShare: big.NewInt(500_000), LastRewardRound: big.NewInt(0),
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

func chainCheckOrchestrators(t testing.TB, got, want []Orchestrator) {
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
			{"RewardCut", g.RewardCut, w.RewardCut},
			{"FeeShare", g.FeeShare, w.FeeShare},
			{"LastRewardRound", g.LastRewardRound, w.LastRewardRound},
		} {
			if n.got == nil || n.got.Cmp(n.let) != 0 {
				t.Errorf("%d %s: %s = %v, want %v", i, w.Address, n.name, n.got, n.let)
			}
		}
		g.DelegatedStake, g.ActivationRound, g.DeactivationRound, g.RewardCut, g.FeeShare, g.LastRewardRound = nil, nil, nil, nil, nil, nil
		w.DelegatedStake, w.ActivationRound, w.DeactivationRound, w.RewardCut, w.FeeShare, w.LastRewardRound = nil, nil, nil, nil, nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestChainDiscoveryActivityFollowsRounds(t *testing.T) {
	t.Parallel()
	now, later := chainKey(t), chainKey(t)
	c := newChainSim(t, []simnet.ChainOrchestrator{
		{Key: now, ServiceURI: "https://now.example", Stake: chainEther(20), Active: true},
	})
	bm := c.bondingManager(t)
	next := big.NewInt(simnet.ChainFirstRound + 1)
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
		t.Errorf("round %d: active %v, want %v", simnet.ChainFirstRound, got, want)
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
	if err != nil || len(got) != 0 || round.Int64() != simnet.ChainFirstRound {
		t.Fatalf("got %v, %v, %v; want no orchestrators, round %d, no error", got, round, err, simnet.ChainFirstRound)
	}
}

func TestChainDiscoveryRejectsACorruptPool(t *testing.T) {
	t.Parallel()
	keys := []*ecdsa.PrivateKey{chainKey(t), chainKey(t), chainKey(t)}
	c := newChainSim(t, []simnet.ChainOrchestrator{
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
	if got != c.contracts() {
		t.Errorf("resolved %+v, want %+v", got, c.contracts())
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

// The Controller keys of Livepeer's deployment (docs/livepeer.md, "Contracts
// on Arbitrum One").
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
