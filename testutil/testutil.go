// Package testutil holds the helpers tests of several packages share: waiting
// on a condition with a deadline, and requiring an outside tool. Only _test.go
// files may import it (archtest checks); real databases come from dbtest.
package testutil

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// WaitTimeout is how long Eventually waits. It is generous on purpose: the
// condition is what the test asserts, the deadline only stops a hung test,
// and CI shares two cores with other work.
const WaitTimeout = 2 * time.Minute

// Eventually polls cond until it holds, failing the test with what was
// awaited if it does not within WaitTimeout. Tests wait on a condition like
// this instead of sleeping for a guessed time.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	EventuallyWithin(t, WaitTimeout, what, cond)
}

// EventuallyWithin is Eventually with its own deadline, for tests that
// assert something must not take long in terms of their own work.
func EventuallyWithin(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for wait := time.Millisecond; !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(wait)
		if wait < 20*time.Millisecond {
			wait *= 2
		}
	}
}

// ToolsEnv turns off the tests that need outside command-line tools
// (ffmpeg, ffprobe) when set to "off"; otherwise a missing tool fails them,
// like a missing database or browser does.
const ToolsEnv = "JOBTESTER_TEST_FFMPEG"

// RequireTool returns the path of a command-line tool a test runs as an
// independent peer. Missing, it fails the test, unless ToolsEnv=off
// says those tests are not wanted here, in which case it skips with that
// reason.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	if strings.EqualFold(os.Getenv(ToolsEnv), "off") {
		t.Skipf("%s=off: tests against %s NOT run", ToolsEnv, name)
	}
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed for this test (install it, e.g. apt-get install ffmpeg; or set %s=off to skip these tests): %v", name, ToolsEnv, err)
	}
	return p
}
