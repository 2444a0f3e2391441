package main

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The simulated network of the evaluation. Its vocabulary is simnet's
// (simnet.ModelTruth): per pipeline/model a failure rate, a no-capacity
// rate, a lognormal latency (median and spread) and a cold start; here each
// of them may change hour by hour.

// pairDef is one pipeline and model, with the median round trip of a warm
// job on a node of average speed.
type pairDef struct {
	Pipeline, Model string
	RTT             float64
}

var pairDefs = []pairDef{
	{"text-to-image", "ByteDance/SDXL-Lightning", 2.2},
	{"text-to-image", "black-forest-labs/FLUX.1-dev", 6.5},
	{"image-to-image", "timbrooks/instruct-pix2pix", 2.8},
	{"image-to-video", "stabilityai/stable-video-diffusion-img2vid-xt-1-1", 28},
	{"upscale", "stabilityai/stable-diffusion-x4-upscaler", 7.5},
	{"audio-to-text", "openai/whisper-large-v3", 1.6},
	{"audio-to-text", "distil-whisper/distil-large-v3", 0.9},
	{"segment-anything-2", "facebook/sam2-hiera-large", 1.1},
	{"llm", "meta-llama/Meta-Llama-3.1-8B-Instruct", 3.2},
	{"llm", "Qwen/Qwen2.5-7B-Instruct", 2.9},
	{"image-to-text", "Salesforce/blip-image-captioning-large", 1.2},
	{"text-to-speech", "parler-tts/parler-tts-large-v1", 2.6},
}

// Peak hours of the day (UTC), when saturated nodes answer 503 most.
const peakFrom, peakTo = 16, 21

type eventKind int

const (
	evDrop    eventKind = iota // success jumps to value in [from, to), then back
	evDegrade                  // success ramps down by value over 12 h, holds, ramps back over 12 h ending at to
	evOffline                  // every attempt fails in [from, to)
	evSlow                     // latency × value in [from, to)
)

type event struct {
	kind     eventKind
	from, to int
	value    float64
}

// series is one orchestrator × pair: its base profile and what happens to it.
type series struct {
	orch, pair int
	p0         float64 // success when it has capacity
	lat0       float64 // median warm latency, seconds
	sigma      float64 // spread of log latency
	cold       float64 // share of jobs that pay a cold start
	coldStart  float64 // seconds
	u0, peak   float64 // chance of no capacity off peak and at peak (0: no peak)
	events     []event
	steady     bool // nothing in its truth changes all week
	drop       int  // index into world.drops, -1 for none
	// fault: a model-specific fault, p0 lowered below the node's for the
	// whole week while the node's other series are fine.
	fault bool
}

type world struct {
	seed   uint64
	hours  int
	orchs  []string // addresses
	series []series
	byPair [][]int // series indices of each pair
	byOrch [][]int // series indices of each orchestrator
	drops  []dropEvent
	// rates is the draw of success rates above as a distribution, for the
	// Bayes oracle.
	rates *bayesRates
}

type dropEvent struct {
	series, from, to int
}

// newWorld draws the network: 70 % of nodes near 0.97 success, 20 %
// mediocre, 10 % poor; node speed spread (σ 0.25 of log latency); 20 % of
// series with a long latency tail, 15 % with cold models; a base share of
// no-capacity answers plus peak-hour saturation on 30 % of nodes and
// chronic saturation on a few; and events: drops 0.95 → 0.5, slow
// degradations, offline spells, latency slow-downs.
func newWorld(seed uint64, nOrch, hours, nDrops int, faults float64) *world {
	r := rand.New(rand.NewPCG(seed, 0x73636f7265))
	w := &world{seed: seed, hours: hours, byPair: make([][]int, len(pairDefs)), rates: newBayesRates()}
	type orchProfile struct{ p0, speed, u0, peak float64 }
	profs := make([]orchProfile, nOrch)
	for o := range profs {
		var a [20]byte
		for j := range a {
			a[j] = byte(r.UintN(256))
		}
		w.orchs = append(w.orchs, fmt.Sprintf("0x%x", a))
		pr := orchProfile{speed: math.Exp(0.25 * r.NormFloat64()), u0: 0.07 + 0.15*r.Float64()}
		switch c := r.Float64(); {
		case c < 0.7:
			pr.p0 = clamp(0.97+0.012*r.NormFloat64(), 0.93, 0.995)
		case c < 0.9:
			pr.p0 = 0.82 + 0.11*r.Float64()
		default:
			pr.p0 = 0.45 + 0.35*r.Float64()
		}
		switch c := r.Float64(); {
		case c < 0.04:
			pr.u0 = 0.6 + 0.2*r.Float64() // chronically saturated
		case c < 0.34:
			pr.peak = 0.6 + 0.3*r.Float64()
		}
		profs[o] = pr
		var served []int
		for p := range pairDefs {
			if r.Float64() < 0.45 {
				served = append(served, p)
			}
		}
		if len(served) == 0 {
			served = []int{r.IntN(len(pairDefs))}
		}
		for _, p := range served {
			s := series{orch: o, pair: p, p0: clamp(pr.p0+0.005*r.NormFloat64(), 0, 0.998),
				lat0: pairDefs[p].RTT * pr.speed * math.Exp(0.1*r.NormFloat64()), sigma: 0.2,
				u0: pr.u0, peak: pr.peak, steady: true, drop: -1}
			if r.Float64() < 0.2 {
				s.sigma = 0.7
			}
			if r.Float64() < 0.15 {
				s.cold, s.coldStart = 0.3, 8+12*r.Float64()
			}
			w.byPair[p] = append(w.byPair[p], len(w.series))
			w.series = append(w.series, s)
		}
	}
	w.byOrch = make([][]int, len(w.orchs))
	for i := range w.series {
		w.byOrch[w.series[i].orch] = append(w.byOrch[w.series[i].orch], i)
	}
	w.addEvents(r, nDrops)
	w.addFaults(faults)
	return w
}

// addFaults gives a share of the series a model-specific fault: p0 lowered
// from its node's by U(0.05, 0.4) for the whole week, a model that keeps
// failing on that node while its other models are fine. Only series of
// nodes without events and with another series to stay fine are chosen,
// never all of a node's series. They are drawn from a stream of their
// own, after everything else: with share 0 the world is the one before
// faults existed, and with any share every other series is unchanged.
func (w *world) addFaults(share float64) {
	if share <= 0 {
		return
	}
	r := rand.New(rand.NewPCG(w.seed, 0x6661756c74))
	var eligible []int
	for _, ss := range w.byOrch {
		if len(ss) >= 2 && len(w.series[ss[0]].events) == 0 {
			eligible = append(eligible, ss...)
		}
	}
	if len(eligible) == 0 {
		return
	}
	chance := math.Min(1, share*float64(len(w.series))/float64(len(eligible)))
	for _, ss := range w.byOrch {
		if len(ss) < 2 || len(w.series[ss[0]].events) > 0 {
			continue
		}
		left := len(ss)
		for _, i := range ss {
			// Draw for every eligible series, so one node's choice does
			// not shift the next node's draws.
			hit, drop := r.Float64() < chance, 0.05+0.35*r.Float64()
			if hit && left > 1 {
				w.series[i].p0 = math.Max(w.series[i].p0-drop, 0)
				w.series[i].fault = true
				left--
			}
		}
	}
}

// addEvents gives distinct orchestrators their events, so that each
// changing series has one story.
func (w *world) addEvents(r *rand.Rand, nDrops int) {
	perm := r.Perm(len(w.orchs))
	next := 0
	take := func() (int, bool) {
		if next >= len(perm) {
			return 0, false
		}
		next++
		return perm[next-1], true
	}
	lo, hi := min(36, w.hours/3), max(w.hours-36, w.hours/2)
	span := func() int { return lo + r.IntN(max(hi-lo, 1)) }
	mark := func(o int, ev event) {
		for _, i := range w.byOrch[o] {
			w.series[i].events = append(w.series[i].events, ev)
			w.series[i].steady = false
		}
	}
	for d := 0; d < nDrops; d++ {
		o, ok := take()
		if !ok {
			return
		}
		from := span()
		to := min(from+8+r.IntN(17), w.hours)
		// The first series of the orchestrator drops from exactly 0.95.
		// (Every orchestrator serves at least one pair.)
		i := w.byOrch[o][0]
		w.series[i].p0 = 0.95
		w.series[i].events = []event{{evDrop, from, to, 0.5}}
		w.series[i].steady = false
		w.series[i].drop = len(w.drops)
		w.drops = append(w.drops, dropEvent{series: i, from: from, to: to})
		mark(o, event{evSlow, 0, 0, 1}) // its other series are not steady either: same node
	}
	kinds := []struct {
		kind event
		n    int
	}{{event{kind: evDegrade}, 8}, {event{kind: evOffline}, 8}, {event{kind: evSlow}, 5}}
	for _, k := range kinds {
		for j := 0; j < k.n; j++ {
			o, ok := take()
			if !ok {
				return
			}
			ev := event{kind: k.kind.kind, from: span()}
			switch ev.kind {
			case evDegrade:
				ev.to, ev.value = min(ev.from+36+r.IntN(24), w.hours+24), 0.15+0.2*r.Float64()
			case evOffline:
				ev.to = min(ev.from+3+r.IntN(10), w.hours)
			case evSlow:
				ev.to, ev.value = min(ev.from+12+r.IntN(25), w.hours), 2+r.Float64()
			}
			mark(o, ev)
		}
	}
}

// state is a series' true behaviour in one hour.
type state struct {
	p, lat, u float64
	offline   bool
}

func (s *series) at(h int) state {
	st := state{p: s.p0, lat: s.lat0, u: s.u0}
	if hd := h % 24; s.peak > 0 && hd >= peakFrom && hd < peakTo {
		st.u = math.Max(st.u, s.peak)
	}
	for _, ev := range s.events {
		if h < ev.from || h >= ev.to {
			continue
		}
		switch ev.kind {
		case evDrop:
			st.p = ev.value
		case evDegrade:
			ramp := math.Min(1, math.Min(float64(h-ev.from+1), float64(ev.to-h))/12)
			st.p = math.Max(0, s.p0-ev.value*ramp)
		case evOffline:
			st.offline, st.p = true, 0
		case evSlow:
			st.lat *= ev.value
		}
	}
	return st
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
