package live

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// freePort returns a loopback TCP port that was free a moment ago; ffmpeg's
// RTMP listener needs a number up front.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ffmpegProc is a Debian ffmpeg CLI process run as an independent RTMP peer.
type ffmpegProc struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan error
}

// startFFmpeg runs the ffmpeg CLI with args; the process is killed when the
// test ends.
func startFFmpeg(t *testing.T, args ...string) *ffmpegProc {
	t.Helper()
	return startTool(t, "ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, args...)...)
}

func startTool(t *testing.T, name string, args ...string) *ffmpegProc {
	t.Helper()
	p := &ffmpegProc{cmd: exec.Command(name, args...), done: make(chan error, 1)}
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for the process to exit and returns its error and stderr.
func (p *ffmpegProc) wait(t *testing.T, timeout time.Duration) (error, string) {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // keep it for Cleanup
		return err, p.stderr.String()
	case <-time.After(timeout):
		t.Fatalf("%s did not exit within %v; stderr: %s", p.cmd.Path, timeout, p.stderr.String())
		return nil, ""
	}
}

// serveTestStream has ffmpeg serve an H.264 test pattern over RTMP (ffmpeg is
// the server, we play from it) and returns the URL to play.
func serveTestStream(t *testing.T, w, h, fps int, seconds float64) string {
	t.Helper()
	port := freePort(t)
	u := fmt.Sprintf("rtmp://127.0.0.1:%d/live/test", port)
	startFFmpeg(t, "-re", "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=%d", w, h, fps),
		"-t", fmt.Sprint(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
		"-pix_fmt", "yuv420p", "-g", fmt.Sprint(fps), "-f", "flv", "-listen", "1", u)
	return u
}

func testContext(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitListening waits until something listens on the loopback TCP port,
// reading /proc/net/tcp: probing with a connection would use up the single
// connection an ffmpeg -listen 1 server accepts.
func waitListening(t *testing.T, port int) {
	t.Helper()
	want := fmt.Sprintf(":%04X ", port)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			t.Fatalf("read /proc/net/tcp: %v", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			// local_address is field 1, state field 3; 0A is LISTEN.
			if len(f) > 3 && strings.HasSuffix(f[1]+" ", want) && f[3] == "0A" {
				return
			}
		}
		time.Sleep(10 * time.Millisecond) // polling the kernel's table; nothing to wait on
	}
	t.Fatalf("nothing listens on port %d after 10 s", port)
}
