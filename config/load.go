package config

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

// LoadWithDefaults builds the configuration for one subcommand. args are
// the subcommand's arguments; getenv is os.Getenv in production; defaults
// replace some settings' defaults (by YAML key), and a file, the
// environment and flags still win over them. It returns the remaining
// positional arguments.
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
	if c.Instance == "" {
		c.Instance = defaultInstance()
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

// defaultInstance names an instance whose configuration does not: its host
// name (a container's is its id) and a random suffix, so that two
// instances on one host, or one restarted, are never taken for each other.
func defaultInstance() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "jobtester"
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	name := host + "-" + hex.EncodeToString(b[:])
	if len(name) > 128 {
		name = name[len(name)-128:]
	}
	return name
}
