package scoring

import (
	"math"
)

// Constants of leaderboard-serverless's score/stats_scorer.go. They are part
// of the contract with the Explorer, so they are not configurable.
const (
	// DesiredScoreAtMedian is the AI round-trip score of a job exactly as
	// fast as the network's median successful job.
	DesiredScoreAtMedian = 0.8
	WeightSuccess        = 0.65
	WeightRTT            = 0.35
)

// Aggregate is one orchestrator's score in one region (and, for AI, one
// pipeline and model). All three values lie in 0..1.
type Aggregate struct {
	SuccessRate    float64 `json:"success_rate"`
	RoundTripScore float64 `json:"round_trip_score"`
	Score          float64 `json:"score"`
}

// Transcoding scores a transcoding series from its window means:
// round_trip_score = 1 − e^(−seg_duration/rtt) and score = success × that.
func Transcoding(meanSuccessRate, meanSegDuration, meanRoundTripTime float64) Aggregate {
	sr := unit(meanSuccessRate)
	latency := 0.0
	if meanRoundTripTime > 0 && finite(meanSegDuration) && finite(meanRoundTripTime) {
		latency = meanSegDuration / meanRoundTripTime
	}
	rts := unit(1 - math.Exp(-latency))
	score := 0.0
	if sr != 0 {
		score = unit(sr * rts)
	}
	return Aggregate{SuccessRate: sr, RoundTripScore: rts, Score: score}
}

// AI scores an AI series from its window means and the median round-trip
// time of successful jobs of the same pipeline and model across all
// orchestrators: round_trip_score = 0.8^(rtt/median) and
// score = 0.65·success + 0.35·round_trip_score.
//
// With no successful job in the window the median is unknown (the legacy
// service read NULL as 0, giving k = +Inf and a NaN or 0 score); the
// round-trip score is then 0, which is what the legacy service returned in
// every case that did not crash.
func AI(meanSuccessRate, meanRoundTripTime, medianRoundTripTime float64) Aggregate {
	sr := unit(meanSuccessRate)
	rts := 0.0
	if medianRoundTripTime > 0 && finite(medianRoundTripTime) && finite(meanRoundTripTime) && meanRoundTripTime >= 0 {
		k := -math.Log(DesiredScoreAtMedian) / medianRoundTripTime
		rts = unit(math.Exp(-k * meanRoundTripTime))
	}
	score := 0.0
	if sr != 0 {
		score = unit(WeightSuccess*sr + WeightRTT*rts)
	}
	return Aggregate{SuccessRate: sr, RoundTripScore: rts, Score: score}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// unit clamps v into 0..1 and maps NaN to 0, so nothing outside the
// contract's range ever reaches JSON.
func unit(v float64) float64 {
	switch {
	case math.IsNaN(v) || v <= 0:
		return 0
	case v >= 1:
		return 1
	}
	return v
}
