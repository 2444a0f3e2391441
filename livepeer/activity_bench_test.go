package livepeer

import (
	"crypto/ecdsa"
	"math/big"
	"testing"
)

// BenchmarkChainActivity reads 2,000 redemptions and 100 rewards of 20
// orchestrators spread over 200 blocks, in chunks of 50 blocks, from
// go-ethereum's simulated backend (in process: no network in the figure).
func BenchmarkChainActivity(b *testing.B) {
	keys := make([]*ecdsa.PrivateKey, 20)
	for i := range keys {
		keys[i] = chainKey(b)
	}
	s := newActivitySim(b, keys...)
	for blk := range 200 {
		k := keys[blk%len(keys)]
		if blk%2 == 0 {
			s.redeem(b, k, 20, chainEther(1))
		} else {
			s.reward(b, k, big.NewInt(1))
		}
	}
	d := s.discovery(b, nil, func(cfg *ChainConfig) { cfg.LogChunkBlocks = 50 })
	d.logs = s.sim.Client()
	for b.Loop() {
		got, err := d.Activity(b.Context(), ActivityWindow{})
		if err != nil || len(got.Orchestrators) != len(keys) {
			b.Fatalf("%d orchestrators, %v", len(got.Orchestrators), err)
		}
	}
}
