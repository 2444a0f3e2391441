package livepeer

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Webhook serves the JSON list a gateway's -orchWebhookUrl reads:
// [{"address":"<service URI>"}]. Pin sets the list, Clear empties it; both
// are atomic with respect to a fetch, so a gateway sees the old list or the
// new one, never a mix. Safe for concurrent use.
//
// A gateway refreshes the list when it next needs orchestrators (upstream:
// at most once a minute; the tester fork with -webhookRefreshInterval=0:
// on every request), so it counts the fetches and lets a runner wait until
// the gateway has read the current list (WaitFetched).
type Webhook struct {
	mu        sync.Mutex
	body      []byte
	uris      []string
	gen       uint64 // bumped by every Pin and Clear
	served    uint64 // newest gen a fetch has served
	fetches   int64
	lastFetch time.Time
	fetched   chan struct{} // closed and replaced on every fetch
	fixed     bool          // Pin and Clear change nothing (NewFixedWebhook)
}

// NewWebhook returns a webhook serving an empty list. (The zero Webhook is
// ready to use too.)
func NewWebhook() *Webhook { return &Webhook{} }

// NewFixedWebhook returns a webhook that lists uri for good: Pin and Clear
// change nothing. It is for an upstream gateway, which reads its webhook at
// most once a minute, so that a list changed for one test would still be
// in force for the next ones: such a gateway reaches one orchestrator only.
func NewFixedWebhook(uri string) *Webhook {
	w := &Webhook{}
	w.Pin(uri)
	w.fixed = true
	return w
}

// initLocked makes the zero Webhook serve an empty list not yet fetched.
func (w *Webhook) initLocked() {
	if w.fetched == nil {
		w.body, w.gen, w.fetched = []byte("[]"), 1, make(chan struct{})
	}
}

// Pin makes the list exactly uris, in order. Each must be a URI the gateway
// can parse (url.ParseRequestURI: with its scheme, "https://host:8935");
// empty ones are dropped, as the gateway would. Pin with none is Clear.
func (w *Webhook) Pin(uris ...string) {
	type entry struct {
		Address string `json:"address"`
	}
	list := make([]entry, 0, len(uris))
	kept := make([]string, 0, len(uris))
	for _, u := range uris {
		if u = strings.TrimSpace(u); u != "" {
			list = append(list, entry{u})
			kept = append(kept, u)
		}
	}
	body, err := json.Marshal(list)
	if err != nil { // strings always marshal
		panic(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.initLocked()
	if w.fixed {
		return
	}
	w.body, w.uris = body, kept
	w.gen++
}

// Clear empties the list: the gateway gets no orchestrator.
func (w *Webhook) Clear() { w.Pin() }

// Pinned returns the URIs currently served.
func (w *Webhook) Pinned() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.uris...)
}

// ServeHTTP answers GET (and HEAD) with the current list.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.mu.Lock()
	w.initLocked()
	body := w.body
	w.served = w.gen
	w.fetches++
	w.lastFetch = time.Now()
	close(w.fetched)
	w.fetched = make(chan struct{})
	w.mu.Unlock()

	h := rw.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	rw.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = rw.Write(body) // a gateway that went away will fetch again
	}
}

// Fetches returns how many times the list was served.
func (w *Webhook) Fetches() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fetches
}

// LastFetch returns when the list was last served (zero if never).
func (w *Webhook) LastFetch() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastFetch
}

// WaitFetched waits until the list set by the latest Pin or Clear (or a
// later one; the initial empty list if neither was called) has been served
// at least once, or ctx ends.
func (w *Webhook) WaitFetched(ctx context.Context) error {
	w.mu.Lock()
	w.initLocked()
	want := w.gen
	for w.served < want {
		ch := w.fetched
		w.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		w.mu.Lock()
	}
	w.mu.Unlock()
	return nil
}
