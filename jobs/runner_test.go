package jobs

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jobtester/livepeer"
	"jobtester/media"
	"jobtester/models"
)

// TestRunnerJudgesBrokenGateways drives the AI runner against gateways that
// answer badly in every way the issue lists, and checks the outcome and
// that the reason is said.
func TestRunnerJudgesBrokenGateways(t *testing.T) {
	t.Parallel()
	// The request the runner draws for input seed 5, so that the answer
	// can be of the size it asks for.
	const inputSeed = 5
	want := Definitions["Text to image"].Build("m", InputRand(inputSeed)).Expect
	okImage := media.TestImage(want.Width, want.Height)
	smallImage := media.TestImage(64, 64)
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    models.Outcome
		errHas  string
	}{
		{"valid image", func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/stream/") {
				w.Write(okImage)
				return
			}
			w.Write([]byte(`{"images":[{"url":"/stream/abc/0.png","seed":1,"nsfw":false}]}`))
		}, models.OutcomePass, ""},
		{"wrong size", func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/stream/") {
				w.Write(smallImage)
				return
			}
			w.Write([]byte(`{"images":[{"url":"/stream/abc/0.png"}]}`))
		}, models.OutcomeFail, "wrong size"},
		{"media gone", func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/stream/") {
				http.NotFound(w, r)
				return
			}
			w.Write([]byte(`{"images":[{"url":"/stream/abc/0.png"}]}`))
		}, models.OutcomeFail, "bad answer"},
		{"not an image", func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/stream/") {
				w.Write([]byte("<html>oops</html>"))
				return
			}
			w.Write([]byte(`{"images":[{"url":"/stream/abc/0.png"}]}`))
		}, models.OutcomeFail, "does not decode"},
		{"bad JSON", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"images":[{"url":`)) }, models.OutcomeFail, "bad answer"},
		{"wrong types", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"images":"yes"}`)) }, models.OutcomeFail, "bad answer"},
		{"no images", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"images":[]}`)) }, models.OutcomeFail, "bad answer"},
		{"500 masked", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.Write([]byte(`{"error":{"message":"Internal Server Error"}}`))
		}, models.OutcomeFail, "500"},
		{"503 no capacity", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
			w.Write([]byte(`{"error":{"message":"Service Unavailable Error"}}`))
		}, models.OutcomeUnavailable, "Service Unavailable"},
		{"empty reply", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, models.OutcomeUnavailable, ""},
		{"400 our request", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":{"message":"missing required fields"}}`))
		}, models.OutcomeTesterError, "missing required fields"},
		{"hangs", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // so the server notices the client leave
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, models.OutcomeFail, "no answer within"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			gw := httptest.NewServer(c.handler)
			defer gw.Close()
			lane := &Lane{Name: "l", Client: &livepeer.GatewayClient{CLIURL: gw.URL, HTTPURL: gw.URL}, Webhook: livepeer.NewWebhook()}
			r := &AIRunner{JobTimeout: 300 * time.Millisecond, CaptureBytes: 100}
			res := r.Run(context.Background(), lane, Target{Orchestrator: "0xa", URI: "http://o",
				Capability: livepeer.Capability{Pipeline: "Text to image", Model: "m"}, InputSeed: inputSeed}, 1)
			if res.Outcome != c.want || !strings.Contains(res.Error, c.errHas) {
				t.Fatalf("outcome %s (%q), want %s containing %q", res.Outcome, res.Error, c.want, c.errHas)
			}
			if res.Input == "" || !strings.Contains(res.Input, `"prompt"`) {
				t.Fatalf("input not recorded: %q", res.Input)
			}
		})
	}
}

func TestRunnerGatewayDownIsTesterError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	lane := &Lane{Name: "l", Client: &livepeer.GatewayClient{CLIURL: "http://" + addr, HTTPURL: "http://" + addr}, Webhook: livepeer.NewWebhook()}
	res := (&AIRunner{JobTimeout: time.Second}).Run(context.Background(), lane, Target{Capability: livepeer.Capability{Pipeline: "Llm", Model: "m"}}, 1)
	if res.Outcome != models.OutcomeTesterError {
		t.Fatalf("outcome %s (%s), want tester_error", res.Outcome, res.Error)
	}
	res = (&AIRunner{JobTimeout: time.Second}).Run(context.Background(), lane, Target{Capability: livepeer.Capability{Pipeline: "Live video to video", Model: "m"}}, 1)
	if res.Outcome != models.OutcomeTesterError || !strings.Contains(res.Error, "no test definition") {
		t.Fatalf("unknown pipeline: %s %s", res.Outcome, res.Error)
	}
}

func TestEveryPipelineHasADefinition(t *testing.T) {
	for _, p := range livepeer.Pipelines {
		d, ok := Definitions[p.Name]
		if !ok || d.Route != p.Route {
			t.Errorf("pipeline %s: definition %+v", p.Name, d)
		}
		req := d.Build("some/model", InputRand(0))
		if req.Job.Route != p.Route || len(req.Input) == 0 || req.Input["expect"] == nil {
			t.Errorf("pipeline %s builds %+v", p.Name, req.Job)
		}
	}
}
