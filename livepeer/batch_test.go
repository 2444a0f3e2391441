package livepeer

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// aiGateway serves handler as a gateway's HTTP listener.
func aiGateway(t *testing.T, handler http.HandlerFunc) *GatewayClient {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &GatewayClient{HTTPURL: srv.URL}
}

var textToImage = Job{Route: "text-to-image", JSON: map[string]any{"prompt": "a red square", "model_id": "ByteDance/SDXL-Lightning", "width": 512, "height": 512}}

func TestSubmitClassifiesTheAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		handler   http.HandlerFunc
		timeout   time.Duration
		class     Class
		status    int
		message   string // substring
		bodyKnown bool
	}{
		{name: "200 is ok", handler: serveBody(200, golden(t, "text-to-image.json")), class: ClassOK, status: 200, bodyKnown: true},
		{name: "400 is a bad request", handler: serveBody(400, golden(t, "error-400.json")), class: ClassBadRequest, status: 400, message: "missing required fields"},
		{name: "500 failed", handler: serveBody(500, golden(t, "error-500.json")), class: ClassFailed, status: 500, message: "Internal Server Error"},
		{name: "503 is no capacity", handler: serveBody(503, golden(t, "error-503.json")), class: ClassNoCapacity, status: 503, message: "Service Unavailable Error"},
		{name: "402 failed", handler: serveBody(402, []byte(`{"error":{"message":"bad payment"}}`)), class: ClassFailed, status: 402, message: "bad payment"},
		{name: "500 with a text body", handler: serveBody(500, []byte("panic: boom\n")), class: ClassFailed, status: 500, message: "panic: boom"},
		{name: "panic in the gateway (no response) is no capacity", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			panic(http.ErrAbortHandler) // what net/http does with go-livepeer's nil dereference
		}, class: ClassNoCapacity},
		{name: "hijacked and closed is no capacity", handler: func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}, class: ClassNoCapacity},
		{name: "reset before any status is no capacity", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0)
				conn.Close()
			}
		}, class: ClassNoCapacity},
		{name: "garbage instead of HTTP is no capacity", handler: func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_, _ = buf.WriteString("SSH-2.0-OpenSSH\r\n\r\n")
				_ = buf.Flush()
				conn.Close()
			}
		}, class: ClassNoCapacity},
		{name: "a hanging gateway is a timeout", handler: hang, timeout: 200 * time.Millisecond, class: ClassTimeout},
		{name: "a body that stops is a timeout", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"images":[`))
			_ = http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}, timeout: 200 * time.Millisecond, class: ClassTimeout, status: 200},
		{name: "a body cut short on a 200 failed", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"images":[`))
			_ = http.NewResponseController(w).Flush()
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}, class: ClassFailed, status: 200, message: "unexpected EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := aiGateway(t, tc.handler)
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			start := time.Now()
			res := c.Submit(ctx, textToImage)
			if res.Class != tc.class || res.Status != tc.status {
				t.Fatalf("class %q status %d (message %q), want %q %d", res.Class, res.Status, res.Message, tc.class, tc.status)
			}
			if !strings.Contains(res.Message, tc.message) {
				t.Errorf("message %q does not contain %q", res.Message, tc.message)
			}
			if tc.class == ClassOK && res.Message != "" {
				t.Errorf("ok with message %q", res.Message)
			}
			if tc.class != ClassOK && res.Message == "" {
				t.Error("no message")
			}
			if tc.bodyKnown && !bytes.Equal(res.Body, golden(t, "text-to-image.json")) {
				t.Errorf("body %q", res.Body)
			}
			if res.RoundTrip <= 0 || res.RoundTrip > time.Since(start) {
				t.Errorf("round trip %v", res.RoundTrip)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func TestSubmitOurSideBrokenIsTransport(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	tlsSrv := httptest.NewUnstartedServer(serveBody(200, golden(t, "text-to-image.json")))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake we expect to fail
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	ok := aiGateway(t, serveBody(200, golden(t, "text-to-image.json")))

	cases := []struct {
		name string
		c    *GatewayClient
		job  Job
	}{
		{"connection refused", &GatewayClient{HTTPURL: refused}, textToImage},
		{"unknown host", &GatewayClient{HTTPURL: "http://gateway.invalid:9935"}, textToImage},
		{"untrusted certificate", &GatewayClient{HTTPURL: tlsSrv.URL}, textToImage},
		{"no HTTP URL", &GatewayClient{}, textToImage},
		{"no route", ok, Job{JSON: map[string]any{}}},
		{"route with a query", ok, Job{Route: "llm?x=1", JSON: map[string]any{}}},
		{"no body", ok, Job{Route: "llm"}},
		{"JSON and form", ok, Job{Route: "upscale", JSON: map[string]any{}, Form: map[string]string{"prompt": "x"}}},
		{"JSON that does not marshal", ok, Job{Route: "llm", JSON: map[string]any{"x": func() {}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			res := tc.c.Submit(ctx, tc.job)
			if res.Class != ClassTransport || res.Status != 0 || res.Message == "" {
				t.Fatalf("got %+v", res)
			}
		})
	}

	// The trusted certificate works: TLS verification stays on.
	res := (&GatewayClient{HTTPURL: tlsSrv.URL, HTTP: tlsSrv.Client()}).Submit(context.Background(), textToImage)
	if res.Class != ClassOK {
		t.Fatalf("trusted TLS: %+v", res)
	}
}

func TestSubmitTimeoutsAndCancellation(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	c := aiGateway(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		<-r.Context().Done()
	})

	// The client's own timeout counts like the context deadline.
	withTimeout := &GatewayClient{HTTPURL: c.HTTPURL, HTTP: &http.Client{Timeout: 200 * time.Millisecond}}
	if res := withTimeout.Submit(context.Background(), textToImage); res.Class != ClassTimeout {
		t.Fatalf("client timeout: %+v", res)
	}
	<-arrived

	// A caller that cancels (shutting down) is not the orchestrator's
	// fault.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	if res := c.Submit(ctx, textToImage); res.Class != ClassTransport || !strings.Contains(res.Message, "canceled") {
		t.Fatalf("cancelled: %+v", res)
	}
}

func TestSubmitSendsJSONAndMultipart(t *testing.T) {
	t.Parallel()
	type seen struct {
		method, path, contentType, accept string
		json                              map[string]any
		form                              map[string][]string
		files                             map[string][3]string // filename, content type, data
	}
	got := make(chan seen, 1)
	c := aiGateway(t, func(w http.ResponseWriter, r *http.Request) {
		s := seen{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"), accept: r.Header.Get("Accept")}
		mt, _, _ := mime.ParseMediaType(s.contentType)
		switch mt {
		case "application/json":
			_ = json.NewDecoder(r.Body).Decode(&s.json)
		case "multipart/form-data":
			if err := r.ParseMultipartForm(1 << 20); err == nil {
				s.form = r.MultipartForm.Value
				s.files = map[string][3]string{}
				for k, fhs := range r.MultipartForm.File {
					f, _ := fhs[0].Open()
					data, _ := io.ReadAll(f)
					f.Close()
					s.files[k] = [3]string{fhs[0].Filename, fhs[0].Header.Get("Content-Type"), string(data)}
				}
			}
		}
		got <- s
		_, _ = w.Write([]byte(`{}`))
	})

	if res := c.Submit(context.Background(), Job{Route: "/llm", JSON: map[string]any{"model": "m", "messages": []map[string]string{{"role": "user", "content": "hi"}}, "stream": false, "max_tokens": 8}}); res.Class != ClassOK {
		t.Fatalf("llm: %+v", res)
	}
	s := <-got
	if s.method != "POST" || s.path != "/llm" || s.contentType != "application/json" || s.accept != "application/json" || s.json["model"] != "m" || s.json["max_tokens"] != float64(8) {
		t.Fatalf("llm request: %+v", s)
	}

	png := []byte("\x89PNG\r\n\x1a\nfake")
	res := c.Submit(context.Background(), Job{
		Route: "image-to-image",
		Form:  map[string]string{"prompt": "make it blue", "model_id": "timbrooks/instruct-pix2pix"},
		Files: map[string]File{"image": {Name: "input.png", ContentType: "image/png", Data: png}},
	})
	if res.Class != ClassOK {
		t.Fatalf("image-to-image: %+v", res)
	}
	s = <-got
	if s.path != "/image-to-image" || !strings.HasPrefix(s.contentType, "multipart/form-data; boundary=") {
		t.Fatalf("image-to-image request: %+v", s)
	}
	if !reflect.DeepEqual(s.form, map[string][]string{"prompt": {"make it blue"}, "model_id": {"timbrooks/instruct-pix2pix"}}) {
		t.Errorf("form %v", s.form)
	}
	if s.files["image"] != [3]string{"input.png", "image/png", string(png)} {
		t.Errorf("files %q", s.files)
	}
}

func TestSubmitMultipartIsReproducible(t *testing.T) {
	t.Parallel()
	job := Job{Form: map[string]string{"b": "2", "a": "1", "c": "3"}, Files: map[string]File{"audio": {Data: []byte("RIFF")}, "image": {Data: []byte("x")}}}
	var first string
	for i := 0; i < 5; i++ {
		var buf bytes.Buffer
		ct, err := writeMultipart(&buf, job)
		if err != nil {
			t.Fatal(err)
		}
		_, params, _ := mime.ParseMediaType(ct)
		body := strings.ReplaceAll(buf.String(), params["boundary"], "B")
		if i == 0 {
			first = body
		} else if body != first {
			t.Fatalf("bodies differ:\n%s\n%s", first, body)
		}
	}
	r := multipart.NewReader(strings.NewReader(first), "B")
	var names []string
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		names = append(names, p.FormName()+"/"+p.FileName())
	}
	if want := []string{"a/", "b/", "c/", "audio/audio", "image/image"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("parts %v, want %v", names, want)
	}
}

func TestSubmitStreamStopsAtTheFinishingEvent(t *testing.T) {
	t.Parallel()
	stream := golden(t, "llm-stream.txt")
	c := aiGateway(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		for _, ev := range bytes.SplitAfter(stream, []byte("\n\n")) {
			_, _ = w.Write(ev)
			_ = http.NewResponseController(w).Flush()
		}
		<-r.Context().Done() // keeps the connection open after finishing
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := c.Submit(ctx, Job{Route: "llm", JSON: map[string]any{"stream": true}, Stream: true})
	if res.Class != ClassOK || res.ContentType != "text/event-stream" || !bytes.Equal(res.Body, stream) {
		t.Fatalf("got %+v", res)
	}
	if res.FirstByte <= 0 || res.FirstByte > res.RoundTrip {
		t.Errorf("first byte %v, round trip %v", res.FirstByte, res.RoundTrip)
	}
	text, err := parseLLMStream(res.Body)
	if err != nil || text != "The sky is blue." {
		t.Fatalf("text %q, %v", text, err)
	}
}

func TestSubmitCapsTheBody(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("x"), 5000)
	c := aiGateway(t, serveBody(200, big))
	c.MaxBody = 1024
	res := c.Submit(context.Background(), textToImage)
	if res.Class != ClassOK || !res.Truncated || len(res.Body) != 1024 {
		t.Fatalf("class %s truncated %v len %d", res.Class, res.Truncated, len(res.Body))
	}
	stream := aiGateway(t, serveBody(200, append([]byte("data: "), big...)))
	stream.MaxBody = 1024
	res = stream.Submit(context.Background(), Job{Route: "llm", JSON: map[string]any{}, Stream: true})
	if !res.Truncated || len(res.Body) != 1024 {
		t.Fatalf("stream: truncated %v len %d", res.Truncated, len(res.Body))
	}
}
