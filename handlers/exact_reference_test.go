package handlers

import (
	"math"
	"sort"
	"time"
)

// The answers of leaderboard-serverless computed the plain way, over rows
// read back from the database: select the rows in the window, average,
// score. Nothing here reads rollups, so it cannot share a mistake with
// them.

// refRow is one stored result as the reference sees it.
type refRow struct {
	id                    int64
	at                    time.Time // received_at as read back
	orch, region, jobType string
	pipeline, model       string
	scored                bool // pass or fail; the rest never reach the legacy service
	sr, seg, rtt          float64
}

type refScore struct {
	SuccessRate    float64 `json:"success_rate"`
	RoundTripScore float64 `json:"round_trip_score"`
	Score          float64 `json:"score"`
}

// inWindow is the window rule: received_at, to the microsecond, in
// [since, until], both taken to the microsecond.
func inWindow(at, since, until time.Time) bool {
	a := at.Truncate(time.Microsecond)
	return !a.Before(since.Truncate(time.Microsecond)) && !a.After(until.Truncate(time.Microsecond))
}

// refFilter is a query's filters: empty matches all.
type refFilter struct{ orch, region, jobType, pipeline, model string }

func (f refFilter) keep(r refRow) bool {
	return r.scored && (f.orch == "" || r.orch == f.orch) && (f.region == "" || r.region == f.region) &&
		r.jobType == f.jobType && (f.pipeline == "" || (r.pipeline == f.pipeline && r.model == f.model))
}

// refSeries is one GROUP BY row: orchestrator, region, pipeline, model.
type refSeries struct{ orch, region, pipeline, model string }

type refAvg struct {
	n            int
	sr, seg, rtt float64 // sums
}

func (a refAvg) mean(v float64) float64 { return v / float64(a.n) }

// refGroup is the aggregation SQL: AVG of success rate, segment duration
// and round-trip time per series in the window.
func refGroup(rows []refRow, f refFilter, since, until time.Time) map[refSeries]refAvg {
	out := map[refSeries]refAvg{}
	for _, r := range rows {
		if !f.keep(r) || !inWindow(r.at, since, until) {
			continue
		}
		k := refSeries{r.orch, r.region, r.pipeline, r.model}
		a := out[k]
		a.n++
		a.sr += r.sr
		a.seg += r.seg
		a.rtt += r.rtt
		out[k] = a
	}
	return out
}

// refMedian is PERCENTILE_CONT(0.5) over the round-trip times of the
// successful jobs (success rate exactly 1, RTT not 0) of one pipeline and
// model, all orchestrators, optionally one region; 0 when there is none.
func refMedian(rows []refRow, pipeline, model, region string, since, until time.Time) float64 {
	var v []float64
	for _, r := range rows {
		if r.scored && r.pipeline == pipeline && r.model == model && r.sr == 1 && r.rtt != 0 &&
			(region == "" || r.region == region) && inWindow(r.at, since, until) {
			v = append(v, r.rtt)
		}
	}
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return v[n/2-1] + 0.5*(v[n/2]-v[n/2-1])
}

// refTranscoding and refAI are the compatible formulas.
func refTranscoding(a refAvg) refScore {
	sr, seg, rtt := a.mean(a.sr), a.mean(a.seg), a.mean(a.rtt)
	var rts float64
	if rtt != 0 {
		rts = 1 - math.Exp(-seg/rtt)
	}
	s := refScore{SuccessRate: sr, RoundTripScore: rts}
	if sr != 0 {
		s.Score = sr * rts
	}
	return s
}

func refAI(a refAvg, median float64) refScore {
	sr, rtt := a.mean(a.sr), a.mean(a.rtt)
	var rts float64
	if median > 0 {
		rts = math.Exp(math.Log(0.8) / median * rtt)
	}
	s := refScore{SuccessRate: sr, RoundTripScore: rts}
	if sr != 0 {
		s.Score = 0.65*sr + 0.35*rts
	}
	return s
}

// refAggregated is /api/aggregated_stats. With job type ai and no pipeline
// each orchestrator and region keeps its best-scoring pair (score, then
// success rate; the first in name order on a tie), as docs/leaderboard.md
// says.
func refAggregated(rows []refRow, f refFilter, since, until time.Time) map[string]map[string]refScore {
	orch := f.orch
	f.orch = "" // the median is the network's; the orchestrator is picked afterwards
	groups := refGroup(rows, f, since, until)
	keys := make([]refSeries, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.pipeline != b.pipeline {
			return a.pipeline < b.pipeline
		}
		return a.model < b.model
	})
	out := map[string]map[string]refScore{}
	for _, k := range keys {
		if orch != "" && k.orch != orch {
			continue
		}
		var s refScore
		if f.jobType == "transcoding" {
			s = refTranscoding(groups[k])
		} else {
			s = refAI(groups[k], refMedian(rows, k.pipeline, k.model, f.region, since, until))
		}
		if out[k.orch] == nil {
			out[k.orch] = map[string]refScore{}
		}
		if prev, ok := out[k.orch][k.region]; ok && !(s.Score > prev.Score || (s.Score == prev.Score && s.SuccessRate > prev.SuccessRate)) {
			continue
		}
		out[k.orch][k.region] = s
	}
	return out
}

// refTopAI is /api/top_ai_score over [since, until]: the orchestrator's AI
// series with the highest mean success rate, then the lowest mean RTT, then
// by name; ok is false without one.
func refTopAI(rows []refRow, orch string, since, until time.Time) (topJSON, bool) {
	groups := refGroup(rows, refFilter{orch: orch, jobType: "ai"}, since, until)
	better := func(k, b refSeries) bool {
		x, y := groups[k], groups[b]
		if x.mean(x.sr) != y.mean(y.sr) {
			return x.mean(x.sr) > y.mean(y.sr)
		}
		if x.mean(x.rtt) != y.mean(y.rtt) {
			return x.mean(x.rtt) < y.mean(y.rtt)
		}
		return k.region+"\x00"+k.pipeline+"\x00"+k.model <
			b.region+"\x00"+b.pipeline+"\x00"+b.model
	}
	var best *refSeries
	for k := range groups {
		if best == nil || better(k, *best) {
			k := k
			best = &k
		}
	}
	if best == nil {
		return topJSON{}, false
	}
	s := refAI(groups[*best], refMedian(rows, best.pipeline, best.model, "", since, until))
	return topJSON{Region: best.region, Orchestrator: orch, Value: s.Score, Model: best.model, Pipeline: best.pipeline}, true
}

type topJSON struct {
	Region       string  `json:"region"`
	Orchestrator string  `json:"orchestrator"`
	Value        float64 `json:"value"`
	Model        string  `json:"model"`
	Pipeline     string  `json:"pipeline"`
}

// refRaw is /api/raw_stats of one orchestrator's transcoding results: per
// region, the round-trip times newest first.
func refRaw(rows []refRow, orch string, since, until time.Time) map[string][]float64 {
	var sel []refRow
	for _, r := range rows {
		if r.scored && r.orch == orch && r.jobType == "transcoding" && inWindow(r.at, since, until) {
			sel = append(sel, r)
		}
	}
	sort.Slice(sel, func(i, j int) bool {
		if !sel[i].at.Equal(sel[j].at) {
			return sel[i].at.After(sel[j].at)
		}
		return sel[i].id > sel[j].id
	})
	out := map[string][]float64{}
	for _, r := range sel {
		out[r.region] = append(out[r.region], r.rtt)
	}
	return out
}

// refPipelines is /api/pipelines: pipeline → sorted models and regions.
func refPipelines(rows []refRow, since, until time.Time) map[string][2][]string {
	sets := map[string][2]map[string]bool{}
	for _, r := range rows {
		if !r.scored || r.jobType != "ai" || !inWindow(r.at, since, until) {
			continue
		}
		s, ok := sets[r.pipeline]
		if !ok {
			s = [2]map[string]bool{{}, {}}
			sets[r.pipeline] = s
		}
		s[0][r.model], s[1][r.region] = true, true
	}
	out := map[string][2][]string{}
	for p, s := range sets {
		var v [2][]string
		for i := range s {
			for k := range s[i] {
				v[i] = append(v[i], k)
			}
			sort.Strings(v[i])
		}
		out[p] = v
	}
	return out
}
