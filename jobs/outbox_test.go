package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/handlers"
	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
	"jobtester/testutil"
)

const centralSecret = "central-leaderboard-secret"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// central is a real central leaderboard: the handlers on loopback over
// their own database, which can be stopped (connections refused) and
// started again on the same address. Every third post it stores has its
// answer lost (the connection is cut after the write), as when a network
// drops the reply.
type central struct {
	t     *testing.T
	st    *models.Store
	h     http.Handler
	addr  string
	mu    sync.Mutex
	srv   *http.Server
	posts atomic.Int64
	// keepAnswers: no answer is lost (set before the first post).
	keepAnswers bool
}

func newCentral(t *testing.T, dialect string) *central {
	ring := ingest.NewKeyring([]ingest.Key{{Name: "regional", Secret: centralSecret}})
	c := &central{t: t, st: dbtest.Open(t, dialect, models.Options{})}
	c.h = handlers.New(handlers.Deps{Store: c.st, Keys: ring, Window: 24 * time.Hour, MaxBodyBytes: 64 << 10, Logger: quiet})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	c.serve(ln)
	t.Cleanup(c.stop)
	return c
}

func (c *central) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(c.handle), ReadHeaderTimeout: time.Minute}
	c.mu.Lock()
	c.srv = srv
	c.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // closed by stop
}

func (c *central) handle(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	if rec.Code == http.StatusOK && c.posts.Add(1)%3 == 0 && !c.keepAnswers {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close() // stored, but the answer never arrives
			return
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (c *central) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv != nil {
		c.srv.Close()
		c.srv = nil
	}
}

func (c *central) start() {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		c.t.Fatalf("restart the central on %s: %v", c.addr, err)
	}
	c.serve(ln)
}

func forwarded(i int) models.NewResult {
	return models.NewResult{IngestKey: "jobtester", Forward: true,
		Idempotency: models.Idempotency{Key: fmt.Sprint("attempt-", i)},
		Stats: ingest.Stats{Region: "FRA", Orchestrator: fmt.Sprintf("0x%040x", i+1), SuccessRate: 1,
			RoundTripTime: 1.5, Timestamp: time.Now().Unix(), Pipeline: "Llm", Model: "m", Errors: []ingest.Error{}}}
}

func drainer(st jobs.OutboxStore, url string) *jobs.Outbox {
	o := jobs.NewOutbox(st, url, centralSecret, quiet)
	o.Poll, o.MinBackoff, o.MaxBackoff, o.PostTimeout = 20*time.Millisecond, 20*time.Millisecond, 300*time.Millisecond, 30*time.Second
	o.Lease = time.Minute
	return o
}

// TestOutboxDeliversExactlyOnceThroughAnOutage: results queued while the
// central is up, while it is stopped, and after it returns all arrive at
// the central exactly once, though answers are lost on the way and two
// instances drain one outbox together.
func TestOutboxDeliversExactlyOnceThroughAnOutage(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			c := newCentral(t, dialect)
			dsn := dbtest.DSN(t, dialect)
			a, b := dbtest.OpenDSN(t, dsn, models.Options{}), dbtest.OpenDSN(t, dsn, models.Options{})
			url := "http://" + c.addr + "/api/post_stats"
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for _, st := range []*models.Store{a, b} {
				wg.Add(1)
				go func() { defer wg.Done(); drainer(st, url).Run(ctx) }()
			}
			defer func() { cancel(); wg.Wait() }()
			const n = 30
			depth := func() int64 {
				s, err := a.OutboxStats(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				return s.Depth
			}
			for i := range n / 3 {
				if err := a.Insert(context.Background(), forwarded(i)); err != nil {
					t.Fatal(err)
				}
			}
			testutil.Eventually(t, "the first results forwarded", func() bool { return depth() == 0 })
			c.stop()
			for i := n / 3; i < 2*n/3; i++ {
				if err := b.Insert(context.Background(), forwarded(i)); err != nil {
					t.Fatal(err)
				}
			}
			// While the central is away the results wait, and are tried.
			testutil.Eventually(t, "the outbox to hold what the central missed", func() bool { return depth() == n/3 })
			time.Sleep(100 * time.Millisecond)
			if d := depth(); d != n/3 {
				t.Fatalf("outbox depth %d while the central is down, want %d", d, n/3)
			}
			c.start()
			for i := 2 * n / 3; i < n; i++ {
				if err := a.Insert(context.Background(), forwarded(i)); err != nil {
					t.Fatal(err)
				}
			}
			testutil.Eventually(t, "the outbox to drain", func() bool { return depth() == 0 })
			if got := dbtest.CountResults(t, c.st); got != n {
				t.Fatalf("the central stored %d results, want %d (each exactly once)", got, n)
			}
			for i := range n {
				page, err := c.st.Results(context.Background(), models.ResultQuery{Orchestrator: fmt.Sprintf("0x%040x", i+1), Limit: 5})
				if err != nil || len(page.Results) != 1 {
					t.Fatalf("result %d: %d rows at the central (err %v), want 1", i, len(page.Results), err)
				}
			}
			if c.posts.Load() <= n {
				t.Fatalf("%d posts stored at the central for %d results: no answer was lost, the test proved nothing", c.posts.Load(), n)
			}
		})
	}
}

// TestOutboxRetriesThenParksARefusal: a 5xx is retried with the row's same
// Idempotency-Key and a valid signature; a definite 4xx parks the row with
// the central's answer, visible and kept, and the rows behind it still go.
func TestOutboxRetriesThenParksARefusal(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			st := dbtest.Open(t, dialect, models.Options{})
			ring := ingest.NewKeyring([]ingest.Key{{Name: "regional", Secret: centralSecret}})
			var mu sync.Mutex
			keys := map[string][]string{} // orchestrator → keys it was posted with
			refused := fmt.Sprintf("0x%040x", 2)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if _, err := ring.Verify(r.Header.Get("Authorization"), body); err != nil {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				s, err := ingest.Decode(body)
				if err != nil {
					w.WriteHeader(http.StatusBadRequest)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				keys[s.Orchestrator] = append(keys[s.Orchestrator], r.Header.Get("Idempotency-Key"))
				switch {
				case s.Orchestrator == refused:
					http.Error(w, `{"error":"invalid region: unknown region \"FRA\""}`, http.StatusBadRequest)
				case len(keys[s.Orchestrator]) < 3:
					w.WriteHeader(http.StatusServiceUnavailable)
				default:
					w.Write([]byte("ok"))
				}
			}))
			defer srv.Close()
			for i := range 3 {
				if err := st.Insert(context.Background(), forwarded(i)); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); drainer(st, srv.URL).Run(ctx) }()
			defer func() { cancel(); <-done }()
			testutil.Eventually(t, "two rows sent and one parked", func() bool {
				s, err := st.OutboxStats(context.Background())
				return err == nil && s.Depth == 0 && s.Parked == 1
			})
			parked, err := st.ParkedOutbox(context.Background(), 10)
			if err != nil || len(parked) != 1 || parked[0].Attempts != 1 || parked[0].LastError == "" {
				t.Fatalf("parked rows %+v (err %v), want one refused at its first attempt with the reason", parked, err)
			}
			mu.Lock()
			defer mu.Unlock()
			for orch, ks := range keys {
				if orch == refused {
					continue
				}
				if len(ks) != 3 || ks[0] == "" || ks[0] != ks[1] || ks[1] != ks[2] {
					t.Fatalf("%s posted with keys %q, want 3 posts with one stable key", orch, ks)
				}
			}
		})
	}
}

// retryCounter is the store with a count of the rows put back to wait out
// a backoff.
type retryCounter struct {
	*models.Store
	retries atomic.Int64
}

func (r *retryCounter) RetryOutbox(ctx context.Context, id int64, delay time.Duration, reason string) error {
	r.retries.Add(1)
	return r.Store.RetryOutbox(ctx, id, delay, reason)
}

// TestOutboxResumesWhenTheCentralReturns: rows that failed while the
// central was down wait out a backoff of an hour; once the central answers
// a post again, they are all sent at once, each stored once.
func TestOutboxResumesWhenTheCentralReturns(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			c := newCentral(t, dialect)
			c.keepAnswers = true // a lost answer is a failure with its own backoff of an hour
			st := &retryCounter{Store: dbtest.Open(t, dialect, models.Options{})}
			o := drainer(st, "http://"+c.addr+"/api/post_stats")
			o.MinBackoff, o.MaxBackoff = time.Hour, time.Hour
			c.stop()
			const n = 10
			for i := range n {
				if err := st.Insert(context.Background(), forwarded(i)); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); o.Run(ctx) }()
			defer func() { cancel(); <-done }()
			testutil.Eventually(t, "every row tried while the central is down", func() bool { return st.retries.Load() >= n })
			c.start()
			// The next row queued is due at once; its answer is the sign
			// that the central is back.
			if err := st.Insert(context.Background(), forwarded(n)); err != nil {
				t.Fatal(err)
			}
			testutil.Eventually(t, "the backlog sent as soon as the central answered", func() bool {
				s, err := st.OutboxStats(context.Background())
				return err == nil && s.Depth == 0
			})
			if got := dbtest.CountResults(t, c.st); got != n+1 || c.posts.Load() != n+1 {
				t.Fatalf("the central stored %d results from %d posts, want %d of each", got, c.posts.Load(), n+1)
			}
			if r := st.retries.Load(); r != n {
				t.Fatalf("%d rows put back to wait, want %d (one per row, while the central was down)", r, n)
			}
		})
	}
}
