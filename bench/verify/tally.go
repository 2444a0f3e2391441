package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"jobtester/jobs"
	"jobtester/models"
	"jobtester/simnet"
)

// Tally is what the sweeps found, held against simnet's truth.
type Tally struct {
	// Kinds are the cheat kinds, by simnet's name: tests whose answer the
	// node really cheated on (the request log's Cheat) and how many of
	// those the tester flagged.
	Kinds map[string]*KindTally
	// Honest are the tests of honest orchestrators; CheaterHonest the
	// tests where a cheating model answered honestly (a replay of an input
	// it has not seen runs the model).
	Honest, CheaterHonest Counts
	// Aware is the tester_aware cheat: what the tester measured of it and
	// what the truth says real traffic gets.
	Aware AwareTally
	Cost  CostTally
	// Notes describe the misses: honest tests flagged and cheated tests
	// passed (the first few of each).
	Notes []string
}

func (t *Tally) note(what string, r jobs.Result, name string) {
	if len(t.Notes) >= 40 {
		return
	}
	d, cons := -1, ""
	if r.Evidence != nil {
		d = r.Evidence.Distance
		if r.Evidence.Consensus != nil {
			cons = fmt.Sprintf(" (consensus of %d)", r.Evidence.Consensus.Answers)
		}
	}
	t.Notes = append(t.Notes, fmt.Sprintf("%s: %s %s %s: %s %q, distance %d%s", what, name, r.Capability.Pipeline, r.Capability.Model,
		r.Outcome, r.Error, d, cons))
}

// KindTally counts one cheat kind's cheated tests.
type KindTally struct {
	Counts
	Pipelines map[string]bool
}

// Counts are tests by what the tester concluded.
type Counts struct {
	Tests, Flagged, OtherFail, Passed, NotJudged int
	Reasons                                      map[string]int // flagged, by reason
}

func (c *Counts) add(r jobs.Result) {
	c.Tests++
	reason, _, _ := strings.Cut(r.Error, ":")
	switch {
	case r.Outcome == models.OutcomeFail && strings.HasPrefix(reason, "suspected_"):
		c.Flagged++
		if c.Reasons == nil {
			c.Reasons = map[string]int{}
		}
		c.Reasons[reason]++
	case r.Outcome == models.OutcomeFail:
		c.OtherFail++
	case r.Outcome == models.OutcomePass:
		c.Passed++
	default:
		c.NotJudged++ // unavailable or tester error
	}
}

// AwareTally holds the tester_aware model's tests.
type AwareTally struct {
	Tests, Passed, Failed int
	// Flagged are failures with a suspected_ reason: it serves the real
	// model, so none should be.
	Flagged int
	// Ratios are the tester's measured latencies of passing tests, as
	// a multiple of the truth's real-traffic median for the model.
	Ratios []float64
	// RealSuccess sums the truth's real-traffic success rate over the
	// tests, for the mean the tester should see.
	RealSuccess float64
	// AsTester counts the tests the cheat took for the tester's (the
	// request log's LooksLikeTester): it served those as advertised.
	AsTester int
}

// CostTally is what verification added to the sweeps.
type CostTally struct {
	Sweeps, Planned, Probes, LLM, Attempts int
	Wall, CPU                              time.Duration
	// Extra are tests added for verification: planned tests beyond the
	// advertised pairs. Probes and questions replace a pair's test, so
	// this stays 0 unless that changes.
	Extra int
}

func (c *CostTally) add(planned []jobs.Target, rep jobs.Report, wall, cpu time.Duration) {
	c.Sweeps++
	c.Planned += len(planned)
	pairs := map[string]bool{}
	for _, t := range planned {
		pairs[t.Orchestrator+"|"+t.Capability.Pipeline+"|"+t.Capability.Model] = true
		if t.Probe != nil {
			c.Probes++
		}
		if t.Capability.Pipeline == "Llm" {
			c.LLM++
		}
	}
	c.Extra += len(planned) - len(pairs)
	c.Attempts += rep.Attempts
	c.Wall += wall
	c.CPU += cpu
}

func newTally() *Tally { return &Tally{Kinds: map[string]*KindTally{}} }

type pair struct{ orch, route, model string }

// addSweep joins a sweep's results with the orchestrators' own record of
// the same jobs.
func (t *Tally) addSweep(truth simnet.Truth, rep jobs.Report, requests []simnet.Request) {
	last := map[pair]simnet.Request{}
	for _, r := range requests {
		last[pair{r.Orchestrator, r.Pipeline, r.Model}] = r
	}
	type model struct {
		m      simnet.ModelTruth
		honest bool // the orchestrator runs no cheat at all
	}
	byPair := map[string]model{}
	names := map[string]string{}
	for _, o := range truth.Orchestrators {
		names[o.Address] = o.Name
		honest := true
		for _, m := range o.Models {
			honest = honest && m.Cheat == nil
		}
		for _, m := range o.Models {
			byPair[o.Address+"|"+m.Pipeline+"|"+m.Model] = model{m, honest}
		}
	}
	for _, r := range rep.Tests {
		tm, ok := byPair[r.Orchestrator+"|"+r.Capability.Pipeline+"|"+r.Capability.Model]
		if !ok {
			continue
		}
		req, served := last[pair{r.Orchestrator, tm.m.Route, r.Capability.Model}]
		switch {
		case tm.honest:
			t.Honest.add(r)
			if r.Outcome == models.OutcomeFail {
				t.note("honest failed", r, names[r.Orchestrator])
			}
		case tm.m.Cheat != nil && tm.m.Cheat.Kind == simnet.CheatTesterAware:
			t.Aware.add(r, tm.m.Cheat, req, served)
		case served && req.Cheat != "":
			name := req.Cheat
			if tm.m.Cheat != nil && tm.m.Cheat.Key != "" {
				name += " by " + tm.m.Cheat.Key // replay: what it takes for the same input
			}
			k := t.Kinds[name]
			if k == nil {
				k = &KindTally{Pipelines: map[string]bool{}}
				t.Kinds[name] = k
			}
			k.add(r)
			k.Pipelines[r.Capability.Pipeline] = true
			if r.Outcome == models.OutcomePass {
				t.note("cheat "+req.Cheat+" passed", r, names[r.Orchestrator])
			}
		default:
			t.CheaterHonest.add(r)
		}
	}
}

func (a *AwareTally) add(r jobs.Result, c *simnet.CheatTruth, req simnet.Request, served bool) {
	if r.Outcome != models.OutcomePass && r.Outcome != models.OutcomeFail {
		return
	}
	a.Tests++
	a.RealSuccess += 1 - c.RealFailureRate
	if served && req.LooksLikeTester {
		a.AsTester++
	}
	if r.Outcome == models.OutcomeFail {
		a.Failed++
		if strings.HasPrefix(r.Error, "suspected_") {
			a.Flagged++
		}
		return
	}
	a.Passed++
	if c.RealLatencyMedianMS > 0 {
		a.Ratios = append(a.Ratios, float64(r.RoundTrip.Microseconds())/1000/c.RealLatencyMedianMS)
	}
}

// MedianRatio is the tester's median latency over the real traffic's.
func (a AwareTally) MedianRatio() float64 {
	if len(a.Ratios) == 0 {
		return 0
	}
	s := append([]float64(nil), a.Ratios...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// Success is the tester's measured success rate and the truth's for real
// traffic over the same tests.
func (a AwareTally) Success() (measured, real float64) {
	if a.Tests == 0 {
		return 0, 0
	}
	return float64(a.Passed) / float64(a.Tests), a.RealSuccess / float64(a.Tests)
}

// Share is flagged ÷ tests, 0 without tests.
func (c Counts) Share() float64 {
	if c.Tests == 0 {
		return 0
	}
	return float64(c.Flagged) / float64(c.Tests)
}
