package live

import (
	"image"
	"syscall"
	"testing"
	"time"
)

// The per-frame costs of a live test at the default 512x512@30. At 30 fps a
// core has 33.3 ms per frame. Each benchmark reports the process CPU time
// per frame (cpu-ns/op, from getrusage, which a busy machine inflates less
// than wall time) and what that is as a share of one core at 30 fps.

func BenchmarkSignalFrame512(b *testing.B) {
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	img := s.Frame(0)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		s.Render(img, i)
	}
	reportCore(b, cpu)
}

func BenchmarkEncode512(b *testing.B) {
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	enc, err := NewEncoder(EncoderConfig{Width: 512, Height: 512, FPS: 30, Bitrate: 2_000_000})
	if err != nil {
		b.Fatal(err)
	}
	defer enc.Close()
	// Pre-render a flash period's worth of frames: the benchmark is the
	// encoder's, not the signal's.
	frames := make([]*image.YCbCr, s.FlashPeriod())
	for i := range frames {
		frames[i] = s.Frame(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		if _, _, err := enc.Encode(frames[i%len(frames)], time.Duration(i)*time.Second/30); err != nil {
			b.Fatal(err)
		}
	}
	reportCore(b, cpu)
}

func BenchmarkDecode512(b *testing.B) {
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	enc, err := NewEncoder(EncoderConfig{Width: 512, Height: 512, FPS: 30, Bitrate: 2_000_000})
	if err != nil {
		b.Fatal(err)
	}
	// Two keyframe intervals of the stream, decoded over and over from
	// its first keyframe.
	var aus [][][]byte
	for n := range 60 {
		au, _, err := enc.Encode(s.Frame(n), time.Duration(n)*time.Second/30)
		if err != nil {
			b.Fatal(err)
		}
		cp := make([][]byte, len(au))
		for i := range au {
			cp[i] = append([]byte(nil), au[i]...)
		}
		aus = append(aus, cp)
	}
	enc.Close()
	dec, err := NewDecoder()
	if err != nil {
		b.Fatal(err)
	}
	defer dec.Close()
	release := func(img *image.YCbCr, _ time.Duration) { dec.Release(img) }
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		if err := dec.Decode(aus[i%len(aus)], time.Duration(i)*time.Millisecond, release); err != nil {
			b.Fatal(err)
		}
	}
	reportCore(b, cpu)
}

func BenchmarkStylize512(b *testing.B) {
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	src := s.Frame(5)
	dst := EffectStylize.Apply(nil, src)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		EffectStylize.Apply(dst, src)
	}
	reportCore(b, cpu)
}

func BenchmarkReadCounter512(b *testing.B) {
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	img := s.Frame(4242)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, ok := s.ReadCounter(img); !ok {
			b.Fatal("counter not read")
		}
		_ = IsFlashImage(img)
	}
	reportCore(b, cpu)
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCore adds the CPU time per frame since start and the share of one
// core it takes at 30 fps.
func reportCore(b *testing.B, start time.Duration) {
	if b.N == 0 {
		return
	}
	perFrame := (cpuTime() - start).Seconds() / float64(b.N)
	b.ReportMetric(perFrame*1e9, "cpu-ns/op")
	b.ReportMetric(perFrame*30*100, "%core@30fps")
}
