package simnet

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/media"
	"jobtester/testutil"
)

func TestSameSeedSameOutcomes(t *testing.T) {
	t.Parallel()
	chancy := quick("text-to-image", "m")
	chancy.FailureRate, chancy.NoCapacityRate, chancy.WrongSizeRate = 0.4, 0.2, 0.3
	chancy.Latency = Latency{Median: Duration(2 * time.Millisecond), Spread: 1}
	// A retry timeout that loopback delays under load cannot reach, so
	// that no outcome depends on timing. The network runs unscaled: the
	// time scale applies to the retry timeout too, and an hour at the
	// tests' scale is 3.6 s, which a loaded machine under the race detector
	// did reach, the gateway then giving up on a retry it made on a calmer
	// run.
	sc := Scenario{
		Gateways:      []GatewaySpec{{Name: "gw", RetryTimeout: Duration(maxLatency)}},
		Orchestrators: []OrchestratorSpec{{Name: "a", Models: []ModelSpec{chancy}}, {Name: "b", Models: []ModelSpec{chancy}}},
	}
	run := func(seed int64) (outcomes []string) {
		n := startNetWith(t, sc, Options{Seed: seed, TimeScale: 1})
		defer n.Close()
		for range 20 {
			textToImage(t, n)
		}
		for _, r := range n.Requests() {
			outcomes = append(outcomes, r.OrchestratorName+":"+r.Outcome)
		}
		return outcomes
	}
	a, b, c := run(3), run(3), run(4)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different outcomes:\n%v\n%v", a, b)
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave the same 20+ outcomes")
	}
	kinds := map[string]bool{}
	for _, o := range a {
		kinds[o[strings.Index(o, ":")+1:]] = true
	}
	for _, k := range []string{OutcomeOK, OutcomeError, OutcomeNoCapacity, OutcomeWrongSize} {
		if !kinds[k] {
			t.Errorf("no %s among %v", k, a)
		}
	}
}

func TestColdModelPaysStartupOnce(t *testing.T) {
	t.Parallel()
	cold := quick("text-to-image", "m")
	cold.Cold, cold.ColdStart = true, Duration(1000*time.Second) // 1 s here
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw"}, cold))
	var rtt []time.Duration
	for range 2 {
		start := time.Now()
		if r := textToImage(t, n); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		rtt = append(rtt, time.Since(start))
	}
	reqs := n.Requests()
	if !reqs[0].Cold || reqs[1].Cold {
		t.Fatalf("cold flags %v %v, want the first only", reqs[0].Cold, reqs[1].Cold)
	}
	if rtt[0] < time.Second || rtt[1] >= time.Second {
		t.Fatalf("round trips %v, want the first over the 1 s cold start and the second under", rtt)
	}
	m := orchByName(t, n, "only").Models[0]
	if m.Warm || m.ColdStartMS != 1000 {
		t.Errorf("truth %+v: the initial state, cold with a 1 s start", m)
	}
}

func TestWrongSizeOutput(t *testing.T) {
	t.Parallel()
	wrong := quick("text-to-image", "m")
	wrong.WrongSizeRate = 1
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw"}, wrong))
	r := postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", map[string]any{"prompt": "p", "model_id": "m", "width": 128, "height": 96})
	var body mediaURLs
	r.json(t, &body)
	w, h, _, err := media.ImageInfo(fetchMedia(t, n, body.Images[0].URL))
	if err != nil || w != 64 || h != 48 {
		t.Fatalf("image %d×%d %v, want 64×48 (half of what was asked)", w, h, err)
	}
	if rec := n.Requests()[0]; rec.Outcome != OutcomeWrongSize || rec.Width != 64 || rec.Height != 48 {
		t.Fatalf("log %+v", rec)
	}
}

func TestLatencyFollowsTheMedian(t *testing.T) {
	t.Parallel()
	fixed := quick("text-to-image", "m")
	fixed.Latency = Latency{Median: Duration(200 * time.Second)} // 200 ms here, no spread
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw"}, fixed))
	start := time.Now()
	textToImage(t, n)
	if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
		t.Fatalf("round trip %v, want just over 200 ms", d)
	}
	rec := n.Requests()[0]
	if d := rec.End.Sub(rec.Start); d < 200*time.Millisecond {
		t.Fatalf("logged %v", d)
	}
}

func TestHandlerServesTruthAndRequests(t *testing.T) {
	t.Parallel()
	n := startNet(t, DefaultScenario())
	srv := newTestServer(t, n)
	var truth map[string]any
	get(t, srv+"/truth").json(t, &truth)
	orchs := truth["orchestrators"].([]any)
	if len(orchs) != 30 || truth["time_scale"] != testScale {
		t.Fatalf("truth has %d orchestrators, time_scale %v", len(orchs), truth["time_scale"])
	}
	first := orchs[0].(map[string]any)
	for _, k := range []string{"address", "service_uri", "ai_service_uri", "active", "models"} {
		if _, ok := first[k]; !ok {
			t.Errorf("truth orchestrator has no %q: %v", k, first)
		}
	}
	m := first["models"].([]any)[0].(map[string]any)
	for _, k := range []string{"pipeline", "model", "advertised", "broken", "latency_median_ms", "latency_spread", "failure_rate", "no_capacity_rate", "wrong_size_rate"} {
		if _, ok := m[k]; !ok {
			t.Errorf("truth model has no %q: %v", k, m)
		}
	}
	// Inactive and no-AI-registry orchestrators are told apart.
	var inactive, noAI int
	for _, o := range n.Truth().Orchestrators {
		if !o.Active {
			inactive++
		}
		if o.AIServiceURI == "" {
			noAI++
		}
	}
	if inactive != 1 || noAI != 1 {
		t.Errorf("%d inactive, %d without an AI URI; want 1 and 1", inactive, noAI)
	}

	var reqs []Request
	get(t, srv+"/requests").json(t, &reqs)
	if len(reqs) != 0 {
		t.Fatalf("requests before any job: %v", reqs)
	}
	body := map[string]any{"prompt": "p", "model_id": "ByteDance/SDXL-Lightning", "width": 8, "height": 8}
	postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", body)
	postJSON(t, n.Gateways()[1].HTTPURL+"/text-to-image", body)
	get(t, srv+"/requests").json(t, &reqs)
	if len(reqs) < 2 {
		t.Fatalf("requests %v", reqs)
	}
	var later []Request
	get(t, srv+"/requests?since=1").json(t, &later)
	if len(later) != len(reqs)-1 || later[0].Seq != 2 {
		t.Fatalf("since=1 gave %v", later)
	}
	if r := get(t, srv+"/requests?since=x"); r.status != 400 {
		t.Errorf("since=x: %d", r.status)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestMainServesUntilCancelled(t *testing.T) {
	t.Parallel()
	sc := Scenario{Gateways: []GatewaySpec{{Name: "east"}, {Name: "west"}}, Orchestrators: []OrchestratorSpec{{Name: "o", Models: []ModelSpec{quick("llm", "m")}}}}
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sc.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Main(ctx, []string{"--scenario", path, "--seed", "9", "--time-scale", "0.01", "--webhook", "http://127.0.0.1:1/hook/{gateway}", "--log-level", "warn"}, &out)
	}()
	var truthURL string
	testutil.Eventually(t, "Main to print the truth URL", func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if rest, ok := strings.CutPrefix(line, "truth: "); ok {
				truthURL = strings.Fields(rest)[0]
				return true
			}
		}
		return false
	})
	if !strings.Contains(out.String(), "gateway east: cli http://127.0.0.1:") || !strings.Contains(out.String(), "gateway west:") {
		t.Errorf("output:\n%s", out.String())
	}
	var truth Truth
	get(t, truthURL).json(t, &truth)
	if truth.Seed != 9 || truth.Gateways[1].Webhook != "http://127.0.0.1:1/hook/west" {
		t.Errorf("truth %+v", truth.Gateways)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Main: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Main did not return after cancel")
	}
	if err := Main(t.Context(), []string{"--scenario", filepath.Join(t.TempDir(), "missing.yaml")}, io.Discard); err == nil {
		t.Error("Main with a missing scenario file succeeded")
	}
	if err := Main(t.Context(), []string{"--bogus"}, io.Discard); err == nil {
		t.Error("Main with an unknown flag succeeded")
	}
}
