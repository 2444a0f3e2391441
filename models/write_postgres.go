package models

import (
	"context"
	"time"
)

// postgresCommit writes a batch in one statement, so one round trip and one
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

func postgresCommit(ctx context.Context, s *Store, rows []Result, deltas []rollupDelta) ([]Rollup, error) {
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
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	res, err := sqlDB.QueryContext(ctx, postgresCommitSQL,
		receivedAt, orch, region, pipeline, model, outcome, key, sr, rtt, errs, ts, seg, sent, recv, up, down, tc, warm, in, out,
		bucket, dOrch, dRegion, dPipeline, dModel, dResults, dSR, dSeg, dRTT, dPassed, dPRTT, sweep, status, dUnavailable, simulated)
	if err != nil {
		return nil, err
	}
	return scanRollups(res)
}
