package simnet

import (
	"testing"
	"time"

	"jobtester/testutil"
)

func TestMediaKeepsTheLast12PerRequest(t *testing.T) {
	t.Parallel()
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw"}, quick("text-to-image", "m")))
	r := postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", map[string]any{"prompt": "p", "model_id": "m", "width": 16, "height": 16, "num_images_per_prompt": 14})
	var body mediaURLs
	r.json(t, &body)
	if len(body.Images) != 14 {
		t.Fatalf("%d images", len(body.Images))
	}
	for i, img := range body.Images {
		want := 200
		if i < 2 {
			want = 404 // pushed out by the 13th and 14th
		}
		if got := get(t, n.Gateways()[0].HTTPURL+img.URL); got.status != want {
			t.Errorf("image %d (%s): %d, want %d", i, img.URL, got.status, want)
		}
	}
}

func TestMediaExpires(t *testing.T) {
	t.Parallel()
	n := startNet(t, singleOrch(GatewaySpec{Name: "gw", MediaTTL: Duration(300 * time.Millisecond)}, quick("text-to-image", "m")))
	sent := time.Now() // the media is stored after this
	r := postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", map[string]any{"prompt": "p", "model_id": "m", "width": 16, "height": 16})
	var body mediaURLs
	r.json(t, &body)
	url := n.Gateways()[0].HTTPURL + body.Images[0].URL
	if got := get(t, url); got.status != 200 || got.header.Get("Content-Type") != "image/png" {
		t.Fatalf("fresh media: %d %q", got.status, got.header.Get("Content-Type"))
	}
	testutil.Eventually(t, "the media to expire", func() bool { return get(t, url).status == 404 })
	if time.Since(sent) < 300*time.Millisecond {
		t.Fatal("expired before its TTL")
	}
}

func TestMediaStoreBounds(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := newMediaStore(time.Minute, 100)
	s.put("a", "1.png", make([]byte, 60), now)
	s.put("b", "1.png", make([]byte, 60), now) // over 100 bytes: a/1 goes
	if _, ok := s.get("a", "1.png", now); ok {
		t.Error("the byte cap did not evict the oldest file")
	}
	if _, ok := s.get("b", "1.png", now); !ok {
		t.Error("the newest file was evicted")
	}
	if _, ok := s.get("b", "1.png", now.Add(time.Minute)); ok {
		t.Error("a file outlived its TTL")
	}
	if len(s.byPath) != 0 || s.all.Len() != 0 || s.bytes != 0 {
		t.Errorf("store not empty after expiry: %d paths, %d files, %d bytes", len(s.byPath), s.all.Len(), s.bytes)
	}
}
