package livepeer

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"jobtester/livepeer/contracts"
)

// Livepeer's contracts on Arbitrum One (docs/livepeer.md, "Contracts on
// Arbitrum One"). Only the Controller
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
	chainDefaultLogChunk    = 10_000
	chainDefaultLogRetries  = 3
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
	// in production).
	RPCURL string
	// Controller resolves BondingManager, ServiceRegistry, RoundsManager and
	// TicketBroker with getContract(keccak256(name)). Required unless all
	// four are set.
	Controller string
	// BondingManager, ServiceRegistry, RoundsManager and TicketBroker
	// override the Controller's answer.
	BondingManager  string
	ServiceRegistry string
	RoundsManager   string
	TicketBroker    string
	// AIServiceRegistry is not in the Controller. Empty means Arbitrum One's
	// when Controller is Arbitrum One's, and otherwise no AI registry: every
	// AIServiceURI is then "".
	AIServiceRegistry string
	// CallTimeout bounds each eth_call on its own (default 10s).
	CallTimeout time.Duration
	// Concurrency bounds the per-orchestrator reads in flight (default 8).
	// The pool walk, which is sequential, runs beside them.
	Concurrency int
	// LogChunkBlocks is the widest block range of one eth_getLogs (default
	// 10,000, what hosted Arbitrum endpoints accept); a range the node
	// refuses as too wide is halved.
	LogChunkBlocks uint64
	// LogRetries is how many times a failed eth_getLogs is tried again
	// (default 3), with a growing pause.
	LogRetries int
}

// ChainContracts are the addresses a discovery reads. AIServiceRegistry is
// the zero address when there is none.
type ChainContracts struct {
	Controller        common.Address
	BondingManager    common.Address
	ServiceRegistry   common.Address
	AIServiceRegistry common.Address
	RoundsManager     common.Address
	TicketBroker      common.Address
}

// ChainDiscovery reads the orchestrator set from Livepeer's contracts with
// plain eth_calls, each against the latest block (as go-livepeer does; a
// pinned block would fail on nodes that prune old state). It keeps no state
// between discoveries and is safe for concurrent use.
type ChainDiscovery struct {
	backend     bind.ContractCaller
	logs        chainLogReader // nil: no activity reads
	given       ChainContracts // zero fields are resolved through the Controller
	callTimeout time.Duration
	concurrency int
	logChunk    uint64
	logRetries  int
	retryPause  time.Duration // first pause between tries; 0: 200 ms
	close       func()
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
	d.backend, d.logs = client, client
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
		{"TicketBroker", cfg.TicketBroker, &d.given.TicketBroker},
		{"AIServiceRegistry", cfg.AIServiceRegistry, &d.given.AIServiceRegistry},
	}
	for _, f := range fields {
		if *f.dst, err = chainParseAddress(f.value); err != nil {
			return nil, fmt.Errorf("chain config: %s: %w", f.name, err)
		}
	}
	g := &d.given
	if g.Controller == (common.Address{}) {
		for _, f := range fields[1:5] {
			if *f.dst == (common.Address{}) {
				return nil, fmt.Errorf("chain config: Controller is required unless BondingManager, ServiceRegistry, RoundsManager and TicketBroker are all set (%s is not); Arbitrum One's is %s",
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
	if d.logChunk = cfg.LogChunkBlocks; d.logChunk == 0 {
		d.logChunk = chainDefaultLogChunk
	}
	switch d.logRetries = cfg.LogRetries; {
	case d.logRetries < 0:
		return nil, fmt.Errorf("chain config: LogRetries %d is negative", d.logRetries)
	case d.logRetries == 0:
		d.logRetries = chainDefaultLogRetries
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

// Close closes the RPC connection DialChain opened.
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
		{"TicketBroker", &c.TicketBroker},
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
