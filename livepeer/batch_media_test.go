package livepeer

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestFetchMedia(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\nimage bytes")
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/stream/a1b2c3d4/9f8e7d6c.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(png)
		case "/stream/big/chunked.mp4":
			for i := 0; i < 10; i++ {
				_, _ = w.Write(make([]byte, 1000))
				_ = http.NewResponseController(w).Flush()
			}
		case "/stream/big/sized.mp4":
			w.Header().Set("Content-Length", "10000")
			_, _ = w.Write(make([]byte, 10000))
		case "/stream/hang.wav":
			<-r.Context().Done()
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(gw.Close)
	store := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		_, _ = w.Write([]byte("mp4 " + r.URL.Path))
	}))
	t.Cleanup(store.Close)
	c := &GatewayClient{HTTPURL: gw.URL + "/", MaxMedia: 5000}

	data, ct, err := c.FetchMedia(context.Background(), "/stream/a1b2c3d4/9f8e7d6c.png")
	if err != nil || ct != "image/png" || !bytes.Equal(data, png) {
		t.Fatalf("relative: %q %q %v", data, ct, err)
	}
	data, ct, err = c.FetchMedia(context.Background(), store.URL+"/gateway/e5f6a7b8/0c1d2e3f.mp4")
	if err != nil || ct != "video/mp4" || string(data) != "mp4 /gateway/e5f6a7b8/0c1d2e3f.mp4" {
		t.Fatalf("absolute: %q %q %v", data, ct, err)
	}

	for _, u := range []string{"/stream/big/chunked.mp4", "/stream/big/sized.mp4"} {
		if _, _, err := c.FetchMedia(context.Background(), u); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), gw.URL+u) {
			t.Errorf("%s: err = %v, want ErrTooLarge naming the URL", u, err)
		}
	}
	if _, _, err := c.FetchMedia(context.Background(), "/stream/expired/x.png"); err == nil || !strings.Contains(err.Error(), "status 404") || !strings.Contains(err.Error(), gw.URL+"/stream/expired/x.png") {
		t.Errorf("expired: err = %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, _, err := c.FetchMedia(ctx, "/stream/hang.wav"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hang: err = %v", err)
	}
	for _, u := range []string{"", "relative/x.png", "//elsewhere/x.png", "ftp://host/x.png", "file:///etc/passwd", "http://", "%zz"} {
		if _, _, err := c.FetchMedia(context.Background(), u); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
	if _, _, err := (&GatewayClient{}).FetchMedia(context.Background(), "/stream/a/b.png"); err == nil {
		t.Error("relative URL without HTTPURL accepted")
	}
}
