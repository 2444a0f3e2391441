package simnet

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// testScale runs a 1 s simulated job in 1 ms.
const testScale = 0.001

func startNet(t *testing.T, sc Scenario) *Network {
	t.Helper()
	return startNetWith(t, sc, Options{Seed: 7, TimeScale: testScale})
}

// startNetWith starts a network whose gateways wait up to 5 s for
// discovery: the race detector on a loaded machine can make a loopback
// round trip take longer than go-livepeer's 500 ms, and an orchestrator
// dropped for that would make outcomes depend on the machine's load.
func startNetWith(t *testing.T, sc Scenario, opts Options) *Network {
	t.Helper()
	if len(sc.Gateways) == 0 {
		sc.Gateways = []GatewaySpec{{Name: defaultGatewayName}}
	}
	sc.Gateways = append([]GatewaySpec(nil), sc.Gateways...)
	for i := range sc.Gateways {
		if sc.Gateways[i].DiscoveryTimeout == 0 {
			sc.Gateways[i].DiscoveryTimeout = Duration(5 * time.Second)
		}
	}
	n, err := Start(t.Context(), sc, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// quick is a model that answers fast and always well.
func quick(route, id string) ModelSpec {
	return ModelSpec{Pipeline: route, Model: id, Latency: Latency{Median: Duration(50 * time.Millisecond)}}
}

func newClient() *http.Client {
	// The timeout only catches hangs: under -race on a loaded machine a
	// default-size image-to-video took over 20 s.
	return &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{Proxy: nil}}
}

// reply is an HTTP exchange's outcome; err is set when there was no
// response at all.
type reply struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func do(t *testing.T, req *http.Request) reply {
	t.Helper()
	c := newClient()
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: body, err: err}
}

func get(t *testing.T, url string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func newRequest(t *testing.T, url, contentType string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return req
}

func postRaw(t *testing.T, url, contentType string, body []byte) reply {
	t.Helper()
	return do(t, newRequest(t, url, contentType, body))
}

func postJSON(t *testing.T, url string, v any) reply {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return postRaw(t, url, "application/json", b)
}

// postForm sends a multipart body; files are sent as file parts.
func postForm(t *testing.T, url string, fields map[string]string, files map[string][]byte) reply {
	t.Helper()
	body, ctype := multipartBody(t, fields, files)
	return postRaw(t, url, ctype, body)
}

func multipartBody(t *testing.T, fields map[string]string, files map[string][]byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for k, data := range files {
		fw, err := mw.CreateFormFile(k, k+".bin")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// webhook is a test orchestrator webhook whose answer can be changed.
type webhook struct {
	mu     sync.Mutex
	status int
	body   string
	calls  int
	srv    *httptest.Server
}

func newWebhook(t *testing.T) *webhook {
	h := &webhook{status: http.StatusOK, body: "[]"}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.calls++
		w.WriteHeader(h.status)
		io.WriteString(w, h.body)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// pin makes the webhook return these URIs.
func (h *webhook) pin(uris ...string) {
	var entries []map[string]any
	for _, u := range uris {
		entries = append(entries, map[string]any{"address": u, "score": 0.5})
	}
	b, _ := json.Marshal(entries)
	if entries == nil {
		b = []byte("[]")
	}
	h.set(http.StatusOK, string(b))
}

func (h *webhook) set(status int, body string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status, h.body = status, body
}

func (h *webhook) callCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

// orchByName finds an orchestrator's truth.
func orchByName(t *testing.T, n *Network, name string) OrchestratorTruth {
	t.Helper()
	for _, o := range n.Truth().Orchestrators {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no orchestrator %q", name)
	return OrchestratorTruth{}
}

// newTestServer serves the network's truth handler on loopback.
func newTestServer(t *testing.T, n *Network) string {
	t.Helper()
	srv := httptest.NewServer(n.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}
