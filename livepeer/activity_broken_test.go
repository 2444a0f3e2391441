package livepeer

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// brokenLogs answers through a real chain and then breaks the answer as
// a faulty or hostile node might.
type brokenLogs struct {
	real      chainLogReader
	mu        sync.Mutex
	calls     int
	widest    uint64
	mutate    func(q ethereum.FilterQuery, logs []types.Log) []types.Log
	fail      func(call int, q ethereum.FilterQuery) error // nil: never
	badHeader bool
}

func (b *brokenLogs) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	b.mu.Lock()
	b.calls++
	call := b.calls
	b.widest = max(b.widest, q.ToBlock.Uint64()-q.FromBlock.Uint64()+1)
	b.mu.Unlock()
	if b.fail != nil {
		if err := b.fail(call, q); err != nil {
			return nil, err
		}
	}
	logs, err := b.real.FilterLogs(ctx, q)
	if err != nil || b.mutate == nil {
		return logs, err
	}
	return b.mutate(q, logs), nil
}

func (b *brokenLogs) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	h, err := b.real.HeaderByNumber(ctx, n)
	if err == nil && b.badHeader && n != nil {
		h.Number = new(big.Int).Add(n, big.NewInt(1))
	}
	return h, err
}

// each changes every log a mutation keeps.
func each(f func(l *types.Log)) func(ethereum.FilterQuery, []types.Log) []types.Log {
	return func(_ ethereum.FilterQuery, logs []types.Log) []types.Log {
		for i := range logs {
			l := logs[i]
			l.Topics = append([]common.Hash(nil), l.Topics...)
			f(&l)
			logs[i] = l
		}
		return logs
	}
}

func TestChainActivityRejectsAnswersThatDoNotFit(t *testing.T) {
	t.Parallel()
	s, _ := emitMix(t)
	for name, mutate := range map[string]func(ethereum.FilterQuery, []types.Log) []types.Log{
		"a block past the range":  each(func(l *types.Log) { l.BlockNumber += 1000 }),
		"no topics":               each(func(l *types.Log) { l.Topics = nil }),
		"a topic missing":         each(func(l *types.Log) { l.Topics = l.Topics[:len(l.Topics)-1] }),
		"a topic too many":        each(func(l *types.Log) { l.Topics = append(l.Topics, common.Hash{}) }),
		"an address topic padded": each(func(l *types.Log) { l.Topics[1][0] = 1 }),
		"another contract":        each(func(l *types.Log) { l.Address = common.HexToAddress("0x00000000000000000000000000000000000000ee") }),
		"another event":           each(func(l *types.Log) { l.Topics[0] = common.HexToHash("0x01") }),
		"events swapped": each(func(l *types.Log) {
			l.Address = map[bool]common.Address{true: s.dep.BondingManager, false: s.dep.TicketBroker}[l.Address == s.dep.TicketBroker]
		}),
		"data cut short": each(func(l *types.Log) { l.Data = l.Data[:len(l.Data)-1] }),
		"no data":        each(func(l *types.Log) { l.Data = nil }),
		"a reward's data too long": each(func(l *types.Log) {
			if l.Address == s.dep.BondingManager {
				l.Data = append(append([]byte(nil), l.Data...), make([]byte, 32)...)
			}
		}),
		"auxData length past the end": each(func(l *types.Log) {
			if len(l.Data) > 32 {
				l.Data = append([]byte(nil), l.Data...)
				l.Data[5*32+31] = 0xff // auxData's length word
			}
		}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := s.activityDiscovery(t, 0)
			d.logs = &brokenLogs{real: s.sim.Client(), mutate: mutate}
			_, err := d.Activity(t.Context(), ActivityWindow{})
			if !errors.Is(err, ErrChainBadResponse) {
				t.Fatalf("err = %v, want ErrChainBadResponse", err)
			}
		})
	}
}

func TestChainActivityCountsARepeatedLogOnceAndSkipsRemovedOnes(t *testing.T) {
	t.Parallel()
	s, _ := emitMix(t)
	d := s.activityDiscovery(t, 0)
	d.logs = &brokenLogs{real: s.sim.Client(), mutate: func(_ ethereum.FilterQuery, logs []types.Log) []types.Log {
		return append(logs, logs...)
	}}
	got, err := d.Activity(t.Context(), ActivityWindow{})
	if err != nil {
		t.Fatal(err)
	}
	checkActivity(t, got, s.want)

	d.logs = &brokenLogs{real: s.sim.Client(), mutate: each(func(l *types.Log) { l.Removed = true })}
	if got, err = d.Activity(t.Context(), ActivityWindow{}); err != nil || len(got.Orchestrators) != 0 {
		t.Errorf("every log removed: %d orchestrators, %v; want none", len(got.Orchestrators), err)
	}
}

func TestChainActivityRejectsAHeaderOfAnotherBlock(t *testing.T) {
	t.Parallel()
	s, _ := emitMix(t)
	d := s.activityDiscovery(t, 0)
	d.logs = &brokenLogs{real: s.sim.Client(), badHeader: true}
	if _, err := d.Activity(t.Context(), ActivityWindow{}); !errors.Is(err, ErrChainBadResponse) {
		t.Fatalf("err = %v, want ErrChainBadResponse", err)
	}
}

func TestChainActivityRetriesAndHalvesATooWideRange(t *testing.T) {
	t.Parallel()
	s, _ := emitMix(t)

	// Two failures, then answers: the third try of each query succeeds.
	d := s.activityDiscovery(t, 0)
	flaky := &brokenLogs{real: s.sim.Client(), fail: func(call int, _ ethereum.FilterQuery) error {
		if call <= 2 {
			return errors.New("connection reset by peer")
		}
		return nil
	}}
	d.logs = flaky
	got, err := d.Activity(t.Context(), ActivityWindow{})
	if err != nil {
		t.Fatal(err)
	}
	checkActivity(t, got, s.want)

	// A provider that refuses more than 3 blocks at a time, as hosted
	// endpoints do with their own limit: the reader halves until it fits.
	narrow := &brokenLogs{real: s.sim.Client(), fail: func(_ int, q ethereum.FilterQuery) error {
		if n := q.ToBlock.Uint64() - q.FromBlock.Uint64() + 1; n > 3 {
			return fmt.Errorf("query exceeds max block range 3 (asked %d)", n)
		}
		return nil
	}}
	d.logs = narrow
	if got, err = d.Activity(t.Context(), ActivityWindow{}); err != nil {
		t.Fatal(err)
	}
	checkActivity(t, got, s.want)
	if narrow.widest <= 3 {
		t.Errorf("widest query %d blocks: the reader never tried the whole range", narrow.widest)
	}

	// A node that always fails: tried LogRetries+1 times, then an error.
	dead := &brokenLogs{real: s.sim.Client(), fail: func(int, ethereum.FilterQuery) error { return errors.New("503 service unavailable") }}
	d.logs = dead
	if _, err = d.Activity(t.Context(), ActivityWindow{}); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want the node's error", err)
	}
	if want := chainDefaultLogRetries + 1; dead.calls != want {
		t.Errorf("%d eth_getLogs calls, want %d", dead.calls, want)
	}
}

func TestChainActivityHangingNodeHitsTheDeadline(t *testing.T) {
	t.Parallel()
	s, _ := emitMix(t)
	d := s.activityDiscovery(t, 0)
	d.callTimeout = 20 * time.Millisecond
	d.logs = &hangingLogs{real: s.sim.Client()}
	_, err := d.Activity(t.Context(), ActivityWindow{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

// hangingLogs answers headers but never logs.
type hangingLogs struct{ real chainLogReader }

func (h *hangingLogs) FilterLogs(ctx context.Context, _ ethereum.FilterQuery) ([]types.Log, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (h *hangingLogs) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	return h.real.HeaderByNumber(ctx, n)
}

func TestChainRangeTooWide(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]bool{
		"query returned more than 10000 results":                      true,
		"exceed maximum block range: 5000":                            true,
		"eth_getLogs is limited to a 10,000 range, block range 20000": true,
		"Log response size exceeded.":                                 true,
		"connection refused":                                          false,
		"execution reverted":                                          false,
	} {
		if got := chainRangeTooWide(errors.New(msg)); got != want {
			t.Errorf("%q: %v, want %v", msg, got, want)
		}
	}
}
