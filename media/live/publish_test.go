package live

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSignalPublishRejectsBadURLs(t *testing.T) {
	t.Parallel()
	s, err := NewSignal(DefaultSignalConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://127.0.0.1/x", "rtmp://127.0.0.1", "::"} {
		if err := s.Publish(testContext(t, time.Second), u, nil); err == nil || !strings.Contains(err.Error(), "rtmp url") {
			t.Errorf("Publish(%q) = %v, want rtmp url error", u, err)
		}
	}
	// Nobody listening: a clear connection error, not a hang.
	u := fmt.Sprintf("rtmp://127.0.0.1:%d/live/x", freePort(t))
	if err := s.Publish(testContext(t, 5*time.Second), u, nil); err == nil || !containsAll(err.Error(), "publish", "refused") {
		t.Errorf("Publish to a closed port = %v", err)
	}
}
