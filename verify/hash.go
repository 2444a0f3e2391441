package verify

import (
	"encoding/hex"
	"fmt"
	"math/bits"
)

// Hash is a 256-bit difference hash (dHash) of a picture: 128 bits say
// whether a cell of a 9×16 grid is brighter than its right neighbour, 128
// whether a cell of a 16×9 grid is brighter than the one below. It keeps
// the layout of light and dark and nothing else, so a re-encode, a resize
// or slight numeric drift moves few bits while a different picture moves
// about half of them. Neighbours within HashDeadZone of each other count
// as equal (bit 0): in a flat area or along a gradient's level lines the
// comparison would otherwise be decided by the faintest noise, so that two
// pictures with the same grain would look alike and one picture with
// fresh grain would not.
type Hash [4]uint64

// HashBits is the length of a Hash in bits, the largest Distance.
const HashBits = 256

// HashDeadZone is the luma difference (of 255) under which two cells
// compare as equal: a machine's numeric drift averages to a tenth of a
// level over a cell, and any shape or shading the eye sees is many levels.
const HashDeadZone = 1.0

// HashOf computes g's difference hash.
func HashOf(g Gray) Hash {
	var h Hash
	if len(g.Pix) == 0 {
		return h
	}
	i := 0
	bit := func(a, b float64) {
		if a > b+HashDeadZone {
			h[i/64] |= 1 << (i % 64)
		}
		i++
	}
	wide := g.resize(9, 16)
	for y := range 16 {
		for x := range 8 {
			bit(wide[y*9+x], wide[y*9+x+1])
		}
	}
	tall := g.resize(16, 9)
	for y := range 8 {
		for x := range 16 {
			bit(tall[y*16+x], tall[(y+1)*16+x])
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
