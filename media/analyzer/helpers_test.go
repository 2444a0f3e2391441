package analyzer

import (
	"image"
	"time"
)

// testSignal is a stand-in for media/live's Signal with known truth: a
// horizontal luma ramp that scrolls 4 px per frame over a chroma gradient,
// a full-frame flash (luma +120) for flashLen frames every flashEvery
// frames, and a 12-bit counter with an odd-parity cell drawn as 13 black/white
// cells of cell×cell pixels along the top edge.
type testSignal struct {
	w, h       int
	flashEvery int
	flashLen   int
}

const (
	counterBits = 12
	cell        = 24
)

func newTestSignal(w, h int) *testSignal {
	return &testSignal{w: w, h: h, flashEvery: 60, flashLen: 3}
}

func (s *testSignal) IsFlash(n int) bool { return n >= 0 && n%s.flashEvery < s.flashLen }

func (s *testSignal) Frame(n int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, s.w, s.h), image.YCbCrSubsampleRatio420)
	flash := s.IsFlash(n)
	for y := range s.h {
		for x := range s.w {
			v := 40 + ((x+4*n)%s.w)*120/s.w
			if flash {
				v = min(v+120, 235)
			}
			img.Y[y*img.YStride+x] = uint8(v)
		}
	}
	for y := range (s.h + 1) / 2 {
		for x := range (s.w + 1) / 2 {
			img.Cb[y*img.CStride+x] = uint8(90 + y*80/((s.h+1)/2))
			img.Cr[y*img.CStride+x] = uint8(160 - x*60/((s.w+1)/2))
		}
	}
	bits := n & (1<<counterBits - 1)
	parity := 1 // odd parity: an all-black strip is no number
	for b := range counterBits {
		parity ^= bits >> b & 1
	}
	for b := range counterBits + 1 {
		on := parity == 1
		if b < counterBits {
			on = bits>>b&1 == 1
		}
		v := uint8(16)
		if on {
			v = 235
		}
		for y := range cell {
			for x := range cell {
				img.Y[y*img.YStride+b*cell+x] = v
			}
		}
	}
	return img
}

// ReadCounter reads the cells' centres; a cell that is neither clearly
// black nor clearly white, or a parity mismatch, makes it unreadable.
func (s *testSignal) ReadCounter(img *image.YCbCr) (int, bool) {
	r := img.Rect
	if r.Dx() < (counterBits+1)*cell || r.Dy() < cell {
		return 0, false
	}
	n, parity := 0, 0
	for b := range counterBits + 1 {
		v := img.Y[img.YOffset(r.Min.X+b*cell+cell/2, r.Min.Y+cell/2)]
		var bit int
		switch {
		case v >= 190:
			bit = 1
		case v <= 60:
		default:
			return 0, false
		}
		if b < counterBits {
			n |= bit << b
		}
		parity ^= bit
	}
	return n, parity == 1
}

// Output transforms, standing in for what a model (or a cheat) does.

// passThrough returns the input with a one-level wobble, as a decode after
// re-encoding would.
func passThrough(img *image.YCbCr) *image.YCbCr {
	out := cloneYCbCr(img)
	for i := range out.Y {
		if i%7 == 0 && out.Y[i] < 255 {
			out.Y[i]++
		}
	}
	return out
}

// warm restyles colours and contrast but keeps the counter readable.
func warm(img *image.YCbCr) *image.YCbCr {
	out := cloneYCbCr(img)
	for i, v := range out.Y {
		out.Y[i] = uint8(float64(v)*0.8 + 30)
	}
	for i := range out.Cb {
		out.Cb[i] = uint8(max(int(out.Cb[i])-30, 0))
		out.Cr[i] = uint8(min(int(out.Cr[i])+40, 255))
	}
	return out
}

// invert turns luma upside down (flashes become dips, the counter becomes
// unreadable) and swaps the chroma planes.
func invert(img *image.YCbCr) *image.YCbCr {
	out := cloneYCbCr(img)
	for i, v := range out.Y {
		out.Y[i] = 255 - v
	}
	out.Cb, out.Cr = out.Cr, out.Cb
	return out
}

// eraseCounter is a pass-through that greys the counter strip out, so the
// comparison has to find the input frame by latency instead.
func eraseCounter(img *image.YCbCr) *image.YCbCr {
	out := passThrough(img)
	for y := range cell {
		for x := range out.Rect.Dx() {
			out.Y[y*out.YStride+x] = 128
		}
	}
	return out
}

func black(img *image.YCbCr) *image.YCbCr {
	out := image.NewYCbCr(img.Rect, image.YCbCrSubsampleRatio420)
	for i := range out.Y {
		out.Y[i] = 16
	}
	for i := range out.Cb {
		out.Cb[i], out.Cr[i] = 128, 128
	}
	return out
}

func cloneYCbCr(img *image.YCbCr) *image.YCbCr {
	out := *img
	out.Y = append([]uint8(nil), img.Y...)
	out.Cb = append([]uint8(nil), img.Cb...)
	out.Cr = append([]uint8(nil), img.Cr...)
	return &out
}

// sim describes a simulated live pipeline: the input is sent at inFPS from
// t0; output frame k arrives at t0+startup+gap(k) and shows the input frame
// sent latency earlier, transformed.
type sim struct {
	inFPS     int
	outPeriod time.Duration // 0: the input's period
	gap       func(k int) time.Duration
	frames    int
	startup   time.Duration
	latency   time.Duration
	transform func(*image.YCbCr) *image.YCbCr
	// hold(k): output frame k repeats frame k−1 (a freeze); skip(k): no
	// frame k at all (a stall).
	hold, skip func(k int) bool
	// finish: Finish the meter this long after the last frame (0: at it);
	// ended: the stream ended there.
	finishAfter time.Duration
	ended       bool
}

type simResult struct {
	t0, first, last time.Time
	shown           []int // input frame shown by each fed output frame
}

func (s sim) sent(t0 time.Time) func(n int) (time.Time, bool) {
	return func(n int) (time.Time, bool) {
		return t0.Add(time.Duration(n) * time.Second / time.Duration(s.inFPS)), n >= 0
	}
}

// run feeds m with the simulated output of sig and finishes it.
func (s sim) run(m *Meter, sig *testSignal, t0 time.Time) simResult {
	if s.inFPS == 0 {
		s.inFPS = 30
	}
	gap := s.gap
	switch {
	case gap != nil:
	case s.outPeriod != 0:
		gap = func(k int) time.Duration { return time.Duration(k) * s.outPeriod }
	default:
		gap = func(k int) time.Duration { return time.Duration(k) * time.Second / time.Duration(s.inFPS) }
	}
	if s.transform == nil {
		s.transform = passThrough
	}
	res := simResult{t0: t0}
	var prev *image.YCbCr
	for k := range s.frames {
		at := t0.Add(s.startup + gap(k))
		if s.skip != nil && s.skip(k) {
			continue
		}
		var img *image.YCbCr
		n := -1
		if prev != nil && s.hold != nil && s.hold(k) {
			img = passThrough(prev) // re-coding noise only
			n = res.shown[len(res.shown)-1]
		} else {
			// A microsecond of slack absorbs the rounding of 1/30 s.
			n = max(int((at.Sub(t0.Add(s.latency))+time.Microsecond)*time.Duration(s.inFPS)/time.Second), 0)
			img = s.transform(sig.Frame(n))
		}
		if res.first.IsZero() {
			res.first = at
		}
		res.last = at
		res.shown = append(res.shown, n)
		m.Feed(img, at, at.Sub(t0))
		prev = img
	}
	m.Finish(res.last.Add(s.finishAfter), s.ended)
	return res
}

func within(got, want, tol float64) bool { return got >= want-tol && got <= want+tol }

func withinDur(got, want, tol time.Duration) bool { return got >= want-tol && got <= want+tol }
