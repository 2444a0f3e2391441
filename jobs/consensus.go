package jobs

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"

	"jobtester/models"
	"jobtester/verify"
)

// Probe marks a test as one of a sweep's consensus probes: every
// orchestrator serving the model gets the same drawn request (the group's
// Target.InputSeed: the same prompt, seed, size and input picture), so that
// their answers can be compared (verify.Consensus). Probes are the pairs'
// regular tests of the sweep, not tests added to it: each orchestrator ×
// model is tested once a sweep either way, so consensus costs no extra
// test.
type Probe struct {
	Group string // pipeline and model
}

// probePipelines are those whose answers the consensus can compare:
// pictures by their perceptual hash, captions by their words' hash.
var probePipelines = map[string]bool{"Text to image": true, "Image to image": true, "Upscale": true, "Image to text": true}

// PlanProbes makes, for every pipeline/model of probePipelines served by
// at least verify.MinConsensus orchestrators, their tests of this sweep
// probes that share one input seed drawn from rng. Fewer orchestrators
// could not outvote one, so their tests stay regular. It returns how many
// tests became probes.
func PlanProbes(targets []Target, rng *rand.Rand) int {
	count := map[string]int{}
	for _, t := range targets {
		if probePipelines[t.Capability.Pipeline] {
			count[probeGroup(t)]++
		}
	}
	probes := map[string]*Probe{}
	seeds := map[string]uint64{}
	n := 0
	for i := range targets {
		g := probeGroup(targets[i])
		if !probePipelines[targets[i].Capability.Pipeline] || count[g] < verify.MinConsensus {
			continue
		}
		if probes[g] == nil {
			probes[g] = &Probe{Group: g}
			for seeds[g] == 0 { // 0 would draw a fresh input per test
				seeds[g] = rng.Uint64()
			}
		}
		targets[i].Probe, targets[i].InputSeed = probes[g], seeds[g]
		n++
	}
	return n
}

// repeatOnly reports whether r failed only the repeat check, which the
// consensus can overrule.
func repeatOnly(r Result) bool {
	return r.Outcome == models.OutcomeFail && r.Evidence != nil && r.Evidence.Flag != nil && r.Evidence.Flag.Kind == verify.KindRepeat
}

func probeGroup(t Target) string { return t.Capability.Pipeline + " · " + t.Capability.Model }

// consensusBook holds each probe group's final results until the group is
// complete, then judges them together: a probe's outcome depends on the
// other orchestrators' answers.
type consensusBook struct {
	mu   sync.Mutex
	want map[string]int
	held map[string][]Result
	done []Result // every judged result, for the sweep's report
}

func newConsensusBook(targets []Target) *consensusBook {
	b := &consensusBook{want: map[string]int{}, held: map[string][]Result{}}
	for _, t := range targets {
		if t.Probe != nil {
			b.want[t.Probe.Group]++
		}
	}
	return b
}

// add holds a probe's final result and returns its group, judged, once
// every probe of the group has one.
func (b *consensusBook) add(r Result) ([]Result, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	g := r.Probe.Group
	b.held[g] = append(b.held[g], r)
	if len(b.held[g]) < b.want[g] {
		return nil, false
	}
	group := judgeConsensus(b.held[g])
	delete(b.held, g)
	b.done = append(b.done, group...)
	return group, true
}

// flush judges the groups left incomplete (a stopped sweep) with what
// they have.
func (b *consensusBook) flush() [][]Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out [][]Result
	for g, group := range b.held {
		group = judgeConsensus(group)
		out = append(out, group)
		b.done = append(b.done, group...)
		delete(b.held, g)
	}
	return out
}

// judged returns every result the book judged.
func (b *consensusBook) judged() []Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.done
}

// judgeConsensus compares the passing answers of a probe group (pictures
// by their grayscale, captions by their hash), and those flagged only as
// repeats: outliers fail with suspected_outlier, and a repeat the
// majority agrees with passes. Every flagged answer of the group (outlier or
// flagged by its own checks) gets the consensus answer as evidence when
// there is one.
func judgeConsensus(group []Result) []Result {
	sort.Slice(group, func(i, j int) bool { return group[i].Orchestrator < group[j].Orchestrator })
	var idx []int
	var answers []verify.Answer
	for i, r := range group {
		if (r.Outcome == models.OutcomePass || repeatOnly(r)) && r.Evidence != nil && r.Evidence.Hash != nil {
			idx = append(idx, i)
			answers = append(answers, verify.Answer{Hash: *r.Evidence.Hash, Gray: r.Evidence.gray})
		}
	}
	verdicts := verify.Consensus(answers)
	var medoid *ConsensusAnswer
	for k, v := range verdicts {
		if v.Medoid >= 0 {
			m := group[idx[v.Medoid]]
			medoid = &ConsensusAnswer{Orchestrator: m.Orchestrator, Hash: *m.Evidence.Hash, Thumb: m.Evidence.Thumb, Text: m.Evidence.Text, Answers: len(answers)}
		}
		r := &group[idx[k]]
		ev := *r.Evidence
		ev.Distance = v.Distance
		if !math.IsNaN(v.Correlation) {
			ev.Correlation = v.Correlation
		}
		r.Evidence = &ev
		switch {
		case v.Flag != nil:
			ev.Flag = v.Flag
			r.Outcome, r.Error = models.OutcomeFail, v.Flag.Error()
		case repeatOnly(*r) && v.Medoid >= 0:
			// The other orchestrators gave the same answer to this very
			// request: it is the model's answer to it, however much it
			// resembles an earlier one (simple pictures can).
			ev.Flag = nil
			r.Outcome, r.Error = models.OutcomePass, ""
		}
	}
	for i := range group {
		if group[i].Evidence == nil {
			continue
		}
		ev := *group[i].Evidence
		ev.gray = nil // judged: the pictures are not needed any more
		if medoid != nil && ev.Flag != nil {
			ev.Consensus = medoid
		}
		group[i].Evidence = &ev
	}
	return group
}
