package handlers

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/models"
)

func TestV1OrchestratorActivity(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			huge := "75000000000000000000000000000000000000"
			at := time.Date(2026, 5, 2, 3, 4, 5, 0, time.UTC)
			err := e.st.SaveChainOrchestrators(t.Context(), []models.ChainOrchestrator{
				{Address: orch(0xabc), OnChain: true, InGateway: true, Active: true, Stake: huge, RewardCut: "100000", FeeShare: "500000",
					LastRewardRound: "4012", TicketsRedeemed: 12, FaceValue: "120000000000000000", LastRedemptionAt: &at,
					Disagreements: "service URI differs", ChainServiceURI: "https://old:8935", GatewayServiceURI: "https://new:8935"},
			}, at)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			e.read("/api/v1/orchestrators/0x"+strings.ToUpper(orch(0xabc)[2:])+"/activity", &got) // any case

			if got["stake_wei"] != huge || got["tickets_redeemed"] != float64(12) || got["face_value_wei"] != "120000000000000000" ||
				got["last_reward_round"] != "4012" || got["address"] != orch(0xabc) {
				t.Errorf("activity %v", got)
			}
			if d, _ := got["disagreements"].([]any); len(d) != 1 || d[0] != "service URI differs" {
				t.Errorf("disagreements %v", got["disagreements"])
			}

			var list struct {
				Orchestrators []json.RawMessage `json:"orchestrators"`
			}
			e.read("/api/v1/chain/orchestrators", &list)
			if len(list.Orchestrators) != 1 {
				t.Errorf("%d chain orchestrators, want 1", len(list.Orchestrators))
			}

			for path, want := range map[string]int{
				"/api/v1/orchestrators/0x1234/activity":          http.StatusBadRequest,
				"/api/v1/orchestrators/" + orch(2) + "/activity": http.StatusNotFound,
			} {
				if code, _, b := e.do(http.MethodGet, path, nil, nil); code != want || !strings.Contains(string(b), `"error"`) {
					t.Errorf("GET %s = %d %s, want %d with a JSON error", path, code, b, want)
				}
			}
		})
	}
}
