package jobs

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
	"time"
)

func grey(w, h int, y uint8) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = y
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128, 128
	}
	return img
}

func meanY(t *testing.T, b []byte) (int, int, float64) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a JPEG: %v", err)
	}
	r := img.Bounds()
	sum := 0.0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v, _, _, _ := img.At(x, y).RGBA()
			sum += float64(v >> 8)
		}
	}
	return r.Dx(), r.Dy(), sum / float64(r.Dx()*r.Dy())
}

// TestPreviewsKeepACopyOfTheLatestFrame: the preview is the newest frame
// offered (rate-limited), a copy the decoder may overwrite, and goes away
// with its test.
func TestPreviewsKeepACopyOfTheLatestFrame(t *testing.T) {
	p := &Previews{MinInterval: 100 * time.Millisecond}
	t0 := time.Now()
	end := p.Begin(LiveStream{StreamID: "s1", Orchestrator: "0xabc", Model: "m", StartedAt: t0})
	if _, ok := p.LatestFrame("s1"); ok {
		t.Fatal("a frame before any was offered")
	}
	src := grey(64, 48, 200)
	p.Frame("s1", src, t0)
	for i := range src.Y {
		src.Y[i] = 10 // the decoder reuses its buffer
	}
	p.Frame("s1", src, t0.Add(50*time.Millisecond)) // within MinInterval: dropped
	b, ok := p.LatestFrame("s1")
	if !ok {
		t.Fatal("no frame")
	}
	if w, h, y := meanY(t, b); w != 64 || h != 48 || y < 190 {
		t.Fatalf("preview %dx%d mean %.0f, want 64x48 near 200", w, h, y)
	}
	p.Frame("s1", src, t0.Add(150*time.Millisecond))
	b, _ = p.LatestFrame("s1")
	if _, _, y := meanY(t, b); y > 20 {
		t.Fatalf("preview mean %.0f, want the newer dark frame", y)
	}
	p.Frame("unknown", src, t0) // a stream never begun is ignored
	if got := p.Running(); len(got) != 1 || got[0].StreamID != "s1" {
		t.Fatalf("running %+v", got)
	}
	end()
	if _, ok := p.LatestFrame("s1"); ok || len(p.Running()) != 0 {
		t.Fatal("the preview outlived its test")
	}
}
