package leaderboard

import (
	"context"
	"errors"
	"math"
	"time"

	"jobtester/ingest"
	"jobtester/models"
	"jobtester/scoring"
)

// Score v2 (docs/scoring.md, "Score v2") as the API and the pages show it.
// It is read from the hourly rollups over its own memory, V2Memory back
// from the moment scored, whatever window the compatible score uses: v2
// weighs hours by their age instead of cutting at a window's edge.

// ErrV2Transcoding is returned for score v2 of transcoding. v2 counts
// tests that pass or fail; a transcoding result is a share of segments
// (its success rate is 0.9 when one segment in ten failed), which v2 would
// count as a failure. Until v2 weighs partial successes, transcoding has
// only the compatible score.
var ErrV2Transcoding = errors.New("score v2 is computed for AI pipelines only, not transcoding")

// V2Memory is how far back score v2 reads.
const V2Memory = 7 * 24 * time.Hour

// V2Store is what score v2 reads: hourly totals, unavailable attempts
// included.
type V2Store interface {
	History(ctx context.Context, f models.Filter, w models.Window, step time.Duration) ([]models.SeriesHistory, error)
}

var _ V2Store = (*models.Store)(nil)

// V2 is score v2 of one series with its 90 % interval and its parts.
type V2 struct {
	Score       float64 `json:"score"`
	Low         float64 `json:"low"`
	High        float64 `json:"high"`
	SuccessRate float64 `json:"success_rate"`
	SuccessLow  float64 `json:"success_low"`
	SuccessHigh float64 `json:"success_high"`
	// LatencyRatio is the series' typical successful round trip over its
	// model's typical (1 when either is unknown).
	LatencyRatio float64 `json:"latency_ratio"`
	// LatencySeconds and ModelLatencySeconds are those two typical round
	// trips; nil when unknown.
	LatencySeconds      *float64 `json:"latency_seconds"`
	ModelLatencySeconds *float64 `json:"model_latency_seconds"`
	UnavailableShare    float64  `json:"unavailable_share"`
	// Tests is the decayed number of scored tests behind the success rate.
	Tests float64 `json:"tests"`
}

// RoundTripScore is the latency part of v2, 0.8^(latency ratio): the
// compatible AI formula's round_trip_score on the typical latencies.
func (v V2) RoundTripScore() float64 {
	return math.Pow(scoring.DesiredScoreAtMedian, v.LatencyRatio)
}

// v2Key is one scored series: an orchestrator for a pipeline and model, in
// one region or (region "") all the filter's regions added up.
type v2Key struct {
	Orchestrator, Region, Pipeline, Model string
}

// readV2 scores, at at, every series f selects, with regions apart
// (byRegion) or added up per orchestrator. Each series is judged against
// the population of every node of its pipeline and model that f selects.
func readV2(ctx context.Context, st V2Store, f models.Filter, at time.Time, byRegion bool) (map[v2Key]V2, error) {
	if f.JobType == ingest.JobTypeTranscoding {
		return nil, nil // see ErrV2Transcoding
	}
	at = at.UTC()
	hs, err := st.History(ctx, f, models.Window{Since: at.Add(-V2Memory), Until: at}, time.Hour)
	if err != nil {
		return nil, err
	}
	hours := map[v2Key][]scoring.V2Hour{}
	for _, h := range hs {
		k := v2Key{Orchestrator: h.Orchestrator, Pipeline: h.Pipeline, Model: h.Model}
		if byRegion {
			k.Region = h.Region
		}
		acc := hours[k]
		if acc == nil {
			acc = make([]scoring.V2Hour, len(h.Points))
			for i, p := range h.Points {
				acc[i].Age = at.Sub(p.Start).Hours()
			}
		}
		for i, p := range h.Points {
			acc[i].Passed += p.Passed
			acc[i].Failed += p.Results - p.Passed
			acc[i].Unavailable += p.Unavailable
			acc[i].SumPassedRTT += p.SumPassedRoundTripTime
		}
		hours[k] = acc
	}
	params := scoring.DefaultV2()
	sums := make(map[v2Key]scoring.V2Summary, len(hours))
	byModel := map[[2]string][]scoring.V2Summary{}
	for k, hs := range hours {
		s := scoring.SummarizeV2(hs, params)
		sums[k] = s
		m := [2]string{k.Pipeline, k.Model}
		byModel[m] = append(byModel[m], s)
	}
	pops := make(map[[2]string]scoring.V2Population, len(byModel))
	for m, ss := range byModel {
		pops[m] = scoring.PoolV2(ss)
	}
	out := make(map[v2Key]V2, len(sums))
	for k, s := range sums {
		pop := pops[[2]string{k.Pipeline, k.Model}]
		out[k] = v2Of(scoring.ScoreV2(s, pop, params), s, pop)
	}
	return out, nil
}

func v2Of(v scoring.V2Score, s scoring.V2Summary, pop scoring.V2Population) V2 {
	out := V2{Score: v.Score, Low: v.Low, High: v.High, SuccessRate: v.SuccessRate, SuccessLow: v.SuccessLow,
		SuccessHigh: v.SuccessHigh, LatencyRatio: v.LatencyRatio, UnavailableShare: v.UnavailableShare, Tests: v.Tests}
	if s.Latency > 0 {
		out.LatencySeconds = ptr(s.Latency)
	}
	if pop.Latency > 0 {
		out.ModelLatencySeconds = ptr(pop.Latency)
	}
	return out
}

// AggregatedV2 is Aggregated with score v2's numbers, for
// /api/aggregated_stats?score=v2: the same orchestrators and regions (those
// with scored results in the window), each series scored by v2 at the
// window's end; success_rate is v2's success rate, round_trip_score its
// latency part, score v2's score. As in Aggregated, the population is
// every orchestrator's (f's orchestrator is applied after scoring), and
// with job type ai and no pipeline each orchestrator and region gets its
// best-scoring pipeline and model.
func AggregatedV2(ctx context.Context, st interface {
	Store
	V2Store
}, f models.Filter, w models.Window) (Scores, error) {
	if f.Pipeline != "" {
		f.JobType = ingest.JobTypeAI
	}
	if f.JobType == "" || f.JobType == ingest.JobTypeTranscoding {
		return nil, ErrV2Transcoding
	}
	totals, err := st.Totals(ctx, f, w)
	if err != nil {
		return nil, err
	}
	all := f
	all.Orchestrator = ""
	v2, err := readV2(ctx, st, all, w.Until, true)
	if err != nil {
		return nil, err
	}
	byName(totals)
	out := Scores{}
	for _, t := range totals {
		v, ok := v2[v2Key{t.Orchestrator, t.Region, t.Pipeline, t.Model}]
		if !ok {
			// Scored in the window but nothing in v2's memory: the window
			// reaches further back than V2Memory.
			continue
		}
		a := scoringAggregate(v)
		if prev, ok := out[t.Orchestrator][t.Region]; ok && !better(a, prev) {
			continue
		}
		put(out, t, a)
	}
	return out, nil
}

func scoringAggregate(v V2) scoring.Aggregate {
	return scoring.Aggregate{SuccessRate: v.SuccessRate, RoundTripScore: v.RoundTripScore(), Score: v.Score}
}
