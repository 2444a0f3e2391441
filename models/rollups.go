package models

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"jobtester/rollup"
)

// Rollup is a row of rollups: the additive totals of one series in one
// hour. The totals are rollup.Totals itself, so the row, the in-memory
// index and the leaderboard add up the same fields; GORM maps the embedded
// fields to the same column names (results, sum_success_rate, …).
type Rollup struct {
	Bucket        time.Time `gorm:"primaryKey"`
	Orchestrator  string    `gorm:"primaryKey"`
	RegionID      int64     `gorm:"primaryKey"`
	Pipeline      string    `gorm:"primaryKey"`
	Model         string    `gorm:"primaryKey"`
	rollup.Totals `gorm:"embedded"`
	Version       int64
	UpdatedAt     int64 `gorm:"autoUpdateTime:false"`
}

func (r *Rollup) key() rollup.Key {
	return rollup.Key{Orchestrator: r.Orchestrator, RegionID: r.RegionID, Pipeline: r.Pipeline, Model: r.Model}
}

func (r *Rollup) bucket() rollup.Bucket {
	return rollup.Bucket{Hour: r.Bucket.Unix(), Version: r.Version, Totals: r.Totals}
}

// loadRollups reads rollup rows matching where into the index. It scans
// the rows itself rather than through GORM's reflection: at start it reads
// every bucket of the horizon, millions on a busy network.
func (s *Store) loadRollups(ctx context.Context, where string, args ...any) (int, error) {
	// GORM only binds the parameters (? becomes $n on PostgreSQL).
	rows, err := s.db.WithContext(ctx).Raw(`SELECT `+rollupColumns+` FROM rollups WHERE `+where, args...).Rows()
	if err != nil {
		return 0, fmt.Errorf("load rollups: %w", err)
	}
	defer rows.Close()
	n := 0
	var r Rollup
	for rows.Next() {
		if err := r.scan(rows); err != nil {
			return n, fmt.Errorf("load rollups: %w", err)
		}
		s.index.Set(r.key(), r.bucket())
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("load rollups: %w", err)
	}
	return n, nil
}

// rollupDelta is what one batch adds to one bucket.
type rollupDelta struct {
	bucketRef
	rollup.Totals
}

// rollupDeltas sums the scored rows per series and hour, and counts the
// unavailable ones beside them, sorted so that
// concurrent writers lock rollup rows in one global order and wait for each
// other rather than deadlock.
func rollupDeltas(rows []Result) []rollupDelta {
	index := map[bucketRef]int{}
	var out []rollupDelta
	for i := range rows {
		r := &rows[i]
		unavailable := r.Outcome == OutcomeUnavailable
		if !r.Outcome.Scored() && !unavailable {
			continue
		}
		ref := bucketRef{rollup.Key{Orchestrator: r.Orchestrator, RegionID: r.RegionID, Pipeline: r.Pipeline, Model: r.Model},
			r.ReceivedAt.Truncate(time.Hour).Unix()}
		j, ok := index[ref]
		if !ok {
			j = len(out)
			index[ref] = j
			out = append(out, rollupDelta{bucketRef: ref})
		}
		t := &out[j].Totals
		if unavailable {
			t.Unavailable++
			continue
		}
		t.Results++
		t.SumSuccessRate += r.SuccessRate
		t.SumSegDuration += r.SegDuration
		t.SumRoundTripTime += r.RoundTripTime
		if r.Outcome == OutcomePass {
			t.Passed++
			t.SumPassedRoundTripTime += r.RoundTripTime
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].bucketRef.less(out[j].bucketRef) })
	return out
}

// rollupUpsert is the ON CONFLICT clause both dialects share: add the
// deltas, bump the version, stamp the database clock, return the totals.
const rollupUpsert = ` ON CONFLICT (bucket, orchestrator, region_id, pipeline, model) DO UPDATE SET
	results = rollups.results + excluded.results,
	sum_success_rate = rollups.sum_success_rate + excluded.sum_success_rate,
	sum_seg_duration = rollups.sum_seg_duration + excluded.sum_seg_duration,
	sum_round_trip_time = rollups.sum_round_trip_time + excluded.sum_round_trip_time,
	passed = rollups.passed + excluded.passed,
	sum_passed_round_trip_time = rollups.sum_passed_round_trip_time + excluded.sum_passed_round_trip_time,
	unavailable = rollups.unavailable + excluded.unavailable,
	version = rollups.version + 1,
	updated_at = excluded.updated_at
	RETURNING bucket, orchestrator, region_id, pipeline, model, results, sum_success_rate,
	sum_seg_duration, sum_round_trip_time, passed, sum_passed_round_trip_time, unavailable, version, updated_at`

const rollupColumns = `bucket, orchestrator, region_id, pipeline, model, results, sum_success_rate,
	sum_seg_duration, sum_round_trip_time, passed, sum_passed_round_trip_time, unavailable, version, updated_at`

// rollupPlaceholders are the values of one rollup row in rollupColumns'
// order after its first twelve (version 1, the database clock).
const rollupPlaceholders = `(?,?,?,?,?,?,?,?,?,?,?,?,1,`

// upsertOne is the statement that adds one delta to its bucket.
func upsertOne(nowMillis string) string {
	return `INSERT INTO rollups (` + rollupColumns + `) VALUES ` + rollupPlaceholders + nowMillis + `)` + rollupUpsert
}

// args are the delta's values for rollupPlaceholders.
func (d *rollupDelta) args() []any {
	return []any{time.Unix(d.hour, 0).UTC(), d.key.Orchestrator, d.key.RegionID, d.key.Pipeline, d.key.Model,
		d.Results, d.SumSuccessRate, d.SumSegDuration, d.SumRoundTripTime, d.Passed, d.SumPassedRoundTripTime,
		d.Unavailable}
}

// scan reads one row selected as rollupColumns.
func (r *Rollup) scan(rows *sql.Rows) error {
	return rows.Scan(&r.Bucket, &r.Orchestrator, &r.RegionID, &r.Pipeline, &r.Model, &r.Results,
		&r.SumSuccessRate, &r.SumSegDuration, &r.SumRoundTripTime, &r.Passed, &r.SumPassedRoundTripTime, &r.Unavailable,
		&r.Version, &r.UpdatedAt)
}

// scanRollups reads the RETURNING rows of a rollup upsert.
func scanRollups(rows *sql.Rows) ([]Rollup, error) {
	defer rows.Close()
	var out []Rollup
	for rows.Next() {
		var r Rollup
		if err := r.scan(rows); err != nil {
			return nil, fmt.Errorf("read updated rollups: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("update rollups: %w", err)
	}
	return out, nil
}

type bucketRef struct {
	key  rollup.Key
	hour int64
}

func (a bucketRef) less(b bucketRef) bool {
	if a.hour != b.hour {
		return a.hour < b.hour
	}
	if a.key.Orchestrator != b.key.Orchestrator {
		return a.key.Orchestrator < b.key.Orchestrator
	}
	if a.key.RegionID != b.key.RegionID {
		return a.key.RegionID < b.key.RegionID
	}
	if a.key.Pipeline != b.key.Pipeline {
		return a.key.Pipeline < b.key.Pipeline
	}
	return a.key.Model < b.key.Model
}
