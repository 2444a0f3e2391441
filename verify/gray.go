package verify

import (
	"image"
	"image/color"
)

// Gray is a small grayscale picture (luma 0..255) that every image check
// works on: downscaling first makes the checks cost the same for a 256²
// and an 8192² answer, and averages away what a re-encode changes.
type Gray struct {
	W, H int
	Pix  []float64 // row-major, W*H values
}

// GraySide is the longest side of the picture the content checks measure.
// 64 keeps a picture's layout (a subject, a horizon, large shapes) while
// each cell averages at least 4×4 pixels of a 256² answer, so that an
// honest image's fine texture does not read as noise.
const GraySide = 64

// NewGray downscales img to fit side×side (aspect kept, never enlarged) by
// averaging the luma of the source pixels under each cell.
func NewGray(img image.Image, side int) Gray {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= 0 || sh <= 0 || side <= 0 {
		return Gray{}
	}
	w, h := sw, sh
	if sw > side || sh > side {
		if sw >= sh {
			w, h = side, max(1, sh*side/sw)
		} else {
			w, h = max(1, sw*side/sh), side
		}
	}
	sum := make([]float64, w*h)
	cnt := make([]float64, w*h)
	col := make([]int, sw)
	for x := range sw {
		col[x] = x * w / sw
	}
	luma := lumaRow(img)
	row := make([]float64, sw)
	for y := range sh {
		luma(b.Min.Y+y, row)
		base := (y * h / sh) * w
		for x, v := range row {
			sum[base+col[x]] += v
			cnt[base+col[x]]++
		}
	}
	for i := range sum {
		sum[i] /= cnt[i]
	}
	return Gray{W: w, H: h, Pix: sum}
}

// lumaRow returns a reader of one row's luma (BT.601), with fast paths
// for the types the standard decoders return: the generic At is ten times
// slower and an 8192² upscale answer would notice.
func lumaRow(img image.Image) func(y int, out []float64) {
	b := img.Bounds()
	rgb := func(r, g, bl uint8) float64 { return 0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl) }
	switch m := img.(type) {
	case *image.NRGBA:
		return func(y int, out []float64) {
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range out {
				out[x] = rgb(p[4*x], p[4*x+1], p[4*x+2])
			}
		}
	case *image.RGBA:
		return func(y int, out []float64) {
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range out {
				out[x] = rgb(p[4*x], p[4*x+1], p[4*x+2])
			}
		}
	case *image.Gray:
		return func(y int, out []float64) {
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range out {
				out[x] = float64(p[x])
			}
		}
	case *image.YCbCr:
		return func(y int, out []float64) {
			for x := range out {
				out[x] = float64(m.Y[m.YOffset(b.Min.X+x, y)])
			}
		}
	}
	return func(y int, out []float64) {
		for x := range out {
			g := color.GrayModel.Convert(img.At(b.Min.X+x, y)).(color.Gray)
			out[x] = float64(g.Y)
		}
	}
}

// resize averages g down to w×h cells (each target cell takes the source
// cells whose index maps into it); used for the hash's grids.
func (g Gray) resize(w, h int) []float64 {
	sum := make([]float64, w*h)
	cnt := make([]float64, w*h)
	for y := range g.H {
		ty := y * h / g.H
		for x := range g.W {
			i := ty*w + x*w/g.W
			sum[i] += g.Pix[y*g.W+x]
			cnt[i]++
		}
	}
	for i := range sum {
		if cnt[i] > 0 {
			sum[i] /= cnt[i]
			continue
		}
		// A source narrower than the grid leaves cells empty: take the
		// nearest source cell instead.
		tx, ty := i%w, i/w
		sum[i] = g.Pix[(ty*g.H/h)*g.W+tx*g.W/w]
	}
	return sum
}
