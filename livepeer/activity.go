package livepeer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// ArbitrumOneBlocksPerDay estimates Arbitrum One's blocks a day (a block
// every quarter second, docs/livepeer.md "Contracts on Arbitrum One"). It
// turns "the last N days" into a block range without a timestamp search.
const ArbitrumOneBlocksPerDay = 345_600

// ErrChainBadResponse is returned when a node answers with logs or headers
// that cannot be what was asked: outside the range, of another contract or
// event, or not decodable as the event's ABI.
var ErrChainBadResponse = errors.New("chain node answered with data that does not fit the request")

// chainLogReader is what activity reads need beyond eth_call (an
// ethclient.Client, or the simulated backend's client).
type chainLogReader interface {
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
}

// ActivityWindow chooses the blocks an activity read covers.
type ActivityWindow struct {
	// Days > 0 reads the last Days×BlocksPerDay blocks up to ToBlock.
	// Otherwise FromBlock..ToBlock, both included.
	Days         int
	BlocksPerDay uint64 // default ArbitrumOneBlocksPerDay
	FromBlock    uint64
	// ToBlock 0 is the head.
	ToBlock uint64
}

// Activity is what the chain recorded in a block range: per orchestrator
// (lower-case address), the winning tickets it redeemed and its reward
// calls. Orchestrators with neither are absent.
type Activity struct {
	FromBlock, ToBlock uint64
	Orchestrators      map[string]*OrchestratorActivity
}

// OrchestratorActivity is one orchestrator's paid work and rewards in a
// window: evidence that it does real work for real gateways.
type OrchestratorActivity struct {
	Address string
	// TicketsRedeemed counts WinningTicketRedeemed events with it as the
	// recipient; FaceValue sums their face values (wei).
	TicketsRedeemed     int64
	FaceValue           *big.Int
	LastRedemptionBlock uint64
	LastRedemptionTime  time.Time
	// Rewards counts its Reward events; RewardAmount sums them (LPT wei).
	Rewards         int64
	RewardAmount    *big.Int
	LastRewardBlock uint64
	LastRewardTime  time.Time
}

// Activity reads the TicketBroker's WinningTicketRedeemed and the
// BondingManager's Reward events in the window with eth_getLogs, in chunks
// of at most LogChunkBlocks, each under the call timeout and tried again
// on failure; a chunk the node refuses as too wide is halved. Any answer
// that does not fit the request fails the read (ErrChainBadResponse): a
// partial count would understate an orchestrator's work.
func (d *ChainDiscovery) Activity(ctx context.Context, w ActivityWindow) (*Activity, error) {
	if d.logs == nil {
		return nil, errors.New("chain activity: this discovery has no log reader")
	}
	c, err := d.Contracts(ctx)
	if err != nil {
		return nil, err
	}
	head, err := d.header(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("chain activity: head block: %w", err)
	}
	from, to, err := w.blocks(head.Number.Uint64())
	if err != nil {
		return nil, fmt.Errorf("chain activity: %w", err)
	}
	acc, err := newActivityAcc(c)
	if err != nil {
		return nil, err
	}
	out := &Activity{FromBlock: from, ToBlock: to, Orchestrators: acc.orchs}
	if from > to {
		return out, nil // an empty window, before the first block
	}
	for start := from; ; {
		end := start + d.logChunk - 1
		if end < start || end > to { // overflow, or the last chunk
			end = to
		}
		if err := d.readLogs(ctx, acc, start, end); err != nil {
			return nil, err
		}
		if end == to {
			break
		}
		start = end + 1
	}
	if err := d.blockTimes(ctx, acc); err != nil {
		return nil, err
	}
	return out, nil
}

// blocks turns the window into a range ending at or before head. A range
// starting past its end is empty.
func (w ActivityWindow) blocks(head uint64) (from, to uint64, err error) {
	to = head
	if w.ToBlock > 0 {
		to = min(w.ToBlock, head)
	}
	if w.Days < 0 {
		return 0, 0, fmt.Errorf("window of %d days", w.Days)
	}
	if w.Days == 0 {
		if w.FromBlock > w.ToBlock && w.ToBlock > 0 {
			return 0, 0, fmt.Errorf("window from block %d to %d runs backwards", w.FromBlock, w.ToBlock)
		}
		return w.FromBlock, to, nil
	}
	per := w.BlocksPerDay
	if per == 0 {
		per = ArbitrumOneBlocksPerDay
	}
	if per > math.MaxUint64/uint64(w.Days) {
		return 0, 0, fmt.Errorf("window of %d days of %d blocks overflows", w.Days, per)
	}
	if span := uint64(w.Days) * per; span <= to {
		from = to - span + 1
	}
	return from, to, nil
}

// header reads one header under the call timeout, tried again on failure,
// and checks it is the block asked for.
func (d *ChainDiscovery) header(ctx context.Context, number *big.Int) (*types.Header, error) {
	var h *types.Header
	err := d.retry(ctx, func(ctx context.Context) (err error) {
		h, err = d.logs.HeaderByNumber(ctx, number)
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case h == nil || h.Number == nil:
		return nil, fmt.Errorf("%w: a header without a number", ErrChainBadResponse)
	case number != nil && h.Number.Cmp(number) != 0:
		return nil, fmt.Errorf("%w: asked for block %s, got %s", ErrChainBadResponse, number, h.Number)
	case !h.Number.IsUint64():
		return nil, fmt.Errorf("%w: block number %s", ErrChainBadResponse, h.Number)
	}
	return h, nil
}

// retry runs fn under the call timeout until it succeeds, the retries are
// spent, or ctx ends. The pause doubles from retryPause.
func (d *ChainDiscovery) retry(ctx context.Context, fn func(context.Context) error) error {
	pause := d.retryPause
	if pause == 0 {
		pause = 200 * time.Millisecond
	}
	var err error
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, d.callTimeout)
		err = fn(cctx)
		cancel()
		if err == nil || ctx.Err() != nil || attempt == d.logRetries || chainRangeTooWide(err) {
			break
		}
		t := time.NewTimer(pause << min(attempt, 5))
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	if ctx.Err() != nil && err != nil {
		return fmt.Errorf("%w (last error: %v)", context.Cause(ctx), err)
	}
	return err
}

// chainRangeTooWide recognises the ways RPC providers refuse a log query
// over too many blocks or with too many results: no code for it is
// standard, only the wording.
func chainRangeTooWide(err error) bool {
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"block range", "range too", "too many", "more than", "limit exceeded", "exceeds", "too large", "response size"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// readLogs reads both events in from..to into acc.
func (d *ChainDiscovery) readLogs(ctx context.Context, acc *activityAcc, from, to uint64) error {
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(to),
		Addresses: []common.Address{acc.contracts.TicketBroker, acc.contracts.BondingManager},
		Topics:    [][]common.Hash{{acc.redeemedID, acc.rewardID}},
	}
	var logs []types.Log
	err := d.retry(ctx, func(ctx context.Context) (err error) {
		logs, err = d.logs.FilterLogs(ctx, q)
		return err
	})
	if err != nil && chainRangeTooWide(err) && to > from && ctx.Err() == nil {
		mid := from + (to-from)/2
		if err := d.readLogs(ctx, acc, from, mid); err != nil {
			return err
		}
		return d.readLogs(ctx, acc, mid+1, to)
	}
	if err != nil {
		return fmt.Errorf("chain activity: eth_getLogs blocks %d–%d: %w", from, to, err)
	}
	for i := range logs {
		if err := acc.add(&logs[i], from, to); err != nil {
			return fmt.Errorf("chain activity: eth_getLogs blocks %d–%d: %w", from, to, err)
		}
	}
	return nil
}

// blockTimes reads the time of each orchestrator's last redemption and
// reward block, each distinct block once.
func (d *ChainDiscovery) blockTimes(ctx context.Context, acc *activityAcc) error {
	times := map[uint64]time.Time{}
	for _, o := range acc.orchs {
		for _, b := range []uint64{o.LastRedemptionBlock, o.LastRewardBlock} {
			if b > 0 {
				times[b] = time.Time{}
			}
		}
	}
	g := newChainGroup(ctx, d.callTimeout*time.Duration(d.logRetries+1)*2, d.concurrency)
	results := make(chan [2]uint64, len(times))
	for b := range times {
		g.goCall(fmt.Sprintf("header of block %d", b), func(opts *bind.CallOpts) error {
			h, err := d.header(opts.Context, new(big.Int).SetUint64(b))
			if err != nil {
				return err
			}
			if h.Time > math.MaxInt64 {
				return fmt.Errorf("%w: block %d has time %d", ErrChainBadResponse, b, h.Time)
			}
			results <- [2]uint64{b, h.Time}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return fmt.Errorf("chain activity: %w", err)
	}
	close(results)
	for r := range results {
		times[r[0]] = time.Unix(int64(r[1]), 0).UTC()
	}
	for _, o := range acc.orchs {
		o.LastRedemptionTime = times[o.LastRedemptionBlock]
		o.LastRewardTime = times[o.LastRewardBlock]
	}
	return nil
}
