package live

import (
	"errors"
	"image"
	"io"
	"testing"
	"time"
)

func TestReadH264FromFFmpegServerDecodesEveryFrame(t *testing.T) {
	t.Parallel()
	u := serveTestStream(t, 320, 240, 30, 2)
	var n int
	var last time.Duration
	var size image.Rectangle
	err := ReadH264(testContext(t, 15*time.Second), u, nil, func(img *image.YCbCr, pts time.Duration, arrived time.Time) {
		if n > 0 && pts <= last {
			t.Errorf("frame %d: pts %v not after %v", n, pts, last)
		}
		if arrived.IsZero() {
			t.Errorf("frame %d: no arrival time", n)
		}
		last = pts
		size = img.Rect
		n++
	})
	if !errors.Is(err, io.EOF) {
		t.Fatalf("ReadH264 ended with %v, want io.EOF (publisher finished)", err)
	}
	if n != 60 {
		t.Errorf("decoded %d frames, want 60 (2 s at 30 fps)", n)
	}
	if size != image.Rect(0, 0, 320, 240) {
		t.Errorf("frame size %v, want 320x240", size)
	}
}

func TestReadH264GivesUpWhenNoStreamAppears(t *testing.T) {
	t.Parallel()
	u := "rtmp://127.0.0.1:" + itoa(freePort(t)) + "/live/none"
	start := time.Now()
	err := ReadH264(testContext(t, 300*time.Millisecond), u, nil, func(*image.YCbCr, time.Duration, time.Time) {
		t.Error("frame from a stream that does not exist")
	})
	if err == nil || !containsAll(err.Error(), "no stream before deadline", "127.0.0.1") {
		t.Fatalf("err = %v, want a clear no-stream error", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("gave up after %v, want about the context deadline", time.Since(start))
	}
}

func TestParseRTMPURLRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"http://host/x", "scheme"},
		{"rtmp:///x", "no host"},
		{"rtmp://host", "no stream path"},
		{"rtmp://host/", "no stream path"},
		{"rtmp://h ost/x", "rtmp url"},
		{"rtmp://user:secret@host", "xxxxx"},
	} {
		_, err := ParseRTMPURL(tc.in)
		if err == nil || !containsAll(err.Error(), tc.want) {
			t.Errorf("ParseRTMPURL(%q) = %v, want error mentioning %q", tc.in, err, tc.want)
		}
		if err != nil && containsAll(err.Error(), "secret") {
			t.Errorf("ParseRTMPURL(%q) leaks the password: %v", tc.in, err)
		}
	}
	if _, err := ParseRTMPURL("rtmp://u:p@127.0.0.1:1935/live/s?pipeline=x&params=%7B%7D"); err != nil {
		t.Errorf("good URL rejected: %v", err)
	}
}
