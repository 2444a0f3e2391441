package live

import (
	"image"
	"testing"
	"time"
)

func TestSignalConfigValidationErrorsNameTheField(t *testing.T) {
	t.Parallel()
	base := DefaultSignalConfig()
	for _, tc := range []struct {
		name string
		mod  func(*SignalConfig)
		want string
	}{
		{"fps below 15", func(c *SignalConfig) { c.FPS = 14 }, "fps 14 is below the minimum of 15"},
		{"fps zero", func(c *SignalConfig) { c.FPS = 0 }, "below the minimum"},
		{"fps too high", func(c *SignalConfig) { c.FPS = 240 }, "above the maximum"},
		{"odd width", func(c *SignalConfig) { c.Width = 511 }, "must be even"},
		{"odd height", func(c *SignalConfig) { c.Height = 301 }, "must be even"},
		{"too small", func(c *SignalConfig) { c.Width, c.Height = 64, 64 }, "128 to 1920"},
		{"too large", func(c *SignalConfig) { c.Width = 4000 }, "128 to 1920"},
		{"no keyframes", func(c *SignalConfig) { c.KeyframeInterval = 0 }, "keyframe interval"},
		{"flash too often", func(c *SignalConfig) { c.FlashEvery = 100 * time.Millisecond }, "flash every 100ms is 3 frames"},
		{"bitrate tiny", func(c *SignalConfig) { c.Bitrate = 5000 }, "bitrate 5000"},
	} {
		cfg := base
		tc.mod(&cfg)
		_, err := NewSignal(cfg)
		if err == nil || !containsAll(err.Error(), tc.want) {
			t.Errorf("%s: NewSignal = %v, want error containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := NewSignal(base); err != nil {
		t.Errorf("default config rejected: %v", err)
	}
	if _, err := NewSignal(SignalConfig{Width: 1280, Height: 720, FPS: 15, KeyframeInterval: 2 * time.Second, FlashEvery: time.Second}); err != nil {
		t.Errorf("720p at 15 fps rejected: %v", err)
	}
}

func TestSignalFramesAreDeterministicAndMove(t *testing.T) {
	t.Parallel()
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.Frame(7), s.Frame(7)
	if l, c := meanAbsDiff(a, b); l != 0 || c != 0 {
		t.Errorf("Frame(7) twice differs by %.2f/%.2f", l, c)
	}
	// Honest consecutive frames differ below the counter too, so a frozen
	// output shows as identical pictures.
	for n := 2; n < 200; n++ {
		x, y := s.Frame(n), s.Frame(n+1)
		x.Rect.Min.Y, y.Rect.Min.Y = s.band, s.band
		if s.IsFlash(n) && s.IsFlash(n+1) {
			continue
		}
		if l, c := meanAbsDiff(x.SubImage(x.Rect).(*image.YCbCr), y.SubImage(y.Rect).(*image.YCbCr)); l+c < 1 {
			t.Fatalf("frames %d and %d nearly identical below the counter (%.2f/%.2f)", n, n+1, l, c)
		}
	}
}

func TestSignalCounterAndFlashesSurviveCodingAndStylize(t *testing.T) {
	t.Parallel()
	cfg := DefaultSignalConfig()
	cfg.FlashEvery = 500 * time.Millisecond // 15 frames: several flashes in a short run
	s, err := NewSignal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const frames = 70
	in := make([]*image.YCbCr, frames)
	for n := range in {
		in[n] = s.Frame(n)
	}
	// Start the counter high to exercise every bit position.
	in[frames-1] = s.Frame(0xffff)
	in[frames-2] = s.Frame(0xa5a5)

	decoded := encodeDecode(t, in, cfg.FPS)
	want := func(i int) int {
		switch i {
		case frames - 1:
			return 0xffff
		case frames - 2:
			return 0xa5a5
		}
		return i
	}

	// The relay's path: decode, stylize, encode, decode again.
	styled := make([]*image.YCbCr, frames)
	for i, img := range decoded {
		styled[i] = EffectStylize.Apply(nil, img)
	}
	restyled := encodeDecode(t, styled, cfg.FPS)

	var minLuma, minChroma = 1e9, 1e9
	for i := range in {
		n := want(i)
		for _, v := range []struct {
			stage string
			img   *image.YCbCr
		}{{"decoded", decoded[i]}, {"stylized", styled[i]}, {"stylized+recoded", restyled[i]}} {
			if got, ok := s.ReadCounter(v.img); !ok || got != n {
				t.Errorf("%s frame %d: counter %d (ok %v)", v.stage, n, got, ok)
			}
			if IsFlashImage(v.img) != s.IsFlash(n) {
				t.Errorf("%s frame %d: flash detected %v (level %.0f), want %v", v.stage, n, IsFlashImage(v.img), FlashLevel(v.img), s.IsFlash(n))
			}
		}
		if !s.IsFlash(n) {
			l, c := meanAbsDiff(in[i], restyled[i])
			minLuma, minChroma = min(minLuma, l), min(minChroma, c)
		}
	}
	// Stated bound: a stylized frame differs from its input by at least 25
	// levels of chroma on average (a hue turn of the colour wheel) and at
	// least 5 levels of luma (contrast and sharpened texture). Pass-through after one
	// more coding generation differs by under 1.
	if minChroma < 25 || minLuma < 5 {
		t.Errorf("stylized vs input: mean abs diff luma %.1f chroma %.1f, want >= 5 and >= 25", minLuma, minChroma)
	}
	t.Logf("stylized vs input, least over non-flash frames: luma %.1f, chroma %.1f", minLuma, minChroma)
	for i := range in {
		if l, c := meanAbsDiff(in[i], decoded[i]); l > 1 || c > 1 {
			t.Errorf("frame %d after one coding: luma %.2f chroma %.2f, want < 1 (pass-through looks identical)", i, l, c)
		}
	}
}

func TestSignalCounterReadsScaledAndInverted(t *testing.T) {
	t.Parallel()
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		t.Fatal(err)
	}
	src := s.Frame(12345)
	// A model that outputs another size: nearest-neighbour scale to 384x288.
	dst := image.NewYCbCr(image.Rect(0, 0, 384, 288), image.YCbCrSubsampleRatio420)
	for y := range 288 {
		for x := range 384 {
			dst.Y[y*dst.YStride+x] = src.Y[(y*512/288)*src.YStride+x*512/384]
		}
	}
	if n, ok := s.ReadCounter(dst); !ok || n != 12345 {
		t.Errorf("scaled: counter %d %v, want 12345", n, ok)
	}
	inv := s.Frame(12345)
	for i := range inv.Y {
		inv.Y[i] = 255 - inv.Y[i]
	}
	if n, ok := s.ReadCounter(inv); !ok || n != 12345 {
		t.Errorf("luma inverted: counter %d %v, want 12345", n, ok)
	}
}

func TestSignalCounterIllegibleIsNotOK(t *testing.T) {
	t.Parallel()
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		t.Fatal(err)
	}
	for name, img := range map[string]*image.YCbCr{
		"black":     EffectBlack.Apply(nil, s.Frame(5)),
		"grey":      greyImage(512, 512, 128),
		"tiny":      greyImage(16, 16, 0),
		"no marker": markerless(s.Frame(9)),
	} {
		if n, ok := s.ReadCounter(img); ok {
			t.Errorf("%s: counter %d read as legible", name, n)
		}
	}
}

func greyImage(w, h int, v byte) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	fill(img.Y, v)
	fill(img.Cb, 128)
	fill(img.Cr, 128)
	return img
}

// markerless paints both marker columns white in both rows.
func markerless(img *image.YCbCr) *image.YCbCr {
	x0 := counterBits * 512 / counterColumns
	fillRect(img, image.Rect(x0&^1, 0, 512, 64), 235, 128, 128)
	return img
}

func TestEffectsBlackAndNone(t *testing.T) {
	t.Parallel()
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		t.Fatal(err)
	}
	src := s.Frame(3)
	if got := EffectNone.Apply(nil, src); got != src {
		t.Error("none does not pass the picture through")
	}
	black := EffectBlack.Apply(nil, src)
	if l := FlashLevel(black); l > 17 {
		t.Errorf("black has mean luma %.1f", l)
	}
	if err := Effect("sepia").Validate(); err == nil || !containsAll(err.Error(), "sepia", "stylize") {
		t.Errorf("unknown effect: %v", err)
	}
}
