package jobs_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jobtester/jobs"
	"jobtester/testutil"
)

// The hooks a MediaMTX under test runs when a path becomes available.
const (
	// hookDocumented is docs/mediamtx/gateway-hook.sh, the hook this
	// project ships: it passes the query intact.
	hookDocumented = "documented"
	// hookEscaped is go-livepeer's deployment's hook as it is: curl with
	// $MTX_QUERY, which MediaMTX 1.18.1 and later URL-escape.
	hookEscaped = "escaped"
)

// mediamtxBinary is the real MediaMTX the tests run: JOBTESTER_TEST_MEDIAMTX,
// by default where scripts/build-mediamtx.sh caches it. "off" skips the
// tests that need it; a missing binary fails them.
func mediamtxBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("JOBTESTER_TEST_MEDIAMTX")
	if bin == "off" {
		t.Skip("JOBTESTER_TEST_MEDIAMTX=off")
	}
	if bin == "" {
		out, err := exec.Command("../scripts/build-mediamtx.sh", "--print-path").Output()
		if err != nil {
			t.Fatalf("scripts/build-mediamtx.sh --print-path: %v", err)
		}
		bin = strings.TrimSpace(string(out))
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		t.Fatalf("no MediaMTX at %s: run scripts/build-mediamtx.sh (scripts/setup.sh --test does), set JOBTESTER_TEST_MEDIAMTX to a binary, or to off to skip", bin)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// realMediaMTX starts the real MediaMTX as an operator deploys it beside a
// gateway: RTMP, the API on the port the gateway kicks through, and a
// runOnAvailable hook to the gateway (hook says which). auth, if set, is
// the authInternalUsers YAML; by default anyone may do anything.
// The tester uses it as its external media server, with rtmpQuery.
func realMediaMTX(t *testing.T, hook, rtmpQuery string, auth ...string) mediaStarter {
	return func(t *testing.T, ctx context.Context, gatewayURL, apiAddr string) *jobs.Media {
		t.Helper()
		bin := mediamtxBinary(t)
		rtmpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
		users := `
  - user: any
    permissions: [{action: publish}, {action: read}, {action: api}]`
		if len(auth) > 0 {
			users = auth[0]
		}
		hookScript, err := filepath.Abs("../docs/mediamtx/gateway-hook.sh")
		if err != nil {
			t.Fatal(err)
		}
		run := "sh " + hookScript + " " + gatewayURL
		if hook == hookEscaped {
			run = "curl -sS -o /dev/null -X POST " + gatewayURL + "/live/video-to-video/$MTX_PATH/start -F source_id=$MTX_SOURCE_ID" +
				" -F source_type=$MTX_SOURCE_TYPE -F query=$MTX_QUERY -F rtmp_url=rtmp://" + rtmpAddr + "/$MTX_PATH"
		}
		conf := fmt.Sprintf(`logLevel: warn
rtsp: false
hls: false
webrtc: false
srt: false
moq: false
rtmp: true
rtmpAddress: %s
api: true
apiAddress: %s
authMethod: internal
authInternalUsers:%s
paths:
  all_others:
    runOnAvailable: %s
`, rtmpAddr, apiAddr, users, run)
		dir := t.TempDir()
		confPath := filepath.Join(dir, "mediamtx.yml")
		if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, confPath)
		cmd.Env = append(os.Environ(), "LIVE_RTMP_BASE=rtmp://"+rtmpAddr)
		logs := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatalf("start MediaMTX: %v", err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("MediaMTX's log:\n%s", logs.String())
			}
		})
		testutil.EventuallyWithin(t, 2*time.Minute, "MediaMTX's API answers", func() bool {
			resp, err := http.Get("http://" + apiAddr + "/v3/paths/list")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized
		})
		base := "rtmp://" + rtmpAddr
		if rtmpQuery != "" {
			base += "?" + rtmpQuery
		}
		media, err := jobs.StartMedia(ctx, jobs.MediaConfig{Server: base, APIURL: "http://" + apiAddr})
		if err != nil {
			t.Fatal(err)
		}
		return media
	}
}
