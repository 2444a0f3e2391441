package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

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
	// Instance is the instance that runs (or last ran) the sweep; a
	// takeover changes it, with LeaseToken, the lease it holds.
	Instance   string `json:"instance"`
	LeaseToken int64  `json:"lease_token"`
	// Simulated marks a sweep of the demo's simulated past: its results
	// were produced from simnet's profiles, not measured.
	Simulated bool `json:"simulated"`
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
	return s.UpdateSweepFenced(ctx, nil, sw)
}

// UpdateSweepFenced writes a sweep's counts, status and instance if the
// fence f holds (nil: always); ErrFenced if it does not.
func (s *Store) UpdateSweepFenced(ctx context.Context, f *Fence, sw *Sweep) error {
	err := s.fenced(ctx, f, func(tx *gorm.DB) error {
		return tx.Model(&Sweep{}).Where("id = ?", sw.ID).Updates(map[string]any{
			"status": sw.Status, "finished_at": sw.FinishedAt, "lanes": sw.Lanes, "expected": sw.Expected,
			"passed": sw.Passed, "failed": sw.Failed, "unavailable": sw.Unavailable,
			"tester_errors": sw.TesterErrors, "error": sw.Error, "instance": sw.Instance, "lease_token": sw.LeaseToken,
		}).Error
	})
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
	return one[Sweep](s.db.WithContext(ctx).Where("id = ?", id), fmt.Sprintf("sweep %d", id))
}

// SweepResults returns the results a sweep stored, in the order they ran.
func (s *Store) SweepResults(ctx context.Context, id int64) ([]RawResult, error) {
	var rows []RawResult
	err := s.db.WithContext(ctx).Table("results re").Select(`r.name AS region, re.*, COALESCE(st.instance, '') AS instance`).
		Joins(`JOIN regions r ON r.id = re.region_id`).
		Joins(`LEFT JOIN sweep_tasks st ON st.result_id = re.id`).Where(`re.sweep_id = ?`, id).
		Order(`re.id`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("results of sweep %d: %w", id, err)
	}
	return rows, nil
}

// SweepTests counts, by outcome, the attempts one sweep made on one
// orchestrator.
type SweepTests struct {
	Sweep        int64
	StartedAt    time.Time
	Passed       int
	Failed       int
	Unavailable  int
	TesterErrors int
}

// Total is every attempt counted.
func (t SweepTests) Total() int { return t.Passed + t.Failed + t.Unavailable + t.TesterErrors }
