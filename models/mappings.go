package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jobtester/ethaddr"
)

// maxDisplayName bounds an admin's name for a node: it sits in a table cell.
const maxDisplayName = 60

// Job types a service URI can serve, as URI mappings tag them.
const (
	MappingAI          = "ai"
	MappingLive        = "live"
	MappingTranscoding = "transcoding"
)

// URIMapping is a row of uri_mappings: an admin's statement that an
// orchestrator serves some job types at a URI of its own choosing (live
// video on another host than batch AI, a node not in the registries…).
type URIMapping struct {
	ID           int64  `json:"id"`
	Orchestrator string `json:"orchestrator"`
	URI          string `json:"uri"`
	JobTypes     string `json:"job_types"` // comma-separated, sorted: ai, live, transcoding
	Note         string `json:"note"`
	// DisplayName is the admin's name for the node, shown beside its
	// address on the dashboard ("" for none).
	DisplayName string    `json:"display_name"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Serves reports whether the mapping is tagged with the job type.
func (m URIMapping) Serves(jobType string) bool {
	for _, t := range strings.Split(m.JobTypes, ",") {
		if t == jobType {
			return true
		}
	}
	return false
}

// ErrInvalidMapping wraps every validation failure of a mapping.
var ErrInvalidMapping = errors.New("invalid mapping")

// Normalize checks a mapping and puts it in canonical form; its error
// says which field is wrong and why.
func (m *URIMapping) Normalize() error {
	addr, ok := ethaddr.Normalize(m.Orchestrator)
	if !ok {
		return mappingError("orchestrator", "orchestrator "+ethaddr.ErrInvalid.Error())
	}
	m.Orchestrator = addr
	m.URI = strings.TrimSpace(m.URI)
	u, err := url.ParseRequestURI(m.URI)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" {
		return mappingError("uri", "uri must be an absolute http(s) URL such as https://host:8935")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.HasSuffix(m.URI, "?") || strings.HasSuffix(m.URI, "#") {
		return mappingError("uri", "uri must not carry credentials, a query or a fragment")
	}
	// A service URI names a node (go-livepeer's -serviceAddr), never a
	// path on it.
	if u.Path != "" && u.Path != "/" {
		return mappingError("uri", "uri must be scheme://host:port with no path")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return mappingError("uri", "uri port must be between 1 and 65535")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return mappingError("uri", "uri has an empty port")
	}
	m.URI = strings.TrimSuffix(m.URI, "/")
	types := map[string]bool{}
	for _, t := range strings.Split(m.JobTypes, ",") {
		t = strings.ToLower(strings.TrimSpace(t))
		switch t {
		case "":
		case MappingAI, MappingLive, MappingTranscoding:
			types[t] = true
		default:
			return mappingError("job_types", fmt.Sprintf("job type %q is not ai, live or transcoding", t))
		}
	}
	if len(types) == 0 {
		return mappingError("job_types", "job_types needs at least one of ai, live, transcoding")
	}
	list := make([]string, 0, len(types))
	for t := range types {
		list = append(list, t)
	}
	sort.Strings(list)
	m.JobTypes = strings.Join(list, ",")
	m.DisplayName = strings.Join(strings.Fields(m.DisplayName), " ")
	if utf8.RuneCountInString(m.DisplayName) > maxDisplayName {
		return mappingError("display_name", fmt.Sprintf("display_name is longer than %d characters", maxDisplayName))
	}
	if len(m.Note) > 1000 {
		return mappingError("note", "note is longer than 1000 characters")
	}
	return nil
}

// Mappings lists every URI mapping, by orchestrator then URI.
func (s *Store) Mappings(ctx context.Context) ([]URIMapping, error) {
	var out []URIMapping
	if err := s.db.WithContext(ctx).Order("orchestrator, uri").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list mappings: %w", err)
	}
	return out, nil
}

// Mapping returns one mapping.
func (s *Store) Mapping(ctx context.Context, id int64) (URIMapping, error) {
	return one[URIMapping](s.db.WithContext(ctx).Where("id = ?", id), fmt.Sprintf("mapping %d", id))
}

// saveMapping creates (ID 0) or updates a mapping after validating it.
func (s *Store) saveMapping(ctx context.Context, m *URIMapping) error {
	if err := m.Normalize(); err != nil {
		return err
	}
	now := time.Now().UTC()
	m.UpdatedAt = now
	db := s.db.WithContext(ctx)
	if m.ID == 0 {
		m.CreatedAt = now
		if err := db.Create(m).Error; err != nil {
			if isUniqueViolation(err) {
				return mappingError("uri", fmt.Sprintf("%s already has a mapping for %s", m.Orchestrator, m.URI))
			}
			return fmt.Errorf("create mapping: %w", err)
		}
		return nil
	}
	res := db.Model(&URIMapping{}).Where("id = ?", m.ID).Updates(map[string]any{
		"orchestrator": m.Orchestrator, "uri": m.URI, "job_types": m.JobTypes, "note": m.Note, "display_name": m.DisplayName, "updated_at": now,
	})
	if res.Error != nil {
		if isUniqueViolation(res.Error) {
			return mappingError("uri", fmt.Sprintf("%s already has a mapping for %s", m.Orchestrator, m.URI))
		}
		return fmt.Errorf("update mapping %d: %w", m.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("mapping %d: %w", m.ID, ErrNotFound)
	}
	return nil
}

// deleteMapping removes one mapping.
func (s *Store) deleteMapping(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Delete(&URIMapping{}, id)
	if res.Error != nil {
		return fmt.Errorf("delete mapping %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("mapping %d: %w", id, ErrNotFound)
	}
	return nil
}

// MappingsOf lists the URI mappings of one orchestrator.
func (s *Store) MappingsOf(ctx context.Context, address string) ([]URIMapping, error) {
	var out []URIMapping
	if err := s.db.WithContext(ctx).Where("orchestrator = ?", address).Order("uri").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("mappings of %s: %w", address, err)
	}
	return out, nil
}

func mappingError(field, msg string) error {
	return &FieldError{Field: field, Msg: msg, Kind: ErrInvalidMapping}
}

func mappingTarget(m *URIMapping) string { return fmt.Sprintf("mapping:%d", m.ID) }

// SaveMappingAudited creates (ID 0) or updates a mapping after validating
// it, with its audit entry (mapping.create or mapping.update, with the
// mapping before and after). m is read back as stored.
func (s *Store) SaveMappingAudited(ctx context.Context, actor string, m *URIMapping) error {
	action := "mapping.create"
	var before func(*Store) (*URIMapping, error)
	if m.ID != 0 {
		action = "mapping.update"
		before = func(tx *Store) (*URIMapping, error) { return found(tx.Mapping(ctx, m.ID)) }
	}
	_, after, err := auditedChange(ctx, s, actor, action, mappingTarget, before, func(tx *Store, _ *URIMapping) (*URIMapping, error) {
		if err := tx.saveMapping(ctx, m); err != nil {
			return nil, err
		}
		after, err := tx.Mapping(ctx, m.ID)
		if err != nil {
			return nil, fmt.Errorf("read back mapping %d: %w", m.ID, err)
		}
		return &after, nil
	})
	if err != nil {
		return err
	}
	*m = *after
	return nil
}

// DeleteMappingAudited removes one mapping, with its audit entry.
func (s *Store) DeleteMappingAudited(ctx context.Context, actor string, id int64) error {
	_, _, err := auditedChange(ctx, s, actor, "mapping.delete", mappingTarget,
		func(tx *Store) (*URIMapping, error) { return found(tx.Mapping(ctx, id)) },
		func(tx *Store, _ *URIMapping) (*URIMapping, error) { return nil, tx.deleteMapping(ctx, id) })
	return err
}
