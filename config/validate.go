package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"jobtester/ethaddr"
)

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
	if c.DemoPast < 0 || c.DemoPast > 90*24*time.Hour {
		return fmt.Errorf("setting demo_past: %s is not between 0 and 90 days", c.DemoPast)
	}
	if c.DemoPast > 0 && c.DemoPastEvery < time.Minute {
		return fmt.Errorf("setting demo_past_every: %s is shorter than a minute", c.DemoPastEvery)
	}
	if c.RollupSync < 0 {
		return fmt.Errorf("setting rollup_sync: must not be negative")
	}
	if c.Retention < c.Window {
		return fmt.Errorf("setting retention: %s is shorter than window %s", c.Retention, c.Window)
	}
	if c.IdempotencyWindow < time.Minute {
		return fmt.Errorf("setting idempotency_window: %s is shorter than a minute", c.IdempotencyWindow)
	}
	if c.RollupRetention < c.Retention {
		return fmt.Errorf("setting rollup_retention: %s is shorter than retention %s", c.RollupRetention, c.Retention)
	}
	if c.RollupHorizon > c.RollupRetention {
		return fmt.Errorf("setting rollup_horizon: %s is longer than rollup_retention %s", c.RollupHorizon, c.RollupRetention)
	}
	if len(c.Instance) > 128 || strings.ContainsAny(c.Instance, " \t\r\n") {
		return fmt.Errorf("setting instance: %q must be at most 128 characters, without spaces", c.Instance)
	}
	if c.LeaseTTL < 3*time.Second {
		return fmt.Errorf("setting lease_ttl: %s is too short (at least 3s: it is heartbeated every third of it)", c.LeaseTTL)
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
		if g.Orchestrator != "" {
			if err := httpURL(g.Orchestrator); err != nil {
				return fmt.Errorf("setting gateways (%s): orchestrator %w", g.Name, err)
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
	if c.Sampling != "uniform" && c.Sampling != "smart" {
		return fmt.Errorf("setting sampling: must be uniform or smart, got %q", c.Sampling)
	}
	if c.SamplingBudget < 0 {
		return fmt.Errorf("setting sampling_budget: must not be negative, got %d", c.SamplingBudget)
	}
	if c.SamplingRound <= 0 || c.SamplingFloor < c.SamplingRound {
		return fmt.Errorf("setting sampling_floor (%s) must be at least sampling_round (%s), which must be positive", c.SamplingFloor, c.SamplingRound)
	}
	// 65536 is what post_stats accepts in response_payload, so a captured
	// answer can always be forwarded.
	if c.CaptureBytes < 0 || c.CaptureBytes > 65536 {
		return fmt.Errorf("setting capture_bytes: must be between 0 and 65536")
	}
	if err := c.validateChain(); err != nil {
		return err
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

// validateChain checks the chain settings' form; whether the addresses are
// Livepeer's contracts is for discovery to find out.
func (c *Chain) validateChain() error {
	if _, ok := ethaddr.Normalize(c.ChainAIServiceRegistry); c.ChainAIServiceRegistry != "" && !ok {
		return fmt.Errorf("setting chain_ai_service_registry: %q is not a 0x address", c.ChainAIServiceRegistry)
	}
	if c.ChainRPCURL != "" {
		u, err := url.Parse(c.ChainRPCURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") {
			return fmt.Errorf("setting chain_rpc_url: must be an http(s) or ws(s) URL")
		}
	}
	if _, ok := ethaddr.Normalize(c.ChainController); !ok {
		return fmt.Errorf("setting chain_controller: %q is not a 0x address", c.ChainController)
	}
	switch {
	case c.ChainReadInterval < time.Second:
		return fmt.Errorf("setting chain_read_interval: %v is under a second", c.ChainReadInterval)
	case c.ChainActivityDays < 1 || c.ChainActivityDays > 90:
		return fmt.Errorf("setting chain_activity_days: %d is not 1 to 90", c.ChainActivityDays)
	case c.ChainBlocksPerDay < 1 || c.ChainBlocksPerDay > 100_000_000:
		return fmt.Errorf("setting chain_blocks_per_day: %d is not 1 to 100,000,000", c.ChainBlocksPerDay)
	}
	return nil
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
		if err != nil || u.Scheme != "rtmp" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("setting media_server: must be \"embedded\" or an RTMP base URL such as rtmp://mediamtx:1935?user=u&pass=p (no path)")
		}
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			return fmt.Errorf("setting media_server: bad query: %w", err)
		}
		for _, k := range []string{"pipeline", "streamId", "orchestrator", "params"} {
			if q.Has(k) {
				return fmt.Errorf("setting media_server: the query may not set %q, which every live test sets", k)
			}
		}
	}
	if c.MediaAPIURL != "" {
		u, err := url.Parse(c.MediaAPIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("setting media_api_url: must be an http(s):// URL such as http://mediamtx:9997")
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
	// The runner marks input below 15 fps DEGRADED_INPUT (docs/livepeer.md,
	// "Live video through the gateway").
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
