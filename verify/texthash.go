package verify

import (
	"crypto/sha256"
	"strings"
)

// TextHash is a 256-bit SimHash of a text, so that texts can join the
// consensus the pictures' hashes do: its words and word pairs (normalised
// as Answered does) each vote on every bit with the bits of their SHA-256,
// and a bit is set where the votes are positive. The same text gives the
// same hash; texts that share a share s of their words and pairs lie about
// HashBits × acos(s) / π bits apart, so a caption with one word changed in
// ten stays within OutlierDistance and a different caption does not.
func TextHash(text string) Hash {
	words := strings.Fields(normalise(text, false))
	var votes [HashBits]int
	add := func(feature string) {
		sum := sha256.Sum256([]byte(feature))
		for i := range HashBits {
			if sum[i/8]>>(i%8)&1 == 1 {
				votes[i]++
			} else {
				votes[i]--
			}
		}
	}
	for i, w := range words {
		add(w)
		if i > 0 {
			add(words[i-1] + " " + w)
		}
	}
	var h Hash
	if len(words) == 0 {
		return h
	}
	for i, v := range votes {
		if v > 0 {
			h[i/64] |= 1 << (i % 64)
		}
	}
	return h
}
