package verify

import (
	"fmt"
	"math"
)

// OutlierDistance: a text answer (a caption's TextHash) more than this
// many bits from the consensus answer says something else. Captions that
// differ by one word in ten lie within 50 bits; captions that share only
// their lead ("a picture of") lie 90 and more apart.
const OutlierDistance = 64

// MinConsensusCorrelation: a picture whose luma correlates with the
// consensus picture's less than this is another picture. Honest answers
// to one request differ only by numeric drift across hardware, grain and
// re-encoding: 0.996 and above (measured, docs/verification.md). Another
// scene reaches 0.82 at most; another model's picture over the same input
// picture (an upscale that keeps 60 % of its input) 0.96 at most.
const MinConsensusCorrelation = 0.98

// MinConsensus is the least number of answers that can outvote one: with
// two that disagree nobody can tell which is wrong.
const MinConsensus = 3

// Answer is one orchestrator's answer to a shared input. Pictures are
// compared by their small grayscale (Correlation), which sees drift for
// what it is; text by its hash. Gray nil compares by Hash.
type Answer struct {
	Hash Hash
	Gray *Gray
}

// Verdict is one answer's place in its consensus.
type Verdict struct {
	// Medoid is the index of the consensus answer: the one closest to all
	// the others. -1 when there was no consensus.
	Medoid int
	// Distance is this answer's hash distance in bits to the medoid (to
	// the other answer when there are two; -1 when alone), kept as
	// evidence for pictures and text alike.
	Distance int
	// Correlation is a picture's correlation with the medoid's (with the
	// other's when there are two); NaN when not compared.
	Correlation float64
	Flag        *Flag
}

// apart is how far two answers are, 0 (same) to 2, and whether they are
// the same answer.
func apart(a, b Answer) (float64, bool) {
	if a.Gray != nil && b.Gray != nil {
		c := Correlation(*a.Gray, *b.Gray)
		return 1 - c, c >= MinConsensusCorrelation
	}
	d := Distance(a.Hash, b.Hash)
	return float64(d) / HashBits, d <= OutlierDistance
}

// Consensus judges answers to one shared input (same model and request,
// one per orchestrator). The medoid is the consensus answer; the answers
// the same as it form its cluster, and when that cluster is a strict
// majority the answers outside it are outliers. With fewer than
// MinConsensus answers, or no majority, nothing is flagged: the distances
// are still reported as evidence. The order of answers is the caller's
// (sort it for stable ties).
func Consensus(answers []Answer) []Verdict {
	n := len(answers)
	out := make([]Verdict, n)
	verdict := func(i, m int) Verdict {
		v := Verdict{Medoid: m, Distance: Distance(answers[i].Hash, answers[m].Hash), Correlation: math.NaN()}
		if answers[i].Gray != nil && answers[m].Gray != nil {
			v.Correlation = Correlation(*answers[i].Gray, *answers[m].Gray)
		}
		return v
	}
	switch n {
	case 0:
		return out
	case 1:
		out[0] = Verdict{Medoid: -1, Distance: -1, Correlation: math.NaN()}
		return out
	case 2:
		out[0], out[1] = verdict(0, 1), verdict(1, 0)
		out[0].Medoid, out[1].Medoid = -1, -1
		return out
	}
	medoid, best := 0, math.Inf(1)
	for i := range answers {
		sum := 0.0
		for j := range answers {
			d, _ := apart(answers[i], answers[j])
			sum += d
		}
		if sum < best {
			medoid, best = i, sum
		}
	}
	inside := 0
	same := make([]bool, n)
	for i := range answers {
		out[i] = verdict(i, medoid)
		if _, same[i] = apart(answers[i], answers[medoid]); same[i] {
			inside++
		}
	}
	if 2*inside <= n {
		for i := range out {
			out[i].Medoid = -1
		}
		return out
	}
	for i := range out {
		if same[i] {
			continue
		}
		detail := fmt.Sprintf("%d of %d bits from the consensus of %d answers to the same request (more than %d is another text)",
			out[i].Distance, HashBits, n, OutlierDistance)
		if !math.IsNaN(out[i].Correlation) {
			detail = fmt.Sprintf("correlates at %.3f with the consensus of %d answers to the same request (under %.2f is another picture)",
				out[i].Correlation, n, MinConsensusCorrelation)
		}
		out[i].Flag = &Flag{Kind: KindOutlier, Detail: detail}
	}
	return out
}

// Correlation is the Pearson correlation of two grayscale pictures' cells,
// -1..1. Pictures of different grids (answers of different sizes) or
// without variation compare as 0: nothing in common can be shown.
func Correlation(a, b Gray) float64 {
	if a.W != b.W || a.H != b.H || len(a.Pix) == 0 || len(a.Pix) != len(b.Pix) {
		return 0
	}
	var ma, mb float64
	for i := range a.Pix {
		ma += a.Pix[i]
		mb += b.Pix[i]
	}
	n := float64(len(a.Pix))
	ma, mb = ma/n, mb/n
	var ab, aa, bb float64
	for i := range a.Pix {
		da, db := a.Pix[i]-ma, b.Pix[i]-mb
		ab += da * db
		aa += da * da
		bb += db * db
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}
