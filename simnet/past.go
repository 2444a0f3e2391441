package simnet

import (
	"math"
	"math/rand/v2"
	"time"
)

// PastOptions shape a simulated past: sweeps every Every over the For
// before Until, drawn with Seed.
type PastOptions struct {
	Until time.Time
	For   time.Duration
	Every time.Duration
	Seed  uint64
}

// PastSweep is one sweep of a simulated past: when it started, when its
// last test ended, and each test.
type PastSweep struct {
	Start, End time.Time
	Tests      []PastTest
}

// PastTest is one test as a tester would have seen it.
type PastTest struct {
	Orchestrator string
	Pipeline     string // display name, as results store it
	Model        string
	Warm         bool
	Outcome      string // PastPass, PastFail or PastUnavailable
	At           time.Time
	RoundTrip    time.Duration
	HTTPStatus   int
	Error        string
}

// Outcomes of a PastTest, as the tester names them.
const (
	PastPass        = "pass"
	PastFail        = "fail"
	PastUnavailable = "unavailable"
)

// pastGap is the pause between two tests of a simulated sweep, as the
// tester's fairness gap leaves between jobs.
const pastGap = 200 * time.Millisecond

// Past draws what a tester testing every advertised batch model of the
// network's active orchestrators would have seen, sweep after sweep, from
// the truth's behaviour profiles: capacity refusals at the model's
// no-capacity rate, failures at its failure rate (every job when broken),
// wrong-size images at its rate, caught cheats at the cheat's rate (a
// tester-aware cheat behaves for testers), and round trips drawn from its
// lognormal latency, the first one of a cold model with its cold start.
// Latency follows the time of day (±15 %, slowest at 18:00 UTC), so charts
// have the shape of a real network's. Live models are not in it: their
// tests are the live path's. The result is the same for the same options.
func (t Truth) Past(o PastOptions) []PastSweep {
	if o.For <= 0 || o.Every <= 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	n := int(o.For / o.Every)
	out := make([]PastSweep, 0, n)
	warmed := map[[3]string]bool{}
	for i := n; i >= 1; i-- {
		start := o.Until.Add(-time.Duration(i) * o.Every).UTC()
		sw := PastSweep{Start: start}
		at := start
		for _, orch := range t.Orchestrators {
			if !orch.Active {
				continue
			}
			for _, m := range orch.Models {
				if !m.Advertised || m.Live != nil {
					continue
				}
				key := [3]string{orch.Address, m.Pipeline, m.Model}
				test := pastTest(r, orch.Address, m, at, !warmed[key])
				warmed[key] = true
				sw.Tests = append(sw.Tests, test)
				at = at.Add(test.RoundTrip + pastGap)
			}
		}
		sw.End = at
		out = append(out, sw)
	}
	return out
}

// pastTest draws one test of model m at time at.
func pastTest(r *rand.Rand, addr string, m ModelTruth, at time.Time, first bool) PastTest {
	test := PastTest{Orchestrator: addr, Pipeline: m.Pipeline, Model: m.Model, Warm: m.Warm || !first, At: at}
	hour := float64(at.Hour()) + float64(at.Minute())/60
	load := 1 + 0.15*math.Sin(2*math.Pi*(hour-12)/24)
	rtt := m.LatencyMedianMS * math.Exp(m.LatencySpread*r.NormFloat64()) * load
	if first && !m.Warm {
		rtt += m.ColdStartMS
	}
	test.RoundTrip = time.Duration(rtt * float64(time.Millisecond))
	cheat := m.Cheat != nil && m.Cheat.Kind != CheatTesterAware && r.Float64() < m.Cheat.Rate
	switch u := r.Float64(); {
	case u < m.NoCapacityRate:
		test.Outcome, test.HTTPStatus, test.Error = PastUnavailable, 503, "insufficient capacity"
		test.RoundTrip /= 20 // refused at once
	case m.Broken || r.Float64() < m.FailureRate:
		test.Outcome, test.HTTPStatus, test.Error = PastFail, 500, "the model failed"
	case r.Float64() < m.WrongSizeRate:
		test.Outcome, test.HTTPStatus, test.Error = PastFail, 200, "the image is not the size asked for"
	case cheat:
		test.Outcome, test.HTTPStatus, test.Error = PastFail, 200, "verification: "+m.Cheat.Kind
	default:
		test.Outcome, test.HTTPStatus = PastPass, 200
	}
	return test
}
