package jobs

import (
	"encoding/json"
	"math"
	"unicode/utf8"

	"jobtester/models"
	"jobtester/verify"
)

// evidenceRow is the stored evidence of a flagged test.
func evidenceRow(r Result) models.Verification {
	ev := r.Evidence
	v := models.Verification{Kind: string(ev.Flag.Kind), Reason: ev.Flag.Detail, Distance: ev.Distance, Thumbnail: ev.Thumb}
	figures := map[string]any{"input_key": ev.InputKey}
	if ev.Stats != nil {
		figures["std"], figures["correlation"], figures["entropy"] = round2(ev.Stats.Std), round2(ev.Stats.Correlation), round2(ev.Stats.Entropy)
		if ev.Stats.Colour > 0 {
			figures["colour"] = round2(ev.Stats.Colour)
		}
	}
	if ev.Sound != nil {
		figures["rms"], figures["sample_correlation"] = math.Round(ev.Sound.RMS*1e5)/1e5, round2(ev.Sound.Correlation)
	}
	if ev.Text != "" {
		figures["answer"] = shorten(ev.Text, 200)
	}
	if ev.Hash != nil {
		v.Hash = ev.Hash.String()
	}
	if c := ev.Consensus; c != nil {
		v.ConsensusHash, v.ConsensusOrchestrator, v.ConsensusAnswers, v.ConsensusThumbnail = c.Hash.String(), c.Orchestrator, c.Answers, c.Thumb
		if ev.Correlation != 0 {
			figures["consensus_correlation"] = math.Round(ev.Correlation*1000) / 1000
		}
		if c.Text != "" {
			figures["consensus_answer"] = shorten(c.Text, 200)
		}
		if ev.Hash != nil {
			figures["consensus_distance"] = verify.Distance(*ev.Hash, c.Hash)
		}
	}
	if b, err := json.Marshal(figures); err == nil {
		v.Figures = string(b)
	}
	return v
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// shorten cuts s to n bytes on a rune boundary.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
