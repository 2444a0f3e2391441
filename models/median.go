package models

import (
	"context"
	"fmt"
	"sync"
	"time"

	"jobtester/ingest"
	"jobtester/scoring"
)

// The AI median needs the round-trip time of every successful job in the
// window. Raw results are received into the current hour only, so an hour
// that has ended never changes again: its successful round-trip times are
// kept in memory after the first read, and a median over a long window
// reads the database only for the hours still open. This is a copy of
// immutable rows, not a cache of answers: every median is computed afresh.

// closedMargin is how long after an hour ends it may still receive results
// (a batch waiting for its commit, another instance's clock running late).
const closedMargin = 10 * time.Minute

type rttSample struct {
	atMicro  int64 // received_at, Unix microseconds
	regionID int64
	rtt      float64
}

type pairKey struct{ pipeline, model string }

// rttHours holds the successful round-trip times of closed hours, per
// pipeline and model and hour.
type rttHours struct {
	mu    sync.RWMutex
	load  sync.Mutex // one loader at a time: concurrent misses read once
	pairs map[pairKey]map[int64][]rttSample
}

func newRTTHours() *rttHours {
	return &rttHours{pairs: map[pairKey]map[int64][]rttSample{}}
}

// prune forgets hours before the given one.
func (h *rttHours) prune(beforeHour int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, hours := range h.pairs {
		for hour := range hours {
			if hour < beforeHour {
				delete(hours, hour)
			}
		}
	}
}

const medianWhere = `pipeline = ? AND model = ? AND success_rate = 1 AND round_trip_time <> 0 AND outcome = 'pass'`

// successfulRTTs returns the round-trip times of successful jobs of a pair
// received in [from, to), optionally in one region (regionID 0: all).
func (s *Store) successfulRTTs(ctx context.Context, pair pairKey, from, to time.Time, regionID int64, out []rttSample) ([]rttSample, error) {
	q := `SELECT received_at, region_id, round_trip_time FROM results WHERE ` + medianWhere +
		` AND received_at >= ? AND received_at < ?`
	args := []any{pair.pipeline, pair.model, from.UTC(), to.UTC()}
	if regionID != 0 {
		q += ` AND region_id = ?`
		args = append(args, regionID)
	}
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return out, fmt.Errorf("read round-trip times of %s/%s: %w", pair.pipeline, pair.model, err)
	}
	defer rows.Close()
	for rows.Next() {
		var at time.Time
		var smp rttSample
		if err := rows.Scan(&at, &smp.regionID, &smp.rtt); err != nil {
			return out, fmt.Errorf("read round-trip times of %s/%s: %w", pair.pipeline, pair.model, err)
		}
		smp.atMicro = at.UnixMicro()
		out = append(out, smp)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("read round-trip times of %s/%s: %w", pair.pipeline, pair.model, err)
	}
	return out, nil
}

// medianFromHours computes the median over [lo, hi) from closed hours held
// in memory (loading the missing ones) plus the open hours read from the
// database.
func (s *Store) medianFromHours(ctx context.Context, pair pairKey, lo, hi time.Time, regionID int64, now time.Time) (float64, error) {
	closed := closedBefore(now) // hours before this have ended
	fromHour := lo.Truncate(time.Hour).Unix()
	loMicro, hiMicro := lo.UnixMicro(), hi.UnixMicro()
	lastHour := min(hi.Add(-time.Microsecond).Truncate(time.Hour).Unix(), closed-3600)
	if err := s.loadClosedHours(ctx, pair, fromHour, lastHour); err != nil {
		return 0, err
	}
	var values []float64
	s.rtts.mu.RLock()
	hours := s.rtts.pairs[pair]
	for h := fromHour; h <= lastHour; h += 3600 {
		for _, smp := range hours[h] {
			if smp.atMicro >= loMicro && smp.atMicro < hiMicro && (regionID == 0 || smp.regionID == regionID) {
				values = append(values, smp.rtt)
			}
		}
	}
	s.rtts.mu.RUnlock()
	if openFrom := time.Unix(closed, 0).UTC(); openFrom.Before(hi) {
		if lo.After(openFrom) {
			openFrom = lo
		}
		open, err := s.successfulRTTs(ctx, pair, openFrom, hi, regionID, nil)
		if err != nil {
			return 0, err
		}
		for _, smp := range open {
			values = append(values, smp.rtt)
		}
	}
	return scoring.MedianOf(values), nil
}

// loadClosedHours reads into memory every hour of [fromHour, lastHour] not
// held yet, in one range query.
func (s *Store) loadClosedHours(ctx context.Context, pair pairKey, fromHour, lastHour int64) error {
	missing := func() (int64, int64, bool) {
		s.rtts.mu.RLock()
		defer s.rtts.mu.RUnlock()
		hours := s.rtts.pairs[pair]
		first, last := int64(-1), int64(-1)
		for h := fromHour; h <= lastHour; h += 3600 {
			if _, ok := hours[h]; !ok {
				if first < 0 {
					first = h
				}
				last = h
			}
		}
		return first, last, first >= 0
	}
	if _, _, any := missing(); !any {
		return nil
	}
	s.rtts.load.Lock()
	defer s.rtts.load.Unlock()
	first, last, any := missing() // another request may have loaded them
	if !any {
		return nil
	}
	samples, err := s.successfulRTTs(ctx, pair, time.Unix(first, 0), time.Unix(last+3600, 0), 0, nil)
	if err != nil {
		return err
	}
	byHour := map[int64][]rttSample{}
	for h := first; h <= last; h += 3600 {
		byHour[h] = nil // an hour with no successful job is known too
	}
	for _, smp := range samples {
		h := smp.atMicro / 1e6 / 3600 * 3600
		byHour[h] = append(byHour[h], smp)
	}
	s.rtts.mu.Lock()
	defer s.rtts.mu.Unlock()
	hours := s.rtts.pairs[pair]
	if hours == nil {
		hours = map[int64][]rttSample{}
		s.rtts.pairs[pair] = hours
	}
	for h, v := range byHour {
		if _, ok := hours[h]; !ok {
			hours[h] = v
		}
	}
	return nil
}

// MedianRoundTripTime is the median round-trip time of the successful
// (success_rate = 1, RTT ≠ 0) AI jobs of one pipeline and model, over all
// orchestrators, in the window and optionally one region: the reference
// point of the compatible AI latency score. It is the one leaderboard read
// of raw results, served by idx_results_median. It returns 0 when there is
// no successful job.
func (s *Store) MedianRoundTripTime(ctx context.Context, pipeline, model, region string, w Window) (float64, error) {
	lo, hi := w.bounds()
	var regionID int64
	if region != "" {
		r, ok := s.regionByName(region, ingest.JobTypeAI)
		if !ok {
			return 0, nil
		}
		regionID = r.ID
	}
	now := time.Now().UTC()
	if s.indexHolds(lo.Truncate(time.Hour).Unix(), now) {
		return s.medianFromHours(ctx, pairKey{pipeline, model}, lo, hi, regionID, now)
	}
	// Beyond the horizon: straight from the table.
	where := medianWhere + ` AND received_at >= ? AND received_at < ?`
	args := []any{pipeline, model, lo, hi}
	if regionID != 0 {
		where += ` AND region_id = ?`
		args = append(args, regionID)
	}
	if s.dialect.medianRTT != "" {
		var m float64
		err := s.db.WithContext(ctx).Raw(`SELECT `+s.dialect.medianRTT+` FROM results WHERE `+where, args...).Scan(&m).Error
		if err != nil {
			return 0, fmt.Errorf("median round-trip time of %s/%s: %w", pipeline, model, err)
		}
		return m, nil
	}
	samples, err := s.successfulRTTs(ctx, pairKey{pipeline, model}, lo, hi, regionID, nil)
	if err != nil {
		return 0, err
	}
	values := make([]float64, len(samples))
	for i, smp := range samples {
		values[i] = smp.rtt
	}
	return scoring.MedianOf(values), nil
}
