package chaintest

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"jobtester/ethaddr"
	"jobtester/livepeer/contracts"
)

// Orchestrator is one orchestrator to put on a development chain.
type Orchestrator struct {
	// Key is the orchestrator's account; it sends its own setServiceURI
	// transactions, as on Livepeer. Deploy funds it.
	Key *ecdsa.PrivateKey
	// ServiceURI and AIServiceURI are registered in the ServiceRegistry and
	// the AIServiceRegistry; "" means the orchestrator never registers there.
	ServiceURI   string
	AIServiceURI string
	Stake        *big.Int
	// Active false registers the orchestrator and then deactivates it as of
	// the current round: it stays in the pool, inactive.
	Active bool
}

// Backend is what deploying needs from a development chain, such as
// go-ethereum's simulated backend's Client().
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
	ChainID(ctx context.Context) (*big.Int, error)
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
}

// Deployment is where Deploy put the contracts.
type Deployment struct {
	Controller        common.Address
	BondingManager    common.Address
	ServiceRegistry   common.Address
	AIServiceRegistry common.Address
	RoundsManager     common.Address
	CurrentRound      *big.Int
}

// Rounds and pool size of a deployment: Livepeer-like values.
const (
	FirstRound  = 4000
	roundLength = 5760
	poolMaxSize = 100
	// txGas is the gas limit of every non-deploy transaction. A fixed limit
	// lets all of them be sent before any is mined (an estimate would be
	// made against state the earlier ones have not changed yet); it covers a
	// registration walking a pool of several hundred members.
	txGas = 3_000_000
	// maxBlocks bounds how many blocks Deploy mines while waiting for its
	// transactions.
	maxBlocks = 1000
)

var funding = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil) // 1 ETH each

// contractID is the key Livepeer's Controller files a contract under,
// keccak256 of its name (docs/livepeer.md, "Contracts on Arbitrum One");
// livepeer's discovery asks with the same key, and its tests check both
// against Livepeer's values.
func contractID(name string) [32]byte {
	return crypto.Keccak256Hash([]byte(name))
}

// Deploy deploys the project's Controller, RoundsManager, BondingManager,
// ServiceRegistry and AIServiceRegistry on a development chain, registers
// orchs in the pool, and has each publish its URIs. deployer must hold
// enough ether to fund every orchestrator with 1 ETH. commit must mine one
// block: with go-ethereum's simulated backend pass sim.Client() and
// sim.Commit.
func Deploy(ctx context.Context, backend Backend, commit func() common.Hash, deployer *ecdsa.PrivateKey, orchs []Orchestrator) (*Deployment, error) {
	if deployer == nil {
		return nil, errors.New("deploy simulated chain: nil deployer key")
	}
	for i, o := range orchs {
		switch {
		case o.Key == nil:
			return nil, fmt.Errorf("deploy simulated chain: orchestrator %d: nil Key", i)
		case o.Stake == nil || o.Stake.Sign() < 0:
			return nil, fmt.Errorf("deploy simulated chain: orchestrator %d: Stake must be set and not negative", i)
		}
	}
	chainID, err := backend.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("deploy simulated chain: chain id: %w", err)
	}
	s := &sender{ctx: ctx, backend: backend, commit: commit, chainID: chainID, nonces: map[common.Address]uint64{}}
	owner, err := s.opts(deployer, 0)
	if err != nil {
		return nil, err
	}
	dep := &Deployment{CurrentRound: big.NewInt(FirstRound)}
	// Block 1: the contracts, and ether for the orchestrators' transactions.
	c, bm := s.deployContracts(dep, owner, max(poolMaxSize, len(orchs)))
	for i, o := range orchs {
		to := crypto.PubkeyToAddress(o.Key.PublicKey)
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

// deployContracts sends the five contracts' deployments.
func (s *sender) deployContracts(dep *Deployment, owner *bind.TransactOpts, poolSize int) (*contracts.Controller, *contracts.BondingManager) {
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
	return c, bm
}

// register puts orchs in the pool and has each publish its URIs.
func (s *sender) register(dep *Deployment, owner *bind.TransactOpts, bm *contracts.BondingManager, orchs []Orchestrator) error {
	sr, err := contracts.NewServiceRegistryTransactor(dep.ServiceRegistry, s.backend)
	if err != nil {
		return err
	}
	ai, err := contracts.NewServiceRegistryTransactor(dep.AIServiceRegistry, s.backend)
	if err != nil {
		return err
	}
	round := dep.CurrentRound
	for i, o := range orchs {
		addr := crypto.PubkeyToAddress(o.Key.PublicKey)
		name := fmt.Sprintf("orchestrator %d (%s)", i, ethaddr.Fold(addr.Hex()))
		s.send("register "+name, owner, func(opts *bind.TransactOpts) (*types.Transaction, error) {
			return bm.RegisterTranscoder(opts, addr, o.Stake, big.NewInt(100_000), big.NewInt(500_000), round)
		})
		if !o.Active {
			s.send("deactivate "+name, owner, func(opts *bind.TransactOpts) (*types.Transaction, error) {
				return bm.DeactivateTranscoder(opts, addr, round)
			})
		}
		orch, err := s.opts(o.Key, txGas)
		if err != nil {
			return err
		}
		if o.ServiceURI != "" {
			s.send("ServiceRegistry setServiceURI by "+name, orch, func(opts *bind.TransactOpts) (*types.Transaction, error) {
				return sr.SetServiceURI(opts, o.ServiceURI)
			})
		}
		if o.AIServiceURI != "" {
			s.send("AIServiceRegistry setServiceURI by "+name, orch, func(opts *bind.TransactOpts) (*types.Transaction, error) {
				return ai.SetServiceURI(opts, o.AIServiceURI)
			})
		}
	}
	return nil
}

// sender sends transactions, stops at the first error, and mines
// until every transaction sent has a receipt. It numbers each sender's
// transactions itself: the transaction pool takes a new transaction into its
// pending nonce asynchronously, so asking it between sends can hand out the
// same nonce twice. Nobody else may send from these accounts meanwhile.
type sender struct {
	ctx     context.Context
	backend Backend
	commit  func() common.Hash
	chainID *big.Int
	nonces  map[common.Address]uint64
	pending []pendingTx
	err     error
}

type pendingTx struct {
	what string
	tx   *types.Transaction
}

func (s *sender) opts(key *ecdsa.PrivateKey, gas uint64) (*bind.TransactOpts, error) {
	o, err := bind.NewKeyedTransactorWithChainID(key, s.chainID)
	if err != nil {
		return nil, fmt.Errorf("deploy simulated chain: transactor: %w", err)
	}
	o.Context = s.ctx
	o.GasLimit = gas
	return o, nil
}

// send gives opts the sender's next nonce and sends f's transaction, unless
// an earlier one failed.
func (s *sender) send(what string, opts *bind.TransactOpts, f func(*bind.TransactOpts) (*types.Transaction, error)) {
	if s.err != nil {
		return
	}
	nonce, ok := s.nonces[opts.From]
	if !ok {
		// Every earlier transaction is mined (mine waits for them), so the
		// latest state's nonce is the next one.
		n, err := s.backend.NonceAt(s.ctx, opts.From, nil)
		if err != nil {
			s.err = fmt.Errorf("deploy simulated chain: %s: nonce: %w", what, err)
			return
		}
		nonce = n
	}
	opts.Nonce = new(big.Int).SetUint64(nonce)
	tx, err := f(opts)
	if err != nil {
		s.err = fmt.Errorf("deploy simulated chain: %s: %w", what, err)
		return
	}
	s.nonces[opts.From] = nonce + 1
	s.pending = append(s.pending, pendingTx{what, tx})
}

// transfer sends value from key to to, with opts' nonce.
func (s *sender) transfer(opts *bind.TransactOpts, key *ecdsa.PrivateKey, to common.Address, value *big.Int) (*types.Transaction, error) {
	tip, err := s.backend.SuggestGasTipCap(s.ctx)
	if err != nil {
		return nil, err
	}
	head, err := s.backend.HeaderByNumber(s.ctx, nil)
	if err != nil {
		return nil, err
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(s.chainID), &types.DynamicFeeTx{
		ChainID: s.chainID, Nonce: opts.Nonce.Uint64(), GasTipCap: tip, GasFeeCap: feeCap,
		Gas: 21_000, To: &to, Value: value,
	})
	if err != nil {
		return nil, err
	}
	return tx, s.backend.SendTransaction(s.ctx, tx)
}

func (s *sender) mine() error {
	if s.err != nil {
		return s.err
	}
	for blocks := 0; len(s.pending) > 0; blocks++ {
		if blocks == maxBlocks {
			return fmt.Errorf("deploy simulated chain: %s: not mined after %d blocks", s.pending[0].what, blocks)
		}
		s.commit()
		var left []pendingTx
		for _, p := range s.pending {
			r, err := s.backend.TransactionReceipt(s.ctx, p.tx.Hash())
			switch {
			case errors.Is(err, ethereum.NotFound):
				left = append(left, p)
			case err != nil:
				return fmt.Errorf("deploy simulated chain: %s: receipt: %w", p.what, err)
			case r.Status != types.ReceiptStatusSuccessful:
				return fmt.Errorf("deploy simulated chain: %s: transaction reverted", p.what)
			}
		}
		s.pending = left
	}
	return nil
}
