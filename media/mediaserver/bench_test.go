package mediaserver

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"
)

// BenchmarkRelay measures the server's cost per frame: one publisher, N
// readers, all gortmplib clients on loopback (so the figure includes the
// clients' own work). A 512×512@30 stream from x264 at ~1 Mbit/s averages
// about 4 KB a frame; 8 KB is a generous stand-in.
func BenchmarkRelay(b *testing.B) {
	for _, readers := range []int{1, 4} {
		b.Run(fmt.Sprintf("readers=%d", readers), func(b *testing.B) {
			s, err := Start(b.Context(), Config{RTMPAddr: "127.0.0.1:0", WriteQueueSize: 1 << 14,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			pub, err := dialPublisher(b.Context(), rtmpURL(s, "bench"))
			if err != nil {
				b.Fatal(err)
			}
			defer pub.c.Close()
			if err := pub.frame(8 << 10); err != nil {
				b.Fatal(err)
			}
			if err := s.WaitPublished(b.Context(), "bench"); err != nil {
				b.Fatal(err)
			}
			rs := make([]*goReader, readers)
			for i := range rs {
				if rs[i], err = dialReader(b.Context(), rtmpURL(s, "bench")); err != nil {
					b.Fatal(err)
				}
				defer rs[i].c.Close()
			}
			b.SetBytes(8 << 10)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := pub.frame(8 << 10); err != nil {
					b.Fatal(err)
				}
			}
			want := int64(b.N + 1)
			deadline := time.Now().Add(time.Minute)
			for _, r := range rs {
				for r.frames.Load() < want {
					if time.Now().After(deadline) {
						b.Fatalf("reader got %d of %d frames", r.frames.Load(), want)
					}
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
}
