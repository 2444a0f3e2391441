package control

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"jobtester/models"
)

func a(i int) string { return fmt.Sprintf("0x%040x", i) }

// flagsOf renders a row's findings as "kind: text" lines, the row's own
// first, then each mapping's prefixed with its id.
func flagsOf(r ReconRow) []string {
	var out []string
	for _, f := range r.Flags {
		out = append(out, f.Kind+": "+f.Text)
	}
	for _, m := range r.Mappings {
		for _, f := range m.Flags {
			out = append(out, fmt.Sprintf("#%d %s: %s", m.ID, f.Kind, f.Text))
		}
	}
	return out
}

var (
	pass    = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	earlier = pass.Add(-2 * time.Hour)
)

func orch(i int, svc, ai string, active bool, seen time.Time) models.DiscoveredOrchestrator {
	return models.DiscoveredOrchestrator{Address: a(i), ServiceURI: svc, AIServiceURI: ai, Active: active, LastSeenAt: seen, Sources: "chain"}
}

func capsOf(at time.Time, addrs ...int) map[string][]models.AdvertisedCapability {
	out := map[string][]models.AdvertisedCapability{}
	for _, i := range addrs {
		out[a(i)] = []models.AdvertisedCapability{{Orchestrator: a(i), Pipeline: "Llm", Model: "m", SeenAt: at}}
	}
	return out
}

func mapping(id int64, i int, uri, types string) models.URIMapping {
	return models.URIMapping{ID: id, Orchestrator: a(i), URI: uri, JobTypes: types}
}

// reconCase is one orchestrator's row of a reconciliation and what it
// must say.
type reconCase struct {
	name       string
	data       models.ReconciliationData
	addr       int
	want       []string // substrings, one per finding, in order
	worst      string
	testedURI  string
	testedFrom string
}

func checkReconcile(t *testing.T, cases []reconCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := Reconcile(c.data)
			var row *ReconRow
			for i := range rec.Rows {
				if rec.Rows[i].Address == a(c.addr) {
					row = &rec.Rows[i]
				}
			}
			if row == nil {
				t.Fatalf("no row for %s in %+v", a(c.addr), rec.Rows)
			}
			got := flagsOf(*row)
			// Mapping flags are sorted by kind; compare as a set of
			// expected prefixes in any order within the list.
			if len(got) != len(c.want) {
				t.Fatalf("findings:\n  %s\nwant %d:\n  %s", strings.Join(got, "\n  "), len(c.want), strings.Join(c.want, "\n  "))
			}
			for _, w := range c.want {
				found := false
				for _, g := range got {
					if strings.Contains(g, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("no finding contains %q in:\n  %s", w, strings.Join(got, "\n  "))
				}
			}
			if row.Worst() != c.worst {
				t.Errorf("worst = %q, want %q", row.Worst(), c.worst)
			}
			if c.testedURI != "" && (row.TestedURI != c.testedURI || row.TestedFrom != c.testedFrom) {
				t.Errorf("tested at %q from %q, want %q from %q", row.TestedURI, row.TestedFrom, c.testedURI, c.testedFrom)
			}
		})
	}
}

// TestReconcileMappingsAgainstRegistries: where tests go, and mappings that repeat or override the registries.
func TestReconcileMappingsAgainstRegistries(t *testing.T) {
	checkReconcile(t, []reconCase{
		{
			name:       "registered node, reached, no mappings: nothing to say",
			data:       models.ReconciliationData{Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "", true, pass)}, Capabilities: capsOf(pass, 1)},
			addr:       1,
			testedURI:  "https://a:8935",
			testedFrom: "service registry",
		},
		{
			name: "an ai mapping that differs from the AI registry is a conflict, and wins",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "https://a-ai:8935", true, pass)},
				Mappings:      []models.URIMapping{mapping(4, 1, "https://a-gpu:8935", "ai")},
				Capabilities:  capsOf(pass, 1),
			},
			addr:       1,
			want:       []string{"note: the AI registry points elsewhere", "#4 conflict: overrides the registry for ai (AI registry: https://a-ai:8935)"},
			worst:      FlagConflict,
			testedURI:  "https://a-gpu:8935",
			testedFrom: "mapping 4",
		},
		{
			name: "a mapping equal to the registered URI is redundant",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "", true, pass)},
				Mappings:      []models.URIMapping{mapping(4, 1, "https://a:8935", "ai,transcoding")},
				Capabilities:  capsOf(pass, 1),
			},
			addr:       1,
			want:       []string{"#4 redundant: same URI as the registry says for ai, transcoding"},
			worst:      FlagRedundant,
			testedURI:  "https://a:8935",
			testedFrom: "mapping 4",
		},
		{
			name: "transcoding is compared with the service registry, ai with the AI registry",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "https://a-ai:8935", true, pass)},
				Mappings:      []models.URIMapping{mapping(4, 1, "https://a:8935", "ai,transcoding")},
				Capabilities:  capsOf(pass, 1),
			},
			addr: 1,
			want: []string{"note: the AI registry points elsewhere", "#4 conflict: overrides the registry for ai (AI registry: https://a-ai:8935)",
				"#4 note: same URI as the registry for transcoding"},
			worst:      FlagConflict,
			testedURI:  "https://a:8935",
			testedFrom: "mapping 4",
		},
		{
			name: "two ai mappings of one node: only the first by URI is used",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "", "", true, pass)},
				Mappings:      []models.URIMapping{mapping(5, 1, "https://z:1", "ai"), mapping(4, 1, "https://b:1", "ai,live")},
				Capabilities:  capsOf(pass, 1),
			},
			addr: 1,
			want: []string{"#4 conflict: mapping 5 is also tagged ai with https://z:1: tests use https://b:1",
				"#5 conflict: mapping 4 is also tagged ai with https://b:1: tests use https://b:1"},
			worst:      FlagConflict,
			testedURI:  "https://b:1",
			testedFrom: "mapping 4",
		},
	})
}

// TestReconcileStaleMappings: mappings that no longer do anything, and those not checked yet.
func TestReconcileStaleMappings(t *testing.T) {
	checkReconcile(t, []reconCase{
		{
			name: "a mapping for a node no longer listed and not reached is stale",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "", true, earlier), orch(2, "https://b:8935", "", true, pass)},
				Mappings:      []models.URIMapping{mapping(4, 1, "https://a2:8935", "ai")},
				Capabilities:  capsOf(pass, 2),
			},
			addr:       1,
			want:       []string{"#4 stale: no registry has listed " + a(1) + " since 2026-05-01 10:00", "#4 conflict: overrides the registry"},
			worst:      FlagConflict,
			testedURI:  "https://a2:8935",
			testedFrom: "mapping 4",
		},
		{
			name: "an off-registry node the gateway reached through its mapping is fine",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(2, "https://b:8935", "", true, pass)},
				Mappings:      []models.URIMapping{mapping(4, 9, "https://offchain:8935", "ai")},
				Capabilities:  capsOf(pass, 2, 9),
			},
			addr:       9,
			want:       []string{"#4 note: off-registry node reached through its mappings"},
			testedURI:  "https://offchain:8935",
			testedFrom: "mapping 4",
		},
		{
			name: "an off-registry node with nothing reported is stale",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(2, "https://b:8935", "", true, pass)},
				Mappings:      []models.URIMapping{mapping(4, 9, "https://offchain:8935", "ai")},
				Capabilities:  capsOf(pass, 2),
			},
			addr:  9,
			want:  []string{"#4 stale: " + a(9) + " is in no registry"},
			worst: FlagStale,
		},
		{
			name: "mappings of an inactive node are stale",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "", false, pass)},
				Mappings:      []models.URIMapping{mapping(4, 1, "https://a:8935", "live")},
				Capabilities:  capsOf(pass, 1),
			},
			addr:  1,
			want:  []string{"#4 stale: the orchestrator is not active", "#4 redundant"},
			worst: FlagStale,
		},
		{
			name: "before any discovery, mappings are not checked",
			data: models.ReconciliationData{Mappings: []models.URIMapping{mapping(4, 3, "https://x:8935", "ai")}},
			addr: 3,
			want: []string{"#4 note: not checked yet: no discovery has run"},
		},
	})
}

// TestReconcileUnreachableAndSharedURIs: nodes nothing could reach, and one URI claimed by two nodes.
func TestReconcileUnreachableAndSharedURIs(t *testing.T) {
	checkReconcile(t, []reconCase{
		{
			name: "listed and active but no capabilities at the last pass: unreachable",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "", true, pass), orch(2, "https://b:8935", "", true, pass)},
				// Capabilities of an earlier pass do not count.
				Capabilities: map[string][]models.AdvertisedCapability{
					a(1): {{Orchestrator: a(1), Pipeline: "Llm", Model: "m", SeenAt: earlier}},
					a(2): {{Orchestrator: a(2), Pipeline: "Llm", Model: "m", SeenAt: pass}},
				},
			},
			addr:  1,
			want:  []string{"unreachable: no capabilities at the last discovery: the gateway could not reach https://a:8935"},
			worst: FlagUnreachable,
		},
		{
			name: "every attempt of its last sweep unavailable: unreachable",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "https://a-ai:8935", true, pass)},
				Capabilities:  capsOf(pass, 1),
				LastTests:     map[string]models.SweepTests{a(1): {Sweep: 7, StartedAt: pass, Unavailable: 3}},
			},
			addr:  1,
			want:  []string{"unreachable: every attempt of sweep 7 (2026-05-01 12:00) ended unavailable: nothing answered at https://a-ai:8935", "note"},
			worst: FlagUnreachable,
		},
		{
			name: "one pass among unavailable attempts: reached",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://a:8935", "", true, pass)},
				Capabilities:  capsOf(pass, 1),
				LastTests:     map[string]models.SweepTests{a(1): {Sweep: 7, StartedAt: pass, Unavailable: 3, Passed: 1}},
			},
			addr: 1,
		},
		{
			name: "one URI registered by two nodes, and mapped by a third",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://shared:8935", "", true, pass), orch(2, "https://shared:8935/", "", true, pass)},
				Mappings:      []models.URIMapping{mapping(4, 3, "https://shared:8935", "ai")},
				Capabilities:  capsOf(pass, 1, 2, 3),
			},
			addr:  2,
			want:  []string{"conflict: https://shared:8935/ is also registered for " + a(1)},
			worst: FlagConflict,
		},
		{
			name: "a mapping to another node's URI",
			data: models.ReconciliationData{
				Orchestrators: []models.DiscoveredOrchestrator{orch(1, "https://shared:8935", "", true, pass)},
				Mappings:      []models.URIMapping{mapping(4, 3, "https://shared:8935", "ai")},
				Capabilities:  capsOf(pass, 1, 3),
			},
			addr: 3,
			want: []string{"#4 note: off-registry node reached", "#4 conflict: the same URI is registered for " + a(1)},
			// Sorted by seriousness within the mapping.
			worst: FlagConflict,
		},
	})
}

func TestReconcileCountsAndOrder(t *testing.T) {
	pass := time.Now().UTC()
	rec := Reconcile(models.ReconciliationData{
		Orchestrators: []models.DiscoveredOrchestrator{
			{Address: a(2), ServiceURI: "https://b:1", Active: true, LastSeenAt: pass},
			{Address: a(1), ServiceURI: "https://a:1", Active: true, LastSeenAt: pass},
		},
		Mappings: []models.URIMapping{{ID: 1, Orchestrator: a(1), URI: "https://a:1", JobTypes: "ai"}},
	})
	if len(rec.Rows) != 2 || rec.Rows[0].Address != a(1) || !rec.DiscoveredAt.Equal(pass) {
		t.Fatalf("rows %+v", rec.Rows)
	}
	// Both listed with no capabilities: 2 unreachable; the mapping is redundant.
	if rec.Counts[FlagUnreachable] != 2 || rec.Counts[FlagRedundant] != 1 || rec.Counts[FlagConflict] != 0 {
		t.Fatalf("counts %v", rec.Counts)
	}
}
