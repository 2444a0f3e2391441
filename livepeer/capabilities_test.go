package livepeer

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"jobtester/ethaddr"
)

func TestAICapabilitiesFromTheFork(t *testing.T) {
	t.Parallel()
	c := cliGateway(t, map[string]http.HandlerFunc{
		"GET /getOrchestratorAICapabilities": serveBody(200, golden(t, "getOrchestratorAICapabilities.json")),
		"GET /getNetworkCapabilities": func(w http.ResponseWriter, r *http.Request) {
			t.Error("asked upstream's endpoint although the fork's answered")
		},
	})
	got, err := c.AICapabilities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Capability{
		"0x847791cbf03be716a7fe9dc8c9affe17bd49ae5e": {
			{Pipeline: "Live video to video", Model: "streamdiffusion", Warm: true, Capacity: -1},
			{Pipeline: "Llm", Model: "meta-llama/Meta-Llama-3.1-8B-Instruct", Warm: true, Capacity: -1},
			{Pipeline: "Text to image", Model: "ByteDance/SDXL-Lightning", Warm: true, Capacity: -1},
			{Pipeline: "Text to image", Model: "stabilityai/sdxl-turbo", Warm: false, Capacity: -1},
		},
		"0xdef1c70578b2b5e8589a42e26980687fc5153079": {
			{Pipeline: "Audio to text", Model: "openai/whisper-large-v3", Warm: true, Capacity: -1},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestAICapabilitiesFallsBackToUpstream(t *testing.T) {
	t.Parallel()
	var forkAsked atomic.Bool
	c := cliGateway(t, map[string]http.HandlerFunc{
		"GET /getOrchestratorAICapabilities": func(w http.ResponseWriter, r *http.Request) {
			forkAsked.Store(true)
			http.NotFound(w, r)
		},
		"GET /getNetworkCapabilities": serveBody(200, golden(t, "getNetworkCapabilities.json")),
	})
	got, err := c.AICapabilities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !forkAsked.Load() {
		t.Error("did not try the fork's endpoint first")
	}
	want := map[string][]Capability{
		"0x847791cbf03be716a7fe9dc8c9affe17bd49ae5e": {
			{Pipeline: LivePipeline, Model: "streamdiffusion", Warm: true, Capacity: 1},
			{Pipeline: "Llm", Model: "meta-llama/Meta-Llama-3.1-8B-Instruct", Warm: true, Capacity: 1},
			{Pipeline: "Text to image", Model: "ByteDance/SDXL-Lightning", Warm: true, Capacity: 1},
			{Pipeline: "Text to image", Model: "stabilityai/sdxl-turbo", Warm: false, Capacity: 1},
		},
		"0xdef1c70578b2b5e8589a42e26980687fc5153079": {
			{Pipeline: "Audio to text", Model: "openai/whisper-large-v3", Warm: true, Capacity: 0},
			{Pipeline: "Text to speech", Model: "parler-tts/parler-tts-large-v1", Warm: false, Capacity: 0},
		},
		"0x3b28a7d785356dc67c7970666747e042305bfb79": {},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestNetworkCapabilitiesNamesWithoutTheNameTable(t *testing.T) {
	t.Parallel()
	body := `{"orchestrators":[{"address":"0x847791cBF03be716A7fe9Dc8c9Affe17Bd49Ae5e","capabilities":{"constraints":{"PerCapability":{
		"28":{"models":{"timbrooks/instruct-pix2pix":{"warm":true}}},
		"35":{"models":{"comfyui":{"capacity":2}}},
		"37":{"models":{"x":{}}}}}}}]}`
	got, err := decodeNetworkCapabilities([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []Capability{
		{Pipeline: "Image to image", Model: "timbrooks/instruct-pix2pix", Warm: true},
		{Pipeline: LivePipeline, Model: "comfyui", Capacity: 2},
	}
	if !reflect.DeepEqual(got["0x847791cbf03be716a7fe9dc8c9affe17bd49ae5e"], want) {
		t.Fatalf("got %+v", got)
	}
}

func TestCapabilitiesOfOneAddressListedTwiceAreMerged(t *testing.T) {
	t.Parallel()
	body := `{"orchestrators":[
		{"address":"0x847791cBF03be716A7fe9Dc8c9Affe17Bd49Ae5e","capabilities":{"constraints":{"PerCapability":{"35":{"models":{"streamdiffusion":{"capacity":1}}}}}}},
		{"address":"0x847791cbf03be716a7fe9dc8c9affe17bd49ae5e","capabilities":{"constraints":{"PerCapability":{"35":{"models":{"streamdiffusion":{"warm":true,"capacity":2}}},"33":{"models":{"m":{}}}}}}}]}`
	got, err := decodeNetworkCapabilities([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Capability{"0x847791cbf03be716a7fe9dc8c9affe17bd49ae5e": {
		{Pipeline: LivePipeline, Model: "streamdiffusion", Warm: true, Capacity: 3},
		{Pipeline: "Llm", Model: "m"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

func TestNetworkCapabilitiesStatus500(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		body    []byte
		wantErr error
		n       int
	}{
		{"message then empty JSON", golden(t, "getNetworkCapabilities-500-empty.txt"), ErrCapabilitiesUnavailable, 0},
		{"message then data", golden(t, "getNetworkCapabilities-500-data.txt"), nil, 1},
		{"message only", []byte("network capabilities not available\n"), ErrCapabilitiesUnavailable, 0},
		{"message then garbage", []byte("network capabilities not available\n{\"orchestrators\":[{"), ErrCapabilitiesUnavailable, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := cliGateway(t, map[string]http.HandlerFunc{"GET /getNetworkCapabilities": serveBody(500, tc.body)})
			got, err := c.AICapabilities(context.Background())
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if len(got) != tc.n {
				t.Fatalf("got %+v", got)
			}
			if tc.n == 1 && got["0x847791cbf03be716a7fe9dc8c9affe17bd49ae5e"][0].Pipeline != "Llm" {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestAICapabilitiesReportsGatewayErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]http.HandlerFunc{
		"fork 500 is not a reason to fall back": {
			"GET /getOrchestratorAICapabilities": serveBody(500, []byte("boom")),
			"GET /getNetworkCapabilities":        serveBody(200, []byte(`{"orchestrators":[]}`)),
		},
		"upstream 400 (not a gateway)": {"GET /getNetworkCapabilities": serveBody(400, []byte("not a gateway"))},
		"upstream 404":                 {},
		"fork garbage":                 {"GET /getOrchestratorAICapabilities": serveBody(200, []byte(`<html>`))},
		"upstream garbage":             {"GET /getNetworkCapabilities": serveBody(200, []byte(`{"orchestrators":`))},
	}
	for name, routes := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := cliGateway(t, routes)
			got, err := c.AICapabilities(context.Background())
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			if !strings.Contains(err.Error(), c.CLIURL) {
				t.Fatalf("error %q does not name the URL", err)
			}
		})
	}
}

func TestCapabilitiesDecodersRejectBrokenInput(t *testing.T) {
	t.Parallel()
	fork := string(golden(t, "getOrchestratorAICapabilities.json"))
	upstream := string(golden(t, "getNetworkCapabilities.json"))
	forkOne := func(pipelines string) string {
		return `{"orchestrators":[{"address":"0x847791cbf03be716a7fe9dc8c9affe17bd49ae5e","pipelines":` + pipelines + `}]}`
	}
	upOne := func(perCap string) string {
		return `{"orchestrators":[{"address":"0x847791cBF03be716A7fe9Dc8c9Affe17Bd49Ae5e","capabilities":{"constraints":{"PerCapability":` + perCap + `}}}]}`
	}
	cases := []struct {
		name     string
		decode   func([]byte) (map[string][]Capability, error)
		body     string
		contains string
	}{
		{"fork: bad JSON", decodeForkCapabilities, `{"orchestrators":[`, "decode"},
		{"fork: truncated", decodeForkCapabilities, fork[:len(fork)/2], "decode"},
		{"fork: null", decodeForkCapabilities, `null`, "orchestrators"},
		{"fork: not the document", decodeForkCapabilities, `{"error":"x"}`, "orchestrators"},
		{"fork: list is an object", decodeForkCapabilities, `{"orchestrators":{}}`, "decode"},
		{"fork: bad address", decodeForkCapabilities, `{"orchestrators":[{"address":"0x847791"}]}`, `invalid address "0x847791"`},
		{"fork: warm as string", decodeForkCapabilities, forkOne(`[{"type":"Llm","models":[{"name":"m","status":{"Warm":"1"}}]}]`), "decode"},
		{"fork: count beyond 2^256", decodeForkCapabilities, forkOne(`[{"type":"Llm","models":[{"name":"m","status":{"Warm":115792089237316195423570985008687907853269984665640564039457584007913129639937}}]}]`), "decode"},
		{"fork: negative count", decodeForkCapabilities, forkOne(`[{"type":"Llm","models":[{"name":"m","status":{"Cold":-1}}]}]`), "negative"},
		{"fork: no pipeline type", decodeForkCapabilities, forkOne(`[{"type":" ","models":[]}]`), "no type"},
		{"fork: no model name", decodeForkCapabilities, forkOne(`[{"type":"Llm","models":[{"name":""}]}]`), "no name"},
		{"upstream: bad JSON", decodeNetworkCapabilities, `{"orchestrators":[{]}`, "decode"},
		{"upstream: truncated", decodeNetworkCapabilities, upstream[:len(upstream)*2/3], "decode"},
		{"upstream: empty", decodeNetworkCapabilities, ``, "decode"},
		{"upstream: no list", decodeNetworkCapabilities, `{"capabilities_names":{}}`, "orchestrators"},
		{"upstream: checksummed but short", decodeNetworkCapabilities, `{"orchestrators":[{"address":"0xAbC"}]}`, "invalid address"},
		{"upstream: capability not a number", decodeNetworkCapabilities, upOne(`{"text-to-image":{"models":{"m":{}}}}`), "not a capability number"},
		{"upstream: negative capability", decodeNetworkCapabilities, upOne(`{"-1":{"models":{"m":{}}}}`), "not a capability number"},
		{"upstream: capability beyond int", decodeNetworkCapabilities, upOne(`{"99999999999999999999999":{"models":{"m":{}}}}`), "not a capability number"},
		{"upstream: warm as string", decodeNetworkCapabilities, upOne(`{"27":{"models":{"m":{"warm":"true"}}}}`), "decode"},
		{"upstream: negative capacity", decodeNetworkCapabilities, upOne(`{"27":{"models":{"m":{"capacity":-1}}}}`), "decode"},
		{"upstream: capacity beyond uint32", decodeNetworkCapabilities, upOne(`{"27":{"models":{"m":{"capacity":4294967296}}}}`), "decode"},
		{"upstream: capacity beyond 2^256", decodeNetworkCapabilities, upOne(`{"27":{"models":{"m":{"capacity":1157920892373161954235709850086879078532699846656405640394575840079131296399360}}}}`), "decode"},
		{"upstream: models as list", decodeNetworkCapabilities, upOne(`{"27":{"models":["m"]}}`), "decode"},
		{"upstream: empty model name", decodeNetworkCapabilities, upOne(`{"27":{"models":{"":{}}}}`), "no name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.decode([]byte(tc.body))
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Fatalf("error %q does not mention %q", err, tc.contains)
			}
		})
	}
}

func TestCapabilitiesDecodersAcceptEmptyNetworks(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"orchestrators":null}`, `{"orchestrators":[]}`} {
		for name, decode := range map[string]func([]byte) (map[string][]Capability, error){
			"fork": decodeForkCapabilities, "upstream": decodeNetworkCapabilities,
		} {
			got, err := decode([]byte(body))
			if err != nil || len(got) != 0 {
				t.Errorf("%s %s: %v %v", name, body, got, err)
			}
		}
	}
}

// checkCapabilities holds for anything a capabilities decoder returns.
func checkCapabilities(t *testing.T, caps map[string][]Capability) {
	for addr, list := range caps {
		if a, ok := ethaddr.Normalize(addr); !ok || a != addr || addr == zeroAddress {
			t.Fatalf("key %q is not a normalised address", addr)
		}
		if list == nil {
			t.Fatalf("%s: nil list", addr)
		}
		for _, c := range list {
			if c.Pipeline == "" || c.Model == "" || c.Capacity < -1 {
				t.Fatalf("%s: bad capability %+v", addr, c)
			}
		}
		if !sort.SliceIsSorted(list, func(i, j int) bool {
			return list[i].Pipeline < list[j].Pipeline || list[i].Pipeline == list[j].Pipeline && list[i].Model < list[j].Model
		}) {
			t.Fatalf("%s: not sorted: %+v", addr, list)
		}
	}
}

func FuzzDecodeForkCapabilities(f *testing.F) {
	f.Add(golden(f, "getOrchestratorAICapabilities.json"))
	f.Add([]byte(`{"orchestrators":[{"address":"0x847791CBF03BE716A7FE9DC8C9AFFE17BD49AE5E","pipelines":[{"type":"Llm","models":[{"name":"m","status":{"Cold":1,"Warm":-1}}]}]}]}`))
	f.Add([]byte(`{"orchestrators":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		caps, err := decodeForkCapabilities(body)
		if err == nil {
			checkCapabilities(t, caps)
		}
	})
}

func FuzzDecodeNetworkCapabilities(f *testing.F) {
	f.Add(golden(f, "getNetworkCapabilities.json"))
	f.Add(golden(f, "getNetworkCapabilities-500-data.txt")[len("network capabilities not available\n"):])
	f.Add([]byte(`{"orchestrators":[{"address":"","capabilities":{"constraints":{"PerCapability":{"35":{"models":{"x":{"capacity":4294967295}}}}}}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		caps, err := decodeNetworkCapabilities(body)
		if err == nil {
			checkCapabilities(t, caps)
		}
	})
}
