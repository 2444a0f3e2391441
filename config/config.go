package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// IngestKey is a named HMAC secret for POST /api/post_stats, one per tester.
type IngestKey struct {
	Name    string `yaml:"name"`
	Secret  string `yaml:"secret"`
	Revoked bool   `yaml:"revoked"`
}

// Config is every setting of the program.
type Config struct {
	Addr            string
	DB              string
	Secret          string
	IngestKeys      []IngestKey
	Window          time.Duration
	MaxBodyBytes    int64
	LogLevel        string
	LogFormat       string
	RollupHorizon   time.Duration
	RollupSync      time.Duration
	Retention       time.Duration
	AutoMigrate     bool
	RollupRetention time.Duration
	ShutdownTimeout time.Duration

	// The tester.
	Region                 string
	Gateways               []Gateway
	WebhookBaseURL         string
	Schedule               string
	MinGap                 time.Duration
	JobTimeout             time.Duration
	UnavailableRetries     int
	RetryAfter             time.Duration
	CaptureBytes           int
	DiscoverGateway        bool
	ChainRPCURL            string
	ChainController        string
	ChainAIServiceRegistry string
	ForwardURL             string
	ForwardSecret          string
	AdminToken             string

	// The admin pages (docs/admin.md).
	AdminUser         string
	AdminPassword     string
	AdminSessionTTL   time.Duration
	AdminSecureCookie bool
	AdminLoginLimit   int

	// Live video tests (docs/live.md).
	LiveConcurrency        int
	LiveGateway            string
	MediaServer            string
	RTMPAddr               string
	MediaAPIAddr           string
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

// Gateway is one go-livepeer gateway the tester drives: a lane.
type Gateway struct {
	Name    string `yaml:"name"`
	CLIURL  string `yaml:"cli_url"`
	HTTPURL string `yaml:"http_url"`
}

// Setting describes one scalar setting: its YAML key, environment variable
// and flag all derive from Key.
type Setting struct {
	Key     string // YAML key; env JOBTESTER_<KEY>; flag --<key with dashes>
	Default string
	Help    string
	set     func(c *Config, v string) error
}

// Env is the environment variable of s.
func (s Setting) Env() string { return "JOBTESTER_" + strings.ToUpper(s.Key) }

// Flag is the command-line flag of s, without dashes.
func (s Setting) Flag() string { return strings.ReplaceAll(s.Key, "_", "-") }

func duration(dst func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			// leaderboard-serverless's START_TIME_WINDOW is a number of hours.
			h, herr := strconv.ParseFloat(v, 64)
			if herr != nil {
				return fmt.Errorf("%q is not a duration such as 24h or 90s", v)
			}
			d = time.Duration(h * float64(time.Hour))
		}
		*dst(c) = d
		return nil
	}
}

func str(dst func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *dst(c) = v; return nil }
}

// Settings lists every scalar setting, in the order the README documents them.
var Settings = []Setting{
	{"addr", ":8080", "HTTP listen address for the API, dashboard and metrics", str(func(c *Config) *string { return &c.Addr })},
	{"db", "sqlite://./data/jobtester.db", "database: sqlite://PATH or postgres://user:pass@host:5432/db", str(func(c *Config) *string { return &c.DB })},
	{"secret", "", "HMAC key for post_stats, as the ingest key named \"default\" (leaderboard-serverless's SECRET)", str(func(c *Config) *string { return &c.Secret })},
	{"ingest_keys", "", "more ingest keys as name:secret,name:secret (in a file: a list of {name, secret, revoked})", func(c *Config, v string) error {
		keys, err := parseKeys(v)
		c.IngestKeys = keys
		return err
	}},
	{"window", "24h", "default leaderboard window on receive time (a bare number is hours, like START_TIME_WINDOW)", duration(func(c *Config) *time.Duration { return &c.Window })},
	{"max_body_bytes", "1048576", "largest post_stats body accepted", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number of bytes", v)
		}
		c.MaxBodyBytes = n
		return nil
	}},
	{"log_level", "info", "debug, info, warn or error", str(func(c *Config) *string { return &c.LogLevel })},
	{"log_format", "text", "text or json", str(func(c *Config) *string { return &c.LogFormat })},
	{"rollup_horizon", "744h", "how far back leaderboard rollups are kept in memory; older windows are summed in SQL", duration(func(c *Config) *time.Duration { return &c.RollupHorizon })},
	{"rollup_sync", "5s", "how often rollups written by other instances are read (0 disables)", duration(func(c *Config) *time.Duration { return &c.RollupSync })},
	{"auto_migrate", "true", "apply database migrations at start; false checks the schema is current instead (for roles without DDL rights; run jobtester migrate)", boolSetting(func(c *Config) *bool { return &c.AutoMigrate })},
	{"retention", "2160h", "how long raw results (payloads, inputs, errors) are kept", duration(func(c *Config) *time.Duration { return &c.Retention })},
	{"rollup_retention", "9600h", "how long hourly rollups (the long-range history) are kept", duration(func(c *Config) *time.Duration { return &c.RollupRetention })},
	{"region", "GLOBAL", "AI region this tester's own results are stored under (must be a region of type ai)", str(func(c *Config) *string { return &c.Region })},
	{"gateways", "", "gateways to test through, one lane each: name=cli_url|http_url,… (in a file: a list of {name, cli_url, http_url})", func(c *Config, v string) error {
		gws, err := parseGateways(v)
		c.Gateways = gws
		return err
	}},
	{"webhook_base_url", "", "URL at which the gateways reach this instance's orchestrator webhooks (<base>/webhook/<gateway name>); default http://<addr>", str(func(c *Config) *string { return &c.WebhookBaseURL })},
	{"schedule", "", "cron expression for sweeps in serve, e.g. \"0 */2 * * *\" or \"@every 30m\"; empty: no scheduled sweeps", str(func(c *Config) *string { return &c.Schedule })},
	{"min_gap", "30s", "least time between two tests of one orchestrator", duration(func(c *Config) *time.Duration { return &c.MinGap })},
	{"job_timeout", "3m", "deadline of one test, media fetch included", duration(func(c *Config) *time.Duration { return &c.JobTimeout })},
	{"unavailable_retries", "2", "how many times a test that found no capacity is retried later in the sweep", intSetting(func(c *Config) *int { return &c.UnavailableRetries })},
	{"retry_after", "30s", "least wait before such a retry", duration(func(c *Config) *time.Duration { return &c.RetryAfter })},
	{"capture_bytes", "4096", "how much of each answer is kept with the result (0: none)", intSetting(func(c *Config) *int { return &c.CaptureBytes })},
	{"discover_gateway", "true", "list orchestrators from the first gateway's /registeredOrchestrators", boolSetting(func(c *Config) *bool { return &c.DiscoverGateway })},
	{"chain_rpc_url", "", "Arbitrum RPC URL for on-chain discovery; empty: off", str(func(c *Config) *string { return &c.ChainRPCURL })},
	{"chain_controller", "0xD8E8328501E9645d16Cf49539efC04f734606ee4", "Livepeer Controller contract (Arbitrum One by default)", str(func(c *Config) *string { return &c.ChainController })},
	{"chain_ai_service_registry", "", "AIServiceRegistry contract (not in the Controller); empty: Arbitrum One's with Arbitrum One's Controller, else none", str(func(c *Config) *string { return &c.ChainAIServiceRegistry })},
	{"forward_url", "", "also post this tester's results to this leaderboard post_stats URL; empty: off", str(func(c *Config) *string { return &c.ForwardURL })},
	{"forward_secret", "", "HMAC key for forward_url", str(func(c *Config) *string { return &c.ForwardSecret })},
	{"admin_token", "", "bearer token for the /api/v1 write endpoints (mappings, run now); empty: writes refused", str(func(c *Config) *string { return &c.AdminToken })},
	{"admin_user", "admin", "name of the admin account created or updated at start from admin_password", str(func(c *Config) *string { return &c.AdminUser })},
	{"admin_password", "", "password of admin_user (12 to 72 bytes), stored as a bcrypt hash at start; empty: no account is created (there is no default password)", str(func(c *Config) *string { return &c.AdminPassword })},
	{"admin_session_ttl", "12h", "longest an admin login lasts; a session also ends after 2 h without requests", duration(func(c *Config) *time.Duration { return &c.AdminSessionTTL })},
	{"admin_secure_cookie", "false", "mark admin cookies Secure even on plain-HTTP requests (TLS ended by a proxy); they are Secure on HTTPS requests anyway", boolSetting(func(c *Config) *bool { return &c.AdminSecureCookie })},
	{"admin_login_limit", "5", "failed admin logins allowed per minute, per client IP and per username, before logins answer 429", intSetting(func(c *Config) *int { return &c.AdminLoginLimit })},
	{"live_concurrency", "4", "live video tests run at once (each encodes, decodes and analyses a stream: see docs/live.md for the CPU per test); 0: no live tests", intSetting(func(c *Config) *int { return &c.LiveConcurrency })},
	{"live_gateway", "", "name of the gateway live tests go through (its HTTP URL gets the media server's start hook and the status polls); default: the first", str(func(c *Config) *string { return &c.LiveGateway })},
	{"media_server", "embedded", "\"embedded\" (run the built-in RTMP server and MediaMTX API) or the RTMP base URL of an external MediaMTX, e.g. rtmp://user:pass@mediamtx:1935", str(func(c *Config) *string { return &c.MediaServer })},
	{"rtmp_addr", ":1935", "RTMP listen address of the embedded media server (the gateway pulls test streams from it and publishes <stream>-out to it)", str(func(c *Config) *string { return &c.RTMPAddr })},
	{"media_api_addr", ":9997", "MediaMTX control API listen address of the embedded media server (the gateway calls it); empty: off", str(func(c *Config) *string { return &c.MediaAPIAddr })},
	{"media_allow_ips", "", "IPs or CIDRs, besides loopback, that may publish, read and call the API of the embedded media server: the live gateway's address", str(func(c *Config) *string { return &c.MediaAllowIPs })},
	{"live_duration", "30s", "how long a live test measures the output once it has started", duration(func(c *Config) *time.Duration { return &c.LiveDuration })},
	{"live_first_output_timeout", "60s", "how long a live test waits for the first output frame", duration(func(c *Config) *time.Duration { return &c.LiveFirstOutputTimeout })},
	{"live_signal", "512x512@30", "size and frame rate of the live test signal, WIDTHxHEIGHT@FPS (at least 15 fps: the runner degrades below)", func(c *Config, v string) error {
		sig, err := parseLiveSignal(v)
		c.LiveSignal = sig
		return err
	}},
	{"live_params", "", "JSON object of pipeline params sent with every live test, merged over {\"width\":W,\"height\":H} of live_signal, e.g. {\"prompt\":\"a watercolor\"}", str(func(c *Config) *string { return &c.LiveParams })},
	{"shutdown_timeout", "15s", "how long shutdown waits for requests and writes in flight", duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
}

func intSetting(dst func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*dst(c) = n
		return nil
	}
}

func boolSetting(dst func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*dst(c) = b
		return nil
	}
}

func parseGateways(v string) ([]Gateway, error) {
	var out []Gateway
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, urls, ok := strings.Cut(part, "=")
		cli, httpURL, ok2 := strings.Cut(urls, "|")
		if !ok || !ok2 {
			return nil, errors.New("each gateway must be name=cli_url|http_url")
		}
		out = append(out, Gateway{Name: strings.TrimSpace(name), CLIURL: strings.TrimSpace(cli), HTTPURL: strings.TrimSpace(httpURL)})
	}
	return out, nil
}

func parseLiveSignal(v string) (LiveSignal, error) {
	var sig LiveSignal
	size, fps, ok := strings.Cut(strings.TrimSpace(v), "@")
	w, h, ok2 := strings.Cut(size, "x")
	var err error
	if ok && ok2 {
		if sig.Width, err = strconv.Atoi(w); err == nil {
			if sig.Height, err = strconv.Atoi(h); err == nil {
				sig.FPS, err = strconv.Atoi(fps)
			}
		}
	}
	if !ok || !ok2 || err != nil {
		return sig, fmt.Errorf("%q is not WIDTHxHEIGHT@FPS, e.g. 512x512@30", v)
	}
	return sig, nil
}

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

func parseKeys(v string) ([]IngestKey, error) {
	var keys []IngestKey
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, secret, ok := strings.Cut(part, ":")
		if !ok {
			return nil, errors.New("each key must be name:secret")
		}
		keys = append(keys, IngestKey{Name: strings.TrimSpace(name), Secret: secret})
	}
	return keys, nil
}

// Load builds the configuration for one subcommand. args are the
// subcommand's arguments; getenv is os.Getenv in production. It returns
// the remaining positional arguments.
func Load(name string, args []string, getenv func(string) string) (*Config, []string, error) {
	return LoadWithDefaults(name, args, getenv, nil)
}

// LoadWithDefaults is Load with some settings' defaults replaced (by YAML
// key); a file, the environment and flags still win over them.
func LoadWithDefaults(name string, args []string, getenv func(string) string, defaults map[string]string) (*Config, []string, error) {
	c := &Config{}
	for _, s := range Settings {
		def := s.Default
		if v, ok := defaults[s.Key]; ok {
			def = v
		}
		if err := s.set(c, def); err != nil {
			return nil, nil, fmt.Errorf("default of %s: %w", s.Key, err)
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	configPath := fs.String("config", getenv("JOBTESTER_CONFIG"), "YAML configuration file (env JOBTESTER_CONFIG)")
	flagValues := map[string]*string{}
	for _, s := range Settings {
		flagValues[s.Key] = fs.String(s.Flag(), "", fmt.Sprintf("%s (env %s, default %q)", s.Help, s.Env(), s.Default))
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if *configPath != "" {
		if err := c.loadFile(*configPath); err != nil {
			return nil, nil, err
		}
	}
	for _, s := range Settings {
		if v := getenv(s.Env()); v != "" {
			if err := s.set(c, v); err != nil {
				return nil, nil, fmt.Errorf("setting %s (env %s): %w", s.Key, s.Env(), err)
			}
		}
	}
	var setErr error
	fs.Visit(func(f *flag.Flag) {
		for _, s := range Settings {
			if s.Flag() == f.Name && setErr == nil {
				if err := s.set(c, *flagValues[s.Key]); err != nil {
					setErr = fmt.Errorf("setting %s (flag --%s): %w", s.Key, f.Name, err)
				}
			}
		}
	})
	if setErr != nil {
		return nil, nil, setErr
	}
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	return c, fs.Args(), nil
}

func (c *Config) loadFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config file: %w", err)
	}
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		node := raw[k]
		if k == "gateways" && node.Kind == yaml.SequenceNode {
			var list []Gateway
			if err := node.Decode(&list); err != nil {
				return fmt.Errorf("config file %s: setting gateways: %w", path, err)
			}
			c.Gateways = list
			continue
		}
		if k == "ingest_keys" && node.Kind == yaml.SequenceNode {
			var list []IngestKey
			if err := node.Decode(&list); err != nil {
				return fmt.Errorf("config file %s: setting ingest_keys: %w", path, err)
			}
			c.IngestKeys = list
			continue
		}
		s, ok := lookup(k)
		if !ok {
			return fmt.Errorf("config file %s: unknown setting %q", path, k)
		}
		if node.Kind != yaml.ScalarNode {
			return fmt.Errorf("config file %s: setting %s must be a single value", path, k)
		}
		if err := s.set(c, node.Value); err != nil {
			return fmt.Errorf("config file %s: setting %s: %w", path, k, err)
		}
	}
	return nil
}

func lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// Validate checks every setting and names the first bad one.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("setting addr: %q is not host:port (e.g. :8080): %w", c.Addr, err)
	}
	if !strings.HasPrefix(c.DB, "sqlite://") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("setting db: must start with sqlite:// or postgres://")
	}
	if c.Window <= 0 {
		return fmt.Errorf("setting window: must be positive, got %s", c.Window)
	}
	if c.MaxBodyBytes < 1024 {
		return fmt.Errorf("setting max_body_bytes: must be at least 1024, got %d", c.MaxBodyBytes)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("setting log_level: %q is not debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("setting log_format: %q is not text or json", c.LogFormat)
	}
	if c.RollupHorizon < c.Window {
		return fmt.Errorf("setting rollup_horizon: %s is shorter than window %s", c.RollupHorizon, c.Window)
	}
	if c.RollupSync < 0 {
		return fmt.Errorf("setting rollup_sync: must not be negative")
	}
	if c.Retention < c.Window {
		return fmt.Errorf("setting retention: %s is shorter than window %s", c.Retention, c.Window)
	}
	if c.RollupRetention < c.Retention {
		return fmt.Errorf("setting rollup_retention: %s is shorter than retention %s", c.RollupRetention, c.Retention)
	}
	if c.RollupHorizon > c.RollupRetention {
		return fmt.Errorf("setting rollup_horizon: %s is longer than rollup_retention %s", c.RollupHorizon, c.RollupRetention)
	}
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("setting shutdown_timeout: must be positive")
	}
	if err := c.validateTester(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, k := range c.Keys() {
		if k.Name == "" {
			return fmt.Errorf("setting ingest_keys[%d]: name is empty", i)
		}
		if seen[k.Name] {
			return fmt.Errorf("setting ingest_keys: name %q appears twice", k.Name)
		}
		seen[k.Name] = true
		if !k.Revoked && len(k.Secret) < 16 {
			return fmt.Errorf("setting ingest_keys (%s): secret must be at least 16 characters", k.Name)
		}
	}
	return nil
}

// Keys is every ingest key: Secret as the key "default", then IngestKeys.
func (c *Config) Keys() []IngestKey {
	var keys []IngestKey
	if c.Secret != "" {
		keys = append(keys, IngestKey{Name: "default", Secret: c.Secret})
	}
	return append(keys, c.IngestKeys...)
}

func (c *Config) validateTester() error {
	if c.Region == "" || strings.ToUpper(c.Region) != c.Region {
		return fmt.Errorf("setting region: %q must be an upper-case region code such as FRA", c.Region)
	}
	names := map[string]bool{}
	for i, g := range c.Gateways {
		if g.Name == "" || strings.ContainsAny(g.Name, "/?#% ") {
			return fmt.Errorf("setting gateways[%d]: name %q must be non-empty, without spaces or /?#%%", i, g.Name)
		}
		if names[g.Name] {
			return fmt.Errorf("setting gateways: name %q appears twice", g.Name)
		}
		names[g.Name] = true
		for field, v := range map[string]string{"cli_url": g.CLIURL, "http_url": g.HTTPURL} {
			if err := httpURL(v); err != nil {
				return fmt.Errorf("setting gateways (%s): %s %w", g.Name, field, err)
			}
		}
	}
	if c.WebhookBaseURL != "" {
		if err := httpURL(c.WebhookBaseURL); err != nil {
			return fmt.Errorf("setting webhook_base_url: %w", err)
		}
	}
	if c.Schedule != "" {
		if _, err := cron.ParseStandard(c.Schedule); err != nil {
			return fmt.Errorf("setting schedule: %q is not a cron expression (five fields, or @every 30m): %w", c.Schedule, err)
		}
		if len(c.Gateways) == 0 {
			return fmt.Errorf("setting schedule: sweeps need at least one gateway (setting gateways)")
		}
	}
	if c.MinGap < 0 || c.RetryAfter < 0 {
		return fmt.Errorf("setting min_gap and retry_after must not be negative")
	}
	if c.JobTimeout <= 0 {
		return fmt.Errorf("setting job_timeout: must be positive")
	}
	if c.UnavailableRetries < 0 || c.UnavailableRetries > 10 {
		return fmt.Errorf("setting unavailable_retries: must be between 0 and 10, got %d", c.UnavailableRetries)
	}
	// 65536 is what post_stats accepts in response_payload, so a captured
	// answer can always be forwarded.
	if c.CaptureBytes < 0 || c.CaptureBytes > 65536 {
		return fmt.Errorf("setting capture_bytes: must be between 0 and 65536")
	}
	if c.ChainAIServiceRegistry != "" && (len(c.ChainAIServiceRegistry) != 42 || !strings.HasPrefix(c.ChainAIServiceRegistry, "0x")) {
		return fmt.Errorf("setting chain_ai_service_registry: %q is not a 0x address", c.ChainAIServiceRegistry)
	}
	if c.ChainRPCURL != "" {
		u, err := url.Parse(c.ChainRPCURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") {
			return fmt.Errorf("setting chain_rpc_url: must be an http(s) or ws(s) URL")
		}
	}
	if len(c.ChainController) != 42 || !strings.HasPrefix(c.ChainController, "0x") {
		return fmt.Errorf("setting chain_controller: %q is not a 0x address", c.ChainController)
	}
	if c.ForwardURL != "" {
		if err := httpURL(c.ForwardURL); err != nil {
			return fmt.Errorf("setting forward_url: %w", err)
		}
		if len(c.ForwardSecret) < 16 {
			return fmt.Errorf("setting forward_secret: needed with forward_url, at least 16 characters")
		}
	}
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		return fmt.Errorf("setting admin_token: must be at least 16 characters")
	}
	if err := c.validateAdmin(); err != nil {
		return err
	}
	return c.validateLive()
}

func (c *Config) validateAdmin() error {
	if c.AdminUser == "" || len(c.AdminUser) > 64 ||
		strings.Trim(c.AdminUser, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-") != "" {
		return fmt.Errorf("setting admin_user: %q must be 1 to 64 letters, digits or . _ @ -", c.AdminUser)
	}
	// bcrypt reads at most 72 bytes: a longer password would be cut
	// without anyone knowing.
	if c.AdminPassword != "" && (len(c.AdminPassword) < 12 || len(c.AdminPassword) > 72) {
		return fmt.Errorf("setting admin_password: must be 12 to 72 bytes, got %d", len(c.AdminPassword))
	}
	if c.AdminSessionTTL < time.Minute || c.AdminSessionTTL > 30*24*time.Hour {
		return fmt.Errorf("setting admin_session_ttl: must be between 1m and 720h, got %s", c.AdminSessionTTL)
	}
	if c.AdminLoginLimit < 1 || c.AdminLoginLimit > 1000 {
		return fmt.Errorf("setting admin_login_limit: must be between 1 and 1000, got %d", c.AdminLoginLimit)
	}
	return nil
}

func (c *Config) validateLive() error {
	if c.LiveConcurrency < 0 || c.LiveConcurrency > 64 {
		return fmt.Errorf("setting live_concurrency: must be between 0 and 64, got %d", c.LiveConcurrency)
	}
	if c.LiveGateway != "" {
		found := false
		for _, g := range c.Gateways {
			found = found || g.Name == c.LiveGateway
		}
		if !found && len(c.Gateways) > 0 {
			return fmt.Errorf("setting live_gateway: %q is not the name of a configured gateway", c.LiveGateway)
		}
	}
	if c.MediaServer != "embedded" {
		u, err := url.Parse(c.MediaServer)
		if err != nil || u.Scheme != "rtmp" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("setting media_server: must be \"embedded\" or an RTMP base URL such as rtmp://mediamtx:1935 (no path or query)")
		}
	}
	if _, _, err := net.SplitHostPort(c.RTMPAddr); err != nil {
		return fmt.Errorf("setting rtmp_addr: %q is not host:port (e.g. :1935): %w", c.RTMPAddr, err)
	}
	if c.MediaAPIAddr != "" {
		if _, _, err := net.SplitHostPort(c.MediaAPIAddr); err != nil {
			return fmt.Errorf("setting media_api_addr: %q is not host:port (e.g. :9997): %w", c.MediaAPIAddr, err)
		}
	}
	if _, err := c.MediaAllow(); err != nil {
		return fmt.Errorf("setting media_allow_ips: %w", err)
	}
	if c.LiveDuration < 2*time.Second || c.LiveDuration > 10*time.Minute {
		return fmt.Errorf("setting live_duration: must be between 2s and 10m, got %s", c.LiveDuration)
	}
	if c.LiveFirstOutputTimeout < time.Second || c.LiveFirstOutputTimeout > 10*time.Minute {
		return fmt.Errorf("setting live_first_output_timeout: must be between 1s and 10m, got %s", c.LiveFirstOutputTimeout)
	}
	sig := c.LiveSignal
	if sig.Width < 64 || sig.Height < 64 || sig.Width > 4096 || sig.Height > 4096 || sig.Width%2 != 0 || sig.Height%2 != 0 {
		return fmt.Errorf("setting live_signal: size %dx%d must be even and between 64 and 4096", sig.Width, sig.Height)
	}
	// The runner marks input below 15 fps DEGRADED_INPUT (reference §4.4).
	if sig.FPS < 15 || sig.FPS > 60 {
		return fmt.Errorf("setting live_signal: %d fps must be between 15 and 60 (the live runner degrades input below 15 fps)", sig.FPS)
	}
	if _, err := c.LiveParamsJSON(); err != nil {
		return fmt.Errorf("setting live_params: %w", err)
	}
	return nil
}

func httpURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", v)
	}
	return nil
}
