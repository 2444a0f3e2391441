package simnet

import (
	"context"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"jobtester/testutil"
)

// ledgerScenario: a busy orchestrator, an idle one (its model is never
// asked for), one that goes offline at once, an inactive one and one left
// off the chain.
func ledgerScenario() Scenario {
	o := func(name string, m ModelSpec) OrchestratorSpec {
		return OrchestratorSpec{Name: name, Models: []ModelSpec{m}}
	}
	busy := o("busy", quick("text-to-image", "ByteDance/SDXL-Lightning"))
	busy.Models[0].Capacity = 8
	idle := o("idle", quick("llm", "meta-llama/llama-3.1-8B-Instruct"))
	gone := o("gone", quick("upscale", "stabilityai/stable-diffusion-x4-upscaler"))
	gone.Offline = &OfflineSpec{After: Duration(time.Millisecond)}
	inactive := o("inactive", quick("text-to-image", "ByteDance/SDXL-Lightning"))
	inactive.Inactive = true
	return Scenario{Orchestrators: []OrchestratorSpec{busy, idle, gone, inactive, o("offchain", quick("llm", "meta-llama/llama-3.1-8B-Instruct"))}}
}

func chainActivityOf(t *testing.T, n *Network, name string) ChainActivity {
	t.Helper()
	truth, ok := n.ChainTruth()
	if !ok {
		t.Fatal("no chain")
	}
	addr := deriveAddress(name)
	for _, a := range truth.Activity {
		if a.Address == addr {
			return a
		}
	}
	return ChainActivity{Address: addr}
}

func TestChainPaysForWorkAndNothingElse(t *testing.T) {
	t.Parallel()
	n := startNetWith(t, ledgerScenario(), Options{Seed: 3, TimeScale: testScale, Chain: &ChainOptions{
		RoundLength: 200 * time.Second, BlockInterval: 20 * time.Millisecond, JobsPerTicket: 2, OffChain: []string{"offchain"},
	}})
	base := n.Gateways()[0].HTTPURL
	const jobs = 9
	for range jobs {
		if r := postJSON(t, base+"/text-to-image", map[string]any{"model_id": "ByteDance/SDXL-Lightning", "prompt": "a cat"}); r.status != http.StatusOK {
			t.Fatalf("job: %d %s", r.status, r.body)
		}
	}
	served := 0
	for _, r := range n.Requests() {
		if r.OrchestratorName == "busy" && r.Outcome == OutcomeOK {
			served++
		}
	}
	if served != jobs {
		t.Fatalf("busy served %d jobs, want %d", served, jobs)
	}
	// Two jobs a ticket: four tickets, one job carried over. A round is
	// 200 s × 0.001 = 200 ms, so reward calls follow.
	testutil.Eventually(t, "busy's tickets and reward", func() bool {
		a := chainActivityOf(t, n, "busy")
		return a.TicketsRedeemed == int64(served/2) && a.Rewards > 0
	})
	a := chainActivityOf(t, n, "busy")
	face := new(big.Int).Mul(big.NewInt(int64(served/2)), big.NewInt(1e16))
	if a.FaceValue != face.String() {
		t.Errorf("face value %s, want %s", a.FaceValue, face)
	}
	for _, name := range []string{"idle", "gone", "inactive"} {
		if a := chainActivityOf(t, n, name); a.TicketsRedeemed != 0 || a.Rewards != 0 {
			t.Errorf("%s did no work, yet %+v", name, a)
		}
	}
	truth, _ := n.ChainTruth()
	if truth.CurrentRound <= defaultCurrentRound {
		t.Errorf("round %d: rounds did not advance", truth.CurrentRound)
	}
	for _, act := range truth.Activity {
		if act.Address == deriveAddress("offchain") {
			t.Error("an orchestrator left off the chain has a tally")
		}
	}
}

func TestChainServesJSONRPCOnLoopback(t *testing.T) {
	t.Parallel()
	n := startNetWith(t, ledgerScenario(), Options{Seed: 3, TimeScale: testScale, Chain: &ChainOptions{BlockInterval: 20 * time.Millisecond}})
	info, ok := n.Chain()
	if !ok || !strings.HasPrefix(info.RPCURL, "http://127.0.0.1:") {
		t.Fatalf("chain %+v, %v", info, ok)
	}
	client, err := ethclient.DialContext(t.Context(), info.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	id, err := client.ChainID(t.Context())
	if err != nil || id.Int64() != info.ChainID {
		t.Fatalf("chain id %v, %v; want %d", id, err, info.ChainID)
	}
	first, err := client.BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, "blocks to be mined", func() bool {
		b, err := client.BlockNumber(t.Context())
		return err == nil && b > first
	})
	code, err := client.CodeAt(t.Context(), common.HexToAddress(info.TicketBroker), nil)
	if err != nil || len(code) == 0 {
		t.Errorf("TicketBroker code: %d bytes, %v", len(code), err)
	}
}

func TestChainRPCRefusesWhatItDoesNotServe(t *testing.T) {
	t.Parallel()
	n := startNetWith(t, ledgerScenario(), Options{Seed: 3, TimeScale: testScale, Chain: &ChainOptions{}})
	info, _ := n.Chain()
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"not JSON", `{"jsonrpc":`, 200, `"code":-32700`},
		{"not an object", `42`, 200, `"code":-32600`},
		{"no version", `{"id":1,"method":"eth_blockNumber"}`, 200, `"code":-32600`},
		{"a write", `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x00"]}`, 200, `"code":-32601`},
		{"admin", `{"jsonrpc":"2.0","id":1,"method":"admin_nodeInfo"}`, 200, `"code":-32601`},
		{"params an object", `{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"a":1}}`, 200, `"code":-32602`},
		{"bad params", `{"jsonrpc":"2.0","id":7,"method":"eth_getBalance","params":["nope","latest"]}`, 200, `"id":7,"error"`},
		{"empty batch", `[]`, 200, `"code":-32600`},
		{"batch of one", `[{"jsonrpc":"2.0","id":"x","method":"eth_blockNumber"}]`, 200, `[{"jsonrpc":"2.0","id":"x","result":"0x`},
		{"too big a batch", "[" + strings.Repeat(`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"},`, 100) + `{}]`, 200, `"code":-32600`},
	}
	for _, tt := range tests {
		r := postRaw(t, info.RPCURL, "application/json", []byte(tt.body))
		if r.status != tt.status || !strings.Contains(string(r.body), tt.want) {
			t.Errorf("%s: %d %s, want %d with %s", tt.name, r.status, r.body, tt.status, tt.want)
		}
	}
	resp, err := newClient().Get(info.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
	if r := postRaw(t, info.RPCURL, "application/json", make([]byte, chainRPCMaxBody+1)); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d, want 413", r.status)
	}
}

func TestMainPrintsTheChainRPCURL(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- Main(ctx, []string{"--time-scale", "0.01", "--log-level", "warn"}, &out) }()
	var rpcURL string
	testutil.Eventually(t, "Main to print the chain's URL", func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if rest, ok := strings.CutPrefix(line, "chain: "); ok {
				rpcURL = strings.Fields(rest)[0]
				return true
			}
		}
		return false
	})
	client, err := ethclient.DialContext(t.Context(), rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if _, err := client.BlockNumber(t.Context()); err != nil {
		t.Errorf("%s: %v", rpcURL, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Main: %v", err)
	}
}
