package leaderboard

import (
	"fmt"
	"sort"
	"strconv"
)

// What to fix first: the report's findings in plain words, the one that
// cost the most tests first.

// Advice is one finding: what to look at and why.
type Advice struct {
	Weight int    // tests it cost, the order of the list
	Title  string // what to fix
	Detail string // what the data says
}

// Thresholds under which a finding is not worth an operator's time.
const (
	adviceUnavailableShare = 0.2 // of a model's attempts
	adviceUnavailableMin   = 3
	adviceSlowRatio        = 1.5 // own median over the model's typical
	adviceSlowSamples      = 3
)

// OtherEvidence is what the page knows beside the results: the recent live
// tests and the batch answers flagged as not real work.
type OtherEvidence struct {
	LiveTests, LiveFailed int
	Flagged               int
}

// Advice lists the findings, most costly first; with none it says so.
func (rep *OperatorReport) Advice(ev OtherEvidence) []Advice {
	var out []Advice
	for i, r := range rep.Reasons {
		if i == 3 {
			break // the three largest reasons; the table has the rest
		}
		out = append(out, Advice{Weight: r.Total,
			Title: fmt.Sprintf("Failures: %q", r.Reason),
			Detail: fmt.Sprintf("%d of your %d scored tests in this window failed this way, the last on %s at %s UTC. "+
				"Failures lower the success rate, the largest part of the score.",
				r.Total, rep.Passed+rep.Failed, r.Example, r.Last.Format("2006-01-02 15:04"))})
	}
	for _, u := range rep.NoCapacity {
		if u.Share() < adviceUnavailableShare || u.Unavailable < adviceUnavailableMin {
			continue
		}
		out = append(out, Advice{Weight: u.Unavailable,
			Title: "No capacity for " + jobName(u.Pipeline, u.Model),
			Detail: fmt.Sprintf("%d of %d attempts (%s) found no free slot. Raise the model's capacity, or stop advertising it "+
				"where you cannot serve it: attempts without capacity lower score v2's availability.",
				u.Unavailable, u.Attempts, percent(u.Share()))})
	}
	for _, l := range rep.Latency {
		if l.Ratio() < adviceSlowRatio || l.Samples < adviceSlowSamples {
			continue
		}
		out = append(out, Advice{Weight: int(float64(l.Samples) * (l.Ratio() - 1)),
			Title: fmt.Sprintf("Slow in %s: %s", l.Region, jobName(l.Pipeline, l.Model)),
			Detail: fmt.Sprintf("Your median is %s s against a typical %s s, %s× slower over %d passed tests. "+
				"Check that the model stays warm, the GPU it runs on, and the network path to %s.",
				seconds(l.Median), seconds(l.Typical), strconv.FormatFloat(l.Ratio(), 'f', 1, 64), l.Samples, l.Region)})
	}
	if ev.LiveFailed > 0 {
		out = append(out, Advice{Weight: 5 * ev.LiveFailed,
			Title:  "Live video tests failing",
			Detail: fmt.Sprintf("%d of your last %d live tests did not pass; their measurements and last output frames are below.", ev.LiveFailed, ev.LiveTests)})
	}
	if ev.Flagged > 0 {
		out = append(out, Advice{Weight: 5 * ev.Flagged,
			Title:  "Answers flagged as not real work",
			Detail: fmt.Sprintf("%d recent batch answers failed the content checks (each counts as a failed test); the evidence is on the orchestrator page.", ev.Flagged)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weight > out[j].Weight })
	if len(out) == 0 {
		detail := "No failure, capacity or latency finding in this window."
		if rep.Attempts == 0 {
			detail = "No test of this orchestrator was stored in this window."
		}
		out = append(out, Advice{Title: "Nothing stands out", Detail: detail})
	}
	return out
}

func jobName(pipeline, model string) string {
	if pipeline == "" {
		return "transcoding"
	}
	return pipeline + " · " + model
}

func percent(v float64) string { return strconv.FormatFloat(v*100, 'f', 0, 64) + " %" }

func seconds(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
