package models_test

import (
	"errors"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/models"
)

func TestChainOrchestratorsReplaceTheLastRead(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		if _, err := st.ChainOrchestrator(t.Context(), addr(1)); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("before any read: %v, want ErrNotFound", err)
		}
		redeemed := time.Date(2026, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))
		huge := "115792089237316195423570985008687907853269984665640564039457584007913129639935"
		first := []models.ChainOrchestrator{
			{Address: addr(1), OnChain: true, InGateway: true, Active: true, ChainServiceURI: "https://a:8935", Stake: huge,
				RewardCut: "100000", FeeShare: "500000", DeactivationRound: huge, TicketsRedeemed: 7, FaceValue: "70000000000000000",
				LastRedemptionBlock: 99, LastRedemptionAt: &redeemed, Disagreements: "service URI differs"},
			{Address: addr(2), OnChain: true},
		}
		if err := st.SaveChainOrchestrators(t.Context(), first, redeemed); err != nil {
			t.Fatal(err)
		}
		got, err := st.ChainOrchestrator(t.Context(), addr(1))
		if err != nil {
			t.Fatal(err)
		}
		if got.Stake != huge || got.DeactivationRound != huge || got.TicketsRedeemed != 7 || got.FaceValue != "70000000000000000" ||
			got.LastRedemptionAt == nil || !got.LastRedemptionAt.Equal(redeemed) || !got.ReadAt.Equal(redeemed) || got.LastRewardAt != nil {
			t.Errorf("read back %+v", got)
		}
		if l := got.DisagreementList(); len(l) != 1 || l[0] != "service URI differs" {
			t.Errorf("disagreements %q", l)
		}

		// The next read holds only addr(3): the others left the pool.
		if err := st.SaveChainOrchestrators(t.Context(), []models.ChainOrchestrator{{Address: addr(3), InGateway: true}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		all, err := st.ChainOrchestrators(ctx)
		if err != nil || len(all) != 1 || all[0].Address != addr(3) {
			t.Fatalf("after the second read: %+v, %v", all, err)
		}
		if _, err := st.ChainOrchestrator(t.Context(), addr(1)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a row of the first read survived: %v", err)
		}
	})
}
