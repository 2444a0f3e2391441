package simnet

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"image"
	"image/draw"
	_ "image/jpeg" // inputs may be JPEG
	"math"
	"strconv"

	"jobtester/media"
)

// What honest simulated models make. A real diffusion model's output is a
// function of the model, the prompt, the seed and the input image: run
// twice it gives the same picture, and another model, prompt or seed gives
// another one. simnet's models are such functions too (a media.Scene drawn
// from a hash of what the output depends on), so that a tester can compare
// answers across orchestrators (consensus) and across requests (repeats).
// Different GPUs do not give bit-identical results, so each orchestrator
// adds its own faint noise (jitterAmplitude): honest answers to the same
// request are near, not equal.

// jitterAmplitude is the largest change, in 8-bit levels, an orchestrator's
// own noise makes to a channel.
const jitterAmplitude = 2

// contentSeed hashes the parts an output depends on into a scene seed.
func contentSeed(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// digest names input bytes in a content seed or a cache key.
func digest(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}

// decodeInput decodes an input image to RGBA; an input that does not
// decode (the gateway already checked it does) or is missing gives a plain
// grey picture of the size, so that the model still answers.
func decodeInput(data []byte, w, h int) *image.RGBA {
	if img, _, err := image.Decode(bytes.NewReader(data)); err == nil {
		return toRGBA(img)
	}
	img := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	return img
}

func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

// resize scales src to w×h by nearest neighbour: enough for a picture that
// must resemble its input, and cheap.
func resize(src *image.RGBA, w, h int) *image.RGBA {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	if sw == w && sh == h {
		return src
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		sy := min(y*sh/h, sh-1)
		srow := src.Pix[sy*src.Stride:]
		orow := out.Pix[y*out.Stride:]
		for x := range w {
			sx := min(x*sw/w, sw-1)
			copy(orow[4*x:4*x+4], srow[4*sx:4*sx+4])
		}
	}
	return out
}

// blend lays b over a with weight wb (0: a, 1: b), in place in a.
func blend(a, b *image.RGBA, wb float64) {
	kb := int(wb*256 + 0.5)
	ka := 256 - kb
	for i := range a.Pix {
		a.Pix[i] = uint8((int(a.Pix[i])*ka + int(b.Pix[i])*kb + 128) >> 8)
	}
}

// jitter adds the orchestrator's faint noise, a fixed function of its
// seed and the place, so that its own answers stay repeatable. The noise is
// one offset per 4×4 block: cheap to make and to compress, and still no
// two orchestrators' answers are equal.
func jitter(img *image.RGBA, seed uint64) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for by := 0; by < h; by += 4 {
		for bx := 0; bx < w; bx += 4 {
			s := seed ^ uint64(by)<<32 ^ uint64(bx)
			s = (s ^ s>>30) * 0xbf58476d1ce4e5b9
			s = (s ^ s>>27) * 0x94d049bb133111eb
			var d [3]int
			for c := range d {
				d[c] = int((s>>(8*c))%(2*jitterAmplitude+1)) - jitterAmplitude
			}
			for y := by; y < min(by+4, h); y++ {
				row := img.Pix[y*img.Stride:]
				for x := bx; x < min(bx+4, w); x++ {
					for c := range d {
						row[4*x+c] = uint8(min(max(int(row[4*x+c])+d[c], 0), 255))
					}
				}
			}
		}
	}
}

// honestImage is what an image model makes of a request at w×h: for
// text-to-image a scene of its own; for a model with an input image, the
// input under the model's scene (image-to-image keeps 40 % of the input,
// upscale 60 %, so that an upscaled answer still looks like its input).
func honestImage(job jobRequest, route string, w, h int, seed int64) *image.RGBA {
	scene := media.Scene(contentSeed(job.Model, job.Prompt, strconv.FormatInt(seed, 10), digest(job.Image)), w, h)
	keep := 0.0
	switch route {
	case "image-to-image", "image-to-video":
		keep = 0.4
	case "upscale":
		keep = 0.6
	}
	if keep == 0 {
		return scene
	}
	in := resize(decodeInput(job.Image, w, h), w, h)
	out := image.NewRGBA(in.Rect)
	copy(out.Pix, in.Pix)
	blend(out, scene, 1-keep)
	return out
}

// honestVideo pans the model's picture across the frames: a video whose
// frames differ, as image-to-video's do. The orchestrator's noise is laid
// on the picture once, before the pan: per frame it cost as much as the
// rest of the video again (and many times that under the race detector).
func honestVideo(job jobRequest, w, h int, seed int64, orchSeed uint64) []image.Image {
	base := honestImage(job, "image-to-video", w, h, seed)
	jitter(base, orchSeed)
	frames := make([]image.Image, max(job.Frames, 1))
	for i := range frames {
		f := image.NewRGBA(base.Rect)
		shift := (i * max(w/48, 1)) % max(w, 1)
		for y := range h {
			row, src := f.Pix[y*f.Stride:y*f.Stride+4*w], base.Pix[y*base.Stride:y*base.Stride+4*w]
			copy(row, src[4*shift:])
			copy(row[4*(w-shift):], src[:4*shift])
		}
		frames[i] = f
	}
	return frames
}

// speech is what a text-to-speech model says for text: about 0.35 s a
// word (speechSeconds), in syllable tones whose pitches follow from the
// model and the text, so that two texts of the same length do not sound
// alike.
func speech(model, text string) []byte {
	secs := speechSeconds(text)
	n := int(secs * ttsSampleRate)
	out := make([]byte, 44+2*n)
	copy(out, media.SpokenDigits("", ttsSampleRate)) // the header of an empty WAV
	setWAVLength(out, n)
	seed := contentSeed(model, text)
	syllable := int(0.2 * ttsSampleRate)
	for i := range n {
		s := i / syllable
		pos := i % syllable
		if s%4 == 3 || pos > syllable*3/4 {
			continue // pauses between syllables and words
		}
		f := 150 + float64((seed>>(uint(s)%48))&0xff)
		t := float64(i) / ttsSampleRate
		env := math.Sin(math.Pi * float64(pos) / float64(syllable*3/4))
		v := env * 0.6 * math.Sin(2*math.Pi*f*t)
		binary.LittleEndian.PutUint16(out[44+2*i:], uint16(int16(v*20000)))
	}
	return out
}

// setWAVLength writes n 16-bit mono samples into a canonical WAV header.
func setWAVLength(wav []byte, n int) {
	binary.LittleEndian.PutUint32(wav[4:], uint32(36+2*n))
	binary.LittleEndian.PutUint32(wav[40:], uint32(2*n))
}
