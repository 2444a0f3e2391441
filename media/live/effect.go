package live

import (
	"fmt"
	"image"
)

// Effect is what the relay's simulated model does to each frame.
type Effect string

// Effects.
const (
	// EffectStylize rotates hues by a quarter turn and sharpens edges: a
	// change anyone sees, which keeps brightness (so flashes stay flashes)
	// and black/white blocks (so the counter stays legible).
	EffectStylize Effect = "stylize"
	// EffectNone passes frames through unchanged (re-encoded): the cheat
	// of an orchestrator that runs no model.
	EffectNone Effect = "none"
	// EffectBlack outputs black frames.
	EffectBlack Effect = "black"
)

// Validate reports an unknown effect; "" counts as stylize.
func (e Effect) Validate() error {
	switch e {
	case "", EffectStylize, EffectNone, EffectBlack:
		return nil
	}
	return fmt.Errorf("effect %q: want %s, %s or %s", string(e), EffectStylize, EffectNone, EffectBlack)
}

// Apply returns the effect applied to src. For stylize and black the result
// is drawn into dst (reallocated if nil or of another size) and returned;
// for none, src itself is returned.
func (e Effect) Apply(dst, src *image.YCbCr) *image.YCbCr {
	switch e {
	case EffectNone:
		return src
	}
	if dst == nil || dst.Rect != src.Rect || dst.SubsampleRatio != src.SubsampleRatio {
		dst = image.NewYCbCr(src.Rect, src.SubsampleRatio)
	}
	if e == EffectBlack {
		fill(dst.Y, 16)
		fill(dst.Cb, 128)
		fill(dst.Cr, 128)
		return dst
	}
	stylize(dst, src)
	return dst
}

// stylize writes src into dst with hues turned a quarter (Cb' = -Cr,
// Cr' = Cb around neutral), luma contrast raised by a quarter around mid-grey
// and edges sharpened with a 4-neighbour Laplacian. Neutral colours (the
// counter, a flash) keep their chroma; white stays white and black black.
func stylize(dst, src *image.YCbCr) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	ys, yd := src.YStride, dst.YStride
	sy, dy := src.Y[src.YOffset(src.Rect.Min.X, src.Rect.Min.Y):], dst.Y[dst.YOffset(dst.Rect.Min.X, dst.Rect.Min.Y):]
	for y := 0; y < h; y++ {
		srow := sy[y*ys : y*ys+w]
		drow := dy[y*yd : y*yd+w]
		if y == 0 || y == h-1 {
			for x, c := range srow {
				drow[x] = clamp8(128 + (int(c)-128)*5/4)
			}
			continue
		}
		up := sy[(y-1)*ys : (y-1)*ys+w]
		down := sy[(y+1)*ys : (y+1)*ys+w]
		drow[0] = clamp8(128 + (int(srow[0])-128)*5/4)
		drow[w-1] = clamp8(128 + (int(srow[w-1])-128)*5/4)
		for x := 1; x < w-1; x++ {
			c := int(srow[x])
			v := 128 + (c-128)*5/4 + (4*c-int(srow[x-1])-int(srow[x+1])-int(up[x])-int(down[x]))*3/4
			drow[x] = clamp8(v)
		}
	}
	cw, ch := chromaSize(src)
	co, do := src.COffset(src.Rect.Min.X, src.Rect.Min.Y), dst.COffset(dst.Rect.Min.X, dst.Rect.Min.Y)
	for y := 0; y < ch; y++ {
		sb := src.Cb[co+y*src.CStride : co+y*src.CStride+cw]
		sr := src.Cr[co+y*src.CStride : co+y*src.CStride+cw]
		db := dst.Cb[do+y*dst.CStride : do+y*dst.CStride+cw]
		dr := dst.Cr[do+y*dst.CStride : do+y*dst.CStride+cw]
		for x := range sb {
			b, r := sb[x], sr[x]
			db[x] = 255 - r
			dr[x] = b
		}
	}
}

func chromaSize(img *image.YCbCr) (w, h int) {
	w, h = img.Rect.Dx(), img.Rect.Dy()
	switch img.SubsampleRatio {
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	}
	return w, h
}

func clamp8(v int) byte {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v)
}
