package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

// OutboxStore is what the outbox drainer needs of the database.
type OutboxStore interface {
	ClaimOutbox(ctx context.Context, n int, lease time.Duration) ([]models.OutboxItem, error)
	DeleteOutbox(ctx context.Context, id int64) error
	RetryOutbox(ctx context.Context, id int64, delay time.Duration, reason string) error
	ParkOutbox(ctx context.Context, id int64, reason string) error
	ResumeOutbox(ctx context.Context) (int64, error)
}

var _ OutboxStore = (*models.Store)(nil)

// Outbox posts the results queued in the database's outbox to a central
// leaderboard (another jobtester, or leaderboard-serverless), signed as the
// legacy testers sign them and with each row's own Idempotency-Key, so a
// post whose answer was lost is stored once when it is sent again. The
// tester queues a result in the same transaction as it stores it
// (NewResult.Forward), so nothing is lost while the central is away, nor
// when this process dies: the rows wait in the database.
//
// A row is deleted on a 2xx, kept and retried with backoff on 5xx, 408,
// 429 and network errors, and parked with the answer on any other 4xx (the
// central will refuse it again; retrying would only delay the rows behind
// it). Several instances on one database drain it together: each claims
// rows for Lease, so none is sent by two at once. When the central answers
// again after failing (this drainer saw it fail, or the row had been tried
// before), every row waiting out a backoff is due at once: the backlog of
// an outage drains when the central returns, not row by row as backoffs
// of up to MaxBackoff end.
type Outbox struct {
	Store  OutboxStore
	URL    string // …/api/post_stats
	Secret string
	Client *http.Client // nil: one with PostTimeout
	Log    *slog.Logger
	// Poll is how often an idle drainer looks for due rows; Notify wakes
	// it at once. Default 2 s.
	Poll time.Duration
	// Lease is how long a claimed row is this drainer's; a drainer that
	// died releases its rows when it ends. Default 2 min.
	Lease time.Duration
	// Batch is how many rows one claim takes. Default 32.
	Batch int
	// MinBackoff and MaxBackoff bound the wait before a row is tried
	// again: doubled at every failed attempt. Defaults 1 s and 5 min.
	MinBackoff, MaxBackoff time.Duration
	// PostTimeout bounds one post. Default 15 s.
	PostTimeout time.Duration

	wake chan struct{}
	// failing: the last post that ended was a failure to be retried. Only
	// the goroutine running Run or Drain touches it.
	failing bool
}

func (o *Outbox) defaults() {
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 32
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.PostTimeout <= 0 {
		o.PostTimeout = 15 * time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.PostTimeout}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.wake == nil {
		o.wake = make(chan struct{}, 1)
	}
}

// NewOutbox returns a drainer with its defaults set; the fields may be
// changed before Run.
func NewOutbox(st OutboxStore, url, secret string, log *slog.Logger) *Outbox {
	o := &Outbox{Store: st, URL: url, Secret: secret, Log: log}
	o.defaults()
	return o
}

// Notify tells the drainer a row was queued; it never blocks.
func (o *Outbox) Notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run drains the outbox until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	o.defaults()
	t := time.NewTicker(o.Poll)
	defer t.Stop()
	for ctx.Err() == nil {
		n, err := o.drainOnce(ctx)
		if err != nil && ctx.Err() == nil {
			o.Log.Warn("outbox: claiming rows failed; will retry", "err", err)
		}
		if n > 0 && err == nil {
			continue // there may be more due
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-o.wake:
		}
	}
}

// Drain sends the rows due now, and returns when none is left due (rows
// waiting out a backoff stay for the next Run) or ctx ends.
func (o *Outbox) Drain(ctx context.Context) error {
	o.defaults()
	for {
		n, err := o.drainOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// drainOnce claims one batch and sends it; it returns how many it claimed.
func (o *Outbox) drainOnce(ctx context.Context) (int, error) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	items, err := o.Store.ClaimOutbox(cctx, o.Batch, o.Lease)
	cancel()
	if err != nil {
		return 0, err
	}
	for i := range items {
		o.send(ctx, &items[i])
	}
	return len(items), nil
}

// send posts one row and records the outcome. The outcome is recorded even
// when ctx ends meanwhile, so a stopping drainer leaves its rows due
// rather than leased.
func (o *Outbox) send(ctx context.Context, it *models.OutboxItem) {
	err := o.post(ctx, it)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var ferr error
	var refused *refusedError
	switch {
	case err == nil:
		ferr = o.Store.DeleteOutbox(rctx, it.ID)
		if o.failing || it.Attempts > 1 {
			o.failing = false
			if n, err := o.Store.ResumeOutbox(rctx); err != nil {
				o.Log.Warn("outbox: the central answers again, but making the waiting rows due failed", "err", err)
			} else if n > 0 {
				o.Log.Info("outbox: the central answers again; rows waiting out a backoff are due now", "url", o.URL, "rows", n)
			}
		}
	case errors.As(err, &refused):
		o.Log.Error("outbox: the central leaderboard refused a result; parked", "url", o.URL, "row", it.ID, "err", err)
		ferr = o.Store.ParkOutbox(rctx, it.ID, err.Error())
	case ctx.Err() != nil:
		ferr = o.Store.RetryOutbox(rctx, it.ID, 0, "interrupted: "+err.Error())
	default:
		o.failing = true
		delay := o.backoff(it.Attempts)
		o.Log.Warn("outbox: forwarding a result failed; will retry", "url", o.URL, "row", it.ID,
			"attempt", it.Attempts, "in", delay, "err", err)
		ferr = o.Store.RetryOutbox(rctx, it.ID, delay, err.Error())
	}
	if ferr != nil {
		// The row stays claimed until its lease ends, then is sent again:
		// the central dedupes it by its key.
		o.Log.Warn("outbox: recording a send failed", "row", it.ID, "err", ferr)
	}
}

// backoff is the wait after the attempt-th failure: doubling from
// MinBackoff up to MaxBackoff, with ±20 % jitter so instances spread out.
func (o *Outbox) backoff(attempt int) time.Duration {
	d := o.MinBackoff
	for i := 1; i < attempt && d < o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, o.MaxBackoff)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// refusedError is a definite refusal by the central: sending again would
// be refused again.
type refusedError struct {
	status int
	msg    string
}

func (e *refusedError) Error() string { return fmt.Sprintf("refused: %d %s", e.status, e.msg) }

func (o *Outbox) post(ctx context.Context, it *models.OutboxItem) error {
	ctx, cancel := context.WithTimeout(ctx, o.PostTimeout)
	defer cancel()
	body := []byte(it.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.URL, bytes.NewReader(body))
	if err != nil {
		return &refusedError{0, "bad forward URL: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", ingest.Sign(o.Secret, body))
	req.Header.Set("Idempotency-Key", it.IdempotencyKey)
	resp, err := o.Client.Do(req)
	if err != nil {
		return fmt.Errorf("forward to %s: %w", o.URL, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch code := resp.StatusCode; {
	case code/100 == 2:
		return nil
	case code/100 == 4 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests && code != http.StatusTooEarly:
		return &refusedError{code, string(bytes.TrimSpace(msg))}
	default:
		return fmt.Errorf("forward to %s: %d %s", o.URL, code, bytes.TrimSpace(msg))
	}
}
