package jobs

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/livepeer"
	"jobtester/media/live"
	"jobtester/models"
)

// fakeLiveGateway is a gateway's live HTTP API reduced to what a case
// needs: the start hook (onStart) and /status (status), on loopback.
type fakeLiveGateway struct {
	srv     *httptest.Server
	mu      sync.Mutex
	starts  int
	onStart func(sourceID string)
	status  func(w http.ResponseWriter, streamID string)
}

func newFakeLiveGateway(t *testing.T) *fakeLiveGateway {
	g := &fakeLiveGateway{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /live/video-to-video/{stream}/start", func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.starts++
		on := g.onStart
		g.mu.Unlock()
		if on != nil {
			on(r.FormValue("source_id"))
		}
	})
	mux.HandleFunc("GET /live/video-to-video/{id}/status", func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		st := g.status
		g.mu.Unlock()
		if st == nil {
			http.NotFound(w, r)
			return
		}
		st(w, r.PathValue("id"))
	})
	g.srv = httptest.NewServer(mux)
	t.Cleanup(g.srv.Close)
	return g
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// runnerFor is a live runner with the embedded media server hooked to
// gatewayURL, a small fast signal and short deadlines.
func runnerFor(t *testing.T, gatewayURL string) (*LiveRunner, *Media) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	media, err := StartMedia(ctx, MediaConfig{RTMPAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", GatewayURL: gatewayURL, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { media.Close() })
	sig := live.DefaultSignalConfig()
	sig.Width, sig.Height = 128, 128
	client := &livepeer.GatewayClient{HTTPURL: gatewayURL}
	return &LiveRunner{Media: media, Lane: &Lane{Name: "g", Client: client, Webhook: livepeer.NewWebhook()},
		Status: GatewayLiveStatus(client), Log: quietLog(),
		Config: LiveConfig{Signal: sig, Duration: 2 * time.Second, FirstOutputTimeout: 2 * time.Second,
			StatusEvery: 200 * time.Millisecond, KickGrace: 300 * time.Millisecond}}, media
}

var liveTarget = Target{Orchestrator: "0x00000000000000000000000000000000000000aa", URI: "https://o.example.com:8935",
	Capability: livepeer.Capability{Pipeline: livepeer.LivePipeline, Model: "streamdiffusion"}}

// TestLiveRunnerClassifiesWhatWentWrong: each way a live test can end
// without output is put on the right side — the orchestrator's (fail), the
// network's capacity (unavailable) or ours (tester_error).
func TestLiveRunnerClassifiesWhatWentWrong(t *testing.T) {
	t.Parallel()
	t.Run("no output while the gateway knows nothing of the stream is a fail", func(t *testing.T) {
		t.Parallel()
		g := newFakeLiveGateway(t)
		r, _ := runnerFor(t, g.srv.URL)
		res := r.Run(context.Background(), liveTarget, 1)
		if res.Outcome != models.OutcomeFail || !strings.Contains(res.Error, "no output within 2s") ||
			res.Live == nil || len(res.Live.Verdict.Flags) != 1 || res.Live.Verdict.Flags[0] != "no_output" {
			t.Fatalf("%s %q %+v", res.Outcome, res.Error, res.Live)
		}
		if res.RoundTrip < 2*time.Second {
			t.Fatalf("round trip %v: a failure without output must not look fast", res.RoundTrip)
		}
		g.mu.Lock()
		starts := g.starts
		g.mu.Unlock()
		if starts != 1 {
			t.Fatalf("%d start hooks, want 1", starts)
		}
		// The webhook listed the orchestrator during the test, and no
		// longer does.
		if got := r.Lane.Webhook.Pinned(); len(got) != 0 {
			t.Fatalf("webhook still pins %v", got)
		}
	})

	t.Run("a runner error in /status is kept with the failure", func(t *testing.T) {
		t.Parallel()
		g := newFakeLiveGateway(t)
		g.status = func(w http.ResponseWriter, id string) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"type":"status","state":"LOADING","stream_id":"`+id+`","gateway_status":{"error":{"error_message":"timeout waiting for segments","error_time":1}}}`)
		}
		r, _ := runnerFor(t, g.srv.URL)
		res := r.Run(context.Background(), liveTarget, 1)
		if res.Outcome != models.OutcomeFail || !strings.Contains(res.Error, "timeout waiting for segments") ||
			res.Live.Status.StatusState != "LOADING" || !res.Live.Status.Seen {
			t.Fatalf("%s %q %+v", res.Outcome, res.Error, res.Live.Status)
		}
	})

	t.Run("no capacity in /status is unavailable, at once", func(t *testing.T) {
		t.Parallel()
		g := newFakeLiveGateway(t)
		g.status = func(w http.ResponseWriter, id string) {
			io.WriteString(w, `{"type":"status","stream_id":"`+id+`","gateway_status":{"error":{"error_message":"no orchestrators available: OrchestratorCapped","error_time":1}}}`)
		}
		r, _ := runnerFor(t, g.srv.URL)
		r.Config.FirstOutputTimeout = 30 * time.Second
		start := time.Now()
		res := r.Run(context.Background(), liveTarget, 1)
		if res.Outcome != models.OutcomeUnavailable || !strings.Contains(res.Error, "OrchestratorCapped") {
			t.Fatalf("%s %q", res.Outcome, res.Error)
		}
		if time.Since(start) > 15*time.Second {
			t.Fatalf("waited %v for output that could not come", time.Since(start))
		}
	})

	t.Run("a kick before any output is unavailable", func(t *testing.T) {
		t.Parallel()
		g := newFakeLiveGateway(t)
		r, media := runnerFor(t, g.srv.URL)
		r.Config.FirstOutputTimeout = 30 * time.Second
		g.onStart = func(sourceID string) {
			// As go-livepeer does when no orchestrator takes the stream.
			resp, err := http.Post("http://"+media.Embedded().APIAddr()+"/v3/rtmpconns/kick/"+sourceID, "", nil)
			if err == nil {
				resp.Body.Close()
			}
		}
		// The gateway knows the stream (go-livepeer keeps a failed
		// stream's status).
		g.status = func(w http.ResponseWriter, id string) {
			_, _ = w.Write([]byte(`{"type":"status","stream_id":"` + id + `","state":"OFFLINE"}`))
		}
		res := r.Run(context.Background(), liveTarget, 1)
		if res.Outcome != models.OutcomeUnavailable || !strings.Contains(res.Error, "dropped the stream before any output") {
			t.Fatalf("%s %q", res.Outcome, res.Error)
		}
	})

}

// TestLiveRunnerBlamesALostQueryOnTheHook: the gateway drops the publisher
// of a stream it never knew (its /status never has the stream id): the
// media server's hook lost the query (MediaMTX's escaped $MTX_QUERY), a
// tester error naming it, not "unavailable" against the node.
func TestLiveRunnerBlamesALostQueryOnTheHook(t *testing.T) {
	t.Parallel()
	g := newFakeLiveGateway(t)
	r, media := runnerFor(t, g.srv.URL)
	r.Config.FirstOutputTimeout = 30 * time.Second
	g.onStart = func(sourceID string) {
		resp, err := http.Post("http://"+media.Embedded().APIAddr()+"/v3/rtmpconns/kick/"+sourceID, "", nil)
		if err == nil {
			resp.Body.Close()
		}
	}
	res := r.Run(context.Background(), liveTarget, 1)
	if res.Outcome != models.OutcomeTesterError || !strings.Contains(res.Error, "URL-escaped") {
		t.Fatalf("%s %q", res.Outcome, res.Error)
	}
}

// TestLiveRunnerOwnsItsOwnFailures: what goes wrong on the tester's side
// (the gateway it cannot reach, its media server, a stopped sweep) is a
// tester_error, never the orchestrator's fail.
func TestLiveRunnerOwnsItsOwnFailures(t *testing.T) {
	t.Parallel()
	t.Run("an unreachable gateway is a tester error", func(t *testing.T) {
		t.Parallel()
		r, _ := runnerFor(t, closedURL(t))
		res := r.Run(context.Background(), liveTarget, 1)
		if res.Outcome != models.OutcomeTesterError || !strings.Contains(res.Error, "live gateway unreachable") {
			t.Fatalf("%s %q", res.Outcome, res.Error)
		}
	})

	t.Run("an unreachable media server is a tester error", func(t *testing.T) {
		t.Parallel()
		g := newFakeLiveGateway(t)
		r, _ := runnerFor(t, g.srv.URL)
		dead, err := StartMedia(context.Background(), MediaConfig{Server: "rtmp" + strings.TrimPrefix(closedURL(t), "http")})
		if err != nil {
			t.Fatal(err)
		}
		r.Media = dead
		res := r.Run(context.Background(), liveTarget, 1)
		if res.Outcome != models.OutcomeTesterError || !strings.Contains(res.Error, "could not publish the test signal") {
			t.Fatalf("%s %q", res.Outcome, res.Error)
		}
	})

	t.Run("a stopped sweep is a tester error", func(t *testing.T) {
		t.Parallel()
		g := newFakeLiveGateway(t)
		r, _ := runnerFor(t, g.srv.URL)
		ctx, cancel := context.WithCancel(context.Background())
		g.onStart = func(string) { cancel() }
		res := r.Run(ctx, liveTarget, 1)
		if res.Outcome != models.OutcomeTesterError || !strings.Contains(res.Error, "test cancelled") {
			t.Fatalf("%s %q", res.Outcome, res.Error)
		}
	})
}

// closedURL is an http URL on a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}

func TestLiveQueryKeepsTheParamsJSON(t *testing.T) {
	sig := live.DefaultSignalConfig()
	p, err := liveParams(sig, map[string]any{"prompt": "a & b = 100%", "width": 768})
	if err != nil || p != `{"height":512,"prompt":"a \u0026 b = 100%","width":768}` {
		t.Fatalf("params %s %v", p, err)
	}
	q := liveQuery("streamdiffusion", "jobtester-1", "https://o:8935", p)
	want := "pipeline=streamdiffusion&streamId=jobtester-1&orchestrator=https%3A%2F%2Fo%3A8935&params=" +
		"%7B%22height%22%3A512%2C%22prompt%22%3A%22a+%5Cu0026+b+%3D+100%25%22%2C%22width%22%3A768%7D"
	if q != want {
		t.Fatalf("query\n %s\nwant\n %s", q, want)
	}
	if !isUnavailableText("No orchestrators available: OrchestratorCapped") || isUnavailableText("timeout waiting for segments") {
		t.Fatal("capacity texts misread")
	}
}
