package livepeer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// fetchWebhook reads the list as go-livepeer's webhook discovery does:
// GET, 2xx, a JSON array of {"address","score"}, addresses that
// url.ParseRequestURI accepts.
func fetchWebhook(t *testing.T, u string) []string {
	t.Helper()
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		Address string  `json:"address"`
		Score   float32 `json:"score"`
	}
	if err := json.Unmarshal(body, &list); err != nil || list == nil {
		t.Fatalf("body %q: %v", body, err)
	}
	out := []string{}
	for _, e := range list {
		if _, err := url.ParseRequestURI(e.Address); err != nil {
			t.Fatalf("gateway would reject %q: %v", e.Address, err)
		}
		out = append(out, e.Address)
	}
	return out
}

func TestWebhookServesThePinnedList(t *testing.T) {
	t.Parallel()
	w := NewWebhook()
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)

	if got := fetchWebhook(t, srv.URL); len(got) != 0 {
		t.Fatalf("new webhook serves %v", got)
	}
	w.Pin("https://10.4.3.2:8935", " ", "https://o2.example.com:8935")
	if got := fetchWebhook(t, srv.URL); strings.Join(got, ",") != "https://10.4.3.2:8935,https://o2.example.com:8935" {
		t.Fatalf("pinned: %v", got)
	}
	if got := w.Pinned(); len(got) != 2 {
		t.Fatalf("Pinned() = %v", got)
	}
	w.Pin("https://only.example.com:8935")
	if got := fetchWebhook(t, srv.URL); len(got) != 1 || got[0] != "https://only.example.com:8935" {
		t.Fatalf("re-pinned: %v", got)
	}
	w.Clear()
	if got := fetchWebhook(t, srv.URL); len(got) != 0 {
		t.Fatalf("cleared: %v", got)
	}
	if n := w.Fetches(); n != 4 {
		t.Fatalf("fetches = %d, want 4", n)
	}
	if time.Since(w.LastFetch()) > time.Minute {
		t.Fatalf("last fetch %v", w.LastFetch())
	}

	resp, err := http.Post(srv.URL, "application/json", strings.NewReader("[]"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || w.Fetches() != 4 {
		t.Fatalf("POST: status %d, fetches %d", resp.StatusCode, w.Fetches())
	}
}

func TestWebhookZeroValueServesAnEmptyList(t *testing.T) {
	t.Parallel()
	var w Webhook
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 || rec.Body.String() != "[]" || w.Fetches() != 1 {
		t.Fatalf("%d %q", rec.Code, rec.Body)
	}
}

func TestWebhookPinIsAtomicUnderConcurrency(t *testing.T) {
	t.Parallel()
	w := NewWebhook()
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)

	// Pin i always pins i URIs all tagged with i: a fetch that mixed two
	// lists would show two tags or a length that does not match its tag.
	list := func(i int) []string {
		uris := make([]string, i)
		for j := range uris {
			uris[j] = fmt.Sprintf("https://o%d-%d.example.com:8935", i, j)
		}
		return uris
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for p := 0; p < 4; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				if n := (i + p) % 6; n == 0 {
					w.Clear()
				} else {
					w.Pin(list(n)...)
				}
				runtime.Gosched() // let the fetchers in
			}
		}()
	}
	var fetchers sync.WaitGroup
	for f := 0; f < 4; f++ {
		fetchers.Add(1)
		go func() {
			defer fetchers.Done()
			for i := 0; i < 50; i++ {
				got := fetchWebhook(t, srv.URL)
				for j, u := range got {
					var n, k int
					if _, err := fmt.Sscanf(u, "https://o%d-%d.example.com:8935", &n, &k); err != nil || n != len(got) || k != j {
						t.Errorf("mixed list %v", got)
						return
					}
				}
				_ = w.Pinned()
				_ = w.LastFetch()
			}
		}()
	}
	fetchers.Wait()
	cancel()
	wg.Wait()
	if w.Fetches() != 200 {
		t.Fatalf("fetches = %d, want 200", w.Fetches())
	}
}

func TestWebhookWaitFetched(t *testing.T) {
	t.Parallel()
	w := NewWebhook()
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)

	fetchWebhook(t, srv.URL)
	w.Pin("https://o.example.com:8935")
	done := make(chan error, 1)
	go func() { done <- w.WaitFetched(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("returned before the gateway read the new pin: %v", err)
	default:
	}
	fetchWebhook(t, srv.URL)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitFetched did not return after a fetch")
	}
	if err := w.WaitFetched(context.Background()); err != nil {
		t.Fatalf("already fetched: %v", err)
	}

	w.Clear()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := w.WaitFetched(ctx); err != context.DeadlineExceeded {
		t.Fatalf("no fetch: err = %v", err)
	}
}
