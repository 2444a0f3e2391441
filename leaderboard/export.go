package leaderboard

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strconv"
	"time"

	"jobtester/models"
)

// An operator's export: every stored result of one orchestrator in a
// window, as JSON or CSV, written row by row while the store reads them.

// MaxExportWindow bounds an export's window, so that one request reads at
// most a month of one orchestrator's results.
const MaxExportWindow = 31 * 24 * time.Hour

// DefaultExportWindow is the window of an export that names no from.
const DefaultExportWindow = 7 * 24 * time.Hour

// ExportRow is one stored result as the export writes it: the result list's
// fields (Result) and the rest of the stored columns under their own names.
type ExportRow struct {
	Result
	Timestamp        int64   `json:"timestamp"`
	SegDuration      float64 `json:"seg_duration"`
	SegmentsSent     int     `json:"segments_sent"`
	SegmentsReceived int     `json:"segments_received"`
	UploadTime       float64 `json:"upload_time"`
	DownloadTime     float64 `json:"download_time"`
	TranscodeTime    float64 `json:"transcode_time"`
	ModelIsWarm      bool    `json:"model_is_warm"`
}

// ExportRowOf is a stored result as the export writes it.
func ExportRowOf(r *models.RawResult) ExportRow {
	return ExportRow{Result: ResultOf(r), Timestamp: r.Timestamp, SegDuration: r.SegDuration,
		SegmentsSent: r.SegmentsSent, SegmentsReceived: r.SegmentsReceived, UploadTime: r.UploadTime,
		DownloadTime: r.DownloadTime, TranscodeTime: r.TranscodeTime, ModelIsWarm: r.ModelIsWarm}
}

// ExportColumns is the CSV header: the JSON names, in the JSON order.
var ExportColumns = []string{"id", "received_at", "orchestrator", "region", "pipeline", "model", "outcome",
	"success_rate", "round_trip_time", "http_status", "sweep_id", "errors", "ingest_key", "timestamp",
	"seg_duration", "segments_sent", "segments_received", "upload_time", "download_time", "transcode_time",
	"model_is_warm"}

// CSV is the row as CSV fields, in ExportColumns order. Numbers are written
// so that they parse back to the same float64; received_at is RFC 3339 with
// nanoseconds; errors are their JSON list; a missing sweep is an empty field.
func (e ExportRow) CSV() []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	sweep := ""
	if e.SweepID != nil {
		sweep = strconv.FormatInt(*e.SweepID, 10)
	}
	errs, _ := json.Marshal(e.Errors)
	return []string{strconv.FormatInt(e.ID, 10), e.ReceivedAt.Format(time.RFC3339Nano), e.Orchestrator,
		e.Region, e.Pipeline, e.Model, string(e.Outcome), f(e.SuccessRate), f(e.RoundTripTime),
		strconv.Itoa(e.HTTPStatus), sweep, string(errs), e.IngestKey, strconv.FormatInt(e.Timestamp, 10),
		f(e.SegDuration), strconv.Itoa(e.SegmentsSent), strconv.Itoa(e.SegmentsReceived), f(e.UploadTime),
		f(e.DownloadTime), f(e.TranscodeTime), strconv.FormatBool(e.ModelIsWarm)}
}

// ParseExportWindow reads from and to (Unix seconds or RFC 3339): to
// defaults to now, from to DefaultExportWindow before to; the window must
// be non-empty and at most MaxExportWindow.
func ParseExportWindow(v url.Values, now time.Time) (from, to time.Time, err error) {
	to = now.UTC()
	if x := v.Get("to"); x != "" {
		if to, err = ParseTime(x); err != nil {
			return from, to, errors.New("to: " + err.Error())
		}
	}
	from = to.Add(-DefaultExportWindow)
	if x := v.Get("from"); x != "" {
		if from, err = ParseTime(x); err != nil {
			return from, to, errors.New("from: " + err.Error())
		}
	}
	switch {
	case !from.Before(to):
		return from, to, errors.New("from must be before to")
	case to.Sub(from) > MaxExportWindow:
		return from, to, errors.New("the window from … to is at most 31 days")
	}
	return from, to, nil
}

// ExportWriter writes rows as a JSON array or CSV, one at a time.
type ExportWriter struct {
	w     io.Writer
	csv   *csv.Writer // nil: JSON
	rows  int
	enc   *json.Encoder
	close string
}

// NewExportWriter writes format ("json" or "csv") to w, starting with the
// CSV header or the JSON object's opening.
func NewExportWriter(w io.Writer, format string, orch string, from, to time.Time) (*ExportWriter, error) {
	e := &ExportWriter{w: w}
	if format == "csv" {
		e.csv = csv.NewWriter(w)
		return e, e.csv.Write(ExportColumns)
	}
	head, _ := json.Marshal(map[string]any{"orchestrator": orch, "from": from.UTC(), "to": to.UTC()})
	// {"from":…,"orchestrator":…,"to":…,"results":[ … ]}
	e.enc, e.close = json.NewEncoder(w), "]}\n"
	_, err := io.WriteString(w, string(head[:len(head)-1])+`,"results":[`)
	return e, err
}

// Write adds one row.
func (e *ExportWriter) Write(r ExportRow) error {
	e.rows++
	if e.csv != nil {
		return e.csv.Write(r.CSV())
	}
	if e.rows > 1 {
		if _, err := io.WriteString(e.w, ","); err != nil {
			return err
		}
	}
	return e.enc.Encode(r) // its newline is whitespace between elements
}

// Close ends the document.
func (e *ExportWriter) Close() error {
	if e.csv != nil {
		e.csv.Flush()
		return e.csv.Error()
	}
	_, err := io.WriteString(e.w, e.close)
	return err
}
