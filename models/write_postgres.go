package models

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// postgresWrite writes a batch in one statement, so one round trip and one
// commit: the results go in through a data-modifying CTE and the rollups
// are upserted by the main INSERT. Columns travel as arrays (unnest), so
// the statement text is the same for every batch size and pgx prepares it
// once per connection.
var postgresCommitSQL = `WITH ins AS (
	INSERT INTO results (` + resultColumns + `)
	SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20,
		NULLIF(c21, 0), c22, c23
	FROM unnest($1::timestamptz[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
		$7::text[], $8::float8[], $9::float8[], $10::text[], $11::bigint[], $12::float8[], $13::bigint[],
		$14::bigint[], $15::float8[], $16::float8[], $17::float8[], $18::bool[], $19::text[], $20::text[],
		$32::bigint[], $33::bigint[], $35::bool[])
		AS r(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23)
	RETURNING 1)
INSERT INTO rollups (` + rollupColumns + `)
SELECT d.*, 1, ` + postgresNowMillis + ` FROM unnest($21::timestamptz[], $22::text[], $23::bigint[],
	$24::text[], $25::text[], $26::bigint[], $27::float8[], $28::float8[], $29::float8[], $30::bigint[],
	$31::float8[], $34::bigint[]) AS d` + rollupUpsert

func postgresWrite(ctx context.Context, q querier, rows []Result, deltas []rollupDelta) ([]Rollup, error) {
	res, err := q.QueryContext(ctx, postgresCommitSQL, postgresArgs(rows, deltas)...)
	if err != nil {
		return nil, err
	}
	return scanRollups(res)
}

// postgresKeyedSQL is postgresCommitSQL that also inserts the batch's
// idempotency keys, with no ON CONFLICT: a key already stored (by an
// earlier batch or, once it commits, another instance) fails the whole
// statement with a unique violation, and nothing is stored.
var postgresKeyedSQL = `WITH keys AS (
	INSERT INTO idempotency_keys (ingest_key, idempotency_key, body_sha256, created_at)
	SELECT k1, k2, k3, ` + postgresNowMillis + ` FROM unnest($36::text[], $37::text[], $38::text[]) AS k(k1, k2, k3)
	RETURNING 1),
` + strings.TrimPrefix(postgresCommitSQL, "WITH ")

func postgresWriteKeyed(ctx context.Context, q querier, rows []Result, deltas []rollupDelta, extras []rowExtra) ([]Rollup, error) {
	var keyed []int
	for i := range extras {
		if extras[i].idem.Key != "" {
			keyed = append(keyed, i)
		}
	}
	// Keys in one global order, as claimKeys takes them: fewer deadlocks
	// between instances (commit retries the rest).
	sort.Slice(keyed, func(a, b int) bool {
		ia, ib := keyed[a], keyed[b]
		if rows[ia].IngestKey != rows[ib].IngestKey {
			return rows[ia].IngestKey < rows[ib].IngestKey
		}
		return extras[ia].idem.Key < extras[ib].idem.Key
	})
	var ingestKey, key, hash []string
	for _, i := range keyed {
		ingestKey = append(ingestKey, rows[i].IngestKey)
		key = append(key, extras[i].idem.Key)
		hash = append(hash, extras[i].idem.BodySHA256)
	}
	res, err := q.QueryContext(ctx, postgresKeyedSQL, append(postgresArgs(rows, deltas), ingestKey, key, hash)...)
	if err != nil {
		return nil, err
	}
	return scanRollups(res)
}

// keyTaken reports the failure of postgresKeyedSQL on a key already stored.
func keyTaken(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "idempotency_keys_pkey"
}

// postgresArgs are the parameters $1…$35 of postgresCommitSQL: every
// column as an array.
func postgresArgs(rows []Result, deltas []rollupDelta) []any {
	n := len(rows)
	var (
		receivedAt                                         = make([]time.Time, n)
		orch, pipeline, model, outcome, key, errs, in, out = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		region, ts, sent, recv                             = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		sr, rtt, seg, up, down, tc                         = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		warm, simulated                                    = make([]bool, n), make([]bool, n)
		sweep, status                                      = make([]int64, n), make([]int64, n)
	)
	for i := range rows {
		r := &rows[i]
		receivedAt[i], orch[i], region[i], pipeline[i], model[i] = r.ReceivedAt, r.Orchestrator, r.RegionID, r.Pipeline, r.Model
		outcome[i], key[i], sr[i], rtt[i], errs[i] = string(r.Outcome), r.IngestKey, r.SuccessRate, r.RoundTripTime, r.Errors
		ts[i], seg[i], sent[i], recv[i] = r.Timestamp, r.SegDuration, int64(r.SegmentsSent), int64(r.SegmentsReceived)
		up[i], down[i], tc[i], warm[i], in[i], out[i] = r.UploadTime, r.DownloadTime, r.TranscodeTime, r.ModelIsWarm, r.InputParameters, r.ResponsePayload
		status[i], simulated[i] = int64(r.HTTPStatus), r.Simulated
		if r.SweepID != nil {
			sweep[i] = *r.SweepID
		}
	}
	m := len(deltas)
	var (
		bucket                     = make([]time.Time, m)
		dOrch, dPipeline, dModel   = make([]string, m), make([]string, m), make([]string, m)
		dRegion, dResults, dPassed = make([]int64, m), make([]int64, m), make([]int64, m)
		dUnavailable               = make([]int64, m)
		dSR, dSeg, dRTT, dPRTT     = make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
	)
	for i, d := range deltas {
		bucket[i] = time.Unix(d.hour, 0).UTC()
		dOrch[i], dRegion[i], dPipeline[i], dModel[i] = d.key.Orchestrator, d.key.RegionID, d.key.Pipeline, d.key.Model
		dResults[i], dSR[i], dSeg[i], dRTT[i], dPassed[i], dPRTT[i] = d.Results, d.SumSuccessRate, d.SumSegDuration, d.SumRoundTripTime, d.Passed, d.SumPassedRoundTripTime
		dUnavailable[i] = d.Unavailable
	}
	return []any{receivedAt, orch, region, pipeline, model, outcome, key, sr, rtt, errs, ts, seg, sent, recv, up, down, tc, warm, in, out,
		bucket, dOrch, dRegion, dPipeline, dModel, dResults, dSR, dSeg, dRTT, dPassed, dPRTT, sweep, status, dUnavailable, simulated}
}
