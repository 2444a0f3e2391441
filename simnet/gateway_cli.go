package simnet

import (
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"jobtester/ethaddr"
)

func (g *gateway) cliHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/registeredOrchestrators", g.serveRegisteredOrchestrators)
	mux.HandleFunc("/getOrchestratorAICapabilities", g.serveAICapabilities)
	mux.HandleFunc("/getNetworkCapabilities", g.serveNetworkCapabilities)
	return mux
}

// transcoder is go-livepeer's eth/types.Transcoder. It has no JSON tags, so
// the keys are the field names; *big.Int encodes as a bare number of any
// size and *big.Rat as a string ("1841/20").
type transcoder struct {
	Address                    string
	ServiceURI                 string
	LastRewardRound            *big.Int
	RewardCut                  *big.Int
	FeeShare                   *big.Int
	DelegatedStake             *big.Int
	ActivationRound            *big.Int
	DeactivationRound          *big.Int
	LastActiveStakeUpdateRound *big.Int
	Active                     bool
	Status                     string
	PricePerPixel              *big.Rat
}

// notDeactivating is DeactivationRound for an orchestrator that is not
// leaving: 2^256−1.
var notDeactivating = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// serveRegisteredOrchestrators walks the active transcoder pool, which the
// BondingManager keeps sorted by stake.
func (g *gateway) serveRegisteredOrchestrators(w http.ResponseWriter, r *http.Request) {
	out := []transcoder{}
	for _, o := range g.orchs {
		s := o.spec
		if s.Inactive {
			continue
		}
		stake, _ := new(big.Int).SetString(s.Stake, 10)
		price, _ := new(big.Rat).SetString(s.PricePerPixel)
		deact := notDeactivating
		if s.DeactivationRound > 0 {
			deact = big.NewInt(s.DeactivationRound)
		}
		uri := o.serviceURI
		if g.spec.AIServiceRegistry {
			uri = o.aiServiceURI
		}
		out = append(out, transcoder{
			Address: s.Address, ServiceURI: uri,
			LastRewardRound: big.NewInt(s.LastRewardRound), RewardCut: big.NewInt(s.RewardCut), FeeShare: big.NewInt(s.FeeShare),
			DelegatedStake: stake, ActivationRound: big.NewInt(s.ActivationRound), DeactivationRound: deact,
			LastActiveStakeUpdateRound: big.NewInt(g.currentRound), Active: true, Status: "Registered", PricePerPixel: price,
		})
	}
	slices.SortStableFunc(out, func(a, b transcoder) int {
		if c := b.DelegatedStake.Cmp(a.DelegatedStake); c != 0 {
			return c
		}
		return cmp.Compare(a.Address, b.Address)
	})
	writeJSON(w, http.StatusOK, out)
}

// capabilityCaches hold the two capability endpoints' answers.
type capabilityCaches struct {
	mu        sync.Mutex
	network   *networkCapabilities // nil until the first poll completes
	aiBody    []byte
	aiExpires time.Time
}

// discoverAll asks a pool for its info, as GetOrchestrators/GetInfos do,
// and keeps the answers that came back.
func (g *gateway) discoverAll(ctx context.Context, pool []string) []discovered {
	var ok []discovered
	for _, d := range g.discover(ctx, pool) {
		if d.err == nil {
			ok = append(ok, d)
		}
	}
	return ok
}

// The fork's /getOrchestratorAICapabilities shape.
type aiCapabilities struct {
	Orchestrators []aiCapsOrchestrator `json:"orchestrators"`
}

type aiCapsOrchestrator struct {
	Address   string           `json:"address"`
	Pipelines []aiCapsPipeline `json:"pipelines"`
}

type aiCapsPipeline struct {
	Type   string        `json:"type"`
	Models []aiCapsModel `json:"models"`
}

type aiCapsModel struct {
	Name   string `json:"name"`
	Status struct {
		Cold int `json:"Cold"`
		Warm int `json:"Warm"`
	} `json:"status"`
}

// serveAICapabilities answers from a cache of AICapabilitiesCache, else asks
// the orchestrators live.
func (g *gateway) serveAICapabilities(w http.ResponseWriter, r *http.Request) {
	g.caps.mu.Lock()
	if g.caps.aiBody != nil && time.Now().Before(g.caps.aiExpires) {
		body := g.caps.aiBody
		g.caps.mu.Unlock()
		writeRawJSON(w, body)
		return
	}
	g.caps.mu.Unlock()

	out := aiCapabilities{Orchestrators: []aiCapsOrchestrator{}}
	for _, d := range g.discoverAll(r.Context(), g.pool(r.Context())) {
		oc := aiCapsOrchestrator{Address: d.info.Address, Pipelines: []aiCapsPipeline{}}
		byCap := map[int]*aiCapsPipeline{}
		var caps []int
		for _, m := range d.info.Models {
			p := byCap[m.Capability]
			if p == nil {
				p = &aiCapsPipeline{Type: capabilityNames[m.Capability]}
				byCap[m.Capability] = p
				caps = append(caps, m.Capability)
			}
			var mc aiCapsModel
			mc.Name = m.Model
			if m.Warm {
				mc.Status.Warm = 1
			} else {
				mc.Status.Cold = 1
			}
			p.Models = append(p.Models, mc)
		}
		slices.Sort(caps)
		for _, c := range caps {
			oc.Pipelines = append(oc.Pipelines, *byCap[c])
		}
		out.Orchestrators = append(out.Orchestrators, oc)
	}
	body, err := json.Marshal(out)
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, err.Error())
		return
	}
	g.caps.mu.Lock()
	g.caps.aiBody, g.caps.aiExpires = body, time.Now().Add(g.spec.AICapabilitiesCache.D())
	g.caps.mu.Unlock()
	writeRawJSON(w, body)
}

func writeRawJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
	w.Write([]byte("\n"))
}

// The upstream /getNetworkCapabilities shape: common.NetworkCapabilities
// with net.Capabilities encoded by encoding/json, so every proto field is
// omitempty and map keys are decimal strings.
type networkCapabilities struct {
	CapabilitiesNames map[string]string        `json:"capabilities_names"`
	Orchestrators     []*orchNetworkCapability `json:"orchestrators"`
}

type orchNetworkCapability struct {
	Address            string           `json:"address"`
	LocalAddress       string           `json:"local_address"`
	OrchURI            string           `json:"orch_uri"`
	Capabilities       *netCapabilities `json:"capabilities"`
	PriceInfo          *netPriceInfo    `json:"price_info,omitempty"`
	CapabilitiesPrices []*netPriceInfo  `json:"capabilities_prices"`
	Hardware           []*netHardware   `json:"hardware"`
}

type netCapabilities struct {
	Bitstring   []uint64          `json:"bitstring,omitempty"`
	Mandatories []uint64          `json:"mandatories,omitempty"`
	Capacities  map[string]uint32 `json:"capacities,omitempty"`
	Version     string            `json:"version,omitempty"`
	Constraints *netConstraints   `json:"constraints,omitempty"`
}

type netConstraints struct {
	MinVersion    string                               `json:"minVersion,omitempty"`
	PerCapability map[string]*netCapabilityConstraints `json:"PerCapability,omitempty"`
}

type netCapabilityConstraints struct {
	Models map[string]*netModelConstraint `json:"models,omitempty"`
}

type netModelConstraint struct {
	Warm          bool   `json:"warm,omitempty"`
	Capacity      uint32 `json:"capacity,omitempty"`
	RunnerVersion string `json:"runnerVersion,omitempty"`
	CapacityInUse uint32 `json:"capacityInUse,omitempty"`
}

type netPriceInfo struct {
	PricePerUnit  int64  `json:"pricePerUnit,omitempty"`
	PixelsPerUnit int64  `json:"pixelsPerUnit,omitempty"`
	Capability    uint32 `json:"capability,omitempty"`
	Constraint    string `json:"constraint,omitempty"`
}

type netHardware struct {
	Pipeline string                 `json:"pipeline,omitempty"`
	ModelID  string                 `json:"model_id,omitempty"`
	GPUInfo  map[string]*netGPUInfo `json:"gpu_info,omitempty"`
}

type netGPUInfo struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	Major       uint32 `json:"major,omitempty"`
	Minor       uint32 `json:"minor,omitempty"`
	MemoryFree  int64  `json:"memory_free,omitempty"`
	MemoryTotal int64  `json:"memory_total,omitempty"`
}

// refreshNetworkCapabilities fills the /getNetworkCapabilities cache, like
// DBOrchestratorPoolCache.cacheOrchInfos: it polls the webhook's
// orchestrators, or the active ones. Unlike go-livepeer, a webhook that has
// never answered (the tester is not up yet) does not leave the cache empty
// for 25 minutes: the active orchestrators stand in until it does.
func (g *gateway) refreshNetworkCapabilities() {
	ctx, cancel := context.WithTimeout(g.ctx, webhookTimeout+2*g.spec.DiscoveryTimeout.D())
	defer cancel()
	pool := g.pool(ctx)
	g.hookMu.Lock()
	if g.webhook != "" && !g.haveList {
		pool = g.activeURIs()
	}
	g.hookMu.Unlock()
	caps := g.buildNetworkCapabilities(ctx, pool)
	if g.ctx.Err() != nil {
		return
	}
	g.caps.mu.Lock()
	g.caps.network = caps
	g.caps.mu.Unlock()
}

// pollNetworkCapabilities refreshes the cache every CapabilitiesRefresh;
// the first refresh is done by Start.
func (g *gateway) pollNetworkCapabilities() {
	for {
		t := time.NewTimer(g.spec.CapabilitiesRefresh.D())
		select {
		case <-g.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		g.refreshNetworkCapabilities()
	}
}

func (g *gateway) buildNetworkCapabilities(ctx context.Context, pool []string) *networkCapabilities {
	out := &networkCapabilities{CapabilitiesNames: map[string]string{}, Orchestrators: []*orchNetworkCapability{}}
	for c, name := range capabilityNames {
		out.CapabilitiesNames[strconv.Itoa(c)] = name
	}
	for _, d := range g.discoverAll(ctx, pool) {
		addr := ethaddr.Address(d.info.Address).Checksum()
		oc := &orchNetworkCapability{
			Address: addr, LocalAddress: addr, OrchURI: d.info.ServiceURI,
			Capabilities: &netCapabilities{
				Capacities: map[string]uint32{}, Version: d.info.Version,
				Constraints: &netConstraints{PerCapability: map[string]*netCapabilityConstraints{}},
			},
			PriceInfo:          &netPriceInfo{PixelsPerUnit: 1},
			CapabilitiesPrices: []*netPriceInfo{},
			Hardware:           []*netHardware{},
		}
		var bits uint64
		for i, m := range d.info.Models {
			key := strconv.Itoa(m.Capability)
			bits |= 1 << uint(m.Capability)
			oc.Capabilities.Capacities[key] += uint32(m.Capacity)
			pc := oc.Capabilities.Constraints.PerCapability[key]
			if pc == nil {
				pc = &netCapabilityConstraints{Models: map[string]*netModelConstraint{}}
				oc.Capabilities.Constraints.PerCapability[key] = pc
			}
			pc.Models[m.Model] = &netModelConstraint{Warm: m.Warm, Capacity: uint32(m.Capacity), RunnerVersion: runnerVersion, CapacityInUse: uint32(m.InUse)}
			oc.CapabilitiesPrices = append(oc.CapabilitiesPrices, &netPriceInfo{PricePerUnit: m.PricePerUnit, PixelsPerUnit: m.PixelsPerUnit, Capability: uint32(m.Capability), Constraint: m.Model})
			p, _ := pipelineByRoute(m.Pipeline)
			oc.Hardware = append(oc.Hardware, &netHardware{Pipeline: p.Route, ModelID: m.Model, GPUInfo: map[string]*netGPUInfo{
				"0": {ID: gpuID(d.info.Address, i), Name: d.info.GPU, Major: 8, Minor: 9, MemoryFree: 20 << 30, MemoryTotal: 24 << 30},
			}})
		}
		oc.Capabilities.Bitstring = []uint64{bits}
		out.Orchestrators = append(out.Orchestrators, oc)
	}
	return out
}

// gpuID makes a stable GPU UUID for an orchestrator's i-th runner.
func gpuID(address string, i int) string {
	h := keccak256([]byte(address + "/" + strconv.Itoa(i)))
	return "GPU-" + hex.EncodeToString(h[0:4]) + "-" + hex.EncodeToString(h[4:6]) + "-" + hex.EncodeToString(h[6:8]) + "-" + hex.EncodeToString(h[8:10]) + "-" + hex.EncodeToString(h[10:16])
}

// serveNetworkCapabilities answers from the polled cache. Before the first
// poll it does what go-livepeer does: a 500 with "network capabilities not
// available", followed (the handler does not return) by the JSON.
func (g *gateway) serveNetworkCapabilities(w http.ResponseWriter, r *http.Request) {
	g.caps.mu.Lock()
	caps := g.caps.network
	g.caps.mu.Unlock()
	if caps == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("network capabilities not available\n"))
		_ = json.NewEncoder(w).Encode(&networkCapabilities{CapabilitiesNames: map[string]string{}, Orchestrators: []*orchNetworkCapability{}})
		return
	}
	writeJSON(w, http.StatusOK, caps)
}
