package verify

import (
	"image"
	"image/color"
	"testing"
)

func TestContentTellsPicturesFromFlatAndNoise(t *testing.T) {
	t.Parallel()
	grey := color.RGBA{128, 128, 128, 255}
	cases := []struct {
		name string
		img  image.Image
		want Kind // "" for no flag
	}{
		{"scene", scene(1, 160, 160), ""},
		{"scene re-encoded as JPEG", reencode(scene(2, 160, 160), 40), ""},
		{"wide scene", scene(3, 320, 90), ""},
		{"two halves", halves(128, 128), ""},
		{"black", flat(128, 128, color.RGBA{A: 255}), KindFlat},
		{"grey re-encoded as JPEG", reencode(flat(200, 120, grey), 30), KindFlat},
		{"grey with faint grain", noise(4, 256, 256, 128, 2), KindFlat},
		{"uniform noise", noise(5, 256, 256, 0, -1), KindNoise},
		{"colour noise averaging to a low contrast", noise(8, 1024, 1024, 0, -1), KindNoise},
		{"gaussian noise", noise(6, 512, 512, 100, 60), KindNoise},
		{"noise re-encoded as JPEG", reencode(noise(7, 256, 256, 0, -1), 75), KindNoise},
		{"too small to judge", flat(3, 3, grey), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st, flag := Content(NewGray(c.img, GraySide))
			got := Kind("")
			if flag != nil {
				got = flag.Kind
			}
			if got != c.want {
				t.Fatalf("flag %q, want %q (stats %+v)", got, c.want, st)
			}
		})
	}
}

// TestContentFlagsNoHonestScene is the false-flag rate of the content
// check on honest synthetic outputs: none of 120 scenes.
func TestContentFlagsNoHonestScene(t *testing.T) {
	t.Parallel()
	for s := uint64(100); s < 220; s++ {
		if st, flag := Content(NewGray(scene(s, 96, 96), GraySide)); flag != nil {
			t.Fatalf("scene %d flagged: %v (stats %+v)", s, flag, st)
		}
	}
}

func TestMeasureIsScaleFree(t *testing.T) {
	t.Parallel()
	// The same picture at two sizes measures alike: the checks judge
	// content, not resolution.
	a := Measure(NewGray(halves(64, 64), GraySide))
	b := Measure(NewGray(halves(640, 640), GraySide))
	if diff := a.Std - b.Std; diff > 0.5 || diff < -0.5 {
		t.Fatalf("std %v at 64², %v at 640²", a.Std, b.Std)
	}
	if a.Entropy < 0.9 || a.Entropy > 1.1 {
		t.Fatalf("two tones should have 1 bit of entropy, got %v", a.Entropy)
	}
}

func TestNewGrayTypes(t *testing.T) {
	t.Parallel()
	src := scene(9, 80, 60)
	want := NewGray(src, GraySide)
	gray := image.NewGray(src.Bounds())
	nrgba := image.NewNRGBA(src.Bounds())
	paletted := image.NewPaletted(src.Bounds(), color.Palette{color.Black, color.White})
	for y := range 60 {
		for x := range 80 {
			nrgba.Set(x, y, src.At(x, y))
			gray.Set(x, y, src.At(x, y))
			paletted.Set(x, y, src.At(x, y))
		}
	}
	for name, img := range map[string]image.Image{"nrgba": nrgba, "gray": gray, "ycbcr": reencode(src, 95), "paletted": paletted} {
		g := NewGray(img, GraySide)
		if g.W != want.W || g.H != want.H {
			t.Fatalf("%s: %dx%d, want %dx%d", name, g.W, g.H, want.W, want.H)
		}
		if name == "paletted" {
			continue // two colours: only the size is comparable
		}
		if d := Distance(HashOf(g), HashOf(want)); d > 40 {
			t.Fatalf("%s: hash %d bits from the RGBA's", name, d)
		}
	}
	if g := NewGray(image.NewRGBA(image.Rect(0, 0, 0, 0)), GraySide); len(g.Pix) != 0 {
		t.Fatalf("empty image gave %d cells", len(g.Pix))
	}
}

func halves(w, h int) *image.RGBA {
	img := flat(w, h, color.RGBA{20, 20, 20, 255})
	for y := range h {
		for x := w / 2; x < w; x++ {
			img.Set(x, y, color.RGBA{230, 230, 230, 255})
		}
	}
	return img
}

// TestLookSeesColourWhereLumaIsFlat: areas of different hues at one
// brightness are content; one colour, or one colour under JPEG, is flat.
func TestLookSeesColourWhereLumaIsFlat(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	// Three colours of luma 120 ± 0.5: a red, a green and a blue-grey band.
	bands := []color.RGBA{{255, 62, 63, 255}, {45, 170, 60, 255}, {100, 118, 180, 255}}
	for y := range 256 {
		for x := range 256 {
			img.SetRGBA(x, y, bands[(x/40+y/90)%3])
		}
	}
	p := Look(img)
	if p.Stats.Std >= FlatStd || p.Flag != nil || p.Stats.Colour < FlatStd {
		t.Fatalf("equal-luma colours: std %.2f, colour %.2f, flag %v", p.Stats.Std, p.Stats.Colour, p.Flag)
	}
	for name, im := range map[string]image.Image{"one colour": flat(256, 256, bands[0]), "one colour as JPEG": reencode(flat(256, 256, bands[1]), 40)} {
		if p := Look(im); p.Flag == nil || p.Flag.Kind != KindFlat {
			t.Errorf("%s: flag %v, colour %.2f", name, p.Flag, p.Stats.Colour)
		}
	}
}
