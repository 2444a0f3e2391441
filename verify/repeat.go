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
// different input is the same picture. One picture re-encoded, with fresh
// grain and its brightness shifted, moves up to 36 bits (measured, see
// docs/verification.md); pictures of different scenes differ by 128 on
// average and by 47 at the very least in 11 000 pairs.
const RepeatDistance = 40

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
