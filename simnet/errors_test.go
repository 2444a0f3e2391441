package simnet

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/media"
)

// apiErrorOf decodes the gateway's {"error":{"message":…}} body.
func apiErrorOf(t *testing.T, r reply) string {
	t.Helper()
	var e apiError
	r.json(t, &e)
	if e.Error.Message == "" {
		t.Fatalf("no error message in %s", r.body)
	}
	return e.Error.Message
}

func TestBadRequestsAre400WithMessage(t *testing.T) {
	t.Parallel()
	n := startNet(t, allPipelines())
	base := n.Gateways()[0].HTTPURL
	img := media.TestImage(32, 32)
	wide := media.TestImage(2100, 8) // upscaled it is 8400 wide: the orchestrator refuses
	msgs := []map[string]string{{"role": "user", "content": "hi"}}
	llm := func(drop string, override map[string]any) reply {
		body := map[string]any{"model": "meta-llama/llama-3.1-8B-Instruct", "messages": msgs, "stream": false, "max_tokens": 10}
		delete(body, drop)
		for k, v := range override {
			body[k] = v
		}
		return postJSON(t, base+"/llm", body)
	}
	cases := []struct {
		name string
		send func() reply
		want string // substring of the message
	}{
		{"bad JSON", func() reply { return postRaw(t, base+"/text-to-image", "application/json", []byte(`{"prompt":`)) }, "JSON"},
		{"missing prompt", func() reply { return postJSON(t, base+"/text-to-image", map[string]any{"width": 64}) }, "prompt"},
		{"empty prompt", func() reply { return postJSON(t, base+"/text-to-image", map[string]any{"prompt": ""}) }, "prompt"},
		{"width wrong type", func() reply { return postJSON(t, base+"/text-to-image", map[string]any{"prompt": "p", "width": "big"}) }, "width"},
		{"width zero", func() reply { return postJSON(t, base+"/text-to-image", map[string]any{"prompt": "p", "width": 0}) }, "width"},
		{"height huge", func() reply {
			return postJSON(t, base+"/text-to-image", map[string]any{"prompt": "p", "height": 100000})
		}, "height"},
		{"no images", func() reply {
			return postJSON(t, base+"/text-to-image", map[string]any{"prompt": "p", "num_images_per_prompt": 0})
		}, "num_images_per_prompt"},
		{"JSON to a multipart route", func() reply { return postJSON(t, base+"/image-to-image", map[string]any{"prompt": "p"}) }, "multipart"},
		{"missing image", func() reply { return postForm(t, base+"/image-to-image", map[string]string{"prompt": "p"}, nil) }, "image"},
		{"garbage image", func() reply {
			return postForm(t, base+"/image-to-image", map[string]string{"prompt": "p"}, map[string][]byte{"image": []byte("not an image")})
		}, "image"},
		{"image-to-image without prompt", func() reply { return postForm(t, base+"/image-to-image", nil, map[string][]byte{"image": img}) }, "prompt"},
		{"upscale without prompt", func() reply { return postForm(t, base+"/upscale", nil, map[string][]byte{"image": img}) }, "prompt"},
		{"upscale output too large (orchestrator's 400)", func() reply {
			return postForm(t, base+"/upscale", map[string]string{"prompt": "p"}, map[string][]byte{"image": wide})
		}, "out of range"},
		{"video width not a number", func() reply {
			return postForm(t, base+"/image-to-video", map[string]string{"width": "abc"}, map[string][]byte{"image": img})
		}, "width"},
		{"zero-length audio", func() reply {
			return postForm(t, base+"/audio-to-text", nil, map[string][]byte{"audio": media.TestAudio(0, 16000)})
		}, "audio duration calculation failed"},
		{"garbage audio", func() reply {
			return postForm(t, base+"/audio-to-text", nil, map[string][]byte{"audio": []byte("RIFF....WAVEjunk")})
		}, "audio duration calculation failed"},
		{"missing audio", func() reply { return postForm(t, base+"/audio-to-text", nil, nil) }, "audio"},
		{"llm without model", func() reply { return llm("model", nil) }, "missing required fields"},
		{"llm without messages", func() reply { return llm("messages", nil) }, "missing required fields"},
		{"llm with no messages", func() reply { return llm("", map[string]any{"messages": []any{}}) }, "missing required fields"},
		{"llm without stream", func() reply { return llm("stream", nil) }, "missing required fields"},
		{"llm without max_tokens", func() reply { return llm("max_tokens", nil) }, "missing required fields"},
		{"llm model_id instead of model", func() reply {
			return llm("model", map[string]any{"model_id": "meta-llama/llama-3.1-8B-Instruct"})
		}, "missing required fields"},
		{"text-to-speech without text (orchestrator's 400)", func() reply {
			return postJSON(t, base+"/text-to-speech", map[string]any{"description": "calm"})
		}, "text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := c.send()
			if r.err != nil || r.status != http.StatusBadRequest {
				t.Fatalf("status %d, %v: %s", r.status, r.err, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if msg := apiErrorOf(t, r); !strings.Contains(msg, c.want) {
				t.Errorf("message %q does not mention %q", msg, c.want)
			}
		})
	}
	if r := get(t, base+"/text-to-image"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET a batch route: %d", r.status)
	}
}

func singleOrch(gw GatewaySpec, models ...ModelSpec) Scenario {
	return Scenario{Gateways: []GatewaySpec{gw}, Orchestrators: []OrchestratorSpec{{Name: "only", Models: models}}}
}

// unavailable is how go-livepeer v0.9.1 ends a request whose tries all
// failed: 503 once the retry timeout passed, or no reply at all when the
// tries ran out first (the nil dereference after the loop).
func unavailable(r reply) bool {
	return emptyReply(r) || (r.status == http.StatusServiceUnavailable && r.err == nil && strings.Contains(string(r.body), "Service Unavailable Error"))
}

func TestFailedTriesAreRetriedOnTheSameOrchestrator(t *testing.T) {
	t.Parallel()
	broken := quick("text-to-image", "m")
	broken.Broken = true
	failing := quick("llm", "l")
	failing.FailureRate = 1
	// A retry timeout no loaded machine reaches (a year, 8.8 h at the
	// test scale): the 20 tries end every request, with no reply.
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw", RetryTimeout: Duration(365 * 24 * time.Hour)}, broken, failing))
	base := n.Gateways()[0].HTTPURL
	for _, r := range []reply{
		postJSON(t, base+"/text-to-image", map[string]any{"prompt": "p", "model_id": "m"}),
		postJSON(t, base+"/llm", map[string]any{"model": "l", "messages": []map[string]string{{"role": "user", "content": "x"}}, "stream": false, "max_tokens": 5}),
	} {
		if !emptyReply(r) {
			t.Fatalf("status %d, err %v: %s; want no reply once the tries ran out", r.status, r.err, r.body)
		}
	}
	tries := map[string]int{}
	for _, rec := range n.Requests() {
		if rec.Outcome != OutcomeError || rec.Error == "" {
			t.Errorf("log entry %+v: want outcome error with the real message", rec)
		}
		tries[rec.RequestID]++
	}
	if len(tries) != 2 {
		t.Fatalf("log has %d requests, want 2: %v", len(tries), tries)
	}
	for id, k := range tries {
		if k != maxTries {
			t.Errorf("request %s was tried %d times on its only orchestrator, want %d", id, k, maxTries)
		}
	}
}

func TestFlakyOrchestratorIsRetriedToSuccess(t *testing.T) {
	t.Parallel()
	flaky := quick("text-to-image", "m")
	flaky.FailureRate = 0.5
	// A retry timeout no loaded machine reaches: the tries (20) bound it.
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw", RetryTimeout: Duration(365 * 24 * time.Hour)}, flaky))
	for i := range 6 {
		r := postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", map[string]any{"prompt": "p", "model_id": "m", "seed": i, "width": 8, "height": 8})
		if r.status != http.StatusOK {
			// 20 failures in a row: one in a million.
			t.Errorf("request %d: status %d, err %v: %s", i, r.status, r.err, r.body)
		}
	}
	failed := 0
	for _, rec := range n.Requests() {
		if rec.Outcome == OutcomeError {
			failed++
		}
	}
	if failed == 0 {
		t.Error("no try failed in six requests at a failure rate of one half: the seed gives some")
	}
}

func TestNoCapacityIs503(t *testing.T) {
	t.Parallel()
	busy := quick("text-to-image", "m")
	busy.NoCapacityRate = 1
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw"}, busy))
	r := postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", map[string]any{"prompt": "p", "model_id": "m"})
	if !unavailable(r) {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	reqs := n.Requests()
	if len(reqs) == 0 {
		t.Fatal("no try logged")
	}
	for _, q := range reqs {
		if q.Outcome != OutcomeNoCapacity || q.RequestID != reqs[0].RequestID {
			t.Fatalf("log %+v", reqs)
		}
	}
}

func TestCapacityLimitsConcurrentJobs(t *testing.T) {
	t.Parallel()
	slow := quick("text-to-image", "m")
	slow.Latency.Median = Duration(1500 * time.Second) // 1.5 s at the test scale
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw"}, slow))
	var wg sync.WaitGroup
	statuses := make([]int, 3)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", map[string]any{"prompt": "p", "model_id": "m", "width": 8, "height": 8}).status
		}()
	}
	wg.Wait()
	var ok, busy int
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 0, 503: // retried until the tries or the retry timeout ran out
			busy++
		}
	}
	if ok != 1 || busy != 2 {
		t.Fatalf("statuses %v: want one served and two refused for capacity", statuses)
	}
}

func TestGatewayRetriesOtherOrchestrators(t *testing.T) {
	t.Parallel()
	busy, broken, good := quick("text-to-image", "m"), quick("text-to-image", "m"), quick("text-to-image", "m")
	busy.NoCapacityRate = 1
	broken.Broken = true
	for _, m := range []*ModelSpec{&busy, &broken, &good} {
		m.Latency.Median = Duration(2 * time.Millisecond)
	}
	// No retry timeout within reach: every request tries all three. The
	// network runs unscaled, since the time scale shrinks the retry
	// timeout too (TestSameSeedSameOutcomes).
	n := startNetWith(t, Scenario{
		Gateways: []GatewaySpec{{Name: "gw", RetryTimeout: Duration(maxLatency)}},
		Orchestrators: []OrchestratorSpec{
			{Name: "busy", Models: []ModelSpec{busy}}, {Name: "broken", Models: []ModelSpec{broken}}, {Name: "good", Models: []ModelSpec{good}},
		},
	}, Options{Seed: 7, TimeScale: 1})
	for range 8 {
		if r := postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", map[string]any{"prompt": "p", "model_id": "m", "width": 8, "height": 8}); r.status != 200 {
			t.Fatalf("status %d %s", r.status, r.body)
		}
	}
	byRequest := map[string][]Request{}
	for _, r := range n.Requests() {
		byRequest[r.RequestID] = append(byRequest[r.RequestID], r)
	}
	tried := map[string]bool{}
	for id, tries := range byRequest {
		last := tries[len(tries)-1]
		if last.OrchestratorName != "good" || last.Outcome != OutcomeOK {
			t.Errorf("request %s ended with %+v", id, last)
		}
		for _, r := range tries {
			tried[r.OrchestratorName] = true
		}
	}
	if len(byRequest) != 8 || !tried["busy"] || !tried["broken"] {
		t.Errorf("%d requests; tried %v (8 random orders should reach every orchestrator)", len(byRequest), tried)
	}
}

func TestRetryTimeoutEndsIn503(t *testing.T) {
	t.Parallel()
	// Each fails after 3 s (simulated); the retry timeout is 2 s, so the
	// second orchestrator is never tried.
	slowFail := quick("llm", "l")
	slowFail.Latency.Median = Duration(3 * time.Second)
	slowFail.FailureRate = 1
	sc := Scenario{Orchestrators: []OrchestratorSpec{{Name: "a", Models: []ModelSpec{slowFail}}, {Name: "b", Models: []ModelSpec{slowFail}}}}
	n := startNetWith(t, sc, Options{Seed: 1, TimeScale: 0.05})
	r := postJSON(t, n.Gateways()[0].HTTPURL+"/llm", map[string]any{"model": "l", "messages": []map[string]string{{"role": "user", "content": "x"}}, "stream": false, "max_tokens": 5})
	if r.status != http.StatusServiceUnavailable || apiErrorOf(t, r) != "Service Unavailable Error" {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	if reqs := n.Requests(); len(reqs) != 1 {
		t.Fatalf("%d tries, want 1: %+v", len(reqs), reqs)
	}
}

func TestNothingSelectableClosesTheConnection(t *testing.T) {
	t.Parallel()
	hidden := quick("llm", "hidden")
	hidden.Unadvertised = true
	sc := Scenario{
		Gateways:      []GatewaySpec{{Name: "buggy"}, {Name: "fixed", NoOrchestrator503Rate: 1}},
		Orchestrators: []OrchestratorSpec{{Name: "o", Models: []ModelSpec{quick("text-to-image", "m"), hidden}}},
	}
	n := startNet(t, sc)
	msgs := []map[string]string{{"role": "user", "content": "x"}}
	send := func(gw int, route string, body map[string]any) reply {
		return postJSON(t, n.Gateways()[gw].HTTPURL+"/"+route, body)
	}
	for _, c := range []struct {
		name, route string
		body        map[string]any
	}{
		{"model nobody advertises", "text-to-image", map[string]any{"prompt": "p", "model_id": "other"}},
		{"default model nobody runs", "text-to-image", map[string]any{"prompt": "p"}},
		{"unadvertised model", "llm", map[string]any{"model": "hidden", "messages": msgs, "stream": false, "max_tokens": 5}},
	} {
		if r := send(0, c.route, c.body); !emptyReply(r) {
			t.Errorf("%s: status %d, err %v; want the connection closed with no response", c.name, r.status, r.err)
		}
		if r := send(1, c.route, c.body); r.status != http.StatusServiceUnavailable || apiErrorOf(t, r) != "Service Unavailable Error" {
			t.Errorf("%s on the fixed gateway: status %d %s", c.name, r.status, r.body)
		}
	}
	if len(n.Requests()) != 0 {
		t.Errorf("requests logged: %+v", n.Requests())
	}
}
