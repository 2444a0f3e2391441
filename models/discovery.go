package models

import (
	"context"
	"fmt"
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
	// PricePerPixel is the transcoding price the gateway was quoted, in
	// wei per pixel as an exact rational ("1200", "1841/20"); "" unknown.
	PricePerPixel string
	Sources       string // comma-separated: gateway, chain
	FirstSeenAt   time.Time
	LastSeenAt    time.Time
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
					"stake", "price_per_pixel", "sources", "last_seen_at"}),
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

// Orchestrator returns what discovery knows about one address.
func (s *Store) Orchestrator(ctx context.Context, address string) (DiscoveredOrchestrator, error) {
	return one[DiscoveredOrchestrator](s.db.WithContext(ctx).Where("address = ?", address), "orchestrator "+address)
}

// Capabilities lists what one orchestrator advertised at the last
// discovery, by pipeline and model.
func (s *Store) Capabilities(ctx context.Context, address string) ([]AdvertisedCapability, error) {
	var out []AdvertisedCapability
	err := s.db.WithContext(ctx).Where("orchestrator = ?", address).Order("pipeline, model").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("capabilities of %s: %w", address, err)
	}
	return out, nil
}

// AdvertisedBy lists the orchestrators that advertised a pipeline and
// model at the last discovery; with an empty pipeline, every orchestrator
// discovery knows with a service URI (the transcoding pool).
func (s *Store) AdvertisedBy(ctx context.Context, pipeline, model string) ([]string, error) {
	var out []string
	var err error
	if pipeline == "" {
		err = s.db.WithContext(ctx).Model(&DiscoveredOrchestrator{}).
			Where("service_uri <> ''").Order("address").Pluck("address", &out).Error
	} else {
		err = s.db.WithContext(ctx).Model(&AdvertisedCapability{}).
			Where("pipeline = ? AND model = ?", pipeline, model).Order("orchestrator").Pluck("orchestrator", &out).Error
	}
	if err != nil {
		return nil, fmt.Errorf("orchestrators advertising %q %q: %w", pipeline, model, err)
	}
	return out, nil
}
