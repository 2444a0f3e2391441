package simnet

import (
	"encoding/hex"
	"testing"

	"jobtester/ethaddr"
)

func TestKeccak256KnownValue(t *testing.T) {
	t.Parallel()
	// keccak256("") from the Ethereum yellow paper; SHA3-256("") differs.
	if got := hex.EncodeToString(keccak256(nil)); got != "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" {
		t.Fatalf("keccak256(\"\") = %s", got)
	}
}

func TestDeriveAddressIsStableAndValid(t *testing.T) {
	t.Parallel()
	a, b := deriveAddress("orch-01"), deriveAddress("orch-01")
	if a != b || deriveAddress("orch-02") == a {
		t.Fatal("derived addresses are not stable per name")
	}
	if !ethaddr.Valid(a) {
		t.Fatalf("derived address %q is not lowercase 0x+40 hex", a)
	}
}
