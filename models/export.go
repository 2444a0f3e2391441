package models

import (
	"context"
	"fmt"
	"time"
)

// eachResultSQL selects every stored column of a result but the job's
// input and answer payloads (large, and in no export or report), with the
// region's code, in the order EachResult scans them.
const eachResultSQL = `SELECT re.id, re.received_at, re.orchestrator, re.region_id, r.name, re.pipeline, re.model,
	re.outcome, re.ingest_key, re.success_rate, re.round_trip_time, re.errors, re.timestamp, re.seg_duration,
	re.segments_sent, re.segments_received, re.upload_time, re.download_time, re.transcode_time,
	re.model_is_warm, re.sweep_id, re.http_status
FROM results re JOIN regions r ON r.id = re.region_id
WHERE re.orchestrator = ? AND re.received_at >= ? AND re.received_at < ?
ORDER BY re.received_at, re.id`

// EachResult hands fn every result of one orchestrator received in
// [from, to), oldest first, one row at a time from the driver's cursor: an
// export or a report over a long window never holds the rows at once.
// idx_results_orchestrator_received serves it. The rows are scanned by
// position, not by reflection (a month of one orchestrator is ~10⁴ rows), and
// carry no InputParameters or ResponsePayload. fn may keep nothing of the
// row it is handed: the next row reuses it. fn's error stops the read and
// is returned.
func (s *Store) EachResult(ctx context.Context, orchestrator string, from, to time.Time, fn func(*RawResult) error) error {
	rows, err := s.db.WithContext(ctx).Raw(eachResultSQL, orchestrator, from.UTC(), to.UTC()).Rows()
	if err != nil {
		return fmt.Errorf("results of %s: %w", orchestrator, err)
	}
	defer rows.Close()
	var r RawResult
	for rows.Next() {
		r = RawResult{}
		err := rows.Scan(&r.ID, &r.ReceivedAt, &r.Orchestrator, &r.RegionID, &r.Region, &r.Pipeline, &r.Model,
			&r.Outcome, &r.IngestKey, &r.SuccessRate, &r.RoundTripTime, &r.Errors, &r.Timestamp, &r.SegDuration,
			&r.SegmentsSent, &r.SegmentsReceived, &r.UploadTime, &r.DownloadTime, &r.TranscodeTime,
			&r.ModelIsWarm, &r.SweepID, &r.HTTPStatus)
		if err != nil {
			return fmt.Errorf("results of %s: read a row: %w", orchestrator, err)
		}
		r.ReceivedAt = r.ReceivedAt.UTC()
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("results of %s: %w", orchestrator, err)
	}
	return nil
}
