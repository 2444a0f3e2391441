package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"jobtester/jobs"
	"jobtester/models"
	"jobtester/simnet"
	"jobtester/testutil"
)

func TestValidateParamsKnowsEachPipeline(t *testing.T) {
	for _, name := range jobs.DefinitionNames() {
		if len(jobs.DefinitionParams[name]) == 0 {
			t.Errorf("%s: no parameters listed", name)
		}
		if _, ok := jobs.DefaultRequest(name, "m"); !ok {
			t.Errorf("%s: no default request", name)
		}
	}
	good := map[string]string{
		"Llm":            `{"max_tokens": 8, "temperature": 0.2}`,
		"Text to image":  `{"seed": 7, "prompt": "a red boat", "safety_check": false}`,
		"Image to image": `{"strength": 0.5}`,
		"Audio to text":  ``,
	}
	for p, raw := range good {
		if _, err := jobs.ValidateParams(p, raw); err != nil {
			t.Errorf("%s %s: %v", p, raw, err)
		}
	}
	bad := map[string][2]string{
		"unknown key":       {"Llm", `{"width": 10}`},
		"wrong type":        {"Llm", `{"max_tokens": "8"}`},
		"fraction for int":  {"Llm", `{"max_tokens": 8.5}`},
		"out of range":      {"Llm", `{"max_tokens": 100000}`},
		"negative seed":     {"Text to image", `{"seed": -1}`},
		"bool as string":    {"Text to image", `{"safety_check": "yes"}`},
		"not an object":     {"Llm", `[1]`},
		"null":              {"Llm", `null`},
		"trailing data":     {"Llm", `{} {}`},
		"broken JSON":       {"Llm", `{"max_tokens":`},
		"unknown pipeline":  {"Live video to video", `{}`},
		"size is not ours":  {"Text to image", `{"width": 1024}`},
		"huge number":       {"Image to image", `{"strength": 1e999}`},
		"NUL in the prompt": {"Image to text", `{"prompt": "a\u0000b"}`},
	}
	for name, c := range bad {
		if _, err := jobs.ValidateParams(c[0], c[1]); err == nil {
			t.Errorf("%s: %s %s accepted", name, c[0], c[1])
		}
	}
	_, err := jobs.ValidateParams("Llm", `{"width": 10}`)
	if err == nil || !strings.Contains(err.Error(), "max_tokens") {
		t.Fatalf("the error should list what the pipeline takes: %v", err)
	}
}

// FuzzValidateParams: admin input never panics the validator, and what it
// accepts only has keys the pipeline lists.
func FuzzValidateParams(f *testing.F) {
	f.Add("Llm", `{"max_tokens": 8}`)
	f.Add("Text to image", `{"seed": 1e3}`)
	f.Add("Segment anything 2", `{"point_coords": "[[1,2]]"}`)
	f.Fuzz(func(t *testing.T, pipeline, raw string) {
		params, err := jobs.ValidateParams(pipeline, raw)
		if err != nil {
			return
		}
		known := map[string]bool{}
		for _, s := range jobs.DefinitionParams[pipeline] {
			known[s.Name] = true
		}
		for k := range params {
			if !known[k] {
				t.Fatalf("accepted unknown key %q for %s", k, pipeline)
			}
		}
	})
}

// TestAdminOverridesReachThePlanAndTheRequest runs real sweeps against a
// simulated network with overrides stored in the database: a disabled
// pipeline is left out of the plan, and another's parameters are in the
// request the orchestrator got (as stored with the result).
func TestAdminOverridesReachThePlanAndTheRequest(t *testing.T) {
	h := newHarness(t, simnet.UniformScenario(2, 1), jobs.Fairness{}, 2*time.Minute) // the timeout only catches hangs
	h.tester.Definitions = h.st
	ctx := context.Background()
	for _, d := range []models.TestDefinition{
		{Pipeline: "Llm", Enabled: false, UpdatedBy: "alice"},
		{Pipeline: "Upscale", Enabled: true, Params: `{"prompt": "a crisp harbour photograph", "seed": 7}`},
		{Pipeline: "Text to speech", Enabled: true, Params: `{"text": "Testing one two."}`},
	} {
		if err := h.st.SaveTestDefinitionAudited(ctx, "alice", &d); err != nil {
			t.Fatal(err)
		}
	}
	var planned []jobs.Target
	sw, rep, err := h.tester.RunSweep(ctx, "test", func(ts []jobs.Target) { planned = ts }, nil)
	if err != nil {
		t.Fatal(err)
	}
	pipelines := map[string]int{}
	for _, tg := range planned {
		pipelines[tg.Capability.Pipeline]++
	}
	if pipelines["Llm"] != 0 {
		t.Fatalf("a disabled pipeline was planned: %v", pipelines)
	}
	if len(pipelines) != len(jobs.Definitions)-1 || pipelines["Upscale"] != 2 {
		t.Fatalf("planned %v, want every other pipeline on both orchestrators", pipelines)
	}
	if rep.Expected != len(planned) || sw.Status != models.SweepDone {
		t.Fatalf("sweep %+v report %+v", sw, rep)
	}
	results, err := h.st.SweepResults(ctx, sw.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range results {
		var input map[string]any
		if err := json.Unmarshal([]byte(r.InputParameters), &input); err != nil {
			t.Fatalf("%s input %q: %v", r.Pipeline, r.InputParameters, err)
		}
		switch r.Pipeline {
		case "Upscale":
			seen++
			// The admin's values replace the drawn ones; the rest is
			// still drawn and the expectation recorded.
			if input["prompt"] != "a crisp harbour photograph" || input["seed"] != float64(7) || input["expect"] == nil || input["image"] == nil {
				t.Errorf("upscale input = %v", input)
			}
			if r.Outcome != models.OutcomePass {
				t.Errorf("upscale with parameters: %s (%s)", r.Outcome, r.Errors)
			}
		case "Text to speech":
			seen++
			if input["text"] != "Testing one two." {
				t.Errorf("text-to-speech input = %v", input)
			}
		case "Llm":
			t.Errorf("a disabled pipeline ran")
		}
	}
	if seen != 4 {
		t.Fatalf("%d results of the overridden pipelines, want 4", seen)
	}

	// Enabled again (the override removed): the next plan has it back.
	if err := h.st.DeleteTestDefinitionAudited(ctx, "alice", "Llm"); err != nil {
		t.Fatal(err)
	}
	planned = nil
	if _, _, err := h.tester.RunSweep(ctx, "test", func(ts []jobs.Target) { planned = ts }, nil); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tg := range planned {
		if tg.Capability.Pipeline == "Llm" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("Llm planned %d times after re-enabling, want 2", n)
	}
}

// TestStartSweepOfOneOrchestrator is "test this orchestrator now": the
// sweep is stored before StartSweep returns, and tests that orchestrator
// only.
func TestStartSweepOfOneOrchestrator(t *testing.T) {
	h := newHarness(t, simnet.UniformScenario(3, 1), jobs.Fairness{}, 2*time.Minute) // the timeout only catches hangs
	ctx := context.Background()
	target := h.nw.Truth().Orchestrators[1].Address
	id, err := h.tester.StartSweep(ctx, "admin", jobs.SweepOptions{Orchestrator: strings.ToUpper(target[:2]) + target[2:]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.GetSweep(ctx, id); err != nil {
		t.Fatalf("sweep %d is not stored when StartSweep returns: %v", id, err)
	}
	if _, err := h.tester.StartSweep(ctx, "admin", jobs.SweepOptions{}); err == nil {
		t.Fatal("a second sweep started while one runs")
	}
	sw := waitSweep(t, h.st, id)
	results, err := h.st.SweepResults(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sw.Status != models.SweepDone || sw.Expected != len(jobs.Definitions) || len(results) != sw.Expected {
		t.Fatalf("sweep %+v with %d results, want %d tests", sw, len(results), len(jobs.Definitions))
	}
	for _, r := range results {
		if r.Orchestrator != target {
			t.Fatalf("tested %s in a sweep of %s", r.Orchestrator, target)
		}
	}

	missing := "0x00000000000000000000000000000000000000ff"
	id, err = h.tester.StartSweep(ctx, "admin", jobs.SweepOptions{Orchestrator: missing})
	if err != nil {
		t.Fatal(err)
	}
	sw = waitSweep(t, h.st, id)
	if sw.Expected != 0 || !strings.Contains(sw.Error, missing) || !strings.Contains(sw.Error, "not found") {
		t.Fatalf("sweep of an unknown orchestrator: %+v", sw)
	}
}

func waitSweep(t *testing.T, st *models.Store, id int64) models.Sweep {
	t.Helper()
	// A whole sweep of drawn inputs under -race on a busy machine takes its
	// time: wait on the condition, with a deadline only for a hung sweep.
	var sw models.Sweep
	testutil.EventuallyWithin(t, 3*time.Minute, fmt.Sprintf("sweep %d to finish", id), func() bool {
		var err error
		if sw, err = st.GetSweep(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		return sw.Status != models.SweepRunning
	})
	return sw
}
