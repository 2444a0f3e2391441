package testutil

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestEventuallyReturnsOnceTheConditionHolds(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	Eventually(t, "three polls", func() bool { return n.Add(1) >= 3 })
	if n.Load() != 3 {
		t.Fatalf("polled %d times, want 3", n.Load())
	}
}

// recorder is a testing.TB whose Fatalf is recorded instead of ending the
// test, to see EventuallyWithin give up.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
	panic(r)
}

func TestEventuallyWithinFailsAtItsDeadline(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != r {
				panic(p)
			}
		}()
		EventuallyWithin(r, 20*time.Millisecond, "never", func() bool { return false })
	}()
	if r.failed == "" {
		t.Fatal("EventuallyWithin did not fail on a condition that never holds")
	}
}

func TestRequireToolFindsShell(t *testing.T) {
	t.Parallel()
	if p := RequireTool(t, "sh"); p == "" {
		t.Fatal("no path for sh")
	}
}
