package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"jobtester/ingest"
	"jobtester/rollup"
)

// NewResult is one result to store: a validated Stats payload and what the
// receiver knows about it.
type NewResult struct {
	Stats      ingest.Stats
	Outcome    Outcome // empty: derived from success_rate (1 is pass)
	IngestKey  string
	ReceivedAt time.Time // zero: now
}

type writeRequest struct {
	rows []Result
	done chan error
}

// ErrClosed is returned for writes after Close.
var ErrClosed = errors.New("store is closed")

// Insert stores results and their rollups atomically: when it returns nil
// every result is committed together with the rollup buckets it adds to.
// Concurrent callers are grouped into shared transactions (group commit),
// which is what lets ingest keep up with many testers at once.
func (s *Store) Insert(ctx context.Context, results ...NewResult) error {
	rows := make([]Result, 0, len(results))
	for i := range results {
		row, err := s.toRow(&results[i])
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	req := &writeRequest{rows: rows, done: make(chan error, 1)}
	select {
	case s.writes <- req:
	case <-s.stop:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("queue result: %w", ctx.Err())
	}
	// Once queued, the write goes ahead even if the caller gives up: the
	// result is stored, and a retry would only duplicate it.
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("store result: %w", ctx.Err())
	}
}

func (s *Store) toRow(r *NewResult) (Result, error) {
	st := &r.Stats
	jobType := st.JobType()
	region, ok := s.regionByName(st.Region, jobType)
	if !ok {
		if s.regionExists(st.Region) {
			return Result{}, fmt.Errorf("%w: region %q has no %s job type", ErrInvalidRegion, st.Region, jobType)
		}
		return Result{}, fmt.Errorf("%w: unknown region %q", ErrInvalidRegion, st.Region)
	}
	outcome := r.Outcome
	if outcome == "" {
		outcome = OutcomeFail
		if st.SuccessRate == 1 {
			outcome = OutcomePass
		}
	}
	if !outcome.Valid() {
		return Result{}, fmt.Errorf("unknown outcome %q", outcome)
	}
	errs := st.Errors
	if errs == nil {
		errs = []ingest.Error{}
	}
	errJSON, err := json.Marshal(errs)
	if err != nil {
		return Result{}, fmt.Errorf("encode errors: %w", err)
	}
	at := r.ReceivedAt
	if at.IsZero() {
		at = time.Now()
	}
	return Result{
		ReceivedAt: at.UTC(), Orchestrator: strings.ToLower(st.Orchestrator), RegionID: region.ID,
		Pipeline: st.Pipeline, Model: st.Model, Outcome: outcome, IngestKey: r.IngestKey,
		SuccessRate: st.SuccessRate, RoundTripTime: st.RoundTripTime, Errors: string(errJSON),
		Timestamp: st.Timestamp, SegDuration: st.SegDuration, SegmentsSent: st.SegmentsSent,
		SegmentsReceived: st.SegmentsRecv, UploadTime: st.UploadTime, DownloadTime: st.DownloadTime,
		TranscodeTime: st.TranscodeTime, ModelIsWarm: st.ModelIsWarm,
		InputParameters: st.InputParams, ResponsePayload: st.ResponsePayload,
	}, nil
}

// writer is the one goroutine that writes results. It takes whatever is
// queued (up to MaxBatch) into one transaction, so the commit cost is shared
// by every request that arrived while the previous commit ran.
func (s *Store) writer() {
	defer s.done.Done()
	for {
		var first *writeRequest
		select {
		case first = <-s.writes:
		case <-s.stop:
			// Finish what is queued before closing.
			for {
				select {
				case req := <-s.writes:
					s.writeBatch([]*writeRequest{req})
				default:
					return
				}
			}
		}
		batch := []*writeRequest{first}
		n := len(first.rows)
	drain:
		for n < s.opts.MaxBatch {
			select {
			case req := <-s.writes:
				batch = append(batch, req)
				n += len(req.rows)
			default:
				break drain
			}
		}
		s.writeBatch(batch)
	}
}

func (s *Store) writeBatch(batch []*writeRequest) {
	var rows []Result
	for _, req := range batch {
		rows = append(rows, req.rows...)
	}
	err := s.commit(rows)
	if err != nil && len(batch) > 1 {
		// One transaction failed; try each request alone so one bad
		// request cannot fail the others.
		for _, req := range batch {
			req.done <- s.commit(req.rows)
		}
		return
	}
	for _, req := range batch {
		req.done <- err
	}
}

// commit writes rows and their rollup deltas in one transaction, then
// copies the new bucket totals into the index.
func (s *Store) commit(rows []Result) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	deltas := map[rollup.Key]map[int64]*rollup.Totals{}
	var order []bucketRef
	for i := range rows {
		r := &rows[i]
		if !r.Outcome.Scored() {
			continue
		}
		k := rollup.Key{Orchestrator: r.Orchestrator, RegionID: r.RegionID, Pipeline: r.Pipeline, Model: r.Model}
		hour := r.ReceivedAt.Truncate(time.Hour).Unix()
		if deltas[k] == nil {
			deltas[k] = map[int64]*rollup.Totals{}
		}
		t := deltas[k][hour]
		if t == nil {
			t = &rollup.Totals{}
			deltas[k][hour] = t
			order = append(order, bucketRef{k, hour})
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
	// Concurrent writers lock rollup rows in one global order, so two
	// transactions touching the same buckets wait rather than deadlock.
	sort.Slice(order, func(i, j int) bool { return order[i].less(order[j]) })
	var updated []Rollup
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.CreateInBatches(rows, 1000).Error; err != nil {
			return fmt.Errorf("insert results: %w", err)
		}
		for start := 0; start < len(order); start += 500 {
			end := min(start+500, len(order))
			got, err := s.upsertRollups(tx, order[start:end], deltas)
			if err != nil {
				return err
			}
			updated = append(updated, got...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store %d results: %w", len(rows), err)
	}
	for i := range updated {
		s.index.Set(updated[i].key(), updated[i].bucket())
	}
	return nil
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

func (s *Store) upsertRollups(tx *gorm.DB, refs []bucketRef, deltas map[rollup.Key]map[int64]*rollup.Totals) ([]Rollup, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO rollups (bucket, orchestrator, region_id, pipeline, model, results,
		sum_success_rate, sum_seg_duration, sum_round_trip_time, passed, sum_passed_round_trip_time,
		version, updated_at) VALUES `)
	args := make([]any, 0, len(refs)*11)
	for i, ref := range refs {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`(?,?,?,?,?,?,?,?,?,?,?,1,` + s.dialect.nowMillis + `)`)
		t := deltas[ref.key][ref.hour]
		args = append(args, time.Unix(ref.hour, 0).UTC(), ref.key.Orchestrator, ref.key.RegionID,
			ref.key.Pipeline, ref.key.Model, t.Results, t.SumSuccessRate, t.SumSegDuration,
			t.SumRoundTripTime, t.Passed, t.SumPassedRoundTripTime)
	}
	sb.WriteString(` ON CONFLICT (bucket, orchestrator, region_id, pipeline, model) DO UPDATE SET
		results = rollups.results + excluded.results,
		sum_success_rate = rollups.sum_success_rate + excluded.sum_success_rate,
		sum_seg_duration = rollups.sum_seg_duration + excluded.sum_seg_duration,
		sum_round_trip_time = rollups.sum_round_trip_time + excluded.sum_round_trip_time,
		passed = rollups.passed + excluded.passed,
		sum_passed_round_trip_time = rollups.sum_passed_round_trip_time + excluded.sum_passed_round_trip_time,
		version = rollups.version + 1,
		updated_at = excluded.updated_at
		RETURNING bucket, orchestrator, region_id, pipeline, model, results, sum_success_rate,
		sum_seg_duration, sum_round_trip_time, passed, sum_passed_round_trip_time, version, updated_at`)
	var out []Rollup
	if err := tx.Raw(sb.String(), args...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("update rollups: %w", err)
	}
	return out, nil
}
