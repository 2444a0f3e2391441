package models

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"jobtester/ingest"
	"jobtester/rollup"
	"jobtester/scoring"
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

// MedianRoundTripTime is the median round-trip time of the successful
// (success_rate = 1, RTT ≠ 0) AI jobs of one pipeline and model, over all
// orchestrators, in the window and optionally one region: the reference
// point of the compatible AI latency score. It is the one leaderboard read
// of raw results, served by idx_results_median. It returns 0 when there is
// no successful job.
func (s *Store) MedianRoundTripTime(ctx context.Context, pipeline, model, region string, w Window) (float64, error) {
	from, to := w.hours()
	var regionID int64
	if region != "" {
		r, ok := s.regionByName(region, ingest.JobTypeAI)
		if !ok {
			return 0, nil
		}
		regionID = r.ID
	}
	now := time.Now().UTC()
	horizon := now.Add(-s.opts.RollupHorizon).Truncate(time.Hour).Unix()
	if s.started && from >= horizon {
		return s.medianFromHours(ctx, pairKey{pipeline, model}, from, w.Until.UTC(), regionID, now)
	}
	// Beyond the horizon: straight from the table.
	where := medianWhere + ` AND received_at >= ? AND received_at <= ?`
	args := []any{pipeline, model, time.Unix(from, 0).UTC(), time.Unix(to, 0).UTC().Add(999 * time.Millisecond)}
	if regionID != 0 {
		where += ` AND region_id = ?`
		args = append(args, regionID)
	}
	if s.dialect.medianInSQL {
		var m float64
		err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY round_trip_time), 0)
			FROM results WHERE `+where, args...).Scan(&m).Error
		if err != nil {
			return 0, fmt.Errorf("median round-trip time of %s/%s: %w", pipeline, model, err)
		}
		return m, nil
	}
	samples, err := s.successfulRTTs(ctx, pairKey{pipeline, model}, time.Unix(from, 0), w.Until.Add(time.Microsecond), regionID, nil)
	if err != nil {
		return 0, err
	}
	values := make([]float64, len(samples))
	for i, smp := range samples {
		values[i] = smp.rtt
	}
	return scoring.MedianOf(values), nil
}

// RawResult is a stored result with its region code, as /api/raw_stats
// returns them.
type RawResult struct {
	Region string
	Result
}

// Stats rebuilds the posted payload.
func (r *RawResult) Stats() ingest.Stats {
	return ingest.Stats{
		Region: r.Region, Orchestrator: r.Orchestrator, SuccessRate: r.SuccessRate,
		RoundTripTime: r.RoundTripTime, Errors: decodeErrors(r.Errors), Timestamp: r.Timestamp,
		SegDuration: r.SegDuration, SegmentsSent: r.SegmentsSent, SegmentsRecv: r.SegmentsReceived,
		UploadTime: r.UploadTime, DownloadTime: r.DownloadTime, TranscodeTime: r.TranscodeTime,
		Model: r.Model, ModelIsWarm: r.ModelIsWarm, Pipeline: r.Pipeline,
		InputParams: r.InputParameters, ResponsePayload: r.ResponsePayload,
	}
}

// RawResults returns the results of one orchestrator in the exact window,
// newest first. f.Orchestrator is required; without a pipeline only
// transcoding results are returned, as in leaderboard-serverless.
func (s *Store) RawResults(ctx context.Context, f Filter, w Window, limit int) ([]RawResult, error) {
	if f.Orchestrator == "" {
		return nil, fmt.Errorf("raw results need an orchestrator")
	}
	q := s.db.WithContext(ctx).Table("results re").
		Select(`r.name AS region, re.*`).
		Joins(`JOIN regions r ON r.id = re.region_id JOIN job_types j ON j.id = r.job_type_id`).
		Where(`re.orchestrator = ? AND re.received_at >= ? AND re.received_at <= ?`,
			f.Orchestrator, w.Since.UTC(), w.Until.UTC()).
		Where(`re.outcome IN ('pass', 'fail')`)
	jobType := f.JobType
	if f.Pipeline != "" {
		jobType = ingest.JobTypeAI
		q = q.Where(`re.pipeline = ? AND re.model = ?`, f.Pipeline, f.Model)
	}
	if jobType == "" {
		jobType = ingest.JobTypeTranscoding
	}
	q = q.Where(`j.name = ?`, jobType)
	if f.Region != "" {
		q = q.Where(`r.name = ?`, f.Region)
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []RawResult
	if err := q.Order(`re.received_at DESC, re.id DESC`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("raw results of %s: %w", f.Orchestrator, err)
	}
	return rows, nil
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

func decodeErrors(s string) []ingest.Error {
	out := []ingest.Error{}
	if strings.TrimSpace(s) == "" {
		return out
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return []ingest.Error{}
	}
	return out
}

// CountResults is the number of stored results, for tests and the bench.
func (s *Store) CountResults(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Result{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count results: %w", err)
	}
	return n, nil
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
