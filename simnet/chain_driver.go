package simnet

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"jobtester/livepeer/contracts"
)

// creditKey is one gateway's unpaid work at one orchestrator.
type creditKey struct {
	gateway, orch string
}

// chainDriver makes the chain's blocks: tickets for the work orchestrators
// did, and at each round's end a new round and the reward calls.
type chainDriver struct {
	c          *simChain
	n          *Network
	s          *sender
	owner      *bind.TransactOpts
	bm         *contracts.BondingManager
	rm         *contracts.RoundsManager
	tb         *contracts.TicketBroker
	cursor     int64             // last request log seq counted
	credits    map[creditKey]int // jobs served, not yet paid in a ticket
	worked     map[string]bool   // orchestrators with paid work this round
	nonces     map[string]int64  // each gateway's next ticket nonce
	nextRound  time.Time
	roundEvery time.Duration
}

// drive mines a block every BlockInterval until ctx ends.
func (c *simChain) drive(ctx context.Context, n *Network) {
	d, err := c.newDriver(ctx, n)
	if err != nil {
		c.logger.Error("simnet chain: driver not started", "err", err)
		return
	}
	t := time.NewTicker(c.opts.BlockInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := d.block(now); err != nil && ctx.Err() == nil {
				c.logger.Warn("simnet chain: block failed", "err", err)
			}
		}
	}
}

func (c *simChain) newDriver(ctx context.Context, n *Network) (*chainDriver, error) {
	client := c.sim.Client()
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	d := &chainDriver{c: c, n: n, s: newSender(ctx, client, c.sim.Commit, chainID),
		credits: map[creditKey]int{}, worked: map[string]bool{}, nonces: map[string]int64{},
		roundEvery: max(n.scale.of(c.opts.RoundLength), c.opts.BlockInterval)}
	d.nextRound = time.Now().Add(d.roundEvery)
	if d.owner, err = d.s.opts(c.owner, txGas); err != nil {
		return nil, err
	}
	if d.bm, err = contracts.NewBondingManager(c.dep.BondingManager, client); err != nil {
		return nil, err
	}
	if d.rm, err = contracts.NewRoundsManager(c.dep.RoundsManager, client); err != nil {
		return nil, err
	}
	if d.tb, err = contracts.NewTicketBroker(c.dep.TicketBroker, client); err != nil {
		return nil, err
	}
	return d, nil
}

// block counts the work done since the last block, sends the tickets it
// pays and, when a round is over, the next round and its rewards, and mines.
func (d *chainDriver) block(now time.Time) error {
	d.s.reset()
	d.count()
	d.redeem()
	if !now.Before(d.nextRound) {
		d.nextRound = d.nextRound.Add(d.roundEvery)
		if d.nextRound.Before(now) { // the machine stalled: do not catch up round by round
			d.nextRound = now.Add(d.roundEvery)
		}
		d.newRound()
	}
	if len(d.s.pending) == 0 && d.s.err == nil {
		d.c.sim.Commit() // an empty block: blocks keep their pace
	} else if err := d.s.mine(); err != nil {
		return err
	}
	head, err := d.c.sim.Client().BlockNumber(d.s.ctx)
	if err != nil {
		return fmt.Errorf("head block: %w", err)
	}
	d.c.mu.Lock()
	d.c.head = head
	d.c.mu.Unlock()
	return nil
}

// count credits every job served to a gateway since the last block. Jobs
// that failed or were refused earn nothing, as a gateway pays only for
// results.
func (d *chainDriver) count() {
	reqs := d.n.log.since(d.cursor)
	if len(reqs) == 0 {
		return
	}
	d.cursor = reqs[len(reqs)-1].Seq
	for _, r := range reqs {
		if r.Outcome != OutcomeOK && r.Outcome != OutcomeWrongSize {
			continue
		}
		if _, ok := d.c.members[r.Orchestrator]; !ok {
			continue
		}
		d.credits[creditKey{r.Gateway, r.Orchestrator}]++
		d.worked[r.Orchestrator] = true
	}
}

// redeem sends one batch of winning tickets per gateway and orchestrator
// whose credits reached a ticket.
func (d *chainDriver) redeem() {
	keys := make([]creditKey, 0, len(d.credits))
	for k := range d.credits {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b creditKey) int {
		if a.gateway != b.gateway {
			return strings.Compare(a.gateway, b.gateway)
		}
		return strings.Compare(a.orch, b.orch)
	})
	per := d.c.opts.JobsPerTicket
	face := d.c.opts.FaceValue
	winProb := new(big.Int).Div(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)), big.NewInt(int64(per)))
	d.c.mu.Lock()
	aux := d.auxData(d.c.round)
	d.c.mu.Unlock()
	for _, k := range keys {
		tickets := d.credits[k] / per
		if tickets == 0 {
			continue
		}
		d.credits[k] -= tickets * per
		first := d.nonces[k.gateway]
		d.nonces[k.gateway] = first + int64(tickets)
		from, to := common.HexToAddress(deriveAddress("gateway:"+k.gateway)), common.HexToAddress(k.orch)
		orch := k.orch
		d.s.sendThen(fmt.Sprintf("%d tickets of %s to %s", tickets, k.gateway, k.orch), d.owner, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return d.tb.RedeemWinningTicketsForTest(o, from, to, face, winProb, big.NewInt(first), big.NewInt(int64(tickets)), aux)
		}, func(r *types.Receipt) {
			d.c.mu.Lock()
			defer d.c.mu.Unlock()
			a := d.c.activity[orch]
			a.tickets += int64(tickets)
			a.faceValue.Add(a.faceValue, new(big.Int).Mul(face, big.NewInt(int64(tickets))))
			a.lastBlock = r.BlockNumber.Uint64()
		})
	}
}

// auxData is what go-livepeer puts in a ticket's auxData: the round it was
// made in and that round's block hash (here the head's), 32 bytes each.
func (d *chainDriver) auxData(round int64) []byte {
	aux := make([]byte, 64)
	big.NewInt(round).FillBytes(aux[:32])
	if h, err := d.c.sim.Client().HeaderByNumber(d.s.ctx, nil); err == nil {
		copy(aux[32:], h.Hash().Bytes())
	}
	return aux
}

// newRound starts the next round and has every active orchestrator that
// did paid work in the last one call reward.
func (d *chainDriver) newRound() {
	d.c.mu.Lock()
	round := d.c.round + 1
	d.c.mu.Unlock()
	d.s.sendThen(fmt.Sprintf("initializeRound(%d)", round), d.owner, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return d.rm.InitializeRound(o, big.NewInt(round))
	}, func(*types.Receipt) {
		d.c.mu.Lock()
		d.c.round = round
		d.c.mu.Unlock()
	})
	var workers []string
	for a := range d.worked {
		workers = append(workers, a)
	}
	slices.Sort(workers)
	d.worked = map[string]bool{}
	for _, addr := range workers {
		m := d.c.members[addr]
		if !m.active {
			continue
		}
		amount := new(big.Int).Div(new(big.Int).Mul(m.stake, big.NewInt(chainRewardPerMillion)), big.NewInt(1_000_000))
		d.s.sendThen("reward of "+addr, d.owner, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return d.bm.Reward(o, common.HexToAddress(addr), amount)
		}, func(*types.Receipt) {
			d.c.mu.Lock()
			defer d.c.mu.Unlock()
			m.stake.Add(m.stake, amount)
			a := d.c.activity[addr]
			a.rewards++
			a.rewardSum.Add(a.rewardSum, amount)
			a.lastRewardRound = round
		})
	}
}
