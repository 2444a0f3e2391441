package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"jobtester/ingest"
	"jobtester/rollup"
)

// Filter narrows a leaderboard query. Empty fields match everything.
// JobType is "transcoding" or "ai"; Pipeline and Model are set together.
type Filter struct {
	Orchestrator string // lower-case address
	Region       string // region code
	JobType      string
	Pipeline     string
	Model        string
}

// Window is a time range on the receive time of results. Rollup reads
// include every hour bucket that starts at or after Since's hour and at or
// before Until, so a window may take in up to an hour before Since.
type Window struct {
	Since, Until time.Time
}

func (w Window) hours() (from, to int64) {
	return w.Since.UTC().Truncate(time.Hour).Unix(), w.Until.UTC().Unix()
}

// SeriesTotals are the window totals of one series.
type SeriesTotals struct {
	Orchestrator string
	Region       string
	JobType      string
	Pipeline     string
	Model        string
	rollup.Totals
}

// Means of the scored results: what leaderboard-serverless's AVG()s return.
func (t SeriesTotals) MeanSuccessRate() float64   { return mean(t.SumSuccessRate, t.Results) }
func (t SeriesTotals) MeanSegDuration() float64   { return mean(t.SumSegDuration, t.Results) }
func (t SeriesTotals) MeanRoundTripTime() float64 { return mean(t.SumRoundTripTime, t.Results) }

func mean(sum float64, n int64) float64 {
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// Totals returns the window totals of every series matching f. Windows
// inside the rollup horizon are read from memory; older ones from the
// rollups table.
func (s *Store) Totals(ctx context.Context, f Filter, w Window) ([]SeriesTotals, error) {
	from, to := w.hours()
	horizon := time.Now().UTC().Add(-s.opts.RollupHorizon).Truncate(time.Hour).Unix()
	if from < horizon || !s.started {
		return s.totalsSQL(ctx, f, from, to)
	}
	var out []SeriesTotals
	s.regionsMu.RLock()
	regions := s.byID
	s.regionsMu.RUnlock()
	match := func(k rollup.Key) bool {
		if f.Orchestrator != "" && k.Orchestrator != f.Orchestrator {
			return false
		}
		if f.Pipeline != "" && (k.Pipeline != f.Pipeline || k.Model != f.Model) {
			return false
		}
		r := regions[k.RegionID]
		if f.JobType != "" && r.JobType != f.JobType {
			return false
		}
		return f.Region == "" || r.Name == f.Region
	}
	s.index.Sum(match, from, to, func(k rollup.Key, t rollup.Totals) {
		r := regions[k.RegionID]
		out = append(out, SeriesTotals{Orchestrator: k.Orchestrator, Region: r.Name, JobType: r.JobType,
			Pipeline: k.Pipeline, Model: k.Model, Totals: t})
	})
	return out, nil
}

func (s *Store) totalsSQL(ctx context.Context, f Filter, from, to int64) ([]SeriesTotals, error) {
	q := s.db.WithContext(ctx).Table("rollups ro").
		Select(`ro.orchestrator, r.name AS region, j.name AS job_type, ro.pipeline, ro.model,
			SUM(ro.results) AS results, SUM(ro.sum_success_rate) AS sum_success_rate,
			SUM(ro.sum_seg_duration) AS sum_seg_duration, SUM(ro.sum_round_trip_time) AS sum_round_trip_time,
			SUM(ro.passed) AS passed, SUM(ro.sum_passed_round_trip_time) AS sum_passed_round_trip_time`).
		Joins(`JOIN regions r ON r.id = ro.region_id JOIN job_types j ON j.id = r.job_type_id`).
		Where(`ro.bucket >= ? AND ro.bucket <= ?`, time.Unix(from, 0).UTC(), time.Unix(to, 0).UTC())
	q = f.onRollups(q)
	var rows []struct {
		Orchestrator, Region, JobType, Pipeline, Model string
		Results                                        int64
		SumSuccessRate, SumSegDuration                 float64
		SumRoundTripTime                               float64
		Passed                                         int64
		SumPassedRoundTripTime                         float64
	}
	err := q.Group(`ro.orchestrator, r.name, j.name, ro.pipeline, ro.model`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("sum rollups: %w", err)
	}
	out := make([]SeriesTotals, 0, len(rows))
	for _, r := range rows {
		out = append(out, SeriesTotals{Orchestrator: r.Orchestrator, Region: r.Region, JobType: r.JobType,
			Pipeline: r.Pipeline, Model: r.Model, Totals: rollup.Totals{
				Results: r.Results, SumSuccessRate: r.SumSuccessRate, SumSegDuration: r.SumSegDuration,
				SumRoundTripTime: r.SumRoundTripTime, Passed: r.Passed, SumPassedRoundTripTime: r.SumPassedRoundTripTime,
			}})
	}
	return out, nil
}

// Pipeline is one AI pipeline with the models and regions that have
// results in a window.
type Pipeline struct {
	ID      string
	Models  []string
	Regions []string
}

// Pipelines lists the AI pipelines with results in the window (optionally
// in one region), each with its models and regions, sorted by name.
func (s *Store) Pipelines(ctx context.Context, region string, w Window) ([]Pipeline, error) {
	totals, err := s.Totals(ctx, Filter{JobType: ingest.JobTypeAI, Region: region}, w)
	if err != nil {
		return nil, err
	}
	type sets struct{ models, regions map[string]bool }
	byID := map[string]*sets{}
	for _, t := range totals {
		p := byID[t.Pipeline]
		if p == nil {
			p = &sets{map[string]bool{}, map[string]bool{}}
			byID[t.Pipeline] = p
		}
		p.models[t.Model] = true
		p.regions[t.Region] = true
	}
	out := make([]Pipeline, 0, len(byID))
	for id, p := range byID {
		out = append(out, Pipeline{ID: id, Models: sortedKeys(p.models), Regions: sortedKeys(p.regions)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// onRollups narrows a query of rollups (aliased ro, joined to regions r and
// job_types j) to the filter.
func (f Filter) onRollups(q *gorm.DB) *gorm.DB {
	if f.Orchestrator != "" {
		q = q.Where(`ro.orchestrator = ?`, f.Orchestrator)
	}
	if f.Region != "" {
		q = q.Where(`r.name = ?`, f.Region)
	}
	if f.JobType != "" {
		q = q.Where(`j.name = ?`, f.JobType)
	}
	if f.Pipeline != "" {
		q = q.Where(`ro.pipeline = ? AND ro.model = ?`, f.Pipeline, f.Model)
	}
	return q
}
