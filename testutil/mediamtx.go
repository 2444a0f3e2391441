package testutil

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// MediaMTXEnv names the real MediaMTX binary the tests run; "off" skips
// those tests. Unset, the build scripts/build-mediamtx.sh caches is used.
const MediaMTXEnv = "JOBTESTER_TEST_MEDIAMTX"

// MediaMTXVersion is the version scripts/build-mediamtx.sh builds; the two
// must agree, since the cache path names it.
const MediaMTXVersion = "v1.20.1"

// MediaMTX returns the real MediaMTX binary, skipping the test when
// MediaMTXEnv is off and failing it when the binary is missing.
func MediaMTX(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(MediaMTXEnv)
	if strings.EqualFold(bin, "off") {
		t.Skipf("%s=off: tests against a real MediaMTX NOT run", MediaMTXEnv)
	}
	if bin == "" {
		dir := os.Getenv("JOBTESTER_MEDIAMTX_CACHE")
		if dir == "" {
			cache, err := os.UserCacheDir() // $XDG_CACHE_HOME or ~/.cache, as the script
			if err != nil {
				t.Fatalf("no cache directory for the MediaMTX build: %v", err)
			}
			dir = filepath.Join(cache, "jobtester", "mediamtx-"+MediaMTXVersion)
		}
		bin = filepath.Join(dir, "mediamtx")
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		t.Fatalf("no MediaMTX at %s: run scripts/build-mediamtx.sh (scripts/setup.sh --test does), or set %s to a binary, or to off to skip these tests", bin, MediaMTXEnv)
	}
	return bin
}

// StartMediaMTX runs the real MediaMTX with the configuration conf (YAML)
// and env added to its environment, until the test ends, and waits for
// its API at apiAddr to answer. Its log is shown if the test failed.
func StartMediaMTX(t testing.TB, conf, apiAddr string, env ...string) {
	t.Helper()
	bin := MediaMTX(t)
	path := filepath.Join(t.TempDir(), "mediamtx.yml")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, path)
	cmd.Env = append(os.Environ(), env...)
	logs := &lockedBuffer{}
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
	client := &http.Client{Timeout: 5 * time.Second}
	EventuallyWithin(t, 2*time.Minute, fmt.Sprintf("MediaMTX's API on %s to answer", apiAddr), func() bool {
		resp, err := client.Get("http://" + apiAddr + "/v3/paths/list")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized
	})
}

// lockedBuffer collects a child's output, written from its copying
// goroutines and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
