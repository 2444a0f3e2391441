package verify

import "fmt"

// Seen is an earlier answer of the same orchestrator and model: the input
// it answered (a digest the tester computes from everything that should
// change the output) and the answer's hash.
type Seen struct {
	InputKey string
	Hash     Hash
}

// RepeatDistance: an answer within this many bits of an answer to a
// different input is the same picture. A repeat comes from the same
// machine, so it is the same bytes or a re-encode of them (0 to a few
// bits); the same picture with fresh grain and a brightness shift moves
// up to 21 bits (measured, see docs/verification.md). Different pictures
// of simple scenes (a gradient and a few shapes) can come closer than
// photographs do: 0.06 % of 80 000 pairs of simnet's scenes lie within 24
// bits, so a probe's repeat is cleared when the other orchestrators gave
// the same answer to the same request (jobs' consensus).
const RepeatDistance = 24

// Repeat flags an answer that is (nearly) the same picture as an earlier
// answer to a different input: a canned or replayed output. The same input
// answered the same way again is what a deterministic model does, so
// earlier answers to inputKey are skipped. It returns the closest earlier
// answer to a different input and its distance (-1 when there is none).
func Repeat(h Hash, inputKey string, history []Seen) (closest Seen, dist int, flag *Flag) {
	dist = -1
	for _, s := range history {
		if s.InputKey == inputKey {
			continue
		}
		if d := Distance(h, s.Hash); dist < 0 || d < dist {
			closest, dist = s, d
		}
	}
	if dist >= 0 && dist <= RepeatDistance {
		flag = &Flag{Kind: KindRepeat, Detail: fmt.Sprintf("%d of %d bits from the answer to a different input (at most %d is the same picture)", dist, HashBits, RepeatDistance)}
	}
	return closest, dist, flag
}
