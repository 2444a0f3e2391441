package ethaddr

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFoldsAndChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"0x52908400098527886E0F7030069857D2E4169EE7", "0x52908400098527886e0f7030069857d2e4169ee7", true},
		{"  0X52908400098527886E0F7030069857D2E4169EE7\n", "0x52908400098527886e0f7030069857d2e4169ee7", true},
		{"0x52908400098527886e0f7030069857d2e4169ee", "", false},   // 39 digits
		{"0x52908400098527886e0f7030069857d2e4169ee77", "", false}, // 41 digits
		{"52908400098527886e0f7030069857d2e4169ee7aa", "", false},  // no 0x
		{"0x52908400098527886e0f7030069857d2e4169eg7", "", false},  // not hex
		{"", "", false},
		{"0x", "", false},
	} {
		a, err := Parse(tc.in)
		if tc.ok != (err == nil) || string(a) != tc.want {
			t.Errorf("Parse(%q) = %q, %v; want %q ok=%v", tc.in, a, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) error %v is not ErrInvalid", tc.in, err)
		}
	}
}

func TestValidOnlyForCanonical(t *testing.T) {
	t.Parallel()
	if !Valid("0xde709f2102306220921060314715629080e2fb77") {
		t.Error("canonical address not valid")
	}
	for _, s := range []string{"0xDE709f2102306220921060314715629080e2fb77", " 0xde709f2102306220921060314715629080e2fb77", "0xde70"} {
		if Valid(s) {
			t.Errorf("Valid(%q) = true", s)
		}
	}
}

// The test vectors of EIP-55 itself.
func TestChecksumEIP55Vectors(t *testing.T) {
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
		a, err := Parse("0X" + strings.ToUpper(want[2:]))
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Checksum(); got != want {
			t.Errorf("Checksum(%s) = %s, want %s", a, got, want)
		}
	}
}

func TestShortKeepsBothEnds(t *testing.T) {
	t.Parallel()
	if got := Address("0x52908400098527886e0f7030069857d2e4169ee7").Short(); got != "0x529084…169ee7" {
		t.Errorf("Short = %q", got)
	}
	if got := Address("0x1234").Short(); got != "0x1234" {
		t.Errorf("Short of a short string = %q", got)
	}
}

// FuzzParse: any input either fails with ErrInvalid or gives an address
// that is canonical and parses to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0x52908400098527886E0F7030069857D2E4169EE7", "", "0x", "\x00", "0xZZ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			return
		}
		if !Valid(string(a)) {
			t.Fatalf("Parse(%q) = %q, not canonical", s, a)
		}
		if b, err := Parse(a.Checksum()); err != nil || b != a {
			t.Fatalf("checksum of %q does not parse back: %q, %v", a, b, err)
		}
	})
}
