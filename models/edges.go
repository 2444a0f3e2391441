package models

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"jobtester/rollup"
)

// A window rarely starts or ends on a whole hour, and the rollups only know
// whole hours. The part of an hour at either edge of a window is summed
// from the scored results themselves. An hour that has ended never changes
// again (see closedBefore), so its scored rows are kept in memory after the
// first read, the way median.go keeps round-trip times: the edge hour of a
// rolling window is read once, not on every request. The hour still open is
// read from the database every time. This is a copy of immutable rows, not
// a cache of answers.

// maxEdgeHours bounds how many closed hours are held. Rolling windows touch
// one closed edge hour each (24 h and 7 d back), so a handful suffices;
// arbitrary windows beyond that cost one read of their edge hours.
const maxEdgeHours = 48

// edgeRow is one scored or unavailable result, reduced to what the rollups
// add up.
type edgeRow struct {
	atMicro                 int64 // received_at, Unix microseconds
	key                     int32 // index into edgeHour.keys
	pass, unavailable       bool
	successRate, segDur, rt float64
}

// edgeHour is every scored or unavailable result of one closed hour,
// sorted by time.
type edgeHour struct {
	keys    []rollup.Key
	rows    []edgeRow
	lastUse atomic.Int64 // for eviction: the hour least recently used goes
}

type edgeHours struct {
	mu    sync.RWMutex
	load  sync.Mutex // one loader at a time: concurrent misses read once
	hours map[int64]*edgeHour
	uses  atomic.Int64
}

func newEdgeHours() *edgeHours { return &edgeHours{hours: map[int64]*edgeHour{}} }

// prune forgets hours before the given one.
func (e *edgeHours) prune(beforeHour int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for h := range e.hours {
		if h < beforeHour {
			delete(e.hours, h)
		}
	}
}

// closedBefore is the first hour, in Unix seconds, that may still receive
// results at now: every earlier hour has ended more than closedMargin ago,
// and one more hour is allowed for an instance whose clock runs late.
func closedBefore(now time.Time) int64 {
	return now.Add(-closedMargin).Truncate(time.Hour).Unix() - 3600
}

// edgeTotals adds, per series matching f, the scored results received in
// [lo, hi), a range inside one hour, to out.
func (s *Store) edgeTotals(ctx context.Context, f Filter, match func(rollup.Key) bool, lo, hi time.Time, now time.Time, out map[rollup.Key]*rollup.Totals) error {
	hour := lo.Truncate(time.Hour).Unix()
	if !s.indexHolds(hour, now) || hour >= closedBefore(now) {
		return s.edgeTotalsSQL(ctx, f, lo, hi, out)
	}
	h, err := s.edgeHour(ctx, hour)
	if err != nil {
		return err
	}
	ok := make([]int8, len(h.keys)) // 0 unknown, 1 matches, -1 does not
	loM, hiM := lo.UnixMicro(), hi.UnixMicro()
	i := sort.Search(len(h.rows), func(i int) bool { return h.rows[i].atMicro >= loM })
	for ; i < len(h.rows) && h.rows[i].atMicro < hiM; i++ {
		r := &h.rows[i]
		if ok[r.key] == 0 {
			ok[r.key] = -1
			if match(h.keys[r.key]) {
				ok[r.key] = 1
			}
		}
		if ok[r.key] < 0 {
			continue
		}
		t := out[h.keys[r.key]]
		if t == nil {
			t = &rollup.Totals{}
			out[h.keys[r.key]] = t
		}
		if r.unavailable {
			t.Unavailable++
			continue
		}
		t.Results++
		t.SumSuccessRate += r.successRate
		t.SumSegDuration += r.segDur
		t.SumRoundTripTime += r.rt
		if r.pass {
			t.Passed++
			t.SumPassedRoundTripTime += r.rt
		}
	}
	return nil
}

// edgeHour returns the rows of a closed hour, reading them on first use.
func (s *Store) edgeHour(ctx context.Context, hour int64) (*edgeHour, error) {
	e := s.edges
	get := func() *edgeHour {
		e.mu.RLock()
		defer e.mu.RUnlock()
		h := e.hours[hour]
		if h != nil {
			h.lastUse.Store(e.uses.Add(1))
		}
		return h
	}
	if h := get(); h != nil {
		return h, nil
	}
	e.load.Lock()
	defer e.load.Unlock()
	if h := get(); h != nil { // another request loaded it meanwhile
		return h, nil
	}
	h, err := s.readEdgeHour(ctx, hour)
	if err != nil {
		return nil, err
	}
	h.lastUse.Store(e.uses.Add(1))
	e.mu.Lock()
	defer e.mu.Unlock()
	for len(e.hours) >= maxEdgeHours {
		oldest, use := int64(0), int64(-1)
		for k, v := range e.hours {
			if u := v.lastUse.Load(); use < 0 || u < use {
				oldest, use = k, u
			}
		}
		delete(e.hours, oldest)
	}
	e.hours[hour] = h
	return h, nil
}

func (s *Store) readEdgeHour(ctx context.Context, hour int64) (*edgeHour, error) {
	from := time.Unix(hour, 0).UTC()
	rows, err := s.db.WithContext(ctx).Raw(`SELECT received_at, orchestrator, region_id, pipeline, model, outcome,
		success_rate, seg_duration, round_trip_time FROM results
		WHERE received_at >= ? AND received_at < ? AND outcome IN ('pass', 'fail', 'unavailable')`, from, from.Add(time.Hour)).Rows()
	if err != nil {
		return nil, fmt.Errorf("read results of the hour %s: %w", from.Format(time.RFC3339), err)
	}
	defer rows.Close()
	h := &edgeHour{}
	keys := map[rollup.Key]int32{}
	for rows.Next() {
		var (
			at      time.Time
			k       rollup.Key
			outcome string
			r       edgeRow
		)
		if err := rows.Scan(&at, &k.Orchestrator, &k.RegionID, &k.Pipeline, &k.Model, &outcome,
			&r.successRate, &r.segDur, &r.rt); err != nil {
			return nil, fmt.Errorf("read results of the hour %s: %w", from.Format(time.RFC3339), err)
		}
		i, ok := keys[k]
		if !ok {
			i = int32(len(h.keys))
			keys[k] = i
			h.keys = append(h.keys, k)
		}
		r.atMicro, r.key, r.pass = at.UnixMicro(), i, outcome == string(OutcomePass)
		r.unavailable = outcome == string(OutcomeUnavailable)
		h.rows = append(h.rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read results of the hour %s: %w", from.Format(time.RFC3339), err)
	}
	sort.Slice(h.rows, func(i, j int) bool { return h.rows[i].atMicro < h.rows[j].atMicro })
	return h, nil
}

// edgeTotalsSQL sums the scored results received in [lo, hi) in the
// database, per series matching f, and counts the unavailable ones.
func (s *Store) edgeTotalsSQL(ctx context.Context, f Filter, lo, hi time.Time, out map[rollup.Key]*rollup.Totals) error {
	where, args := `received_at >= ? AND received_at < ? AND outcome IN ('pass', 'fail', 'unavailable')`, []any{lo.UTC(), hi.UTC()}
	if f.Orchestrator != "" {
		where += ` AND orchestrator = ?`
		args = append(args, f.Orchestrator)
	}
	if f.Pipeline != "" {
		where += ` AND pipeline = ? AND model = ?`
		args = append(args, f.Pipeline, f.Model)
	}
	if f.Region != "" || f.JobType != "" {
		ids := s.regionIDs(f)
		if len(ids) == 0 {
			return nil
		}
		where += ` AND region_id IN (?` + strings.Repeat(`,?`, len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	// Unavailable rows are counted apart; the scored sums add exact zeros
	// for them, so they equal sums over the scored rows alone.
	rows, err := s.db.WithContext(ctx).Raw(`SELECT orchestrator, region_id, pipeline, model,
		SUM(CASE WHEN outcome = 'unavailable' THEN 0 ELSE 1 END),
		SUM(CASE WHEN outcome = 'unavailable' THEN 0 ELSE success_rate END),
		SUM(CASE WHEN outcome = 'unavailable' THEN 0 ELSE seg_duration END),
		SUM(CASE WHEN outcome = 'unavailable' THEN 0 ELSE round_trip_time END),
		SUM(CASE WHEN outcome = 'pass' THEN 1 ELSE 0 END),
		SUM(CASE WHEN outcome = 'pass' THEN round_trip_time ELSE 0 END),
		SUM(CASE WHEN outcome = 'unavailable' THEN 1 ELSE 0 END)
		FROM results WHERE `+where+` GROUP BY orchestrator, region_id, pipeline, model`, args...).Rows()
	if err != nil {
		return fmt.Errorf("sum results at the window's edge: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k rollup.Key
			t rollup.Totals
		)
		if err := rows.Scan(&k.Orchestrator, &k.RegionID, &k.Pipeline, &k.Model, &t.Results, &t.SumSuccessRate,
			&t.SumSegDuration, &t.SumRoundTripTime, &t.Passed, &t.SumPassedRoundTripTime, &t.Unavailable); err != nil {
			return fmt.Errorf("sum results at the window's edge: %w", err)
		}
		addTotals(out, k, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sum results at the window's edge: %w", err)
	}
	return nil
}

func addTotals(out map[rollup.Key]*rollup.Totals, k rollup.Key, t rollup.Totals) {
	if p := out[k]; p != nil {
		p.Add(t)
		return
	}
	out[k] = &t
}
