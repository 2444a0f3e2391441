package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"jobtester/testutil"
)

// The demo discovers on simnet's chain beside its gateways, reads each
// orchestrator's facts and paid work there, and shows them in /api/v1 and
// on the orchestrator page.
func TestDemoReadsTheSimulatedChain(t *testing.T) {
	d := startDemo(t, "--chain-read-interval", "2s", "--live-concurrency", "0")
	base, logs, banner := d.base, d.logs, d.banner
	if !strings.Contains(banner.String(), "chain (JSON-RPC):  http://127.0.0.1:") {
		t.Errorf("the banner names no chain:\n%s", banner.String())
	}

	type row struct {
		Address         string `json:"address"`
		OnChain         bool   `json:"on_chain"`
		InGateway       bool   `json:"in_gateway"`
		TicketsRedeemed int64  `json:"tickets_redeemed"`
		Stake           string `json:"stake_wei"`
	}
	var paid row
	var onChain int
	testutil.EventuallyWithin(t, 90*time.Second, "a chain read with paid work", func() bool {
		var list struct{ Orchestrators []row }
		if !getJSON(t, base+"/api/v1/chain/orchestrators", &list) {
			return false
		}
		onChain = 0
		for _, r := range list.Orchestrators {
			if r.OnChain {
				onChain++
			}
			if r.OnChain && r.InGateway && r.TicketsRedeemed > 0 {
				paid = r
			}
		}
		return paid.Address != ""
	})
	if onChain != 30 {
		t.Errorf("%d orchestrators on chain, want the scenario's 30", onChain)
	}
	if !strings.Contains(logs.String(), "orchestrators found on chain") || !strings.Contains(logs.String(), "pool=30") {
		t.Errorf("the log does not report the chain's orchestrators:\n%s", logs)
	}
	var one row
	if !getJSON(t, base+"/api/v1/orchestrators/"+paid.Address+"/activity", &one) || one.TicketsRedeemed < paid.TicketsRedeemed || one.Stake == "" {
		t.Errorf("activity of %s: %+v", paid.Address, one)
	}
	resp, err := http.Get(base + "/orchestrators/" + paid.Address)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`id="chain-stake"`, " LPT<", "Winning tickets redeemed", "round "} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the orchestrator page lacks %q", want)
		}
	}
}

func getJSON(t *testing.T, url string, v any) bool {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(v) == nil
}
