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

// Window is a time range on the receive time of results, both ends
// included, as in leaderboard-serverless. It is taken to the microsecond
// (what PostgreSQL keeps): a result counts when its receive time, to the
// microsecond, is neither before Since nor after Until.
type Window struct {
	Since, Until time.Time
}

// bounds is the window as a half-open range [lo, hi) of microsecond
// instants, the form every read compares received_at with, so SQL on either
// database and the in-memory copies select the same results.
func (w Window) bounds() (lo, hi time.Time) {
	lo = w.Since.UTC().Truncate(time.Microsecond)
	hi = w.Until.UTC().Truncate(time.Microsecond).Add(time.Microsecond)
	return lo, hi
}

// split cuts [lo, hi) into the whole hours inside it, [first, end) in Unix
// seconds (empty when first >= end), and the parts of hours at its edges.
func split(lo, hi time.Time) (first, end int64, edges [][2]time.Time) {
	first = lo.Truncate(time.Hour).Unix()
	if lo.Unix() != first || lo.Nanosecond() != 0 {
		first += 3600
	}
	end = hi.Truncate(time.Hour).Unix()
	if first > end { // both ends inside one hour
		return first, end, [][2]time.Time{{lo, hi}}
	}
	if f := time.Unix(first, 0).UTC(); lo.Before(f) {
		edges = append(edges, [2]time.Time{lo, f})
	}
	if e := time.Unix(end, 0).UTC(); e.Before(hi) {
		edges = append(edges, [2]time.Time{e, hi})
	}
	return first, end, edges
}

// split is the package's split, except that an edge which is the whole of
// the hour still open up to now — a rolling window's last hour, whose end
// the caller took as its now a moment before — is read as a whole hour
// from the index. Everything received in that hour so far is in its bucket
// (this instance's writes at their commit, other instances' at the next
// rollup sync, as for every whole hour); what the bucket may hold beyond
// the window's end arrived in the last openSlack, which a read a moment
// later would count anyway. Reading the hour's rows instead cost a query of
// up to an hour of results on every request of every rolling window.
func (s *Store) split(lo, hi, now time.Time) (first, end int64, edges [][2]time.Time) {
	first, end, edges = split(lo, hi)
	if len(edges) == 0 || !s.started {
		return first, end, edges
	}
	e := edges[len(edges)-1]
	open := e[0].Unix()
	if e[0].Nanosecond() != 0 || open%3600 != 0 || open != end || e[1].Before(now.Add(-openSlack)) {
		return first, end, edges
	}
	return first, end + 3600, edges[:len(edges)-1]
}

// indexHolds reports whether the rollup index serves the hours from hour
// (Unix seconds) on at now: the store has started and the hour is within
// the index's horizon.
func (s *Store) indexHolds(hour int64, now time.Time) bool {
	return s.started && hour >= now.Add(-s.opts.RollupHorizon).Truncate(time.Hour).Unix()
}

// openSlack is how long before now a window may end and still read the
// open hour whole from the index (see split): the time between a caller
// taking its now and the read, not a window anyone asks for on purpose.
const openSlack = time.Second

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

// Totals returns the window totals of every series matching f, exact to
// the microsecond at both ends: the whole hours inside the window come from
// the rollups (in memory inside the rollup horizon, from the rollups table
// before it), the parts of hours at its edges from the results themselves.
func (s *Store) Totals(ctx context.Context, f Filter, w Window) ([]SeriesTotals, error) {
	regions, err := s.regionsByID(ctx)
	if err != nil {
		return nil, err
	}
	sums, err := s.windowTotals(ctx, f, w, regions, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	out := make([]SeriesTotals, 0, len(sums))
	for _, st := range sums {
		if st.Results == 0 {
			continue
		}
		r := regions[st.key.RegionID]
		out = append(out, SeriesTotals{Orchestrator: st.key.Orchestrator, Region: r.Name, JobType: r.JobType,
			Pipeline: st.key.Pipeline, Model: st.key.Model, Totals: st.Totals})
	}
	return out, nil
}

type keyTotals struct {
	key rollup.Key
	rollup.Totals
}

// windowTotals sums the window per series: the edges first, then the whole
// hours, each series' edges added to its hours. (A map of every series
// would cost more than the sums: the edges hold few series, the hours
// thousands.)
func (s *Store) windowTotals(ctx context.Context, f Filter, w Window, regions map[int64]Region, now time.Time) ([]keyTotals, error) {
	match := f.matcher(regions)
	lo, hi := w.bounds()
	first, end, edges := s.split(lo, hi, now)
	atEdges := map[rollup.Key]*rollup.Totals{}
	for _, e := range edges {
		if err := s.edgeTotals(ctx, f, match, e[0], e[1], now, atEdges); err != nil {
			return nil, err
		}
	}
	var out []keyTotals
	add := func(k rollup.Key, t rollup.Totals) {
		if e := atEdges[k]; e != nil {
			t.Add(*e)
			delete(atEdges, k)
		}
		out = append(out, keyTotals{k, t})
	}
	if first < end {
		if s.indexHolds(first, now) {
			s.index.Sum(match, first, end-3600, add)
		} else {
			hours := map[rollup.Key]*rollup.Totals{}
			if err := s.totalsSQL(ctx, f, first, end-3600, hours); err != nil {
				return nil, err
			}
			for k, t := range hours {
				add(k, *t)
			}
		}
	}
	for k, t := range atEdges {
		out = append(out, keyTotals{k, *t})
	}
	return out, nil
}

// regionsByID returns the regions, reading them if the store has not yet.
func (s *Store) regionsByID(ctx context.Context) (map[int64]Region, error) {
	s.regionsMu.RLock()
	regions := s.byID
	s.regionsMu.RUnlock()
	if regions != nil {
		return regions, nil
	}
	if err := s.reloadRegions(ctx); err != nil {
		return nil, err
	}
	s.regionsMu.RLock()
	defer s.regionsMu.RUnlock()
	return s.byID, nil
}

// matcher reports whether a series is one f selects. Which regions match
// is decided once, not per series.
func (f Filter) matcher(regions map[int64]Region) func(rollup.Key) bool {
	regionOK := map[int64]bool{}
	for id, r := range regions {
		regionOK[id] = (f.JobType == "" || r.JobType == f.JobType) && (f.Region == "" || r.Name == f.Region)
	}
	return func(k rollup.Key) bool {
		if f.Orchestrator != "" && k.Orchestrator != f.Orchestrator {
			return false
		}
		if f.Pipeline != "" && (k.Pipeline != f.Pipeline || k.Model != f.Model) {
			return false
		}
		return regionOK[k.RegionID]
	}
}

// regionIDs lists the regions f selects by region code and job type.
func (s *Store) regionIDs(f Filter) []int64 {
	s.regionsMu.RLock()
	defer s.regionsMu.RUnlock()
	var ids []int64
	for id, r := range s.byID {
		if (f.JobType == "" || r.JobType == f.JobType) && (f.Region == "" || r.Name == f.Region) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// totalsSQL adds the rollup buckets of the hours [from, to] (Unix seconds)
// of every series matching f to out.
func (s *Store) totalsSQL(ctx context.Context, f Filter, from, to int64, out map[rollup.Key]*rollup.Totals) error {
	q := s.db.WithContext(ctx).Table("rollups ro").
		Select(`ro.orchestrator, ro.region_id, ro.pipeline, ro.model,
			SUM(ro.results) AS results, SUM(ro.sum_success_rate) AS sum_success_rate,
			SUM(ro.sum_seg_duration) AS sum_seg_duration, SUM(ro.sum_round_trip_time) AS sum_round_trip_time,
			SUM(ro.passed) AS passed, SUM(ro.sum_passed_round_trip_time) AS sum_passed_round_trip_time,
			SUM(ro.unavailable) AS unavailable`).
		Joins(`JOIN regions r ON r.id = ro.region_id JOIN job_types j ON j.id = r.job_type_id`).
		Where(`ro.bucket >= ? AND ro.bucket <= ?`, time.Unix(from, 0).UTC(), time.Unix(to, 0).UTC())
	q = f.onRollups(q)
	var rows []struct {
		Orchestrator  string
		RegionID      int64
		Pipeline      string
		Model         string
		rollup.Totals `gorm:"embedded"`
	}
	err := q.Group(`ro.orchestrator, ro.region_id, ro.pipeline, ro.model`).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("sum rollups: %w", err)
	}
	for _, r := range rows {
		addTotals(out, rollup.Key{Orchestrator: r.Orchestrator, RegionID: r.RegionID, Pipeline: r.Pipeline, Model: r.Model}, r.Totals)
	}
	return nil
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

// JobCounts is how many results each job (pipeline and model; transcoding
// has neither) has in the hours the window touches. It feeds the job
// selector and the choice of the busiest job, which need no exact edges, so
// it sums whole hours only: from the rollup index when it holds them, one
// pass over the series without a query or a row per series.
func (s *Store) JobCounts(ctx context.Context, w Window) (map[[2]string]int64, error) {
	lo, hi := w.bounds()
	from, to := lo.Truncate(time.Hour).Unix(), hi.Add(-time.Microsecond).Truncate(time.Hour).Unix()
	counts := map[[2]string]int64{}
	if !s.indexHolds(from, time.Now().UTC()) {
		totals, err := s.Totals(ctx, Filter{}, w)
		if err != nil {
			return nil, err
		}
		for _, t := range totals {
			counts[[2]string{t.Pipeline, t.Model}] += t.Results
		}
		return counts, nil
	}
	s.index.Sum(func(rollup.Key) bool { return true }, from, to, func(k rollup.Key, t rollup.Totals) {
		counts[[2]string{k.Pipeline, k.Model}] += t.Results
	})
	return counts, nil
}
