package sampling

import (
	"math"
	"sort"
)

// Follow-ups within a round. One attempt an hour cannot tell a node that
// fell from 0.95 to 0.5 from one that had a bad minute: a failure happens
// to a 0.95 node one time in twenty. But a failure of a node believed
// reliable is surprising, and a few quick attempts settle it: each failure
// multiplies the odds of "it fell to Suspect" against "it is as good as
// its score says" by Suspect/(1 − q), each pass by Suspect/q (q the node's
// estimated success rate). A series is followed up while those odds of the
// tests of this round are above Surprise but not yet past Confirmed: after
// one failure of a 0.97 node (odds 0.5/0.03 ≈ 17) it gets more tests; a
// second failure (≈ 280) confirms, a pass or two brings the odds back
// down. The planner calls FollowUps after each wave of a round's tests,
// with what the round has returned so far, from a share of the round's
// budget it held back (Params.Reserve).

// Probe is what a series' tests of this round returned so far.
type Probe struct {
	SuccessRate float64 // its estimated success rate before the round (scoring.V2Score.SuccessRate)
	Passed      int     // passes this round
	Failed      int     // failures this round (no capacity is neither)
	Tested      int     // attempts of any outcome this round
	Busy        bool    // capacity data says it has no free capacity now
}

// Surprise is the log odds, from this round's results, that the series fell
// to success rate suspect rather than being as good as q. 0 when q is at
// or below suspect (its failures are no surprise).
func Surprise(pr Probe, suspect float64) float64 {
	q := math.Min(pr.SuccessRate, 0.999)
	if !(q > suspect) || !(suspect > 0) {
		return 0
	}
	return float64(max(pr.Passed, 0))*math.Log(suspect/q) + float64(max(pr.Failed, 0))*math.Log(suspect/(1-q))
}

// FollowUps returns how many more tests each series gets in the next wave
// of this round, at most budget in all: Params.FollowUp to each series whose
// Surprise lies in [ln Params.Surprise, ln Params.Confirmed), most surprising
// first, within Params.MaxPerSeries tests a round.
func FollowUps(probes []Probe, budget int, p Params) []int {
	counts := make([]int, len(probes))
	if p.Surprise <= 1 || p.Confirmed <= p.Surprise || p.FollowUp <= 0 {
		return counts
	}
	lo, hi := math.Log(p.Surprise), math.Log(p.Confirmed)
	type cand struct {
		i int
		s float64
	}
	var cs []cand
	for i, pr := range probes {
		if s := Surprise(pr, p.Suspect); !pr.Busy && s >= lo && s < hi && pr.Tested < p.MaxPerSeries {
			cs = append(cs, cand{i, s})
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].s > cs[b].s })
	left := max(budget, 0)
	for _, c := range cs {
		n := min(p.FollowUp, p.MaxPerSeries-probes[c.i].Tested, left)
		counts[c.i] = n
		left -= n
	}
	return counts
}
