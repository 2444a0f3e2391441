package jobs

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"

	"jobtester/models"
	"jobtester/verify"
)

// Probe is a sweep's shared input for one model: the same prompt and seed
// go to every orchestrator serving it, so that their answers can be
// compared (verify.Consensus). It replaces that pair's regular test in the
// sweep rather than adding one: each orchestrator × model is tested once a
// sweep either way, so consensus costs no extra test.
type Probe struct {
	Group  string         // pipeline and model
	Params map[string]any // laid over the request the definition builds
}

// probePipelines are those whose answers are pictures the consensus can
// compare, and take a prompt and a seed.
var probePipelines = map[string]bool{"Text to image": true, "Image to image": true, "Upscale": true}

// Probe prompts are drawn per sweep: a subject and a style, 16×8 ways, so
// that neither the prompt nor the seed marks a request as a probe.
var (
	probeSubjects = []string{"a lighthouse on a cliff", "a red bicycle against a brick wall", "a bowl of lemons on a table",
		"a mountain lake at sunrise", "an old man reading a newspaper", "a city street in the rain", "a cat asleep on a windowsill",
		"a sailing boat in a storm", "a field of sunflowers", "a steam train crossing a bridge", "a forest path in autumn",
		"a market stall with fruit", "a snowy village at night", "a desert with a single tree", "two horses in a meadow",
		"a lamp on a wooden desk"}
	probeStyles = []string{"oil painting", "photograph", "watercolour", "pencil sketch", "digital art", "35mm film still",
		"ink drawing", "studio photo"}
)

// PlanProbes makes, for every pipeline/model of probePipelines served by
// at least verify.MinConsensus orchestrators, their tests of this sweep
// probes with one shared input drawn from rng. Fewer orchestrators could
// not outvote one, so their tests stay regular. It returns how many tests
// became probes.
func PlanProbes(targets []Target, rng *rand.Rand) int {
	count := map[string]int{}
	for _, t := range targets {
		if probePipelines[t.Capability.Pipeline] {
			count[probeGroup(t)]++
		}
	}
	probes := map[string]*Probe{}
	n := 0
	for i := range targets {
		g := probeGroup(targets[i])
		if !probePipelines[targets[i].Capability.Pipeline] || count[g] < verify.MinConsensus {
			continue
		}
		if probes[g] == nil {
			prompt := probeSubjects[rng.IntN(len(probeSubjects))] + ", " + probeStyles[rng.IntN(len(probeStyles))]
			probes[g] = &Probe{Group: g, Params: map[string]any{"prompt": prompt, "seed": rng.Int64N(1 << 31)}}
		}
		targets[i].Probe = probes[g]
		n++
	}
	return n
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

// judgeConsensus compares the passing answers of a probe group that have
// a picture: outliers fail with suspected_outlier. Every flagged answer of
// the group (outlier or flagged by its own checks) gets the consensus
// answer as evidence when there is one.
func judgeConsensus(group []Result) []Result {
	sort.Slice(group, func(i, j int) bool { return group[i].Orchestrator < group[j].Orchestrator })
	var idx []int
	var hashes []verify.Hash
	for i, r := range group {
		if r.Outcome == models.OutcomePass && r.Evidence != nil && r.Evidence.Hash != nil {
			idx = append(idx, i)
			hashes = append(hashes, *r.Evidence.Hash)
		}
	}
	verdicts := verify.Consensus(hashes)
	var medoid *ConsensusAnswer
	for k, v := range verdicts {
		if v.Medoid >= 0 {
			m := group[idx[v.Medoid]]
			medoid = &ConsensusAnswer{Orchestrator: m.Orchestrator, Hash: *m.Evidence.Hash, Thumb: m.Evidence.Thumb, Answers: len(hashes)}
		}
		r := &group[idx[k]]
		ev := *r.Evidence
		ev.Distance = v.Distance
		r.Evidence = &ev
		if v.Flag != nil {
			ev.Flag = v.Flag
			r.Outcome, r.Error = models.OutcomeFail, v.Flag.Error()
		}
	}
	for i := range group {
		if medoid != nil && group[i].Evidence != nil && group[i].Evidence.Flag != nil {
			ev := *group[i].Evidence
			ev.Consensus = medoid
			group[i].Evidence = &ev
		}
	}
	return group
}

// String is for logs.
func (p *Probe) String() string { return fmt.Sprintf("probe %s %v", p.Group, p.Params) }
