package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

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
	// Simulated marks a result produced from simnet's profiles (the demo's
	// past), not measured.
	Simulated bool
	// Idempotency makes the write exactly-once (zero: none).
	Idempotency Idempotency
	// Forward also queues the result in the outbox, in the same
	// transaction, for the drainer to post to the central leaderboard.
	Forward bool
	// Attempt, for a sweep's planned test, fences the write and records
	// the attempt in the same transaction (nil: a plain result). The
	// attempt record makes it exactly-once: a replayed attempt is
	// ErrAttemptStored.
	Attempt *SweepAttempt
}

// rowExtra is what a row of a batch carries beside its columns.
type rowExtra struct {
	idem   Idempotency
	outbox *outboxRow // nil: not forwarded
}

type writeRequest struct {
	rows     []Result
	extras   []rowExtra // one per row
	replayed bool       // set by the writer before done: a row's key was already stored
	done     chan error
	deadline time.Time    // the caller's; zero: none
	state    atomic.Int32 // requestQueued → requestTaken by the writer, or requestAbandoned by the caller
}

// The states of a writeRequest. Whoever moves it out of requestQueued
// first decides: a request the caller abandoned is never written, so the
// caller may say it was not stored.
const (
	requestQueued int32 = iota
	requestTaken
	requestAbandoned
)

// ErrClosed is returned for writes after Close.
var ErrClosed = errors.New("store is closed")

// Insert stores results and their rollups atomically: when it returns nil
// every result is committed together with the rollup buckets it adds to.
// Concurrent callers are grouped into shared transactions (group commit),
// which is what lets ingest keep up with many testers at once. A result
// whose idempotency key was already stored is not written again, and
// Insert returns nil for it as for the first write; a key already stored
// with another body makes it return ErrIdempotencyConflict (the results
// with other keys in the same call are stored all the same).
func (s *Store) Insert(ctx context.Context, results ...NewResult) error {
	if len(results) > 0 && results[0].Attempt != nil {
		return s.insertAttempts(ctx, results)
	}
	_, err := s.insert(ctx, results)
	return err
}

// InsertOnce stores one result as Insert does, and says whether it was a
// replay: its idempotency key was already stored, so nothing was written.
// The same key with another body is ErrIdempotencyConflict.
func (s *Store) InsertOnce(ctx context.Context, nr NewResult) (replayed bool, err error) {
	return s.insert(ctx, []NewResult{nr})
}

func (s *Store) insert(ctx context.Context, results []NewResult) (bool, error) {
	rows := make([]Result, 0, len(results))
	extras := make([]rowExtra, 0, len(results))
	for i := range results {
		row, err := s.toRow(&results[i])
		if err != nil {
			return false, err
		}
		ex, err := extraOf(&results[i])
		if err != nil {
			return false, err
		}
		rows, extras = append(rows, row), append(extras, ex)
	}
	req := &writeRequest{rows: rows, extras: extras, done: make(chan error, 1)}
	req.deadline, _ = ctx.Deadline()
	select {
	case s.writes <- req:
	case <-s.stop:
		return false, fmt.Errorf("%w: %w", ErrNotStored, ErrClosed)
	case <-ctx.Done():
		return false, fmt.Errorf("%w: queue result: %w", ErrNotStored, ctx.Err())
	}
	// The writer ends its commit a little before the earliest deadline of
	// its batch, so the answer normally arrives in time. If it does not,
	// the caller leaves at its deadline all the same, saying what it knows.
	select {
	case err := <-req.done:
		return req.replayed, err
	case <-ctx.Done():
		if req.state.CompareAndSwap(requestQueued, requestAbandoned) {
			return false, fmt.Errorf("%w: the writer had not taken it: %w", ErrNotStored, ctx.Err())
		}
		select {
		case err := <-req.done:
			return req.replayed, err
		default:
			return false, fmt.Errorf("%w: %w", ErrUnconfirmed, ctx.Err())
		}
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
		SweepID: sweep, HTTPStatus: r.HTTPStatus, Simulated: r.Simulated,
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
//
// It also lingers for callers it expects back. When a commit ends, the
// callers it answered and the requests already waiting are the posters
// in flight; a caller that posts again as soon as it is answered (a
// tester sending its backlog, an outbox draining, a load generator)
// returns within a round trip. Without waiting for them, callers split
// into two groups that take turns, each committing half of them; waiting
// up to Linger makes one commit of them all. Callers that do not come
// back cost each post at most Linger.
func (s *Store) writer() {
	defer s.done.Done()
	// seen holds, for the last few commits, the requests each answered
	// plus those then waiting: the posters in flight. A caller still on
	// its way when a commit ends is missed by that commit's count, so the
	// writer waits for the most of them that any recent commit saw.
	var seen [lingerMemory]int
	commits := 0
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
		batch := s.gather(first, slices.Max(seen[:]))
		seen[commits%lingerMemory] = len(batch) + s.writeBatch(batch)
		commits++
	}
}

// lingerMemory is how many commits' counts of posters in flight the
// writer remembers. When callers leave, it lingers in vain for at most
// this many commits.
const lingerMemory = 4

// gather takes first and whatever is queued, up to MaxBatch results, then
// waits up to Linger for the batch to reach want requests.
func (s *Store) gather(first *writeRequest, want int) []*writeRequest {
	batch := []*writeRequest{first}
	n := len(first.rows)
	var linger <-chan time.Time
	for n < s.opts.MaxBatch {
		select {
		case req := <-s.writes:
			batch = append(batch, req)
			n += len(req.rows)
			continue
		default:
		}
		if len(batch) >= want || s.opts.Linger <= 0 {
			return batch
		}
		if linger == nil {
			t := time.NewTimer(s.opts.Linger)
			defer t.Stop()
			linger = t.C
		}
		select {
		case req := <-s.writes:
			batch = append(batch, req)
			n += len(req.rows)
		case <-linger:
			return batch
		case <-s.stop:
			return batch
		}
	}
	return batch
}

// writeBatch commits the requests and answers them. It returns how many
// requests were waiting when the commit ended, before any answer: counted
// after the answers, a caller already posting again would count twice.
func (s *Store) writeBatch(queued []*writeRequest) (waiting int) {
	var rows []Result
	var extras []rowExtra
	var batch []*writeRequest
	var deadline time.Time
	for _, req := range queued {
		// A request its caller abandoned is dropped unwritten: the caller
		// has answered that it was not stored.
		if !req.state.CompareAndSwap(requestQueued, requestTaken) {
			continue
		}
		batch = append(batch, req)
		rows = append(rows, req.rows...)
		extras = append(extras, req.extras...)
		if !req.deadline.IsZero() && (deadline.IsZero() || req.deadline.Before(deadline)) {
			deadline = req.deadline
		}
	}
	if len(batch) == 0 {
		return len(s.writes)
	}
	fates, err := s.commit(deadline, rows, extras)
	waiting = len(s.writes)
	if err != nil && len(batch) > 1 && s.writeOutcomeKnown(err) && !Unavailable(err) {
		// One transaction failed and certainly stored nothing; try each
		// request alone so one bad request cannot fail the others. (After
		// an unconfirmed commit a retry could store the batch twice.)
		for _, req := range batch {
			f, err := s.commit(req.deadline, req.rows, req.extras)
			req.finish(f, s.answer(err))
		}
		return waiting
	}
	err = s.answer(err)
	at := 0
	for _, req := range batch {
		var f []fate
		if err == nil {
			f = fates[at : at+len(req.rows)]
		}
		at += len(req.rows)
		req.finish(f, err)
	}
	return waiting
}

// finish answers the request from the fates of its rows.
func (req *writeRequest) finish(fates []fate, err error) {
	for _, f := range fates {
		switch f {
		case fateConflict:
			err = ErrIdempotencyConflict
		case fateReplayed:
			req.replayed = true
		}
	}
	req.done <- err
}

// answer marks a failed commit with what the caller may say of it.
func (s *Store) answer(err error) error {
	switch {
	case err == nil:
		return nil
	case !s.writeOutcomeKnown(err):
		return fmt.Errorf("%w: %w", ErrUnconfirmed, err)
	}
	return fmt.Errorf("%w: %w", ErrNotStored, err)
}

// commitMargin is how long before its callers' earliest deadline a commit
// gives up, so they hear its outcome rather than leave without it.
const commitMargin = 250 * time.Millisecond

// commit writes rows and their rollup deltas atomically, then copies the
// new bucket totals into the index. It gives up at 30 s, or just before
// deadline if that comes first. It returns what it did with each row.
func (s *Store) commit(deadline time.Time, rows []Result, extras []rowExtra) ([]fate, error) {
	end := time.Now().Add(30 * time.Second)
	if !deadline.IsZero() && deadline.Add(-commitMargin).Before(end) {
		end = deadline.Add(-commitMargin)
	}
	ctx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()
	var (
		fates   []fate
		updated []Rollup
		err     error
	)
	for try := 1; ; try++ {
		fates = make([]fate, len(rows))
		updated, err = s.commitRows(ctx, rows, extras, fates)
		// Two instances writing the same keys and rollup buckets can
		// deadlock (the keys and the buckets of one statement are locked
		// in no order PostgreSQL promises); the victim's transaction was
		// rolled back whole, so writing it again cannot store it twice.
		if err == nil || !lostToConcurrency(err) || try == commitTries || ctx.Err() != nil {
			break
		}
	}
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		// SQLite reports an interrupt, not the deadline that caused it.
		err = fmt.Errorf("%w (%w)", err, ctx.Err())
	}
	if err != nil {
		return nil, fmt.Errorf("store %d results: %w", len(rows), err)
	}
	for i := range updated {
		s.index.Set(updated[i].key(), updated[i].bucket())
	}
	s.commits.Add(1)
	s.committed.Add(int64(len(rows)))
	return fates, nil
}

// commitTries is how often a batch is written when PostgreSQL rolls it
// back for a deadlock or a serialization failure.
const commitTries = 4

// lostToConcurrency: PostgreSQL rolled the transaction back as a
// deadlock's victim (40P01) or for a serialization failure (40001).
func lostToConcurrency(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// errNotCommitted marks a failure inside a transaction before its COMMIT
// was sent: whatever the connection did, nothing was stored.
var errNotCommitted = errors.New("transaction not committed")

func notCommitted(err error) error { return fmt.Errorf("%w (%w)", err, errNotCommitted) }

// commitRows is one atomic write. A batch with neither idempotency keys
// nor outbox rows is, on PostgreSQL, one statement and one round trip;
// otherwise the keys are claimed first, in the same transaction, and only
// the rows whose keys were new are written (with their outbox rows).
func (s *Store) commitRows(ctx context.Context, rows []Result, extras []rowExtra, fates []fate) ([]Rollup, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	keyed, forwards := false, false
	for i := range extras {
		keyed = keyed || extras[i].idem.Key != ""
		forwards = forwards || extras[i].outbox != nil
	}
	switch {
	case !keyed && !forwards && s.dialect.oneStatement:
		return s.dialect.write(ctx, sqlDB, rows, rollupDeltas(rows))
	case keyed && !forwards && s.dialect.writeKeyed != nil && !repeatsKey(rows, extras):
		// Replays are rare: try the batch as one statement that also
		// inserts its keys, and sort the batch out in a transaction only
		// when a key turns out to be stored already (the statement then
		// fails whole, storing nothing).
		updated, err := s.dialect.writeKeyed(ctx, sqlDB, rows, rollupDeltas(rows), extras)
		if !keyTaken(err) {
			return updated, err
		}
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil && ctx.Err() == nil {
		// No transaction began, so nothing was written: the connection
		// is what failed (pgx says "conn closed" when PostgreSQL went
		// away), which the answer must tell as unavailable, not as 500.
		return nil, fmt.Errorf("begin: %w (%w)", err, driver.ErrBadConn)
	}
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := s.claimKeys(ctx, tx, rows, extras, fates); err != nil {
		return nil, notCommitted(err)
	}
	stored := rows[:0:0]
	var outbox []outboxRow
	for i := range rows {
		if fates[i] != fateStored {
			continue
		}
		stored = append(stored, rows[i])
		if extras[i].outbox != nil {
			outbox = append(outbox, *extras[i].outbox)
		}
	}
	var updated []Rollup
	if len(stored) > 0 {
		if updated, err = s.dialect.write(ctx, tx, stored, rollupDeltas(stored)); err != nil {
			return nil, notCommitted(err)
		}
	}
	if len(outbox) > 0 {
		if _, err := tx.ExecContext(ctx, s.dialect.rebind(s.outboxInsertSQL(len(outbox))), outboxArgs(outbox)...); err != nil {
			return nil, notCommitted(fmt.Errorf("queue results to forward: %w", err))
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return updated, nil
}

// resultColumns are the columns every write path inserts, in order.
const resultColumns = `received_at, orchestrator, region_id, pipeline, model, outcome, ingest_key,
	success_rate, round_trip_time, errors, timestamp, seg_duration, segments_sent, segments_received,
	upload_time, download_time, transcode_time, model_is_warm, input_parameters, response_payload,
	sweep_id, http_status, simulated`

// ErrInvalidRegion is returned for a result whose region does not exist for
// its job type.
var ErrInvalidRegion = errors.New("invalid region")
