package analyzer

import (
	"bytes"
	"image"
	"image/jpeg"
	"time"
)

// thumbWidth bounds the thumbnail's width: enough to see what the model
// made of the signal, small enough to store with every result.
const (
	thumbWidth   = 256
	thumbQuality = 80
)

// maybeThumbnail keeps a small copy of the frame at the middle of the run
// (Options.Duration/2 after the first frame). Until then, and when the
// duration is unknown or the stream ends early, it keeps frames 1, 2, 4, 8,
// … so the copy is always from the second half of what was seen. Flash
// frames are skipped: they show the signal, not the model.
func (m *Meter) maybeThumbnail(img *image.YCbCr, arrived time.Time) {
	if m.thumbLocked {
		return
	}
	mid := m.opt.Duration > 0 && arrived.Sub(m.first) >= m.opt.Duration/2
	if !mid && m.frames < m.thumbNext {
		return
	}
	if m.inFlash {
		return // try again on the next frame
	}
	m.thumb = downscale(img, m.thumb)
	m.thumbJPEG = nil
	if mid {
		m.thumbLocked = true
	}
	for m.thumbNext <= m.frames {
		m.thumbNext *= 2
	}
}

// downscale copies img into a 4:2:0 image at most thumbWidth wide, by
// nearest sample, reusing dst when it has the right size.
func downscale(img *image.YCbCr, dst *image.YCbCr) *image.YCbCr {
	r := img.Rect
	w, h := r.Dx(), r.Dy()
	tw, th := w, h
	if w > thumbWidth {
		tw, th = thumbWidth, max(h*thumbWidth/w, 1)
	}
	if dst == nil || dst.Rect.Dx() != tw || dst.Rect.Dy() != th {
		dst = image.NewYCbCr(image.Rect(0, 0, tw, th), image.YCbCrSubsampleRatio420)
	}
	for y := range th {
		sy := r.Min.Y + y*h/th
		row := dst.Y[y*dst.YStride:]
		for x := range tw {
			row[x] = img.Y[img.YOffset(r.Min.X+x*w/tw, sy)]
		}
	}
	cw, ch := (tw+1)/2, (th+1)/2
	for y := range ch {
		sy := r.Min.Y + min(2*y*h/th, h-1)
		for x := range cw {
			sx := r.Min.X + min(2*x*w/tw, w-1)
			o := img.COffset(sx, sy)
			dst.Cb[y*dst.CStride+x] = img.Cb[o]
			dst.Cr[y*dst.CStride+x] = img.Cr[o]
		}
	}
	return dst
}

// thumbnailJPEG encodes the kept frame once.
func (m *Meter) thumbnailJPEG() []byte {
	if m.thumb == nil {
		return nil
	}
	if m.thumbJPEG == nil {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, m.thumb, &jpeg.Options{Quality: thumbQuality}); err != nil {
			return nil // writing to memory does not fail
		}
		m.thumbJPEG = b.Bytes()
	}
	return m.thumbJPEG
}
