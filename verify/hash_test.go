package verify

import (
	"strings"
	"testing"
)

// TestHashSeparatesSameFromDifferent pins the thresholds against the
// synthetic outputs: the same picture from another honest machine (grain,
// brightness, JPEG) stays within RepeatDistance and OutlierDistance, a
// different scene stays beyond RepeatDistance.
func TestHashSeparatesSameFromDifferent(t *testing.T) {
	t.Parallel()
	var hashes []Hash
	for s := uint64(0); s < 40; s++ {
		img := scene(s, 128, 128)
		h := Look(img).Hash
		if d := Distance(h, Look(reencode(drift(img, s+1000), 60)).Hash); d > RepeatDistance || d > OutlierDistance {
			t.Errorf("scene %d from another machine: %d bits", s, d)
		}
		for i, o := range hashes {
			if d := Distance(h, o); d <= RepeatDistance {
				t.Errorf("scenes %d and %d: only %d bits apart", s, i, d)
			}
		}
		hashes = append(hashes, h)
	}
}

func TestHashStringRoundTrip(t *testing.T) {
	t.Parallel()
	h := Look(scene(3, 64, 64)).Hash
	got, err := ParseHash(h.String())
	if err != nil || got != h {
		t.Fatalf("round trip: %v %v", got, err)
	}
	if got, _ := ParseHash(strings.ToUpper(h.String())); got != h {
		t.Fatal("upper-case hex refused")
	}
	for _, bad := range []string{"", "00", strings.Repeat("g", 64), strings.Repeat("0", 63), strings.Repeat("0", 65)} {
		if _, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) accepted", bad)
		}
	}
	if d := Distance(Hash{}, Hash{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}); d != HashBits {
		t.Fatalf("all bits differ: %d", d)
	}
}

func FuzzParseHash(f *testing.F) {
	f.Add(Look(scene(1, 32, 32)).Hash.String())
	f.Add("")
	f.Add(strings.Repeat("zz", 32))
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHash(s)
		if err != nil {
			return
		}
		if !strings.EqualFold(h.String(), s) {
			t.Fatalf("%q parsed to %s", s, h)
		}
	})
}

func TestRepeat(t *testing.T) {
	t.Parallel()
	a, b := Look(scene(1, 96, 96)).Hash, Look(scene(2, 96, 96)).Hash
	near := Look(reencode(drift(scene(1, 96, 96), 5), 50)).Hash
	history := []Seen{{"k1", a}, {"k2", b}}
	cases := []struct {
		name     string
		h        Hash
		key      string
		history  []Seen
		flagged  bool
		wantDist int // -1: none
	}{
		{"first answer", a, "k1", nil, false, -1},
		{"same input, same answer", a, "k1", history[:1], false, -1},
		{"different input, same answer", a, "k3", history, true, 0},
		{"different input, re-encoded answer", near, "k3", history, true, Distance(near, a)},
		{"different input, different answer", Look(scene(3, 96, 96)).Hash, "k3", history, false, -2},
	}
	for _, c := range cases {
		_, d, flag := Repeat(c.h, c.key, c.history)
		if (flag != nil) != c.flagged {
			t.Errorf("%s: flag %v at %d bits", c.name, flag, d)
		}
		if c.wantDist != -2 && d != c.wantDist {
			t.Errorf("%s: distance %d, want %d", c.name, d, c.wantDist)
		}
		if flag != nil && flag.Kind.Reason() != "suspected_repeat" {
			t.Errorf("%s: reason %q", c.name, flag.Kind.Reason())
		}
	}
}
