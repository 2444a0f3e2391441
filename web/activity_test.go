package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/models"
)

func TestOrchestratorPageShowsTheChain(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.insert(result{orch: 1, region: "FRA", pipeline: "Text to image", model: "m", success: 1, rtt: 1, ago: time.Minute})
			_, _, body := e.get("/orchestrators/"+addr(1), nil)
			mustContain(t, "page before any chain read", body, `id="chain-none"`)

			at := time.Date(2026, 5, 2, 3, 4, 5, 0, time.UTC)
			rows := []models.ChainOrchestrator{
				{Address: addr(1), OnChain: true, InGateway: true, Active: true, Stake: "75000000000000000000000",
					RewardCut: "100000", FeeShare: "750000", ActivationRound: "3850",
					DeactivationRound: "115792089237316195423570985008687907853269984665640564039457584007913129639935",
					LastRewardRound:   "4012", CurrentRound: "4013", TicketsRedeemed: 1234, FaceValue: "12340000000000000000",
					LastRedemptionBlock: 123456, LastRedemptionAt: &at, Rewards: 3, RewardAmount: "37500000000000000000",
					LastRewardBlock: 123400, WindowDays: 7, WindowFromBlock: 1000, WindowToBlock: 123999,
					ChainServiceURI: "https://old.example:8935", GatewayServiceURI: "https://new.example:8935",
					Disagreements: "service URI differs"},
			}
			rows = append(rows, models.ChainOrchestrator{Address: addr(2), OnChain: true, Stake: "1", RewardCut: "0", FeeShare: "1000000",
				ActivationRound: "3850", DeactivationRound: "4000", LastRewardRound: "0", CurrentRound: "4013", WindowDays: 1})
			e.insert(result{orch: 2, region: "FRA", pipeline: "Text to image", model: "m", success: 1, rtt: 1, ago: time.Minute})
			if err := e.st.SaveChainOrchestrators(t.Context(), rows, at); err != nil {
				t.Fatal(err)
			}
			code, _, body := e.get("/orchestrators/"+addr(1), nil)
			if code != http.StatusOK {
				t.Fatalf("page: %d", code)
			}
			mustContain(t, "chain section", body,
				"75,000 LPT", ">10 %<", ">25 %<", // reward cut; fee cut is 1 − fee share
				"round 3,850", "round 4,012", "1,234", "12.34 ETH", "block 123,456", "37.5 LPT",
				"7 days (blocks 1,000–123,999)", "service URI differs", "https://old.example:8935", "https://new.example:8935")
			if strings.Contains(body, "75000000000000000000000") {
				t.Error("the page shows stake in wei")
			}
			if strings.Contains(body, "until round") || strings.Contains(body, "not active now") {
				t.Error("an active orchestrator not deactivating shows an end round")
			}
			mustContain(t, "chain section", body, ">1,234, 12.34 ETH face value, last at block 123,456 (2026-05-02 03:04:05 UTC)<",
				">3, 37.5 LPT minted, last at block 123,400<")

			_, _, body = e.get("/orchestrators/"+addr(2), nil)
			mustContain(t, "a deactivated orchestrator's chain section", body, "round 3,850, until round 4,000 (not active now)",
				">never (current: round 4,013)<", ">0 %<", ">0 LPT<", "last 1 day (blocks 0–0)")
		})
	}
}
