package models

import (
	"context"
	"fmt"
	"time"
)

// ReconciliationData is what the reconciliation view compares: what
// discovery stored, the admin's mappings, and how each orchestrator's
// latest tests went.
type ReconciliationData struct {
	Orchestrators []DiscoveredOrchestrator
	Mappings      []URIMapping
	// Capabilities are the advertised capabilities, by orchestrator.
	Capabilities map[string][]AdvertisedCapability
	// LastTests is, by orchestrator, the latest of the recent sweeps that
	// tested it.
	LastTests map[string]SweepTests
}

// reconcileSweeps is how many recent sweeps are read for LastTests: enough
// to cover an orchestrator skipped by a few sweeps, few enough that the
// read stays an index lookup however many results are stored.
const reconcileSweeps = 20

// Reconciliation reads what the reconciliation view needs.
func (s *Store) Reconciliation(ctx context.Context) (ReconciliationData, error) {
	var d ReconciliationData
	var err error
	if d.Orchestrators, err = s.Orchestrators(ctx); err != nil {
		return d, err
	}
	if d.Mappings, err = s.Mappings(ctx); err != nil {
		return d, err
	}
	var caps []AdvertisedCapability
	if err := s.db.WithContext(ctx).Order("orchestrator, pipeline, model").Find(&caps).Error; err != nil {
		return d, fmt.Errorf("list capabilities: %w", err)
	}
	d.Capabilities = map[string][]AdvertisedCapability{}
	for _, c := range caps {
		d.Capabilities[c.Orchestrator] = append(d.Capabilities[c.Orchestrator], c)
	}
	sweeps, err := s.Sweeps(ctx, reconcileSweeps)
	if err != nil {
		return d, err
	}
	d.LastTests = map[string]SweepTests{}
	if len(sweeps) == 0 {
		return d, nil
	}
	ids := make([]int64, len(sweeps))
	started := map[int64]time.Time{}
	for i, sw := range sweeps {
		ids[i] = sw.ID
		started[sw.ID] = sw.StartedAt
	}
	var rows []struct {
		Orchestrator string
		SweepID      int64
		Outcome      Outcome
		N            int
	}
	err = s.db.WithContext(ctx).Table("results").
		Select("orchestrator, sweep_id, outcome, COUNT(*) AS n").
		Where("sweep_id IN ?", ids).Group("orchestrator, sweep_id, outcome").Scan(&rows).Error
	if err != nil {
		return d, fmt.Errorf("count outcomes of recent sweeps: %w", err)
	}
	for _, r := range rows {
		t := d.LastTests[r.Orchestrator]
		if r.SweepID < t.Sweep {
			continue
		}
		if r.SweepID > t.Sweep {
			t = SweepTests{Sweep: r.SweepID, StartedAt: started[r.SweepID]}
		}
		switch r.Outcome {
		case OutcomePass:
			t.Passed += r.N
		case OutcomeFail:
			t.Failed += r.N
		case OutcomeUnavailable:
			t.Unavailable += r.N
		case OutcomeTesterError:
			t.TesterErrors += r.N
		}
		d.LastTests[r.Orchestrator] = t
	}
	return d, nil
}
