package media

import (
	"bytes"
	"image/png"
	"testing"
	"time"
)

func TestEncodePNGRoundTrip(t *testing.T) {
	t.Parallel()
	img := Scene(3, 67, 41)
	got, err := png.Decode(bytes.NewReader(EncodePNG(img)))
	if err != nil {
		t.Fatal(err)
	}
	for y := range 41 {
		for x := range 67 {
			r1, g1, b1, _ := img.At(x, y).RGBA()
			r2, g2, b2, _ := got.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				t.Fatalf("pixel %d,%d differs", x, y)
			}
		}
	}
}

func TestScenesDifferBySeedNotByCall(t *testing.T) {
	t.Parallel()
	if !bytes.Equal(SceneImage(1, 64, 64), SceneImage(1, 64, 64)) {
		t.Fatal("one seed drew two pictures")
	}
	a, b := Scene(1, 64, 64), Scene(2, 64, 64)
	differ := 0
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			differ++
		}
	}
	if differ < len(a.Pix)/4 {
		t.Fatalf("seeds 1 and 2 differ in %d of %d bytes", differ, len(a.Pix))
	}
}

func TestSpokenDigitsLastsASlotADigit(t *testing.T) {
	t.Parallel()
	info, err := AudioInfo(SpokenDigits("0123456789", 16000))
	if err != nil || info.Duration != 3*time.Second {
		t.Fatalf("%+v %v", info, err)
	}
	if v, err := VideoInfo(EncodeVideo(nil, 6)); err != nil || v.Width != 1 {
		t.Fatalf("empty video: %+v %v", v, err)
	}
}
