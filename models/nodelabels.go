package models

import (
	"context"
	"fmt"
	"net/url"
)

// NodeLabel names a node for people: the host of its service URI and the
// admin's display name, either possibly empty.
type NodeLabel struct {
	Host string `json:"host"`
	Name string `json:"display_name"`
}

// String is "name · host", or whichever of them is set.
func (l NodeLabel) String() string {
	switch {
	case l.Name != "" && l.Host != "":
		return l.Name + " · " + l.Host
	case l.Name != "":
		return l.Name
	}
	return l.Host
}

// NodeLabels returns the label of every orchestrator that has one, by
// address. The host is that of the service URI discovery found (the AI
// registry's when it has no other, then the first mapping's); the name is
// the first display name among its mappings. Both tables hold one row per
// node or mapping, so this stays cheap at any number of results.
func (s *Store) NodeLabels(ctx context.Context) (map[string]NodeLabel, error) {
	var orchs []DiscoveredOrchestrator
	if err := s.db.WithContext(ctx).Select("address, service_uri, ai_service_uri").Find(&orchs).Error; err != nil {
		return nil, fmt.Errorf("read node URIs: %w", err)
	}
	var maps []URIMapping
	if err := s.db.WithContext(ctx).Select("orchestrator, uri, display_name").Order("id").Find(&maps).Error; err != nil {
		return nil, fmt.Errorf("read node names: %w", err)
	}
	out := make(map[string]NodeLabel, len(orchs))
	for _, o := range orchs {
		h := URIHost(o.ServiceURI)
		if h == "" {
			h = URIHost(o.AIServiceURI)
		}
		if h != "" {
			out[o.Address] = NodeLabel{Host: h}
		}
	}
	for _, m := range maps {
		l := out[m.Orchestrator]
		if l.Host == "" {
			l.Host = URIHost(m.URI)
		}
		if l.Name == "" {
			l.Name = m.DisplayName
		}
		out[m.Orchestrator] = l
	}
	return out, nil
}

// URIHost is the host[:port] of a service URI, "" when it has none.
func URIHost(uri string) string {
	if uri == "" {
		return ""
	}
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return u.Host
}
