package media

import (
	"bytes"
	"errors"
	"image"
	"testing"
)

func TestVideoFirstFrame(t *testing.T) {
	t.Parallel()
	frames := []image.Image{Scene(1, 96, 64), Scene(2, 96, 64)}
	img, f, err := VideoFirstFrame(EncodeVideo(frames, 8))
	if err != nil || f.Frames != 2 || img.Bounds().Dx() != 96 || img.Bounds().Dy() != 64 {
		t.Fatalf("%v %+v %v", img.Bounds(), f, err)
	}
	// The first frame, not the second: its pixels are Scene(1)'s, give or
	// take JPEG.
	r, g, b, _ := img.At(48, 5).RGBA()
	want := Scene(1, 96, 64).RGBAAt(48, 5)
	if d := absDiff(r>>8, uint32(want.R)) + absDiff(g>>8, uint32(want.G)) + absDiff(b>>8, uint32(want.B)); d > 40 {
		t.Fatalf("pixel %v %v %v, want about %v", r>>8, g>>8, b>>8, want)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestVideoFirstFrameRefusesBrokenAndUnread(t *testing.T) {
	t.Parallel()
	good := EncodeVideo([]image.Image{Scene(3, 32, 32)}, 1)
	jpegStart := bytes.Index(good, []byte{0xFF, 0xD8, 0xFF})
	notJPEG := bytes.Clone(good)
	notJPEG[jpegStart], notJPEG[jpegStart+1] = 0, 0 // an H.264-like sample
	cut := bytes.Clone(good)
	cut[jpegStart+40] ^= 0xFF // a damaged picture
	cases := map[string][]byte{
		"empty":       nil,
		"truncated":   good[:len(good)-10],
		"not jpeg":    notJPEG,
		"not an mp4":  []byte("hello, this is not a video file"),
		"bad picture": cut,
	}
	for name, data := range cases {
		_, _, err := VideoFirstFrame(data)
		if err == nil {
			if name == "bad picture" {
				continue // a flipped byte may still decode; it must not panic
			}
			t.Errorf("%s: accepted", name)
		}
		if name == "not jpeg" && !errors.Is(err, ErrFrameNotRead) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
