package ethaddr

import (
	"errors"
	"strings"

	"golang.org/x/crypto/sha3"
)

// Address is an Ethereum address in canonical form: "0x" and 40 lower-case
// hex digits. Addresses reach us in mixed case (EIP-55 from the chain and
// go-livepeer, any case from other testers); joins and database keys need
// one spelling, so everything is folded to this one on the way in.
type Address string

// ErrInvalid is returned for anything that is not 0x and 40 hex digits.
var ErrInvalid = errors.New("must be a 0x-prefixed 20-byte hex address")

// Parse trims and lower-cases s and checks its form.
func Parse(s string) (Address, error) {
	a, ok := Normalize(s)
	if !ok {
		return "", ErrInvalid
	}
	return Address(a), nil
}

// Normalize is Parse for callers that keep addresses as strings; ok is
// false for anything that is not 0x followed by 40 hex digits.
func Normalize(s string) (addr string, ok bool) {
	s = Fold(s)
	if len(s) != 42 || !strings.HasPrefix(s, "0x") {
		return "", false
	}
	for _, c := range s[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false
		}
	}
	return s, true
}

// Valid reports whether s is already canonical (lower case, no spaces).
func Valid(s string) bool {
	a, ok := Normalize(s)
	return ok && a == s
}

// Fold is the canonical spelling of whatever s is, without judging it:
// for filters that must match stored rows but pass unknown values through
// (the leaderboard contract answers an empty result, not an error, for an
// address it does not know).
func Fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// String is the canonical form.
func (a Address) String() string { return string(a) }

// Checksum writes the address in EIP-55 mixed case, as go-ethereum's
// Address.Hex does: a hex letter is upper case when the matching nibble of
// keccak256(lower-case hex digits) is 8 or more.
func (a Address) Checksum() string {
	lower := strings.TrimPrefix(Fold(string(a)), "0x")
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(lower))
	hash := h.Sum(nil)
	out := []byte(lower)
	for i, c := range out {
		if c < 'a' || c > 'f' || i/2 >= len(hash) {
			continue
		}
		nibble := hash[i/2]
		if i%2 == 0 {
			nibble >>= 4
		}
		if nibble&0xF >= 8 {
			out[i] = c - 'a' + 'A'
		}
	}
	return "0x" + string(out)
}

// Short keeps both ends of the address for narrow cells: 0x123456…abcdef.
func (a Address) Short() string {
	s := string(a)
	if len(s) <= 14 {
		return s
	}
	return s[:8] + "…" + s[len(s)-6:]
}
