package verify

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// The synthetic pictures of the tests: scenes stand for honest model
// outputs (a smooth background, shapes, soft texture and sensor-like
// grain, all drawn from a seed), the rest for what a cheater returns.

func scene(seed uint64, w, h int) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c0 := [3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}
	c1 := [3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}
	angle := r.Float64() * 2 * math.Pi
	type shape struct {
		x, y, rad float64
		c         [3]float64
		square    bool
	}
	shapes := make([]shape, 3+r.IntN(6))
	for i := range shapes {
		shapes[i] = shape{r.Float64() * float64(w), r.Float64() * float64(h), (0.05 + 0.2*r.Float64()) * float64(min(w, h)),
			[3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}, r.IntN(2) == 0}
	}
	fx, fy, ph := 2+r.Float64()*6, 2+r.Float64()*6, r.Float64()*6
	for y := range h {
		for x := range w {
			u, v := float64(x)/float64(w), float64(y)/float64(h)
			t := 0.5 + 0.5*math.Sin(angle)*(u-0.5) + 0.5*math.Cos(angle)*(v-0.5)
			var c [3]float64
			for k := range c {
				c[k] = c0[k]*(1-t) + c1[k]*t + 20*math.Sin(fx*u*math.Pi+ph)*math.Cos(fy*v*math.Pi)
			}
			for _, s := range shapes {
				dx, dy := float64(x)-s.x, float64(y)-s.y
				in := dx*dx+dy*dy <= s.rad*s.rad
				if s.square {
					in = math.Abs(dx) <= s.rad && math.Abs(dy) <= s.rad
				}
				if in {
					c = s.c
				}
			}
			img.Set(x, y, rgb(c[0]+r.NormFloat64()*6, c[1]+r.NormFloat64()*6, c[2]+r.NormFloat64()*6))
		}
	}
	return img
}

// drift is what another honest machine makes of the same prompt and seed:
// the picture with fresh grain and a slight shift in brightness.
func drift(src *image.RGBA, seed uint64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 11))
	out := image.NewRGBA(src.Bounds())
	shift := r.NormFloat64() * 3
	for i := 0; i < len(src.Pix); i += 4 {
		for k := range 3 {
			out.Pix[i+k] = clamp8(float64(src.Pix[i+k]) + shift + r.NormFloat64()*5)
		}
		out.Pix[i+3] = 255
	}
	return out
}

func flat(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	return img
}

// noise is independent random pixels; sigma < 0 means uniform over 0..255.
func noise(seed uint64, w, h int, mean, sigma float64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 3))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		for k := range 3 {
			if sigma < 0 {
				img.Pix[i+k] = uint8(r.IntN(256))
			} else {
				img.Pix[i+k] = clamp8(mean + r.NormFloat64()*sigma)
			}
		}
		img.Pix[i+3] = 255
	}
	return img
}

func reencode(img image.Image, quality int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

func rgb(r, g, b float64) color.RGBA { return color.RGBA{clamp8(r), clamp8(g), clamp8(b), 255} }

func clamp8(v float64) uint8 { return uint8(math.Round(min(max(v, 0), 255))) }

func reencodeBytes(b []byte) image.Image {
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	return img
}
