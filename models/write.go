package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"jobtester/ethaddr"
	"jobtester/ingest"
)

// NewResult is one result to store: a validated Stats payload and what the
// receiver knows about it.
type NewResult struct {
	Stats      ingest.Stats
	Outcome    Outcome // empty: derived from success_rate (1 is pass)
	IngestKey  string
	ReceivedAt time.Time // zero: now
	SweepID    int64     // our own tests: the sweep (0: none)
	HTTPStatus int       // our own tests: the gateway's answer (0: none)
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
	var sweep *int64
	if r.SweepID != 0 {
		sweep = &r.SweepID
	}
	return Result{
		SweepID: sweep, HTTPStatus: r.HTTPStatus,
		ReceivedAt: at.UTC(), Orchestrator: ethaddr.Fold(st.Orchestrator), RegionID: region.ID,
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

// commit writes rows and their rollup deltas atomically, then copies the
// new bucket totals into the index.
func (s *Store) commit(rows []Result) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	deltas := rollupDeltas(rows)
	updated, err := s.dialect.commit(ctx, s, rows, deltas)
	if err != nil {
		return fmt.Errorf("store %d results: %w", len(rows), err)
	}
	for i := range updated {
		s.index.Set(updated[i].key(), updated[i].bucket())
	}
	return nil
}

// resultColumns are the columns every write path inserts, in order.
const resultColumns = `received_at, orchestrator, region_id, pipeline, model, outcome, ingest_key,
	success_rate, round_trip_time, errors, timestamp, seg_duration, segments_sent, segments_received,
	upload_time, download_time, transcode_time, model_is_warm, input_parameters, response_payload,
	sweep_id, http_status`

// ErrInvalidRegion is returned for a result whose region does not exist for
// its job type.
var ErrInvalidRegion = errors.New("invalid region")
