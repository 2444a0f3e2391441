package web

import (
	"context"
	"math"
	"strconv"

	"jobtester/leaderboard"
)

// The orchestrator page's explanation of its scores in plain words
// (explain.templ): score v2 and what it is made of, per series.

// explain fills v.Explain. A failure to read it leaves the rest of the page
// intact.
func (s *site) explain(ctx context.Context, v *OrchestratorView) {
	ex, err := leaderboard.Explain(ctx, s.Store, v.Address, s.Now().UTC(), s.v2)
	if err != nil {
		v.ExplainError = "the explanation could not be read"
		s.Logger.Warn("score explanation unreadable", "orchestrator", v.Address, "err", err)
		return
	}
	v.Explain = ex
}

func explainLabel(e leaderboard.Explanation) string {
	if e.Pipeline == "" {
		return "Transcoding · " + e.Region
	}
	return e.Pipeline + " · " + e.Model + " · " + e.Region
}

func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) + " %" }

func score3(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

// fmtInterval is a v2 interval as the table shows it.
func fmtInterval(v *leaderboard.V2) string {
	return score3(v.Low) + "–" + score3(v.High)
}

// explainSuccess says how often the node succeeded when it had capacity.
func explainSuccess(v leaderboard.V2) string {
	if v.Tests < 0.5 && v.NodeWeight > 0 && v.NodeSeries > 0 {
		return "No test was scored recently, so its success rate is estimated from the model's usual and this node's " +
			strconv.Itoa(v.NodeSeries) + " other tested series: " +
			pct(v.SuccessRate) + " (90 % interval " + pct(v.SuccessLow) + " to " + pct(v.SuccessHigh) + ")."
	}
	if v.Tests < 0.5 {
		return "No test was scored recently, so its success rate is taken as the model's usual " +
			pct(v.SuccessRate) + " (90 % interval " + pct(v.SuccessLow) + " to " + pct(v.SuccessHigh) + ")."
	}
	return "When it had capacity it succeeded in " + pct(v.SuccessRate) + " of tests (90 % interval " +
		pct(v.SuccessLow) + " to " + pct(v.SuccessHigh) + ", from about " +
		strconv.FormatFloat(math.Round(v.Tests), 'f', 0, 64) + " recent tests, the newest weighing most)." +
		explainSpell(v) + explainNode(v)
}

// explainSpell says which spell of failures the success rate leaves out.
func explainSpell(v leaderboard.V2) string {
	sp := v.Spell
	if sp == nil {
		return ""
	}
	failed := sp.Tests - sp.Passed
	what := strconv.FormatInt(failed, 10) + " failed tests"
	if sp.Passed > 0 {
		what += " (of " + strconv.FormatInt(sp.Tests, 10) + ")"
	}
	return " Its " + what + " from " + fmtTime(sp.From) + " to " + fmtTime(sp.Until) +
		", a spell that ended (an outage, or a fault since fixed), are left out of it: it succeeded alike before and after."
}

// explainNode says how far the success rate draws on the node's other
// series (node pooling).
func explainNode(v leaderboard.V2) string {
	if v.NodeWeight <= 0 || v.NodeSeries <= 0 {
		return ""
	}
	weight := "as much as one of its own"
	if v.NodeWeight < 1 {
		weight = strconv.FormatFloat(v.NodeWeight, 'g', 2, 64) + " of one of its own"
	}
	return " The estimate also draws on this node's " + strconv.Itoa(v.NodeSeries) + " other tested series" +
		" (models or regions), each of their tests counting " + weight +
		": across the network a node's series mostly succeed alike, so they tell apart nodes whose own tests are too few."
}

// explainLatency compares its typical successful round trip with the
// model's.
func explainLatency(v leaderboard.V2) string {
	if v.LatencySeconds == nil || v.ModelLatencySeconds == nil {
		return "Its latency is unknown (no recent successful test), so it counts as the model's typical."
	}
	r := v.LatencyRatio
	how := "about as fast as"
	switch {
	case r < 0.9:
		how = strconv.FormatFloat(1/r, 'f', 1, 64) + "× faster than"
	case r > 1.1:
		how = strconv.FormatFloat(r, 'f', 1, 64) + "× slower than"
	}
	return "Its typical successful round trip is " + fmtSeconds(v.LatencySeconds) + ", " + how +
		" the model's typical " + fmtSeconds(v.ModelLatencySeconds) + "."
}

// explainUnavailable says how often it had no capacity and what that cost.
func explainUnavailable(v leaderboard.V2) string {
	u := v.UnavailableShare
	switch {
	case u == 0:
		return "It always had capacity when tested."
	case u <= 0.5:
		return "It had no capacity for " + pct(u) + " of attempts; up to half is excused and costs nothing."
	}
	return "It had no capacity for " + pct(u) + " of attempts; beyond half, the score falls in proportion."
}
