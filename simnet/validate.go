package simnet

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"strings"
	"time"

	"jobtester/ethaddr"
)

// Defaults applied by Start to zero fields.
const (
	defaultCurrentRound        = 3950
	defaultGatewayName         = "gateway"
	defaultRetryTimeout        = 2 * time.Second
	defaultDiscoveryTimeout    = 500 * time.Millisecond
	defaultMediaTTL            = 5 * time.Minute
	defaultCapabilitiesRefresh = 25 * time.Minute
	defaultAICapabilitiesCache = 120 * time.Second
	defaultColdStart           = 20 * time.Second
	defaultGPU                 = "NVIDIA GeForce RTX 4090"
	// maxLatency bounds scenario durations so that a typo ("2000s" for
	// "2000ms") is caught rather than hanging a test for half an hour.
	maxLatency = time.Hour
)

// AI service URI modes.
const (
	aiURISame     = "same"
	aiURINone     = "none"
	aiURISeparate = "separate"
)

// Validate checks a scenario and returns every problem found, each naming
// the gateway or orchestrator (by index and name) and the field.
func (sc Scenario) Validate() error {
	var errs []error
	bad := func(where, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
	}
	if sc.CurrentRound < 0 {
		bad("current_round", "must not be negative, got %d", sc.CurrentRound)
	}
	gwNames := map[string]bool{}
	for i, g := range sc.Gateways {
		validateGateway(bad, i, g, gwNames)
	}
	names, addrs := map[string]bool{}, map[string]string{}
	for i, o := range sc.Orchestrators {
		where := validateOrchestrator(bad, i, o, names, addrs)
		pairs := map[string]bool{}
		for j, m := range o.Models {
			validateModel(bad, fmt.Sprintf("%s models[%d]", where, j), m, pairs)
		}
	}
	return errors.Join(errs...)
}

// validateGateway checks gateway i; names collects the names seen so far.
func validateGateway(bad func(string, string, ...any), i int, g GatewaySpec, names map[string]bool) {
	where := fmt.Sprintf("gateways[%d] %q", i, g.Name)
	switch {
	case g.Name == "":
		bad(where, "name is required")
	case names[g.Name]:
		bad(where, "name is used twice")
	case strings.ContainsAny(g.Name, "/ \t\n"):
		bad(where, "name must not contain spaces or slashes")
	}
	names[g.Name] = true
	if g.Webhook != "" {
		if err := checkWebhookURL(g.Webhook); err != nil {
			bad(where, "webhook: %v", err)
		}
	}
	for _, p := range []struct {
		name string
		v    int
	}{{"cli_port", g.CLIPort}, {"http_port", g.HTTPPort}, {"mediamtx_api_port", g.MediaMTXAPIPort}} {
		if p.v < 0 || p.v > 65535 {
			bad(where, "%s %d is not a port", p.name, p.v)
		}
	}
	if g.CLIPort != 0 && g.CLIPort == g.HTTPPort {
		bad(where, "cli_port and http_port are both %d", g.CLIPort)
	}
	checkRate(bad, where, "no_orchestrator_503_rate", g.NoOrchestrator503Rate)
	for _, d := range []struct {
		name string
		v    Duration
	}{{"retry_timeout", g.RetryTimeout}, {"discovery_timeout", g.DiscoveryTimeout}, {"media_ttl", g.MediaTTL}, {"capabilities_refresh", g.CapabilitiesRefresh}, {"ai_capabilities_cache", g.AICapabilitiesCache}, {"live_output_timeout", g.LiveOutputTimeout}} {
		if d.v < 0 {
			bad(where, "%s must not be negative, got %s", d.name, d.v)
		}
	}
}

// validateOrchestrator checks orchestrator i but for its models, and
// returns how errors name it; names and addrs collect what is taken.
func validateOrchestrator(bad func(string, string, ...any), i int, o OrchestratorSpec, names map[string]bool, addrs map[string]string) string {
	where := fmt.Sprintf("orchestrators[%d] %q", i, o.Name)
	switch {
	case o.Name == "":
		bad(where, "name is required")
	case names[o.Name]:
		bad(where, "name is used twice")
	}
	names[o.Name] = true
	addr := o.Address
	if addr == "" {
		addr = deriveAddress(o.Name)
	} else if a, ok := ethaddr.Normalize(addr); ok {
		addr = a
	} else {
		bad(where, "address %q is not 0x and 40 hex digits", o.Address)
	}
	if other, dup := addrs[addr]; dup {
		bad(where, "address %s is also %q's", addr, other)
	}
	addrs[addr] = o.Name
	switch o.AIServiceURI {
	case "", aiURISame, aiURINone, aiURISeparate:
	default:
		bad(where, "ai_service_uri %q: want same, none or separate", o.AIServiceURI)
	}
	if o.Stake != "" {
		if v, ok := new(big.Int).SetString(o.Stake, 10); !ok || v.Sign() < 0 {
			bad(where, "stake %q is not a non-negative decimal integer", o.Stake)
		}
	}
	if o.PricePerPixel != "" {
		if v, ok := new(big.Rat).SetString(o.PricePerPixel); !ok || v.Sign() < 0 {
			bad(where, "price_per_pixel %q is not a non-negative rational like \"1841/20\"", o.PricePerPixel)
		}
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"reward_cut", o.RewardCut}, {"fee_share", o.FeeShare}} {
		if f.v < 0 || f.v > 1_000_000 {
			bad(where, "%s %d is not in parts per million [0, 1000000]", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"activation_round", o.ActivationRound}, {"last_reward_round", o.LastRewardRound}, {"deactivation_round", o.DeactivationRound}} {
		if f.v < 0 {
			bad(where, "%s must not be negative, got %d", f.name, f.v)
		}
	}
	if off := o.Offline; off != nil {
		if off.AfterRequests < 0 {
			bad(where, "offline.after_requests must not be negative, got %d", off.AfterRequests)
		}
		if off.After < 0 || off.For < 0 {
			bad(where, "offline durations must not be negative")
		}
		if off.AfterRequests == 0 && off.After == 0 {
			bad(where, "offline needs after_requests or after")
		}
	}
	if len(o.Models) == 0 {
		bad(where, "models: at least one model is required")
	}
	return where
}

// validateModel checks one model of an orchestrator; pairs collects the
// pipeline/model pairs it already lists.
func validateModel(bad func(string, string, ...any), mwhere string, m ModelSpec, pairs map[string]bool) {
	p, ok := pipelineByRoute(m.Pipeline)
	if !ok {
		bad(mwhere, "pipeline %q is not a batch pipeline (%s) or %s", m.Pipeline, routeList(), liveRoute)
	}
	if m.Live != nil && m.Pipeline != liveRoute {
		bad(mwhere, "live applies only to %s, not %s", liveRoute, m.Pipeline)
	}
	if m.Model == "" {
		bad(mwhere, "model is required")
	}
	if pairs[m.Pipeline+"\x00"+m.Model] {
		bad(mwhere, "%s %s is listed twice", m.Pipeline, m.Model)
	}
	pairs[m.Pipeline+"\x00"+m.Model] = true
	if m.Capacity < 0 {
		bad(mwhere, "capacity must not be negative, got %d", m.Capacity)
	}
	if m.PricePerUnit < 0 || m.PixelsPerUnit < 0 {
		bad(mwhere, "price_per_unit and pixels_per_unit must not be negative")
	}
	if m.Pipeline == liveRoute {
		if m.Cheat != nil {
			bad(mwhere, "cheat applies to batch pipelines, not %s (its cheats are live profiles)", liveRoute)
		}
		validateLive(bad, mwhere, m)
		return
	}
	if ok && m.Cheat != nil {
		validateCheat(bad, mwhere, p, m.Cheat)
	}
	if m.Latency.Median < 0 || m.Latency.Median.D() > maxLatency {
		bad(mwhere, "latency.median %s is not in [0, %s]", m.Latency.Median, maxLatency)
	}
	if m.Latency.Spread < 0 || m.Latency.Spread > 3 || math.IsNaN(m.Latency.Spread) {
		bad(mwhere, "latency.spread %v is not in [0, 3]", m.Latency.Spread)
	}
	if m.ColdStart < 0 || m.ColdStart.D() > maxLatency {
		bad(mwhere, "cold_start %s is not in [0, %s]", m.ColdStart, maxLatency)
	}
	checkRate(bad, mwhere, "failure_rate", m.FailureRate)
	checkRate(bad, mwhere, "no_capacity_rate", m.NoCapacityRate)
	checkRate(bad, mwhere, "wrong_size_rate", m.WrongSizeRate)
	if ok && m.WrongSizeRate > 0 && !p.Output.resizable() {
		bad(mwhere, "wrong_size_rate applies only to image and video pipelines, not %s", m.Pipeline)
	}
}

func checkRate(bad func(string, string, ...any), where, name string, v float64) {
	if !(v >= 0 && v <= 1) {
		bad(where, "%s %v is not in [0, 1]", name, v)
	}
}

func checkWebhookURL(s string) error {
	u, err := url.ParseRequestURI(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

func routeList() string {
	var r []string
	for _, p := range pipelines {
		r = append(r, p.Route)
	}
	return strings.Join(r, ", ")
}

// withDefaults returns a copy of the scenario with every documented default
// filled in. It assumes Validate passed.
func (sc Scenario) withDefaults() Scenario {
	out := sc
	if out.CurrentRound == 0 {
		out.CurrentRound = defaultCurrentRound
	}
	out.Gateways = append([]GatewaySpec(nil), sc.Gateways...)
	if len(out.Gateways) == 0 {
		out.Gateways = []GatewaySpec{{Name: defaultGatewayName}}
	}
	for i := range out.Gateways {
		g := &out.Gateways[i]
		if g.RetryTimeout == 0 {
			g.RetryTimeout = Duration(defaultRetryTimeout)
		}
		if g.DiscoveryTimeout == 0 {
			g.DiscoveryTimeout = Duration(defaultDiscoveryTimeout)
		}
		if g.MediaTTL == 0 {
			g.MediaTTL = Duration(defaultMediaTTL)
		}
		if g.CapabilitiesRefresh == 0 {
			g.CapabilitiesRefresh = Duration(defaultCapabilitiesRefresh)
		}
		if g.AICapabilitiesCache == 0 {
			g.AICapabilitiesCache = Duration(defaultAICapabilitiesCache)
		}
		if g.LiveOutputTimeout == 0 {
			g.LiveOutputTimeout = Duration(defaultLiveOutputTimeout)
		}
	}
	out.Orchestrators = make([]OrchestratorSpec, len(sc.Orchestrators))
	for i, o := range sc.Orchestrators {
		if o.Address == "" {
			o.Address = deriveAddress(o.Name)
		}
		o.Address, _ = ethaddr.Normalize(o.Address)
		if o.AIServiceURI == "" {
			o.AIServiceURI = aiURISame
		}
		if o.Stake == "" {
			// 100k LPT for the first, falling by 2.5k each: a pool ordered
			// as the scenario lists it.
			stake := new(big.Int).Mul(big.NewInt(100_000-2_500*int64(i%39)), big.NewInt(1e18))
			o.Stake = stake.String()
		}
		if o.PricePerPixel == "" {
			o.PricePerPixel = "0"
		}
		if o.ActivationRound == 0 {
			o.ActivationRound = max(out.CurrentRound-100, 0)
		}
		if o.LastRewardRound == 0 {
			o.LastRewardRound = out.CurrentRound
		}
		if o.GPU == "" {
			o.GPU = defaultGPU
		}
		if o.Offline != nil {
			off := *o.Offline
			o.Offline = &off
		}
		o.Models = append([]ModelSpec(nil), o.Models...)
		for j := range o.Models {
			m := &o.Models[j]
			p, _ := pipelineByRoute(m.Pipeline)
			if m.Capacity == 0 {
				m.Capacity = 1
			}
			if m.PixelsPerUnit == 0 {
				m.PixelsPerUnit = 1
			}
			if m.Pipeline == liveRoute {
				liveDefaults(m)
				continue
			}
			if m.Latency.Median == 0 {
				m.Latency.Median = Duration(p.Latency)
			}
			if m.ColdStart == 0 {
				m.ColdStart = Duration(defaultColdStart)
			}
		}
		out.Orchestrators[i] = o
	}
	return out
}
