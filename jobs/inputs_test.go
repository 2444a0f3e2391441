package jobs_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/simnet"
	"jobtester/verify"
)

// fingerprint is what a request shows of itself: everything but the
// model, so that two draws can be told apart.
func fingerprint(t *testing.T, req jobs.Request) string {
	t.Helper()
	in := map[string]any{}
	for k, v := range req.Input {
		if k != "model_id" && k != "model" {
			in[k] = v
		}
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInputsVaryAcrossRequests(t *testing.T) {
	t.Parallel()
	for _, name := range jobs.DefinitionNames() {
		def := jobs.Definitions[name]
		seen := map[string]bool{}
		sizes := map[string]bool{}
		for range 20 {
			req := def.Build("m", jobs.InputRand(0))
			seen[fingerprint(t, req)] = true
			sizes[fmt.Sprint(req.Expect.Width, req.Expect.Height)] = true
		}
		// The LLM questions come from a finite (if large) set: two repeats
		// in 20 happen, three about once in 2 000 runs.
		if len(seen) < 18 {
			t.Errorf("%s: 20 requests, %d different", name, len(seen))
		}
		if req := def.Build("m", jobs.InputRand(0)); req.Expect.Width > 0 && len(sizes) < 3 {
			t.Errorf("%s: only sizes %v in 20 requests", name, sizes)
		}
		a, b := def.Build("m", jobs.InputRand(77)), def.Build("m", jobs.InputRand(77))
		if fingerprint(t, a) != fingerprint(t, b) {
			t.Errorf("%s: one input seed drew two requests", name)
		}
	}
}

// oldFixed are the prompts, texts and seed the tests sent before inputs
// were drawn: a node could serve exactly these well.
var oldFixed = []string{"a lighthouse on a cliff at dawn, oil painting", "the same scene in watercolour", "a sharp photograph",
	"a picture of", "Name three colours of the rainbow.", "The quick brown fox jumps over the lazy dog.", `"seed":42,`, `"seed":42}`, `"seed":"42"`}

func TestNothingMarksARequestAsATest(t *testing.T) {
	t.Parallel()
	for _, name := range jobs.DefinitionNames() {
		for range 50 {
			req := jobs.Definitions[name].Build("m", jobs.InputRand(0))
			body, _ := json.Marshal(map[string]any{"json": req.Job.JSON, "form": req.Job.Form})
			for _, s := range append(oldFixed, "jobtester", "test") {
				if strings.Contains(strings.ToLower(string(body)), strings.ToLower(s)) {
					t.Fatalf("%s request carries %q: %s", name, s, body)
				}
			}
		}
	}
}

// TestSimnetAnswersTheDrawnQuestions sends drawn LLM questions and
// audio to honest simulated models and compares with what the test
// expects: the expected answers are right, and simnet's honest models
// give them.
func TestSimnetAnswersTheDrawnQuestions(t *testing.T) {
	t.Parallel()
	sc := simnet.Scenario{Orchestrators: []simnet.OrchestratorSpec{{Name: "o", Models: []simnet.ModelSpec{
		{Pipeline: "llm", Model: "l", Latency: simnet.Latency{Median: simnet.Duration(time.Millisecond)}},
		{Pipeline: "audio-to-text", Model: "w", Latency: simnet.Latency{Median: simnet.Duration(time.Millisecond)}},
	}}}}
	n, err := simnet.Start(t.Context(), sc, simnet.Options{Seed: 1, TimeScale: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	gw := n.Gateways()[0]
	c := &livepeer.GatewayClient{CLIURL: gw.CLIURL, HTTPURL: gw.HTTPURL}
	families := map[string]bool{}
	for i := range 40 {
		req := jobs.Definitions["Llm"].Build("l", jobs.InputRand(uint64(i+1)))
		res := c.Submit(t.Context(), req.Job)
		text, err := livepeer.ParseLLM(res.Body)
		q := verify.Question{Text: "", Expect: []string{req.Expect.Answer}, Wrong: req.Expect.Wrong, MatchCase: req.Expect.MatchCase}
		if err != nil || verify.Answered(q, text) != nil {
			t.Errorf("%s: answered %q, expected %q (%v)", req.Input["messages"], text, req.Expect.Answer, err)
		}
		families[req.Expect.Family] = true
	}
	if len(families) != len(jobs.QuestionFamilies) {
		t.Errorf("40 questions drew families %v", families)
	}
	for i := range 5 {
		req := jobs.Definitions["Audio to text"].Build("w", jobs.InputRand(uint64(i+1)))
		text, err := livepeer.ParseText(c.Submit(t.Context(), req.Job).Body)
		if err != nil || strings.TrimSpace(text) != req.Expect.Transcript || verify.Transcribed(req.Expect.Transcript, text) != nil {
			t.Errorf("transcript %q, expected %q (%v)", text, req.Expect.Transcript, err)
		}
	}
}
