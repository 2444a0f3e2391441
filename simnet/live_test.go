package simnet

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"jobtester/testutil"
)

// liveScenario has an honest live orchestrator, a capped one running the
// same model, and a batch-only one.
func liveScenario() Scenario {
	return Scenario{Orchestrators: []OrchestratorSpec{
		{Name: "honest", Models: []ModelSpec{liveModel("streamdiffusion", LiveProfile{StartupDelay: Duration(300 * time.Millisecond), AddedLatency: Duration(100 * time.Millisecond)})}},
		{Name: "capped", Models: []ModelSpec{liveModel("streamdiffusion", LiveProfile{Capped: true})}},
		{Name: "batch", Models: []ModelSpec{quick("llm", "meta-llama/llama-3.1-8B-Instruct")}},
	}}
}

// startURL is the gateway's start hook for a stream.
func startURL(n *Network, stream string) string {
	return n.Gateways()[0].HTTPURL + "/live/video-to-video/" + stream + "/start"
}

// liveStatusOf GETs a stream's /status.
func liveStatusOf(t *testing.T, n *Network, streamID string) (int, liveStatus) {
	t.Helper()
	r := get(t, n.Gateways()[0].HTTPURL+"/live/video-to-video/"+url.PathEscape(streamID)+"/status")
	var st liveStatus
	if r.status == http.StatusOK {
		r.json(t, &st)
	}
	return r.status, st
}

// liveTruthOf finds the truth of the last start request for a stream.
func liveTruthOf(t *testing.T, n *Network, stream string) LiveStreamTruth {
	t.Helper()
	var found *LiveStreamTruth
	for _, s := range n.Truth().LiveStreams {
		if s.Stream == stream {
			found = &s
		}
	}
	if found == nil {
		t.Fatalf("no live stream %q in the truth", stream)
	}
	return *found
}

func TestLiveStartRefusesBadRequests(t *testing.T) {
	t.Parallel()
	n := startNet(t, liveScenario())
	query := "pipeline=streamdiffusion&streamId=s1"
	urlencoded := "application/x-www-form-urlencoded"
	cases := []struct {
		name, stream, ctype, body string
		want                      string
	}{
		{"unknown source type", "a", urlencoded, "source_id=c1&source_type=rtspsession&query=" + url.QueryEscape(query), "Invalid source type"},
		{"srt source", "b", urlencoded, "source_id=c1&source_type=srtConn&query=" + url.QueryEscape(query), "Invalid source type"},
		{"no source id", "c", urlencoded, "source_type=rtmpconn&query=" + url.QueryEscape(query), "missing source_id"},
		{"no source type", "d", urlencoded, "source_id=c1&query=" + url.QueryEscape(query), "missing source_type"},
		{"bad urlencoding", "e", urlencoded, "source_id=c1&source_type=rtmpconn&query=%zz", "invalid form"},
		{"broken multipart", "f", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"source_id\"\r\n\r\nc1", "invalid form"},
		{"multipart without boundary", "g", "multipart/form-data", "source_id=c1", "invalid form"},
		{"bad query", "h", urlencoded, "source_id=c1&source_type=rtmpconn&query=" + url.QueryEscape("pipeline=%zz"), "invalid query"},
		{"bad rtmp_url", "i", urlencoded, "source_id=c1&source_type=rtmpconn&rtmp_url=http%3A%2F%2Fx%2Fy&query=" + url.QueryEscape(query), "invalid rtmp_url"},
	}
	for _, c := range cases {
		r := postRaw(t, startURL(n, c.stream), c.ctype, []byte(c.body))
		if r.err != nil || r.status != http.StatusBadRequest || !strings.Contains(string(r.body), c.want) {
			t.Errorf("%s: status %d, err %v, body %q; want 400 %q", c.name, r.status, r.err, r.body, c.want)
			continue
		}
		if tr := liveTruthOf(t, n, c.stream); tr.HTTPStatus != http.StatusBadRequest || !strings.Contains(tr.Error, c.want) {
			t.Errorf("%s: truth %+v", c.name, tr)
		}
	}
	if status, _ := liveStatusOf(t, n, "s1"); status != http.StatusNotFound {
		t.Errorf("a refused start left a /status: %d", status)
	}
	if r := get(t, startURL(n, "a")); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET start: %d", r.status)
	}
	for _, p := range []string{"/live/video-to-video/start", "/live/video-to-video//status", "/live/video-to-video/x/update"} {
		if r := get(t, n.Gateways()[0].HTTPURL+p); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, r.status)
		}
	}
	// The batch routes are still there.
	if r := get(t, n.Gateways()[0].HTTPURL+"/healthz"); r.status != http.StatusOK {
		t.Errorf("healthz: %d", r.status)
	}
}

func TestLiveStartOfAnOutputStreamReturnsAtOnce(t *testing.T) {
	t.Parallel()
	n := startNet(t, liveScenario())
	r := postForm(t, startURL(n, "cam-out"), map[string]string{"source_id": "c1", "source_type": "rtmpconn", "query": "streamId=o"}, nil)
	if r.err != nil || r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("status %d, err %v, body %q", r.status, r.err, r.body)
	}
	if got := n.Truth().LiveStreams; len(got) != 0 {
		t.Errorf("an -out start was acted on: %+v", got)
	}
}

// TestLiveWithNoOrchestratorRecordsTheError pins streams where nothing can
// run them: the gateway answers 200 with an empty body, as go-livepeer
// does, and the failure shows in /status and the truth.
func TestLiveWithNoOrchestratorRecordsTheError(t *testing.T) {
	t.Parallel()
	n := startNet(t, liveScenario())
	capped := orchByName(t, n, "capped").ServiceURI
	params := `{"prompt":"a cat","width":512}`
	cases := []struct {
		name, stream, query, want string
	}{
		{"capped pin", "c1", "pipeline=streamdiffusion&streamId=id-capped&orchestrator=" + url.QueryEscape(capped) + "&params=" + url.QueryEscape(params), "OrchestratorCapped"},
		{"pin matches nobody", "c2", "pipeline=streamdiffusion&streamId=id-nobody&orchestrator=example.com", msgNoOrchestrators},
		{"model nobody runs", "c3", "pipeline=comfyui&streamId=id-comfy", msgNoOrchestrators},
		{"default model nobody runs", "c4", "streamId=id-noop", msgNoOrchestrators},
		{"params not JSON", "c5", "pipeline=streamdiffusion&streamId=id-params&params=" + url.QueryEscape(`{"prompt":`), "invalid pipeline params"},
		{"params not an object", "c6", "pipeline=streamdiffusion&streamId=id-array&params=" + url.QueryEscape(`[1,2]`), "invalid pipeline params"},
	}
	for _, c := range cases {
		r := postForm(t, startURL(n, c.stream), map[string]string{"source_id": "conn-" + c.stream, "source_type": "rtmpconn", "query": c.query}, nil)
		if r.err != nil || r.status != http.StatusOK || len(r.body) != 0 {
			t.Errorf("%s: status %d, err %v, body %q; want 200 and nothing", c.name, r.status, r.err, r.body)
			continue
		}
		q, _ := url.ParseQuery(c.query)
		status, st := liveStatusOf(t, n, q.Get("streamId"))
		if status != http.StatusOK || st.GatewayStatus.Error == nil || !strings.Contains(st.GatewayStatus.Error.ErrorMessage, c.want) {
			t.Errorf("%s: /status %d %+v; want gateway_status.error %q", c.name, status, st, c.want)
		}
		if st.State != "" || st.OrchestratorInfo != nil {
			t.Errorf("%s: a runner status without an orchestrator: %+v", c.name, st)
		}
		tr := liveTruthOf(t, n, c.stream)
		if tr.Query != c.query || tr.HTTPStatus != http.StatusOK || !strings.Contains(tr.Error, c.want) || tr.Orchestrator != "" || tr.SourceID != "conn-"+c.stream {
			t.Errorf("%s: truth %+v", c.name, tr)
		}
	}
	if tr := liveTruthOf(t, n, "c1"); tr.Params != params || tr.OrchestratorPin != capped || tr.Model != "streamdiffusion" {
		t.Errorf("capped pin: params %q pin %q model %q", tr.Params, tr.OrchestratorPin, tr.Model)
	}
	if tr := liveTruthOf(t, n, "c4"); tr.Model != defaultLiveModel || tr.Pipeline != "" {
		t.Errorf("default model: %q (pipeline key %q)", tr.Model, tr.Pipeline)
	}
	if status, _ := liveStatusOf(t, n, "unknown"); status != http.StatusNotFound {
		t.Errorf("unknown stream: %d", status)
	}
	// Nothing reached an orchestrator.
	for _, r := range n.Requests() {
		t.Errorf("request log: %+v", r)
	}
}

func TestLiveModelsAreAdvertisedAsCapability35(t *testing.T) {
	t.Parallel()
	sc := liveScenario()
	sc.Gateways = []GatewaySpec{{Name: "gw", AICapabilitiesCache: Duration(time.Nanosecond)}}
	n := startNet(t, sc)
	var fork aiCapabilities
	get(t, n.Gateways()[0].CLIURL+"/getOrchestratorAICapabilities").json(t, &fork)
	live := map[string]string{}
	for _, o := range fork.Orchestrators {
		for _, p := range o.Pipelines {
			if p.Type == liveName {
				for _, m := range p.Models {
					live[o.Address] = m.Name
				}
			}
		}
	}
	honest, capped := orchByName(t, n, "honest"), orchByName(t, n, "capped")
	if len(live) != 2 || live[honest.Address] != "streamdiffusion" || live[capped.Address] != "streamdiffusion" {
		t.Errorf("fork capabilities list live models %v", live)
	}

	var up struct {
		Orchestrators []struct {
			Address      string `json:"address"`
			Capabilities struct {
				Capacities  map[string]uint32 `json:"capacities"`
				Constraints struct {
					PerCapability map[string]struct {
						Models map[string]netModelConstraint `json:"models"`
					} `json:"PerCapability"`
				} `json:"constraints"`
			} `json:"capabilities"`
			CapabilitiesPrices []netPriceInfo `json:"capabilities_prices"`
			Hardware           []netHardware  `json:"hardware"`
		} `json:"orchestrators"`
	}
	get(t, n.Gateways()[0].CLIURL+"/getNetworkCapabilities").json(t, &up)
	seen := 0
	for _, o := range up.Orchestrators {
		m, ok := o.Capabilities.Constraints.PerCapability["35"].Models["streamdiffusion"]
		switch strings.ToLower(o.Address) {
		case honest.Address:
			seen++
			if !ok || !m.Warm || m.Capacity != 1 || o.Capabilities.Capacities["35"] != 1 {
				t.Errorf("honest: constraint %+v ok %v, capacities %v", m, ok, o.Capabilities.Capacities)
			}
			if len(o.CapabilitiesPrices) != 1 || o.CapabilitiesPrices[0].Capability != 35 || o.CapabilitiesPrices[0].Constraint != "streamdiffusion" {
				t.Errorf("honest: prices %+v", o.CapabilitiesPrices)
			}
			if len(o.Hardware) != 1 || o.Hardware[0].Pipeline != liveRoute || o.Hardware[0].ModelID != "streamdiffusion" {
				t.Errorf("honest: hardware %+v", o.Hardware)
			}
		case capped.Address:
			seen++
			if !ok || m.Capacity != 0 {
				t.Errorf("capped: constraint %+v ok %v; want capacity 0", m, ok)
			}
		}
	}
	if seen != 2 {
		t.Errorf("saw %d live orchestrators", seen)
	}

	tr := orchByName(t, n, "capped").Models[0]
	if tr.Pipeline != liveName || tr.Route != liveRoute || tr.Capability != 35 || tr.Live == nil || !tr.Live.Capped || tr.Capacity != 0 {
		t.Errorf("capped model truth %+v", tr)
	}
	if tr := orchByName(t, n, "honest").Models[0]; tr.Live == nil || tr.Live.StartupDelayMS != 300 || tr.Live.AddedLatencyMS != 100 || tr.Live.Effect != EffectStylize {
		t.Errorf("honest model truth %+v", tr.Live)
	}
}

func TestLiveProfileValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		m    ModelSpec
		want []string
	}{
		{"effect", liveModel("sd", LiveProfile{Effect: "sepia"}), []string{"live.effect", "sepia"}},
		{"negative delay", liveModel("sd", LiveProfile{StartupDelay: -1}), []string{"live.startup_delay"}},
		{"huge latency", liveModel("sd", LiveProfile{AddedLatency: Duration(2 * time.Hour)}), []string{"live.added_latency"}},
		{"fps", liveModel("sd", LiveProfile{OutputFPS: 500}), []string{"live.output_fps", "500"}},
		{"negative freeze", liveModel("sd", LiveProfile{FreezeAfter: -1, DropAfter: -1}), []string{"live.freeze_after", "live.drop_after"}},
		{"batch field", ModelSpec{Pipeline: liveRoute, Model: "sd", FailureRate: 0.5, Cold: true}, []string{"failure_rate applies only to batch", "cold applies only to batch"}},
		{"live on batch", ModelSpec{Pipeline: "llm", Model: "m", Live: &LiveProfile{}}, []string{"live applies only to live-video-to-video"}},
	}
	for _, c := range cases {
		sc := Scenario{Orchestrators: []OrchestratorSpec{{Name: "o1", Models: []ModelSpec{c.m}}}}
		err := sc.Validate()
		if err == nil {
			t.Errorf("%s: valid", c.name)
			continue
		}
		for _, w := range append(c.want, `"o1" models[0]`) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}

	// A live model with no profile is an honest stylizing one.
	doc := "orchestrators:\n  - name: o1\n    models:\n      - {pipeline: live-video-to-video, model: noop}\n      - pipeline: live-video-to-video\n        model: streamdiffusion\n        live: {startup_delay: 1.5s, output_fps: 12, effect: none, capped: true}\n"
	sc, err := LoadScenario(writeFile(t, "live.yaml", doc))
	if err != nil {
		t.Fatal(err)
	}
	d := sc.withDefaults().Orchestrators[0].Models
	if d[0].Live == nil || d[0].Live.Effect != EffectStylize || d[0].Capacity != 1 {
		t.Errorf("defaults: %+v %+v", d[0], d[0].Live)
	}
	if p := d[1].Live; p.StartupDelay.D() != 1500*time.Millisecond || p.OutputFPS != 12 || p.Effect != EffectNone || !p.Capped || d[1].advertisedCapacity() != 0 {
		t.Errorf("decoded %+v", p)
	}
	j, _ := json.Marshal(sc)
	if !strings.Contains(string(j), `"live":{"startup_delay":"1.5s","output_fps":12,"effect":"none","capped":true}`) {
		t.Errorf("JSON %s", j)
	}
}

func TestDefaultScenarioHasEveryLiveBehaviour(t *testing.T) {
	t.Parallel()
	sc := DefaultScenario()
	var honest, slow, lowFPS, freeze, drop, cheat, black, capped int
	for _, o := range sc.withDefaults().Orchestrators {
		for _, m := range o.Models {
			if m.Pipeline != liveRoute {
				continue
			}
			p := m.Live
			switch {
			case p.Capped:
				capped++
			case p.Effect == EffectNone:
				cheat++
			case p.Effect == EffectBlack:
				black++
			case p.FreezeAfter > 0:
				freeze++
			case p.DropAfter > 0:
				drop++
			case p.OutputFPS > 0 && p.OutputFPS < 15:
				lowFPS++
			case p.StartupDelay.D() >= 2*time.Second:
				slow++
			default:
				honest++
			}
			if o.Inactive || o.Offline != nil {
				t.Errorf("%s: a live model on an orchestrator that is not always there", o.Name)
			}
		}
	}
	if honest < 2 || slow < 1 || lowFPS < 1 || freeze < 1 || drop < 1 || cheat < 1 || black < 1 || capped < 1 {
		t.Errorf("honest %d slow %d lowFPS %d freeze %d drop %d cheat %d black %d capped %d", honest, slow, lowFPS, freeze, drop, cheat, black, capped)
	}
}

// TestLiveOutputWatchdog: an input nobody publishes gives no output, and
// the gateway gives the stream up after its output timeout.
func TestLiveOutputWatchdog(t *testing.T) {
	t.Parallel()
	sc := liveScenario()
	sc.Gateways = []GatewaySpec{{Name: "gw", LiveOutputTimeout: Duration(300 * time.Millisecond)}}
	n := startNet(t, sc)
	honest := orchByName(t, n, "honest")
	r := postForm(t, startURL(n, "ghost"), map[string]string{
		"source_id": "c1", "source_type": "rtmpconn", "rtmp_url": "rtmp://127.0.0.1:1/ghost",
		"query": "pipeline=streamdiffusion&streamId=ghost-1&orchestrator=" + url.QueryEscape(honest.ServiceURI),
	}, nil)
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("start: %d %v", r.status, r.err)
	}
	if status, st := liveStatusOf(t, n, "ghost-1"); status != http.StatusOK || st.State != "LOADING" || st.OrchestratorInfo == nil {
		t.Errorf("status before the watchdog: %d %+v", status, st)
	}
	var st liveStatus
	testutil.Eventually(t, "the watchdog", func() bool {
		_, st = liveStatusOf(t, n, "ghost-1")
		return st.GatewayStatus.Error != nil
	})
	if st.GatewayStatus.Error.ErrorMessage != msgNoOutput {
		t.Errorf("error %+v", st.GatewayStatus.Error)
	}
	testutil.Eventually(t, "the stream to end", func() bool { return liveTruthOf(t, n, "ghost").Ended != nil })
	tr := liveTruthOf(t, n, "ghost")
	if tr.InputURL != "rtmp://127.0.0.1:1/ghost" || tr.OutputURL != "rtmp://127.0.0.1:1/ghost-out" || tr.FirstOutput != nil || tr.Error != msgNoOutput {
		t.Errorf("truth %+v", tr)
	}
	testutil.Eventually(t, "the log entry", func() bool {
		for _, q := range n.Requests() {
			if q.RequestID == tr.RequestID && q.Outcome == OutcomeError && q.Error == msgNoOutput {
				return true
			}
		}
		return false
	})
	// The capacity is free again.
	testutil.Eventually(t, "capacity", func() bool {
		for _, o := range n.orchs {
			if o.spec.Name == "honest" && o.info().Models[0].InUse == 0 {
				return true
			}
		}
		return false
	})
}

// FuzzLiveStart throws arbitrary start requests at the gateway: it answers
// 200 or 400, never panics, and whatever it accepted it can report.
func FuzzLiveStart(f *testing.F) {
	f.Add("cam", "application/x-www-form-urlencoded", "source_id=c1&source_type=rtmpconn&query=pipeline%3Dnoop%26streamId%3Ds")
	f.Add("cam", "application/x-www-form-urlencoded", "source_id=c1&source_type=RTMPConn&rtmp_url=rtmp%3A%2F%2Fh%3A1%2Fp&query=streamId%3Ds%26params%3D%257B%257D")
	f.Add("a/b", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"source_id\"\r\n\r\nc\r\n--x--\r\n")
	f.Add("x-out", "", "")
	f.Add("cam", "application/x-www-form-urlencoded", "source_id=%ff&source_type=webrtcsession&query=%25zz")
	n, err := Start(context.Background(), Scenario{}, Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer n.Close()
	g := n.gateways[0]
	h := g.withLive(g.apiHandler())
	f.Fuzz(func(t *testing.T, stream, ctype, body string) {
		req := httptest.NewRequest(http.MethodPost, "/live/video-to-video/x/start", strings.NewReader(body))
		req.URL.Path = livePrefix + stream + "/start"
		req.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK:
			if w.Body.Len() != 0 {
				t.Fatalf("200 with a body %q", w.Body)
			}
		case http.StatusBadRequest, http.StatusNotFound, http.StatusMovedPermanently, http.StatusTemporaryRedirect:
			// ServeMux redirects a path it cleans ("//", "/../").
		default:
			t.Fatalf("status %d", w.Code)
		}
		g.live.mu.Lock()
		last := g.live.all[max(len(g.live.all)-1, 0):]
		g.live.mu.Unlock()
		for _, s := range last {
			if tr := s.truth(g.spec.Name); tr.HTTPStatus == http.StatusOK && (tr.OutputURL == "" || !strings.HasSuffix(strings.SplitN(tr.OutputURL, "?", 2)[0], "-out")) {
				t.Fatalf("accepted with output URL %q", tr.OutputURL)
			}
		}
	})
}

// The frame rates in /status are what the relay counted over the last
// window, so a stalled stream reads 0 instead of its profile's rate.
func TestLiveStatusRatesAreCountedFrames(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	j := &liveJob{accepted: t0}
	j.counts.In.Store(45)
	j.counts.Out.Store(15)
	if in, out := j.rates(t0.Add(1500 * time.Millisecond)); in != 30 || out != 10 {
		t.Errorf("before the first window: %v in, %v out; want 30 and 10", in, out)
	}
	j.counts.In.Store(120)
	j.counts.Out.Store(75)
	if in, out := j.rates(t0.Add(4 * time.Second)); in != 30 || out != 18.75 {
		t.Errorf("first window: %v in, %v out; want 30 and 18.75", in, out)
	}
	if in, out := j.rates(t0.Add(5 * time.Second)); in != 30 || out != 18.75 {
		t.Errorf("within the next window the last rates hold: %v, %v", in, out)
	}
	if in, out := j.rates(t0.Add(7 * time.Second)); in != 0 || out != 0 {
		t.Errorf("no frames for 3 s: %v in, %v out; want 0", in, out)
	}
}
