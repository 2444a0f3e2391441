package livepeer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jobtester/ethaddr"
)

func golden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "gateway", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cliGateway serves the given CLI routes on loopback and returns a client
// for it; any other path is 404, as on a gateway without that route.
func cliGateway(t *testing.T, routes map[string]http.HandlerFunc) *GatewayClient {
	t.Helper()
	mux := http.NewServeMux()
	for path, h := range routes {
		mux.HandleFunc(path, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &GatewayClient{CLIURL: srv.URL}
}

func serveBody(status int, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// hang reads the request and then blocks until the client goes away (the
// server notices only once the request body has been read).
func hang(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

func TestRegisteredOrchestratorsDecodesTheGatewayEncoding(t *testing.T) {
	t.Parallel()
	c := cliGateway(t, map[string]http.HandlerFunc{
		"GET /registeredOrchestrators": serveBody(200, golden(t, "registeredOrchestrators.json")),
	})
	got, err := c.RegisteredOrchestrators(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d orchestrators, want 3", len(got))
	}
	stake, _ := new(big.Int).SetString("97524394215341228748737", 10)
	want := []struct {
		addr, uri          string
		active, registered bool
		stake              *big.Int
		activation         int64
		deactivation       *big.Int
		price              *big.Rat
	}{
		{"0xdef1c70578b2b5e8589a42e26980687fc5153079", "https://compute.speedybird.xyz:443", true, true, stake, 3287, maxUint256, new(big.Rat)},
		{"0x847791cbf03be716a7fe9dc8c9affe17bd49ae5e", "https://ai.example.org:8935", true, true, new(big.Int).Mul(big.NewInt(1500), big.NewInt(1e18)), 2901, maxUint256, big.NewRat(1841, 20)},
		{"0x3b28a7d785356dc67c7970666747e042305bfb79", "https://leaving.example.net:8935", false, false, new(big.Int), 100, big.NewInt(3950), big.NewRat(1200, 1)},
	}
	for i, w := range want {
		o := got[i]
		if o.Address != w.addr || o.ServiceURI != w.uri || o.Active != w.active || o.Registered != w.registered {
			t.Errorf("%d: got %+v", i, o)
		}
		if o.DelegatedStake.Cmp(w.stake) != 0 || o.ActivationRound.Cmp(big.NewInt(w.activation)) != 0 || o.DeactivationRound.Cmp(w.deactivation) != 0 {
			t.Errorf("%d: stake %v activation %v deactivation %v", i, o.DelegatedStake, o.ActivationRound, o.DeactivationRound)
		}
		if o.PricePerPixel == nil || o.PricePerPixel.Cmp(w.price) != 0 {
			t.Errorf("%d: price %v, want %v", i, o.PricePerPixel, w.price)
		}
		if len(o.Sources) != 1 || o.Sources[0] != "gateway" {
			t.Errorf("%d: sources %v", i, o.Sources)
		}
	}
	if got[0].DeactivationRound.BitLen() != 256 {
		t.Errorf("DeactivationRound lost bits: %v", got[0].DeactivationRound)
	}
}

func TestRegisteredOrchestratorsAcceptsSparseRecords(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body string
		n    int
		want func(t *testing.T, list []Orchestrator)
	}{
		"null is an empty pool": {`null`, 0, nil},
		"empty pool":            {` [] `, 0, nil},
		"checksummed address": {`[{"Address":"0xDef1C70578B2B5e8589a42e26980687fc5153079"}]`, 1, func(t *testing.T, list []Orchestrator) {
			eq(t, list[0].Address, "0xdef1c70578b2b5e8589a42e26980687fc5153079")
		}},
		"missing numbers are nil": {`[{"Address":"0xdef1c70578b2b5e8589a42e26980687fc5153079","DelegatedStake":null}]`, 1, func(t *testing.T, list []Orchestrator) {
			if list[0].DelegatedStake != nil || list[0].DeactivationRound != nil || list[0].PricePerPixel != nil || list[0].Registered {
				t.Errorf("got %+v", list[0])
			}
		}},
		"empty price is unknown": {`[{"Address":"0xdef1c70578b2b5e8589a42e26980687fc5153079","PricePerPixel":""}]`, 1, func(t *testing.T, list []Orchestrator) {
			if list[0].PricePerPixel != nil {
				t.Errorf("price %v", list[0].PricePerPixel)
			}
		}},
		"2^256-1 fits":           {`[{"Address":"0xdef1c70578b2b5e8589a42e26980687fc5153079","DelegatedStake":115792089237316195423570985008687907853269984665640564039457584007913129639935}]`, 1, nil},
		"unknown fields ignored": {`[{"Address":"0xdef1c70578b2b5e8589a42e26980687fc5153079","RewardCut":"whatever","Extra":[1]}]`, 1, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			list, err := decodeRegisteredOrchestrators([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != tc.n {
				t.Fatalf("got %d orchestrators", len(list))
			}
			if tc.want != nil {
				tc.want(t, list)
			}
		})
	}
}

func eq[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRegisteredOrchestratorsRejectsBrokenInput(t *testing.T) {
	t.Parallel()
	good := string(golden(t, "registeredOrchestrators.json"))
	const addr = `"Address":"0xdef1c70578b2b5e8589a42e26980687fc5153079"`
	one := func(fields string) string { return `[{` + addr + `,` + fields + `}]` }
	cases := []struct {
		name, body, wantErr string
	}{
		{"bad JSON", `[{"Address":`, "decode"},
		{"truncated", good[:len(good)/2], "decode"},
		{"empty body", ``, "decode"},
		{"object not array", `{"Address":"0xdef1c70578b2b5e8589a42e26980687fc5153079"}`, "decode"},
		{"trailing garbage", good + `]`, "decode"},
		{"address is a number", `[{"Address":1}]`, "decode"},
		{"active is a string", one(`"Active":"yes"`), "decode"},
		{"stake quoted", one(`"DelegatedStake":"97524394215341228748737"`), "DelegatedStake"},
		{"2^256", one(`"DeactivationRound":115792089237316195423570985008687907853269984665640564039457584007913129639936`), "beyond uint256"},
		{"thousands of digits", one(`"DelegatedStake":` + strings.Repeat("9", 5000)), "beyond uint256"},
		{"negative", one(`"ActivationRound":-1`), "non-negative"},
		{"fraction", one(`"ActivationRound":1.5`), "non-negative"},
		{"exponent", one(`"ActivationRound":1e3`), "non-negative"},
		{"bool for integer", one(`"ActivationRound":true`), "non-negative"},
		{"short address", `[{"Address":"0xdef1"}]`, `invalid address "0xdef1"`},
		{"non-hex address", `[{"Address":"0xzzz1c70578b2b5e8589a42e26980687fc5153079"}]`, "invalid address"},
		{"empty address", `[{"Address":""}]`, "invalid address"},
		{"duplicate address", `[{` + addr + `},{"Address":"0xDEF1C70578B2B5E8589A42E26980687FC5153079"}]`, "listed twice"},
		{"price decimal", one(`"PricePerPixel":"1.5"`), "PricePerPixel"},
		{"price exponent", one(`"PricePerPixel":"1e999999999"`), "PricePerPixel"},
		{"price negative", one(`"PricePerPixel":"-3"`), "PricePerPixel"},
		{"price zero denominator", one(`"PricePerPixel":"1/0"`), "zero denominator"},
		{"price text", one(`"PricePerPixel":"free"`), "PricePerPixel"},
		{"price two slashes", one(`"PricePerPixel":"1/2/3"`), "PricePerPixel"},
		{"price as number", one(`"PricePerPixel":5`), "decode"},
		{"price huge", one(`"PricePerPixel":"1/` + strings.Repeat("7", 100) + `"`), "beyond uint256"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			list, err := decodeRegisteredOrchestrators([]byte(tc.body))
			if err == nil {
				t.Fatalf("accepted: %+v", list)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestRegisteredOrchestratorsReportsGatewayErrors(t *testing.T) {
	t.Parallel()
	c := cliGateway(t, map[string]http.HandlerFunc{
		"GET /registeredOrchestrators": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "missing ETH client", http.StatusInternalServerError)
		},
	})
	_, err := c.RegisteredOrchestrators(context.Background())
	if !errors.Is(err, ErrOffchain) || !strings.Contains(err.Error(), "missing ETH client") || !strings.Contains(err.Error(), c.CLIURL+"/registeredOrchestrators") {
		t.Fatalf("err = %v", err)
	}
	other := cliGateway(t, map[string]http.HandlerFunc{
		"GET /registeredOrchestrators": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		},
	})
	if _, err := other.RegisteredOrchestrators(context.Background()); err == nil || errors.Is(err, ErrOffchain) || !strings.Contains(err.Error(), "status 500: boom") {
		t.Fatalf("another 500: err = %v", err)
	}

	_, err = (&GatewayClient{}).RegisteredOrchestrators(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Fatalf("no CLI URL: err = %v", err)
	}
	_, err = (&GatewayClient{CLIURL: "localhost:5935"}).RegisteredOrchestrators(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Fatalf("URL without scheme: err = %v", err)
	}
}

func TestRegisteredOrchestratorsGivesUpOnAHangingGateway(t *testing.T) {
	t.Parallel()
	c := cliGateway(t, map[string]http.HandlerFunc{"GET /registeredOrchestrators": hang})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.RegisteredOrchestrators(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("took %v", time.Since(start))
	}
}

func TestRegisteredOrchestratorsCapsTheBody(t *testing.T) {
	t.Parallel()
	body := append(golden(t, "registeredOrchestrators.json"), bytes.Repeat([]byte(" "), 64<<10)...)
	c := cliGateway(t, map[string]http.HandlerFunc{"GET /registeredOrchestrators": serveBody(200, body)})
	c.maxCLI = 64 << 10
	_, err := c.RegisteredOrchestrators(context.Background())
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func FuzzDecodeRegisteredOrchestrators(f *testing.F) {
	f.Add(golden(f, "registeredOrchestrators.json"))
	f.Add([]byte(`null`))
	f.Add([]byte(`[{"Address":"0xdef1c70578b2b5e8589a42e26980687fc5153079","DelegatedStake":-1,"PricePerPixel":"1/0"}]`))
	f.Add([]byte(`[{"Address":"0xDEF1C70578B2B5E8589A42E26980687FC5153079","DeactivationRound":1e999,"PricePerPixel":"3/4"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := decodeRegisteredOrchestrators(body)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, o := range list {
			if a, ok := ethaddr.Normalize(o.Address); !ok || a != o.Address || seen[a] {
				t.Fatalf("address %q not normalised or repeated", o.Address)
			}
			seen[o.Address] = true
			for _, n := range []*big.Int{o.DelegatedStake, o.ActivationRound, o.DeactivationRound} {
				if n != nil && (n.Sign() < 0 || n.Cmp(maxUint256) > 0) {
					t.Fatalf("integer %v out of uint256", n)
				}
			}
			if o.PricePerPixel != nil && o.PricePerPixel.Sign() < 0 {
				t.Fatalf("negative price %v", o.PricePerPixel)
			}
		}
	})
}
