package livepeer

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"jobtester/ethaddr"
	"jobtester/livepeer/contracts"
)

// Livepeer's contracts on Arbitrum One (reference §5.1). Only the Controller
// is needed: the others are resolved through it, except the AIServiceRegistry,
// which the Controller does not know.
const (
	ChainArbitrumOneController        = "0xD8E8328501E9645d16Cf49539efC04f734606ee4"
	ChainArbitrumOneAIServiceRegistry = "0x04C0b249740175999E5BF5c9ac1dA92431EF34C5"
)

// ChainSource is the Orchestrator.Sources entry of records read from the chain.
const ChainSource = "chain"

const (
	chainDefaultCallTimeout = 10 * time.Second
	chainDefaultConcurrency = 8
	// chainPoolHardLimit caps the pool walk whatever getTranscoderPoolMaxSize
	// says (Livepeer's is 100), so a contract reporting a huge maximum cannot
	// keep discovery walking for ever.
	chainPoolHardLimit = 10_000
)

// ErrChainPoolCorrupt is returned when the BondingManager's transcoder pool
// is not a finite list: it cycles, or is longer than its maximum size.
var ErrChainPoolCorrupt = errors.New("transcoder pool is corrupt")

// ChainConfig says where Livepeer's contracts are. Addresses are hex strings;
// an empty override means "resolve through the Controller".
type ChainConfig struct {
	// RPCURL is the JSON-RPC endpoint DialChain dials (an Arbitrum One node
	// in production). NewChainDiscovery ignores it.
	RPCURL string
	// Controller resolves BondingManager, ServiceRegistry and RoundsManager
	// with getContract(keccak256(name)). Required unless all three are set.
	Controller string
	// BondingManager, ServiceRegistry and RoundsManager override the
	// Controller's answer.
	BondingManager  string
	ServiceRegistry string
	RoundsManager   string
	// AIServiceRegistry is not in the Controller. Empty means Arbitrum One's
	// when Controller is Arbitrum One's, and otherwise no AI registry: every
	// AIServiceURI is then "".
	AIServiceRegistry string
	// CallTimeout bounds each eth_call on its own (default 10s).
	CallTimeout time.Duration
	// Concurrency bounds the per-orchestrator reads in flight (default 8).
	// The pool walk, which is sequential, runs beside them.
	Concurrency int
}

// ChainContracts are the addresses a discovery reads. AIServiceRegistry is
// the zero address when there is none.
type ChainContracts struct {
	Controller        common.Address
	BondingManager    common.Address
	ServiceRegistry   common.Address
	AIServiceRegistry common.Address
	RoundsManager     common.Address
}

// ChainDiscovery reads the orchestrator set from Livepeer's contracts with
// plain eth_calls, each against the latest block (as go-livepeer does; a
// pinned block would fail on nodes that prune old state). It keeps no state
// between discoveries and is safe for concurrent use.
type ChainDiscovery struct {
	backend     bind.ContractCaller
	given       ChainContracts // zero fields are resolved through the Controller
	callTimeout time.Duration
	concurrency int
	close       func()
}

// NewChainDiscovery checks cfg and returns a discovery that reads through
// backend (an *ethclient.Client, a simulated backend's client, or anything
// else that makes eth_calls). It does no I/O.
func NewChainDiscovery(backend bind.ContractCaller, cfg ChainConfig) (*ChainDiscovery, error) {
	if backend == nil {
		return nil, errors.New("chain discovery: nil backend")
	}
	d, err := newChainDiscovery(cfg)
	if err != nil {
		return nil, err
	}
	d.backend = backend
	return d, nil
}

// DialChain connects to cfg.RPCURL. Close the discovery to close the
// connection.
func DialChain(ctx context.Context, cfg ChainConfig) (*ChainDiscovery, error) {
	if cfg.RPCURL == "" {
		return nil, errors.New("chain config: RPCURL is required")
	}
	d, err := newChainDiscovery(cfg)
	if err != nil {
		return nil, err
	}
	client, err := ethclient.DialContext(ctx, cfg.RPCURL)
	if err != nil {
		return nil, fmt.Errorf("dial chain RPC %s: %w", chainRedactURL(cfg.RPCURL), err)
	}
	d.backend = client
	d.close = client.Close
	return d, nil
}

func newChainDiscovery(cfg ChainConfig) (*ChainDiscovery, error) {
	var (
		d   = &ChainDiscovery{callTimeout: cfg.CallTimeout, concurrency: cfg.Concurrency}
		err error
	)
	fields := []struct {
		name  string
		value string
		dst   *common.Address
	}{
		{"Controller", cfg.Controller, &d.given.Controller},
		{"BondingManager", cfg.BondingManager, &d.given.BondingManager},
		{"ServiceRegistry", cfg.ServiceRegistry, &d.given.ServiceRegistry},
		{"RoundsManager", cfg.RoundsManager, &d.given.RoundsManager},
		{"AIServiceRegistry", cfg.AIServiceRegistry, &d.given.AIServiceRegistry},
	}
	for _, f := range fields {
		if *f.dst, err = chainParseAddress(f.value); err != nil {
			return nil, fmt.Errorf("chain config: %s: %w", f.name, err)
		}
	}
	g := &d.given
	if g.Controller == (common.Address{}) {
		for _, f := range fields[1:4] {
			if *f.dst == (common.Address{}) {
				return nil, fmt.Errorf("chain config: Controller is required unless BondingManager, ServiceRegistry and RoundsManager are all set (%s is not); Arbitrum One's is %s",
					f.name, ChainArbitrumOneController)
			}
		}
	}
	if g.AIServiceRegistry == (common.Address{}) && g.Controller == common.HexToAddress(ChainArbitrumOneController) {
		g.AIServiceRegistry = common.HexToAddress(ChainArbitrumOneAIServiceRegistry)
	}
	switch {
	case d.callTimeout < 0:
		return nil, fmt.Errorf("chain config: CallTimeout %v is negative", d.callTimeout)
	case d.callTimeout == 0:
		d.callTimeout = chainDefaultCallTimeout
	}
	switch {
	case d.concurrency < 0:
		return nil, fmt.Errorf("chain config: Concurrency %d is negative", d.concurrency)
	case d.concurrency == 0:
		d.concurrency = chainDefaultConcurrency
	}
	return d, nil
}

// chainParseAddress accepts "" (the zero address: not set) or 0x and 40 hex
// digits in any case; an explicit zero address is a mistake, not "unset".
func chainParseAddress(s string) (common.Address, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return common.Address{}, nil
	}
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") || !common.IsHexAddress(s) {
		return common.Address{}, fmt.Errorf("%q is not an address (0x and 40 hex digits)", s)
	}
	a := common.HexToAddress(s)
	if a == (common.Address{}) {
		return common.Address{}, fmt.Errorf("%q is the zero address", s)
	}
	return a, nil
}

// chainRedactURL keeps the scheme and host of an RPC URL: providers put API
// keys in the path or query, and errors end up in logs.
func chainRedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host
}

// Close closes the RPC connection DialChain opened; it does nothing for a
// discovery made by NewChainDiscovery, whose backend belongs to the caller.
func (d *ChainDiscovery) Close() {
	if d.close != nil {
		d.close()
	}
}

// chainContractID is the key Livepeer's Controller files a contract under.
func chainContractID(name string) [32]byte {
	return crypto.Keccak256Hash([]byte(name))
}

// Contracts returns the addresses discovery reads now: the configured ones,
// and the Controller's answer for the rest. The Controller is asked every
// time because governance can repoint it.
func (d *ChainDiscovery) Contracts(ctx context.Context) (ChainContracts, error) {
	c := d.given
	if c.Controller == (common.Address{}) {
		return c, nil
	}
	controller, err := contracts.NewControllerCaller(c.Controller, d.backend)
	if err != nil {
		return c, fmt.Errorf("bind Controller: %w", err)
	}
	g := newChainGroup(ctx, d.callTimeout, d.concurrency)
	for _, f := range []struct {
		name string
		dst  *common.Address
	}{
		{"BondingManager", &c.BondingManager},
		{"ServiceRegistry", &c.ServiceRegistry},
		{"RoundsManager", &c.RoundsManager},
	} {
		if *f.dst != (common.Address{}) {
			continue
		}
		what := fmt.Sprintf("Controller %s getContract(%q)", c.Controller.Hex(), f.name)
		g.goCall(what, func(opts *bind.CallOpts) error {
			a, err := controller.GetContract(opts, chainContractID(f.name))
			if err != nil {
				return err
			}
			if a == (common.Address{}) {
				return errors.New("not registered")
			}
			*f.dst = a
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return c, fmt.Errorf("chain: %w", err)
	}
	return c, nil
}

// chainRecord collects one pool member's reads; each goroutine writes its
// own fields.
type chainRecord struct {
	address           common.Address
	status            uint8
	stake             *big.Int
	isActive          bool
	activationRound   *big.Int
	deactivationRound *big.Int
	serviceURI        string
	aiServiceURI      string
}

// Orchestrators walks the BondingManager's transcoder pool and reads, for
// each member, its transcoder record, status, stake, activity and its URIs in
// both service registries. It returns the members in pool order (descending
// stake on Livepeer) and the current round. Reads of a member start as soon
// as the walk reaches it. Any failed read fails the discovery: a partial
// answer would pass a missing URI off as "not registered". A pool that
// cycles or holds more than getTranscoderPoolMaxSize members is
// ErrChainPoolCorrupt.
func (d *ChainDiscovery) Orchestrators(ctx context.Context) ([]Orchestrator, *big.Int, error) {
	c, err := d.Contracts(ctx)
	if err != nil {
		return nil, nil, err
	}
	bm, err := contracts.NewBondingManagerCaller(c.BondingManager, d.backend)
	if err != nil {
		return nil, nil, fmt.Errorf("bind BondingManager: %w", err)
	}
	rm, err := contracts.NewRoundsManagerCaller(c.RoundsManager, d.backend)
	if err != nil {
		return nil, nil, fmt.Errorf("bind RoundsManager: %w", err)
	}
	sr, err := contracts.NewServiceRegistryCaller(c.ServiceRegistry, d.backend)
	if err != nil {
		return nil, nil, fmt.Errorf("bind ServiceRegistry: %w", err)
	}
	var ai *contracts.ServiceRegistryCaller
	if c.AIServiceRegistry != (common.Address{}) {
		if ai, err = contracts.NewServiceRegistryCaller(c.AIServiceRegistry, d.backend); err != nil {
			return nil, nil, fmt.Errorf("bind AIServiceRegistry: %w", err)
		}
	}

	var round, maxSize *big.Int
	g := newChainGroup(ctx, d.callTimeout, d.concurrency)
	g.goCall("RoundsManager currentRound()", func(opts *bind.CallOpts) (err error) {
		round, err = rm.CurrentRound(opts)
		return err
	})
	g.goCall("BondingManager getTranscoderPoolMaxSize()", func(opts *bind.CallOpts) (err error) {
		maxSize, err = bm.GetTranscoderPoolMaxSize(opts)
		return err
	})
	if err := g.wait(); err != nil {
		return nil, nil, fmt.Errorf("chain: %w", err)
	}
	limit := chainPoolHardLimit
	if maxSize.IsInt64() && maxSize.Int64() < int64(limit) {
		limit = int(maxSize.Int64())
	}

	g = newChainGroup(ctx, d.callTimeout, d.concurrency)
	var records []*chainRecord
	walkErr := func() error {
		var addr common.Address
		err := g.call("BondingManager getFirstTranscoderInPool()", func(opts *bind.CallOpts) (err error) {
			addr, err = bm.GetFirstTranscoderInPool(opts)
			return err
		})
		seen := make(map[common.Address]bool)
		for err == nil && addr != (common.Address{}) {
			if seen[addr] {
				return fmt.Errorf("%w: it cycles back to %s after %d members", ErrChainPoolCorrupt, strings.ToLower(addr.Hex()), len(records))
			}
			if len(records) == limit {
				return fmt.Errorf("%w: it has more than %d members, its maximum size %s", ErrChainPoolCorrupt, limit, maxSize)
			}
			seen[addr] = true
			r := &chainRecord{address: addr}
			records = append(records, r)
			d.readMember(g, r, bm, sr, ai)
			cur := addr
			err = g.call(fmt.Sprintf("BondingManager getNextTranscoderInPool(%s)", strings.ToLower(cur.Hex())), func(opts *bind.CallOpts) (err error) {
				addr, err = bm.GetNextTranscoderInPool(opts, cur)
				return err
			})
		}
		return err
	}()
	if walkErr != nil {
		g.fail(walkErr)
	}
	if err := g.wait(); err != nil {
		return nil, nil, fmt.Errorf("chain: %w", err)
	}

	out := make([]Orchestrator, len(records))
	for i, r := range records {
		out[i] = Orchestrator{
			Address:           strings.ToLower(r.address.Hex()),
			ServiceURI:        r.serviceURI,
			AIServiceURI:      r.aiServiceURI,
			Active:            r.isActive && chainInRoundWindow(r.activationRound, r.deactivationRound, round),
			Registered:        r.status == 1,
			DelegatedStake:    r.stake,
			ActivationRound:   r.activationRound,
			DeactivationRound: r.deactivationRound,
			Sources:           []string{ChainSource},
		}
	}
	return out, round, nil
}

// readMember starts the per-member reads: the five go-livepeer makes for
// /registeredOrchestrators (reference §1.1) plus the AI registry's URI.
func (d *ChainDiscovery) readMember(g *chainGroup, r *chainRecord, bm *contracts.BondingManagerCaller, sr, ai *contracts.ServiceRegistryCaller) {
	a := strings.ToLower(r.address.Hex())
	g.goCall("BondingManager getTranscoder("+a+")", func(opts *bind.CallOpts) error {
		t, err := bm.GetTranscoder(opts, r.address)
		r.activationRound, r.deactivationRound = t.ActivationRound, t.DeactivationRound
		return err
	})
	g.goCall("BondingManager transcoderStatus("+a+")", func(opts *bind.CallOpts) (err error) {
		r.status, err = bm.TranscoderStatus(opts, r.address)
		return err
	})
	g.goCall("BondingManager transcoderTotalStake("+a+")", func(opts *bind.CallOpts) (err error) {
		r.stake, err = bm.TranscoderTotalStake(opts, r.address)
		return err
	})
	g.goCall("BondingManager isActiveTranscoder("+a+")", func(opts *bind.CallOpts) (err error) {
		r.isActive, err = bm.IsActiveTranscoder(opts, r.address)
		return err
	})
	g.goCall("ServiceRegistry getServiceURI("+a+")", func(opts *bind.CallOpts) (err error) {
		r.serviceURI, err = sr.GetServiceURI(opts, r.address)
		return err
	})
	if ai != nil {
		g.goCall("AIServiceRegistry getServiceURI("+a+")", func(opts *bind.CallOpts) (err error) {
			r.aiServiceURI, err = ai.GetServiceURI(opts, r.address)
			return err
		})
	}
}

// chainInRoundWindow is activationRound ≤ round < deactivationRound, the
// test go-livepeer's pool cache applies (reference §5.3). Discovery requires
// it on top of isActiveTranscoder because the reads are separate eth_calls
// that may straddle a round change: a record is then consistent with the
// round it is returned with.
func chainInRoundWindow(activation, deactivation, round *big.Int) bool {
	if activation == nil || deactivation == nil || round == nil {
		return false
	}
	return activation.Cmp(round) <= 0 && round.Cmp(deactivation) < 0
}

// chainGroup runs eth_calls, each under its own deadline, at most limit at a
// time, and cancels the rest on the first error.
type chainGroup struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timeout time.Duration
	sem     chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	err     error
}

func newChainGroup(ctx context.Context, timeout time.Duration, limit int) *chainGroup {
	ctx, cancel := context.WithCancelCause(ctx)
	return &chainGroup{ctx: ctx, cancel: cancel, timeout: timeout, sem: make(chan struct{}, limit)}
}

// call runs fn now, in the caller's goroutine, outside the limit.
func (g *chainGroup) call(what string, fn func(*bind.CallOpts) error) error {
	if err := context.Cause(g.ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(g.ctx, g.timeout)
	defer cancel()
	if err := fn(&bind.CallOpts{Context: ctx}); err != nil {
		if cause := context.Cause(g.ctx); cause != nil {
			return cause // another call failed first, or the caller gave up
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// goCall runs fn in a goroutine once a slot is free.
func (g *chainGroup) goCall(what string, fn func(*bind.CallOpts) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		select {
		case g.sem <- struct{}{}:
		case <-g.ctx.Done():
			g.fail(context.Cause(g.ctx))
			return
		}
		defer func() { <-g.sem }()
		if err := g.call(what, fn); err != nil {
			g.fail(err)
		}
	}()
}

func (g *chainGroup) fail(err error) {
	g.once.Do(func() {
		g.err = err
		g.cancel(err)
	})
}

// wait returns the first error once every call has returned.
func (g *chainGroup) wait() error {
	g.wg.Wait()
	g.cancel(nil)
	return g.err
}

// ChainMerge joins gateway and chain records on the lower-case address. The
// chain is the authority on what it stores (URIs, stake, status, rounds); the
// gateway adds what only it knows (PricePerPixel) and the orchestrators the
// chain walk did not return. Chain records come first in their order, then
// gateway-only ones in theirs. Inputs are not modified.
func ChainMerge(gateway, chain []Orchestrator) []Orchestrator {
	out := make([]Orchestrator, 0, len(chain)+len(gateway))
	index := make(map[string]int, len(chain)+len(gateway))
	add := func(o Orchestrator) {
		o.Address = ethaddr.Fold(o.Address)
		o.Sources = append([]string(nil), o.Sources...)
		index[o.Address] = len(out)
		out = append(out, o)
	}
	for _, o := range chain {
		if i, ok := index[ethaddr.Fold(o.Address)]; ok {
			out[i].Sources = chainUnion(out[i].Sources, o.Sources)
			continue
		}
		add(o)
	}
	for _, o := range gateway {
		i, ok := index[ethaddr.Fold(o.Address)]
		if !ok {
			add(o)
			continue
		}
		m := &out[i]
		if m.PricePerPixel == nil {
			m.PricePerPixel = o.PricePerPixel
		}
		// A chain record missing a number (never so from Orchestrators) is
		// filled rather than left nil.
		if m.DelegatedStake == nil {
			m.DelegatedStake = o.DelegatedStake
		}
		if m.ActivationRound == nil {
			m.ActivationRound = o.ActivationRound
		}
		if m.DeactivationRound == nil {
			m.DeactivationRound = o.DeactivationRound
		}
		m.Sources = chainUnion(m.Sources, o.Sources)
	}
	return out
}

func chainUnion(a, b []string) []string {
	for _, s := range b {
		found := false
		for _, t := range a {
			if s == t {
				found = true
				break
			}
		}
		if !found {
			a = append(a, s)
		}
	}
	return a
}
