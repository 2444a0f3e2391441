package livepeer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"jobtester/ethaddr"
)

// Live video to video is advertised like a batch pipeline but tested by
// the live runner; the batch sweep skips it.
const (
	LivePipeline   = "Live video to video"
	LiveCapability = 35
)

// ErrCapabilitiesUnavailable is wrapped when the gateway has no
// capabilities to report yet: upstream's /getNetworkCapabilities answers
// 500 "network capabilities not available" until its first poll of the
// orchestrators (at start, then every -liveAICapReportInterval).
var ErrCapabilitiesUnavailable = errors.New("network capabilities not available")

const zeroAddress = "0x0000000000000000000000000000000000000000"

// AICapabilities returns the capabilities each orchestrator advertises,
// keyed by lower-case address, each list sorted by pipeline and model.
//
// It asks the fork's GET {CLIURL}/getOrchestratorAICapabilities and, when
// that is 404 (upstream go-livepeer), GET {CLIURL}/getNetworkCapabilities.
// From the fork Capacity is -1 (it does not say); from upstream it is the
// advertised capacity (idle runners for live video). Live video to video
// is included under LivePipeline.
//
// Entries without an orchestrator address ("" or the zero address: the
// orchestrator sent no ticket parameters) cannot be joined and are left
// out; an orchestrator listed without any AI model is present with an
// empty list. An address listed twice (one orchestrator behind several
// service URIs) gets the union of its capabilities: warm if any says
// warm, capacities added. Anything else malformed (an invalid address, a
// non-numeric capability, an empty pipeline or model name, a wrong JSON
// type) fails the whole call with an error naming it.
//
// Upstream's 500 "network capabilities not available" is followed by the
// JSON it would have sent; if that JSON parses and lists orchestrators it
// is used, otherwise the error wraps ErrCapabilitiesUnavailable. Any other
// non-200 status is an error.
func (c *GatewayClient) AICapabilities(ctx context.Context) (map[string][]Capability, error) {
	status, body, u, err := c.getCLI(ctx, "/getOrchestratorAICapabilities")
	if err != nil {
		return nil, fmt.Errorf("AI capabilities: %w", err)
	}
	switch status {
	case http.StatusOK:
		caps, err := decodeForkCapabilities(body)
		if err != nil {
			return nil, fmt.Errorf("AI capabilities from %s: %w", u, err)
		}
		return caps, nil
	case http.StatusNotFound:
		return c.networkCapabilities(ctx)
	default:
		return nil, fmt.Errorf("AI capabilities: GET %s: status %d: %s", u, status, snippet(body))
	}
}

func (c *GatewayClient) networkCapabilities(ctx context.Context) (map[string][]Capability, error) {
	status, body, u, err := c.getCLI(ctx, "/getNetworkCapabilities")
	if err != nil {
		return nil, fmt.Errorf("network capabilities: %w", err)
	}
	switch status {
	case http.StatusOK:
		caps, err := decodeNetworkCapabilities(body)
		if err != nil {
			return nil, fmt.Errorf("network capabilities from %s: %w", u, err)
		}
		return caps, nil
	case http.StatusInternalServerError:
		// respond500 writes "network capabilities not available\n", then
		// the handler goes on to write the JSON.
		if i := bytes.IndexByte(body, '{'); i >= 0 {
			if caps, err := decodeNetworkCapabilities(body[i:]); err == nil && len(caps) > 0 {
				return caps, nil
			}
		}
		return nil, fmt.Errorf("network capabilities: GET %s: status 500: %s: %w", u, snippet(firstLine(body)), ErrCapabilitiesUnavailable)
	default:
		return nil, fmt.Errorf("network capabilities: GET %s: status %d: %s", u, status, snippet(body))
	}
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// forkCapabilitiesJSON is the Livepeer.Cloud fork's
// /getOrchestratorAICapabilities answer.
type forkCapabilitiesJSON struct {
	Orchestrators present[[]struct {
		Address   string `json:"address"`
		Pipelines []struct {
			Type   string `json:"type"`
			Models []struct {
				Name   string `json:"name"`
				Status struct {
					Cold int64 `json:"Cold"`
					Warm int64 `json:"Warm"`
				} `json:"status"`
			} `json:"models"`
		} `json:"pipelines"`
	}] `json:"orchestrators"`
}

func decodeForkCapabilities(body []byte) (map[string][]Capability, error) {
	var doc forkCapabilitiesJSON
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if !doc.Orchestrators.Set {
		return nil, errors.New(`decode: no "orchestrators" list`)
	}
	acc := newCapabilitySet()
	for i, o := range doc.Orchestrators.V {
		addr, skip, err := capabilityAddress(i, o.Address)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		acc.seen(addr)
		for _, p := range o.Pipelines {
			name := strings.TrimSpace(p.Type)
			if name == "" {
				return nil, fmt.Errorf("orchestrator %s: pipeline with no type", addr)
			}
			for _, m := range p.Models {
				if m.Status.Cold < 0 || m.Status.Warm < 0 {
					return nil, fmt.Errorf("orchestrator %s: %s model %q: negative status count", addr, name, snippet([]byte(m.Name)))
				}
				model := strings.TrimSpace(m.Name)
				if model == "" {
					return nil, fmt.Errorf("orchestrator %s: %s: model with no name", addr, name)
				}
				acc.add(addr, Capability{Pipeline: name, Model: model, Warm: m.Status.Warm > 0, Capacity: -1})
			}
		}
	}
	return acc.result(), nil
}

// networkCapabilitiesJSON is upstream's /getNetworkCapabilities answer:
// net.Capabilities through encoding/json, so every field may be omitted
// (zero) and map keys are decimal strings.
type networkCapabilitiesJSON struct {
	CapabilitiesNames map[string]string `json:"capabilities_names"`
	Orchestrators     present[[]struct {
		Address      string `json:"address"`
		Capabilities *struct {
			Constraints *struct {
				PerCapability map[string]*struct {
					Models map[string]*struct {
						Warm     bool   `json:"warm"`
						Capacity uint32 `json:"capacity"`
					} `json:"models"`
				} `json:"PerCapability"`
			} `json:"constraints"`
		} `json:"capabilities"`
	}] `json:"orchestrators"`
}

func decodeNetworkCapabilities(body []byte) (map[string][]Capability, error) {
	var doc networkCapabilitiesJSON
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if !doc.Orchestrators.Set {
		return nil, errors.New(`decode: no "orchestrators" list`)
	}
	acc := newCapabilitySet()
	for i, o := range doc.Orchestrators.V {
		addr, skip, err := capabilityAddress(i, o.Address)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		acc.seen(addr)
		if o.Capabilities == nil || o.Capabilities.Constraints == nil {
			continue
		}
		for key, pc := range o.Capabilities.Constraints.PerCapability {
			n, err := strconv.Atoi(key)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("orchestrator %s: capability %q is not a capability number", addr, snippet([]byte(key)))
			}
			if pc == nil || len(pc.Models) == 0 {
				continue
			}
			name := strings.TrimSpace(doc.CapabilitiesNames[key])
			if name == "" {
				name = capabilityName(n)
			}
			if name == "" {
				continue // a capability this tester knows nothing about
			}
			for model, mc := range pc.Models {
				model = strings.TrimSpace(model)
				if model == "" {
					return nil, fmt.Errorf("orchestrator %s: %s: model with no name", addr, name)
				}
				cp := Capability{Pipeline: name, Model: model}
				if mc != nil {
					cp.Warm, cp.Capacity = mc.Warm, int(mc.Capacity)
				}
				acc.add(addr, cp)
			}
		}
	}
	return acc.result(), nil
}

// capabilityName is go-livepeer's CapabilityToName for the AI
// capabilities, for a gateway that leaves capabilities_names out.
func capabilityName(n int) string {
	if n == LiveCapability {
		return LivePipeline
	}
	for _, p := range Pipelines {
		if p.Capability == n {
			return p.Name
		}
	}
	return ""
}

// capabilityAddress normalises the address of entry i; skip is true for an
// orchestrator that sent no ticket parameters ("" or the zero address).
func capabilityAddress(i int, s string) (addr string, skip bool, err error) {
	if strings.TrimSpace(s) == "" {
		return "", true, nil
	}
	addr, ok := ethaddr.Normalize(s)
	if !ok {
		return "", false, fmt.Errorf("orchestrator %d: invalid address %q", i, snippet([]byte(s)))
	}
	return addr, addr == zeroAddress, nil
}

// capabilitySet merges capabilities per address and pipeline/model.
type capabilitySet struct {
	byAddr map[string]map[[2]string]Capability
}

func newCapabilitySet() *capabilitySet {
	return &capabilitySet{byAddr: map[string]map[[2]string]Capability{}}
}

func (s *capabilitySet) seen(addr string) {
	if s.byAddr[addr] == nil {
		s.byAddr[addr] = map[[2]string]Capability{}
	}
}

func (s *capabilitySet) add(addr string, c Capability) {
	s.seen(addr)
	k := [2]string{c.Pipeline, c.Model}
	old, ok := s.byAddr[addr][k]
	if ok {
		c.Warm = c.Warm || old.Warm
		switch {
		case old.Capacity >= 0 && c.Capacity >= 0:
			c.Capacity += old.Capacity
		case old.Capacity > c.Capacity:
			c.Capacity = old.Capacity
		}
	}
	s.byAddr[addr][k] = c
}

func (s *capabilitySet) result() map[string][]Capability {
	out := make(map[string][]Capability, len(s.byAddr))
	for addr, m := range s.byAddr {
		list := make([]Capability, 0, len(m))
		for _, c := range m {
			list = append(list, c)
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].Pipeline != list[j].Pipeline {
				return list[i].Pipeline < list[j].Pipeline
			}
			return list[i].Model < list[j].Model
		})
		out[addr] = list
	}
	return out
}

// present records whether a JSON key was there at all (null included), to
// tell an empty list from an answer that is not the expected document.
type present[T any] struct {
	V   T
	Set bool
}

func (p *present[T]) UnmarshalJSON(b []byte) error {
	p.Set = true
	return json.Unmarshal(b, &p.V)
}
