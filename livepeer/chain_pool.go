package livepeer

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"jobtester/ethaddr"
	"jobtester/livepeer/contracts"
)

// chainRecord collects one pool member's reads; each goroutine writes its
// own fields.
type chainRecord struct {
	address           common.Address
	status            uint8
	stake             *big.Int
	isActive          bool
	activationRound   *big.Int
	deactivationRound *big.Int
	lastRewardRound   *big.Int
	rewardCut         *big.Int
	feeShare          *big.Int
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
				return fmt.Errorf("%w: it cycles back to %s after %d members", ErrChainPoolCorrupt, ethaddr.Fold(addr.Hex()), len(records))
			}
			if len(records) == limit {
				return fmt.Errorf("%w: it has more than %d members, its maximum size %s", ErrChainPoolCorrupt, limit, maxSize)
			}
			seen[addr] = true
			r := &chainRecord{address: addr}
			records = append(records, r)
			d.readMember(g, r, bm, sr, ai)
			cur := addr
			err = g.call(fmt.Sprintf("BondingManager getNextTranscoderInPool(%s)", ethaddr.Fold(cur.Hex())), func(opts *bind.CallOpts) (err error) {
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
			Address:           ethaddr.Fold(r.address.Hex()),
			ServiceURI:        r.serviceURI,
			AIServiceURI:      r.aiServiceURI,
			Active:            r.isActive && chainInRoundWindow(r.activationRound, r.deactivationRound, round),
			Registered:        r.status == 1,
			DelegatedStake:    r.stake,
			ActivationRound:   r.activationRound,
			DeactivationRound: r.deactivationRound,
			RewardCut:         r.rewardCut,
			FeeShare:          r.feeShare,
			LastRewardRound:   r.lastRewardRound,
			Sources:           []string{ChainSource},
		}
	}
	return out, round, nil
}

// readMember starts the per-member reads: the five go-livepeer makes for
// /registeredOrchestrators (docs/livepeer.md, "Gateway discovery
// endpoints") plus the AI registry's URI.
func (d *ChainDiscovery) readMember(g *chainGroup, r *chainRecord, bm *contracts.BondingManagerCaller, sr, ai *contracts.ServiceRegistryCaller) {
	a := ethaddr.Fold(r.address.Hex())
	g.goCall("BondingManager getTranscoder("+a+")", func(opts *bind.CallOpts) error {
		t, err := bm.GetTranscoder(opts, r.address)
		r.activationRound, r.deactivationRound = t.ActivationRound, t.DeactivationRound
		r.lastRewardRound, r.rewardCut, r.feeShare = t.LastRewardRound, t.RewardCut, t.FeeShare
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
// test go-livepeer's pool cache applies (docs/livepeer.md, "Contracts on
// Arbitrum One"). Discovery requires it on top of isActiveTranscoder because
// the reads are separate eth_calls that may straddle a round change: a
// record is then consistent with the round it is returned with.
func chainInRoundWindow(activation, deactivation, round *big.Int) bool {
	if activation == nil || deactivation == nil || round == nil {
		return false
	}
	return activation.Cmp(round) <= 0 && round.Cmp(deactivation) < 0
}
