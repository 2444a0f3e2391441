package simnet

import (
	"time"
)

// Truth is what the network really is: every orchestrator's identity, URIs
// and, per pipeline and model, its true behaviour. Latencies are wall-clock
// milliseconds as run (the scenario's simulated values × time_scale), so
// they compare directly with what a tester measures.
type Truth struct {
	Seed          int64               `json:"seed"`
	TimeScale     float64             `json:"time_scale"`
	Started       time.Time           `json:"started"`
	Gateways      []GatewayTruth      `json:"gateways"`
	Orchestrators []OrchestratorTruth `json:"orchestrators"`
	// LiveStreams is every live start request the gateways answered, in
	// the order they answered them.
	LiveStreams []LiveStreamTruth `json:"live_streams"`
}

type GatewayTruth struct {
	Name                  string  `json:"name"`
	CLIURL                string  `json:"cli_url"`
	HTTPURL               string  `json:"http_url"`
	Webhook               string  `json:"webhook"`
	AIServiceRegistry     bool    `json:"ai_service_registry"`
	NoOrchestrator503Rate float64 `json:"no_orchestrator_503_rate"`
	RetryTimeoutMS        float64 `json:"retry_timeout_ms"`
	DiscoveryTimeoutMS    float64 `json:"discovery_timeout_ms"`
	MediaTTLMS            float64 `json:"media_ttl_ms"`
}

type OrchestratorTruth struct {
	Name  string `json:"name"`
	Label string `json:"label,omitempty"`
	// Address is lowercase hex, the join key.
	Address    string `json:"address"`
	ServiceURI string `json:"service_uri"`
	// AIServiceURI is "" when the orchestrator never registered in the AI
	// service registry.
	AIServiceURI  string `json:"ai_service_uri"`
	Active        bool   `json:"active"`
	Stake         string `json:"stake"`
	PricePerPixel string `json:"price_per_pixel"`
	// Offline is the orchestrator's offline window, if it has one.
	Offline *OfflineTruth `json:"offline,omitempty"`
	// JobsTaken counts the jobs it took on so far (capacity refusals
	// excluded).
	JobsTaken int          `json:"jobs_taken"`
	Models    []ModelTruth `json:"models"`
}

type OfflineTruth struct {
	AfterRequests int     `json:"after_requests,omitempty"`
	AfterMS       float64 `json:"after_ms,omitempty"`
	// ForMS is how long it stays away; 0 is for good.
	ForMS float64 `json:"for_ms"`
	// Since is when it went offline, nil while it has not (yet).
	Since *time.Time `json:"since,omitempty"`
	// OfflineNow is whether its listeners are closed at this moment.
	OfflineNow bool `json:"offline_now"`
}

type ModelTruth struct {
	// Pipeline is the display name ("Text to image"); Route the gateway
	// path ("text-to-image").
	Pipeline   string `json:"pipeline"`
	Route      string `json:"route"`
	Capability int    `json:"capability"`
	Model      string `json:"model"`
	// Advertised: gateways can select it and a tester should test it.
	Advertised bool `json:"advertised"`
	// Broken: advertised, but every job fails.
	Broken bool `json:"broken"`
	// Warm is the state it was advertised in at the start.
	Warm     bool `json:"warm"`
	Capacity int  `json:"capacity"`
	// Latency is lognormal: median and spread (σ of its natural log).
	LatencyMedianMS float64 `json:"latency_median_ms"`
	LatencySpread   float64 `json:"latency_spread"`
	ColdStartMS     float64 `json:"cold_start_ms"`
	FailureRate     float64 `json:"failure_rate"`
	NoCapacityRate  float64 `json:"no_capacity_rate"`
	WrongSizeRate   float64 `json:"wrong_size_rate"`
	PricePerUnit    int64   `json:"price_per_unit"`
	PixelsPerUnit   int64   `json:"pixels_per_unit"`
	// Cheat is the model's cheat, nil for an honest one.
	Cheat *CheatTruth `json:"cheat,omitempty"`
	// Live is a live-video-to-video model's injected behaviour (its
	// latency, cold and rate fields do not apply).
	Live *LiveProfileTruth `json:"live,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (n *Network) buildTruth() Truth {
	t := Truth{Seed: n.opts.Seed, TimeScale: n.opts.TimeScale, Started: n.started, Gateways: []GatewayTruth{}, Orchestrators: []OrchestratorTruth{}}
	for _, g := range n.gateways {
		t.Gateways = append(t.Gateways, GatewayTruth{
			Name: g.spec.Name, CLIURL: g.cliURL, HTTPURL: g.apiURL, Webhook: g.webhookURL(),
			AIServiceRegistry: g.spec.AIServiceRegistry, NoOrchestrator503Rate: g.spec.NoOrchestrator503Rate,
			RetryTimeoutMS: ms(g.retryTimeout()), DiscoveryTimeoutMS: ms(g.spec.DiscoveryTimeout.D()),
			MediaTTLMS: ms(g.spec.MediaTTL.D()),
		})
	}
	for _, o := range n.orchs {
		s := o.spec
		offline, offlineAt, jobs := o.snapshot()
		ot := OrchestratorTruth{
			Name: s.Name, Label: s.Label, Address: s.Address, ServiceURI: o.serviceURI, AIServiceURI: o.aiServiceURI,
			Active: !s.Inactive, Stake: s.Stake, PricePerPixel: s.PricePerPixel, JobsTaken: jobs, Models: []ModelTruth{},
		}
		if off := s.Offline; off != nil {
			ot.Offline = &OfflineTruth{
				AfterRequests: off.AfterRequests, AfterMS: ms(n.scale.of(off.After.D())), ForMS: ms(n.scale.of(off.For.D())),
				OfflineNow: offline,
			}
			if !offlineAt.IsZero() {
				ot.Offline.Since = &offlineAt
			}
		}
		for _, m := range s.Models {
			p, _ := pipelineByRoute(m.Pipeline)
			ot.Models = append(ot.Models, ModelTruth{
				Pipeline: p.Name, Route: p.Route, Capability: p.Capability, Model: m.Model,
				Advertised: !m.Unadvertised, Broken: m.Broken, Warm: !m.Cold, Capacity: m.advertisedCapacity(),
				LatencyMedianMS: ms(n.scale.of(m.Latency.Median.D())), LatencySpread: m.Latency.Spread,
				ColdStartMS: ms(n.scale.of(m.ColdStart.D())), FailureRate: m.FailureRate,
				NoCapacityRate: m.NoCapacityRate, WrongSizeRate: m.WrongSizeRate,
				PricePerUnit: m.PricePerUnit, PixelsPerUnit: m.PixelsPerUnit, Live: m.Live.truth(),
				Cheat: n.cheatTruth(m),
			})
		}
		t.Orchestrators = append(t.Orchestrators, ot)
	}
	t.LiveStreams = n.liveTruth()
	return t
}

// CheatTruth is a cheating model's cheat, its defaults filled in. For
// tester_aware, the model's own latency and failure rate are what the
// tester gets; real traffic gets RealLatencyMedianMS and
// RealFailureRate.
type CheatTruth struct {
	Kind  string  `json:"kind"`
	Rate  float64 `json:"rate"`
	Model string  `json:"model,omitempty"` // cheap_model: what really runs
	Key   string  `json:"key,omitempty"`   // replay
	// tester_aware only.
	RealLatencyMedianMS float64  `json:"real_latency_median_ms,omitempty"`
	RealFailureRate     float64  `json:"real_failure_rate,omitempty"`
	Fingerprints        []string `json:"fingerprints,omitempty"`
}

func (n *Network) cheatTruth(m ModelSpec) *CheatTruth {
	c := cheatDefaults(m.Cheat, m.Model)
	if c == nil {
		return nil
	}
	t := &CheatTruth{Kind: c.Kind, Rate: c.Rate, Model: c.Model, Key: c.Key}
	if c.Kind == CheatTesterAware {
		t.Rate = 1
		t.RealLatencyMedianMS = ms(n.scale.of(m.Latency.Median.D())) * c.RealLatencyFactor
		t.RealFailureRate = min(m.FailureRate+c.RealFailureRate, 1)
		t.Fingerprints = testerFingerprints
	}
	return t
}
