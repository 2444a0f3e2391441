package leaderboard

import (
	"context"
	"sort"

	"jobtester/ingest"
	"jobtester/models"
	"jobtester/scoring"
)

// Store is what the Explorer's answers read.
type Store interface {
	Totals(ctx context.Context, f models.Filter, w models.Window) ([]models.SeriesTotals, error)
	MedianRoundTripTime(ctx context.Context, pipeline, model, region string, w models.Window) (float64, error)
}

// Scores maps orchestrator address → region code → compatible scores.
type Scores map[string]map[string]scoring.Aggregate

// Aggregated answers /api/aggregated_stats. As in leaderboard-serverless,
// the AI median is taken over all orchestrators even when f names one (the
// orchestrator filter is applied after scoring), and over all regions unless
// f names a region.
//
// With job type ai and no pipeline/model (which the legacy service answered
// with whichever model's row came last), each orchestrator and region gets
// its best-scoring pipeline and model, each scored against its own median.
func Aggregated(ctx context.Context, st Store, f models.Filter, w models.Window) (Scores, error) {
	if f.Pipeline != "" {
		f.JobType = ingest.JobTypeAI
	}
	if f.JobType == "" {
		f.JobType = ingest.JobTypeTranscoding
	}
	totals, err := st.Totals(ctx, f, w)
	if err != nil {
		return nil, err
	}
	out := Scores{}
	if f.JobType == ingest.JobTypeTranscoding {
		for _, t := range totals {
			put(out, t, Score("", t.Totals, 0))
		}
		return out, nil
	}
	if f.Pipeline == "" {
		byName(totals)
	}
	medians := map[[2]string]float64{}
	for _, t := range totals {
		pair := [2]string{t.Pipeline, t.Model}
		m, ok := medians[pair]
		if !ok {
			m, err = st.MedianRoundTripTime(ctx, t.Pipeline, t.Model, f.Region, w)
			if err != nil {
				return nil, err
			}
			medians[pair] = m
		}
		a := Score(t.Pipeline, t.Totals, m)
		if prev, ok := out[t.Orchestrator][t.Region]; ok && f.Pipeline == "" && !better(a, prev) {
			continue
		}
		put(out, t, a)
	}
	return out, nil
}

func better(a, b scoring.Aggregate) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.SuccessRate > b.SuccessRate
}

// byName orders series so that exact ties are settled the same way on every
// instance and after every restart.
func byName(ts []models.SeriesTotals) {
	sort.Slice(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.Orchestrator != b.Orchestrator {
			return a.Orchestrator < b.Orchestrator
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Pipeline != b.Pipeline {
			return a.Pipeline < b.Pipeline
		}
		return a.Model < b.Model
	})
}

func put(out Scores, t models.SeriesTotals, a scoring.Aggregate) {
	m := out[t.Orchestrator]
	if m == nil {
		m = map[string]scoring.Aggregate{}
		out[t.Orchestrator] = m
	}
	m[t.Region] = a
}

// TopAIScore is the /api/top_ai_score answer.
type TopAIScore struct {
	Region       string  `json:"region"`
	Orchestrator string  `json:"orchestrator"`
	Value        float64 `json:"value"`
	Model        string  `json:"model"`
	Pipeline     string  `json:"pipeline"`
}

// TopAI finds the orchestrator's best AI series the way leaderboard-serverless
// does — highest mean success rate, then lowest mean round-trip time (not the
// highest score) — and returns that series' compatible score, computed over
// all orchestrators and regions of its pipeline and model. ok is false when
// the orchestrator has no AI result in the window.
func TopAI(ctx context.Context, st Store, orchestrator string, w models.Window) (TopAIScore, bool, error) {
	if orchestrator == "" {
		return TopAIScore{}, false, nil
	}
	totals, err := st.Totals(ctx, models.Filter{Orchestrator: orchestrator, JobType: ingest.JobTypeAI}, w)
	if err != nil || len(totals) == 0 {
		return TopAIScore{}, false, err
	}
	sort.Slice(totals, func(i, j int) bool {
		a, b := totals[i], totals[j]
		if a.MeanSuccessRate() != b.MeanSuccessRate() {
			return a.MeanSuccessRate() > b.MeanSuccessRate()
		}
		if a.MeanRoundTripTime() != b.MeanRoundTripTime() {
			return a.MeanRoundTripTime() < b.MeanRoundTripTime()
		}
		// Ties are broken by name so the answer never flips between calls.
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Pipeline != b.Pipeline {
			return a.Pipeline < b.Pipeline
		}
		return a.Model < b.Model
	})
	best := totals[0]
	median, err := st.MedianRoundTripTime(ctx, best.Pipeline, best.Model, "", w)
	if err != nil {
		return TopAIScore{}, false, err
	}
	a := Score(best.Pipeline, best.Totals, median)
	return TopAIScore{Region: best.Region, Orchestrator: orchestrator, Value: a.Score,
		Model: best.Model, Pipeline: best.Pipeline}, true, nil
}
