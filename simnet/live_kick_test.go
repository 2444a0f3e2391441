package simnet

import (
	"bytes"
	"context"
	"mime/multipart"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"jobtester/testutil"
)

// TestLiveKickOutlivesTheHookRequest: MediaMTX kills its hook command (and
// so the hook's request) when the path goes away, which the gateway's own
// kick causes; the kick still counts, as MediaMTX answered it.
func TestLiveKickOutlivesTheHookRequest(t *testing.T) {
	t.Parallel()
	apiPort := freePort(t)
	sc := liveScenario()
	sc.Gateways = []GatewaySpec{{Name: "gw", MediaMTXAPIPort: apiPort}}
	n := startNet(t, sc)
	capped := orchByName(t, n, "capped")

	hookCtx, cancelHook := context.WithCancel(t.Context())
	defer cancelHook()
	kickAborted := make(chan bool, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/rtmpconns/kick/{id}", func(w http.ResponseWriter, r *http.Request) {
		// The path goes away: the hook is killed while the kick is
		// answered. A kick tied to the hook's request is aborted then.
		cancelHook()
		select {
		case <-r.Context().Done():
			kickAborted <- true
			return
		case <-time.After(time.Second):
		}
		kickAborted <- false
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(apiPort)))
	if err != nil {
		t.Fatal(err)
	}
	api := &http.Server{Handler: mux, ReadHeaderTimeout: time.Minute}
	go func() { _ = api.Serve(ln) }()
	t.Cleanup(func() { api.Close() })

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"source_id": "9b2c4e6a-1d3f-4a5b-8c7d-0e1f2a3b4c5d", "source_type": "rtmpConn",
		"query": liveQuery("streamdiffusion", "cam-1", capped.ServiceURI, `{"prompt":"x"}`)} {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	req, err := http.NewRequestWithContext(hookCtx, http.MethodPost, n.Gateways()[0].HTTPURL+"/live/video-to-video/cam/start", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	select {
	case aborted := <-kickAborted:
		if aborted {
			t.Fatal("the kick was aborted with the hook's request")
		}
	case <-time.After(time.Minute):
		t.Fatal("no kick")
	}
	testutil.Eventually(t, "the truth to record the kick", func() bool {
		for _, s := range n.Truth().LiveStreams {
			if s.Stream == "cam" {
				return s.Kicked
			}
		}
		return false
	})
}
