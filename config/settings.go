package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
	{"idempotency_window", "24h", "how long a post_stats Idempotency-Key, or a legacy post's body hash, makes a retry or replay of it answer 200 without storing it again (keys are pruned hourly after that)", duration(func(c *Config) *time.Duration { return &c.IdempotencyWindow })},
	{"rollup_retention", "9600h", "how long hourly rollups (the long-range history) are kept", duration(func(c *Config) *time.Duration { return &c.RollupRetention })},
	{"instance", "", "this instance's name in logs, sweeps, their tests and the region's lease (unique in the fleet); empty: the host name and a random suffix", str(func(c *Config) *string { return &c.Instance })},
	{"tester", "true", "false: an API-only instance: it serves the API and pages but never takes a region's lease nor runs a test (docs/deployment.md)", boolSetting(func(c *Config) *bool { return &c.RunTests })},
	{"lease_ttl", "30s", "how long a region's sweep lease outlives its holder's last heartbeat: the longest a dead holder's sweep waits before another instance of the region takes it over", duration(func(c *Config) *time.Duration { return &c.LeaseTTL })},
	{"region", "GLOBAL", "AI region this tester's own results are stored under (must be a region of type ai)", str(func(c *Config) *string { return &c.Region })},
	{"gateways", "", "gateways to test through, one lane each: name=cli_url|http_url,… (in a file: a list of {name, cli_url, http_url}); name=cli_url|http_url|orchestrator_uri (file: orchestrator) fixes an upstream go-livepeer gateway, which reads its webhook once a minute, to the one orchestrator it tests", func(c *Config, v string) error {
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
	{"sampling", "uniform", "how a sweep spends its batch tests: uniform (every advertised pair once) or smart (a budget spent where scores are uncertain or changing, never starving a series; docs/tester.md)", str(func(c *Config) *string { return &c.Sampling })},
	{"sampling_budget", "0", "smart sampling: batch tests per sweep; 0: one per advertised pair, what uniform spends", intSetting(func(c *Config) *int { return &c.SamplingBudget })},
	{"sampling_floor", "4h", "smart sampling: longest a pair may go without a test", duration(func(c *Config) *time.Duration { return &c.SamplingFloor })},
	{"sampling_round", "1h", "smart sampling: the time between sweeps it plans for (match schedule)", duration(func(c *Config) *time.Duration { return &c.SamplingRound })},
	{"capture_bytes", "4096", "how much of each answer is kept with the result (0: none)", intSetting(func(c *Config) *int { return &c.CaptureBytes })},
	{"discover_gateway", "true", "list orchestrators from the first gateway's /registeredOrchestrators", boolSetting(func(c *Config) *bool { return &c.DiscoverGateway })},
	{"chain_rpc_url", "", "Arbitrum RPC URL for on-chain discovery; empty: off", str(func(c *Config) *string { return &c.ChainRPCURL })},
	{"chain_controller", "0xD8E8328501E9645d16Cf49539efC04f734606ee4", "Livepeer Controller contract (Arbitrum One by default)", str(func(c *Config) *string { return &c.ChainController })},
	{"chain_ai_service_registry", "", "AIServiceRegistry contract (not in the Controller); empty: Arbitrum One's with Arbitrum One's Controller, else none", str(func(c *Config) *string { return &c.ChainAIServiceRegistry })},
	{"chain_read_interval", "10m", "how often the chain's facts and activity (tickets redeemed, reward calls) are read and stored, with chain_rpc_url", duration(func(c *Config) *time.Duration { return &c.ChainReadInterval })},
	{"chain_activity_days", "7", "days of on-chain activity read (1 to 90)", intSetting(func(c *Config) *int { return &c.ChainActivityDays })},
	{"chain_blocks_per_day", "345600", "blocks a day of the chain, to turn chain_activity_days into blocks (Arbitrum One: a block every 0.25 s)", intSetting(func(c *Config) *int { return &c.ChainBlocksPerDay })},
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
	{"media_server", "embedded", "\"embedded\" (run the built-in RTMP server and MediaMTX API) or the RTMP base URL of an external MediaMTX, e.g. rtmp://mediamtx:1935?user=tester&pass=secret (MediaMTX's credentials; the query is kept in every URL the tester publishes or reads)", str(func(c *Config) *string { return &c.MediaServer })},
	{"media_api_url", "", "an external MediaMTX's control API, asked when a stream became ready; default: http://<media_server host>:9997", str(func(c *Config) *string { return &c.MediaAPIURL })},
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
	{"demo_past", "168h", "demo only: how much simulated past the demo starts with, produced from simnet's behaviour profiles and marked simulated (0: none)", duration(func(c *Config) *time.Duration { return &c.DemoPast })},
	{"demo_past_every", "1h", "demo only: the time between the simulated past's sweeps", duration(func(c *Config) *time.Duration { return &c.DemoPastEvery })},
	{"livepeer", "", "demo only: path of a go-livepeer binary; the demo then also runs real go-livepeer orchestrators in front of three of its simulated ones, each behind a real gateway of its own, and tests those three through them", str(func(c *Config) *string { return &c.Livepeer })},
	{"shutdown_timeout", "15s", "how long shutdown waits for requests and writes in flight", duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
}

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
			return nil, errors.New("each gateway must be name=cli_url|http_url or name=cli_url|http_url|orchestrator_uri")
		}
		httpURL, orch, _ := strings.Cut(httpURL, "|")
		out = append(out, Gateway{Name: strings.TrimSpace(name), CLIURL: strings.TrimSpace(cli), HTTPURL: strings.TrimSpace(httpURL),
			Orchestrator: strings.TrimSpace(orch)})
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
