package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/livemetrics"
	"jobtester/models"
	"jobtester/web"
)

func TestPagesAnswerHTMLWithSecurityHeaders(t *testing.T) {
	e := newEnv(t, "sqlite")
	seedNetwork(t, e)
	sw := models.Sweep{Region: "FRA", StartedBy: "test"}
	if err := e.st.CreateSweep(t.Context(), &sw); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/?job=" + url.QueryEscape(t2iPipeline+"::"+t2iModel) + "&region=FRA&window=7d&sort=samples&dir=asc",
		"/orchestrators/" + addr(1), "/orchestrators/" + strings.ToUpper(addr(1)[2:3]) + addr(1)[3:] /* not 0x: 400 */, "/runs"} {
		code, h, body := e.get(path, nil)
		if path == "/orchestrators/"+strings.ToUpper(addr(1)[2:3])+addr(1)[3:] {
			if code != http.StatusBadRequest {
				t.Errorf("GET %s = %d, want 400", path, code)
			}
			continue
		}
		if code != http.StatusOK {
			t.Errorf("GET %s = %d\n%s", path, code, body)
			continue
		}
		if ct := h.Get("Content-Type"); ct != "text/html; charset=UTF-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
			if h.Get(k) == "" {
				t.Errorf("GET %s: no %s", path, k)
			}
		}
		mustContain(t, path, body, `<html lang="en">`, `<main id="main">`, `<nav aria-label="Main">`,
			`name="viewport"`, `<caption>`)
	}
}

func TestErrorsAreHTMLOnPagesAndJSONOnAPIs(t *testing.T) {
	e := newEnv(t, "sqlite")
	code, h, body := e.get("/orchestrators/"+addr(99), nil)
	if code != http.StatusNotFound || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("unknown orchestrator page = %d %s", code, h.Get("Content-Type"))
	}
	mustContain(t, "404 page", body, "Not Found", "knows nothing about orchestrator "+addr(99), `href="/"`)
	code, _, body = e.get("/no/such/page", nil)
	if code != http.StatusNotFound || !strings.Contains(body, "<h1>Not Found</h1>") {
		t.Fatalf("unknown page = %d\n%s", code, body)
	}
	code, _, body = e.get("/?window=2h", nil)
	if code != http.StatusBadRequest || !strings.Contains(body, "window must be 1h, 24h or 7d") {
		t.Fatalf("bad window = %d\n%s", code, body)
	}
	for path, want := range map[string]string{
		"/api/v1/leaderboard?sort=height":       "sort must be",
		"/api/v1/history?step=minute":           "step must be",
		"/api/v1/history?orchestrator=0x12":     "orchestrator must be",
		"/api/v1/results?before=12":             "before must be a cursor",
		"/api/v1/results?outcome=great":         "outcome must be",
		"/api/v1/results?pipeline=x":            "pipeline and model go together",
		"/api/v1/history?since=2&until=1":       "since must not be after until",
		"/api/v1/history?since=0&until=9999999": "steps is more than",
	} {
		code, h, body := e.get(path, nil)
		var msg struct{ Error string }
		if err := json.Unmarshal([]byte(body), &msg); err != nil || code != http.StatusBadRequest ||
			!strings.HasPrefix(h.Get("Content-Type"), "application/json") || !strings.Contains(msg.Error, want) {
			t.Errorf("GET %s = %d %s %s, want 400 JSON with %q", path, code, h.Get("Content-Type"), body, want)
		}
	}
	code, h, _ = e.get("/api/v1/nothing", nil)
	if code != http.StatusNotFound || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Errorf("unknown API path = %d %s, want JSON 404", code, h.Get("Content-Type"))
	}
}

func TestNoDataIsShownAsADashNeverAsZero(t *testing.T) {
	e := newEnv(t, "sqlite")
	// Orchestrator 1: AI tests that all failed (a real score, latency
	// unknown). Orchestrator 2: advertises the model, never tested.
	e.insert(result{orch: 1, region: "FRA", pipeline: t2iPipeline, model: t2iModel, success: 0, outcome: models.OutcomeFail, ago: time.Hour})
	if err := e.st.SaveDiscovery(t.Context(), nil, []models.AdvertisedCapability{
		{Orchestrator: addr(2), Pipeline: t2iPipeline, Model: t2iModel},
	}); err != nil {
		t.Fatal(err)
	}
	q := "?job=" + url.QueryEscape(t2iPipeline+"::"+t2iModel)
	_, _, body := e.get("/"+q, nil)
	cells := func(orch string) map[string]string {
		i := strings.Index(body, `title="`+orch+`"`)
		if i < 0 {
			t.Fatalf("no row for %s", orch)
		}
		row := body[i : strings.Index(body[i:], "</tr>")+i]
		out := map[string]string{}
		for _, c := range []string{"score", "reliability", "success", "latency", "samples"} {
			j := strings.Index(row, `class="num `+c+`"`)
			if j < 0 {
				t.Fatalf("row of %s has no %s cell", orch, c)
			}
			cell := row[j:]
			cell = cell[strings.Index(cell, ">")+1 : strings.Index(cell, "</td>")]
			out[c] = cell
		}
		return out
	}
	failed := cells(addr(1))
	if !strings.Contains(failed["score"], "0.000") || !strings.Contains(failed["success"], "0.0 %") {
		t.Errorf("a measured 0 must show as 0: %v", failed)
	}
	if !strings.Contains(failed["latency"], `class="nodata"`) {
		t.Errorf("latency of a node with no successful job must be —: %q", failed["latency"])
	}
	for c, v := range cells(addr(2)) {
		if !strings.Contains(v, `<span class="nodata" title="No results in this window">—</span>`) {
			t.Errorf("untested orchestrator's %s cell is %q, want —", c, v)
		}
	}
	// The JSON says null, not 0.
	_, _, js := e.get("/api/v1/leaderboard"+q, nil)
	var lb struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(js), &lb); err != nil {
		t.Fatal(err)
	}
	for _, r := range lb.Rows {
		if r["orchestrator"] == addr(2) {
			for _, k := range []string{"score", "reliability_score", "success_rate", "latency_seconds", "live_score"} {
				if r[k] != nil {
					t.Errorf("JSON %s of an untested orchestrator = %v, want null", k, r[k])
				}
			}
		}
	}
}

func TestLeaderboardAPIMatchesTheCompatibleScores(t *testing.T) {
	e := newEnv(t, "sqlite")
	seedNetwork(t, e)
	_, _, js := e.get("/api/v1/leaderboard?region=FRA", nil)
	var lb web.Leaderboard
	if err := json.Unmarshal([]byte(js), &lb); err != nil {
		t.Fatal(err)
	}
	// The Explorer's endpoint, same window and region.
	since := strconv.FormatInt(lb.Since.Unix(), 10)
	until := strconv.FormatInt(lb.Until.Unix(), 10)
	_, _, agg := e.get("/api/aggregated_stats?region=FRA&since="+since+"&until="+until, nil)
	var scores map[string]map[string]struct{ Score float64 }
	if err := json.Unmarshal([]byte(agg), &scores); err != nil {
		t.Fatal(err)
	}
	if len(lb.Rows) < 2 {
		t.Fatalf("rows %v", lb.Rows)
	}
	for _, r := range lb.Rows {
		want, ok := scores[r.Orchestrator]["FRA"]
		if r.Score == nil {
			if ok {
				t.Errorf("%s: no score, aggregated_stats has %v", r.Orchestrator, want.Score)
			}
			continue
		}
		if !ok || abs(*r.Score-want.Score) > 1e-9 {
			t.Errorf("%s: score %v, aggregated_stats %v", r.Orchestrator, *r.Score, want.Score)
		}
		if *r.ReliabilityScore > *r.Score {
			t.Errorf("%s: reliability-weighted %v above the score %v", r.Orchestrator, *r.ReliabilityScore, *r.Score)
		}
	}
	// Sorted by score, best first.
	for i := 1; i < len(lb.Rows); i++ {
		a, b := lb.Rows[i-1].Score, lb.Rows[i].Score
		if a != nil && b != nil && *a < *b {
			t.Errorf("rows not sorted by score: %v then %v", *a, *b)
		}
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestResultsAPIPagesThroughEveryResultOnce(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			var rs []result
			// Pairs with the same receive time: the cursor must split ties.
			for i := 0; i < 23; i++ {
				rs = append(rs, result{orch: 1, region: "FRA", success: 1, rtt: 1, ago: time.Duration(i/2) * time.Minute})
			}
			rs = append(rs, result{orch: 2, region: "FRA", success: 1, rtt: 1, ago: time.Minute})
			e.insert(rs...)
			seen := map[int64]bool{}
			path := "/api/v1/results?orchestrator=" + addr(1) + "&limit=5"
			pages := 0
			var last time.Time
			for path != "" {
				code, _, body := e.get(path, nil)
				if code != http.StatusOK {
					t.Fatalf("GET %s = %d %s", path, code, body)
				}
				var page web.ResultsPage
				if err := json.Unmarshal([]byte(body), &page); err != nil {
					t.Fatal(err)
				}
				for _, r := range page.Results {
					if seen[r.ID] {
						t.Fatalf("result %d on two pages", r.ID)
					}
					if r.Orchestrator != addr(1) {
						t.Fatalf("result of %s in a filtered page", r.Orchestrator)
					}
					if !last.IsZero() && r.ReceivedAt.After(last) {
						t.Fatalf("result %d newer than the one before it", r.ID)
					}
					seen[r.ID], last = true, r.ReceivedAt
				}
				pages++
				path = ""
				if page.Next != "" {
					path = "/api/v1/results?orchestrator=" + addr(1) + "&limit=5&before=" + url.QueryEscape(page.Next)
				}
			}
			if len(seen) != 23 || pages != 5 {
				t.Fatalf("%d results in %d pages, want 23 in 5", len(seen), pages)
			}
		})
	}
}

func TestHistoryAPIKeepsEmptyHoursAsNull(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.insert(
		result{orch: 1, region: "FRA", success: 1, rtt: 1, ago: 30 * time.Minute},
		result{orch: 1, region: "FRA", success: 0.5, rtt: 1, ago: 3*time.Hour + 30*time.Minute},
	)
	until := e.now.Truncate(time.Hour).Add(time.Hour)
	since := until.Add(-6 * time.Hour)
	q := url.Values{"orchestrator": {addr(1)}, "region": {"FRA"}, "job_type": {"transcoding"},
		"since": {strconv.FormatInt(since.Unix(), 10)}, "until": {strconv.FormatInt(until.Unix(), 10)}}
	code, _, body := e.get("/api/v1/history?"+q.Encode(), nil)
	if code != http.StatusOK {
		t.Fatalf("history = %d %s", code, body)
	}
	var h web.History
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Series) != 1 || len(h.Series[0].Points) != 7 {
		t.Fatalf("history %+v", h)
	}
	withData := 0
	for _, p := range h.Series[0].Points {
		if p.Results == 0 {
			if p.Score != nil || p.SuccessRate != nil {
				t.Errorf("empty hour %s has values", p.Hour)
			}
			continue
		}
		withData++
		if p.Score == nil || *p.Score <= 0 {
			t.Errorf("hour %s with results has no score", p.Hour)
		}
	}
	if withData != 2 {
		t.Errorf("%d hours with data, want 2", withData)
	}
	if !strings.Contains(body, `"score":null`) {
		t.Error("empty hours are not null in the JSON")
	}
}

func jpegOf(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(1, 1, color.Black)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLiveTestsShowWithThumbnailAndLiveScore(t *testing.T) {
	e := newEnv(t, "sqlite")
	_, _, body := e.get("/orchestrators/"+addr(1)+"?range=24h", nil)
	if strings.Contains(body, "Live score") {
		t.Error("a page without live data shows live scores")
	}
	const model = "streamdiffusion"
	for i, score := range []float64{0.8, 0.6} {
		stats := ingest.Stats{Region: "FRA", Orchestrator: addr(1), SuccessRate: 1, RoundTripTime: 1.5,
			Pipeline: web.LivePipeline, Model: model, Timestamp: e.now.Unix()}
		lr := models.LiveResult{Region: "FRA", Orchestrator: addr(1), Model: model, Stream: "s" + strconv.Itoa(i),
			StreamID: "s", Outcome: models.OutcomePass, Metrics: livemetrics.Metrics{FPSMean: 29.5, StartupLatencyMS: 1500,
				E2ELatencyMS: 240, Frames: 900, FlashesMatched: 15}, Thumbnail: jpegOf(t), Score: score}
		if err := e.st.InsertLive(t.Context(), models.NewResult{Stats: stats, Outcome: models.OutcomePass, IngestKey: "jobtester",
			ReceivedAt: e.now.Add(-time.Duration(i+1) * time.Minute)}, &lr); err != nil {
			t.Fatal(err)
		}
	}
	_, _, body = e.get("/orchestrators/"+addr(1), nil)
	mustContain(t, "live section", body, `src="/api/v1/live/results/`, "/thumbnail.jpg", "streamdiffusion",
		"1500 ms", "29.500", "score 0.800")
	// A test that got no output has no measurements: "—", never 0 ms.
	stats := ingest.Stats{Region: "FRA", Orchestrator: addr(2), RoundTripTime: 20, Pipeline: web.LivePipeline, Model: model,
		Timestamp: e.now.Unix(), Errors: []ingest.Error{{ErrorCode: "unavailable", Message: "OrchestratorCapped"}}}
	lr := models.LiveResult{Region: "FRA", Orchestrator: addr(2), Model: model, Stream: "s9", StreamID: "s9",
		Outcome: models.OutcomeUnavailable, Error: "no orchestrators available: OrchestratorCapped"}
	if err := e.st.InsertLive(t.Context(), models.NewResult{Stats: stats, Outcome: models.OutcomeUnavailable, IngestKey: "jobtester",
		ReceivedAt: e.now.Add(-time.Minute)}, &lr); err != nil {
		t.Fatal(err)
	}
	_, _, body = e.get("/orchestrators/"+addr(2), nil)
	mustContain(t, "live test without output", body, "OrchestratorCapped", "<dd>—</dd>")
	if strings.Contains(body, "<dd>0 ms</dd>") || strings.Contains(body, "<dd>0</dd>") {
		t.Error("a live test without output shows its missing measurements as 0")
	}
	q := "?job=" + url.QueryEscape(web.LivePipeline+"::"+model)
	_, _, body = e.get("/"+q, nil)
	mustContain(t, "live leaderboard", body, "Live score", `class="num live">0.700`)
	// The thumbnail the page links to is a JPEG.
	code, h, _ := e.get("/api/v1/live/results/1/thumbnail.jpg", nil)
	if code != http.StatusOK || h.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumbnail = %d %s", code, h.Get("Content-Type"))
	}
}

func TestStaticFilesAreVersionedAndCached(t *testing.T) {
	e := newEnv(t, "sqlite")
	_, _, page := e.get("/", nil)
	i := strings.Index(page, `href="/static/app.css?v=`)
	if i < 0 {
		t.Fatal("the page does not link a versioned app.css")
	}
	href := page[i+6:]
	href = href[:strings.Index(href, `"`)]
	code, h, body := e.get(href, nil)
	if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/css") ||
		!strings.Contains(h.Get("Cache-Control"), "immutable") || !strings.Contains(body, ":root") {
		t.Fatalf("GET %s = %d %v", href, code, h)
	}
	code, h, _ = e.get("/static/app.css", map[string]string{"If-None-Match": h.Get("ETag")})
	if code != http.StatusNotModified {
		t.Errorf("conditional GET = %d, want 304", code)
	}
	if strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Error("an unversioned URL is cached for good")
	}
	for _, p := range []string{"/static/vendor/README.md", "/static/../web.go", "/static/nothing.js"} {
		if code, _, _ := e.get(p, nil); code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, code)
		}
	}
}

func TestResultsFragmentIsForHTMXOnly(t *testing.T) {
	e := newEnv(t, "sqlite")
	seedNetwork(t, e)
	path := "/orchestrators/" + addr(1) + "/results?range=7d"
	code, _, body := e.get(path, map[string]string{"HX-Request": "true"})
	if code != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, `id="results"`) {
		t.Fatalf("htmx fragment = %d\n%s", code, body)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/orchestrators/"+addr(1)+"?range=7d#results" {
		t.Fatalf("plain GET = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
