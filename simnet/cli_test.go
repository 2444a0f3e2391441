package simnet

import (
	"bytes"
	"encoding/json"
	"math/big"
	"slices"
	"strings"
	"testing"

	"jobtester/ethaddr"
)

// chainScenario has orchestrators whose chain data differ in every way the
// CLI endpoints encode.
func chainScenario() Scenario {
	return Scenario{
		Gateways: []GatewaySpec{{Name: "plain"}, {Name: "ai-registry", AIServiceRegistry: true}},
		Orchestrators: []OrchestratorSpec{
			{Name: "rich", Address: "0xDEF1C70578B2B5E8589A42E26980687FC5153079", Stake: "97524394215341228748737",
				RewardCut: 220000, FeeShare: 50000, ActivationRound: 3287, LastRewardRound: 3947, PricePerPixel: "1841/20",
				Models: []ModelSpec{quick("text-to-image", "ByteDance/SDXL-Lightning"), {Pipeline: "llm", Model: "cold-llm", Cold: true},
					{Pipeline: "llm", Model: "hidden", Unadvertised: true}}},
			{Name: "retired", Inactive: true, Stake: "99999999999999999999999999", Models: []ModelSpec{quick("llm", "m")}},
			{Name: "leaving", Stake: "5", DeactivationRound: 4000, AIServiceURI: aiURINone, PricePerPixel: "1200",
				Models: []ModelSpec{quick("upscale", "x4")}},
			{Name: "split", Stake: "7", AIServiceURI: aiURISeparate, Models: []ModelSpec{quick("audio-to-text", "whisper")}},
		},
	}
}

func TestRegisteredOrchestratorsEncoding(t *testing.T) {
	t.Parallel()
	n := startNet(t, chainScenario())
	gws := n.Gateways()
	r := get(t, gws[0].CLIURL+"/registeredOrchestrators")
	if r.err != nil || r.status != 200 {
		t.Fatalf("status %d, %v", r.status, r.err)
	}
	if !bytes.Contains(r.body, []byte(`"DeactivationRound":115792089237316195423570985008687907853269984665640564039457584007913129639935`)) {
		t.Fatalf("2^256−1 is not a bare JSON number in %s", r.body)
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var list []map[string]any
	if err := dec.Decode(&list); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"ActivationRound", "Active", "Address", "DeactivationRound", "DelegatedStake", "FeeShare",
		"LastActiveStakeUpdateRound", "LastRewardRound", "PricePerPixel", "RewardCut", "ServiceURI", "Status"}
	bigOf := func(v any) *big.Int {
		num, ok := v.(json.Number)
		if !ok {
			t.Fatalf("%v (%T) is not a JSON number", v, v)
		}
		b, ok := new(big.Int).SetString(num.String(), 10)
		if !ok {
			t.Fatalf("%s is not an integer", num)
		}
		return b
	}
	max256 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	var order []string
	for _, o := range list {
		var keys []string
		for k := range o {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, wantKeys) {
			t.Errorf("keys %v, want %v", keys, wantKeys)
		}
		addr := o["Address"].(string)
		if addr != strings.ToLower(addr) {
			t.Errorf("address %s is not lowercase", addr)
		}
		if o["Status"] != "Registered" || o["Active"] != true {
			t.Errorf("%s: Status %v Active %v", addr, o["Status"], o["Active"])
		}
		order = append(order, addr)
		switch addr {
		case "0xdef1c70578b2b5e8589a42e26980687fc5153079":
			if bigOf(o["DeactivationRound"]).Cmp(max256) != 0 {
				t.Errorf("DeactivationRound %v, want 2^256−1", o["DeactivationRound"])
			}
			if bigOf(o["DelegatedStake"]).String() != "97524394215341228748737" || bigOf(o["RewardCut"]).Int64() != 220000 ||
				bigOf(o["FeeShare"]).Int64() != 50000 || bigOf(o["ActivationRound"]).Int64() != 3287 || bigOf(o["LastRewardRound"]).Int64() != 3947 {
				t.Errorf("rich: %v", o)
			}
			if o["PricePerPixel"] != "1841/20" {
				t.Errorf("PricePerPixel %#v, want the string \"1841/20\"", o["PricePerPixel"])
			}
			if o["ServiceURI"] != orchByName(t, n, "rich").ServiceURI {
				t.Errorf("ServiceURI %v", o["ServiceURI"])
			}
		case orchByName(t, n, "leaving").Address:
			if bigOf(o["DeactivationRound"]).Int64() != 4000 || o["PricePerPixel"] != "1200" {
				t.Errorf("leaving: %v", o)
			}
		case orchByName(t, n, "retired").Address:
			t.Error("an inactive orchestrator is listed")
		}
	}
	want := []string{"0xdef1c70578b2b5e8589a42e26980687fc5153079", orchByName(t, n, "split").Address, orchByName(t, n, "leaving").Address}
	if !slices.Equal(order, want) {
		t.Errorf("order %v, want by stake %v", order, want)
	}

	// With -aiServiceRegistry the AI registry's URIs are reported.
	var ai []struct{ Address, ServiceURI string }
	get(t, gws[1].CLIURL+"/registeredOrchestrators").json(t, &ai)
	for _, o := range ai {
		switch o.Address {
		case orchByName(t, n, "leaving").Address:
			if o.ServiceURI != "" {
				t.Errorf("leaving has no AI URI but reports %q", o.ServiceURI)
			}
		case orchByName(t, n, "split").Address:
			split := orchByName(t, n, "split")
			if o.ServiceURI != split.AIServiceURI || split.AIServiceURI == split.ServiceURI {
				t.Errorf("split reports %q; AI URI %q, service URI %q", o.ServiceURI, split.AIServiceURI, split.ServiceURI)
			}
		}
	}
}

func TestNetworkCapabilitiesEncoding(t *testing.T) {
	t.Parallel()
	n := startNet(t, chainScenario())
	r := get(t, n.Gateways()[0].CLIURL+"/getNetworkCapabilities")
	if r.status != 200 {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	var caps struct {
		Names         map[string]string `json:"capabilities_names"`
		Orchestrators []map[string]any  `json:"orchestrators"`
	}
	r.json(t, &caps)
	if caps.Names["27"] != "Text to image" || caps.Names["33"] != "Llm" || caps.Names["35"] != "Live video to video" || caps.Names["-2"] != "Invalid" {
		t.Errorf("capabilities_names: %v", caps.Names)
	}
	if len(caps.Orchestrators) != 3 {
		t.Fatalf("%d orchestrators, want the 3 active ones", len(caps.Orchestrators))
	}
	for _, o := range caps.Orchestrators {
		addr := o["address"].(string)
		if ethaddr.Address(addr).Checksum() != addr || strings.ToLower(addr) == addr {
			t.Errorf("address %s is not EIP-55 mixed case", addr)
		}
		if o["local_address"] != addr {
			t.Errorf("local_address %v", o["local_address"])
		}
		for _, k := range []string{"orch_uri", "capabilities", "capabilities_prices", "hardware"} {
			if _, ok := o[k]; !ok {
				t.Errorf("%s: no %q", addr, k)
			}
		}
		if strings.ToLower(addr) != "0xdef1c70578b2b5e8589a42e26980687fc5153079" {
			continue
		}
		if o["orch_uri"] != orchByName(t, n, "rich").ServiceURI {
			t.Errorf("orch_uri %v", o["orch_uri"])
		}
		per := o["capabilities"].(map[string]any)["constraints"].(map[string]any)["PerCapability"].(map[string]any)
		warm := per["27"].(map[string]any)["models"].(map[string]any)["ByteDance/SDXL-Lightning"].(map[string]any)
		if warm["warm"] != true || warm["capacity"] != 1.0 || warm["runnerVersion"] == nil {
			t.Errorf("warm model constraint %v", warm)
		}
		if _, ok := warm["capacityInUse"]; ok {
			t.Errorf("zero capacityInUse not omitted: %v", warm)
		}
		cold := per["33"].(map[string]any)["models"].(map[string]any)
		if _, ok := cold["hidden"]; ok {
			t.Error("an unadvertised model is advertised")
		}
		if _, ok := cold["cold-llm"].(map[string]any)["warm"]; ok {
			t.Errorf("false warm not omitted: %v", cold["cold-llm"])
		}
		var prices []map[string]any
		for _, p := range o["capabilities_prices"].([]any) {
			prices = append(prices, p.(map[string]any))
		}
		if len(prices) != 2 || prices[0]["capability"] != 27.0 || prices[0]["constraint"] != "ByteDance/SDXL-Lightning" {
			t.Errorf("capabilities_prices %v", prices)
		}
		if _, ok := prices[0]["pricePerUnit"]; ok {
			t.Errorf("zero pricePerUnit not omitted: %v", prices[0])
		}
	}
}

func TestOrchestratorAICapabilitiesShape(t *testing.T) {
	t.Parallel()
	n := startNet(t, chainScenario())
	var caps struct {
		Orchestrators []struct {
			Address   string `json:"address"`
			Pipelines []struct {
				Type   string `json:"type"`
				Models []struct {
					Name   string         `json:"name"`
					Status map[string]int `json:"status"`
				} `json:"models"`
			} `json:"pipelines"`
		} `json:"orchestrators"`
	}
	r := get(t, n.Gateways()[0].CLIURL+"/getOrchestratorAICapabilities")
	r.json(t, &caps)
	found := false
	for _, o := range caps.Orchestrators {
		if o.Address != "0xdef1c70578b2b5e8589a42e26980687fc5153079" {
			continue
		}
		found = true
		got := map[string]map[string]int{}
		for _, p := range o.Pipelines {
			for _, m := range p.Models {
				got[p.Type+"/"+m.Name] = m.Status
			}
		}
		want := map[string]map[string]int{
			"Text to image/ByteDance/SDXL-Lightning": {"Cold": 0, "Warm": 1},
			"Llm/cold-llm":                           {"Cold": 1, "Warm": 0},
		}
		if len(got) != len(want) {
			t.Fatalf("pipelines %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k]["Cold"] != v["Cold"] || got[k]["Warm"] != v["Warm"] {
				t.Errorf("%s: %v, want %v", k, got[k], v)
			}
		}
	}
	if !found || len(caps.Orchestrators) != 3 {
		t.Fatalf("orchestrators %+v", caps.Orchestrators)
	}
}
