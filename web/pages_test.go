package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/leaderboard"
	"jobtester/livemetrics"
	"jobtester/models"
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

func TestErrorsAreHTMLOnPages(t *testing.T) {
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
			Pipeline: leaderboard.LivePipeline, Model: model, Timestamp: e.now.Unix()}
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
	stats := ingest.Stats{Region: "FRA", Orchestrator: addr(2), RoundTripTime: 20, Pipeline: leaderboard.LivePipeline, Model: model,
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
	q := "?job=" + url.QueryEscape(leaderboard.LivePipeline+"::"+model)
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
