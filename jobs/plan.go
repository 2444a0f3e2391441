package jobs

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"time"

	"jobtester/livepeer"
	"jobtester/models"
)

// ChainSource is on-chain discovery (livepeer.ChainDiscovery).
type ChainSource interface {
	Orchestrators(ctx context.Context) ([]livepeer.Orchestrator, *big.Int, error)
}

// Discovery finds orchestrators and what they advertise. Either source of
// orchestrators can be off (nil); capabilities always come from a gateway.
type Discovery struct {
	Gateway      *livepeer.GatewayClient // /registeredOrchestrators; nil: off
	Chain        ChainSource             // nil: off
	Capabilities *livepeer.GatewayClient // /getOrchestratorAICapabilities or /getNetworkCapabilities
	// Webhook is the orchestrator webhook of the Capabilities gateway. A
	// gateway with a webhook only knows the orchestrators the webhook lists
	// (docs/livepeer.md, "Orchestrator webhook and pinning"), so while capabilities are read it lists every
	// orchestrator found, then goes back to listing none.
	Webhook *livepeer.Webhook
	Timeout time.Duration
}

// Found is the result of one discovery pass.
type Found struct {
	Orchestrators []livepeer.Orchestrator
	Capabilities  map[string][]livepeer.Capability // by lower-case address
}

// Run asks every source once. A source that fails fails the pass: a sweep
// planned from half a network would score the missing half as untested.
func (d *Discovery) Run(ctx context.Context, mappings []models.URIMapping) (Found, error) {
	timeout := d.Timeout
	if timeout <= 0 {
		// /registeredOrchestrators makes five chain calls per orchestrator
		// on the gateway's side: give a large network time.
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var gw, chain []livepeer.Orchestrator
	var err error
	if d.Gateway != nil {
		if gw, err = d.Gateway.RegisteredOrchestrators(ctx); err != nil {
			return Found{}, fmt.Errorf("discover orchestrators from the gateway: %w", err)
		}
	}
	if d.Chain != nil {
		if chain, _, err = d.Chain.Orchestrators(ctx); err != nil {
			return Found{}, fmt.Errorf("discover orchestrators on chain: %w", err)
		}
	}
	found := Found{Orchestrators: livepeer.ChainMerge(gw, chain)}
	if d.Capabilities != nil {
		if d.Webhook != nil {
			d.Webhook.Pin(allURIs(found.Orchestrators, mappings)...)
			defer d.Webhook.Clear()
		}
		if found.Capabilities, err = d.Capabilities.AICapabilities(ctx); err != nil {
			return Found{}, fmt.Errorf("read advertised capabilities: %w", err)
		}
	}
	return found, nil
}

func allURIs(orchs []livepeer.Orchestrator, mappings []models.URIMapping) []string {
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, o := range orchs {
		add(o.ServiceURI)
		add(o.AIServiceURI)
	}
	for _, m := range mappings {
		add(m.URI)
	}
	return out
}

// Skipped is an orchestrator left out of a plan, with the reason.
type Skipped struct {
	Orchestrator string `json:"orchestrator"`
	Reason       string `json:"reason"`
}

// PlanOptions choose what a plan includes besides the batch tests.
type PlanOptions struct {
	// Live adds one live video test per live model an orchestrator
	// advertises (capability 35), pinned to its live mapping if there is
	// one, else as batch tests are.
	Live bool
}

// Plan lists the batch tests of a sweep: every active orchestrator × every
// pipeline/model it advertises that has a built-in test. The URI the
// gateway is pinned to is the admin's AI mapping if there is one, else the
// AI-registry URI, else the service URI. opt adds the live tests.
func Plan(found Found, mappings []models.URIMapping, opt PlanOptions) ([]Target, []Skipped) {
	aiURI, liveURI := map[string]string{}, map[string]string{}
	for _, m := range mappings {
		if m.Serves(models.MappingAI) && aiURI[m.Orchestrator] == "" {
			aiURI[m.Orchestrator] = m.URI
		}
		if m.Serves(models.MappingLive) && liveURI[m.Orchestrator] == "" {
			liveURI[m.Orchestrator] = m.URI
		}
	}
	tested := func(c livepeer.Capability) bool {
		if c.Pipeline == livepeer.LivePipeline {
			return opt.Live && c.Model != ""
		}
		_, ok := Definitions[c.Pipeline]
		return ok
	}
	pin := func(addr, uri string, c livepeer.Capability) string {
		if c.Pipeline == livepeer.LivePipeline && liveURI[addr] != "" {
			return liveURI[addr]
		}
		return uri
	}
	noneReason := "advertises no batch AI pipeline"
	if opt.Live {
		noneReason = "advertises no batch AI pipeline and no live model"
	}
	var targets []Target
	var skipped []Skipped
	known := map[string]bool{}
	for _, o := range found.Orchestrators {
		known[o.Address] = true
		if !o.Active {
			skipped = append(skipped, Skipped{o.Address, "not active"})
			continue
		}
		uri := aiURI[o.Address]
		if uri == "" {
			uri = o.AIServiceURI
		}
		if uri == "" {
			uri = o.ServiceURI
		}
		if uri == "" {
			skipped = append(skipped, Skipped{o.Address, "no service URI"})
			continue
		}
		n := 0
		for _, c := range found.Capabilities[o.Address] {
			if tested(c) {
				targets = append(targets, Target{Orchestrator: o.Address, URI: pin(o.Address, uri, c), Capability: c})
				n++
			}
		}
		if n == 0 {
			skipped = append(skipped, Skipped{o.Address, noneReason})
		}
	}
	// Nodes outside the registries that an admin mapped: test them too.
	mapped := map[string]string{}
	for addr, uri := range aiURI {
		mapped[addr] = uri
	}
	for addr, uri := range liveURI {
		if mapped[addr] == "" && opt.Live {
			mapped[addr] = uri
		}
	}
	for addr, uri := range mapped {
		if known[addr] {
			continue
		}
		for _, c := range found.Capabilities[addr] {
			if !tested(c) || (c.Pipeline != livepeer.LivePipeline && aiURI[addr] == "") {
				continue
			}
			targets = append(targets, Target{Orchestrator: addr, URI: pin(addr, uri, c), Capability: c})
		}
	}
	sort.Slice(targets, func(i, j int) bool {
		a, b := targets[i], targets[j]
		if a.Orchestrator != b.Orchestrator {
			return a.Orchestrator < b.Orchestrator
		}
		if a.Capability.Pipeline != b.Capability.Pipeline {
			return a.Capability.Pipeline < b.Capability.Pipeline
		}
		return a.Capability.Model < b.Capability.Model
	})
	return targets, skipped
}
