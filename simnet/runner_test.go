package simnet

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestRunnerAnswersAndRefuses(t *testing.T) {
	sc := Scenario{Orchestrators: []OrchestratorSpec{{Name: "o", Models: []ModelSpec{
		{Pipeline: "text-to-image", Model: "ok"}, {Pipeline: "llm", Model: "bad", Broken: true}}}}}
	n, err := Start(context.Background(), sc, Options{TimeScale: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	rs, err := n.StartRunners()
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	url := rs.List()[0].URL
	post := func(route, body string) (int, map[string]any) {
		resp, err := http.Post(url+"/"+route, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	if code, v := post("text-to-image", `{"prompt":"x","model_id":"ok","width":8,"height":6}`); code != 200 ||
		!strings.HasPrefix(v["images"].([]any)[0].(map[string]any)["url"].(string), "data:image/png;base64,") {
		t.Errorf("text-to-image: %d %v", code, v)
	}
	for _, c := range []struct{ route, body string }{
		{"text-to-image", `{"prompt":`}, {"text-to-image", `{"model_id":"ok"}`}, {"llm", `[]`},
	} {
		if code, v := post(c.route, c.body); code != 400 || v["detail"] == nil {
			t.Errorf("%s %q: %d %v, want 400 with detail", c.route, c.body, code, v)
		}
	}
	if code, v := post("llm", `{"model":"bad","messages":[{"role":"user","content":"hi"}],"stream":false,"max_tokens":4}`); code != 500 || v["detail"] == nil {
		t.Errorf("broken llm: %d %v", code, v)
	}
	if code, _ := post("text-to-image", `{"prompt":"x","model_id":"missing"}`); code != 500 {
		t.Errorf("unknown model: %d, want 500", code)
	}
	if got := n.Requests(); len(got) != 3 || got[0].Gateway != runnerGatewayName {
		t.Errorf("request log %+v", got)
	}
}

func TestDockerStandIn(t *testing.T) {
	d, err := StartDocker("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	base := "http://" + strings.TrimPrefix(d.Host(), "tcp://")
	for path, want := range map[string]int{"/_ping": 200, "/v1.43/containers/json": 200,
		"/v1.43/images/livepeer/ai-runner:latest/json": 200, "/v1.43/containers/create": 404, "/vx/containers/json": 404} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || resp.Header.Get("Api-Version") != dockerAPIVersion {
			t.Errorf("%s: %d (api %q), want %d", path, resp.StatusCode, resp.Header.Get("Api-Version"), want)
		}
	}
	if calls, unknown := d.Calls(); len(calls) != 5 || unknown != 2 {
		t.Errorf("calls %v, %d unknown", calls, unknown)
	}
	for in, want := range map[string]string{"/v1.43/x": "/x", "/v1/x": "/x", "/vx/y": "/vx/y", "/v1.43": "/v1.43", "/x": "/x", "": ""} {
		if got := stripAPIVersion(in); got != want {
			t.Errorf("stripAPIVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
