package livepeer

import (
	"bytes"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"jobtester/simnet"
	"jobtester/testutil"
)

// chainOnly is an orchestrator registered on simnet's chain that no
// gateway lists.
var chainOnly = common.HexToAddress("0x00000000000000000000000000000000000c4a17")

// startChainNet starts a simulated network with its chain: "sep" has a
// separate AI-registry URI, "noai" none, "idle" is inactive, "offchain"
// is not on the chain, "stale" has an old URI there, and chainOnly is on
// the chain only.
func startChainNet(t *testing.T) *simnet.Network {
	t.Helper()
	m := simnet.ModelSpec{Pipeline: "text-to-image", Model: "ByteDance/SDXL-Lightning", Capacity: 4,
		Latency: simnet.Latency{Median: simnet.Duration(20 * time.Millisecond)}}
	o := func(name, ai string, inactive bool) simnet.OrchestratorSpec {
		return simnet.OrchestratorSpec{Name: name, AIServiceURI: ai, Inactive: inactive, Models: []simnet.ModelSpec{m}}
	}
	sc := simnet.Scenario{
		Gateways:      []simnet.GatewaySpec{{Name: "gw", DiscoveryTimeout: simnet.Duration(5 * time.Second)}},
		Orchestrators: []simnet.OrchestratorSpec{o("sep", "separate", false), o("noai", "none", false), o("idle", "", true), o("offchain", "", false), o("stale", "", false)},
	}
	n, err := simnet.Start(t.Context(), sc, simnet.Options{Seed: 5, TimeScale: 0.001, Chain: &simnet.ChainOptions{
		RoundLength: 100 * time.Second, BlockInterval: 20 * time.Millisecond, JobsPerTicket: 1,
		OffChain: []string{"offchain"}, ChainURI: map[string]string{"stale": "https://stale.example:8935"},
		Extra: []simnet.ChainOrchestrator{{Address: chainOnly, ServiceURI: "https://hidden.example:8935", Stake: chainEther(5), Active: true}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func TestChainDiscoveryOverSimnetJSONRPC(t *testing.T) {
	t.Parallel()
	n := startChainNet(t)
	info, _ := n.Chain()
	truth := n.Truth()
	byName := map[string]simnet.OrchestratorTruth{}
	for _, o := range truth.Orchestrators {
		byName[o.Name] = o
	}

	// Paid work first: a dozen jobs through the gateway.
	client := &http.Client{Timeout: 20 * time.Second}
	for range 12 {
		resp, err := client.Post(n.Gateways()[0].HTTPURL+"/text-to-image", "application/json",
			bytes.NewReader([]byte(`{"model_id":"ByteDance/SDXL-Lightning","prompt":"a lighthouse"}`)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	served := 0
	for _, r := range n.Requests() {
		if r.Outcome == simnet.OutcomeOK && r.OrchestratorName != "offchain" { // the chain pays only its own
			served++
		}
	}
	testutil.Eventually(t, "every job paid by a ticket", func() bool {
		ct, _ := n.ChainTruth()
		var tickets int64
		for _, a := range ct.Activity {
			tickets += a.TicketsRedeemed
		}
		return tickets == int64(served)
	})

	d, err := DialChain(t.Context(), ChainConfig{RPCURL: info.RPCURL, Controller: info.Controller, AIServiceRegistry: info.AIServiceRegistry})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	orchs, _, err := d.Orchestrators(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Orchestrator{}
	for _, o := range orchs {
		got[o.Address] = o
	}
	if _, ok := got[byName["offchain"].Address]; ok || len(got) != 5 {
		t.Errorf("chain holds %d orchestrators (offchain among them: %v), want the 5 on chain", len(got), ok)
	}
	for _, name := range []string{"sep", "noai", "idle"} {
		w, g := byName[name], got[byName[name].Address]
		if g.ServiceURI != w.ServiceURI || g.AIServiceURI != w.AIServiceURI || g.Active != w.Active {
			t.Errorf("%s: chain says %q, %q, active %v; simnet serves %q, %q, active %v",
				name, g.ServiceURI, g.AIServiceURI, g.Active, w.ServiceURI, w.AIServiceURI, w.Active)
		}
	}
	if g := got[byName["sep"].Address]; g.AIServiceURI == g.ServiceURI || g.AIServiceURI == "" {
		t.Errorf("sep: AI URI %q should be its own", g.AIServiceURI)
	}
	if g := got[byName["stale"].Address]; g.ServiceURI != "https://stale.example:8935" {
		t.Errorf("stale: chain URI %q", g.ServiceURI)
	}

	// The chain and the gateway disagree where the scenario says so.
	gwOrchs, err := (&GatewayClient{CLIURL: n.Gateways()[0].CLIURL}).RegisteredOrchestrators(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	disagree := map[string][]string{}
	for _, c := range ChainCompare(gwOrchs, orchs) {
		if len(c.Disagreements) > 0 {
			disagree[c.Address] = c.Disagreements
		}
	}
	want := map[string][]string{
		byName["offchain"].Address:       {DisagreeNotOnChain},
		byName["stale"].Address:          {DisagreeServiceURI},
		strings.ToLower(chainOnly.Hex()): {DisagreeNotInGateway},
	}
	if len(disagree) != len(want) {
		t.Errorf("disagreements %v, want %v", disagree, want)
	}
	for a, w := range want {
		if !slices.Equal(disagree[a], w) {
			t.Errorf("%s: %v, want %v", a, disagree[a], w)
		}
	}
	checkSimnetActivity(t, n, d)
}

// checkSimnetActivity reads the activity over JSON-RPC and compares it
// with what simnet's chain says it emitted.
func checkSimnetActivity(t *testing.T, n *simnet.Network, d *ChainDiscovery) {
	t.Helper()
	ct, _ := n.ChainTruth()
	act, err := d.Activity(t.Context(), ActivityWindow{ToBlock: ct.HeadBlock})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ct.Activity {
		g := act.Orchestrators[w.Address]
		if w.TicketsRedeemed == 0 && w.Rewards == 0 {
			if g != nil {
				t.Errorf("%s: no activity emitted, read %+v", w.Address, g)
			}
			continue
		}
		if g == nil {
			t.Errorf("%s: emitted %+v, read nothing", w.Address, w)
			continue
		}
		face, _ := new(big.Int).SetString(w.FaceValue, 10)
		reward, _ := new(big.Int).SetString(w.RewardAmount, 10)
		if g.TicketsRedeemed != w.TicketsRedeemed || g.FaceValue.Cmp(face) != 0 || g.LastRedemptionBlock != w.LastRedemptionBlock ||
			g.Rewards != w.Rewards || g.RewardAmount.Cmp(reward) != 0 {
			t.Errorf("%s: read %+v, simnet emitted %+v", w.Address, g, w)
		}
		if g.TicketsRedeemed > 0 && g.LastRedemptionTime.IsZero() {
			t.Errorf("%s: no redemption time", w.Address)
		}
	}
}

func TestChainCompare(t *testing.T) {
	t.Parallel()
	chain := []Orchestrator{
		{Address: "0xAA", ServiceURI: "https://a:1", AIServiceURI: "https://a-ai:1", Active: true},
		{Address: "0xbb", ServiceURI: "https://b:1", Active: true},
		{Address: "0xcc", ServiceURI: "https://c:1", Active: false},
		{Address: "0xdd", ServiceURI: "https://d:1", Active: true},
		{Address: "0xee", ServiceURI: "https://e:1", Active: false},
	}
	gateway := []Orchestrator{
		{Address: "0xaa", ServiceURI: "https://a-ai:1"}, // -aiServiceRegistry: agrees
		{Address: "0xbb", ServiceURI: "https://b:2"},
		{Address: "0xdd", ServiceURI: "https://d:1"},
		{Address: "0xEE", ServiceURI: "https://e:1"},
		{Address: "0xff", ServiceURI: "https://f:1"},
	}
	got := map[string][]string{}
	for _, c := range ChainCompare(gateway, chain) {
		got[c.Address] = c.Disagreements
	}
	want := map[string][]string{
		"0xaa": nil, "0xbb": {DisagreeServiceURI}, "0xcc": nil, "0xdd": nil,
		"0xee": {DisagreeInactive}, "0xff": {DisagreeNotOnChain},
	}
	if len(got) != len(want) {
		t.Errorf("%d comparisons, want %d: %v", len(got), len(want), got)
	}
	for a, w := range want {
		if !slices.Equal(got[a], w) {
			t.Errorf("%s: %v, want %v", a, got[a], w)
		}
	}
	// Active on chain, absent from the gateway.
	only := ChainCompare(nil, chain[:1])
	if len(only) != 1 || !slices.Equal(only[0].Disagreements, []string{DisagreeNotInGateway}) || only[0].InGateway {
		t.Errorf("chain only: %+v", only)
	}
}
