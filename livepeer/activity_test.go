package livepeer

import (
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"jobtester/livepeer/contracts"
	"jobtester/simnet"
)

// activitySim is a chain on which a test emits redemptions and rewards and
// keeps its own tally of what it emitted.
type activitySim struct {
	*chainSim
	tb     *contracts.TicketBroker
	bm     *contracts.BondingManager
	nonce  int64
	want   map[string]*OrchestratorActivity
	blocks []uint64 // the block of each emission, in order
}

func newActivitySim(t testing.TB, keys ...*ecdsa.PrivateKey) *activitySim {
	t.Helper()
	var orchs []simnet.ChainOrchestrator
	for i, k := range keys {
		orchs = append(orchs, simnet.ChainOrchestrator{Key: k, ServiceURI: "https://o.example", Stake: chainEther(int64(100 - i)), Active: true})
	}
	c := newChainSim(t, orchs)
	tb, err := contracts.NewTicketBroker(c.dep.TicketBroker, c.sim.Client())
	if err != nil {
		t.Fatal(err)
	}
	return &activitySim{chainSim: c, tb: tb, bm: c.bondingManager(t), want: map[string]*OrchestratorActivity{}}
}

func (s *activitySim) tally(addr string) *OrchestratorActivity {
	w := s.want[addr]
	if w == nil {
		w = &OrchestratorActivity{Address: addr, FaceValue: new(big.Int), RewardAmount: new(big.Int)}
		s.want[addr] = w
	}
	return w
}

func (s *activitySim) head(t testing.TB) uint64 {
	t.Helper()
	n, err := s.sim.Client().BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// redeem mines count tickets of face to k in a block of their own.
func (s *activitySim) redeem(t testing.TB, k *ecdsa.PrivateKey, count int64, face *big.Int) {
	t.Helper()
	sender := common.HexToAddress("0x00000000000000000000000000000000000000b1")
	tx, err := s.tb.RedeemWinningTicketsForTest(s.owner(t), sender, crypto.PubkeyToAddress(k.PublicKey), face, big.NewInt(1),
		big.NewInt(s.nonce), big.NewInt(count), make([]byte, 64))
	s.mined(t, tx, err)
	s.nonce += count
	w := s.tally(chainAddr(k))
	w.TicketsRedeemed += count
	w.FaceValue.Add(w.FaceValue, new(big.Int).Mul(face, big.NewInt(count)))
	w.LastRedemptionBlock = s.head(t)
	s.blocks = append(s.blocks, w.LastRedemptionBlock)
}

// reward mines a reward of amount to k in a block of its own.
func (s *activitySim) reward(t testing.TB, k *ecdsa.PrivateKey, amount *big.Int) {
	t.Helper()
	tx, err := s.bm.Reward(s.owner(t), crypto.PubkeyToAddress(k.PublicKey), amount)
	s.mined(t, tx, err)
	w := s.tally(chainAddr(k))
	w.Rewards++
	w.RewardAmount.Add(w.RewardAmount, amount)
	w.LastRewardBlock = s.head(t)
	s.blocks = append(s.blocks, w.LastRewardBlock)
}

// emitMix emits redemptions and rewards of three orchestrators, one of
// them idle, with face values whose sum exceeds 2^256's half many times
// over a uint64.
func emitMix(t testing.TB) (*activitySim, []*ecdsa.PrivateKey) {
	t.Helper()
	keys := []*ecdsa.PrivateKey{chainKey(t), chainKey(t), chainKey(t)}
	s := newActivitySim(t, keys...)
	huge := new(big.Int).Lsh(big.NewInt(1), 200)
	s.redeem(t, keys[0], 2, chainEther(1))
	s.reward(t, keys[0], chainEther(7))
	s.redeem(t, keys[1], 5, huge)
	s.redeem(t, keys[0], 1, big.NewInt(3))
	s.redeem(t, keys[1], 3, huge)
	s.reward(t, keys[1], big.NewInt(1))
	s.reward(t, keys[0], chainEther(9))
	return s, keys // keys[2] did nothing
}

func checkActivity(t testing.TB, got *Activity, want map[string]*OrchestratorActivity) {
	t.Helper()
	if len(got.Orchestrators) != len(want) {
		t.Errorf("%d orchestrators with activity, want %d", len(got.Orchestrators), len(want))
	}
	for addr, w := range want {
		g := got.Orchestrators[addr]
		if g == nil {
			t.Errorf("%s: no activity, want %+v", addr, w)
			continue
		}
		if g.TicketsRedeemed != w.TicketsRedeemed || g.FaceValue.Cmp(w.FaceValue) != 0 || g.LastRedemptionBlock != w.LastRedemptionBlock ||
			g.Rewards != w.Rewards || g.RewardAmount.Cmp(w.RewardAmount) != 0 || g.LastRewardBlock != w.LastRewardBlock {
			t.Errorf("%s:\n got %+v\nwant %+v", addr, g, w)
		}
	}
}

func (s *activitySim) activityDiscovery(t testing.TB, chunk uint64) *ChainDiscovery {
	t.Helper()
	d := s.discovery(t, nil, func(cfg *ChainConfig) { cfg.LogChunkBlocks = chunk })
	d.logs = s.sim.Client()
	d.retryPause = time.Millisecond
	return d
}

func TestChainActivityCountsWhatTheChainEmitted(t *testing.T) {
	t.Parallel()
	s, _ := emitMix(t)
	// One query for the whole chain, and chunks of 1 and 3 blocks: the
	// same counts and sums.
	for _, chunk := range []uint64{0, 1, 3} {
		got, err := s.activityDiscovery(t, chunk).Activity(t.Context(), ActivityWindow{})
		if err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		if got.FromBlock != 0 || got.ToBlock != s.head(t) {
			t.Errorf("chunk %d: window %d–%d, want 0–%d", chunk, got.FromBlock, got.ToBlock, s.head(t))
		}
		checkActivity(t, got, s.want)
	}
}

func TestChainActivityTimesAreTheBlocks(t *testing.T) {
	t.Parallel()
	s, keys := emitMix(t)
	got, err := s.activityDiscovery(t, 0).Activity(t.Context(), ActivityWindow{})
	if err != nil {
		t.Fatal(err)
	}
	o := got.Orchestrators[chainAddr(keys[1])]
	for _, c := range []struct {
		block uint64
		at    time.Time
	}{{o.LastRedemptionBlock, o.LastRedemptionTime}, {o.LastRewardBlock, o.LastRewardTime}} {
		h, err := s.sim.Client().HeaderByNumber(t.Context(), new(big.Int).SetUint64(c.block))
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Unix(int64(h.Time), 0).UTC(); !c.at.Equal(want) {
			t.Errorf("block %d: time %v, want %v", c.block, c.at, want)
		}
	}
}

func TestChainActivityWindowLeavesOlderBlocksOut(t *testing.T) {
	t.Parallel()
	s, keys := emitMix(t)
	d := s.activityDiscovery(t, 2)
	// The last two blocks: keys[1]'s reward and keys[0]'s second reward.
	got, err := d.Activity(t.Context(), ActivityWindow{Days: 1, BlocksPerDay: 2})
	if err != nil {
		t.Fatal(err)
	}
	last := s.blocks[len(s.blocks)-2:]
	if got.FromBlock != last[0] || got.ToBlock != last[1] {
		t.Errorf("window %d–%d, want %d–%d", got.FromBlock, got.ToBlock, last[0], last[1])
	}
	checkActivity(t, got, map[string]*OrchestratorActivity{
		chainAddr(keys[1]): {FaceValue: new(big.Int), Rewards: 1, RewardAmount: big.NewInt(1), LastRewardBlock: last[0]},
		chainAddr(keys[0]): {FaceValue: new(big.Int), Rewards: 1, RewardAmount: chainEther(9), LastRewardBlock: last[1]},
	})

	// An explicit range: only the first emission's block.
	first := s.blocks[0]
	got, err = d.Activity(t.Context(), ActivityWindow{FromBlock: first, ToBlock: first})
	if err != nil {
		t.Fatal(err)
	}
	checkActivity(t, got, map[string]*OrchestratorActivity{
		chainAddr(keys[0]): {TicketsRedeemed: 2, FaceValue: chainEther(2), RewardAmount: new(big.Int), LastRedemptionBlock: first},
	})
}

func TestActivityWindowBlocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w        ActivityWindow
		head     uint64
		from, to uint64
		err      bool
	}{
		{ActivityWindow{}, 100, 0, 100, false},
		{ActivityWindow{FromBlock: 10, ToBlock: 20}, 100, 10, 20, false},
		{ActivityWindow{FromBlock: 10, ToBlock: 200}, 100, 10, 100, false}, // not past the head
		{ActivityWindow{FromBlock: 150}, 100, 150, 100, false},             // empty: from > to
		{ActivityWindow{FromBlock: 30, ToBlock: 20}, 100, 0, 0, true},
		{ActivityWindow{Days: 2, BlocksPerDay: 10}, 100, 81, 100, false},
		{ActivityWindow{Days: 2, BlocksPerDay: 10, ToBlock: 50}, 100, 31, 50, false},
		{ActivityWindow{Days: 7, BlocksPerDay: 10}, 30, 0, 30, false}, // longer than the chain
		{ActivityWindow{Days: 1}, 1_000_000, 1_000_000 - ArbitrumOneBlocksPerDay + 1, 1_000_000, false},
		{ActivityWindow{Days: -1}, 100, 0, 0, true},
		{ActivityWindow{Days: 3, BlocksPerDay: 1 << 63}, 100, 0, 0, true}, // overflows uint64
	}
	for _, tt := range tests {
		from, to, err := tt.w.blocks(tt.head)
		if (err != nil) != tt.err || !tt.err && (from != tt.from || to != tt.to) {
			t.Errorf("%+v at head %d: %d–%d, %v; want %d–%d, error %v", tt.w, tt.head, from, to, err, tt.from, tt.to, tt.err)
		}
	}
}
