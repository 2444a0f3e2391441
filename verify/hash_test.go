package verify

import (
	"image"
	"math/rand/v2"
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

// banded is a picture whose background is a vertical gradient (every row
// one colour, as skies are) with a few boxes drawn from seed, under a
// faint block grain of its own seed: ±2 levels per 4×4 block.
func banded(seed, grain uint64, side int) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 5))
	g := rand.New(rand.NewPCG(grain, 6))
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	top, bottom := r.Float64()*255, r.Float64()*255
	type box struct{ x0, y0, x1, y1, v float64 }
	boxes := make([]box, 3+r.IntN(3))
	for i := range boxes {
		x, y, s := r.Float64(), r.Float64(), 0.05+0.2*r.Float64()
		boxes[i] = box{x - s, y - s, x + s, y + s, r.Float64() * 255}
	}
	blocks := make([]float64, (side/4+1)*(side/4+1))
	for i := range blocks {
		blocks[i] = float64(g.IntN(5) - 2)
	}
	for y := range side {
		for x := range side {
			u, v := float64(x)/float64(side), float64(y)/float64(side)
			c := top + (bottom-top)*v
			for _, b := range boxes {
				if u >= b.x0 && u < b.x1 && v >= b.y0 && v < b.y1 {
					c = b.v
				}
			}
			c += blocks[(y/4)*(side/4+1)+x/4]
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = clamp8(c), clamp8(c), clamp8(c), 255
		}
	}
	return img
}

// TestHashIgnoresFaintGrainOnFlatAreas: where neighbours are equal (a
// gradient's rows), the grain must not decide the bits, or one machine's
// answers to different prompts would share them (a false repeat) and two
// machines' answers to one prompt would not (a false outlier).
func TestHashIgnoresFaintGrainOnFlatAreas(t *testing.T) {
	t.Parallel()
	for s := uint64(0); s < 30; s++ {
		a := Look(banded(s, 1, 256)).Hash
		if d := Distance(a, Look(banded(s, 2, 256)).Hash); d > RepeatDistance {
			t.Errorf("picture %d under two grains: %d bits apart", s, d)
		}
		if d := Distance(a, Look(banded(s+100, 1, 256)).Hash); d <= RepeatDistance {
			t.Errorf("pictures %d and %d under one grain: %d bits apart", s, s+100, d)
		}
	}
}
