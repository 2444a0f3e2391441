package analyzer

import (
	"bytes"
	"image"
	"image/jpeg"
	"sync"
	"syscall"
	"testing"
	"time"

	"jobtester/media/live"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func meterFor(sig *testSignal, s sim, opt Options) *Meter {
	if s.inFPS == 0 {
		s.inFPS = 30
	}
	opt.PublishStart = t0
	if sig != nil {
		opt.Signal = sig
		opt.Sent = s.sent(t0)
	}
	return NewMeter(opt)
}

func TestMeterMeasuresRateStartupAndResolution(t *testing.T) {
	t.Parallel()
	sig := newTestSignal(320, 240)
	s := sim{outPeriod: time.Second / 24, frames: 240, startup: 3 * time.Second, latency: 300 * time.Millisecond,
		gap: func(k int) time.Duration { return time.Duration(k) * time.Second / 24 }}
	m := meterFor(sig, s, Options{})
	res := s.run(m, sig, t0)
	r := m.Report()
	if r.Frames != 240 || r.Width != 320 || r.Height != 240 {
		t.Fatalf("frames %d size %dx%d, want 240 at 320x240", r.Frames, r.Width, r.Height)
	}
	if r.StartupLatency() != 3*time.Second {
		t.Errorf("startup %v, want 3s", r.StartupLatency())
	}
	if !within(r.FPSMean, 24, 0.1) || !within(r.FPSFromPTS, 24, 0.1) {
		t.Errorf("fps %.3f (pts %.3f), want 24", r.FPSMean, r.FPSFromPTS)
	}
	if !within(r.FPSLow, 24, 1) {
		t.Errorf("fps low %.1f, want 24", r.FPSLow)
	}
	if r.JitterMS > 0.01 {
		t.Errorf("jitter %.3f ms on an even stream", r.JitterMS)
	}
	if r.Freezes != 0 || r.BlackFrames != 0 || r.Ended {
		t.Errorf("freezes %d black %d ended %v on a clean stream", r.Freezes, r.BlackFrames, r.Ended)
	}
	if want := res.last.Sub(res.first); r.Observed() != want {
		t.Errorf("observed %v, want %v", r.Observed(), want)
	}
}

func TestMeterSetsTheCatchUpBurstAside(t *testing.T) {
	t.Parallel()
	// A reader joins late: frames 0..9 (the server's backlog since the last
	// keyframe) arrive a millisecond apart, ending on schedule at frame 9;
	// from frame 10 on, each arrives 300 ms after it was sent.
	sig := newTestSignal(384, 256)
	sent := sim{inFPS: 30}.sent(t0)
	m := NewMeter(Options{PublishStart: t0, Signal: sig, Sent: sent})
	const lat = 300 * time.Millisecond
	at9, _ := sent(9)
	var last time.Time
	for n := range 300 {
		at, _ := sent(n)
		at = at.Add(lat)
		if n < 10 {
			at = at9.Add(lat - time.Duration(9-n)*time.Millisecond)
		}
		m.Feed(passThrough(sig.Frame(n)), at, time.Duration(n)*time.Second/30)
		last = at
	}
	m.Finish(last, false)
	r := m.Report()
	if r.CatchUpFrames != 10 || r.Frames != 300 {
		t.Errorf("catch-up %d of %d frames, want 10 of 300", r.CatchUpFrames, r.Frames)
	}
	if !within(r.FPSMean, 30, 0.01) || r.FPSLow != 30 || r.JitterMS > 0.01 {
		t.Errorf("fps %.3f low %.1f jitter %.3f, want 30, 30, 0", r.FPSMean, r.FPSLow, r.JitterMS)
	}
	if !withinDur(r.CounterLatency(), lat, time.Millisecond) || !withinDur(r.E2ELatency(), lat, time.Millisecond) {
		t.Errorf("counter latency %v e2e %v, want %v", r.CounterLatency(), r.E2ELatency(), lat)
	}
	if first, _ := sent(9); r.StartupLatency() != first.Add(lat-9*time.Millisecond).Sub(t0) {
		t.Errorf("startup %v counts from the first frame shown", r.StartupLatency())
	}
}

func TestMeterJitterIsTheSpreadOfArrivalGaps(t *testing.T) {
	t.Parallel()
	// Gaps alternate 30 and 50 ms: mean 40, standard deviation 10.
	gap := func(k int) time.Duration {
		return time.Duration(k/2*80+k%2*30) * time.Millisecond
	}
	s := sim{frames: 301, gap: gap}
	m := meterFor(nil, s, Options{})
	s.run(m, newTestSignal(128, 96), t0)
	r := m.Report()
	if !within(r.JitterMS, 10, 0.1) {
		t.Errorf("jitter %.3f ms, want 10", r.JitterMS)
	}
	if !within(r.FPSMean, 25, 0.1) {
		t.Errorf("fps %.3f, want 25", r.FPSMean)
	}
}

func TestMeterFPSLowCatchesASlowSecond(t *testing.T) {
	t.Parallel()
	// 30 fps for 10 s, except that second 4 delivers only 10 frames
	// (output frames 120..149 skipped but every third).
	s := sim{frames: 300, skip: func(k int) bool { return k >= 120 && k < 150 && k%3 != 0 }}
	m := meterFor(nil, s, Options{})
	res := s.run(m, newTestSignal(128, 96), t0)
	m.Finish(res.first.Add(10*time.Second), false)
	r := m.Report()
	if r.FPSLow != 10 {
		t.Errorf("fps low %.1f, want 10", r.FPSLow)
	}
	if !within(r.FPSMean, 28, 0.1) {
		t.Errorf("fps mean %.2f, want 28", r.FPSMean)
	}
}

func TestMeterFreezes(t *testing.T) {
	t.Parallel()
	const frame = time.Second / 30
	for _, tc := range []struct {
		name        string
		s           sim
		freezes     int
		total, tol  time.Duration
		freezeAfter time.Duration
	}{
		{name: "no freeze", s: sim{frames: 300}},
		{name: "repeated frames for 1.5 s", s: sim{frames: 300, hold: func(k int) bool { return k >= 100 && k < 145 }},
			freezes: 1, total: 46 * frame, tol: 2 * time.Millisecond},
		{name: "repeated frames for 0.5 s is no freeze", s: sim{frames: 300, hold: func(k int) bool { return k >= 100 && k < 115 }}},
		{name: "no frames for 1.5 s", s: sim{frames: 300, skip: func(k int) bool { return k >= 100 && k < 145 }},
			freezes: 1, total: 46 * frame, tol: 2 * time.Millisecond},
		{name: "two freezes", s: sim{frames: 300, hold: func(k int) bool { return k >= 30 && k < 75 || k >= 200 && k < 260 }},
			freezes: 2, total: 46*frame + 61*frame, tol: 2 * time.Millisecond},
		{name: "frozen at the end until Finish", s: sim{frames: 300, hold: func(k int) bool { return k >= 270 }, finishAfter: time.Second},
			freezes: 1, total: 30*frame + time.Second, tol: 2 * time.Millisecond},
		{name: "stalled after the last frame", s: sim{frames: 300, finishAfter: 2 * time.Second},
			freezes: 1, total: 2 * time.Second, tol: time.Millisecond},
		{name: "threshold is configurable", s: sim{frames: 300, hold: func(k int) bool { return k >= 100 && k < 115 }},
			freezeAfter: 300 * time.Millisecond, freezes: 1, total: 16 * frame, tol: 2 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sig := newTestSignal(256, 192)
			m := meterFor(sig, tc.s, Options{FreezeThreshold: tc.freezeAfter})
			tc.s.run(m, sig, t0)
			r := m.Report()
			if r.Freezes != tc.freezes || !withinDur(r.FreezeTotal(), tc.total, tc.tol) {
				t.Errorf("freezes %d total %v, want %d total %v", r.Freezes, r.FreezeTotal(), tc.freezes, tc.total)
			}
		})
	}
}

func TestMeterCountsBlackFrames(t *testing.T) {
	t.Parallel()
	dark := func(img *image.YCbCr) *image.YCbCr {
		out := cloneYCbCr(img)
		for i, v := range out.Y {
			out.Y[i] = v / 4 // dark, but with texture: not black
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		transform func(*image.YCbCr) *image.YCbCr
		want      int
	}{
		{"black", black, 90},
		{"signal", passThrough, 0},
		{"dark scene", dark, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sig := newTestSignal(256, 192)
			s := sim{frames: 90, transform: tc.transform}
			m := meterFor(sig, s, Options{})
			s.run(m, sig, t0)
			r := m.Report()
			if r.BlackFrames != tc.want || !within(r.BlackFraction, float64(tc.want)/90, 1e-9) {
				t.Errorf("black %d (%.2f), want %d", r.BlackFrames, r.BlackFraction, tc.want)
			}
		})
	}
}

func TestMeterEndToEndLatencyFromFlashes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		s         sim
		want, tol time.Duration
		counter   bool // the counter stays readable
	}{
		{name: "pass-through 400 ms", s: sim{frames: 300, startup: time.Second, latency: 400 * time.Millisecond, transform: passThrough},
			want: 400 * time.Millisecond, tol: 5 * time.Millisecond, counter: true},
		{name: "inverted 400 ms, counter unreadable", s: sim{frames: 300, startup: time.Second, latency: 400 * time.Millisecond, transform: invert},
			want: 400 * time.Millisecond, tol: 5 * time.Millisecond},
		{name: "restyled 1 s", s: sim{frames: 300, startup: 2 * time.Second, latency: time.Second, transform: warm},
			want: time.Second, tol: 5 * time.Millisecond, counter: true},
		{name: "15 fps output drops frames", s: sim{frames: 150, outPeriod: time.Second / 15, startup: time.Second, latency: 400 * time.Millisecond, transform: invert},
			want: 400 * time.Millisecond, tol: 70 * time.Millisecond},
		// 2.4 s is more than the 2 s between flashes: the nearest earlier
		// flash is the wrong one, the counter picks the right one.
		{name: "latency beyond the flash period", s: sim{frames: 300, startup: 3 * time.Second, latency: 2400 * time.Millisecond, transform: warm},
			want: 2400 * time.Millisecond, tol: 5 * time.Millisecond, counter: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sig := newTestSignal(384, 256)
			m := meterFor(sig, tc.s, Options{})
			tc.s.run(m, sig, t0)
			r := m.Report()
			if !withinDur(r.E2ELatency(), tc.want, tc.tol) {
				t.Errorf("e2e %v, want %v±%v", r.E2ELatency(), tc.want, tc.tol)
			}
			// 10 s of output at one flash every 2 s.
			if r.FlashesMatched < 4 || r.FlashesSeen != r.FlashesMatched {
				t.Errorf("flashes matched %d of %d seen, want ≥4 all matched", r.FlashesMatched, r.FlashesSeen)
			}
			if tc.counter != (r.CounterFrames > 0) {
				t.Errorf("counter frames %d, counter readable %v", r.CounterFrames, tc.counter)
			}
			if tc.counter && !withinDur(r.CounterLatency(), tc.want, 34*time.Millisecond) {
				t.Errorf("counter latency %v, want %v", r.CounterLatency(), tc.want)
			}
		})
	}
}

func TestMeterWithoutReferenceMeasuresNoLatency(t *testing.T) {
	t.Parallel()
	s := sim{frames: 120, startup: time.Second, latency: 400 * time.Millisecond}
	m := NewMeter(Options{})
	s.run(m, newTestSignal(256, 192), t0)
	r := m.Report()
	if r.E2ELatency() != 0 || r.FlashesMatched != 0 || r.Compared != 0 || r.PassThrough {
		t.Errorf("e2e %v matched %d compared %d pass %v without a reference", r.E2ELatency(), r.FlashesMatched, r.Compared, r.PassThrough)
	}
	if r.StartupLatency() != 0 || r.Frames != 120 {
		t.Errorf("startup %v frames %d", r.StartupLatency(), r.Frames)
	}
}

func TestMeterFlagsPassThroughNotRestyling(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		transform func(*image.YCbCr) *image.YCbCr
		pass      bool
	}{
		{"pass-through, counter read", passThrough, true},
		{"pass-through, counter erased", eraseCounter, true},
		{"restyled colours", warm, false},
		{"inverted", invert, false},
		{"black", black, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sig := newTestSignal(384, 256)
			s := sim{frames: 240, startup: 1500 * time.Millisecond, latency: 700 * time.Millisecond, transform: tc.transform}
			m := meterFor(sig, s, Options{})
			s.run(m, sig, t0)
			r := m.Report()
			if r.PassThrough != tc.pass {
				t.Errorf("pass-through %v, want %v (similarity %.2f, diff %.1f over %d)", r.PassThrough, tc.pass, r.InputSimilarity, r.InputDiff, r.Compared)
			}
			if tc.pass && (r.Compared < 20 || r.InputSimilarity < 0.9) {
				t.Errorf("compared %d similarity %.2f, want ≥20 at ≥0.9", r.Compared, r.InputSimilarity)
			}
		})
	}
}

func TestMeterThumbnailIsAFrameFromTheMiddle(t *testing.T) {
	t.Parallel()
	sig := newTestSignal(512, 384)
	s := sim{frames: 300, startup: time.Second, latency: 200 * time.Millisecond, transform: warm}
	m := meterFor(sig, s, Options{Duration: 10 * time.Second})
	res := s.run(m, sig, t0)
	r := m.Report()
	img, err := jpeg.Decode(bytes.NewReader(r.Thumbnail))
	if err != nil {
		t.Fatalf("thumbnail: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 192 {
		t.Fatalf("thumbnail %v, want 256x192", b)
	}
	// Frame 150 arrives 5 s after the first; it is not a flash frame.
	want := downscale(warm(sig.Frame(res.shown[150])), nil)
	if !bytes.Equal(m.thumb.Y, want.Y) || !bytes.Equal(m.thumb.Cb, want.Cb) {
		t.Errorf("thumbnail is not output frame 150")
	}
}

func TestMeterThumbnailOfAShortRunIsFromItsSecondHalf(t *testing.T) {
	t.Parallel()
	sig := newTestSignal(200, 100)
	s := sim{frames: 100, startup: time.Second, transform: warm, ended: true}
	m := meterFor(sig, s, Options{Duration: time.Minute})
	res := s.run(m, sig, t0)
	r := m.Report()
	if len(r.Thumbnail) == 0 {
		t.Fatal("no thumbnail")
	}
	// Frames 1, 2, 4, …, 64 are kept in turn: the 64th (index 63).
	want := downscale(warm(sig.Frame(res.shown[63])), nil)
	if m.thumb.Rect.Dx() != 200 || !bytes.Equal(m.thumb.Y, want.Y) {
		t.Errorf("thumbnail is not output frame 63")
	}
	if !r.Ended || r.EndedAfter() != res.last.Sub(res.first) {
		t.Errorf("ended %v after %v, want after %v", r.Ended, r.EndedAfter(), res.last.Sub(res.first))
	}
}

func TestMeterCopesWithOddImages(t *testing.T) {
	t.Parallel()
	m := NewMeter(Options{Signal: newTestSignal(64, 64), Sent: sim{inFPS: 30}.sent(t0)})
	at := t0
	feed := func(img *image.YCbCr) {
		at = at.Add(time.Second / 30)
		m.Feed(img, at, 0)
	}
	odd := image.NewYCbCr(image.Rect(3, 5, 104, 78), image.YCbCrSubsampleRatio420)
	feed(odd)
	feed(image.NewYCbCr(image.Rect(0, 0, 33, 17), image.YCbCrSubsampleRatio444))
	feed(image.NewYCbCr(image.Rect(-7, -9, 50, 41), image.YCbCrSubsampleRatio422))
	feed(image.NewYCbCr(image.Rect(0, 0, 1, 1), image.YCbCrSubsampleRatio410))
	feed(image.NewYCbCr(image.Rect(0, 0, 9, 9), image.YCbCrSubsampleRatio440))
	feed(image.NewYCbCr(image.Rect(0, 0, 9, 9), image.YCbCrSubsampleRatio411))
	// Broken images are ignored, not indexed.
	short := image.NewYCbCr(image.Rect(0, 0, 64, 64), image.YCbCrSubsampleRatio420)
	short.Cr = short.Cr[:10]
	feed(short)
	narrow := image.NewYCbCr(image.Rect(0, 0, 64, 64), image.YCbCrSubsampleRatio420)
	narrow.YStride = 10
	feed(narrow)
	feed(&image.YCbCr{})
	m.Feed(nil, at, 0)
	r := m.Report()
	if r.Frames != 6 || r.Width != 9 || r.Height != 9 {
		t.Errorf("frames %d size %dx%d, want 6 ending at 9x9", r.Frames, r.Width, r.Height)
	}
	if r.BlackFrames != 6 {
		t.Errorf("black %d, want 6 (all-zero frames)", r.BlackFrames)
	}
}

func TestMeterFollowsAResolutionChange(t *testing.T) {
	t.Parallel()
	big, small := newTestSignal(384, 256), newTestSignal(192, 128)
	m := NewMeter(Options{})
	at := t0
	for n := range 120 {
		sig := big
		if n >= 60 {
			sig = small
		}
		at = at.Add(time.Second / 30)
		m.Feed(sig.Frame(n), at, 0)
	}
	r := m.Report()
	if r.Width != 192 || r.Height != 128 || r.Freezes != 0 || !within(r.FPSMean, 30, 0.1) {
		t.Errorf("%dx%d freezes %d fps %.2f", r.Width, r.Height, r.Freezes, r.FPSMean)
	}
}

func TestMeterReportWhileFeeding(t *testing.T) {
	t.Parallel()
	sig := newTestSignal(128, 96)
	s := sim{frames: 200, startup: time.Second, latency: 400 * time.Millisecond}
	m := meterFor(sig, s, Options{})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				_ = m.Report()
			}
		}
	})
	s.run(m, sig, t0)
	close(stop)
	wg.Wait()
	if r := m.Report(); r.Frames != 200 {
		t.Errorf("frames %d", r.Frames)
	}
}

func TestEmptyMeterReportsNothing(t *testing.T) {
	t.Parallel()
	m := NewMeter(Options{PublishStart: t0, Signal: newTestSignal(64, 64), Sent: sim{inFPS: 30}.sent(t0)})
	m.Finish(t0.Add(time.Minute), true)
	if r := m.Report(); r.Frames != 0 || r.Ended || r.Thumbnail != nil || r.StartupLatency() != 0 {
		t.Errorf("report of no frames: %+v", r)
	}
}

// BenchmarkMeterFeed measures one frame at 512×512. "cold" cycles through
// 60 frames (24 MB) so that every frame comes from main memory; "warm"
// alternates two, as when the meter reads a frame the decoder has just
// written. "+signal" adds media/live's Signal as the reference: its counter
// read on every frame and the pass-through probes. Besides wall time per
// frame it reports the process's CPU time per frame and the share of one
// core that makes at 30 fps, which a loaded machine does not inflate.
func BenchmarkMeterFeed(b *testing.B) {
	sig, err := live.NewSignal(live.DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	frames := make([]*image.YCbCr, 60)
	for i := range frames {
		frames[i] = live.EffectStylize.Apply(nil, sig.Frame(i))
	}
	for _, bc := range []struct {
		name   string
		frames int
		opt    Options
	}{
		{"cold", 60, Options{}},
		{"warm", 2, Options{}},
		{"cold+signal", 60, Options{Signal: sig, Sent: sim{inFPS: 30}.sent(t0)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			m := NewMeter(bc.opt)
			at := t0.Add(time.Second)
			b.ReportAllocs()
			cpu := cpuTime()
			i := 0
			for b.Loop() {
				at = at.Add(time.Second / 30)
				m.Feed(frames[i%bc.frames], at, time.Duration(i)*time.Second/30)
				i++
			}
			perFrame := (cpuTime() - cpu).Seconds() / float64(b.N)
			b.ReportMetric(perFrame*1e9, "cpu-ns/op")
			b.ReportMetric(perFrame*30*100, "%core@30fps")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
