package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"jobtester/rollup"
)

// Reads for the dashboard: hourly history from the rollup index, results
// paged newest first, and what discovery knows about one orchestrator.

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

// History returns, for every series matching f with results in the
// window, its totals step by step. Steps start at whole hours: the first at
// Since's hour, the last at or before Until; step must be a whole number of
// hours. Series without any result in the window are left out; steps
// without results are kept with zero totals, so callers can tell "no data"
// from a score of 0.
//
// Inside the rollup horizon it reads the in-memory index in one pass over
// the series; older windows read the rollups table.
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
	from, to := w.hours()
	if to < from {
		return fmt.Errorf("%w: until is before since", ErrBadHistory)
	}
	stepSec := int64(step / time.Second)
	n := int((to-from)/stepSec) + 1
	if n > MaxHistorySteps {
		return fmt.Errorf("%w: %d steps is more than %d", ErrBadHistory, n, MaxHistorySteps)
	}
	s.regionsMu.RLock()
	regions := s.byID
	s.regionsMu.RUnlock()
	if regions == nil {
		if err := s.reloadRegions(ctx); err != nil {
			return err
		}
		s.regionsMu.RLock()
		regions = s.byID
		s.regionsMu.RUnlock()
	}
	start(n, regions)

	horizon := time.Now().UTC().Add(-s.opts.RollupHorizon).Truncate(time.Hour).Unix()
	if s.started && from >= horizon {
		// Which regions match is decided once, not per series.
		regionOK := map[int64]bool{}
		for id, r := range regions {
			regionOK[id] = (f.JobType == "" || r.JobType == f.JobType) && (f.Region == "" || r.Name == f.Region)
		}
		match := func(k rollup.Key) bool {
			if f.Orchestrator != "" && k.Orchestrator != f.Orchestrator {
				return false
			}
			if f.Pipeline != "" && (k.Pipeline != f.Pipeline || k.Model != f.Model) {
				return false
			}
			return regionOK[k.RegionID]
		}
		// One pass over the series; each series' buckets fall into steps.
		s.index.Buckets(match, from, to, func(k rollup.Key, bs []rollup.Bucket) {
			for i := range bs {
				add(k, int((bs[i].Hour-from)/stepSec), bs[i].Totals, from, stepSec)
			}
		})
		return nil
	}
	return s.historySQL(ctx, f, from, to, func(k rollup.Key, hour int64, t rollup.Totals) {
		add(k, int((hour-from)/stepSec), t, from, stepSec)
	})
}

func (s *Store) historySQL(ctx context.Context, f Filter, from, to int64, add func(k rollup.Key, hour int64, t rollup.Totals)) error {
	q := s.db.WithContext(ctx).Table("rollups ro").
		Select(`ro.bucket, ro.orchestrator, ro.region_id, ro.pipeline, ro.model, ro.results, ro.sum_success_rate,
			ro.sum_seg_duration, ro.sum_round_trip_time, ro.passed, ro.sum_passed_round_trip_time`).
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
			&t.SumSuccessRate, &t.SumSegDuration, &t.SumRoundTripTime, &t.Passed, &t.SumPassedRoundTripTime); err != nil {
			return fmt.Errorf("read rollup history: %w", err)
		}
		if t.Results == 0 {
			continue
		}
		add(k, bucket.Unix(), t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rollup history: %w", err)
	}
	return nil
}

// Cursor marks a place in results ordered newest first: the received time
// and ID of the last result of a page.
type Cursor struct {
	ReceivedAt time.Time
	ID         int64
}

// String encodes the cursor for a URL: Unix nanoseconds (SQLite keeps them;
// anything coarser would skip rows of the same microsecond), a dot, the ID.
func (c Cursor) String() string {
	return strconv.FormatInt(c.ReceivedAt.UnixNano(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ErrBadCursor is returned by ParseCursor.
var ErrBadCursor = errors.New("invalid cursor")

// ParseCursor reads a cursor written by Cursor.String.
func ParseCursor(s string) (Cursor, error) {
	at, id, ok := strings.Cut(s, ".")
	if !ok {
		return Cursor{}, fmt.Errorf("%w: %q has no dot", ErrBadCursor, s)
	}
	ns, err := strconv.ParseInt(at, 10, 64)
	if err != nil || ns < 0 {
		return Cursor{}, fmt.Errorf("%w: %q: time is not nanoseconds since 1970", ErrBadCursor, s)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return Cursor{}, fmt.Errorf("%w: %q: id is not a positive whole number", ErrBadCursor, s)
	}
	return Cursor{ReceivedAt: time.Unix(0, ns).UTC(), ID: n}, nil
}

// ResultQuery selects results for the dashboard. Empty fields match all.
type ResultQuery struct {
	Orchestrator string
	Region       string
	JobType      string // transcoding or ai
	Pipeline     string
	Model        string
	Outcome      Outcome
	SweepID      int64
	Since, Until time.Time // zero: unbounded
	Before       *Cursor   // only results older than this (the next page)
	Limit        int       // 1..500; default 50
}

// ResultPage is one page of results, newest first. Next is set when older
// results remain.
type ResultPage struct {
	Results []RawResult
	Next    *Cursor
}

// Results returns a page of results of every outcome (unlike RawResults,
// which keeps the legacy contract), newest first, with a cursor to the next
// page. Paging is by keyset, so a deep page costs what the first one does.
func (s *Store) Results(ctx context.Context, q ResultQuery) (ResultPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 500)
	db := s.db.WithContext(ctx).Table("results re").
		Select(`r.name AS region, re.*`).
		Joins(`JOIN regions r ON r.id = re.region_id JOIN job_types j ON j.id = r.job_type_id`)
	if q.Orchestrator != "" {
		db = db.Where(`re.orchestrator = ?`, q.Orchestrator)
	}
	if q.Region != "" {
		db = db.Where(`r.name = ?`, q.Region)
	}
	if q.JobType != "" {
		db = db.Where(`j.name = ?`, q.JobType)
	}
	if q.Pipeline != "" {
		db = db.Where(`re.pipeline = ?`, q.Pipeline)
	}
	if q.Model != "" {
		db = db.Where(`re.model = ?`, q.Model)
	}
	if q.Outcome != "" {
		db = db.Where(`re.outcome = ?`, string(q.Outcome))
	}
	if q.SweepID != 0 {
		db = db.Where(`re.sweep_id = ?`, q.SweepID)
	}
	if !q.Since.IsZero() {
		db = db.Where(`re.received_at >= ?`, q.Since.UTC())
	}
	if !q.Until.IsZero() {
		db = db.Where(`re.received_at <= ?`, q.Until.UTC())
	}
	if q.Before != nil {
		at := q.Before.ReceivedAt.UTC()
		db = db.Where(`(re.received_at < ? OR (re.received_at = ? AND re.id < ?))`, at, at, q.Before.ID)
	}
	var rows []RawResult
	err := db.Order(`re.received_at DESC, re.id DESC`).Limit(q.Limit + 1).Scan(&rows).Error
	if err != nil {
		return ResultPage{}, fmt.Errorf("page of results: %w", err)
	}
	page := ResultPage{Results: rows}
	if len(rows) > q.Limit {
		page.Results = rows[:q.Limit]
		last := page.Results[q.Limit-1]
		page.Next = &Cursor{ReceivedAt: last.ReceivedAt, ID: last.ID}
	}
	return page, nil
}

// Orchestrator returns what discovery knows about one address.
func (s *Store) Orchestrator(ctx context.Context, address string) (DiscoveredOrchestrator, error) {
	var o DiscoveredOrchestrator
	err := s.db.WithContext(ctx).Where("address = ?", address).First(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return o, fmt.Errorf("orchestrator %s: %w", address, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("read orchestrator %s: %w", address, err)
	}
	return o, nil
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

// MappingsOf lists the URI mappings of one orchestrator.
func (s *Store) MappingsOf(ctx context.Context, address string) ([]URIMapping, error) {
	var out []URIMapping
	if err := s.db.WithContext(ctx).Where("orchestrator = ?", address).Order("uri").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("mappings of %s: %w", address, err)
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
