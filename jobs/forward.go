package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"jobtester/ingest"
)

// Forwarder posts this tester's results to a remote leaderboard (another
// jobtester or leaderboard-serverless), signed as the legacy testers sign:
// Authorization = hex HMAC-SHA256 of the body. It queues in memory and
// retries with backoff, so a remote outage delays results, up to the
// queue's size, rather than losing them.
type Forwarder struct {
	URL    string // …/api/post_stats
	Secret string
	Client *http.Client
	Log    *slog.Logger

	once  sync.Once
	queue chan ingest.Stats
	wg    sync.WaitGroup
}

const forwardQueue = 10000

var errRefused = errors.New("refused")

func (f *Forwarder) init() {
	f.once.Do(func() {
		f.queue = make(chan ingest.Stats, forwardQueue)
		if f.Client == nil {
			f.Client = &http.Client{Timeout: 15 * time.Second}
		}
		f.wg.Add(1)
		go f.loop()
	})
}

// Send queues one result; it never blocks. A full queue drops the oldest
// intent with a log line rather than stall the tests.
func (f *Forwarder) Send(st ingest.Stats) {
	f.init()
	select {
	case f.queue <- st:
	default:
		f.Log.Error("forward queue full: result not forwarded", "orchestrator", st.Orchestrator)
	}
}

// Close stops after the queue drains or ctx ends.
func (f *Forwarder) Close(ctx context.Context) {
	f.init()
	close(f.queue)
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func (f *Forwarder) loop() {
	defer f.wg.Done()
	for st := range f.queue {
		delay := time.Second
		for attempt := 1; ; attempt++ {
			err := f.post(st)
			if err == nil {
				break
			}
			if errors.Is(err, errRefused) {
				// 4xx: the remote will refuse it again; retrying only delays
				// the results behind it.
				f.Log.Error("result refused by the remote leaderboard", "url", f.URL, "err", err)
				break
			}
			if attempt == 6 {
				f.Log.Error("result not forwarded after retries", "url", f.URL, "err", err)
				break
			}
			f.Log.Warn("forwarding a result failed; retrying", "url", f.URL, "err", err, "in", delay)
			time.Sleep(delay)
			delay *= 2
		}
	}
}

func (f *Forwarder) post(st ingest.Stats) error {
	body, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("forward to %s: %w", f.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", ingest.Sign(f.Secret, body))
	resp, err := f.Client.Do(req)
	if err != nil {
		return fmt.Errorf("forward to %s: %w", f.URL, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 4 {
		return fmt.Errorf("forward to %s: %w: %d %s", f.URL, errRefused, resp.StatusCode, bytes.TrimSpace(msg))
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("forward to %s: %d %s", f.URL, resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}
