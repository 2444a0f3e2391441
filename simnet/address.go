package simnet

import (
	"encoding/hex"

	"golang.org/x/crypto/sha3"
)

// keccak256 is Ethereum's hash: the original Keccak padding, not SHA3-256.
func keccak256(data []byte) []byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(data)
	return h.Sum(nil)
}

// deriveAddress gives an orchestrator without an address in its scenario a
// stable one: the last 20 bytes of keccak256("simnet:" + name), like an
// address is the tail of a key's hash.
func deriveAddress(name string) string {
	return "0x" + hex.EncodeToString(keccak256([]byte("simnet:" + name))[12:])
}
