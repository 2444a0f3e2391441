package leaderboard

import (
	"sort"

	"jobtester/ingest"
)

// busiestJob is the job with the most results; transcoding wins ties and
// an empty count.
func busiestJob(counts map[[2]string]int64) (pipeline, model string) {
	best := [2]string{}
	for k, n := range counts {
		b := counts[best]
		if n > b || (n == b && k[0]+jobSep+k[1] < best[0]+jobSep+best[1]) {
			best = k
		}
	}
	return best[0], best[1]
}

// jobOptions lists transcoding, then AI pipeline/models, then live models.
// The selected job is always offered, even with no results.
func jobOptions(counts map[[2]string]int64, q Query) []JobOption {
	out := []JobOption{{Key: ingest.JobTypeTranscoding, Label: "Transcoding", Group: "Transcoding"}}
	var ai, live []JobOption
	add := func(p, m string) {
		if p == "" {
			return
		}
		o := JobOption{Key: p + jobSep + m, Pipeline: p, Model: m, Label: p + " · " + m, Group: "AI"}
		if p == LivePipeline {
			o.Group, o.Label = "Live video", "Live video · "+m
			live = append(live, o)
			return
		}
		ai = append(ai, o)
	}
	for k := range counts {
		add(k[0], k[1])
	}
	if _, ok := counts[[2]string{q.Pipeline, q.Model}]; !ok {
		add(q.Pipeline, q.Model)
	}
	byKey := func(l []JobOption) {
		sort.Slice(l, func(i, j int) bool { return l[i].Key < l[j].Key })
	}
	byKey(ai)
	byKey(live)
	return append(append(out, ai...), live...)
}

// sortRows orders rows by key. Rows without a value for the key come last
// in either direction: "no data" is not the smallest number.
func sortRows(rows []Row, key string, desc bool) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if key != SortOrchestrator {
			va, vb := a.value(key), b.value(key)
			switch {
			case va == nil && vb != nil:
				return false
			case va != nil && vb == nil:
				return true
			case va != nil && vb != nil && *va != *vb:
				return (*va > *vb) == desc
			}
			return a.Orchestrator < b.Orchestrator
		}
		return (a.Orchestrator > b.Orchestrator) == desc && a.Orchestrator != b.Orchestrator
	})
}

// value is the row's number under a sort key; nil for no data.
func (r Row) value(key string) *float64 {
	switch key {
	case SortScore:
		return r.Score
	case SortReliability:
		return r.ReliabilityScore
	case SortV2:
		if r.V2 == nil {
			return nil
		}
		return ptr(r.V2.Score)
	case SortLive:
		return r.LiveScore
	case SortSuccess:
		return r.SuccessRate
	case SortLatency:
		return r.LatencySeconds
	case SortSamples:
		if r.Samples == 0 {
			return nil
		}
		return ptr(float64(r.Samples))
	}
	return nil
}
