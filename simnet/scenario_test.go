package simnet

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestDefaultScenarioValidates(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := len(sc.Orchestrators); n < 25 || n > 35 {
		t.Fatalf("%d orchestrators, want about 30", n)
	}
	// Every batch pipeline is served by at least three orchestrators with
	// no injected behaviour, so that a sweep has something that passes.
	healthy := map[string]int{}
	for _, o := range sc.Orchestrators {
		if o.Label != "healthy" {
			continue
		}
		for _, m := range o.Models {
			if !m.Unadvertised {
				healthy[m.Pipeline]++
			}
		}
	}
	for _, p := range pipelines {
		if healthy[p.Route] < 3 {
			t.Errorf("%s has %d healthy orchestrators", p.Route, healthy[p.Route])
		}
	}
	if err := UniformScenario(100, 4).Validate(); err != nil {
		t.Fatalf("UniformScenario: %v", err)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadScenarioRoundTripsYAMLAndJSON(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	y, err := yaml.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, content string }{{"s.yaml", string(y)}, {"s.json", string(j)}} {
		got, err := LoadScenario(writeFile(t, f.name, f.content))
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		a, _ := json.Marshal(got)
		if string(a) != string(j) {
			t.Errorf("%s did not round-trip:\n%s\nwant\n%s", f.name, a, j)
		}
	}
}

func TestLoadScenarioDocExample(t *testing.T) {
	t.Parallel()
	doc := `
gateways:
  - name: gw-1
    webhook: http://127.0.0.1:8080/webhook/gw-1
orchestrators:
  - name: speedy
    price_per_pixel: "1841/20"
    models:
      - pipeline: text-to-image
        model: ByteDance/SDXL-Lightning
        latency: {median: 1.2s, spread: 0.2}
      - pipeline: llm
        model: meta-llama/llama-3.1-8B-Instruct
        failure_rate: 0.1
  - name: sleepy
    offline: {after_requests: 5}
    models:
      - {pipeline: upscale, model: stabilityai/stable-diffusion-x4-upscaler, cold: true, cold_start: 40s}
`
	sc, err := LoadScenario(writeFile(t, "doc.yml", doc))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Orchestrators[0].Models[0].Latency.Median.D().Seconds() != 1.2 || sc.Orchestrators[1].Offline.AfterRequests != 5 {
		t.Fatalf("decoded %+v", sc)
	}
}

func TestLoadScenarioErrorsNameTheField(t *testing.T) {
	t.Parallel()
	model := `{pipeline: llm, model: m}`
	cases := []struct {
		name, file, content string
		want                []string // all must appear in the error
	}{
		{"unknown top-level field yaml", "a.yaml", "orchestrators: []\nbogus: 1\n", []string{"bogus"}},
		{"unknown nested field yaml", "a.yaml", "orchestrators:\n  - name: o1\n    latncy: 1\n    models: [" + model + "]\n", []string{"latncy"}},
		{"unknown field json", "a.json", `{"orchestrators":[{"name":"o1","modles":[]}]}`, []string{"modles"}},
		{"trailing json", "a.json", `{"orchestrators":[]} {}`, []string{"after"}},
		{"wrong type", "a.yaml", "orchestrators:\n  - name: o1\n    models:\n      - {pipeline: llm, model: m, capacity: lots}\n", []string{"lots"}},
		{"duration as number", "a.yaml", "orchestrators:\n  - name: o1\n    models:\n      - {pipeline: llm, model: m, latency: {median: 5}}\n", []string{"duration"}},
		{"bad duration", "a.json", `{"orchestrators":[{"name":"o1","models":[{"pipeline":"llm","model":"m","cold_start":"soon"}]}]}`, []string{"soon"}},
		{"unknown pipeline", "a.yaml", "orchestrators:\n  - name: o7\n    models:\n      - {pipeline: text-to-music, model: m}\n", []string{`"o7"`, "models[0]", "text-to-music"}},
		{"rate above one", "a.yaml", "orchestrators:\n  - name: o2\n    models:\n      - {pipeline: llm, model: m, failure_rate: 1.5}\n", []string{`"o2"`, "failure_rate", "1.5"}},
		{"wrong size on text", "a.yaml", "orchestrators:\n  - name: o3\n    models:\n      - {pipeline: llm, model: m, wrong_size_rate: 0.5}\n", []string{`"o3"`, "wrong_size_rate"}},
		{"duplicate name", "a.yaml", "orchestrators:\n  - {name: o1, models: [" + model + "]}\n  - {name: o1, models: [" + model + "]}\n", []string{"orchestrators[1]", "used twice"}},
		{"bad address", "a.yaml", "orchestrators:\n  - {name: o4, address: 0x12, models: [" + model + "]}\n", []string{`"o4"`, "address"}},
		{"bad price", "a.yaml", "orchestrators:\n  - {name: o5, price_per_pixel: cheap, models: [" + model + "]}\n", []string{`"o5"`, "price_per_pixel"}},
		{"bad stake", "a.yaml", "orchestrators:\n  - {name: o6, stake: \"-5\", models: [" + model + "]}\n", []string{`"o6"`, "stake"}},
		{"no models", "a.yaml", "orchestrators:\n  - {name: o8}\n", []string{`"o8"`, "models"}},
		{"no name", "a.yaml", "orchestrators:\n  - {models: [" + model + "]}\n", []string{"orchestrators[0]", "name"}},
		{"ai uri mode", "a.yaml", "orchestrators:\n  - {name: o9, ai_service_uri: maybe, models: [" + model + "]}\n", []string{`"o9"`, "ai_service_uri"}},
		{"offline without trigger", "a.yaml", "orchestrators:\n  - {name: o10, offline: {for: 1m}, models: [" + model + "]}\n", []string{`"o10"`, "offline"}},
		{"negative capacity", "a.yaml", "orchestrators:\n  - name: o11\n    models:\n      - {pipeline: llm, model: m, capacity: -1}\n", []string{`"o11"`, "capacity"}},
		{"spread too wide", "a.yaml", "orchestrators:\n  - name: o12\n    models:\n      - {pipeline: llm, model: m, latency: {spread: 9}}\n", []string{`"o12"`, "latency.spread"}},
		{"duplicate pair", "a.yaml", "orchestrators:\n  - {name: o13, models: [" + model + ", " + model + "]}\n", []string{`"o13"`, "listed twice"}},
		{"gateway webhook", "a.yaml", "gateways:\n  - {name: g1, webhook: not-a-url}\norchestrators: []\n", []string{`gateways[0] "g1"`, "webhook"}},
		{"gateway rate", "a.yaml", "gateways:\n  - {name: g1, no_orchestrator_503_rate: 2}\norchestrators: []\n", []string{"no_orchestrator_503_rate"}},
		{"extension", "a.toml", "", []string{"extension"}},
		{"empty yaml", "a.yaml", "", []string{"empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadScenario(writeFile(t, c.file, c.content))
			if err == nil {
				t.Fatal("loaded without error")
			}
			t.Log(err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	sc := Scenario{Orchestrators: []OrchestratorSpec{
		{Name: "a", Models: []ModelSpec{{Pipeline: "llm", Model: "m", FailureRate: 2}}},
		{Name: "b", Models: []ModelSpec{{Pipeline: "nope", Model: "m"}}},
	}}
	err := sc.Validate()
	if err == nil || !strings.Contains(err.Error(), `"a"`) || !strings.Contains(err.Error(), `"b"`) {
		t.Fatalf("want both orchestrators named, got %v", err)
	}
	if _, err := Start(t.Context(), sc, Options{}); err == nil {
		t.Fatal("Start accepted an invalid scenario")
	}
}
