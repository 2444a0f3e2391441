package livepeer

import (
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

func TestChainDiscoveryChecksTheConfig(t *testing.T) {
	t.Parallel()
	const addr = "0x00000000000000000000000000000000000000Aa"
	tests := []struct {
		name    string
		cfg     ChainConfig
		wantErr string // "" = valid
		wantAI  string // expected AI registry when valid, "" = none
	}{
		{name: "Arbitrum One Controller brings its AI registry",
			cfg: ChainConfig{Controller: strings.ToLower(ChainArbitrumOneController)}, wantAI: ChainArbitrumOneAIServiceRegistry},
		{name: "another Controller has no AI registry by default",
			cfg: ChainConfig{Controller: addr}},
		{name: "explicit AI registry",
			cfg: ChainConfig{Controller: addr, AIServiceRegistry: "0x00000000000000000000000000000000000000bb"}, wantAI: "0x00000000000000000000000000000000000000bB"},
		{name: "all four overrides need no Controller",
			cfg: ChainConfig{BondingManager: addr, ServiceRegistry: addr, RoundsManager: addr, TicketBroker: addr}},
		{name: "no Controller", cfg: ChainConfig{BondingManager: addr, ServiceRegistry: addr},
			wantErr: "Controller is required unless"},
		{name: "no Controller nor TicketBroker", cfg: ChainConfig{BondingManager: addr, ServiceRegistry: addr, RoundsManager: addr},
			wantErr: "(TicketBroker is not)"},
		{name: "negative log retries", cfg: ChainConfig{Controller: addr, LogRetries: -1},
			wantErr: "LogRetries"},
		{name: "malformed Controller", cfg: ChainConfig{Controller: "0x1234"},
			wantErr: "Controller: \"0x1234\" is not an address"},
		{name: "no 0x prefix", cfg: ChainConfig{Controller: addr[2:] + "00"},
			wantErr: "Controller:"},
		{name: "zero address", cfg: ChainConfig{Controller: addr, BondingManager: "0x0000000000000000000000000000000000000000"},
			wantErr: "BondingManager: \"0x0000000000000000000000000000000000000000\" is the zero address"},
		{name: "malformed AI registry", cfg: ChainConfig{Controller: addr, AIServiceRegistry: "nope"},
			wantErr: "AIServiceRegistry:"},
		{name: "negative timeout", cfg: ChainConfig{Controller: addr, CallTimeout: -time.Second},
			wantErr: "CallTimeout"},
		{name: "negative concurrency", cfg: ChainConfig{Controller: addr, Concurrency: -1},
			wantErr: "Concurrency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := chainDiscoveryOver(&chainHangingCaller{}, tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var wantAI common.Address
			if tt.wantAI != "" {
				wantAI = common.HexToAddress(tt.wantAI)
			}
			if d.given.AIServiceRegistry != wantAI {
				t.Errorf("AI registry %s, want %s", d.given.AIServiceRegistry, wantAI)
			}
			if d.callTimeout != chainDefaultCallTimeout || d.concurrency != chainDefaultConcurrency {
				t.Errorf("defaults: %v, %d", d.callTimeout, d.concurrency)
			}
		})
	}
	if _, err := DialChain(t.Context(), ChainConfig{Controller: addr}); err == nil || !strings.Contains(err.Error(), "RPCURL") {
		t.Errorf("DialChain without RPCURL: %v", err)
	}
}

func TestChainInRoundWindow(t *testing.T) {
	t.Parallel()
	b := big.NewInt
	tests := []struct {
		activation, deactivation, round *big.Int
		want                            bool
	}{
		{b(10), chainMaxUint256, b(10), true},
		{b(10), chainMaxUint256, b(9), false}, // not yet active
		{b(10), b(12), b(11), true},
		{b(10), b(12), b(12), false}, // deactivated this round
		{b(10), b(12), b(13), false},
		{nil, b(12), b(11), false},
	}
	for _, tt := range tests {
		if got := chainInRoundWindow(tt.activation, tt.deactivation, tt.round); got != tt.want {
			t.Errorf("window [%v, %v) at %v = %v, want %v", tt.activation, tt.deactivation, tt.round, got, tt.want)
		}
	}
}

func TestChainMerge(t *testing.T) {
	t.Parallel()
	const (
		a = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		b = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		c = "0xcccccccccccccccccccccccccccccccccccccccc"
	)
	price := big.NewRat(1841, 20)
	gateway := []Orchestrator{
		{Address: "0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ServiceURI: "https://ai.a.example", Active: true, Registered: true,
			DelegatedStake: big.NewInt(1), PricePerPixel: price, Sources: []string{"gateway"}},
		{Address: c, ServiceURI: "https://c.example", Active: true, PricePerPixel: big.NewRat(0, 1), Sources: []string{"gateway"}},
	}
	chain := []Orchestrator{
		{Address: b, ServiceURI: "https://b.example", Active: true, Registered: true, DelegatedStake: big.NewInt(50),
			ActivationRound: big.NewInt(1), DeactivationRound: chainMaxUint256, Sources: []string{"chain"}},
		{Address: a, ServiceURI: "https://a.example", AIServiceURI: "", Active: false, Registered: true, DelegatedStake: big.NewInt(40),
			ActivationRound: big.NewInt(2), DeactivationRound: big.NewInt(3), Sources: []string{"chain"}},
	}
	got := ChainMerge(gateway, chain)
	want := []Orchestrator{
		chain[0],
		// The chain's URIs, stake and status; the gateway's price.
		{Address: a, ServiceURI: "https://a.example", AIServiceURI: "", Active: false, Registered: true, DelegatedStake: big.NewInt(40),
			ActivationRound: big.NewInt(2), DeactivationRound: big.NewInt(3), PricePerPixel: price, Sources: []string{"chain", "gateway"}},
		gateway[1],
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merge:\n got %+v\nwant %+v", got, want)
	}
	// The inputs are untouched.
	if gateway[0].Address != "0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" || len(chain[1].Sources) != 1 || chain[1].PricePerPixel != nil {
		t.Error("ChainMerge modified its inputs")
	}
	if got := ChainMerge(nil, nil); len(got) != 0 {
		t.Errorf("merge of nothing: %v", got)
	}
}
