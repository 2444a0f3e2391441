package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"jobtester/ethaddr"
	"jobtester/livemetrics"
)

// LiveResult is a row of live_results: one live video test with every
// metric the analyzer measured, the gateway's last status, the verdict and
// a JPEG of the output. Times are in milliseconds, rates in frames per
// second. Its compatible record is the results row ResultID.
type LiveResult struct {
	ID           int64     `json:"id"`
	ResultID     int64     `json:"result_id"`
	SweepID      *int64    `json:"sweep_id"`
	CreatedAt    time.Time `json:"created_at"`
	Region       string    `json:"region"`
	Orchestrator string    `json:"orchestrator"`
	URI          string    `json:"uri" gorm:"column:uri"`
	Model        string    `json:"model"`
	Stream       string    `json:"stream"`    // the media server path published
	StreamID     string    `json:"stream_id"` // the gateway's key for /status
	Params       string    `json:"params"`    // JSON sent as params
	Attempt      int       `json:"attempt"`
	Outcome      Outcome   `json:"outcome"`
	Error        string    `json:"error"`
	Flags        string    `json:"flags"` // comma-separated scoring flags
	Score        float64   `json:"score"`
	FPSScore     float64   `json:"fps_score" gorm:"column:fps_score"`
	StartupScore float64   `json:"startup_score"`
	LatencyScore float64   `json:"latency_score"`

	SignalWidth  int     `json:"signal_width"`
	SignalHeight int     `json:"signal_height"`
	SignalFPS    int     `json:"signal_fps" gorm:"column:signal_fps"`
	MeasureMS    float64 `json:"measure_ms" gorm:"column:measure_ms"`

	// What the analyzer measured, and the gateway's view; the column and
	// JSON names are livemetrics'.
	livemetrics.Metrics `gorm:"embedded"`
	livemetrics.Status  `gorm:"embedded"`

	ThumbnailBytes int    `json:"thumbnail_bytes"`
	Thumbnail      []byte `json:"-"`
}

// TableName keeps the table name the migration chose.
func (LiveResult) TableName() string { return "live_results" }

// InsertLive stores a live test and its compatible record in one
// transaction: the results row (with its rollups, like Insert), then the
// live_results row pointing at it. lr's ID, ResultID and CreatedAt are set.
// It bypasses the group-commit writer because the link needs the new
// result's id; live tests are a few per minute, so sharing commits would
// gain nothing.
func (s *Store) InsertLive(ctx context.Context, nr NewResult, lr *LiveResult) error {
	row, err := s.toRow(&nr)
	if err != nil {
		return err
	}
	if !lr.Outcome.Valid() {
		return fmt.Errorf("live result: unknown outcome %q", lr.Outcome)
	}
	// PostgreSQL keeps microseconds: the caller's copy matches what is stored.
	lr.CreatedAt = row.ReceivedAt.Truncate(time.Microsecond)
	lr.ThumbnailBytes = len(lr.Thumbnail)
	if nr.SweepID != 0 {
		id := nr.SweepID
		lr.SweepID = &id
	}
	deltas := rollupDeltas([]Result{row})
	var updated []Rollup
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var id int64
		err := tx.Raw(`INSERT INTO results (`+resultColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
			row.ReceivedAt, row.Orchestrator, row.RegionID, row.Pipeline, row.Model, string(row.Outcome),
			row.IngestKey, row.SuccessRate, row.RoundTripTime, row.Errors, row.Timestamp, row.SegDuration,
			row.SegmentsSent, row.SegmentsReceived, row.UploadTime, row.DownloadTime, row.TranscodeTime,
			row.ModelIsWarm, row.InputParameters, row.ResponsePayload, row.SweepID, row.HTTPStatus, row.Simulated).Scan(&id).Error
		if err != nil {
			return fmt.Errorf("insert the compatible result: %w", err)
		}
		for _, d := range deltas {
			rows, err := tx.Raw(upsertOne(s.dialect.nowMillis), d.args()...).Rows()
			if err != nil {
				return fmt.Errorf("update rollups: %w", err)
			}
			got, err := scanRollups(rows)
			if err != nil {
				return err
			}
			updated = append(updated, got...)
		}
		lr.ID, lr.ResultID = 0, id
		if err := tx.Create(lr).Error; err != nil {
			return fmt.Errorf("insert the live result: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store live result of %s: %w", lr.Orchestrator, err)
	}
	for i := range updated {
		s.index.Set(updated[i].key(), updated[i].bucket())
	}
	return nil
}

// LiveFilter narrows LiveResults. Empty fields match everything.
type LiveFilter struct {
	Orchestrator string // lower-case address
	Model        string
	SweepID      int64
	Since        time.Time
	Limit        int // default 100
}

// LiveResults lists live tests, newest first, without their thumbnails.
func (s *Store) LiveResults(ctx context.Context, f LiveFilter) ([]LiveResult, error) {
	q := s.db.WithContext(ctx).Omit("thumbnail")
	if f.Orchestrator != "" {
		q = q.Where("orchestrator = ?", ethaddr.Fold(f.Orchestrator))
	}
	if f.Model != "" {
		q = q.Where("model = ?", f.Model)
	}
	if f.SweepID != 0 {
		q = q.Where("sweep_id = ?", f.SweepID)
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	var out []LiveResult
	if err := q.Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list live results: %w", err)
	}
	return out, nil
}

// LiveThumbnail returns the JPEG kept with a live test; ErrNotFound when
// the test does not exist or kept none (it had no output).
func (s *Store) LiveThumbnail(ctx context.Context, id int64) ([]byte, error) {
	var row struct{ Thumbnail []byte }
	err := s.db.WithContext(ctx).Model(&LiveResult{}).Select("thumbnail").Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("live result %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("thumbnail of live result %d: %w", id, err)
	}
	if len(row.Thumbnail) == 0 {
		return nil, fmt.Errorf("live result %d has no thumbnail: %w", id, ErrNotFound)
	}
	return row.Thumbnail, nil
}

// ThumbnailURL is where the API serves the test's output thumbnail, "" when
// it kept none.
func (r LiveResult) ThumbnailURL() string {
	if r.ThumbnailBytes <= 0 {
		return ""
	}
	return "/api/v1/live/results/" + strconv.FormatInt(r.ID, 10) + "/thumbnail.jpg"
}

// LiveScore is the mean of an orchestrator's live scores over some tests.
type LiveScore struct {
	Orchestrator string
	Mean         float64
	Tests        int
}

// LiveScores averages the live tests' own scores (scoring.Live) per
// orchestrator for one live model, over the scored tests (pass and fail)
// created in [since, until], in one region or all (""). The database does
// the sum, so a busy window costs one grouped scan, not a copy of its rows.
func (s *Store) LiveScores(ctx context.Context, model, region string, since, until time.Time) ([]LiveScore, error) {
	q := s.db.WithContext(ctx).Model(&LiveResult{}).
		Select("orchestrator, AVG(score) AS mean, COUNT(*) AS tests").
		Where("model = ? AND created_at >= ? AND created_at <= ? AND outcome IN ?",
			model, since.UTC(), until.UTC(), []Outcome{OutcomePass, OutcomeFail})
	if region != "" {
		q = q.Where("region = ?", region)
	}
	var out []LiveScore
	if err := q.Group("orchestrator").Order("orchestrator").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("average live scores of %s: %w", model, err)
	}
	return out, nil
}
