package models

import (
	"context"
	"fmt"
	"strings"
)

// sqliteWrite writes a batch as multi-row statements, inside the caller's
// transaction (SQLite runs in-process, so statements cost no round trip;
// what matters is one commit, one WAL sync, per batch).
func sqliteWrite(ctx context.Context, tx querier, rows []Result, deltas []rollupDelta) ([]Rollup, error) {
	const perInsert = 1000 // 23 parameters a row; SQLite allows 32766
	for start := 0; start < len(rows); start += perInsert {
		chunk := rows[start:min(start+perInsert, len(rows))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO results (` + resultColumns + `) VALUES `)
		args := make([]any, 0, len(chunk)*23)
		for i := range chunk {
			r := &chunk[i]
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
			args = append(args, r.ReceivedAt, r.Orchestrator, r.RegionID, r.Pipeline, r.Model, string(r.Outcome),
				r.IngestKey, r.SuccessRate, r.RoundTripTime, r.Errors, r.Timestamp, r.SegDuration, r.SegmentsSent,
				r.SegmentsReceived, r.UploadTime, r.DownloadTime, r.TranscodeTime, r.ModelIsWarm,
				r.InputParameters, r.ResponsePayload, r.SweepID, r.HTTPStatus, r.Simulated)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return nil, fmt.Errorf("insert results: %w", err)
		}
	}
	var updated []Rollup
	const perUpsert = 500
	for start := 0; start < len(deltas); start += perUpsert {
		chunk := deltas[start:min(start+perUpsert, len(deltas))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO rollups (` + rollupColumns + `) VALUES `)
		args := make([]any, 0, len(chunk)*12)
		for i := range chunk {
			d := &chunk[i]
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(rollupPlaceholders + sqliteNowMillis + `)`)
			args = append(args, d.args()...)
		}
		sb.WriteString(rollupUpsert)
		res, err := tx.QueryContext(ctx, sb.String(), args...)
		if err != nil {
			return nil, fmt.Errorf("update rollups: %w", err)
		}
		got, err := scanRollups(res)
		if err != nil {
			return nil, err
		}
		updated = append(updated, got...)
	}
	return updated, nil
}
