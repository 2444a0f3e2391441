package simnet

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"jobtester/ethaddr"
	"jobtester/livepeer/contracts"
)

// ChainOrchestrator is one orchestrator to put on a development chain.
type ChainOrchestrator struct {
	// Key is the orchestrator's account: with one it sends its own
	// setServiceURI transactions, as on Livepeer, and Deploy funds it.
	// Without one (simnet's orchestrators have addresses, not keys) the
	// registries' owner publishes its URIs for Address.
	Key     *ecdsa.PrivateKey
	Address common.Address
	// ServiceURI and AIServiceURI are registered in the ServiceRegistry and
	// the AIServiceRegistry; "" means the orchestrator never registers there.
	ServiceURI   string
	AIServiceURI string
	Stake        *big.Int
	// RewardCut and FeeShare are in parts per million (0: 10 % and 50 %).
	RewardCut, FeeShare int64
	// ActivationRound 0 is the deployment's first round.
	ActivationRound int64
	// Active false registers the orchestrator and then deactivates it as of
	// the current round: it stays in the pool, inactive.
	Active bool
}

func (o ChainOrchestrator) address() common.Address {
	if o.Key != nil {
		return crypto.PubkeyToAddress(o.Key.PublicKey)
	}
	return o.Address
}

// ChainBackend is what deploying needs from a development chain, such as
// go-ethereum's simulated backend's Client().
type ChainBackend interface {
	bind.ContractBackend
	bind.DeployBackend
	ChainID(ctx context.Context) (*big.Int, error)
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
}

// ChainDeployment is where DeployChain put the contracts.
type ChainDeployment struct {
	Controller        common.Address
	BondingManager    common.Address
	ServiceRegistry   common.Address
	AIServiceRegistry common.Address
	RoundsManager     common.Address
	TicketBroker      common.Address
	CurrentRound      *big.Int
}

// Rounds and pool size of a deployment: Livepeer-like values.
const (
	// ChainFirstRound is the first round of a deployment made with round 0.
	ChainFirstRound = 4000
	roundLength     = 5760
	poolMaxSize     = 100
	// txGas is the gas limit of every non-deploy transaction. A fixed limit
	// lets all of them be sent before any is mined (an estimate would be
	// made against state the earlier ones have not changed yet); it covers a
	// registration walking a pool of several hundred members, and a batch
	// of a few hundred ticket events.
	txGas = 3_000_000
	// maxBlocks bounds how many blocks DeployChain mines while waiting for
	// its transactions.
	maxBlocks = 1000
	// Default cuts, parts per million.
	defaultRewardCut = 100_000
	defaultFeeShare  = 500_000
)

var funding = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil) // 1 ETH each

// contractID is the key Livepeer's Controller files a contract under,
// keccak256 of its name (docs/livepeer.md, "Contracts on Arbitrum One");
// livepeer's discovery asks with the same key, and its tests check both
// against Livepeer's values.
func contractID(name string) [32]byte {
	return crypto.Keccak256Hash([]byte(name))
}

// DeployChain deploys the project's Controller, RoundsManager,
// BondingManager, ServiceRegistry, AIServiceRegistry and TicketBroker on a
// development chain, registers orchs in the pool, and publishes their
// URIs. The first round is firstRound (0: ChainFirstRound). deployer must
// hold enough ether to fund every keyed orchestrator with 1 ETH. commit must
// mine one block: with go-ethereum's simulated backend pass sim.Client()
// and sim.Commit.
func DeployChain(ctx context.Context, backend ChainBackend, commit func() common.Hash, deployer *ecdsa.PrivateKey, orchs []ChainOrchestrator, firstRound int64) (*ChainDeployment, error) {
	if deployer == nil {
		return nil, errors.New("deploy simulated chain: nil deployer key")
	}
	for i, o := range orchs {
		switch {
		case o.Key == nil && o.Address == (common.Address{}):
			return nil, fmt.Errorf("deploy simulated chain: orchestrator %d: neither Key nor Address", i)
		case o.Stake == nil || o.Stake.Sign() < 0:
			return nil, fmt.Errorf("deploy simulated chain: orchestrator %d: Stake must be set and not negative", i)
		case o.RewardCut < 0 || o.FeeShare < 0 || o.ActivationRound < 0:
			return nil, fmt.Errorf("deploy simulated chain: orchestrator %d: negative cut, share or round", i)
		}
	}
	if firstRound <= 0 {
		firstRound = ChainFirstRound
	}
	chainID, err := backend.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("deploy simulated chain: chain id: %w", err)
	}
	s := newSender(ctx, backend, commit, chainID)
	owner, err := s.opts(deployer, 0)
	if err != nil {
		return nil, err
	}
	dep := &ChainDeployment{CurrentRound: big.NewInt(firstRound)}
	// Block 1: the contracts, and ether for the orchestrators' transactions.
	c, bm := s.deployContracts(dep, owner, max(poolMaxSize, len(orchs)))
	for i, o := range orchs {
		if o.Key == nil {
			continue
		}
		to := o.address()
		s.send(fmt.Sprintf("fund orchestrator %d", i), owner, func(opts *bind.TransactOpts) (*types.Transaction, error) {
			return s.transfer(opts, deployer, to, funding)
		})
	}
	if err := s.mine(); err != nil {
		return nil, err
	}
	// Block 2 (and more if it is full): wiring, registrations, URIs.
	owner.GasLimit = txGas
	for _, e := range []struct {
		name string
		addr common.Address
	}{
		{"BondingManager", dep.BondingManager},
		{"ServiceRegistry", dep.ServiceRegistry},
		{"RoundsManager", dep.RoundsManager},
		{"TicketBroker", dep.TicketBroker},
	} {
		s.send("Controller setContract "+e.name, owner, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return c.SetContract(o, contractID(e.name), e.addr)
		})
	}
	if err := s.register(dep, owner, bm, orchs); err != nil {
		return nil, err
	}
	if err := s.mine(); err != nil {
		return nil, err
	}
	return dep, nil
}

// deployContracts sends the six contracts' deployments.
func (s *sender) deployContracts(dep *ChainDeployment, owner *bind.TransactOpts, poolSize int) (*contracts.Controller, *contracts.BondingManager) {
	var (
		bm *contracts.BondingManager
		c  *contracts.Controller
	)
	s.send("deploy Controller", owner, func(o *bind.TransactOpts) (tx *types.Transaction, err error) {
		dep.Controller, tx, c, err = contracts.DeployController(o, s.backend)
		return tx, err
	})
	s.send("deploy RoundsManager", owner, func(o *bind.TransactOpts) (tx *types.Transaction, err error) {
		dep.RoundsManager, tx, _, err = contracts.DeployRoundsManager(o, s.backend, dep.CurrentRound, big.NewInt(roundLength))
		return tx, err
	})
	s.send("deploy BondingManager", owner, func(o *bind.TransactOpts) (tx *types.Transaction, err error) {
		dep.BondingManager, tx, bm, err = contracts.DeployBondingManager(o, s.backend, dep.Controller, big.NewInt(int64(poolSize)))
		return tx, err
	})
	s.send("deploy ServiceRegistry", owner, func(o *bind.TransactOpts) (tx *types.Transaction, err error) {
		dep.ServiceRegistry, tx, _, err = contracts.DeployServiceRegistry(o, s.backend)
		return tx, err
	})
	s.send("deploy AIServiceRegistry", owner, func(o *bind.TransactOpts) (tx *types.Transaction, err error) {
		dep.AIServiceRegistry, tx, _, err = contracts.DeployServiceRegistry(o, s.backend)
		return tx, err
	})
	s.send("deploy TicketBroker", owner, func(o *bind.TransactOpts) (tx *types.Transaction, err error) {
		dep.TicketBroker, tx, _, err = contracts.DeployTicketBroker(o, s.backend)
		return tx, err
	})
	return c, bm
}

// register puts orchs in the pool and publishes their URIs.
func (s *sender) register(dep *ChainDeployment, owner *bind.TransactOpts, bm *contracts.BondingManager, orchs []ChainOrchestrator) error {
	registries := make([]*contracts.ServiceRegistryTransactor, 2)
	for i, a := range []common.Address{dep.ServiceRegistry, dep.AIServiceRegistry} {
		var err error
		if registries[i], err = contracts.NewServiceRegistryTransactor(a, s.backend); err != nil {
			return err
		}
	}
	round := dep.CurrentRound
	for i, o := range orchs {
		addr := o.address()
		name := fmt.Sprintf("orchestrator %d (%s)", i, ethaddr.Fold(addr.Hex()))
		cut, share, activation := o.RewardCut, o.FeeShare, big.NewInt(o.ActivationRound)
		if cut == 0 {
			cut = defaultRewardCut
		}
		if share == 0 {
			share = defaultFeeShare
		}
		if o.ActivationRound == 0 {
			activation = round
		}
		s.send("register "+name, owner, func(opts *bind.TransactOpts) (*types.Transaction, error) {
			return bm.RegisterTranscoder(opts, addr, o.Stake, big.NewInt(cut), big.NewInt(share), activation)
		})
		if !o.Active {
			s.send("deactivate "+name, owner, func(opts *bind.TransactOpts) (*types.Transaction, error) {
				return bm.DeactivateTranscoder(opts, addr, round)
			})
		}
		from := owner
		if o.Key != nil {
			var err error
			if from, err = s.opts(o.Key, txGas); err != nil {
				return err
			}
		}
		for j, uri := range []string{o.ServiceURI, o.AIServiceURI} {
			if uri == "" {
				continue
			}
			reg, what := registries[j], []string{"ServiceRegistry", "AIServiceRegistry"}[j]
			s.send(what+" setServiceURI of "+name, from, func(opts *bind.TransactOpts) (*types.Transaction, error) {
				if o.Key != nil {
					return reg.SetServiceURI(opts, uri)
				}
				return reg.SetServiceURIFor(opts, addr, uri)
			})
		}
	}
	return nil
}
