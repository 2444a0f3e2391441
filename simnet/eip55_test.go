package simnet

import (
	"strings"
	"testing"
)

// The test vectors of EIP-55 itself.
func TestChecksumAddressEIP55Vectors(t *testing.T) {
	t.Parallel()
	for _, want := range []string{
		"0x52908400098527886E0F7030069857D2E4169EE7",
		"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
		"0xde709f2102306220921060314715629080e2fb77",
		"0x27b1fdb04752bbc536007a920d24acb045561c26",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	} {
		for _, in := range []string{strings.ToLower(want), "0X" + strings.ToUpper(want[2:])} {
			if got := checksumAddress(in); got != want {
				t.Errorf("checksumAddress(%s) = %s, want %s", in, got, want)
			}
		}
	}
}

func TestKeccak256KnownValue(t *testing.T) {
	t.Parallel()
	// keccak256("") from the Ethereum yellow paper; SHA3-256("") differs.
	if got := hexOf(keccak256(nil)); got != "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" {
		t.Fatalf("keccak256(\"\") = %s", got)
	}
}

func TestDeriveAddressIsStableAndValid(t *testing.T) {
	t.Parallel()
	a, b := deriveAddress("orch-01"), deriveAddress("orch-01")
	if a != b || deriveAddress("orch-02") == a {
		t.Fatal("derived addresses are not stable per name")
	}
	if n, ok := normalizeAddress(a); !ok || n != a {
		t.Fatalf("derived address %q is not lowercase 0x+40 hex", a)
	}
}
