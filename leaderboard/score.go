package leaderboard

import (
	"jobtester/rollup"
	"jobtester/scoring"
)

// Score is the compatible score (scoring/) of totals: transcoding when
// pipeline is empty, AI against median otherwise. Every reader of the
// leaderboard (the Explorer's endpoints, the table, its sparklines, the
// history charts) scores totals here, so they cannot disagree.
func Score(pipeline string, t rollup.Totals, median float64) scoring.Aggregate {
	sr, rtt := mean(t.SumSuccessRate, t.Results), mean(t.SumRoundTripTime, t.Results)
	if pipeline == "" {
		return scoring.Transcoding(sr, mean(t.SumSegDuration, t.Results), rtt)
	}
	return scoring.AI(sr, rtt, median)
}

// Reliability is Score with the success rate replaced by its Wilson lower
// bound over the totals' results (docs/dashboard.md).
func Reliability(pipeline string, t rollup.Totals, median float64) float64 {
	sr, rtt := mean(t.SumSuccessRate, t.Results), mean(t.SumRoundTripTime, t.Results)
	if pipeline == "" {
		return scoring.ReliabilityTranscoding(sr, mean(t.SumSegDuration, t.Results), rtt, t.Results)
	}
	return scoring.ReliabilityAI(sr, rtt, median, t.Results)
}

// Latency is the mean round-trip time the dashboard shows: of every scored
// segment for transcoding (what its score uses), of successful jobs for AI
// (a failed AI job's round trip says nothing about speed). nil when there
// is none.
func Latency(pipeline string, t rollup.Totals) *float64 {
	if pipeline == "" {
		if t.Results == 0 || t.SumRoundTripTime <= 0 {
			return nil
		}
		return ptr(t.SumRoundTripTime / float64(t.Results))
	}
	if t.Passed == 0 {
		return nil
	}
	return ptr(t.SumPassedRoundTripTime / float64(t.Passed))
}

// mean is what leaderboard-serverless's AVG() returns; 0 without results.
func mean(sum float64, n int64) float64 {
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func ptr(v float64) *float64 { return &v }
