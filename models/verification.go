package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"jobtester/ethaddr"
)

// Verification is a row of verifications: the evidence of one flagged
// batch test. Kind is verify's ("flat", "repeat", "outlier", …); the test's
// compatible record (ResultID) failed with the reason "suspected_<kind>".
// Distance is the figure that decided it (bits to the closest earlier
// answer for a repeat, to the consensus answer for an outlier; -1: none),
// Figures the check's other measurements as JSON.
type Verification struct {
	ID                    int64     `json:"id"`
	ResultID              int64     `json:"result_id"`
	SweepID               *int64    `json:"sweep_id"`
	CreatedAt             time.Time `json:"created_at"`
	Region                string    `json:"region"`
	Orchestrator          string    `json:"orchestrator"`
	Pipeline              string    `json:"pipeline"`
	Model                 string    `json:"model"`
	Kind                  string    `json:"kind"`
	Reason                string    `json:"detail"` // what was measured against what threshold
	Hash                  string    `json:"hash"`
	Distance              int       `json:"distance"`
	ConsensusHash         string    `json:"consensus_hash"`
	ConsensusOrchestrator string    `json:"consensus_orchestrator"`
	ConsensusAnswers      int       `json:"consensus_answers"`
	Figures               string    `json:"figures"`
	// HasThumbnail and HasConsensusThumbnail say whether the JPEGs exist
	// without reading them (lists leave the bytes out).
	HasThumbnail          bool   `json:"-" gorm:"-"`
	HasConsensusThumbnail bool   `json:"-" gorm:"-"`
	Thumbnail             []byte `json:"-"`
	ConsensusThumbnail    []byte `json:"-"`
}

// TableName keeps the table name the migration chose.
func (Verification) TableName() string { return "verifications" }

// ThumbnailURL is where the API serves the answer's thumbnail ("" when none
// was kept); consensus asks for the consensus answer's.
func (v Verification) ThumbnailURL(consensus bool) string {
	has, name := v.HasThumbnail, "answer"
	if consensus {
		has, name = v.HasConsensusThumbnail, "consensus"
	}
	if !has {
		return ""
	}
	return "/api/v1/verification/" + strconv.FormatInt(v.ID, 10) + "/" + name + ".jpg"
}

// InsertVerified stores a flagged test and its evidence in one transaction:
// the compatible results row with its rollups (as Insert), then the
// verifications row pointing at it. v's ID, ResultID, CreatedAt and the
// identity fields are set from nr.
func (s *Store) InsertVerified(ctx context.Context, nr NewResult, v *Verification) error {
	row, err := s.toRow(&nr)
	if err != nil {
		return err
	}
	if v.Kind == "" {
		return errors.New("verification: no kind")
	}
	v.CreatedAt = row.ReceivedAt.Truncate(time.Microsecond)
	v.Region, v.Orchestrator, v.Pipeline, v.Model = nr.Stats.Region, row.Orchestrator, row.Pipeline, row.Model
	v.ConsensusOrchestrator = ethaddr.Fold(v.ConsensusOrchestrator)
	if v.Figures == "" {
		v.Figures = "{}"
	}
	if nr.SweepID != 0 {
		id := nr.SweepID
		v.SweepID = &id
	}
	err = s.insertWithResult(ctx, row, nr.Attempt, func(tx *gorm.DB, resultID int64) error {
		v.ID, v.ResultID = 0, resultID
		if err := tx.Create(v).Error; err != nil {
			return fmt.Errorf("insert the evidence: %w", err)
		}
		return s.queueForward(tx, &nr)
	})
	if err != nil {
		return fmt.Errorf("store the flagged test of %s: %w", v.Orchestrator, err)
	}
	v.HasThumbnail, v.HasConsensusThumbnail = len(v.Thumbnail) > 0, len(v.ConsensusThumbnail) > 0
	return nil
}

// insertWithResult inserts one result and its rollup deltas, then runs
// also with the new result's id, all in one transaction; the rollup index
// follows once it commits. It bypasses the group-commit writer because the
// caller needs the id; flagged tests are rare. A sweep's attempt (a not
// nil) is fenced and recorded in the same transaction.
func (s *Store) insertWithResult(ctx context.Context, row Result, a *SweepAttempt, also func(tx *gorm.DB, resultID int64) error) error {
	deltas := rollupDeltas([]Result{row})
	var updated []Rollup
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
		if a != nil {
			if err := s.recordAttempt(tx, a, id, row.Outcome); err != nil {
				return err
			}
		}
		return also(tx, id)
	})
	if err != nil {
		return notStored(err)
	}
	for i := range updated {
		s.index.Set(updated[i].key(), updated[i].bucket())
	}
	return nil
}

// VerificationFilter narrows Verifications. Empty fields match everything.
type VerificationFilter struct {
	Orchestrator string
	Pipeline     string
	Model        string
	Kind         string
	SweepID      int64
	Since        time.Time
	Limit        int // default 100, at most 1000
}

// Verifications lists flagged tests, newest first, without the thumbnail
// bytes (HasThumbnail and HasConsensusThumbnail say which exist).
func (s *Store) Verifications(ctx context.Context, f VerificationFilter) ([]Verification, error) {
	q := s.db.WithContext(ctx).Model(&Verification{}).Select(`id, result_id, sweep_id, created_at, region, orchestrator,
		pipeline, model, kind, reason, hash, distance, consensus_hash, consensus_orchestrator, consensus_answers, figures,
		thumbnail IS NOT NULL AS has_thumbnail, consensus_thumbnail IS NOT NULL AS has_consensus_thumbnail`)
	if f.Orchestrator != "" {
		q = q.Where("orchestrator = ?", ethaddr.Fold(f.Orchestrator))
	}
	for col, v := range map[string]string{"pipeline": f.Pipeline, "model": f.Model, "kind": f.Kind} {
		if v != "" {
			q = q.Where(col+" = ?", v)
		}
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
	rows, err := q.Order("created_at DESC, id DESC").Limit(min(limit, 1000)).Rows()
	if err != nil {
		return nil, fmt.Errorf("list flagged tests: %w", err)
	}
	defer rows.Close()
	var out []Verification
	for rows.Next() {
		var v Verification
		err := rows.Scan(&v.ID, &v.ResultID, &v.SweepID, &v.CreatedAt, &v.Region, &v.Orchestrator, &v.Pipeline, &v.Model,
			&v.Kind, &v.Reason, &v.Hash, &v.Distance, &v.ConsensusHash, &v.ConsensusOrchestrator, &v.ConsensusAnswers,
			&v.Figures, &v.HasThumbnail, &v.HasConsensusThumbnail)
		if err != nil {
			return nil, fmt.Errorf("read a flagged test: %w", err)
		}
		v.CreatedAt = v.CreatedAt.UTC()
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list flagged tests: %w", err)
	}
	return out, nil
}

// VerificationThumbnail returns the JPEG of a flagged answer (consensus:
// of the consensus answer it was compared with); ErrNotFound when the row
// or the picture does not exist.
func (s *Store) VerificationThumbnail(ctx context.Context, id int64, consensus bool) ([]byte, error) {
	col := "thumbnail"
	if consensus {
		col = "consensus_thumbnail"
	}
	var row struct{ Pic []byte }
	err := s.db.WithContext(ctx).Model(&Verification{}).Select(col+" AS pic").Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("flagged test %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s of flagged test %d: %w", col, id, err)
	}
	if len(row.Pic) == 0 {
		return nil, fmt.Errorf("flagged test %d kept no %s: %w", id, col, ErrNotFound)
	}
	return row.Pic, nil
}
