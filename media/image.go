package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	// Registered for ImageInfo: these are the formats the standard library
	// decodes.
	_ "image/gif"
	_ "image/jpeg"
)

// MaxImagePixels is the largest image ImageInfo decodes: 8192×8192, the
// output of a 4× upscale of a 2048×2048 input.
const MaxImagePixels = 1 << 26

// Compression bounds for ImageInfo. A header can claim any size, and the
// decoders allocate the whole raster before reading a pixel, so a few bytes
// could ask for gigabytes. Real images compress by far less than this: a
// solid-colour RGB PNG (deflate's best case) holds about 344 pixels per byte,
// a solid JPEG under 100. Anything up to imageFreePixels passes regardless so
// that tiny flat images still decode.
const (
	imageFreePixels    = 1 << 22 // 2048×2048
	imagePixelsPerByte = 1024
)

// ErrTooLarge is returned when a header claims more pixels than the data
// could plausibly hold, or more than MaxImagePixels.
var ErrTooLarge = errors.New("media: image dimensions too large")

// TestImage returns a PNG of w×h with a deterministic, non-uniform pattern:
// colour gradients, a disc, a rectangle, diagonal stripes and a checkerboard
// corner. Every size gives a different picture, so an output that is merely
// the input passed through can be told apart from a resized one. Sizes below
// 1 are raised to 1.
func TestImage(w, h int) []byte {
	img := patternImage(max(w, 1), max(h, 1), 0)
	var buf bytes.Buffer
	// BestSpeed: the simulated network encodes one of these per result, up
	// to 8192×8192, and the size of the file does not matter to anyone.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		// Encoding an in-memory RGBA into a bytes.Buffer cannot fail.
		panic(fmt.Sprintf("media: encode test image: %v", err))
	}
	return buf.Bytes()
}

// patternImage draws the test pattern; shift moves the shapes so that the
// frames of TestVideo differ from each other.
func patternImage(w, h, shift int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy := (w/3+shift)%max(w, 1), h/3
	r := min(w, h) / 5
	rx0, rx1 := w*55/100, w*85/100
	ry0, ry1 := h*55/100, h*85/100
	cell := max(min(w, h)/16, 1)
	for y := range h {
		row := img.Pix[y*img.Stride:]
		for x := range w {
			c := color.RGBA{
				R: uint8(x * 255 / max(w-1, 1)),
				G: uint8(y * 255 / max(h-1, 1)),
				B: uint8((x + y + shift*4) * 255 / max(w+h-2, 1)),
				A: 255,
			}
			dx, dy := x-cx, y-cy
			switch {
			case dx*dx+dy*dy <= r*r:
				c = color.RGBA{230, 40, 40, 255}
			case x >= rx0 && x < rx1 && y >= ry0 && y < ry1:
				c = color.RGBA{30, 200, 90, 255}
			case x < w/4 && y >= h*3/4 && (x/cell+y/cell)%2 == 0:
				c = color.RGBA{250, 250, 250, 255}
			case ((x+y+shift)/max(cell/2, 1))%6 == 0:
				c = color.RGBA{20, 20, 120, 255}
			}
			p := row[x*4 : x*4+4 : x*4+4]
			p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
		}
	}
	return img
}

// ImageInfo decodes an image (PNG, JPEG or GIF) in full and returns its size
// and format name ("png", "jpeg", "gif"). It decodes every pixel rather than
// just the header so that a truncated or corrupt result is caught. Before
// decoding it refuses headers that claim more pixels than the data could
// hold (see ErrTooLarge), so that hostile input cannot make it allocate
// gigabytes.
func ImageInfo(data []byte) (w, h int, format string, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, "", fmt.Errorf("read image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, "", fmt.Errorf("%s image has empty size %d×%d", format, cfg.Width, cfg.Height)
	}
	if err := checkPixelBudget(cfg.Width, cfg.Height, len(data)); err != nil {
		return 0, 0, "", fmt.Errorf("%s image %d×%d in %d bytes: %w", format, cfg.Width, cfg.Height, len(data), err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return 0, 0, "", fmt.Errorf("decode %s image: %w", format, err)
	}
	if img.Bounds().Empty() {
		return 0, 0, "", fmt.Errorf("%s image decoded to an empty raster", format)
	}
	// The header's size, not the decoded frame's: a GIF's first frame may
	// cover only part of its logical screen.
	return cfg.Width, cfg.Height, format, nil
}

func checkPixelBudget(w, h, dataLen int) error {
	pixels := int64(w) * int64(h)
	if pixels > MaxImagePixels {
		return ErrTooLarge
	}
	if pixels > imageFreePixels+imagePixelsPerByte*int64(dataLen) {
		return ErrTooLarge
	}
	return nil
}
