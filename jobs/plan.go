package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
	"time"

	"jobtester/ingest"
	"jobtester/livepeer"
	"jobtester/models"
	"jobtester/sampling"
	"jobtester/scoring"
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
		if gw, err = d.Gateway.RegisteredOrchestrators(ctx); errors.Is(err, livepeer.ErrOffchain) {
			return Found{}, fmt.Errorf("discover orchestrators from the gateway: %w; set discover_gateway to false and list them by chain_rpc_url or URI mappings", err)
		} else if err != nil {
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
		if found.Capabilities, err = d.Capabilities.AICapabilities(ctx); errors.Is(err, livepeer.ErrCapabilitiesUnavailable) {
			// An off-chain gateway never fills this list (docs/discovery.md).
			return Found{}, fmt.Errorf("read advertised capabilities: %w (an off-chain gateway never has them: capabilities need an on-chain gateway)", err)
		} else if err != nil {
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

// Sampling is how a sweep spends its batch tests (docs/tester.md). Uniform
// (Smart false) tests every planned target once. Smart hands the budget
// out with sampling.Plan: every series its floor, follow-ups for series
// whose recent results disagree with their history, a retry for those
// that last found no capacity, the rest where ranks are least settled.
// Live tests are not sampled: each live model is tested every sweep.
type Sampling struct {
	Smart bool
	// Budget is the batch tests of one sweep; 0: one per planned target,
	// what the uniform sweep spends.
	Budget int
	Params sampling.Params
	Store  SamplingStore
}

// SamplingStore is what smart sampling reads: score v2's hourly totals and
// each series' last attempt.
type SamplingStore interface {
	History(ctx context.Context, f models.Filter, w models.Window, step time.Duration) ([]models.SeriesHistory, error)
	LastAttempts(ctx context.Context, region string, since time.Time) ([]models.LastAttempt, error)
}

var _ SamplingStore = (*models.Store)(nil)

// samplingMemory is how far back the planner reads: score v2's memory.
const samplingMemory = 7 * 24 * time.Hour

// Choose picks this sweep's tests from the plan's targets. once holds each
// chosen target once (live targets always), extra the further copies of
// targets given more than one test; short counts floor tests the budget
// could not cover.
func (s *Sampling) Choose(ctx context.Context, targets []Target, found Found, region string, now time.Time) (once, extra []Target, short int, err error) {
	var batch []Target
	for _, t := range targets {
		if t.IsLive() {
			once = append(once, t)
		} else {
			batch = append(batch, t)
		}
	}
	series, err := s.state(ctx, batch, found, region, now)
	if err != nil {
		return nil, nil, 0, err
	}
	budget := s.Budget
	if budget <= 0 {
		budget = len(batch)
	}
	counts, short := sampling.Plan(series, budget, s.Params)
	for i, n := range counts {
		if n > 0 {
			once = append(once, batch[i])
		}
		for j := 1; j < n; j++ {
			extra = append(extra, batch[i])
		}
	}
	return once, extra, short, nil
}

type pairKey struct{ orch, pipeline, model string }

// state is what the policy knows of each target's series: score v2 and
// its interval against the model's nodes in this region, v2's change
// statistic, hours since the last attempt and how it ended, and whether
// discovery reported no free capacity.
func (s *Sampling) state(ctx context.Context, batch []Target, found Found, region string, now time.Time) ([]sampling.Series, error) {
	hs, err := s.Store.History(ctx, models.Filter{JobType: ingest.JobTypeAI, Region: region},
		models.Window{Since: now.Add(-samplingMemory), Until: now}, time.Hour)
	if err != nil {
		return nil, fmt.Errorf("read the scores to plan by: %w", err)
	}
	p := scoring.DefaultV2()
	// Plan by the interval of the evidence: the widening for a change not
	// yet cut states an interval for readers, while a change reaches the
	// policy through Change and its follow-ups (docs/scoring.md). Planning
	// by the widened interval spent tests twice on changing series and
	// lowered τ by 0.02 in bench/score.
	p.ChangeWiden = 0
	sums, fitSums := map[pairKey]scoring.V2Summary{}, map[pairKey]scoring.V2Summary{}
	for _, h := range hs {
		hours := make([]scoring.V2Hour, len(h.Points))
		for i, pt := range h.Points {
			hours[i] = scoring.V2Hour{Age: now.Sub(pt.Start).Hours(), Passed: pt.Passed, Failed: pt.Results - pt.Passed,
				Unavailable: pt.Unavailable, SumPassedRTT: pt.SumPassedRoundTripTime}
		}
		k := pairKey{h.Orchestrator, h.Pipeline, h.Model}
		sums[k], fitSums[k] = scoring.SummarizeV2(hours, p), scoring.SummarizeV2(scoring.WithoutNewestHour(hours), p)
	}
	pops := poolV2(sums, fitSums)
	last, err := s.Store.LastAttempts(ctx, region, now.Add(-samplingMemory))
	if err != nil {
		return nil, fmt.Errorf("read the last attempts to plan by: %w", err)
	}
	lastBy := map[pairKey]models.LastAttempt{}
	for _, a := range last {
		lastBy[pairKey{a.Orchestrator, a.Pipeline, a.Model}] = a
	}
	groups := map[[2]string]int{}
	out := make([]sampling.Series, len(batch))
	for i, t := range batch {
		k := pairKey{t.Orchestrator, t.Capability.Pipeline, t.Capability.Model}
		m := [2]string{k.pipeline, k.model}
		g, ok := groups[m]
		if !ok {
			g = len(groups)
			groups[m] = g
		}
		sum, pop := sums[k], pops.of(k)
		v := scoring.ScoreV2(sum, pop, p)
		se := sampling.Series{Group: g, Score: v.Score, Low: v.Low, High: v.High, Change: sum.Change,
			SinceTest: math.Inf(1), Busy: busy(found.Capabilities[t.Orchestrator], t.Capability)}
		if a, ok := lastBy[k]; ok {
			se.SinceTest = math.Max(now.Sub(a.At).Hours(), 0)
			se.LastUnavailable = a.Outcome == models.OutcomeUnavailable
		}
		out[i] = se
	}
	return out, nil
}

// plannedPops are the populations v2 scores the region's series against,
// as the API does: each model's, pooled with the node's other series at
// the strength learned from the memory without its newest hour
// (scoring.PoolV2NodesFrom).
type plannedPops struct {
	byKey map[pairKey]int
	pool  scoring.V2NodePool
}

func poolV2(sums, fitSums map[pairKey]scoring.V2Summary) plannedPops {
	keys := make([]pairKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	// One order, so the pooling is the same on every plan of the same hours.
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return cmp.Or(strings.Compare(a.pipeline, b.pipeline), strings.Compare(a.model, b.model),
			strings.Compare(a.orch, b.orch)) < 0
	})
	out := plannedPops{byKey: make(map[pairKey]int, len(keys))}
	members, fit := make([]scoring.V2Member, len(keys)), make([]scoring.V2Member, len(keys))
	for i, k := range keys {
		out.byKey[k] = i
		members[i] = scoring.V2Member{Node: k.orch, Model: k.poolModel(), Summary: sums[k]}
		fit[i] = scoring.V2Member{Node: k.orch, Model: k.poolModel(), Summary: fitSums[k]}
	}
	out.pool = scoring.PoolV2NodesFrom(members, fit)
	return out
}

// poolModel names the series' model as pooling does: pipeline and model.
func (k pairKey) poolModel() string { return k.pipeline + "\x00" + k.model }

// of is the population of series k; a series without hours in the
// memory gets its model's (it has no summary to pool), or one pooled from
// nothing when no node of the model has hours.
func (p plannedPops) of(k pairKey) scoring.V2Population {
	if i, ok := p.byKey[k]; ok {
		return p.pool.Populations[i]
	}
	if pop, ok := p.pool.Models[k.poolModel()]; ok {
		return pop
	}
	return scoring.PoolV2(nil)
}

// busy reports whether discovery said the orchestrator has no free
// capacity for the pipeline and model (-1, unknown, is not busy).
func busy(caps []livepeer.Capability, c livepeer.Capability) bool {
	for _, a := range caps {
		if a.Pipeline == c.Pipeline && a.Model == c.Model && a.Capacity == 0 {
			return true
		}
	}
	return false
}
