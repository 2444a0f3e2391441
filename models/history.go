package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"jobtester/rollup"
)

// The dashboard's hourly history, read from the rollup index inside its
// horizon and from the rollups table beyond it.

// MaxHistorySteps bounds one history read: 31 days of hours.
const MaxHistorySteps = 31*24 + 1

// HistoryPoint is the totals of one series over one step of a history.
// A step with no results has zero Totals.
type HistoryPoint struct {
	Start time.Time
	rollup.Totals
}

// SeriesHistory is one series (an orchestrator in a region, for a pipeline
// and model) step by step.
type SeriesHistory struct {
	Orchestrator string
	Region       string
	JobType      string
	Pipeline     string
	Model        string
	Points       []HistoryPoint // one per step, oldest first
}

// ErrBadHistory is returned for a history that cannot be read as asked.
var ErrBadHistory = errors.New("invalid history request")

// History returns, for every series matching f with attempts in the
// window (scored or unavailable), its totals step by step. Steps start at whole hours: the first at
// Since's hour, the last at or before Until; step must be a whole number of
// hours. Only results inside the window count, so the first and last steps
// may cover part of their hours. Series without any attempt in the window are left out; steps
// without attempts are kept with zero totals, so callers can tell "no data"
// from a score of 0.
//
// Whole hours inside the rollup horizon are read from the in-memory index
// in one pass over the series, older ones from the rollups table, and the
// parts of hours at the window's edges from the results, as Totals does.
func (s *Store) History(ctx context.Context, f Filter, w Window, step time.Duration) ([]SeriesHistory, error) {
	bySeries := map[rollup.Key]*SeriesHistory{}
	var order []rollup.Key
	var regions map[int64]Region
	n := 0
	err := s.eachStep(ctx, f, w, step, func(steps int, regs map[int64]Region) { n, regions = steps, regs },
		func(k rollup.Key, i int, t rollup.Totals, from, stepSec int64) {
			h := bySeries[k]
			if h == nil {
				r := regions[k.RegionID]
				h = &SeriesHistory{Orchestrator: k.Orchestrator, Region: r.Name, JobType: r.JobType,
					Pipeline: k.Pipeline, Model: k.Model, Points: make([]HistoryPoint, n)}
				for j := range h.Points {
					h.Points[j].Start = time.Unix(from+int64(j)*stepSec, 0).UTC()
				}
				bySeries[k] = h
				order = append(order, k)
			}
			h.Points[i].Totals.Add(t)
		})
	if err != nil {
		return nil, err
	}
	out := make([]SeriesHistory, 0, len(order))
	for _, k := range order {
		out = append(out, *bySeries[k])
	}
	return out, nil
}

// HourlyTotals calls fn once for every hour of every series matching f
// with attempts in the window, with the series' region and the hour's
// start (Unix seconds): History's totals without a point for every empty
// hour, for readers that only want the hours with data (score v2 reads a
// week of them per model on every call).
func (s *Store) HourlyTotals(ctx context.Context, f Filter, w Window, fn func(r Region, k rollup.Key, hour int64, t rollup.Totals)) error {
	var regions map[int64]Region
	return s.eachStep(ctx, f, w, time.Hour, func(_ int, regs map[int64]Region) { regions = regs },
		func(k rollup.Key, i int, t rollup.Totals, from, stepSec int64) {
			fn(regions[k.RegionID], k, from+int64(i)*stepSec, t)
		})
}

// HistoryByOrchestrator is History with each orchestrator's series (its
// regions, pipelines and models matching f) added up: what a leaderboard's
// sparklines need, without a point list per series.
func (s *Store) HistoryByOrchestrator(ctx context.Context, f Filter, w Window, step time.Duration) (map[string][]rollup.Totals, error) {
	out := map[string][]rollup.Totals{}
	n := 0
	err := s.eachStep(ctx, f, w, step, func(steps int, _ map[int64]Region) { n = steps },
		func(k rollup.Key, i int, t rollup.Totals, _, _ int64) {
			ts := out[k.Orchestrator]
			if ts == nil {
				ts = make([]rollup.Totals, n)
				out[k.Orchestrator] = ts
			}
			ts[i].Add(t)
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachStep checks a history request, then calls start once with the number
// of steps and the regions by ID, and add for every hour bucket of every
// matching series with the index i of the step it falls in.
func (s *Store) eachStep(ctx context.Context, f Filter, w Window, step time.Duration,
	start func(steps int, regions map[int64]Region), add func(k rollup.Key, i int, t rollup.Totals, from, stepSec int64)) error {
	if step < time.Hour || step%time.Hour != 0 {
		return fmt.Errorf("%w: step must be a whole number of hours, not %s", ErrBadHistory, step)
	}
	lo, hi := w.bounds()
	if !lo.Before(hi) {
		return fmt.Errorf("%w: until is before since", ErrBadHistory)
	}
	from := lo.Truncate(time.Hour).Unix()
	stepSec := int64(step / time.Second)
	n := int((hi.Add(-time.Microsecond).Truncate(time.Hour).Unix()-from)/stepSec) + 1
	if n > MaxHistorySteps {
		return fmt.Errorf("%w: %d steps is more than %d", ErrBadHistory, n, MaxHistorySteps)
	}
	regions, err := s.regionsByID(ctx)
	if err != nil {
		return err
	}
	start(n, regions)
	match := f.matcher(regions)
	// Whole hours from the rollups, the parts of hours at the edges from
	// the results, as Totals reads them.
	now := time.Now().UTC()
	first, end, edges := s.split(lo, hi, now)
	for _, e := range edges {
		sums := map[rollup.Key]*rollup.Totals{}
		if err := s.edgeTotals(ctx, f, match, e[0], e[1], now, sums); err != nil {
			return err
		}
		i := int((e[0].Truncate(time.Hour).Unix() - from) / stepSec)
		for k, t := range sums {
			add(k, i, *t, from, stepSec)
		}
	}
	if first >= end {
		return nil
	}
	if s.indexHolds(first, now) {
		// One pass over the series; each series' buckets fall into steps.
		s.index.Buckets(match, first, end-3600, func(k rollup.Key, bs []rollup.Bucket) {
			for i := range bs {
				add(k, int((bs[i].Hour-from)/stepSec), bs[i].Totals, from, stepSec)
			}
		})
		return nil
	}
	return s.historySQL(ctx, f, first, end-3600, func(k rollup.Key, hour int64, t rollup.Totals) {
		add(k, int((hour-from)/stepSec), t, from, stepSec)
	})
}

func (s *Store) historySQL(ctx context.Context, f Filter, from, to int64, add func(k rollup.Key, hour int64, t rollup.Totals)) error {
	q := s.db.WithContext(ctx).Table("rollups ro").
		Select(`ro.bucket, ro.orchestrator, ro.region_id, ro.pipeline, ro.model, ro.results, ro.sum_success_rate,
			ro.sum_seg_duration, ro.sum_round_trip_time, ro.passed, ro.sum_passed_round_trip_time, ro.unavailable`).
		Joins(`JOIN regions r ON r.id = ro.region_id JOIN job_types j ON j.id = r.job_type_id`).
		Where(`ro.bucket >= ? AND ro.bucket <= ?`, time.Unix(from, 0).UTC(), time.Unix(to, 0).UTC())
	q = f.onRollups(q)
	rows, err := q.Order(`ro.bucket`).Rows()
	if err != nil {
		return fmt.Errorf("read rollup history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			bucket time.Time
			k      rollup.Key
			t      rollup.Totals
		)
		if err := rows.Scan(&bucket, &k.Orchestrator, &k.RegionID, &k.Pipeline, &k.Model, &t.Results,
			&t.SumSuccessRate, &t.SumSegDuration, &t.SumRoundTripTime, &t.Passed, &t.SumPassedRoundTripTime, &t.Unavailable); err != nil {
			return fmt.Errorf("read rollup history: %w", err)
		}
		if t.Results == 0 && t.Unavailable == 0 {
			continue
		}
		add(k, bucket.Unix(), t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rollup history: %w", err)
	}
	return nil
}
