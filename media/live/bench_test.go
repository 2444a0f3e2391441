package live

import (
	"image"
	"testing"
	"time"
)

// The per-frame costs of a live test at the default 512x512@30. At 30 fps a
// core has 33.3 ms per frame, so ns/op / 333,333 is the share of one core
// (ns/op 3,333,333 = 10 %).

func BenchmarkSignalFrame512(b *testing.B) {
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	img := s.Frame(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s.Render(img, i)
	}
	reportCore(b)
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
	for i := 0; b.Loop(); i++ {
		if _, _, err := enc.Encode(frames[i%len(frames)], time.Duration(i)*time.Second/30); err != nil {
			b.Fatal(err)
		}
	}
	reportCore(b)
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
	for i := 0; b.Loop(); i++ {
		if err := dec.Decode(aus[i%len(aus)], time.Duration(i)*time.Millisecond, release); err != nil {
			b.Fatal(err)
		}
	}
	reportCore(b)
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
	for b.Loop() {
		EffectStylize.Apply(dst, src)
	}
	reportCore(b)
}

func BenchmarkReadCounter512(b *testing.B) {
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	img := s.Frame(4242)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, ok := s.ReadCounter(img); !ok {
			b.Fatal("counter not read")
		}
		_ = IsFlashImage(img)
	}
	reportCore(b)
}

// reportCore adds the share of one core this per-frame cost takes at 30 fps.
func reportCore(b *testing.B) {
	if b.N == 0 {
		return
	}
	perFrame := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perFrame*30*100, "%core@30fps")
}
