package jobs

import (
	"testing"
	"time"

	"jobtester/livepeer"
	"jobtester/models"
)

func TestPlanHonoursMappingsAndSkipsWhatCannotBeTested(t *testing.T) {
	a, b, c, d := "0x000000000000000000000000000000000000000a", "0x000000000000000000000000000000000000000b",
		"0x000000000000000000000000000000000000000c", "0x000000000000000000000000000000000000000d"
	found := Found{
		Orchestrators: []livepeer.Orchestrator{
			{Address: a, ServiceURI: "https://a:8935", AIServiceURI: "https://a-ai:8935", Active: true},
			{Address: b, ServiceURI: "https://b:8935", Active: true},
			{Address: c, ServiceURI: "https://c:8935", Active: false},
		},
		Capabilities: map[string][]livepeer.Capability{
			a: {{Pipeline: "Llm", Model: "m1"}, {Pipeline: "Live video to video", Model: "sd"}},
			b: {{Pipeline: "Upscale", Model: "x4"}, {Pipeline: "Llm", Model: "m2"}},
			c: {{Pipeline: "Llm", Model: "m1"}},
			d: {{Pipeline: "Text to image", Model: "t"}},
		},
	}
	mappings := []models.URIMapping{
		{Orchestrator: b, URI: "https://b-live:9000", JobTypes: "live"},
		{Orchestrator: b, URI: "https://b-batch:9000", JobTypes: "ai"},
		{Orchestrator: d, URI: "https://d-offchain:8935", JobTypes: "ai,live"},
	}
	targets, skipped := Plan(found, mappings, PlanOptions{})
	got := map[string]string{}
	for _, tg := range targets {
		got[tg.Orchestrator+" "+tg.Capability.Pipeline] = tg.URI
	}
	want := map[string]string{
		a + " Llm":           "https://a-ai:8935",    // AI registry over service URI
		b + " Upscale":       "https://b-batch:9000", // the ai mapping, not the live one
		b + " Llm":           "https://b-batch:9000",
		d + " Text to image": "https://d-offchain:8935", // mapped, in no registry
	}
	if len(got) != len(want) {
		t.Fatalf("targets = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s → %q, want %q", k, got[k], v)
		}
	}
	if len(skipped) != 1 || skipped[0].Orchestrator != c || skipped[0].Reason != "not active" {
		t.Fatalf("skipped = %+v", skipped)
	}
}

func TestScheduleParsing(t *testing.T) {
	s, err := ParseSchedule("0 */2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 29, 13, 30, 0, 0, time.UTC)
	next := NextRuns(s, from, 2)
	if len(next) != 2 || next[0].Hour() != 14 || next[1].Hour() != 16 {
		t.Fatalf("next runs = %v", next)
	}
	for _, bad := range []string{"", "every hour", "61 * * * *", "* * * *"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
