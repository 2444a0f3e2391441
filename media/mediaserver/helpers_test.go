package mediaserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"jobtester/testutil"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/gortmplib/pkg/message"
)

// startServer runs a server on free loopback ports for the test's life.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.RTMPAddr == "" {
		cfg.RTMPAddr = "127.0.0.1:0"
	}
	if cfg.APIAddr == "" {
		cfg.APIAddr = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		level := slog.LevelWarn
		if testing.Verbose() {
			level = slog.LevelDebug
		}
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	}
	s, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func rtmpURL(s *Server, pathAndQuery string) string {
	return "rtmp://" + s.RTMPAddr() + "/" + pathAndQuery
}

func needFFmpeg(t *testing.T) {
	t.Helper()
	for _, bin := range []string{"ffmpeg", "ffprobe"} {
		testutil.RequireTool(t, bin)
	}
}

// ffmpegPublisher is Debian's ffmpeg publishing a testsrc H.264 stream.
type ffmpegPublisher struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan struct{}
	err    error // valid once exited is closed
}

// startFFmpeg publishes seconds of 512×512@30 testsrc, one keyframe a second,
// in real time (-re) to url.
func startFFmpeg(t *testing.T, url string, seconds int) *ffmpegPublisher {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Duration(seconds)*time.Second+20*time.Second)
	p := &ffmpegPublisher{exited: make(chan struct{})}
	p.cmd = exec.CommandContext(ctx, testutil.RequireTool(t, "ffmpeg"), "-hide_banner", "-loglevel", "error", "-nostdin",
		"-re", "-f", "lavfi", "-i", "testsrc=size=512x512:rate=30", "-t", strconv.Itoa(seconds),
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30",
		"-f", "flv", url)
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start ffmpeg: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		cancel()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.exited
	})
	return p
}

// wait returns ffmpeg's stderr and exit error once it has exited.
func (p *ffmpegPublisher) wait() (string, error) {
	<-p.exited
	return p.stderr.String(), p.err
}

type probeResult struct {
	Frames        int
	Width, Height int
}

// ffprobeCount reads url to its end with ffprobe -count_frames.
func ffprobeCount(ctx context.Context, url string) (probeResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-rw_timeout", "15000000",
		"-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=width,height,nb_read_frames", "-of", "json", url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return probeResult{}, fmt.Errorf("ffprobe %s: %w: %s", url, err, stderr.String())
	}
	var res struct {
		Streams []struct {
			Width        int    `json:"width"`
			Height       int    `json:"height"`
			NbReadFrames string `json:"nb_read_frames"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return probeResult{}, fmt.Errorf("ffprobe output %q: %w", out, err)
	}
	if len(res.Streams) != 1 {
		return probeResult{}, fmt.Errorf("ffprobe found %d video streams: %s", len(res.Streams), out)
	}
	n, err := strconv.Atoi(res.Streams[0].NbReadFrames)
	if err != nil {
		return probeResult{}, fmt.Errorf("ffprobe nb_read_frames %q: %w", res.Streams[0].NbReadFrames, err)
	}
	return probeResult{Frames: n, Width: res.Streams[0].Width, Height: res.Streams[0].Height}, nil
}

func waitPublished(t *testing.T, s *Server, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	if err := s.WaitPublished(ctx, path); err != nil {
		t.Fatal(err)
	}
}

// apiGet calls the control API and decodes the JSON answer into v (if not
// nil); it returns the status.
func apiCall(t *testing.T, method, url, user, pass string, v any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	if v != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, url, body, err)
		}
	}
	return resp.StatusCode
}

func apiURL(s *Server, path string) string {
	return "http://" + s.APIAddr() + path
}

// connsOn lists the API's connections in a state on a path.
func connsOn(t *testing.T, s *Server, state, path string) []apiRTMPConn {
	t.Helper()
	var list apiList[apiRTMPConn]
	if st := apiCall(t, "GET", apiURL(s, "/v3/rtmpconns/list"), "", "", &list); st != 200 {
		t.Fatalf("rtmpconns/list: status %d", st)
	}
	var out []apiRTMPConn
	for _, c := range list.Items {
		if c.State == state && c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// testSPS and testPPS are what x264 wrote for a 64×48 baseline picture
// (ffmpeg -f lavfi -i testsrc=size=64x48 -pix_fmt yuv420p -c:v libx264
// -preset ultrafast -tune zerolatency -frames:v 1): the server parses the
// SPS for the picture size, so the Go clients need a real one.
var (
	testSPS = []byte{0x67, 0x42, 0xc0, 0x0a, 0xda, 0x11, 0xec, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00, 0x0f, 0x23, 0xc4, 0x89, 0xa8}
	testPPS = []byte{0x68, 0xce, 0x0f, 0xc8}
)

// goPublisher publishes synthetic H.264 access units with gortmplib's
// client: the server relays without decoding, so a NAL unit of the right
// type and any content is a frame to it. It is cheap enough to run many.
type goPublisher struct {
	c     *gortmplib.Client
	w     *gortmplib.Writer
	track *gortmplib.Track
	n     int
}

func dialRTMP(ctx context.Context, rawURL string, publish bool, dial func(ctx context.Context, network, addr string) (net.Conn, error)) (*gortmplib.Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c := &gortmplib.Client{URL: u, Publish: publish, DialContext: dial}
	if err := c.Initialize(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func dialPublisher(ctx context.Context, rawURL string) (*goPublisher, error) {
	c, err := dialRTMP(ctx, rawURL, true, nil)
	if err != nil {
		return nil, err
	}
	p := &goPublisher{c: c, track: &gortmplib.Track{Codec: &codecs.H264{SPS: testSPS, PPS: testPPS}}}
	p.w = &gortmplib.Writer{Conn: c, Tracks: []*gortmplib.Track{p.track}}
	c.NetConn().SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := p.w.Initialize(); err != nil {
		c.Close()
		return nil, err
	}
	return p, nil
}

// publisherFor dials and closes the publisher when the test ends.
func publisherFor(t *testing.T, rawURL string) *goPublisher {
	t.Helper()
	p, err := dialPublisher(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("publish %s: %v", rawURL, err)
	}
	t.Cleanup(p.c.Close)
	return p
}

// frame writes the next access unit of size bytes, an IDR every 30 frames,
// timestamped at 30 fps.
func (p *goPublisher) frame(size int) error {
	key := p.n%30 == 0
	nalu := make([]byte, max(size, 2))
	nalu[0] = 0x41 // non-IDR slice
	if key {
		nalu[0] = 0x65 // IDR slice
	}
	nalu[1] = byte(p.n)
	ts := time.Duration(p.n) * time.Second / 30
	p.n++
	p.c.NetConn().SetWriteDeadline(time.Now().Add(10 * time.Second))
	return p.w.WriteH264(p.track, ts, ts, [][]byte{nalu})
}

func (p *goPublisher) frames(t *testing.T, n, size int) {
	t.Helper()
	for range n {
		if err := p.frame(size); err != nil {
			t.Fatalf("publish frame %d: %v", p.n, err)
		}
	}
}

// goReader counts the video access units a gortmplib client receives.
type goReader struct {
	c      *gortmplib.Client
	frames atomic.Int64
	lastTS atomic.Int64 // DTS of the last frame, in ms
	// first frame received, valid once frames > 0
	firstTS  atomic.Int64
	firstKey atomic.Bool
	done     chan struct{}
	err      error // why reading stopped; valid after done
}

func dialReader(ctx context.Context, rawURL string) (*goReader, error) {
	c, err := dialRTMP(ctx, rawURL, false, nil)
	if err != nil {
		return nil, err
	}
	return startGoReader(c), nil
}

func startGoReader(c *gortmplib.Client) *goReader {
	r := &goReader{c: c, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			c.NetConn().SetReadDeadline(time.Now().Add(20 * time.Second))
			msg, err := c.Read()
			if err != nil {
				r.err = err
				return
			}
			if v, ok := msg.(*message.Video); ok && v.Type == message.VideoTypeAU {
				if r.frames.Load() == 0 {
					r.firstTS.Store(v.DTS.Milliseconds())
					r.firstKey.Store(v.IsKeyFrame)
				}
				r.lastTS.Store(v.DTS.Milliseconds())
				r.frames.Add(1)
			}
		}
	}()
	return r
}

func readerFor(t *testing.T, rawURL string) *goReader {
	t.Helper()
	r, err := dialReader(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("read %s: %v", rawURL, err)
	}
	t.Cleanup(func() { r.c.Close(); <-r.done })
	return r
}

// ended waits for the reader to stop and returns why.
func (r *goReader) ended(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(15 * time.Second):
		t.Fatal("reader still reading")
		return nil
	}
}
