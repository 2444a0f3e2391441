package simnet

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/rpc"
)

// ChainOptions turn on the network's chain: go-ethereum's simulated backend
// with the project's contracts (livepeer/contracts), every scenario
// orchestrator registered in the BondingManager's pool and in both service
// registries, served over JSON-RPC on loopback. Rounds advance on a timer;
// orchestrators that did paid work redeem winning tickets and call reward.
type ChainOptions struct {
	// RoundLength is the simulated time of a round (default 5m);
	// Options.TimeScale applies, so the demo's 0.2 makes it a minute.
	RoundLength time.Duration
	// BlockInterval is the wall-clock time between mined blocks
	// (default 1s). Tickets are redeemed in the next block after the work.
	BlockInterval time.Duration
	// JobsPerTicket: an orchestrator redeems one winning ticket for this
	// many jobs it served to a gateway (default 4), as if each job's ticket
	// won with probability 1/JobsPerTicket.
	JobsPerTicket int
	// FaceValue of each winning ticket in wei (default 0.01 ETH).
	FaceValue *big.Int
	// OffChain names orchestrators left off the chain: the gateway still
	// lists them (a node the chain does not know).
	OffChain []string
	// ChainURI registers, for the named orchestrators, this service URI
	// instead of the one they serve on (a stale registration).
	ChainURI map[string]string
	// Extra are registered on the chain only: no gateway lists them and
	// nothing serves at their URIs (a node the gateways cannot see).
	Extra []ChainOrchestrator
}

const (
	defaultChainRoundLength   = 5 * time.Minute
	defaultChainBlockInterval = time.Second
	defaultJobsPerTicket      = 4
	// chainRewardPerMillion is the stake share minted per reward call, in
	// millionths: 0.05 % a round, about Livepeer's inflation per round.
	chainRewardPerMillion = 500
)

// ChainInfo is where a network's chain is and what it holds.
type ChainInfo struct {
	// RPCURL is the JSON-RPC endpoint on loopback (http://127.0.0.1:port/).
	RPCURL            string `json:"rpc_url"`
	ChainID           int64  `json:"chain_id"`
	Controller        string `json:"controller"`
	BondingManager    string `json:"bonding_manager"`
	ServiceRegistry   string `json:"service_registry"`
	AIServiceRegistry string `json:"ai_service_registry"`
	RoundsManager     string `json:"rounds_manager"`
	TicketBroker      string `json:"ticket_broker"`
	// BlocksPerDay is what one block per BlockInterval makes.
	BlocksPerDay uint64 `json:"blocks_per_day"`
}

// ChainActivity is what the chain recorded for one orchestrator since the
// network started: the truth a reader of the chain is checked against.
type ChainActivity struct {
	Address             string `json:"address"`
	TicketsRedeemed     int64  `json:"tickets_redeemed"`
	FaceValue           string `json:"face_value_wei"`
	LastRedemptionBlock uint64 `json:"last_redemption_block,omitempty"`
	Rewards             int64  `json:"rewards"`
	RewardAmount        string `json:"reward_amount_wei"`
	LastRewardRound     int64  `json:"last_reward_round,omitempty"`
}

// ChainTruth is the chain's state and every orchestrator's activity.
type ChainTruth struct {
	ChainInfo
	CurrentRound int64           `json:"current_round"`
	HeadBlock    uint64          `json:"head_block"`
	Activity     []ChainActivity `json:"activity"`
}

// simChain is a running chain.
type simChain struct {
	opts    ChainOptions
	sim     *simulated.Backend
	rpc     *rpc.Client // through the node's IPC socket in dir
	dir     string
	dep     *ChainDeployment
	owner   *ecdsa.PrivateKey
	info    ChainInfo
	srv     *http.Server
	logger  *slog.Logger
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	members map[string]*chainMember // by lower-case address

	mu       sync.Mutex
	round    int64
	head     uint64
	activity map[string]*chainTally
}

// chainMember is a registered orchestrator as the driver needs it.
type chainMember struct {
	orch   *orchestrator
	stake  *big.Int
	active bool
}

type chainTally struct {
	tickets, rewards     int64
	faceValue, rewardSum *big.Int
	lastBlock            uint64
	lastRewardRound      int64
}

// startChain deploys the contracts with the network's orchestrators and
// starts serving and driving the chain.
func startChain(n *Network, opts ChainOptions, logger *slog.Logger) (*simChain, error) {
	opts = opts.withDefaults()
	began := time.Now()
	owner, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("simnet chain: key: %w", err)
	}
	c := &simChain{opts: opts, owner: owner, logger: logger,
		members: map[string]*chainMember{}, activity: map[string]*chainTally{}, round: n.sc.CurrentRound}
	// The simulated backend's own client is in-process only; its node's
	// IPC socket gives the RPC client the HTTP server forwards through.
	if c.dir, err = os.MkdirTemp("", "simnet-chain"); err != nil {
		return nil, fmt.Errorf("simnet chain: %w", err)
	}
	ipc := filepath.Join(c.dir, "node.ipc")
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(owner.PublicKey): {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}}
	c.sim = simulated.NewBackend(alloc, func(nc *node.Config, _ *ethconfig.Config) { nc.IPCPath = ipc })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	orchs := c.registrations(n)
	if c.dep, err = DeployChain(ctx, c.sim.Client(), c.sim.Commit, owner, orchs, n.sc.CurrentRound); err != nil {
		c.closeBackend()
		return nil, fmt.Errorf("simnet chain: %w", err)
	}
	if c.rpc, err = rpc.DialContext(ctx, ipc); err != nil {
		c.closeBackend()
		return nil, fmt.Errorf("simnet chain: attach to the node: %w", err)
	}
	if err := c.serve(n.opts.Addr); err != nil {
		c.closeBackend()
		return nil, err
	}
	life, stop := context.WithCancel(context.Background())
	c.cancel = stop
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.drive(life, n)
	}()
	c.logger.Info("simnet chain", "rpc", c.info.RPCURL, "controller", c.info.Controller, "orchestrators", len(orchs), "took", time.Since(began).Round(time.Millisecond))
	return c, nil
}

func (o ChainOptions) withDefaults() ChainOptions {
	if o.RoundLength <= 0 {
		o.RoundLength = defaultChainRoundLength
	}
	if o.BlockInterval <= 0 {
		o.BlockInterval = defaultChainBlockInterval
	}
	if o.JobsPerTicket <= 0 {
		o.JobsPerTicket = defaultJobsPerTicket
	}
	if o.FaceValue == nil || o.FaceValue.Sign() <= 0 {
		o.FaceValue = new(big.Int).Exp(big.NewInt(10), big.NewInt(16), nil)
	}
	return o
}

// registrations are the scenario's orchestrators as the chain holds them.
func (c *simChain) registrations(n *Network) []ChainOrchestrator {
	var out []ChainOrchestrator
	for _, o := range n.orchs {
		s := o.spec
		if slices.Contains(c.opts.OffChain, s.Name) {
			continue
		}
		stake, _ := new(big.Int).SetString(s.Stake, 10) // checked by Validate
		uri, ai := o.serviceURI, o.aiServiceURI
		if u, ok := c.opts.ChainURI[s.Name]; ok {
			if ai == uri { // "same": the AI registry holds the stale URI too
				ai = u
			}
			uri = u
		}
		out = append(out, ChainOrchestrator{
			Address: common.HexToAddress(s.Address), ServiceURI: uri, AIServiceURI: ai, Stake: stake,
			RewardCut: s.RewardCut, FeeShare: s.FeeShare, ActivationRound: s.ActivationRound, Active: !s.Inactive,
		})
		c.members[s.Address] = &chainMember{orch: o, stake: stake, active: !s.Inactive}
		c.activity[s.Address] = &chainTally{faceValue: new(big.Int), rewardSum: new(big.Int)}
	}
	return append(out, c.opts.Extra...)
}

// serve opens the JSON-RPC listener on host.
func (c *simChain) serve(host string) error {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return fmt.Errorf("simnet chain: listen: %w", err)
	}
	d := c.dep
	c.info = ChainInfo{
		RPCURL: "http://" + ln.Addr().String() + "/", ChainID: 1337,
		Controller: d.Controller.Hex(), BondingManager: d.BondingManager.Hex(), ServiceRegistry: d.ServiceRegistry.Hex(),
		AIServiceRegistry: d.AIServiceRegistry.Hex(), RoundsManager: d.RoundsManager.Hex(), TicketBroker: d.TicketBroker.Hex(),
		BlocksPerDay: uint64(24 * time.Hour / c.opts.BlockInterval),
	}
	c.srv = &http.Server{Handler: &chainRPC{client: c.rpc, timeout: 30 * time.Second}, ReadHeaderTimeout: 10 * time.Second}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := c.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.logger.Error("simnet chain RPC stopped", "err", err)
		}
	}()
	return nil
}

// close stops the driver and the RPC server, then the chain.
func (c *simChain) close() {
	if c.cancel != nil {
		c.cancel()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.srv.Shutdown(ctx)
	c.wg.Wait()
	c.closeBackend()
}

// closeBackend closes the RPC client, the chain and its socket's directory.
func (c *simChain) closeBackend() {
	if c.rpc != nil {
		c.rpc.Close()
	}
	if c.sim != nil {
		c.sim.Close()
	}
	os.RemoveAll(c.dir)
}

// truth is the chain's state and tallies now.
func (c *simChain) truth() ChainTruth {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := ChainTruth{ChainInfo: c.info, CurrentRound: c.round, HeadBlock: c.head}
	for addr, a := range c.activity {
		t.Activity = append(t.Activity, ChainActivity{
			Address: addr, TicketsRedeemed: a.tickets, FaceValue: a.faceValue.String(), LastRedemptionBlock: a.lastBlock,
			Rewards: a.rewards, RewardAmount: a.rewardSum.String(), LastRewardRound: a.lastRewardRound,
		})
	}
	slices.SortFunc(t.Activity, func(a, b ChainActivity) int { return strings.Compare(a.Address, b.Address) })
	return t
}

// Chain says where the network's chain is; ok is false when the network
// was started without Options.Chain.
func (n *Network) Chain() (info ChainInfo, ok bool) {
	if n.chain == nil {
		return ChainInfo{}, false
	}
	return n.chain.info, true
}

// ChainTruth is the chain's state and what each orchestrator redeemed and
// was rewarded since the start; ok is false without a chain.
func (n *Network) ChainTruth() (ChainTruth, bool) {
	if n.chain == nil {
		return ChainTruth{}, false
	}
	return n.chain.truth(), true
}

// serveChainTruth answers GET /chain: the ChainTruth, 404 without a chain.
func (n *Network) serveChainTruth(w http.ResponseWriter, _ *http.Request) {
	t, ok := n.ChainTruth()
	if !ok {
		writeAPIError(w, http.StatusNotFound, "this network runs no chain")
		return
	}
	writeJSON(w, http.StatusOK, t)
}
