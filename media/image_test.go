package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

func TestTestImageRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ w, h int }{{1, 1}, {7, 3}, {64, 64}, {512, 512}, {300, 100}} {
		data := TestImage(c.w, c.h)
		w, h, format, err := ImageInfo(data)
		if err != nil || w != c.w || h != c.h || format != "png" {
			t.Errorf("TestImage(%d, %d) → ImageInfo = %d×%d %q %v", c.w, c.h, w, h, format, err)
		}
	}
}

func TestTestImageIsDeterministicAndNotUniform(t *testing.T) {
	t.Parallel()
	a, b := TestImage(128, 96), TestImage(128, 96)
	if !bytes.Equal(a, b) {
		t.Fatal("two calls with the same size differ")
	}
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	colours := map[color.RGBA]bool{}
	for y := 0; y < 96; y += 4 {
		for x := 0; x < 128; x += 4 {
			colours[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
		}
	}
	if len(colours) < 50 {
		t.Fatalf("pattern has only %d distinct colours in a sample", len(colours))
	}
}

func TestTestImageClampsSizes(t *testing.T) {
	t.Parallel()
	w, h, _, err := ImageInfo(TestImage(0, -5))
	if err != nil || w != 1 || h != 1 {
		t.Fatalf("TestImage(0, -5) = %d×%d, %v; want 1×1", w, h, err)
	}
}

func TestImageInfoFormats(t *testing.T) {
	t.Parallel()
	src := patternImage(40, 30, 0)
	var jp, gf bytes.Buffer
	if err := jpeg.Encode(&jp, src, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, src, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		data   []byte
		format string
	}{{TestImage(40, 30), "png"}, {jp.Bytes(), "jpeg"}, {gf.Bytes(), "gif"}} {
		w, h, format, err := ImageInfo(c.data)
		if err != nil || w != 40 || h != 30 || format != c.format {
			t.Errorf("%s: %d×%d %q %v", c.format, w, h, format, err)
		}
	}
}

func TestImageInfoRejectsBrokenInput(t *testing.T) {
	t.Parallel()
	good := TestImage(64, 48)
	cases := map[string][]byte{
		"empty":       nil,
		"garbage":     []byte("this is not an image at all"),
		"wrong magic": append([]byte("\x89PNX"), good[4:]...),
		// A header that claims 60000×60000 in a few hundred bytes: must be
		// refused before the decoder allocates the raster.
		"huge size claim": pngWithSize(t, 60000, 60000),
		"zero width":      pngHeaderOnly(0, 10),
	}
	// Cut at many lengths: the header survives in most of these, so the
	// full decode is what must notice.
	for _, n := range []int{1, 8, 16, 33, 40, 57, 100, len(good) / 2, len(good) - 12, len(good) - 1} {
		cases["truncated to "+itoa(n)] = good[:n]
	}
	// A byte flipped in the compressed pixels breaks the zlib checksum.
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0xFF
	cases["corrupt pixels"] = flipped

	for name, data := range cases {
		if w, h, f, err := ImageInfo(data); err == nil {
			t.Errorf("%s: accepted as %d×%d %s", name, w, h, f)
		}
	}
	if _, _, _, err := ImageInfo(cases["huge size claim"]); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge size claim: err = %v, want ErrTooLarge", err)
	}
}

// pngWithSize encodes a 1×1 PNG and patches its IHDR to claim w×h (with a
// correct CRC), so that only the size is wrong.
func pngWithSize(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	putPNGSize(data, w, h)
	return data
}

func pngHeaderOnly(w, h int) []byte {
	data := append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0, 13)
	data = append(data, "IHDR"...)
	data = append(data, make([]byte, 8)...)
	data = append(data, 8, 0, 0, 0, 0, 0, 0, 0, 0)
	putPNGSize(data, w, h)
	return data
}

func putPNGSize(data []byte, w, h int) {
	// Signature (8), length (4), "IHDR" (4), then width and height.
	be32(data[16:], uint32(w))
	be32(data[20:], uint32(h))
	crc := crc32IEEE(data[12:29])
	be32(data[29:], crc)
}
