package verify

import (
	"image"
	"math"
)

// colourCells is the side of the grid ColourSpread averages over: coarse
// enough that JPEG's chroma noise and a noise picture's pixels average
// out, fine enough to see a few shapes.
const colourCells = 16

// colourSamples bounds the pixels ColourSpread reads on a side, so that it
// costs the same for a 256² and an 8192² answer.
const colourSamples = 128

// ColourSpread is the standard deviation of the colour (the chroma, Cb
// and Cr together, 0..255 scale) across a 16×16 grid of the picture: a
// picture whose areas differ in hue but not in brightness has content the
// luma statistics do not see. One colour measures about 0.
func ColourSpread(img image.Image) float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return 0
	}
	var cb, cr, n [colourCells * colourCells]float64
	sx, sy := max(1, w/colourSamples), max(1, h/colourSamples)
	for y := 0; y < h; y += sy {
		cy := y * colourCells / h
		for x := 0; x < w; x += sx {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			fr, fg, fb := float64(r>>8), float64(g>>8), float64(bl>>8)
			i := cy*colourCells + x*colourCells/w
			cb[i] += -0.169*fr - 0.331*fg + 0.5*fb
			cr[i] += 0.5*fr - 0.419*fg - 0.081*fb
			n[i]++
		}
	}
	var mb, mr, cells float64
	for i := range n {
		if n[i] > 0 {
			cb[i] /= n[i]
			cr[i] /= n[i]
			mb += cb[i]
			mr += cr[i]
			cells++
		}
	}
	mb, mr = mb/cells, mr/cells
	var v float64
	for i := range n {
		if n[i] > 0 {
			v += (cb[i]-mb)*(cb[i]-mb) + (cr[i]-mr)*(cr[i]-mr)
		}
	}
	return math.Sqrt(v / cells)
}
