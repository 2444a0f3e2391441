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

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DiscoveredOrchestrator is a row of orchestrators: the last thing
// discovery learned about one address.
type DiscoveredOrchestrator struct {
	Address      string `gorm:"primaryKey"`
	ServiceURI   string
	AIServiceURI string `gorm:"column:ai_service_uri"`
	Active       bool
	Registered   bool
	Stake        string // decimal; may exceed int64
	Sources      string // comma-separated: gateway, chain
	FirstSeenAt  time.Time
	LastSeenAt   time.Time
}

// TableName keeps the table name the migration chose.
func (DiscoveredOrchestrator) TableName() string { return "orchestrators" }

// AdvertisedCapability is a row of capabilities: one pipeline/model an
// orchestrator advertised at the last discovery.
type AdvertisedCapability struct {
	Orchestrator string `gorm:"primaryKey"`
	Pipeline     string `gorm:"primaryKey"`
	Model        string `gorm:"primaryKey"`
	Warm         bool
	Capacity     int
	SeenAt       time.Time
}

// TableName keeps the table name the migration chose.
func (AdvertisedCapability) TableName() string { return "capabilities" }

// SaveDiscovery records what one discovery pass found: orchestrators are
// upserted (first_seen_at kept), and each orchestrator's capabilities are
// replaced by the ones seen now.
func (s *Store) SaveDiscovery(ctx context.Context, orchs []DiscoveredOrchestrator, caps []AdvertisedCapability) error {
	now := time.Now().UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := range orchs {
			orchs[i].LastSeenAt, orchs[i].FirstSeenAt = now, now
		}
		if len(orchs) > 0 {
			err := tx.Clauses(clause.OnConflict{
				Columns: []clause.Column{{Name: "address"}},
				DoUpdates: clause.AssignmentColumns([]string{"service_uri", "ai_service_uri", "active", "registered",
					"stake", "sources", "last_seen_at"}),
			}).CreateInBatches(orchs, 200).Error
			if err != nil {
				return fmt.Errorf("save orchestrators: %w", err)
			}
		}
		seen := map[string]bool{}
		for _, c := range caps {
			seen[c.Orchestrator] = true
		}
		for addr := range seen {
			if err := tx.Where("orchestrator = ?", addr).Delete(&AdvertisedCapability{}).Error; err != nil {
				return fmt.Errorf("replace capabilities of %s: %w", addr, err)
			}
		}
		for i := range caps {
			caps[i].SeenAt = now
		}
		if len(caps) > 0 {
			if err := tx.CreateInBatches(caps, 200).Error; err != nil {
				return fmt.Errorf("save capabilities: %w", err)
			}
		}
		return nil
	})
}

// Orchestrators lists what discovery knows, by address.
func (s *Store) Orchestrators(ctx context.Context) ([]DiscoveredOrchestrator, error) {
	var out []DiscoveredOrchestrator
	if err := s.db.WithContext(ctx).Order("address").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list orchestrators: %w", err)
	}
	return out, nil
}

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
	ID           int64     `json:"id"`
	Orchestrator string    `json:"orchestrator"`
	URI          string    `json:"uri"`
	JobTypes     string    `json:"job_types"` // comma-separated, sorted: ai, live, transcoding
	Note         string    `json:"note"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
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

// ErrNotFound is returned for a missing row.
var ErrNotFound = errors.New("not found")

// Normalize checks a mapping and puts it in canonical form; its error
// says which field is wrong and why.
func (m *URIMapping) Normalize() error {
	addr := strings.ToLower(strings.TrimSpace(m.Orchestrator))
	if len(addr) != 42 || !strings.HasPrefix(addr, "0x") || strings.Trim(addr[2:], "0123456789abcdef") != "" {
		return mappingError("orchestrator", "orchestrator must be a 0x-prefixed 20-byte hex address")
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
	var m URIMapping
	err := s.db.WithContext(ctx).First(&m, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, fmt.Errorf("mapping %d: %w", id, ErrNotFound)
	}
	return m, err
}

// SaveMapping creates (ID 0) or updates a mapping after validating it.
func (s *Store) SaveMapping(ctx context.Context, m *URIMapping) error {
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
		"orchestrator": m.Orchestrator, "uri": m.URI, "job_types": m.JobTypes, "note": m.Note, "updated_at": now,
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

// DeleteMapping removes one mapping.
func (s *Store) DeleteMapping(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Delete(&URIMapping{}, id)
	if res.Error != nil {
		return fmt.Errorf("delete mapping %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("mapping %d: %w", id, ErrNotFound)
	}
	return nil
}

func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// Sweep is a row of sweeps: one pass over the orchestrators, with its
// report.
type Sweep struct {
	ID           int64      `json:"id"`
	Region       string     `json:"region"`
	StartedBy    string     `json:"started_by"` // schedule, cli, admin, demo
	Status       string     `json:"status"`     // running, done, failed, cancelled
	StartedAt    time.Time  `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at"`
	Lanes        int        `json:"lanes"`
	Expected     int        `json:"expected"`
	Passed       int        `json:"passed"`
	Failed       int        `json:"failed"`
	Unavailable  int        `json:"unavailable"`
	TesterErrors int        `json:"tester_errors"`
	Error        string     `json:"error"`
}

// Sweep statuses.
const (
	SweepRunning   = "running"
	SweepDone      = "done"
	SweepFailed    = "failed"
	SweepCancelled = "cancelled"
)

// CreateSweep stores a new running sweep and sets its ID.
func (s *Store) CreateSweep(ctx context.Context, sw *Sweep) error {
	sw.Status = SweepRunning
	sw.StartedAt = time.Now().UTC()
	if err := s.db.WithContext(ctx).Create(sw).Error; err != nil {
		return fmt.Errorf("create sweep: %w", err)
	}
	return nil
}

// UpdateSweep writes a sweep's counts and status.
func (s *Store) UpdateSweep(ctx context.Context, sw *Sweep) error {
	err := s.db.WithContext(ctx).Model(&Sweep{}).Where("id = ?", sw.ID).Updates(map[string]any{
		"status": sw.Status, "finished_at": sw.FinishedAt, "lanes": sw.Lanes, "expected": sw.Expected,
		"passed": sw.Passed, "failed": sw.Failed, "unavailable": sw.Unavailable,
		"tester_errors": sw.TesterErrors, "error": sw.Error,
	}).Error
	if err != nil {
		return fmt.Errorf("update sweep %d: %w", sw.ID, err)
	}
	return nil
}

// Sweeps lists the latest sweeps, newest first.
func (s *Store) Sweeps(ctx context.Context, limit int) ([]Sweep, error) {
	var out []Sweep
	if err := s.db.WithContext(ctx).Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list sweeps: %w", err)
	}
	return out, nil
}

// GetSweep returns one sweep.
func (s *Store) GetSweep(ctx context.Context, id int64) (Sweep, error) {
	var sw Sweep
	err := s.db.WithContext(ctx).First(&sw, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sw, fmt.Errorf("sweep %d: %w", id, ErrNotFound)
	}
	return sw, err
}

// SweepResults returns the results a sweep stored, in the order they ran.
func (s *Store) SweepResults(ctx context.Context, id int64) ([]RawResult, error) {
	var rows []RawResult
	err := s.db.WithContext(ctx).Table("results re").Select(`r.name AS region, re.*`).
		Joins(`JOIN regions r ON r.id = re.region_id`).Where(`re.sweep_id = ?`, id).
		Order(`re.id`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("results of sweep %d: %w", id, err)
	}
	return rows, nil
}
