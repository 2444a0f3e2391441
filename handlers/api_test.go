package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/scoring"
)

const (
	streamTesterSecret = "stream-tester-secret-0001"
	aiTesterSecret     = "ai-job-tester-secret-0002"
	revokedSecret      = "old-tester-secret-000003"
	adminToken         = "admin-token-0123456789"
)

// clock is a settable time source shared by the handlers and the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

type env struct {
	t     *testing.T
	st    *models.Store
	srv   *httptest.Server
	clock *clock
}

func newEnv(t *testing.T, dialect string) *env {
	t.Helper()
	return newEnvOn(t, dbtest.Open(t, dialect, models.Options{}))
}

func newEnvOn(t *testing.T, st *models.Store) *env {
	t.Helper()
	clk := &clock{now: time.Now().UTC()}
	keys := ingest.NewKeyring([]ingest.Key{
		{Name: "stream-tester", Secret: streamTesterSecret},
		{Name: "ai-job-tester", Secret: aiTesterSecret},
		{Name: "retired-tester", Secret: revokedSecret, Revoked: true},
	})
	e := New(Deps{Store: st, Keys: keys, Window: 24 * time.Hour, MaxBodyBytes: 64 << 10,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clk.Now, AdminToken: adminToken})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv, clock: clk}
}

func (e *env) do(method, path string, body []byte, header map[string]string) (int, http.Header, []byte) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func (e *env) get(path string) (int, []byte) {
	e.t.Helper()
	code, h, b := e.do(http.MethodGet, path, nil, nil)
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Fatalf("GET %s: Content-Type %q, want application/json", path, ct)
	}
	if h.Get("Access-Control-Allow-Origin") != "*" {
		e.t.Fatalf("GET %s: no CORS header", path)
	}
	if code == http.StatusOK && path != "/api/health" && !strings.HasPrefix(path, "/api/v1/") && h.Get("Cache-Control") != "public, max-age=30, stale-while-revalidate=15" {
		e.t.Fatalf("GET %s: Cache-Control %q", path, h.Get("Cache-Control"))
	}
	return code, b
}

// getJSON GETs path, requires 200 and decodes the body into v.
func (e *env) getJSON(path string, v any) {
	e.t.Helper()
	code, b := e.get(path)
	if code != http.StatusOK {
		e.t.Fatalf("GET %s: status %d body %s", path, code, b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // field-by-field: no extra fields either
	if err := dec.Decode(v); err != nil {
		e.t.Fatalf("GET %s: decode %s: %v", path, b, err)
	}
}

// post signs body with secret (if not empty) and POSTs it to post_stats.
func (e *env) post(body []byte, secret string) (int, []byte) {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	if secret != "" {
		h["Authorization"] = ingest.Sign(secret, body)
	}
	code, _, b := e.do(http.MethodPost, "/api/post_stats", body, h)
	return code, b
}

func (e *env) mustPost(body []byte, secret string) {
	e.t.Helper()
	if code, b := e.post(body, secret); code != http.StatusOK || string(b) != "ok" {
		e.t.Fatalf("post_stats: %d %s (body %s)", code, b, body)
	}
}

func (e *env) count() int64 {
	e.t.Helper()
	return dbtest.CountResults(e.t, e.st)
}

func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

type metric struct {
	SuccessRate    float64 `json:"success_rate"`
	RoundTripScore float64 `json:"round_trip_score"`
	Score          float64 `json:"score"`
}

type aggregated map[string]map[string]metric

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Exactly what stream-tester's orch-tester marshals (leaderboard-serverless
// models.Stats, transcoding fields, Go field order) and what the older AI
// job tester marshals, including its null errors on success.
const (
	orchA = "0x3b28a7d785356dc67c7970666747e042305bfb79"
	orchB = "0x10b5a7b5b6f3cbbba25be4f1c4bd8e4d8d5c4e12"

	streamTesterPayload = `{"region":"FRA","orchestrator":"` + orchA + `","success_rate":0.9333333333333333,"round_trip_time":1.2061,"errors":[{"error_code":"segment_transcode_failed","count":1}],"timestamp":1726864722,"seg_duration":2,"segments_sent":15,"segments_received":14,"upload_time":0.31,"download_time":0.22,"transcode_time":0.6761}`
	aiTesterPayload     = `{"region":"MDW","orchestrator":"` + orchA + `","success_rate":1,"round_trip_time":3.482,"errors":null,"timestamp":1726864722,"model":"ByteDance/SDXL-Lightning","model_is_warm":true,"pipeline":"Text to image","input_parameters":"{\"model_id\":\"ByteDance/SDXL-Lightning\",\"prompt\":\"a cat\",\"width\":1024,\"height\":1024}","response_payload":"{\"images\":[{\"url\":\"https://gw/stream/abc/0.png\",\"seed\":1,\"nsfw\":false}]}"}`
	aiTesterFailure     = `{"region":"MDW","orchestrator":"` + orchB + `","success_rate":0,"round_trip_time":0.41,"errors":[{"error_code":"500","message":"inference failed","count":1}],"timestamp":1726864725,"model":"ByteDance/SDXL-Lightning","pipeline":"Text to image","input_parameters":"{}"}`
)

func TestLegacyTestersPostAndReadBack(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		e.mustPost([]byte(streamTesterPayload), streamTesterSecret)
		e.mustPost([]byte(aiTesterPayload), aiTesterSecret)
		e.mustPost([]byte(aiTesterFailure), aiTesterSecret)

		// Transcoding: the Explorer's call with no parameters.
		var tr aggregated
		e.getJSON("/api/aggregated_stats", &tr)
		want := scoring.Transcoding(0.9333333333333333, 2, 1.2061)
		got, ok := tr[orchA]["FRA"]
		if len(tr) != 1 || !ok || !approx(got.SuccessRate, want.SuccessRate) ||
			!approx(got.RoundTripScore, want.RoundTripScore) || !approx(got.Score, want.Score) {
			t.Fatalf("transcoding aggregated_stats = %+v, want only %s/FRA = %+v", tr, orchA, want)
		}

		// AI: the Explorer's call with pipeline and model. The median is
		// the one successful job's RTT, so orchA scores 0.65+0.35·0.8.
		var ai aggregated
		e.getJSON("/api/aggregated_stats?pipeline="+url.QueryEscape("Text to image")+"&model="+url.QueryEscape("ByteDance/SDXL-Lightning"), &ai)
		if m := ai[orchA]["MDW"]; !approx(m.SuccessRate, 1) || !approx(m.RoundTripScore, 0.8) || !approx(m.Score, 0.65+0.35*0.8) {
			t.Fatalf("AI score of %s = %+v", orchA, m)
		}
		if m := ai[orchB]["MDW"]; m.SuccessRate != 0 || m.Score != 0 || !approx(m.RoundTripScore, math.Pow(0.8, 0.41/3.482)) {
			t.Fatalf("AI score of failing %s = %+v", orchB, m)
		}

		// raw_stats gives back what was posted, field for field.
		var raw map[string][]map[string]any
		e.getJSON("/api/raw_stats?orchestrator="+orchA, &raw)
		assertSamePayload(t, raw["FRA"], streamTesterPayload)
		raw = nil
		e.getJSON("/api/raw_stats?orchestrator="+strings.ToUpper(orchA[2:])+"&pipeline=Text%20to%20image&model=ByteDance%2FSDXL-Lightning", &raw)
		if len(raw) != 0 {
			t.Fatalf("raw_stats with an address lacking 0x matched %v", raw)
		}
		e.getJSON("/api/raw_stats?orchestrator=0x"+strings.ToUpper(orchA[2:])+"&pipeline=Text%20to%20image&model=ByteDance%2FSDXL-Lightning", &raw)
		assertSamePayload(t, raw["MDW"], aiTesterPayload)
	})
}

// assertSamePayload compares the one returned payload with the posted JSON
// key by key. A null errors list comes back as [] (safer for clients that
// iterate it); nothing else may differ.
func assertSamePayload(t *testing.T, got []map[string]any, posted string) {
	t.Helper()
	if len(got) != 1 {
		t.Fatalf("got %d payloads, want 1: %v", len(got), got)
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(posted), &want); err != nil {
		t.Fatal(err)
	}
	if want["errors"] == nil {
		want["errors"] = []any{}
	}
	gb, _ := json.Marshal(got[0])
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("raw_stats payload differs:\n got %s\nwant %s", gb, wb)
	}
}

// TestPublishedVectorThroughTheAPI posts leaderboard-serverless's scorer test
// vector as five orchestrators' results and reads the published 0.89491.
func TestPublishedVectorThroughTheAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		rtts := []float64{8, 2, 1, 2, 0.5}
		srs := []float64{1, 1, .75, .75, .95}
		addrs := make([]string, len(rtts))
		for i := range rtts {
			addrs[i] = fmt.Sprintf("0x%040x", i+1)
			e.mustPost(aiBody(addrs[i], "FRA", "Image to video", "stabilityai/svd", srs[i], rtts[i]), aiTesterSecret)
		}
		var ai aggregated
		e.getJSON("/api/aggregated_stats?pipeline=Image%20to%20video&model=stabilityai%2Fsvd", &ai)
		if got := ai[addrs[0]]["FRA"]; math.Abs(got.Score-0.89491) > 5e-6 || math.Abs(got.RoundTripScore-0.69975) > 5e-6 {
			t.Fatalf("score of the RTT-8 orchestrator = %+v, want 0.89491 (rts 0.69975)", got)
		}
		if len(ai) != 5 {
			t.Fatalf("got %d orchestrators, want 5", len(ai))
		}
		// The orchestrator filter does not change the median.
		var one aggregated
		e.getJSON("/api/aggregated_stats?pipeline=Image%20to%20video&model=stabilityai%2Fsvd&orchestrator="+strings.ToUpper(addrs[0]), &one)
		if len(one) != 1 || one[addrs[0]]["FRA"] != ai[addrs[0]]["FRA"] {
			t.Fatalf("filtered = %+v, want exactly %+v", one, ai[addrs[0]])
		}
	})
}

func aiBody(orch, region, pipeline, model string, sr, rtt float64) []byte {
	b, _ := json.Marshal(ingest.Stats{Region: region, Orchestrator: orch, SuccessRate: sr, RoundTripTime: rtt,
		Timestamp: 1726864722, Pipeline: pipeline, Model: model, ModelIsWarm: true, InputParams: "{}"})
	return b
}

func transcodingBody(orch, region string, sr, seg, rtt float64) []byte {
	b, _ := json.Marshal(ingest.Stats{Region: region, Orchestrator: orch, SuccessRate: sr, RoundTripTime: rtt,
		SegDuration: seg, SegmentsSent: 15, SegmentsRecv: int(sr * 15), Timestamp: 1726864722, Errors: []ingest.Error{}})
	return b
}

func TestRegionsShape(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		var got struct {
			Regions []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"regions"`
		}
		e.getJSON("/api/regions", &got)
		byType := map[string][]string{}
		for _, r := range got.Regions {
			byType[r.Type] = append(byType[r.Type], r.ID)
			if r.Name == "" {
				t.Errorf("region %s has no display name", r.ID)
			}
		}
		sort.Strings(byType["ai"])
		if fmt.Sprint(byType["ai"]) != "[FRA GLOBAL LAX MDW]" || len(byType["transcoding"]) != 22 || len(byType) != 2 {
			t.Fatalf("regions by type = %v", byType)
		}
	})
}

func TestPipelinesAndTopAIScore(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		var empty struct {
			Pipelines []json.RawMessage `json:"pipelines"`
		}
		e.getJSON("/api/pipelines", &empty)
		if empty.Pipelines == nil || len(empty.Pipelines) != 0 {
			t.Fatalf("with no data pipelines must be an empty list, got %v", empty.Pipelines)
		}
		// orchA: perfect on Llm in LAX but slow; flawless and fast on
		// Upscale in FRA except one failure. top_ai_score picks by success
		// then RTT, not by score.
		e.mustPost(aiBody(orchA, "LAX", "Llm", "meta-llama/Llama-3.1-8B", 1, 9), aiTesterSecret)
		e.mustPost(aiBody(orchA, "FRA", "Upscale", "stabilityai/x4", 1, 1), aiTesterSecret)
		e.mustPost(aiBody(orchA, "FRA", "Upscale", "stabilityai/x4", 0, 1), aiTesterSecret)
		e.mustPost(aiBody(orchB, "FRA", "Upscale", "stabilityai/x4-v2", 1, 2), aiTesterSecret)
		e.mustPost(aiBody(orchB, "GLOBAL", "Llm", "meta-llama/Llama-3.1-8B", 1, 3), aiTesterSecret)
		e.mustPost(transcodingBody(orchB, "NYC", 1, 2, 1), streamTesterSecret)

		type pipeline struct {
			ID      string   `json:"id"`
			Models  []string `json:"models"`
			Regions []string `json:"regions"`
		}
		var ps struct {
			Pipelines []pipeline `json:"pipelines"`
		}
		e.getJSON("/api/pipelines", &ps)
		want := `[{Llm [meta-llama/Llama-3.1-8B] [GLOBAL LAX]} {Upscale [stabilityai/x4 stabilityai/x4-v2] [FRA]}]`
		if fmt.Sprint(ps.Pipelines) != want {
			t.Fatalf("pipelines = %v\nwant %s", ps.Pipelines, want)
		}
		ps.Pipelines = nil
		e.getJSON("/api/pipelines?region=global", &ps)
		if fmt.Sprint(ps.Pipelines) != `[{Llm [meta-llama/Llama-3.1-8B] [GLOBAL]}]` {
			t.Fatalf("pipelines in GLOBAL = %v", ps.Pipelines)
		}

		type top struct {
			Region       string  `json:"region"`
			Orchestrator string  `json:"orchestrator"`
			Value        float64 `json:"value"`
			Model        string  `json:"model"`
			Pipeline     string  `json:"pipeline"`
		}
		var got top
		e.getJSON("/api/top_ai_score?orchestrator="+strings.ToUpper(orchA), &got)
		// Llm median over all regions: RTTs 9 and 3 → 6.
		wantScore := scoring.AI(1, 9, 6).Score
		if got.Region != "LAX" || got.Orchestrator != orchA || got.Pipeline != "Llm" ||
			got.Model != "meta-llama/Llama-3.1-8B" || !approx(got.Value, wantScore) {
			t.Fatalf("top_ai_score = %+v, want LAX Llm with %v", got, wantScore)
		}
		for _, q := range []string{"", "?orchestrator=", "?orchestrator=0x0000000000000000000000000000000000000000"} {
			code, b := e.get("/api/top_ai_score" + q)
			if code != http.StatusOK || string(bytes.TrimSpace(b)) != "{}" {
				t.Fatalf("top_ai_score%s = %d %s, want 200 {}", q, code, b)
			}
		}
	})
}

func TestQueryParameterErrors(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		cases := []struct {
			path, wantErr string
		}{
			{"/api/aggregated_stats?pipeline=Llm", "model required"},
			{"/api/aggregated_stats?model=x", "pipeline required"},
			{"/api/pipelines?pipeline=Llm", "model required"},
			{"/api/raw_stats", "orchestrator is a required parameter"},
			{"/api/raw_stats?orchestrator=" + orchA + "&model=m", "pipeline required"},
			{"/api/aggregated_stats?since=yesterday", "since must be a Unix time in seconds"},
			{"/api/aggregated_stats?until=NaN", "until must be a Unix time in seconds"},
			{"/api/aggregated_stats?since=200&until=100", "since must not be after until"},
			{"/api/aggregated_stats?job_type=video", `job_type must be "transcoding" or "ai"`},
		}
		for _, c := range cases {
			code, b := e.get(c.path)
			var body map[string]string
			if err := json.Unmarshal(b, &body); err != nil || code != http.StatusBadRequest || body["error"] != c.wantErr || len(body) != 1 {
				t.Errorf("GET %s = %d %s, want 400 {\"error\":%q}", c.path, code, b, c.wantErr)
			}
		}
		var none aggregated
		e.getJSON("/api/aggregated_stats?orchestrator=0xnobody", &none)
		if len(none) != 0 {
			t.Fatalf("unknown orchestrator gave %v", none)
		}
	})
}

func TestWindowOnReceiveTime(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		now := e.clock.Now()
		// Received 30 hours ago (payload timestamp says now: ignored).
		e.clock.Set(now.Add(-30 * time.Hour))
		e.mustPost(transcodingBody(orchA, "LON", 1, 2, 2), streamTesterSecret)
		e.clock.Set(now)
		e.mustPost(transcodingBody(orchB, "LON", 0.5, 2, 2), streamTesterSecret)

		var agg aggregated
		e.getJSON("/api/aggregated_stats", &agg)
		if _, old := agg[orchA]; old || agg[orchB]["LON"].SuccessRate != 0.5 {
			t.Fatalf("default 24 h window = %v, want only %s", agg, orchB)
		}
		agg = nil
		since := now.Add(-31 * time.Hour).Unix()
		e.getJSON(fmt.Sprintf("/api/aggregated_stats?since=%d.5", since), &agg)
		if len(agg) != 2 {
			t.Fatalf("31 h window = %v, want both orchestrators", agg)
		}
		agg = nil
		e.getJSON(fmt.Sprintf("/api/aggregated_stats?since=%d&until=%d", since, now.Add(-29*time.Hour).Unix()), &agg)
		if len(agg) != 1 || agg[orchA]["LON"].SuccessRate != 1 {
			t.Fatalf("window around the old result = %v", agg)
		}
		var raw map[string][]json.RawMessage
		e.getJSON(fmt.Sprintf("/api/raw_stats?orchestrator=%s&since=%d", orchA, since), &raw)
		if len(raw["LON"]) != 1 {
			t.Fatalf("raw_stats in 31 h window = %v", raw)
		}
	})
}

// TestNoNaNReachesJSON posts the inputs that made the legacy service divide
// by zero: AI results with no successful job (median unknown) and RTT 0.
func TestNoNaNReachesJSON(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		e.mustPost(aiBody(orchA, "LAX", "Llm", "m", 0, 0), aiTesterSecret)
		e.mustPost(transcodingBody(orchA, "LAX", 0, 0, 0), streamTesterSecret)
		for _, p := range []string{"/api/aggregated_stats?pipeline=Llm&model=m", "/api/aggregated_stats", "/api/top_ai_score?orchestrator=" + orchA, "/api/aggregated_stats?job_type=ai"} {
			var v any
			e.getJSON(p, &v)
			if strings.Contains(fmt.Sprint(v), "NaN") || fmt.Sprint(v) == "map[]" {
				t.Fatalf("%s = %v", p, v)
			}
		}
	})
}

func TestBrokenIngestIsRefusedAndStoresNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		valid := aiBody(orchA, "FRA", "Llm", "m", 1, 2)
		cases := []struct {
			name   string
			body   string
			secret string
			status int
		}{
			{"no signature", string(valid), "", http.StatusForbidden},
			{"wrong key", string(valid), "some-other-secret-xyz", http.StatusForbidden},
			{"revoked key", string(valid), revokedSecret, http.StatusForbidden},
			{"bad JSON", `{"region":"FRA",`, aiTesterSecret, http.StatusBadRequest},
			{"empty body", ``, aiTesterSecret, http.StatusBadRequest},
			{"not an object", `[1,2]`, aiTesterSecret, http.StatusBadRequest},
			{"wrong type", strings.Replace(string(valid), `"success_rate":1`, `"success_rate":"1"`, 1), aiTesterSecret, http.StatusBadRequest},
			{"unknown region", strings.Replace(string(valid), `"FRA"`, `"XXX"`, 1), aiTesterSecret, http.StatusBadRequest},
			{"lower-case region", strings.Replace(string(valid), `"FRA"`, `"fra"`, 1), aiTesterSecret, http.StatusBadRequest},
			{"AI stat in transcoding-only region", strings.Replace(string(valid), `"FRA"`, `"NYC"`, 1), aiTesterSecret, http.StatusBadRequest},
			{"pipeline without model", strings.Replace(string(valid), `"model":"m",`, ``, 1), aiTesterSecret, http.StatusBadRequest},
			{"negative RTT", strings.Replace(string(valid), `"round_trip_time":2`, `"round_trip_time":-2`, 1), aiTesterSecret, http.StatusBadRequest},
			{"success rate above 1", strings.Replace(string(valid), `"success_rate":1`, `"success_rate":1.5`, 1), aiTesterSecret, http.StatusBadRequest},
			{"NaN", strings.Replace(string(valid), `"round_trip_time":2`, `"round_trip_time":NaN`, 1), aiTesterSecret, http.StatusBadRequest},
			{"number beyond float64", strings.Replace(string(valid), `"round_trip_time":2`, `"round_trip_time":1e400`, 1), aiTesterSecret, http.StatusBadRequest},
			{"unknown field", strings.Replace(string(valid), `{`, `{"gpu":"4090",`, 1), aiTesterSecret, http.StatusBadRequest},
			{"trailing data", string(valid) + `{}`, aiTesterSecret, http.StatusBadRequest},
			{"bad address", strings.Replace(string(valid), orchA, "0x1234", 1), aiTesterSecret, http.StatusBadRequest},
			{"oversized body", `{"region":"FRA","input_parameters":"` + strings.Repeat("a", 70<<10) + `"}`, aiTesterSecret, http.StatusRequestEntityTooLarge},
		}
		for _, c := range cases {
			code, b := e.post([]byte(c.body), c.secret)
			var body map[string]string
			if code != c.status || json.Unmarshal(b, &body) != nil || body["error"] == "" {
				t.Errorf("%s: %d %s, want %d with a JSON error", c.name, code, b, c.status)
			}
		}
		if n := e.count(); n != 0 {
			t.Fatalf("%d results stored after only bad requests", n)
		}
		// The same body signed with a live key is accepted and recorded
		// under that key's name.
		e.mustPost(valid, aiTesterSecret)
		if n := e.count(); n != 1 {
			t.Fatalf("count = %d after one good post", n)
		}
	})
}

func TestMethodsAndPreflight(t *testing.T) {
	e := newEnv(t, "sqlite")
	code, h, _ := e.do(http.MethodOptions, "/api/post_stats", nil, map[string]string{
		"Origin": "https://explorer.livepeer.org", "Access-Control-Request-Method": "POST"})
	if code != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight = %d %v", code, h)
	}
	if code, _, b := e.do(http.MethodHead, "/api/regions", nil, nil); code != http.StatusOK || len(b) != 0 {
		t.Fatalf("HEAD /api/regions = %d with %d bytes", code, len(b))
	}
	code, h, b := e.do(http.MethodGet, "/api/post_stats", nil, nil)
	if code != http.StatusMethodNotAllowed || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("GET post_stats = %d %s", code, b)
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		var h struct {
			Postgres struct {
				OK bool `json:"ok"`
			} `json:"postgres"`
			Database struct {
				OK      bool   `json:"ok"`
				Dialect string `json:"dialect"`
			} `json:"database"`
		}
		code, b := e.get("/api/health")
		if code != http.StatusOK || json.Unmarshal(b, &h) != nil || !h.Postgres.OK || h.Database.Dialect != dialect {
			t.Fatalf("/api/health = %d %s", code, b)
		}
		if code, _, b := e.do(http.MethodGet, "/readyz", nil, nil); code != http.StatusOK {
			t.Fatalf("/readyz = %d %s", code, b)
		}
		e.mustPost(aiBody(orchA, "FRA", "Llm", "m", 1, 2), aiTesterSecret)
		e.post([]byte(`{}`), "")
		_, _, m := e.do(http.MethodGet, "/metrics", nil, nil)
		for _, want := range []string{
			`jobtester_results_ingested_total{ingest_key="ai-job-tester",job_type="ai"} 1`,
			`jobtester_ingest_rejected_total{reason="unauthenticated"} 1`,
			`jobtester_http_requests_total{code="200",route="/api/post_stats"} 1`,
			`jobtester_rollup_index_buckets 1`,
		} {
			if !strings.Contains(string(m), want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		// A closed database makes readiness fail.
		e.st.Close()
		if code, _, _ := e.do(http.MethodGet, "/readyz", nil, nil); code != http.StatusServiceUnavailable {
			t.Fatalf("/readyz with a closed database = %d", code)
		}
		code, b = e.get("/api/health")
		if code != http.StatusServiceUnavailable || !strings.Contains(string(b), `"ok":false`) {
			t.Fatalf("/api/health with a closed database = %d %s", code, b)
		}
	})
}
