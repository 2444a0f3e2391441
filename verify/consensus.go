package verify

import "fmt"

// OutlierDistance: an answer more than this many bits from the consensus
// answer is not the same picture. Honest answers to one prompt and seed
// from one model differ only by numeric drift across hardware (up to 36
// bits with grain and a brightness shift added); another scene differs by
// 128 on average, and by 64 or less in 1 pair of 11 000.
const OutlierDistance = 64

// MinConsensus is the least number of answers that can outvote one: with
// two that disagree nobody can tell which is wrong.
const MinConsensus = 3

// Verdict is one answer's place in its consensus.
type Verdict struct {
	// Medoid is the index of the consensus answer: the one with the least
	// total distance to all the others. -1 when there was no consensus.
	Medoid int
	// Distance is this answer's distance to the medoid (to the other
	// answer when there are two; -1 when alone).
	Distance int
	Flag     *Flag
}

// Consensus judges answers to one shared input (same model, prompt and
// seed, one per orchestrator). The medoid is the consensus answer; the
// answers within OutlierDistance of it form its cluster, and when that
// cluster is a strict majority the answers outside it are outliers. With
// fewer than MinConsensus answers, or no majority, nothing is flagged:
// the distances are still reported as evidence. The order of hashes is the
// caller's (sort it for stable ties).
func Consensus(hashes []Hash) []Verdict {
	n := len(hashes)
	out := make([]Verdict, n)
	switch n {
	case 0:
		return out
	case 1:
		out[0] = Verdict{Medoid: -1, Distance: -1}
		return out
	case 2:
		d := Distance(hashes[0], hashes[1])
		out[0], out[1] = Verdict{Medoid: -1, Distance: d}, Verdict{Medoid: -1, Distance: d}
		return out
	}
	medoid, best := 0, -1
	for i := range hashes {
		sum := 0
		for j := range hashes {
			sum += Distance(hashes[i], hashes[j])
		}
		if best < 0 || sum < best {
			medoid, best = i, sum
		}
	}
	inside := 0
	for i := range hashes {
		out[i] = Verdict{Medoid: medoid, Distance: Distance(hashes[i], hashes[medoid])}
		if out[i].Distance <= OutlierDistance {
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
		if out[i].Distance > OutlierDistance {
			out[i].Flag = &Flag{Kind: KindOutlier, Detail: fmt.Sprintf("%d of %d bits from the consensus of %d answers to the same prompt and seed (more than %d is another picture)",
				out[i].Distance, HashBits, n, OutlierDistance)}
		}
	}
	return out
}
