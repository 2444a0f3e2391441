package live

import (
	"image"
	"math"
	"testing"
	"time"
)

// psnr is the peak signal-to-noise ratio of the luma planes of a and b, in dB.
func psnr(a, b *image.YCbCr) float64 {
	var se float64
	w, h := a.Rect.Dx(), a.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := float64(a.Y[y*a.YStride+x]) - float64(b.Y[y*b.YStride+x])
			se += d * d
		}
	}
	mse := se / float64(w*h)
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}

// meanAbsDiff returns the mean absolute difference of the luma planes and of
// the chroma planes (Cb and Cr together) of two same-size images.
func meanAbsDiff(a, b *image.YCbCr) (luma, chroma float64) {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	var sy, sc int
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sy += absInt(int(a.Y[y*a.YStride+x]) - int(b.Y[y*b.YStride+x]))
		}
	}
	cw, ch := chromaSize(a)
	for y := 0; y < ch; y++ {
		for x := 0; x < cw; x++ {
			sc += absInt(int(a.Cb[y*a.CStride+x]) - int(b.Cb[y*b.CStride+x]))
			sc += absInt(int(a.Cr[y*a.CStride+x]) - int(b.Cr[y*b.CStride+x]))
		}
	}
	return float64(sy) / float64(w*h), float64(sc) / float64(2*cw*ch)
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// encodeDecode runs frames through a fresh encoder and decoder and returns
// the decoded pictures in order.
func encodeDecode(t testing.TB, frames []*image.YCbCr, fps int) []*image.YCbCr {
	t.Helper()
	w, h := frames[0].Rect.Dx(), frames[0].Rect.Dy()
	enc, err := NewEncoder(EncoderConfig{Width: w, Height: h, FPS: fps, Bitrate: 2_000_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	var out []*image.YCbCr
	for i, f := range frames {
		pts := time.Duration(i) * time.Second / time.Duration(fps)
		au, key, err := enc.Encode(f, pts)
		if err != nil {
			t.Fatalf("encode frame %d: %v", i, err)
		}
		if i == 0 && !key {
			t.Fatal("first frame is not a keyframe")
		}
		before := len(out)
		err = dec.Decode(au, pts, func(img *image.YCbCr, got time.Duration) {
			if got != pts.Truncate(time.Microsecond) {
				t.Errorf("frame %d: decoded pts %v, want %v", i, got, pts)
			}
			out = append(out, img)
		})
		if err != nil {
			t.Fatalf("decode frame %d: %v", i, err)
		}
		if len(out) != before+1 {
			t.Fatalf("frame %d: %d pictures out for one access unit, want 1 (low delay)", i, len(out)-before)
		}
	}
	return out
}

func TestEncoderDecoderRoundTripKeepsEveryFrameClose(t *testing.T) {
	t.Parallel()
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		t.Fatal(err)
	}
	var in []*image.YCbCr
	for n := range 45 {
		in = append(in, s.Frame(n))
	}
	out := encodeDecode(t, in, 30)
	if len(out) != len(in) {
		t.Fatalf("decoded %d frames from %d", len(out), len(in))
	}
	minPSNR := math.Inf(1)
	for i := range in {
		if out[i].Rect != in[i].Rect {
			t.Fatalf("frame %d: size %v, want %v", i, out[i].Rect, in[i].Rect)
		}
		minPSNR = min(minPSNR, psnr(in[i], out[i]))
	}
	// x264 ultrafast at 2 Mbit/s on this pattern stays well above 30 dB; a
	// plane mix-up, stride bug or shifted frame falls far below.
	if minPSNR < 30 {
		t.Errorf("lowest luma PSNR %.1f dB, want >= 30", minPSNR)
	}
	t.Logf("lowest luma PSNR over %d frames: %.1f dB", len(in), minPSNR)
}

func TestEncoderKeyframeIntervalAndParameterSets(t *testing.T) {
	t.Parallel()
	enc, err := NewEncoder(EncoderConfig{Width: 256, Height: 128, FPS: 20, Keyframe: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	s, err := NewSignal(SignalConfig{Width: 256, Height: 128, FPS: 20, KeyframeInterval: time.Second, FlashEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	img := s.Frame(0)
	var keys []int
	for n := range 31 {
		s.Render(img, n)
		if n == 25 {
			enc.ForceKeyframe()
		}
		au, key, err := enc.Encode(img, time.Duration(n)*50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if key {
			keys = append(keys, n)
			var sps, pps, idr bool
			for _, nalu := range au {
				switch naluType(nalu) {
				case naluSPS:
					sps = true
				case naluPPS:
					pps = true
				case naluIDR:
					idr = true
				}
			}
			if !sps || !pps || !idr {
				t.Errorf("keyframe %d: SPS %v PPS %v IDR %v, want all in-band", n, sps, pps, idr)
			}
		}
	}
	// Every 10 frames (0.5 s at 20 fps), flashes notwithstanding, plus the
	// forced one; x264 restarts its interval there.
	want := []int{0, 10, 20, 25}
	if len(keys) < 4 || keys[0] != want[0] || keys[1] != want[1] || keys[2] != want[2] || keys[3] != want[3] {
		t.Errorf("keyframes at %v, want %v then every 10", keys, want)
	}
	if sps, pps := enc.ParameterSets(); len(sps) == 0 || len(pps) == 0 {
		t.Error("no parameter sets after encoding")
	}
}

func TestEncoderRejectsBadConfigAndPictures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cfg  EncoderConfig
		want string
	}{
		{EncoderConfig{Width: 511, Height: 512, FPS: 30}, "even"},
		{EncoderConfig{Width: 0, Height: 512, FPS: 30}, "positive"},
		{EncoderConfig{Width: 512, Height: 512, FPS: 0}, "fps"},
		{EncoderConfig{Width: 512, Height: 512, FPS: 30, Preset: "placebo"}, "preset"},
		{EncoderConfig{Width: 512, Height: 512, FPS: 30, Bitrate: -1}, "bitrate"},
	} {
		if _, err := NewEncoder(tc.cfg); err == nil || !containsAll(err.Error(), tc.want) {
			t.Errorf("NewEncoder(%+v) = %v, want error about %q", tc.cfg, err, tc.want)
		}
	}
	enc, err := NewEncoder(EncoderConfig{Width: 256, Height: 256, FPS: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if _, _, err := enc.Encode(image.NewYCbCr(image.Rect(0, 0, 128, 128), image.YCbCrSubsampleRatio420), 0); err == nil || !containsAll(err.Error(), "128x128", "256x256") {
		t.Errorf("wrong-size picture: %v", err)
	}
	if _, _, err := enc.Encode(image.NewYCbCr(image.Rect(0, 0, 256, 256), image.YCbCrSubsampleRatio444), 0); err == nil || !containsAll(err.Error(), "4:2:0") {
		t.Errorf("4:4:4 picture: %v", err)
	}
}

func TestDecoderSurvivesGarbageAndRecovers(t *testing.T) {
	t.Parallel()
	s, err := NewSignal(SignalConfig{Width: 128, Height: 128, FPS: 30, KeyframeInterval: time.Second, FlashEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := NewEncoder(EncoderConfig{Width: 128, Height: 128, FPS: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	for _, junk := range [][][]byte{
		{{0x65, 0xff, 0x00, 0x12}},      // an IDR slice header of nonsense
		{{0x67, 0x00}},                  // a truncated SPS
		{{}, {0, 0, 1}},                 // empty NALUs
		{[]byte("not h264 at all, ..")}, // forbidden bit set
	} {
		_ = dec.Decode(junk, 0, func(*image.YCbCr, time.Duration) {})
	}
	got := 0
	for n := range 5 {
		au, _, err := enc.Encode(s.Frame(n), time.Duration(n)*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if err := dec.Decode(au, time.Duration(n)*time.Millisecond, func(img *image.YCbCr, _ time.Duration) {
			if c, ok := s.ReadCounter(img); !ok || c != n {
				t.Errorf("after garbage, frame %d reads counter %d %v", n, c, ok)
			}
			got++
		}); err != nil {
			t.Errorf("frame %d after garbage: %v", n, err)
		}
	}
	if got != 5 {
		t.Errorf("decoded %d of 5 frames after garbage", got)
	}
}

func TestDecoderReleaseReusesImages(t *testing.T) {
	s, err := NewSignal(SignalConfig{Width: 128, Height: 128, FPS: 30, KeyframeInterval: time.Second, FlashEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := NewEncoder(EncoderConfig{Width: 128, Height: 128, FPS: 30})
	defer enc.Close()
	dec, _ := NewDecoder()
	defer dec.Close()
	var prev *image.YCbCr
	reused := 0
	for n := range 10 {
		au, _, err := enc.Encode(s.Frame(n), time.Duration(n)*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		_ = dec.Decode(au, time.Duration(n)*time.Millisecond, func(img *image.YCbCr, _ time.Duration) {
			if img == prev {
				reused++
			}
			if c, ok := s.ReadCounter(img); !ok || c != n {
				t.Errorf("frame %d reads %d %v", n, c, ok)
			}
			dec.Release(img)
			prev = img
		})
	}
	if reused != 9 {
		t.Errorf("%d of 9 frames reused the released image", reused)
	}
}
