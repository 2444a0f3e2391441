package mediaserver

import (
	"jobtester/testutil"
	"sync"
	"testing"
)

// Independent clients: Debian's ffmpeg publishes, ffprobe reads the stream
// back from other connections and decodes every frame.

const testQuery = "pipeline=noop&streamId=x"

func TestFFmpegPublishedStreamIsReadBackByFFprobe(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	s := startServer(t, Config{})
	pub := startFFmpeg(t, rtmpURL(s, "teststream?"+testQuery), 3)
	waitPublished(t, s, "teststream")

	pubs := connsOn(t, s, "publish", "teststream")
	if len(pubs) != 1 || pubs[0].Query != testQuery {
		t.Fatalf("publisher conns = %+v, want one with query %q", pubs, testQuery)
	}

	res, err := ffprobeCount(t.Context(), rtmpURL(s, "teststream"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ffprobe: %+v", res)
	// 90 frames are sent; a reader that joins after the first keyframe
	// starts from the cached GOP, so it sees most of them.
	if res.Frames < 45 || res.Frames > 90 {
		t.Errorf("ffprobe decoded %d frames, want 45..90", res.Frames)
	}
	if res.Width != 512 || res.Height != 512 {
		t.Errorf("ffprobe size = %dx%d, want 512x512", res.Width, res.Height)
	}
	if stderr, err := pub.wait(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, stderr)
	}
}

func TestTwoReadersAtOnceBothGetFrames(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	s := startServer(t, Config{})
	pub := startFFmpeg(t, rtmpURL(s, "two?"+testQuery), 3)
	waitPublished(t, s, "two")

	var wg sync.WaitGroup
	results := make([]probeResult, 2)
	errs := make([]error, 2)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = ffprobeCount(t.Context(), rtmpURL(s, "two")) })
	}
	// Both must be reading at the same time, not one after the other.
	testutil.Eventually(t, "two readers", func() bool { return len(connsOn(t, s, "read", "two")) == 2 })
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("reader %d: %v", i, errs[i])
		}
		if results[i].Frames < 30 || results[i].Width != 512 || results[i].Height != 512 {
			t.Errorf("reader %d: %+v, want >= 30 frames of 512x512", i, results[i])
		}
	}
	if stderr, err := pub.wait(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, stderr)
	}
}
