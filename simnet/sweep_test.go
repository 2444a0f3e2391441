package simnet

import (
	"net/http"
	"testing"

	"jobtester/media"
)

// sendPair sends the smallest valid request for a pipeline and model.
func sendPair(t *testing.T, base, route, model string) reply {
	t.Helper()
	img := media.TestImage(24, 16)
	switch route {
	case "text-to-image":
		return postJSON(t, base+"/text-to-image", map[string]any{"prompt": "p", "model_id": model, "width": 32, "height": 24})
	case "image-to-image", "upscale":
		return postForm(t, base+"/"+route, map[string]string{"prompt": "p", "model_id": model}, map[string][]byte{"image": img})
	case "image-to-video":
		return postForm(t, base+"/image-to-video", map[string]string{"model_id": model, "width": "32", "height": "24"}, map[string][]byte{"image": img})
	case "audio-to-text":
		return postForm(t, base+"/audio-to-text", map[string]string{"model_id": model}, map[string][]byte{"audio": flacOf(t, media.TestAudio(1, 8000))})
	case "segment-anything-2", "image-to-text":
		return postForm(t, base+"/"+route, map[string]string{"model_id": model}, map[string][]byte{"image": img})
	case "llm":
		return postJSON(t, base+"/llm", map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": "hi"}}, "stream": false, "max_tokens": 8})
	case "text-to-speech":
		return postJSON(t, base+"/text-to-speech", map[string]any{"model_id": model, "text": "hello world"})
	}
	t.Fatalf("no request for %s", route)
	return reply{}
}

// TestDefaultScenarioBehavesAsLabelled tests every advertised pair of the
// default scenario once, pinned through the webhook, and checks each
// orchestrator's answers against its label.
func TestDefaultScenarioBehavesAsLabelled(t *testing.T) {
	t.Parallel()
	hook := newWebhook(t)
	sc := DefaultScenario()
	sc.Gateways = []GatewaySpec{{Name: "lane", Webhook: hook.srv.URL}}
	n := startNet(t, sc)
	base := n.Gateways()[0].HTTPURL
	for _, o := range n.Truth().Orchestrators {
		hook.pin(o.AIServiceURI, o.ServiceURI)
		for i, m := range o.Models {
			if !m.Advertised || m.Route == liveRoute {
				continue // live models are tested in live_test.go
			}
			r := sendPair(t, base, m.Route, m.Model)
			ok := r.err == nil && r.status == http.StatusOK
			var want bool
			switch o.Label {
			case "healthy", "slow", "cold", "inactive", "no AI-registry URI":
				want = ok
			case "flaky", "busy":
				// A failed try is retried on the same orchestrator until
				// the retry timeout (503) or the tries run out (no reply).
				want = ok || unavailable(r)
			case "broken model":
				want = ok != m.Broken && (ok || unavailable(r))
			case "wrong size":
				var body mediaURLs
				r.json(t, &body)
				w, _, _, err := media.ImageInfo(fetchMedia(t, n, body.Images[0].URL))
				want = ok && err == nil && w != 32 && w != 96
			case "goes offline":
				// Its first job is served; then it is gone.
				want = (i == 0) == ok && (ok || emptyReply(r))
			default:
				t.Fatalf("%s: unknown label %q", o.Name, o.Label)
			}
			if !want {
				t.Errorf("%s (%s) %s %s: status %d, err %v: %s", o.Name, o.Label, m.Route, m.Model, r.status, r.err, r.body)
			}
		}
	}
	// The unadvertised model cannot be reached even when pinned.
	hook.pin(orchByName(t, n, "orch-08").ServiceURI)
	if r := sendPair(t, base, "llm", "meta-llama/Meta-Llama-3.1-70B-Instruct"); !emptyReply(r) {
		t.Errorf("unadvertised model: status %d, err %v", r.status, r.err)
	}
}
