package simnet

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
)

// sender sends transactions, stops at the first error, and mines
// until every transaction sent has a receipt. The running chain's driver
// reuses one for every block it makes. It numbers each sender's
// transactions itself: the transaction pool takes a new transaction into its
// pending nonce asynchronously, so asking it between sends can hand out the
// same nonce twice. Nobody else may send from these accounts meanwhile.
type sender struct {
	ctx     context.Context
	backend ChainBackend
	commit  func() common.Hash
	chainID *big.Int
	nonces  map[common.Address]uint64
	pending []pendingTx
	err     error
}

func newSender(ctx context.Context, backend ChainBackend, commit func() common.Hash, chainID *big.Int) *sender {
	return &sender{ctx: ctx, backend: backend, commit: commit, chainID: chainID, nonces: map[common.Address]uint64{}}
}

// reset forgets a failed batch, so that the next one starts clean. The
// nonces are asked again: a failed send may not have used its own.
func (s *sender) reset() {
	if s.err != nil || len(s.pending) > 0 {
		s.nonces = map[common.Address]uint64{}
	}
	s.err, s.pending = nil, nil
}

type pendingTx struct {
	what  string
	tx    *types.Transaction
	mined func(*types.Receipt) // nil: nothing to record
}

func (s *sender) opts(key *ecdsa.PrivateKey, gas uint64) (*bind.TransactOpts, error) {
	o, err := bind.NewKeyedTransactorWithChainID(key, s.chainID)
	if err != nil {
		return nil, fmt.Errorf("simulated chain: transactor: %w", err)
	}
	o.Context = s.ctx
	o.GasLimit = gas
	return o, nil
}

// send gives opts the sender's next nonce and sends f's transaction, unless
// an earlier one failed.
func (s *sender) send(what string, opts *bind.TransactOpts, f func(*bind.TransactOpts) (*types.Transaction, error)) {
	s.sendThen(what, opts, f, nil)
}

// sendThen is send, and has mine call then with the receipt once the
// transaction succeeded.
func (s *sender) sendThen(what string, opts *bind.TransactOpts, f func(*bind.TransactOpts) (*types.Transaction, error), then func(*types.Receipt)) {
	if s.err != nil {
		return
	}
	nonce, ok := s.nonces[opts.From]
	if !ok {
		// Every earlier transaction is mined (mine waits for them), so the
		// latest state's nonce is the next one.
		n, err := s.backend.NonceAt(s.ctx, opts.From, nil)
		if err != nil {
			s.err = fmt.Errorf("simulated chain: %s: nonce: %w", what, err)
			return
		}
		nonce = n
	}
	opts.Nonce = new(big.Int).SetUint64(nonce)
	tx, err := f(opts)
	if err != nil {
		s.err = fmt.Errorf("simulated chain: %s: %w", what, err)
		return
	}
	s.nonces[opts.From] = nonce + 1
	s.pending = append(s.pending, pendingTx{what, tx, then})
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
			return fmt.Errorf("simulated chain: %s: not mined after %d blocks", s.pending[0].what, blocks)
		}
		s.commit()
		var left []pendingTx
		for _, p := range s.pending {
			r, err := s.backend.TransactionReceipt(s.ctx, p.tx.Hash())
			switch {
			case errors.Is(err, ethereum.NotFound):
				left = append(left, p)
			case err != nil:
				return fmt.Errorf("simulated chain: %s: receipt: %w", p.what, err)
			case r.Status != types.ReceiptStatusSuccessful:
				return fmt.Errorf("simulated chain: %s: transaction reverted", p.what)
			case p.mined != nil:
				p.mined(r)
			}
		}
		s.pending = left
	}
	return nil
}
