package control

import (
	"context"
	"errors"
	"strings"
	"time"

	"jobtester/jobs"
	"jobtester/models"
)

// ScheduleView is what the schedule page and its JSON show.
type ScheduleView struct {
	Stored   *models.Schedule     `json:"stored"`          // the admin's, null when the config's applies
	Config   string               `json:"config"`          // the config file's `schedule`
	Active   *jobs.ActiveSchedule `json:"active"`          // what the running scheduler follows; null without a tester
	NextRuns []time.Time          `json:"next_runs"`       // next five firings of the schedule that applies
	Error    string               `json:"error,omitempty"` // the applying schedule does not parse
}

// nextRuns is how many firings the views list.
const nextRuns = 5

// Schedule gathers the sweep schedule's state.
func (o *Ops) Schedule(ctx context.Context) (ScheduleView, error) {
	v := ScheduleView{Config: o.DefaultSchedule, NextRuns: []time.Time{}}
	stored, err := o.Store.GetSchedule(ctx, models.SweepSchedule)
	switch {
	case err == nil:
		v.Stored = &stored
	case !errors.Is(err, models.ErrNotFound):
		return v, err
	}
	if o.Scheduler != nil {
		a := o.Scheduler.Active()
		v.Active = &a
	}
	expr, enabled := o.DefaultSchedule, o.DefaultSchedule != ""
	if v.Stored != nil {
		expr, enabled = v.Stored.Expr, v.Stored.Enabled
	}
	if enabled {
		if p, err := jobs.ParseSchedule(expr); err != nil {
			v.Error = err.Error()
		} else {
			v.NextRuns = jobs.NextRuns(p, o.now(), nextRuns)
		}
	}
	return v, nil
}

// PreviewSchedule is the next firings of expr (trimmed), or
// ErrInvalidSchedule with the validator's reason.
func (o *Ops) PreviewSchedule(expr string) ([]time.Time, error) {
	now := o.now()
	p, err := jobs.ValidateSchedule(strings.TrimSpace(expr), now)
	if err != nil {
		return nil, refused{ErrInvalidSchedule, err}
	}
	return jobs.NextRuns(p, now, nextRuns), nil
}

// SaveSchedule stores the admin's schedule and has the scheduler follow it
// from now on. Errors: ErrInvalidSchedule, models.ErrInvalidSetting.
func (o *Ops) SaveSchedule(ctx context.Context, actor, expr string, enabled bool) (models.Schedule, error) {
	expr = strings.TrimSpace(expr)
	if _, err := jobs.ValidateSchedule(expr, o.now()); err != nil {
		return models.Schedule{}, refused{ErrInvalidSchedule, err}
	}
	sc := models.Schedule{Name: models.SweepSchedule, Expr: expr, Enabled: enabled}
	if err := o.Store.SaveScheduleAudited(ctx, actor, &sc); err != nil {
		return sc, err
	}
	o.reloadScheduler()
	return sc, nil
}

// ResetSchedule drops the admin's schedule, so the config file's applies
// again; models.ErrNotFound when none was stored.
func (o *Ops) ResetSchedule(ctx context.Context, actor string) error {
	err := o.Store.DeleteScheduleAudited(ctx, actor, models.SweepSchedule)
	if err == nil || errors.Is(err, models.ErrNotFound) {
		o.reloadScheduler()
	}
	return err
}

// HasScheduler reports whether this instance runs scheduled sweeps.
func (o *Ops) HasScheduler() bool { return o.Scheduler != nil }

func (o *Ops) reloadScheduler() {
	if o.Scheduler != nil {
		o.Scheduler.Reload()
	}
}
