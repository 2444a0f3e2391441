package models

import (
	"context"
	"fmt"
	"time"

	"jobtester/ethaddr"
)

// AnswerHash is a row of answer_hashes: the perceptual hash of one checked
// image answer and a digest of the input it answered. The repeat check
// reads an orchestrator's recent ones for a model.
type AnswerHash struct {
	ID           int64     `json:"id"`
	CreatedAt    time.Time `json:"created_at"`
	Orchestrator string    `json:"orchestrator"`
	Pipeline     string    `json:"pipeline"`
	Model        string    `json:"model"`
	InputKey     string    `json:"input_key"`
	Hash         string    `json:"hash"`
}

// TableName keeps the table name the migration chose.
func (AnswerHash) TableName() string { return "answer_hashes" }

// AnswerHashesKept is how many hashes are kept per orchestrator, pipeline
// and model: a canned or replaying node repeats within a few sweeps, and
// comparing with a few hundred costs microseconds.
const AnswerHashesKept = 300

// AnswerHashes returns the newest hashes of an orchestrator's answers for
// a pipeline and model, newest first, at most limit (≤ 0: all kept).
func (s *Store) AnswerHashes(ctx context.Context, orchestrator, pipeline, model string, limit int) ([]AnswerHash, error) {
	if limit <= 0 {
		limit = AnswerHashesKept
	}
	var out []AnswerHash
	err := s.db.WithContext(ctx).Where("orchestrator = ? AND pipeline = ? AND model = ?", ethaddr.Fold(orchestrator), pipeline, model).
		Order("id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read answer hashes of %s %s: %w", orchestrator, model, err)
	}
	return out, nil
}

// SaveAnswerHash keeps one answer's hash and drops the orchestrator's
// oldest beyond AnswerHashesKept for that pipeline and model.
func (s *Store) SaveAnswerHash(ctx context.Context, h AnswerHash) error {
	h.ID = 0
	h.Orchestrator = ethaddr.Fold(h.Orchestrator)
	if h.CreatedAt.IsZero() {
		h.CreatedAt = time.Now().UTC()
	}
	db := s.db.WithContext(ctx)
	if err := db.Create(&h).Error; err != nil {
		return fmt.Errorf("save answer hash of %s %s: %w", h.Orchestrator, h.Model, err)
	}
	// The newest id past the kept ones, if any: it and everything older go.
	var cut []int64
	err := db.Model(&AnswerHash{}).Where("orchestrator = ? AND pipeline = ? AND model = ?", h.Orchestrator, h.Pipeline, h.Model).
		Order("id DESC").Offset(AnswerHashesKept).Limit(1).Pluck("id", &cut).Error
	if err == nil && len(cut) == 1 {
		err = db.Exec(`DELETE FROM answer_hashes WHERE orchestrator = ? AND pipeline = ? AND model = ? AND id <= ?`,
			h.Orchestrator, h.Pipeline, h.Model, cut[0]).Error
	}
	if err != nil {
		return fmt.Errorf("trim answer hashes of %s %s: %w", h.Orchestrator, h.Model, err)
	}
	return nil
}
