package scoring

import "math"

// WilsonZ is the normal quantile of the reliability-weighted score: the
// lower end of a 95 % two-sided interval.
const WilsonZ = 1.96

// WilsonLower is the lower bound of the Wilson score interval of a success
// proportion p observed over n tests: close to p when n is large, pulled
// toward 0 when a few lucky tests are all there is.
func WilsonLower(p float64, n int64) float64 {
	if n <= 0 {
		return 0
	}
	p = math.Max(0, math.Min(1, p))
	nf := float64(n)
	z2 := WilsonZ * WilsonZ
	centre := p + z2/(2*nf)
	margin := WilsonZ * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo := (centre - margin) / (1 + z2/nf)
	// At p = 0 the bound is 0 up to rounding; a rounding residue would
	// lift an AI score off 0 (its formula is 0 only at exactly 0).
	if p == 0 || lo < 1e-12 {
		return 0
	}
	return lo
}

// ReliabilityTranscoding is Transcoding's score with the success rate
// replaced by its Wilson lower bound over n tests, so that 3 passes out of 3
// rank below 980 out of 1000.
func ReliabilityTranscoding(meanSuccessRate, meanSegDuration, meanRoundTripTime float64, n int64) float64 {
	return Transcoding(WilsonLower(meanSuccessRate, n), meanSegDuration, meanRoundTripTime).Score
}

// ReliabilityAI is AI's score with the success rate replaced by its Wilson
// lower bound over n tests.
func ReliabilityAI(meanSuccessRate, meanRoundTripTime, medianRoundTripTime float64, n int64) float64 {
	return AI(WilsonLower(meanSuccessRate, n), meanRoundTripTime, medianRoundTripTime).Score
}
