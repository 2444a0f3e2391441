package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

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
	{"auto_migrate", "true", "apply database migrations at start; false checks the schema is current instead (for roles without DDL rights; run jobtester migrate)", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		c.AutoMigrate = b
		return nil
	}},
	{"retention", "2160h", "how long raw results (payloads, inputs, errors) are kept", duration(func(c *Config) *time.Duration { return &c.Retention })},
	{"rollup_retention", "9600h", "how long hourly rollups (the long-range history) are kept", duration(func(c *Config) *time.Duration { return &c.RollupRetention })},
	{"shutdown_timeout", "15s", "how long shutdown waits for requests and writes in flight", duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
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
	c := &Config{}
	for _, s := range Settings {
		if err := s.set(c, s.Default); err != nil {
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
