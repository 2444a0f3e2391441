package livepeer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	text, err := ParseLLMStream(res.Body)
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

func TestParsersAcceptTheGatewayAnswers(t *testing.T) {
	t.Parallel()
	images, err := ParseImages(golden(t, "text-to-image.json"))
	if err != nil || !reflect.DeepEqual(images, []MediaRef{{URL: "/stream/a1b2c3d4/9f8e7d6c.png", Seed: 2657448232}}) {
		t.Errorf("text-to-image: %+v %v", images, err)
	}
	images, err = ParseImages(golden(t, "image-to-video.json"))
	if err != nil || len(images) != 1 || !strings.HasSuffix(images[0].URL, ".mp4") || images[0].Seed != 42 {
		t.Errorf("image-to-video: %+v %v", images, err)
	}
	audio, err := ParseAudioRef(golden(t, "text-to-speech.json"))
	if err != nil || audio.URL != "/stream/c0ffee00/7a7a7a7a.wav" {
		t.Errorf("text-to-speech: %+v %v", audio, err)
	}
	text, err := ParseText(golden(t, "image-to-text.json"))
	if err != nil || text != "a red square on a white background" {
		t.Errorf("image-to-text: %q %v", text, err)
	}
	text, err = ParseText(golden(t, "audio-to-text.json"))
	if err != nil || text != " Testing one two three." {
		t.Errorf("audio-to-text: %q %v", text, err)
	}
	text, err = ParseLLM(golden(t, "llm.json"))
	if err != nil || text != "The sky is blue." {
		t.Errorf("llm: %q %v", text, err)
	}
	text, err = ParseLLMStream(golden(t, "llm-stream.txt"))
	if err != nil || text != "The sky is blue." {
		t.Errorf("llm stream: %q %v", text, err)
	}
	sam, err := ParseSegmentAnything(golden(t, "segment-anything-2.json"))
	if err != nil || sam.Scores != "[0.9521484375]" || !strings.HasPrefix(sam.Masks, "[[[") || !strings.HasPrefix(sam.Logits, "[[[") {
		t.Errorf("segment-anything-2: %+v %v", sam, err)
	}
}

func TestParseLLMStreamVariants(t *testing.T) {
	t.Parallel()
	chunk := func(content, finish string) string {
		return `{"choices":[{"index":0,"delta":{"content":` + mustJSON(content) + `},"finish_reason":` + mustJSON(finish) + `}]}`
	}
	cases := []struct {
		name, body, want string
	}{
		{"CRLF and comments", ": keep-alive\r\ndata: " + chunk("a", "") + "\r\n\r\nevent: message\r\ndata: " + chunk("b", "stop") + "\r\n\r\n", "ab"},
		{"null finish_reason", `data: {"choices":[{"delta":{"content":"x"},"finish_reason":null}]}` + "\n\ndata: " + chunk("y", "length") + "\n\n", "xy"},
		{"no space after data:", "data:" + chunk("z", "stop") + "\n\n", "z"},
		{"stops at finish", "data: " + chunk("a", "stop") + "\n\ndata: " + chunk("IGNORED", "") + "\n\ndata: not json\n\n", "a"},
		{"[DONE] after content", "data: " + chunk("a", "") + "\n\ndata: [DONE]\n\n", "a"},
		{"last event without blank line", "data: " + chunk("a", "") + "\n\ndata: " + chunk("b", "stop"), "ab"},
		{"data split over lines", "data: {\"choices\":[{\"delta\":{\"content\":\"s\"},\ndata: \"finish_reason\":\"stop\"}]}\n\n", "s"},
	}
	for _, tc := range cases {
		got, err := ParseLLMStream([]byte(tc.body))
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestParsersRejectGarbage(t *testing.T) {
	t.Parallel()
	stream := string(golden(t, "llm-stream.txt"))
	type parser func([]byte) error
	images := func(b []byte) error { _, err := ParseImages(b); return err }
	audio := func(b []byte) error { _, err := ParseAudioRef(b); return err }
	text := func(b []byte) error { _, err := ParseText(b); return err }
	llm := func(b []byte) error { _, err := ParseLLM(b); return err }
	llmStream := func(b []byte) error { _, err := ParseLLMStream(b); return err }
	sam := func(b []byte) error { _, err := ParseSegmentAnything(b); return err }
	cases := []struct {
		name  string
		parse parser
		body  string
		empty bool // the error wraps ErrEmptyResult
	}{
		{"images: bad JSON", images, `{"images":[`, false},
		{"images: not JSON", images, `<html>502 Bad Gateway</html>`, false},
		{"images: empty body", images, ``, false},
		{"images: null", images, `null`, false},
		{"images: missing", images, `{"image":[]}`, false},
		{"images: no image", images, `{"images":[]}`, true},
		{"images: empty url", images, `{"images":[{"url":""}]}`, true},
		{"images: no url", images, `{"images":[{"seed":1}]}`, false},
		{"images: url is a number", images, `{"images":[{"url":1}]}`, false},
		{"images: seed is a string", images, `{"images":[{"url":"/x","seed":"1"}]}`, false},
		{"images: seed beyond int64", images, `{"images":[{"url":"/x","seed":115792089237316195423570985008687907853269984665640564039457584007913129639936}]}`, false},
		{"images: nsfw is a number", images, `{"images":[{"url":"/x","nsfw":0}]}`, false},
		{"images: the async shape", images, `{"request_id":"abc"}`, false},
		{"images: trailing", images, `{"images":[{"url":"/x"}]}{}`, false},
		{"audio: missing", audio, `{"audio":{}}`, false},
		{"audio: empty", audio, `{"audio":{"url":" "}}`, true},
		{"audio: wrong type", audio, `{"audio":"/stream/x.wav"}`, false},
		{"text: missing", text, `{"chunks":[]}`, false},
		{"text: null", text, `{"text":null}`, false},
		{"text: number", text, `{"text":5}`, false},
		{"text: empty", text, `{"text":"  "}`, true},
		{"text: chunks wrong type", text, `{"text":"a","chunks":"a"}`, false},
		{"text: chunk timestamp wrong type", text, `{"text":"a","chunks":[{"text":"a","timestamp":"0-1"}]}`, false},
		{"text: the worker's error shape", text, `{"detail":{"msg":"boom"}}`, false},
		{"llm: no choices", llm, `{"id":"x"}`, false},
		{"llm: empty choices", llm, `{"choices":[]}`, true},
		{"llm: no message", llm, `{"choices":[{"delta":{"content":"x"}}]}`, false},
		{"llm: empty content", llm, `{"choices":[{"message":{"content":""}}]}`, true},
		{"llm: content not a string", llm, `{"choices":[{"message":{"content":["x"]}}]}`, false},
		{"llm stream: empty", llmStream, ``, false},
		{"llm stream: no data", llmStream, "event: ping\n\n: comment\n\n", false},
		{"llm stream: plain JSON", llmStream, `{"choices":[{"message":{"content":"x"}}]}`, false},
		{"llm stream: truncated", llmStream, stream[:len(stream)-40], false},
		{"llm stream: no finish", llmStream, stream[:strings.LastIndex(stream, "data: ")], false},
		{"llm stream: bad JSON event", llmStream, "data: {\"choices\":\n\n", false},
		{"llm stream: error event", llmStream, "data: {\"error\":{\"message\":\"boom\"}}\n\n", false},
		{"llm stream: no choices", llmStream, "data: {\"id\":\"x\"}\n\n", false},
		{"llm stream: content wrong type", llmStream, "data: {\"choices\":[{\"delta\":{\"content\":1},\"finish_reason\":\"stop\"}]}\n\n", false},
		{"llm stream: nothing said", llmStream, "data: {\"choices\":[{\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}]}\n\n", true},
		{"llm stream: DONE only", llmStream, "data: [DONE]\n\n", true},
		{"sam: missing logits", sam, `{"masks":"[[1]]","scores":"[1]"}`, false},
		{"sam: masks not a string", sam, `{"masks":[[1]],"scores":"[1]","logits":"[]"}`, false},
		{"sam: empty masks", sam, `{"masks":"[]","scores":"[]","logits":"[]"}`, true},
	}
	for _, tc := range cases {
		err := tc.parse([]byte(tc.body))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if errors.Is(err, ErrEmptyResult) != tc.empty {
			t.Errorf("%s: %v, empty=%v", tc.name, err, tc.empty)
		}
	}
}

func FuzzParseImages(f *testing.F) {
	f.Add(golden(f, "text-to-image.json"))
	f.Add(golden(f, "image-to-video.json"))
	f.Add([]byte(`{"images":[{"url":"","seed":-1,"nsfw":true}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		refs, err := ParseImages(body)
		if err != nil {
			return
		}
		if len(refs) == 0 {
			t.Fatal("no image and no error")
		}
		for _, r := range refs {
			if strings.TrimSpace(r.URL) == "" {
				t.Fatal("empty url and no error")
			}
		}
	})
}

func FuzzParseLLMStream(f *testing.F) {
	f.Add(golden(f, "llm-stream.txt"))
	f.Add([]byte("data: [DONE]\n\n"))
	f.Add([]byte("data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\r\n\r\n"))
	f.Add([]byte(": c\nevent: e\ndata: {\"error\":1}\n\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		text, err := ParseLLMStream(body)
		if err == nil && strings.TrimSpace(text) == "" {
			t.Fatal("empty text and no error")
		}
		// Reading the same bytes as a live stream must not fail either.
		if _, _, err := readEventStream(bytes.NewReader(body), int64(len(body))); err != nil {
			t.Fatalf("readEventStream: %v", err)
		}
	})
}

func FuzzParseText(f *testing.F) {
	f.Add(golden(f, "image-to-text.json"))
	f.Add(golden(f, "audio-to-text.json"))
	f.Add([]byte(`{"text":"","chunks":[{"text":1}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		text, err := ParseText(body)
		if err == nil && strings.TrimSpace(text) == "" {
			t.Fatal("empty text and no error")
		}
	})
}

// FuzzParseOtherAnswers covers the remaining parsers and the error-body
// reader: none may panic on anything.
func FuzzParseOtherAnswers(f *testing.F) {
	for _, name := range []string{"llm.json", "text-to-speech.json", "segment-anything-2.json", "error-400.json"} {
		f.Add(golden(f, name))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if s, err := ParseLLM(body); err == nil && strings.TrimSpace(s) == "" {
			t.Fatal("llm: empty and no error")
		}
		if r, err := ParseAudioRef(body); err == nil && strings.TrimSpace(r.URL) == "" {
			t.Fatal("audio: empty and no error")
		}
		if r, err := ParseSegmentAnything(body); err == nil && strings.TrimSpace(r.Masks) == "" {
			t.Fatal("sam: empty and no error")
		}
		_ = errorMessage(body)
	})
}
