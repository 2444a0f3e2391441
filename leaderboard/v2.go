package leaderboard

import (
	"cmp"
	"context"
	"errors"
	"math"
	"sort"
	"strings"
	"time"

	"jobtester/ingest"
	"jobtester/models"
	"jobtester/rollup"
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
	HourlyTotals(ctx context.Context, f models.Filter, w models.Window, fn func(r models.Region, k rollup.Key, hour int64, t rollup.Totals)) error
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
	// NodeWeight is what one test of the node's other series counts for
	// in this series' success rate, against one of its own (the pooling
	// strength learned from the data); 0 when it draws on its own tests
	// alone. NodeSeries is how many other series (models, regions) of the
	// node with tests it draws on.
	NodeWeight float64 `json:"node_weight"`
	NodeSeries int     `json:"node_series"`
	// Spell, when set, is a spell of failures that ended — an outage, a
	// fault since fixed — that the success rate leaves out: the node
	// succeeded alike before and after it (docs/scoring.md).
	Spell *V2Spell `json:"spell,omitempty"`
	// spell is Spell as the scoring left it, in ages: readV2 turns it
	// into times from the end of the hour it scores at.
	spell scoring.V2Spell
}

// V2Spell is a spell of failures left out of a v2 success rate: the hours
// it spans (From the start of its first, Until the end of its last) and
// its tests.
type V2Spell struct {
	From   time.Time `json:"from"`
	Until  time.Time `json:"until"`
	Tests  int64     `json:"tests"`
	Passed int64     `json:"passed"`
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
// the population of every node of its pipeline and model, and its
// success rate draws on its node's other series as far as the data says
// they agree (node pooling, docs/scoring.md). So v2 reads and scores
// every series of f's job type and region (v2PoolScope), whatever
// pipeline, model or orchestrator f names, and returns those f selects.
//
// v2 is scored as of the end of the hour that holds at (v2Hours): ages
// are whole hours, so a series' summary depends on its hourly totals
// alone and cache (nil: none) can keep it until one of them changes. The
// results read are those received before at.
func readV2(ctx context.Context, st V2Store, f models.Filter, at time.Time, byRegion bool, cache *V2Cache) (map[v2Key]V2, error) {
	if f.JobType == ingest.JobTypeTranscoding {
		return nil, nil // see ErrV2Transcoding
	}
	scope := v2PoolScope(f)
	all, err := readV2Scope(ctx, st, scope, at, byRegion, cache)
	if err != nil {
		return nil, err
	}
	// A map of its own, always: the scope's answer may be the cache's.
	out := map[v2Key]V2{}
	_, end := v2Window(at)
	for k, v := range all {
		if (f.Orchestrator == "" || k.Orchestrator == f.Orchestrator) &&
			(f.Pipeline == "" || k.Pipeline == f.Pipeline) && (f.Model == "" || k.Model == f.Model) {
			if sp := v.spell; sp.Passed+sp.Failed > 0 {
				// Ages count from the end of the hour scored.
				v.Spell = &V2Spell{From: end.Add(-time.Duration(sp.OldestAge * float64(time.Hour))),
					Until: end.Add(-time.Duration((sp.NewestAge - 1) * float64(time.Hour))),
					Tests: sp.Passed + sp.Failed, Passed: sp.Passed}
			}
			out[k] = v
		}
	}
	return out, nil
}

// v2PoolScope is the filter of the series that v2 scores together for f:
// its job type and region, every pipeline, model and orchestrator.
func v2PoolScope(f models.Filter) models.Filter {
	return models.Filter{JobType: f.JobType, Region: f.Region}
}

// readV2Scope scores every series of scope (a v2PoolScope).
func readV2Scope(ctx context.Context, st V2Store, scope models.Filter, at time.Time, byRegion bool, cache *V2Cache) (map[v2Key]V2, error) {
	read, hit := cache.lookupRead(ctx, st, scope, byRegion, at)
	if hit != nil {
		return hit, nil
	}
	hours, err := v2Hours(ctx, st, scope, at, byRegion)
	if err != nil {
		return nil, err
	}
	// The series in one fixed order, so that every population's sums and
	// the pooling come out the same bit for bit on every read (cached or
	// not): by pipeline and model, then orchestrator and region, which
	// keeps each model's members in the order v2 pooled them before node
	// pooling.
	keys := make([]v2Key, 0, len(hours))
	for k := range hours {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return cmp.Or(strings.Compare(a.Pipeline, b.Pipeline), strings.Compare(a.Model, b.Model),
			strings.Compare(a.Orchestrator, b.Orchestrator), strings.Compare(a.Region, b.Region)) < 0
	})
	out := cache.scoreScope(v2Scope{f: scope, byRegion: byRegion}, keys, hours)
	cache.storeRead(read, at, out)
	return out, nil
}

// v2Hours reads the hours of v2's memory before at, per series: the
// V2Memory hours that end with the hour holding at, aged from that hour's
// end, oldest first. Hours without attempts are left out (v2 reads them
// as nothing).
func v2Hours(ctx context.Context, st V2Store, f models.Filter, at time.Time, byRegion bool) (map[v2Key][]scoring.V2Hour, error) {
	w, end := v2Window(at)
	from := w.Since.Unix()
	type acc struct {
		hours []scoring.V2Hour
		at    []int16 // per hour of the memory: 1 + its index in hours, 0 for none
	}
	series := map[v2Key]*acc{}
	err := st.HourlyTotals(ctx, f, w, func(r models.Region, rk rollup.Key, hour int64, t rollup.Totals) {
		k := v2Key{Orchestrator: rk.Orchestrator, Pipeline: rk.Pipeline, Model: rk.Model}
		if byRegion {
			k.Region = r.Name
		}
		a := series[k]
		if a == nil {
			a = &acc{at: make([]int16, V2Memory/time.Hour)}
			series[k] = a
		}
		i := (hour - from) / 3600
		if i < 0 || i >= int64(len(a.at)) {
			return // not in the memory (History's window ends there too)
		}
		if a.at[i] == 0 {
			a.hours = append(a.hours, scoring.V2Hour{Age: float64(end.Unix()-hour) / 3600})
			a.at[i] = int16(len(a.hours))
		}
		h := &a.hours[a.at[i]-1]
		h.Passed += t.Passed
		h.Failed += t.Results - t.Passed
		h.Unavailable += t.Unavailable
		h.SumPassedRTT += t.SumPassedRoundTripTime
	})
	if err != nil {
		return nil, err
	}
	out := make(map[v2Key][]scoring.V2Hour, len(series))
	for k, a := range series {
		// One order whatever order the store gave the hours in, so the
		// same hours always add up and hash the same.
		sort.Slice(a.hours, func(i, j int) bool { return a.hours[i].Age > a.hours[j].Age })
		out[k] = a.hours
	}
	return out, nil
}

// v2Window is the window of v2's memory when scored at at, and the end of
// the hour holding at, which its hours' ages are measured from.
func v2Window(at time.Time) (models.Window, time.Time) {
	at = at.UTC()
	end := at.Truncate(time.Hour)
	if end.Before(at) {
		end = end.Add(time.Hour)
	}
	return models.Window{Since: end.Add(-V2Memory), Until: at}, end
}

func v2Of(v scoring.V2Score, s scoring.V2Summary, pop scoring.V2Population) V2 {
	out := V2{Score: v.Score, Low: v.Low, High: v.High, SuccessRate: v.SuccessRate, SuccessLow: v.SuccessLow,
		SuccessHigh: v.SuccessHigh, LatencyRatio: v.LatencyRatio, UnavailableShare: v.UnavailableShare, Tests: v.Tests,
		spell: s.Spell}
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
// best-scoring pipeline and model. cache (nil: none) keeps v2's work
// between calls.
func AggregatedV2(ctx context.Context, st interface {
	Store
	V2Store
}, f models.Filter, w models.Window, cache *V2Cache) (Scores, error) {
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
	v2, err := readV2(ctx, st, all, w.Until, true, cache)
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
