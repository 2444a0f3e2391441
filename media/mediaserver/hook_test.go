package mediaserver

import (
	"encoding/json"
	"jobtester/testutil"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// hookCall is one request the fake gateway received.
type hookCall struct {
	method, path, contentType string
	form                      map[string][]string
}

// fakeGateway is a plain net/http server on loopback that records start
// hooks the way go-livepeer reads them (r.FormValue on a multipart body).
type fakeGateway struct {
	url   string
	calls chan hookCall
}

func startFakeGateway(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) *fakeGateway {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &fakeGateway{url: "http://" + ln.Addr().String(), calls: make(chan hookCall, 16)}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call := hookCall{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type")}
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			call.form = r.MultipartForm.Value
		}
		g.calls <- call
		if handle != nil {
			handle(w, r)
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return g
}

func (g *fakeGateway) next(t *testing.T) hookCall {
	t.Helper()
	select {
	case c := <-g.calls:
		return c
	case <-time.After(15 * time.Second):
		t.Fatal("no start hook")
		return hookCall{}
	}
}

func formValue(c hookCall, k string) (string, bool) {
	v, ok := c.form[k]
	if !ok || len(v) != 1 {
		return "", false
	}
	return v[0], true
}

// The query reaches the gateway byte for byte, params JSON still
// URL-encoded inside it as a client sends it, which is what go-livepeer's
// url.ParseQuery needs (MediaMTX ≥ 1.18.1 escapes it a second time).
func TestStartHookCarriesTheQueryIntact(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	gw := startFakeGateway(t, nil)
	s := startServer(t, Config{GatewayURL: gw.url + "/"})
	const query = "pipeline=streamdiffusion&streamId=tester-1&orchestrator=https%3A%2F%2Fo.example.com%3A8935" +
		"&params=%7B%22prompt%22%3A%22a%22%7D"
	pub := startFFmpeg(t, rtmpURL(s, "hookstream?"+query), 2)

	c := gw.next(t)
	pubs := connsOn(t, s, "publish", "hookstream")
	if len(pubs) != 1 {
		t.Fatalf("publishers: %+v", pubs)
	}
	if c.method != "POST" || c.path != "/live/video-to-video/hookstream/start" || !strings.HasPrefix(c.contentType, "multipart/form-data") {
		t.Errorf("hook request = %s %s (%s)", c.method, c.path, c.contentType)
	}
	want := map[string]string{
		"source_id":   pubs[0].ID,
		"source_type": "rtmpConn",
		"query":       query,
		"rtmp_url":    "rtmp://" + s.RTMPAddr() + "/hookstream",
	}
	for k, v := range want {
		if got, ok := formValue(c, k); !ok || got != v {
			t.Errorf("form %s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	if len(c.form) != len(want) {
		t.Errorf("form has %d fields: %v", len(c.form), c.form)
	}
	// What the gateway does with it.
	q, err := url.ParseQuery(want["query"])
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("pipeline") != "streamdiffusion" || q.Get("streamId") != "tester-1" || q.Get("orchestrator") != "https://o.example.com:8935" {
		t.Errorf("gateway would read %v", q)
	}
	var params map[string]string
	if err := json.Unmarshal([]byte(q.Get("params")), &params); err != nil || params["prompt"] != "a" {
		t.Errorf("params %q: %v", q.Get("params"), err)
	}
	if stderr, err := pub.wait(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, stderr)
	}
}

func TestStartHookForOutputPathsToo(t *testing.T) {
	t.Parallel()
	// As MediaMTX's runOnReady: every path that becomes ready is
	// announced, the gateway's own -out too (go-livepeer ignores those).
	gw := startFakeGateway(t, nil)
	s := startServer(t, Config{GatewayURL: gw.url})
	out := publisherFor(t, rtmpURL(s, "mystream-out"))
	out.frames(t, 1, 100)
	if c := gw.next(t); c.path != "/live/video-to-video/mystream-out/start" {
		t.Errorf("hook for %s", c.path)
	}
	in := publisherFor(t, rtmpURL(s, "mystream?pipeline=noop"))
	in.frames(t, 1, 100)
	if c := gw.next(t); c.path != "/live/video-to-video/mystream/start" {
		t.Errorf("hook for %s", c.path)
	}
	if n := s.hooksSent.Load(); n != 2 {
		t.Errorf("%d hooks sent, want 2", n)
	}
}

// The gateway answers the hook only after its first orchestrator attempt;
// a slow or failing gateway must never hold up publishing, and Close must
// not wait for it.
func TestSlowOrFailingGatewayDoesNotBlockPublishing(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	gw := startFakeGateway(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	defer close(release)
	s, err := Start(t.Context(), Config{RTMPAddr: "127.0.0.1:0", GatewayURL: gw.url, HookTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pub := publisherFor(t, rtmpURL(s, "slowgw"))
	pub.frames(t, 1, 100)
	gw.next(t) // the hook is in flight and blocked
	r := readerFor(t, rtmpURL(s, "slowgw"))
	pub.frames(t, 10, 100)
	testutil.Eventually(t, "frames while the hook hangs", func() bool { return r.frames.Load() == 11 })

	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the gateway")
	}
}

func TestUnreachableGatewayDoesNotBlockPublishing(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	s := startServer(t, Config{GatewayURL: dead})
	pub := publisherFor(t, rtmpURL(s, "nogw"))
	pub.frames(t, 1, 100)
	waitPublished(t, s, "nogw")
	r := readerFor(t, rtmpURL(s, "nogw"))
	pub.frames(t, 5, 100)
	testutil.Eventually(t, "frames", func() bool { return r.frames.Load() == 6 })
}

func TestGatewayPullURL(t *testing.T) {
	t.Parallel()
	ipv6 := true
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		ipv6 = false
	} else {
		ln.Close()
	}
	cases := []struct{ listen, gateway, want string }{
		{"127.0.0.1:40000", "http://127.0.0.1:5936", "rtmp://127.0.0.1:40000/s"},
		{"0.0.0.0:40000", "http://127.0.0.1:5936", "rtmp://127.0.0.1:40000/s"},
		{"10.1.2.3:40000", "http://127.0.0.1", "rtmp://10.1.2.3:40000/s"},
		// The gateway's default port: nothing to say.
		{"0.0.0.0:1935", "http://127.0.0.1:5936", ""},
		{"[::]:40000", "http://[::1]:5936", "rtmp://[::1]:40000/s"},
	}
	for _, c := range cases {
		if strings.Contains(c.want, "::1") && !ipv6 {
			continue
		}
		got, err := gatewayPullURL(t.Context(), c.listen, c.gateway, "s")
		if err != nil || got != c.want {
			t.Errorf("listen %s, gateway %s: %q, %v; want %q", c.listen, c.gateway, got, err, c.want)
		}
	}
	if _, err := gatewayPullURL(t.Context(), ":40000", "http://[bad", "s"); err == nil {
		t.Error("unparsable gateway URL: no error")
	}
}
