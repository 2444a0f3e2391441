package simnet

import (
	"encoding/hex"
	"strings"

	"golang.org/x/crypto/sha3"
)

// keccak256 is Ethereum's hash: the original Keccak padding, not SHA3-256.
func keccak256(data []byte) []byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(data)
	return h.Sum(nil)
}

// checksumAddress writes a lowercase 0x address in EIP-55 mixed case, as
// go-ethereum's Address.Hex does: a hex letter is upper case when the
// matching nibble of keccak256(lowercase hex) is 8 or more.
func checksumAddress(addr string) string {
	lower := strings.TrimPrefix(strings.ToLower(addr), "0x")
	hash := keccak256([]byte(lower))
	out := []byte(lower)
	for i, c := range out {
		if c < 'a' || c > 'f' {
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

// deriveAddress gives an orchestrator without an address in its scenario a
// stable one: the last 20 bytes of keccak256("simnet:" + name), like an
// address is the tail of a key's hash.
func deriveAddress(name string) string {
	return "0x" + hex.EncodeToString(keccak256([]byte("simnet:" + name))[12:])
}

// normalizeAddress lower-cases an address; ok is false unless it is 0x and
// 40 hex digits.
func normalizeAddress(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 42 || !strings.HasPrefix(s, "0x") {
		return "", false
	}
	if _, err := hex.DecodeString(s[2:]); err != nil {
		return "", false
	}
	return s, true
}
