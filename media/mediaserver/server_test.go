package mediaserver

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"jobtester/testutil"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bluenviron/gortmplib/pkg/handshake"
)

func TestReaderJoiningMidStreamStartsAtLatestKeyframe(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	pub := publisherFor(t, rtmpURL(s, "gop"))
	pub.frames(t, 1, 500)
	waitPublished(t, s, "gop")
	// A first reader shows when the server has handled every frame.
	early := readerFor(t, rtmpURL(s, "gop"))
	pub.frames(t, 44, 500) // keyframes at frames 0 and 30
	testutil.Eventually(t, "the early reader", func() bool { return early.frames.Load() == 45 })

	r := readerFor(t, rtmpURL(s, "gop"))
	// The cached GOP is frames 30..44; then one live frame.
	testutil.Eventually(t, "the cached GOP", func() bool { return r.frames.Load() >= 15 })
	pub.frames(t, 1, 500)
	testutil.Eventually(t, "the live frame", func() bool { return r.frames.Load() == 16 })
	if !r.firstKey.Load() || r.firstTS.Load() != 1000 {
		t.Errorf("first frame: keyframe=%v dts=%d ms, want the keyframe at 1000 ms", r.firstKey.Load(), r.firstTS.Load())
	}
	if got := r.lastTS.Load(); got != 45*1000/30 {
		t.Errorf("last frame dts = %d ms, want %d", got, 45*1000/30)
	}
}

func TestPublisherLeavingEndsReadersAndPath(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	pub := publisherFor(t, rtmpURL(s, "leaving"))
	pub.frames(t, 5, 100)
	waitPublished(t, s, "leaving")
	r1 := readerFor(t, rtmpURL(s, "leaving"))
	r2 := readerFor(t, rtmpURL(s, "leaving"))
	testutil.Eventually(t, "both readers", func() bool { return r1.frames.Load() == 5 && r2.frames.Load() == 5 })

	pub.c.Close()
	for i, r := range []*goReader{r1, r2} {
		if err := r.ended(t); !isHangUp(err) {
			t.Errorf("reader %d ended with %v, want the server to hang up", i, err)
		}
	}
	testutil.Eventually(t, "the path to go", func() bool {
		var list apiList[apiPath]
		apiCall(t, "GET", apiURL(s, "/v3/paths/list"), "", "", &list)
		return list.ItemCount == 0
	})
	// Publishing again to the same name works.
	pub2 := publisherFor(t, rtmpURL(s, "leaving"))
	pub2.frames(t, 1, 100)
	waitPublished(t, s, "leaving")
}

func TestSecondPublisherIsRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	pub := publisherFor(t, rtmpURL(s, "busy"))
	pub.frames(t, 1, 100)
	waitPublished(t, s, "busy")

	_, err := dialPublisher(t.Context(), rtmpURL(s, "busy"))
	if err == nil {
		t.Fatal("second publisher accepted")
	}
	if len(connsOn(t, s, "publish", "busy")) != 1 {
		t.Error("want exactly one publisher")
	}
	// The first one is unaffected.
	r := readerFor(t, rtmpURL(s, "busy"))
	pub.frames(t, 2, 100)
	testutil.Eventually(t, "frames from the first publisher", func() bool { return r.frames.Load() == 3 })
}

func TestReaderOfUnpublishedPathIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	start := time.Now()
	_, err := dialReader(t.Context(), rtmpURL(s, "nobody"))
	if err == nil {
		t.Fatal("reader of an unpublished path accepted")
	}
	// Refused, not timed out: the dial has 10 s.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusal took %v", d)
	}
}

func TestReaderWaitsForPublisherWithReadWait(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{ReadWait: 10 * time.Second})
	type result struct {
		r   *goReader
		err error
	}
	got := make(chan result, 1)
	go func() {
		r, err := dialReader(t.Context(), rtmpURL(s, "late"))
		got <- result{r, err}
	}()
	testutil.Eventually(t, "the reader to wait", func() bool { return len(connsOn(t, s, "idle", "late")) == 1 })
	pub := publisherFor(t, rtmpURL(s, "late"))
	pub.frames(t, 3, 100)
	res := <-got
	if res.err != nil {
		t.Fatalf("waiting reader: %v", res.err)
	}
	t.Cleanup(func() { res.r.c.Close(); <-res.r.done })
	testutil.Eventually(t, "frames", func() bool { return res.r.frames.Load() == 3 })
}

func TestReadWaitEndsWithoutPublisher(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{ReadWait: 300 * time.Millisecond})
	if _, err := dialReader(t.Context(), rtmpURL(s, "never")); err == nil {
		t.Fatal("reader accepted with no publisher")
	}
}

// A reader that stops reading loses frames; the publisher and the other
// readers do not notice, and the stuck reader is dropped after WriteTimeout.
func TestStuckReaderDoesNotStallPublisherOrOthers(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{WriteQueueSize: 8, WriteTimeout: 2 * time.Second})
	pub := publisherFor(t, rtmpURL(s, "stuck"))
	pub.frames(t, 1, 100)
	waitPublished(t, s, "stuck")

	healthy := readerFor(t, rtmpURL(s, "stuck"))
	// The stuck reader asks for a tiny receive window and never reads.
	stuck, err := dialRTMP(t.Context(), rtmpURL(s, "stuck"), false, func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(4096)
		}
		return c, err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	testutil.Eventually(t, "two readers", func() bool { return len(connsOn(t, s, "read", "stuck")) == 2 })
	stuckID := ""
	for _, c := range connsOn(t, s, "read", "stuck") {
		if c.RemoteAddr == stuck.NetConn().LocalAddr().String() {
			stuckID = c.ID
		}
	}

	// Publish in the background, paced like a fast encoder, until told to
	// stop; every write must go through promptly.
	stop := make(chan struct{})
	pubErr := make(chan error, 1)
	go func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				pubErr <- nil
				return
			case <-tick.C:
			}
			if err := pub.frame(32 << 10); err != nil {
				pubErr <- err
				return
			}
		}
	}()
	testutil.Eventually(t, "frames discarded for the stuck reader", func() bool {
		for _, c := range connsOn(t, s, "read", "stuck") {
			if c.ID == stuckID && c.OutboundFramesDiscarded > 0 {
				return true
			}
		}
		return false
	})
	n := healthy.frames.Load()
	testutil.Eventually(t, "the healthy reader to keep receiving", func() bool { return healthy.frames.Load() > n+100 })
	testutil.Eventually(t, "the stuck reader to be dropped", func() bool {
		for _, c := range connsOn(t, s, "read", "stuck") {
			if c.ID == stuckID {
				return false
			}
		}
		return true
	})
	close(stop)
	if err := <-pubErr; err != nil {
		t.Fatalf("publisher: %v", err)
	}
	if healthy.frames.Load() < 100 {
		t.Errorf("healthy reader got %d frames", healthy.frames.Load())
	}
}

// Random bytes, a half-finished handshake and garbage after a good
// handshake must not stop the server from serving a real publisher and
// reader; the deadline then closes the half-open ones.
func TestGarbageOnTheRTMPPortLeavesServerServing(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	s := startServer(t, Config{ReadTimeout: 3 * time.Second})
	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", s.RTMPAddr(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	noise := make([]byte, 8192)
	rand.Read(noise)

	random := dial()
	random.Write(noise)

	// C0 and half of C1, then nothing.
	half := dial()
	half.Write(append([]byte{3}, noise[:700]...))

	// A valid handshake, then garbage where chunks should be.
	afterHS := dial()
	afterHS.SetDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := handshake.DoClient(afterHS, false, false); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	afterHS.SetDeadline(time.Time{})
	afterHS.Write(noise)

	// Plausible start of a valid chunk stream that never finishes.
	stalled := dial()
	stalled.SetDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := handshake.DoClient(stalled, false, false); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	stalled.SetDeadline(time.Time{})
	stalled.Write([]byte{0x03, 0, 0, 0, 0, 0x10, 0x00, 0x14, 0, 0, 0, 0, 0x02})

	pub := startFFmpeg(t, rtmpURL(s, "survivor?"+testQuery), 3)
	waitPublished(t, s, "survivor")
	res, err := ffprobeCount(t.Context(), rtmpURL(s, "survivor"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Frames < 45 || res.Width != 512 || res.Height != 512 {
		t.Errorf("reader got %+v, want >= 45 frames of 512x512", res)
	}
	if stderr, err := pub.wait(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, stderr)
	}

	// The server hangs up on the half-open ones by itself.
	for name, c := range map[string]net.Conn{"half handshake": half, "stalled chunk": stalled} {
		if err := hungUp(c); err != nil {
			t.Errorf("%s: server did not close the connection: %v", name, err)
		}
	}
}

func TestCloseHangsUpEveryone(t *testing.T) {
	t.Parallel()
	s, err := Start(t.Context(), Config{RTMPAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	pub := publisherFor(t, rtmpURL(s, "closing"))
	pub.frames(t, 1, 100)
	waitPublished(t, s, "closing")
	r := readerFor(t, rtmpURL(s, "closing"))
	half, err := net.Dial("tcp", s.RTMPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	half.Write([]byte{3})

	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := r.ended(t); err == nil {
		t.Error("reader still connected")
	}
	if err := hungUp(half); err != nil {
		t.Errorf("half-open connection: %v", err)
	}
	if _, err := net.DialTimeout("tcp", s.RTMPAddr(), time.Second); err == nil {
		t.Error("RTMP port still accepting")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if err := s.WaitPublished(ctx, "closing"); !errors.Is(err, ErrClosed) {
		t.Errorf("WaitPublished after Close = %v, want ErrClosed", err)
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]Config{
		"negative read wait":  {ReadWait: -1},
		"user without name":   {Users: []User{{Actions: []Action{ActionRead}}}},
		"user without rights": {Users: []User{{Name: "x"}}},
		"unknown action":      {Users: []User{{Name: "x", Actions: []Action{"playback"}}}},
		"bad address":         {RTMPAddr: "256.0.0.1:0"},
	} {
		cfg.Logger = nil
		if _, err := Start(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "mediaserver") {
			t.Errorf("%s: Start = %v, want an error", name, err)
		}
	}
}

// isHangUp: the server closed the connection, with bytes of ours unread
// (a reset) or not (EOF).
func isHangUp(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

// hungUp waits for the server to close c: EOF, or a reset when it closed
// with bytes unread.
func hungUp(c net.Conn) error {
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	_, err := io.Copy(io.Discard, c)
	if err == nil || isHangUp(err) {
		return nil
	}
	return err
}
