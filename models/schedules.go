package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"
)

// Schedule is a row of schedules: a cron expression an admin set, which
// overrides the config file's `schedule` while the row exists.
type Schedule struct {
	Name      string    `json:"name" gorm:"primaryKey"`
	Expr      string    `json:"expr"`
	Enabled   bool      `json:"enabled"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// SweepSchedule names the schedule of sweeps, the one schedule there is.
const SweepSchedule = "sweep"

// GetSchedule returns the stored schedule, or ErrNotFound when the config
// file's applies.
func (s *Store) GetSchedule(ctx context.Context, name string) (Schedule, error) {
	return one[Schedule](s.db.WithContext(ctx).Where("name = ?", name), "schedule "+name)
}

// saveSchedule stores a schedule. It checks only the form of the row; the
// cron syntax is the caller's to check (jobs.ValidateSchedule), since the
// scheduler is what understands it.
func (s *Store) saveSchedule(ctx context.Context, sc *Schedule) error {
	sc.Expr = strings.TrimSpace(sc.Expr)
	if sc.Name == "" || len(sc.Name) > 32 {
		return invalid("schedule name must be 1–32 characters")
	}
	if sc.Expr == "" {
		return invalid("schedule is required (disable it instead of emptying it)")
	}
	if len(sc.Expr) > 256 || !utf8.ValidString(sc.Expr) || strings.ContainsAny(sc.Expr, "\x00\n\r") {
		return invalid("schedule must be one line of at most 256 characters")
	}
	sc.UpdatedAt = time.Now().UTC()
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"expr", "enabled", "updated_at", "updated_by"}),
	}).Create(sc).Error
	if err != nil {
		return fmt.Errorf("save schedule %s: %w", sc.Name, err)
	}
	return nil
}

// deleteSchedule removes a stored schedule: the config file's applies again.
func (s *Store) deleteSchedule(ctx context.Context, name string) error {
	res := s.db.WithContext(ctx).Where("name = ?", name).Delete(&Schedule{})
	if res.Error != nil {
		return fmt.Errorf("delete schedule %s: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("schedule %s: %w", name, ErrNotFound)
	}
	return nil
}

func scheduleTarget(sc *Schedule) string { return "schedule:" + sc.Name }

// SaveScheduleAudited stores a schedule (see saveSchedule) as actor's,
// with its audit entry (schedule.update; before is null while the config's
// applies).
func (s *Store) SaveScheduleAudited(ctx context.Context, actor string, sc *Schedule) error {
	sc.UpdatedBy = actor
	_, _, err := auditedChange(ctx, s, actor, "schedule.update", scheduleTarget,
		func(tx *Store) (*Schedule, error) { return optional(tx.GetSchedule(ctx, sc.Name)) },
		func(tx *Store, _ *Schedule) (*Schedule, error) { return sc, tx.saveSchedule(ctx, sc) })
	return err
}

// DeleteScheduleAudited removes a stored schedule, with its audit entry
// (schedule.reset: the config's schedule applies again).
func (s *Store) DeleteScheduleAudited(ctx context.Context, actor, name string) error {
	_, _, err := auditedChange(ctx, s, actor, "schedule.reset", scheduleTarget,
		func(tx *Store) (*Schedule, error) { return found(tx.GetSchedule(ctx, name)) },
		func(tx *Store, _ *Schedule) (*Schedule, error) { return nil, tx.deleteSchedule(ctx, name) })
	return err
}
