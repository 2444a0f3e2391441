package verify

import (
	"bytes"
	"image"
	"image/jpeg"
)

// ThumbSide is the longest side of an evidence thumbnail: large enough to
// see that two pictures differ, small enough (2–4 KB) to keep with every
// flagged test.
const ThumbSide = 96

// Thumbnail returns a small JPEG of img for the evidence (nil for an empty
// image). It samples the nearest pixel: the thumbnail is for eyes, the
// checks measure on Gray.
func Thumbnail(img image.Image) []byte {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= 0 || sh <= 0 {
		return nil
	}
	w, h := sw, sh
	if sw > ThumbSide || sh > ThumbSide {
		if sw >= sh {
			w, h = ThumbSide, max(1, sh*ThumbSide/sw)
		} else {
			w, h = max(1, sw*ThumbSide/sh), ThumbSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			dst.Set(x, y, img.At(b.Min.X+x*sw/w, b.Min.Y+y*sh/h))
		}
	}
	var buf bytes.Buffer
	// Encoding an in-memory RGBA into a buffer cannot fail.
	_ = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 75})
	return buf.Bytes()
}
