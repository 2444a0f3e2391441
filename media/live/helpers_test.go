package live

import (
	"context"
	"fmt"
	"jobtester/testutil"
	"net"
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

// startFFmpeg runs the Debian ffmpeg CLI, an independent RTMP peer, with
// args; the process is killed when the test ends.
func startFFmpeg(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(testutil.RequireTool(t, "ffmpeg"), append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ffmpeg: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
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
