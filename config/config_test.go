package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// load loads as serve does, with the settings' own defaults.
func load(name string, args []string, getenv func(string) string) (*Config, []string, error) {
	return LoadWithDefaults(name, args, getenv, nil)
}

func TestDefaultsNeedNoConfiguration(t *testing.T) {
	c, _, err := load("serve", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DB != "sqlite://./data/jobtester.db" || c.Window != 24*time.Hour || len(c.Keys()) != 0 {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestPrecedenceFileEnvFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "jobtester.yaml")
	os.WriteFile(file, []byte(`
addr: 127.0.0.1:9000
window: 12h
log_level: debug
ingest_keys:
  - name: stream-tester
    secret: stream-tester-secret-1
  - name: old
    secret: x
    revoked: true
`), 0o600)
	c, _, err := load("serve", []string{"--config", file, "--window", "6h"}, env(map[string]string{
		"JOBTESTER_WINDOW": "48", "JOBTESTER_LOG_LEVEL": "warn", "JOBTESTER_SECRET": "default-secret-0000001",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.Window != 6*time.Hour || c.LogLevel != "warn" {
		t.Fatalf("file < env < flag not honoured: %+v", c)
	}
	keys := c.Keys()
	if len(keys) != 3 || keys[0].Name != "default" || keys[1].Name != "stream-tester" || !keys[2].Revoked {
		t.Fatalf("keys = %+v", keys)
	}
	// START_TIME_WINDOW-style bare hours.
	c, _, err = load("serve", nil, env(map[string]string{"JOBTESTER_WINDOW": "48"}))
	if err != nil || c.Window != 48*time.Hour {
		t.Fatalf("window 48 = %v %v", c.Window, err)
	}
}

func TestErrorsNameTheSetting(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--addr", "nowhere"}, nil, "setting addr"},
		{[]string{"--db", "mysql://x"}, nil, "setting db"},
		{nil, map[string]string{"JOBTESTER_WINDOW": "soon"}, "JOBTESTER_WINDOW"},
		{[]string{"--window", "-1h"}, nil, "setting window"},
		{[]string{"--log-level", "loud"}, nil, "setting log_level"},
		{[]string{"--max-body-bytes", "ten"}, nil, "setting max_body_bytes"},
		{[]string{"--secret", "short"}, nil, "secret must be at least 16"},
		{nil, map[string]string{"JOBTESTER_INGEST_KEYS": "a:0123456789abcdef0,a:0123456789abcdef1"}, `"a" appears twice`},
		{nil, map[string]string{"JOBTESTER_INGEST_KEYS": "justsecret"}, "name:secret"},
		{[]string{"--config", write("unknown.yaml", "adress: :1\n")}, nil, `unknown setting "adress"`},
		{[]string{"--config", write("bad.yaml", "addr: [1, 2]\n")}, nil, "setting addr must be a single value"},
		{[]string{"--config", write("broken.yaml", "addr: [1, 2\n")}, nil, "broken.yaml"},
		{[]string{"--config", filepath.Join(dir, "missing.yaml")}, nil, "read config file"},
		{[]string{"--no-such-flag"}, nil, "no-such-flag"},
		{[]string{"--rollup-horizon", "1h"}, nil, "setting rollup_horizon"},
		{[]string{"--schedule", "every hour"}, nil, "setting schedule"},
		{[]string{"--schedule", "@every 1h"}, nil, "sweeps need at least one gateway"},
		{[]string{"--gateways", "a=http://x:5935"}, nil, "name=cli_url|http_url"},
		{[]string{"--gateways", "a=http://x:5935|ftp://y"}, nil, "http_url"},
		{[]string{"--gateways", "a=http://x:1|http://x:2,a=http://y:1|http://y:2"}, nil, `"a" appears twice`},
		{[]string{"--gateways", "a=http://x:1|http://x:2|8935"}, nil, "orchestrator \"8935\" is not an http(s) URL"},
		{[]string{"--region", "fra"}, nil, "setting region"},
		{[]string{"--unavailable-retries", "-1"}, nil, "setting unavailable_retries"},
		{[]string{"--forward-url", "http://lb/api/post_stats"}, nil, "setting forward_secret"},
		{[]string{"--chain-rpc-url", "file:///x"}, nil, "setting chain_rpc_url"},
		{[]string{"--chain-read-interval", "100ms"}, nil, "setting chain_read_interval"},
		{[]string{"--chain-activity-days", "0"}, nil, "setting chain_activity_days"},
		{[]string{"--chain-activity-days", "91"}, nil, "setting chain_activity_days"},
		{[]string{"--chain-blocks-per-day", "0"}, nil, "setting chain_blocks_per_day"},
		{[]string{"--admin-token", "short"}, nil, "setting admin_token"},
	}
	for _, c := range cases {
		_, _, err := load("serve", c.args, env(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("load(%v, %v) = %v, want an error containing %q", c.args, c.env, err, c.want)
		}
	}
}

func TestGatewaysFromFileAndEnv(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("gateways:\n  - name: fra\n    cli_url: http://127.0.0.1:5935\n    http_url: http://127.0.0.1:9935\nschedule: \"@every 30m\"\n"), 0o600)
	c, _, err := load("serve", []string{"--config", file}, env(nil))
	if err != nil || len(c.Gateways) != 1 || c.Gateways[0].HTTPURL != "http://127.0.0.1:9935" || c.Schedule != "@every 30m" {
		t.Fatalf("file gateways = %+v %v", c, err)
	}
	c, _, err = load("serve", nil, env(map[string]string{"JOBTESTER_GATEWAYS": "a=http://a:1|http://a:2, b=http://b:1|http://b:2"}))
	if err != nil || len(c.Gateways) != 2 || c.Gateways[1].Name != "b" || c.Gateways[1].CLIURL != "http://b:1" {
		t.Fatalf("env gateways = %+v %v", c, err)
	}
	// A gateway fixed to one orchestrator, in either form.
	c, _, err = load("serve", nil, env(map[string]string{"JOBTESTER_GATEWAYS": "up=http://a:1|http://a:2|https://127.0.0.1:8935"}))
	if err != nil || c.Gateways[0].HTTPURL != "http://a:2" || c.Gateways[0].Orchestrator != "https://127.0.0.1:8935" {
		t.Fatalf("fixed gateway from env = %+v %v", c.Gateways, err)
	}
	os.WriteFile(file, []byte("gateways:\n  - name: up\n    cli_url: http://a:1\n    http_url: http://a:2\n    orchestrator: https://o:8935\n"), 0o600)
	c, _, err = load("serve", []string{"--config", file}, env(nil))
	if err != nil || c.Gateways[0].Orchestrator != "https://o:8935" {
		t.Fatalf("fixed gateway from file = %+v %v", c.Gateways, err)
	}
}
