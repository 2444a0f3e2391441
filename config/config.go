package config

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Config is every setting of the program, grouped by the part of the
// program that reads it. The groups are embedded, so a setting is read as
// cfg.Addr, cfg.Region and so on whatever its group.
type Config struct {
	Server
	Storage
	Ingest
	Tester
	Chain
	Admin
	Live
	Demo
}

// Server is the HTTP server and the process around it.
type Server struct {
	Addr            string
	Instance        string // "" until Load names it (InstanceName)
	LogLevel        string
	LogFormat       string
	ShutdownTimeout time.Duration
}

// Storage is the database and how long what it holds is kept.
type Storage struct {
	DB              string
	AutoMigrate     bool
	RollupHorizon   time.Duration
	RollupSync      time.Duration
	Retention       time.Duration
	RollupRetention time.Duration
	// IdempotencyWindow is how long a post's idempotency key (or its
	// body's hash) dedupes a retry or replay of it.
	IdempotencyWindow time.Duration
}

// Ingest is the leaderboard's side: who may post results, and the default
// window they are read over.
type Ingest struct {
	Secret       string
	IngestKeys   []IngestKey
	Window       time.Duration
	MaxBodyBytes int64
}

// IngestKey is a named HMAC secret for POST /api/post_stats, one per tester.
type IngestKey struct {
	Name    string `yaml:"name"`
	Secret  string `yaml:"secret"`
	Revoked bool   `yaml:"revoked"`
}

// Tester is this instance's own tests: where it stands, which gateways it
// drives, when, and where its results are forwarded.
type Tester struct {
	RunTests           bool // false: an API-only instance
	LeaseTTL           time.Duration
	Region             string
	Gateways           []Gateway
	WebhookBaseURL     string
	Schedule           string
	MinGap             time.Duration
	JobTimeout         time.Duration
	UnavailableRetries int
	RetryAfter         time.Duration
	Sampling           string
	SamplingBudget     int
	SamplingFloor      time.Duration
	SamplingRound      time.Duration
	CaptureBytes       int
	DiscoverGateway    bool
	ForwardURL         string
	ForwardSecret      string
}

// Gateway is one go-livepeer gateway the tester drives: a lane.
type Gateway struct {
	Name    string `yaml:"name"`
	CLIURL  string `yaml:"cli_url"`
	HTTPURL string `yaml:"http_url"`
	// Orchestrator fixes the gateway to one orchestrator service URI: an
	// upstream go-livepeer gateway reads its webhook at most once a minute,
	// so it cannot be pinned test by test (jobs.Lane.Fixed).
	Orchestrator string `yaml:"orchestrator"`
}

// Chain is on-chain discovery (livepeer.ChainConfig).
type Chain struct {
	ChainRPCURL            string
	ChainController        string
	ChainAIServiceRegistry string
	// The on-chain facts and activity read (livepeer.ChainDiscovery.Activity):
	// how often, over how many days, and the blocks a day that turn days
	// into a block range.
	ChainReadInterval time.Duration
	ChainActivityDays int
	ChainBlocksPerDay int
}

// Demo is what only the demo reads: its simulated past.
type Demo struct {
	DemoPast time.Duration
	// Livepeer is a go-livepeer binary the demo runs real nodes of (demo
	// only; "": none).
	Livepeer      string
	DemoPastEvery time.Duration
}

// Admin is the /api/v1 write token and the admin pages (docs/admin.md).
type Admin struct {
	AdminToken        string
	AdminUser         string
	AdminPassword     string
	AdminSessionTTL   time.Duration
	AdminSecureCookie bool
	AdminLoginLimit   int
}

// Live is the live video tests and the media server they use
// (docs/live.md).
type Live struct {
	LiveConcurrency        int
	LiveGateway            string
	MediaServer            string
	RTMPAddr               string
	MediaAPIAddr           string
	MediaAPIURL            string
	MediaAllowIPs          string
	LiveDuration           time.Duration
	LiveFirstOutputTimeout time.Duration
	LiveSignal             LiveSignal
	LiveParams             string
}

// LiveSignal is the size and rate of the live test signal.
type LiveSignal struct{ Width, Height, FPS int }

// String is the setting's form, WIDTHxHEIGHT@FPS.
func (s LiveSignal) String() string { return fmt.Sprintf("%dx%d@%d", s.Width, s.Height, s.FPS) }

// MediaAllow parses media_allow_ips; single addresses become /32 or /128.
func (c *Config) MediaAllow() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(c.MediaAllowIPs, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR", part)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// LiveParamsJSON is live_params decoded; empty gives an empty object.
func (c *Config) LiveParamsJSON() (map[string]any, error) {
	out := map[string]any{}
	if strings.TrimSpace(c.LiveParams) == "" {
		return out, nil
	}
	dec := json.NewDecoder(strings.NewReader(c.LiveParams))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil || out == nil {
		return nil, fmt.Errorf("must be a JSON object such as {\"prompt\":\"a watercolor\"}")
	}
	if dec.More() {
		return nil, fmt.Errorf("must be one JSON object, without anything after it")
	}
	return out, nil
}

// Keys is every ingest key: Secret as the key "default", then IngestKeys.
func (c *Config) Keys() []IngestKey {
	var keys []IngestKey
	if c.Secret != "" {
		keys = append(keys, IngestKey{Name: "default", Secret: c.Secret})
	}
	return append(keys, c.IngestKeys...)
}
