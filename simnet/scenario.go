package simnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Scenario describes a simulated network: its gateways and its
// orchestrators with the behaviour of each model they run. Zero values mean
// "the default" wherever a default is documented. Durations are simulated
// time: Options.TimeScale multiplies them (latencies, cold starts, the
// gateway's retry timeout, offline times), except where a field says it is
// wall-clock time.
//
// Example (YAML; JSON has the same keys):
//
//	gateways:
//	  - name: gw-1
//	    webhook: http://127.0.0.1:8080/webhook/gw-1
//	orchestrators:
//	  - name: speedy
//	    price_per_pixel: "1841/20"
//	    models:
//	      - pipeline: text-to-image
//	        model: ByteDance/SDXL-Lightning
//	        latency: {median: 1.2s, spread: 0.2}
//	      - pipeline: llm
//	        model: meta-llama/llama-3.1-8B-Instruct
//	        failure_rate: 0.1
//	  - name: sleepy
//	    offline: {after_requests: 5}
//	    models:
//	      - {pipeline: upscale, model: stabilityai/stable-diffusion-x4-upscaler, cold: true, cold_start: 40s}
type Scenario struct {
	// CurrentRound is the protocol round; default 3950.
	CurrentRound  int64              `yaml:"current_round,omitempty" json:"current_round,omitempty"`
	Gateways      []GatewaySpec      `yaml:"gateways,omitempty" json:"gateways,omitempty"`
	Orchestrators []OrchestratorSpec `yaml:"orchestrators" json:"orchestrators"`
}

// GatewaySpec is one simulated gateway. A scenario without gateways gets one
// named "gateway".
type GatewaySpec struct {
	Name string `yaml:"name" json:"name"`
	// Webhook is the -orchWebhookUrl: fetched before every batch request;
	// only the orchestrators whose URIs it returns are eligible. Empty: every
	// active orchestrator is eligible.
	Webhook string `yaml:"webhook,omitempty" json:"webhook,omitempty"`
	// CLIPort and HTTPPort fix the listeners' ports; 0 picks free ones.
	CLIPort  int `yaml:"cli_port,omitempty" json:"cli_port,omitempty"`
	HTTPPort int `yaml:"http_port,omitempty" json:"http_port,omitempty"`
	// AIServiceRegistry makes /registeredOrchestrators report each
	// orchestrator's AI-registry URI as ServiceURI, and routes to those URIs
	// without a webhook (go-livepeer -aiServiceRegistry).
	AIServiceRegistry bool `yaml:"ai_service_registry,omitempty" json:"ai_service_registry,omitempty"`
	// RetryTimeout is -aiProcessingRetryTimeout (default 2s, simulated, but
	// never under 100 ms of wall-clock time so that loopback round trips do
	// not eat it at small time scales): checked before each try after the
	// first; once past, the request ends in a 503.
	RetryTimeout Duration `yaml:"retry_timeout,omitempty" json:"retry_timeout,omitempty"`
	// NoOrchestrator503Rate is the fraction of requests with no selectable
	// orchestrator that get a proper 503 "no orchestrators available" (the
	// fix of go-livepeer PR #3939). The rest, by default all, get the
	// upstream bug: the connection is closed with no HTTP response.
	NoOrchestrator503Rate float64 `yaml:"no_orchestrator_503_rate,omitempty" json:"no_orchestrator_503_rate,omitempty"`
	// DiscoveryTimeout is how long an orchestrator has to answer the
	// gateway's info request before it is dropped from the request's
	// selection, wall-clock (default 500ms, -discoveryTimeout). Raise it for
	// tests on a loaded machine, where loopback can be that slow.
	DiscoveryTimeout Duration `yaml:"discovery_timeout,omitempty" json:"discovery_timeout,omitempty"`
	// MediaTTL is how long /stream/ results stay fetchable, in wall-clock
	// time (default 5m): the fetch that follows a response is real, not
	// simulated.
	MediaTTL Duration `yaml:"media_ttl,omitempty" json:"media_ttl,omitempty"`
	// CapabilitiesRefresh is how often /getNetworkCapabilities' cache is
	// re-polled, wall-clock (default 25m, -liveAICapReportInterval).
	CapabilitiesRefresh Duration `yaml:"capabilities_refresh,omitempty" json:"capabilities_refresh,omitempty"`
	// AICapabilitiesCache is how long /getOrchestratorAICapabilities
	// reuses an answer, wall-clock (default 120s, as the fork; 1ns
	// effectively disables it).
	AICapabilitiesCache Duration `yaml:"ai_capabilities_cache,omitempty" json:"ai_capabilities_cache,omitempty"`
	// LiveOutputTimeout is the live output watchdog, wall-clock (default
	// 30s, -liveOutSegmentTimeout): a stream with no output frame this long
	// after its orchestrator's startup delay is given up ("timeout waiting
	// for segments").
	LiveOutputTimeout Duration `yaml:"live_output_timeout,omitempty" json:"live_output_timeout,omitempty"`
	// MediaMTXAPIPort is the port of the MediaMTX control API the gateway
	// kicks a live stream's publisher through, on the host that called its
	// start hook (go-livepeer hard-codes 9997, the default); the gateway
	// sends basic auth admin:MediaMTXAPIPassword (-mediaMTXApiPassword).
	MediaMTXAPIPort     int    `yaml:"mediamtx_api_port,omitempty" json:"mediamtx_api_port,omitempty"`
	MediaMTXAPIPassword string `yaml:"mediamtx_api_password,omitempty" json:"mediamtx_api_password,omitempty"`
}

// OrchestratorSpec is one simulated orchestrator: its chain data and the
// models it runs.
type OrchestratorSpec struct {
	Name string `yaml:"name" json:"name"`
	// Label is a free note for people reading the truth ("healthy",
	// "flaky", …); simnet does nothing with it.
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
	// Address is the ETH address (any case); default derived from Name.
	Address string `yaml:"address,omitempty" json:"address,omitempty"`
	// Inactive leaves it out of the active transcoder pool: not in
	// /registeredOrchestrators and not eligible without a webhook. It still
	// runs and serves when a webhook names it.
	Inactive bool `yaml:"inactive,omitempty" json:"inactive,omitempty"`
	// AIServiceURI says what the AIServiceRegistry holds for it: "same" (the
	// service URI; default), "none" (never registered there), or "separate"
	// (a second listener of its own).
	AIServiceURI string `yaml:"ai_service_uri,omitempty" json:"ai_service_uri,omitempty"`
	// Stake is the delegated stake in LPT wei, a decimal integer of any
	// size; default decreases with the orchestrator's position.
	Stake string `yaml:"stake,omitempty" json:"stake,omitempty"`
	// RewardCut and FeeShare are in parts per million.
	RewardCut int64 `yaml:"reward_cut,omitempty" json:"reward_cut,omitempty"`
	FeeShare  int64 `yaml:"fee_share,omitempty" json:"fee_share,omitempty"`
	// PricePerPixel is a rational in wei ("0", "1200", "1841/20").
	PricePerPixel string `yaml:"price_per_pixel,omitempty" json:"price_per_pixel,omitempty"`
	// ActivationRound defaults to CurrentRound−100; LastRewardRound to
	// CurrentRound. DeactivationRound 0 means not deactivating (2^256−1).
	ActivationRound   int64 `yaml:"activation_round,omitempty" json:"activation_round,omitempty"`
	LastRewardRound   int64 `yaml:"last_reward_round,omitempty" json:"last_reward_round,omitempty"`
	DeactivationRound int64 `yaml:"deactivation_round,omitempty" json:"deactivation_round,omitempty"`
	// GPU is the name in /getNetworkCapabilities' hardware info.
	GPU     string       `yaml:"gpu,omitempty" json:"gpu,omitempty"`
	Offline *OfflineSpec `yaml:"offline,omitempty" json:"offline,omitempty"`
	Models  []ModelSpec  `yaml:"models" json:"models"`
}

// OfflineSpec takes an orchestrator off the network mid-run: its listeners
// close, so connections are refused. Whichever of AfterRequests and After
// comes first triggers it.
type OfflineSpec struct {
	// AfterRequests: after this many jobs were taken on (whatever their
	// outcome; refusals for capacity do not count).
	AfterRequests int `yaml:"after_requests,omitempty" json:"after_requests,omitempty"`
	// After: this long after the network starts (simulated).
	After Duration `yaml:"after,omitempty" json:"after,omitempty"`
	// For: how long it stays away (simulated); 0 is for good.
	For Duration `yaml:"for,omitempty" json:"for,omitempty"`
}

// ModelSpec is one pipeline/model an orchestrator runs, and how it behaves.
type ModelSpec struct {
	// Pipeline is the gateway route: text-to-image, image-to-image,
	// image-to-video, upscale, audio-to-text, segment-anything-2, llm,
	// image-to-text, text-to-speech; or live-video-to-video, whose
	// behaviour is Live (the batch fields latency, cold, cold_start,
	// failure_rate, no_capacity_rate, wrong_size_rate and broken do not
	// apply to it; capacity is streams at once).
	Pipeline string `yaml:"pipeline" json:"pipeline"`
	Model    string `yaml:"model" json:"model"`
	// Unadvertised runs the model without advertising it: no gateway can
	// select it, and a tester must not test it.
	Unadvertised bool `yaml:"unadvertised,omitempty" json:"unadvertised,omitempty"`
	// Cold advertises the model as not warm; the first job pays ColdStart
	// (default 20s) on top of its latency, and the model is warm after.
	Cold      bool     `yaml:"cold,omitempty" json:"cold,omitempty"`
	ColdStart Duration `yaml:"cold_start,omitempty" json:"cold_start,omitempty"`
	// Capacity is how many jobs run at once (default 1); one more is
	// refused with "insufficient capacity".
	Capacity int     `yaml:"capacity,omitempty" json:"capacity,omitempty"`
	Latency  Latency `yaml:"latency,omitempty" json:"latency,omitempty"`
	// FailureRate is the fraction of jobs that fail (500 from the
	// orchestrator). NoCapacityRate is the fraction refused with
	// "insufficient capacity" whatever the load. WrongSizeRate is the
	// fraction of successful image/video jobs whose output is half the
	// requested size.
	FailureRate    float64 `yaml:"failure_rate,omitempty" json:"failure_rate,omitempty"`
	NoCapacityRate float64 `yaml:"no_capacity_rate,omitempty" json:"no_capacity_rate,omitempty"`
	WrongSizeRate  float64 `yaml:"wrong_size_rate,omitempty" json:"wrong_size_rate,omitempty"`
	// Broken: advertised, but every job fails.
	Broken bool `yaml:"broken,omitempty" json:"broken,omitempty"`
	// PricePerUnit and PixelsPerUnit are advertised in capabilities_prices
	// (PixelsPerUnit default 1).
	PricePerUnit  int64 `yaml:"price_per_unit,omitempty" json:"price_per_unit,omitempty"`
	PixelsPerUnit int64 `yaml:"pixels_per_unit,omitempty" json:"pixels_per_unit,omitempty"`
	// Cheat makes the model cheat (docs/simnet.md, "Cheats"); batch
	// pipelines only.
	Cheat *CheatSpec `yaml:"cheat,omitempty" json:"cheat,omitempty"`
	// Live is how a live-video-to-video model behaves (default: an honest
	// model that stylizes every frame at once); live-video-to-video only.
	// Its durations are wall-clock.
	Live *LiveProfile `yaml:"live,omitempty" json:"live,omitempty"`
}

// Latency is a lognormal distribution: Median (default per pipeline) and
// Spread, the standard deviation of the latency's natural log (0: always the
// median; 0.5: a quarter of jobs take over 1.4× the median).
type Latency struct {
	Median Duration `yaml:"median,omitempty" json:"median,omitempty"`
	Spread float64  `yaml:"spread,omitempty" json:"spread,omitempty"`
}

// LoadScenario reads a scenario from a YAML (.yaml, .yml) or JSON (.json)
// file. Decoding is strict: an unknown field is an error that names it. The
// scenario is then validated; errors name the orchestrator and field.
func LoadScenario(path string) (Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, fmt.Errorf("read scenario: %w", err)
	}
	var sc Scenario
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".yaml", ".yml":
		err = decodeYAML(data, &sc)
	case ".json":
		err = decodeJSON(data, &sc)
	default:
		return Scenario{}, fmt.Errorf("scenario %s: unknown extension %q (want .yaml, .yml or .json)", path, ext)
	}
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario %s: %w", path, err)
	}
	if err := sc.Validate(); err != nil {
		return Scenario{}, fmt.Errorf("scenario %s: %w", path, err)
	}
	return sc, nil
}

func decodeYAML(data []byte, sc *Scenario) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(sc); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty file")
		}
		return err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("more than one YAML document")
	}
	return nil
}

func decodeJSON(data []byte, sc *Scenario) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(sc); err != nil {
		return err
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON object")
	}
	return nil
}
