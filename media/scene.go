package media

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
)

// Scene draws a w×h picture chosen by seed: a two-colour gradient, a horizon
// band and three to seven shapes (discs, boxes, stripes) of seed-chosen
// colours, places and sizes. Different seeds give pictures that differ to
// the eye and to a perceptual hash; the same seed and size give the same
// pixels. Positions and sizes are fractions of the picture, so one seed at
// two sizes gives the same composition (a resized answer still looks like
// the original). Sizes below 1 are raised to 1.
//
// It is the varied input of the batch tests and the content of the
// simulated network's honest models; it is not meant to look like a photo,
// only to carry as much structure as one.
func Scene(seed uint64, w, h int) *image.RGBA {
	w, h = max(w, 1), max(h, 1)
	r := splitmix{seed}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	top, bottom := r.colour(), r.colour()
	for y := range h {
		c := mix(top, bottom, float64(y)/float64(max(h-1, 1)))
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < len(row); x += 4 {
			row[x], row[x+1], row[x+2], row[x+3] = c.R, c.G, c.B, 255
		}
	}
	horizon := 0.35 + 0.4*r.float()
	fillBox(img, 0, horizon, 1, horizon+0.04+0.1*r.float(), r.colour())
	for range 3 + r.intn(5) {
		cx, cy, size, c := r.float(), r.float(), 0.06+0.22*r.float(), r.colour()
		switch r.intn(3) {
		case 0:
			fillDisc(img, cx, cy, size, c)
		case 1:
			fillBox(img, cx-size, cy-size/2, cx+size, cy+size/2, c)
		default:
			fillStripes(img, cy, size, 3+r.intn(6), c)
		}
	}
	return img
}

// SceneImage is Scene encoded as a PNG.
func SceneImage(seed uint64, w, h int) []byte { return EncodePNG(Scene(seed, w, h)) }

// EncodePNG encodes an image as an 8-bit RGB PNG (alpha dropped), fast
// rather than small: the tester and the simulated network make one per
// request, up to 2048×2048. image/png spends most of its time choosing a
// filter for each row; here every row is unfiltered and deflate runs at its
// fastest, which for pictures of flat shapes and gradients costs little in
// size.
func EncodePNG(img image.Image) []byte {
	rgba, ok := img.(*image.RGBA)
	if !ok {
		b := img.Bounds()
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	}
	w, h := rgba.Rect.Dx(), rgba.Rect.Dy()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits, truecolour; compression, filter, interlace 0
	pngChunk(&out, "IHDR", ihdr)
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed) // the level is valid
	row := make([]byte, 1+3*w)                          // filter byte 0: none
	for y := range h {
		src := rgba.Pix[(y)*rgba.Stride:]
		for x := range w {
			copy(row[1+3*x:4+3*x], src[4*x:4*x+3])
		}
		_, _ = zw.Write(row) // writes to a bytes.Buffer do not fail
	}
	_ = zw.Close()
	pngChunk(&out, "IDAT", idat.Bytes())
	pngChunk(&out, "IEND", nil)
	return out.Bytes()
}

func pngChunk(out *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	out.WriteString(typ)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}

// EncodeVideo returns an MP4 of the frames (JPEG, like TestVideo) at fps
// frames per second; every frame must have the first one's size. No frames
// gives a one-frame black 1×1 video.
func EncodeVideo(frames []image.Image, fps int) []byte {
	if len(frames) == 0 {
		frames = []image.Image{image.NewRGBA(image.Rect(0, 0, 1, 1))}
	}
	b := frames[0].Bounds()
	w, h := clamp(b.Dx(), 1, maxVideoSide), clamp(b.Dy(), 1, maxVideoSide)
	samples := make([][]byte, 0, min(len(frames), maxVideoFrames))
	var buf bytes.Buffer
	for _, f := range frames[:min(len(frames), maxVideoFrames)] {
		buf.Reset()
		if err := jpeg.Encode(&buf, f, &jpeg.Options{Quality: 80}); err != nil {
			panic(fmt.Sprintf("media: encode video frame: %v", err))
		}
		samples = append(samples, bytes.Clone(buf.Bytes()))
	}
	return muxMP4(w, h, max(fps, 1), samples)
}

// splitmix is SplitMix64: a tiny generator whose sequence for a seed is
// fixed forever, unlike math/rand's, so that a scene's seed names the same
// picture in every version.
type splitmix struct{ s uint64 }

func (r *splitmix) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *splitmix) float() float64 { return float64(r.next()>>11) / (1 << 53) }
func (r *splitmix) intn(n int) int { return int(r.next() % uint64(n)) }

// colour is any opaque colour.
func (r *splitmix) colour() color.RGBA {
	v := r.next()
	return color.RGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), 255}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

// span turns fractions [a, b) of n pixels into pixel bounds inside [0, n].
func span(a, b float64, n int) (int, int) {
	lo, hi := int(a*float64(n)), int(b*float64(n))
	return clamp(lo, 0, n), clamp(hi, 0, n)
}

func fillBox(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA) {
	b := img.Bounds()
	xa, xb := span(x0, x1, b.Dx())
	ya, yb := span(y0, y1, b.Dy())
	for y := ya; y < yb; y++ {
		row := img.Pix[y*img.Stride:]
		for x := xa; x < xb; x++ {
			row[4*x], row[4*x+1], row[4*x+2] = c.R, c.G, c.B
		}
	}
}

// fillDisc draws a disc centred at (cx, cy) whose radius is r of the
// smaller side.
func fillDisc(img *image.RGBA, cx, cy, r float64, c color.RGBA) {
	b := img.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	rad := r * min(w, h)
	px, py := cx*w, cy*h
	ya, yb := span((py-rad)/h, (py+rad)/h+1/h, b.Dy())
	xa, xb := span((px-rad)/w, (px+rad)/w+1/w, b.Dx())
	for y := ya; y < yb; y++ {
		row := img.Pix[y*img.Stride:]
		dy := float64(y) + 0.5 - py
		for x := xa; x < xb; x++ {
			dx := float64(x) + 0.5 - px
			if dx*dx+dy*dy <= rad*rad {
				row[4*x], row[4*x+1], row[4*x+2] = c.R, c.G, c.B
			}
		}
	}
}

// fillStripes draws n horizontal stripes over a band of height size
// centred at cy, across the whole width.
func fillStripes(img *image.RGBA, cy, size float64, n int, c color.RGBA) {
	for i := range n {
		a := cy - size/2 + size*float64(i)/float64(n)
		fillBox(img, 0, a, 1, a+size/float64(2*n), c)
	}
}
