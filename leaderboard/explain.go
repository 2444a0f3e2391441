package leaderboard

import (
	"context"
	"sort"
	"time"

	"jobtester/ingest"
	"jobtester/models"
	"jobtester/rollup"
)

// Explanation is what the orchestrator page says of one of its series'
// scores in plain words: score v2 and its parts (success rate and its
// interval, typical latency against the model's, unavailable share), and
// the series' last failures with why they failed.
type Explanation struct {
	JobType  string
	Region   string
	Pipeline string
	Model    string
	V2       V2
	Failures []Result // newest first, at most ExplainFailures
}

// ExplainFailures is how many of a series' last failures an explanation
// shows.
const ExplainFailures = 3

// ExplainStore is what an explanation reads.
type ExplainStore interface {
	V2Store
	LastFailures(ctx context.Context, orch, jobType string, series []models.SeriesName, n int, since time.Time) (map[models.SeriesName][]models.RawResult, error)
}

var _ ExplainStore = (*models.Store)(nil)

// Explain scores every AI series of orch with attempts in score v2's memory,
// each against every node of its pipeline and model in its job type (and
// pooled with the node's other series, as v2 is), and adds its last
// failures. Series come busiest first (by decayed tests). cache (nil:
// none) keeps score v2's work between calls.
func Explain(ctx context.Context, st ExplainStore, orch string, now time.Time, cache *V2Cache) ([]Explanation, error) {
	w, _ := v2Window(now)
	// The job types orch has attempts of; one read of each (v2 scores a
	// job type's series together).
	jobTypes := map[string]bool{}
	err := st.HourlyTotals(ctx, models.Filter{Orchestrator: orch}, w, func(r models.Region, _ rollup.Key, _ int64, _ rollup.Totals) {
		if r.JobType != ingest.JobTypeTranscoding { // ErrV2Transcoding
			jobTypes[r.JobType] = true
		}
	})
	if err != nil {
		return nil, err
	}
	var out []Explanation
	named := map[string][]models.SeriesName{} // by job type
	for jt := range jobTypes {
		v2, err := readV2(ctx, st, models.Filter{JobType: jt, Orchestrator: orch}, now, true, cache)
		if err != nil {
			return nil, err
		}
		for k, v := range v2 {
			out = append(out, Explanation{JobType: jt, Region: k.Region, Pipeline: k.Pipeline, Model: k.Model, V2: v})
			named[jt] = append(named[jt], models.SeriesName{Region: k.Region, Pipeline: k.Pipeline, Model: k.Model})
		}
	}
	// The last failures of every series at once (a read per series was
	// most of the page's time), within the memory the score weighs.
	for jt, series := range named {
		failures, err := st.LastFailures(ctx, orch, jt, series, ExplainFailures, w.Since)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].JobType != jt {
				continue
			}
			for _, r := range failures[models.SeriesName{Region: out[i].Region, Pipeline: out[i].Pipeline, Model: out[i].Model}] {
				out[i].Failures = append(out[i].Failures, ResultOf(&r))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.V2.Tests != b.V2.Tests {
			return a.V2.Tests > b.V2.Tests
		}
		return a.Pipeline+a.Model+a.Region < b.Pipeline+b.Model+b.Region
	})
	return out, nil
}
