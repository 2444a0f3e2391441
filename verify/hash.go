package verify

import (
	"encoding/hex"
	"fmt"
	"math/bits"
)

// Hash is a 256-bit difference hash (dHash) of a picture: the picture is
// averaged down to a 17×16 grid and each bit says whether a cell is
// brighter than its right neighbour. It keeps the layout of light and dark
// and nothing else, so a re-encode, a resize or slight numeric drift moves
// few bits while a different picture moves about half of them.
type Hash [4]uint64

// HashBits is the length of a Hash in bits, the largest Distance.
const HashBits = 256

// HashOf computes g's difference hash.
func HashOf(g Gray) Hash {
	var h Hash
	if len(g.Pix) == 0 {
		return h
	}
	const w, rows = 17, 16
	cells := g.resize(w, rows)
	i := 0
	for y := range rows {
		for x := range w - 1 {
			if cells[y*w+x] > cells[y*w+x+1] {
				h[i/64] |= 1 << (i % 64)
			}
			i++
		}
	}
	return h
}

// Distance is the Hamming distance between two hashes: the bits that
// differ, 0..HashBits.
func Distance(a, b Hash) int {
	d := 0
	for i := range a {
		d += bits.OnesCount64(a[i] ^ b[i])
	}
	return d
}

// String is the hash as 64 hex digits, as stored and shown.
func (h Hash) String() string {
	var b [32]byte
	for i, v := range h {
		for j := range 8 {
			b[i*8+j] = byte(v >> (56 - 8*j))
		}
	}
	return hex.EncodeToString(b[:])
}

// ParseHash reads a hash written by String.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 {
		return h, fmt.Errorf("perceptual hash %q: want 64 hex digits, got %d characters", short(s), len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return h, fmt.Errorf("perceptual hash %q: %w", short(s), err)
	}
	for i := range h {
		for j := range 8 {
			h[i] |= uint64(b[i*8+j]) << (56 - 8*j)
		}
	}
	return h, nil
}

func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
