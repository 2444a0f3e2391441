package media

import (
	"bytes"
	"image/gif"
	"image/jpeg"
	"testing"
)

// The parsers read bytes from the network. The fuzz tests check that no
// input makes them panic and that a small input cannot make them allocate
// much: a size field claiming gigabytes must be caught by a check, not by
// running out of memory.

// allocBudget is the most one parse of data may allocate: audio and video
// parsing allocate almost nothing whatever the input, so a generous fixed
// bound is enough to catch a header-sized allocation.
const allocBudget = 16 << 20

func FuzzAudioInfo(f *testing.F) {
	f.Add(TestAudio(0.05, 8000))
	f.Add(TestAudio(0, 16000))
	f.Add(wav(-1, chunk("fmt ", extensible(wavFormatFloat, 2, 16000, 32)), chunk("data", make([]byte, 64))))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		before := heapAllocated()
		format, err := AudioInfo(data)
		samples, sf, serr := AudioSamples(data)
		if serr == nil && (err != nil || sf != format || len(samples) > len(data)/2) {
			t.Fatalf("AudioSamples accepted what AudioInfo did not (%v), or read %d samples from %d bytes", err, len(samples), len(data))
		}
		if used := heapAllocated() - before; used > allocBudget {
			t.Fatalf("allocated %d bytes for a %d-byte input", used, len(data))
		}
		if err == nil && (format.SampleRate < 1 || format.Channels < 1 || format.Duration < 0) {
			t.Fatalf("accepted with impossible format %+v", format)
		}
	})
}

func FuzzVideoInfo(f *testing.F) {
	f.Add(TestVideo(16, 16, 2, 2))
	f.Add(TestVideo(8, 4, 1, 30)[:200])
	f.Add([]byte("\x00\x00\x00\x01ftyp\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if img, vf, err := VideoFirstFrame(data); err == nil && (img.Bounds().Dx() != vf.Width || img.Bounds().Dy() != vf.Height) {
			t.Fatalf("first frame %v in a %dx%d track", img.Bounds(), vf.Width, vf.Height)
		}
		before := heapAllocated()
		format, err := VideoInfo(data)
		if used := heapAllocated() - before; used > allocBudget {
			t.Fatalf("allocated %d bytes for a %d-byte input", used, len(data))
		}
		if err == nil && (format.Width < 1 || format.Height < 1 || format.Frames < 1 || format.Duration < 0) {
			t.Fatalf("accepted with impossible format %+v", format)
		}
	})
}

func FuzzImageInfo(f *testing.F) {
	src := patternImage(12, 10, 0)
	var jp, gf bytes.Buffer
	if err := jpeg.Encode(&jp, src, nil); err != nil {
		f.Fatal(err)
	}
	if err := gif.Encode(&gf, src, nil); err != nil {
		f.Fatal(err)
	}
	f.Add(TestImage(12, 10))
	f.Add(jp.Bytes())
	f.Add(gf.Bytes())
	f.Add(pngHeaderOnly(1<<20, 1<<20))
	f.Fuzz(func(t *testing.T, data []byte) {
		before := heapAllocated()
		w, h, _, err := ImageInfo(data)
		// The decoders allocate the raster, so the bound follows the
		// pixel budget: at most 16 bytes a pixel (a progressive JPEG's
		// coefficients plus its planes) and some fixed overhead.
		budget := uint64(16*(imageFreePixels+imagePixelsPerByte*len(data))) + allocBudget
		if used := heapAllocated() - before; used > budget {
			t.Fatalf("allocated %d bytes for a %d-byte input (budget %d)", used, len(data), budget)
		}
		if err == nil && (w < 1 || h < 1) {
			t.Fatalf("accepted with size %d×%d", w, h)
		}
	})
}
