package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
)

// StoredKey is an ingest key as the database holds it: its secret in the
// form Sealer.Seal wrote.
type StoredKey struct {
	Name    string
	Sealed  string
	Revoked bool
}

// KeySource is where admin-created keys live (models.Store).
type KeySource interface {
	LoadIngestKeys(ctx context.Context) ([]StoredKey, error)
	// MarkIngestKeysUsed records when keys last verified a request.
	MarkIngestKeysUsed(ctx context.Context, used map[string]time.Time) error
}

// Refresher keeps a Keyring's stored keys in step with the database.
// Every instance runs one, so a key created or revoked on one instance
// takes effect on all of them within Interval; the instance where the
// admin made the change calls Refresh at once.
type Refresher struct {
	Ring     *Keyring
	Source   KeySource
	Sealer   *Sealer
	Interval time.Duration // default 5 s
	Log      *slog.Logger

	mu      sync.Mutex // one refresh at a time
	lastBad string     // names that did not open at the last refresh, to log changes only
}

// DefaultRefreshInterval is how long a revoked key keeps working on an
// instance other than the one where it was revoked.
const DefaultRefreshInterval = 5 * time.Second

// Refresh writes the usage seen since the last refresh, then re-reads the
// keys. If reading fails the ring keeps the keys it had: a database hiccup
// must not lock every tester out (a revocation then waits for the next
// successful refresh, and ingest cannot store anything meanwhile anyway).
func (r *Refresher) Refresh(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	if used := r.Ring.TakeUsage(); len(used) > 0 {
		if err := r.Source.MarkIngestKeysUsed(ctx, used); err != nil {
			errs = append(errs, fmt.Errorf("record ingest key use: %w", err))
		}
	}
	stored, err := r.Source.LoadIngestKeys(ctx)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("read ingest keys: %w", err))...)
	}
	keys := make([]Key, 0, len(stored))
	var bad []string
	for _, sk := range stored {
		if sk.Revoked {
			continue
		}
		secret, err := r.Sealer.Open(sk.Name, sk.Sealed)
		if err != nil {
			bad = append(bad, sk.Name)
			continue
		}
		keys = append(keys, Key{Name: sk.Name, Secret: secret})
	}
	r.Ring.SetStored(keys)
	sort.Strings(bad)
	if b := strings.Join(bad, ","); b != r.lastBad {
		r.lastBad = b
		if b != "" && r.Log != nil {
			r.Log.Error("ingest keys in the database can not be opened and will refuse every request: "+
				"they were created under another `secret` setting; create new ones", "keys", b)
		}
	}
	return errors.Join(errs...)
}

// Run refreshes every Interval until ctx ends.
func (r *Refresher) Run(ctx context.Context) {
	interval := r.Interval
	if interval <= 0 {
		interval = DefaultRefreshInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			// Keep the last use times of this instance.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if used := r.Ring.TakeUsage(); len(used) > 0 {
				_ = r.Source.MarkIngestKeysUsed(fctx, used)
			}
			cancel()
			return
		case <-t.C:
			rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			if err := r.Refresh(rctx); err != nil && ctx.Err() == nil && r.Log != nil {
				r.Log.Warn("ingest key refresh failed; keeping the keys already loaded", "err", err)
			}
			cancel()
		}
	}
}
