package web

import (
	"context"
	"encoding/json"
	"strconv"

	"jobtester/models"
)

// VerifyStore is what the evidence views read: flagged tests without their
// thumbnails (the API serves those).
type VerifyStore interface {
	Verifications(ctx context.Context, f models.VerificationFilter) ([]models.Verification, error)
}

var _ VerifyStore = (*models.Store)(nil)

// FlaggedTest is one flagged batch test as the pages show it: what was
// suspected, the measurement, and the answer beside the consensus answer.
type FlaggedTest struct {
	ID                string
	ResultID          string
	Orchestrator      string
	Job               string // pipeline · model
	When              string
	Reason            string // suspected_<kind>
	Detail            string
	Hash              string
	Distance          string // "" when none was measured
	Consensus         string // the consensus answer's orchestrator, "" without one
	ConsensusOf       string // how many answers it was drawn from
	ConsensusDistance string
	ThumbnailURL      string
	ConsensusURL      string
}

// FlaggedOf turns a stored row into the view.
func FlaggedOf(v models.Verification) FlaggedTest {
	f := FlaggedTest{ID: strconv.FormatInt(v.ID, 10), ResultID: strconv.FormatInt(v.ResultID, 10), Orchestrator: v.Orchestrator,
		Job: v.Pipeline + " · " + v.Model, When: fmtTime(v.CreatedAt), Reason: "suspected_" + v.Kind, Detail: v.Reason,
		Hash: v.Hash, Consensus: v.ConsensusOrchestrator, ThumbnailURL: v.ThumbnailURL(false), ConsensusURL: v.ThumbnailURL(true)}
	if v.Distance >= 0 {
		f.Distance = strconv.Itoa(v.Distance) + " of 256 bits"
	}
	if v.ConsensusAnswers > 0 {
		f.ConsensusOf = strconv.Itoa(v.ConsensusAnswers)
	}
	var figures struct {
		ConsensusDistance *int `json:"consensus_distance"`
	}
	if json.Unmarshal([]byte(v.Figures), &figures) == nil && figures.ConsensusDistance != nil {
		f.ConsensusDistance = strconv.Itoa(*figures.ConsensusDistance) + " of 256 bits"
	}
	return f
}

// flaggedTests fills the page's evidence section with the orchestrator's
// newest flagged tests.
func (s *site) flaggedTests(ctx context.Context, v *OrchestratorView) {
	vs, ok := s.Store.(VerifyStore)
	if !ok {
		return
	}
	rows, err := vs.Verifications(ctx, models.VerificationFilter{Orchestrator: v.Address, Limit: 12})
	if err != nil {
		v.FlaggedError = "flagged tests could not be read"
		s.Logger.Warn("flagged tests unreadable", "orchestrator", v.Address, "err", err)
		return
	}
	for _, r := range rows {
		v.Flagged = append(v.Flagged, FlaggedOf(r))
	}
}
