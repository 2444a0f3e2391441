package web_test

import (
	"context"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/models"
	"jobtester/static"
	"jobtester/web/webtest"
)

const (
	t2iPipeline = "Text to image"
	t2iModel    = "ByteDance/SDXL-Lightning"
)

// seedNetwork stores a small network's results: transcoding for four
// orchestrators, Text to image for two (one failing with an error), and
// what discovery and an admin know about orchestrator 1.
func seedNetwork(t testing.TB, e *env) {
	t.Helper()
	var rs []result
	for h := 0; h < 30; h++ {
		ago := time.Duration(h)*time.Hour + 5*time.Minute
		rs = append(rs,
			result{orch: 1, region: "FRA", success: 1, rtt: 0.8, ago: ago},
			result{orch: 2, region: "FRA", success: 0.9, rtt: 1.5, ago: ago},
			result{orch: 3, region: "LAX", success: 0.6, rtt: 0.5, ago: ago},
		)
		if h%3 == 0 {
			rs = append(rs, result{orch: 4, region: "LAX", success: 1, rtt: 2.5, ago: ago})
		}
		rs = append(rs, result{orch: 1, region: "FRA", pipeline: t2iPipeline, model: t2iModel, success: 1, rtt: 1.1, ago: ago})
		if h < 20 {
			rs = append(rs, result{orch: 2, region: "FRA", pipeline: t2iPipeline, model: t2iModel, success: 0, rtt: 0,
				ago: ago, outcome: models.OutcomeFail, errorText: "model returned an empty image"})
		}
	}
	// The newest result of orchestrator 1 failed: the page shows it first.
	rs = append(rs, result{orch: 1, region: "FRA", pipeline: t2iPipeline, model: t2iModel, success: 0, ago: time.Minute,
		outcome: models.OutcomeFail, errorText: "gateway timeout after 30s"})
	e.insert(rs...)
	ctx := t.Context()
	if err := e.st.SaveDiscovery(ctx, []models.DiscoveredOrchestrator{
		{Address: addr(1), ServiceURI: "https://o1.example:8935", AIServiceURI: "https://ai.o1.example:8936", Active: true,
			Registered: true, Stake: "1000", Sources: "chain"},
		{Address: addr(5), ServiceURI: "https://o5.example:8935", Sources: "chain"},
	}, []models.AdvertisedCapability{
		{Orchestrator: addr(1), Pipeline: t2iPipeline, Model: t2iModel, Warm: true, Capacity: 2},
	}); err != nil {
		t.Fatal(err)
	}
	m := models.URIMapping{Orchestrator: addr(1), URI: "https://live.o1.example:9935", JobTypes: "live", Note: "live on its own host"}
	if err := e.st.SaveMappingAudited(ctx, "test", &m); err != nil {
		t.Fatal(err)
	}
}

func needVendor(t *testing.T) {
	t.Helper()
	if !static.VendorPresent() {
		t.Fatal("htmx and uPlot are not embedded: run `npm ci && npm run build:web` before `go test ./web/...` (scripts/setup.sh does)")
	}
}

// settled is a JavaScript condition: cond holds and htmx has finished
// swapping and processing the new content (its links are live).
func settled(cond string) string {
	return `(` + cond + `) && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`
}

// noHorizontalScroll fails if the page is wider than the viewport.
func noHorizontalScroll(t *testing.T, b *webtest.Browser, page string) {
	t.Helper()
	w := webtest.Eval[[]int](b, `[document.documentElement.scrollWidth, window.innerWidth]`)
	if w[0] > w[1] {
		t.Errorf("%s scrolls sideways at %d px: scrollWidth %d", page, w[1], w[0])
	}
}

func TestBrowserLeaderboardToOrchestratorToResult(t *testing.T) {
	needVendor(t)
	e := newEnv(t, "sqlite")
	seedNetwork(t, e)
	b := webtest.New(t)

	b.Navigate(e.srv.URL + "/")
	b.WaitVisible("#leaderboard-table")
	b.Screenshot("leaderboard")
	// Orchestrator 1 leads transcoding: perfect success and a fast round trip.
	first := b.Text("#leaderboard-table tbody tr:first-child th a")
	if first != strings.ToLower(addr(1)[:8])+"…"+addr(1)[36:] {
		t.Fatalf("first row %q, want orchestrator 1", first)
	}
	// Score v2 sits beside the compatible score with its interval; a
	// missing one is "—", never 0.
	mustContain(t, "table header", b.Text("#leaderboard-table thead"), "Score v2 (90 %)")
	v2Cell := regexp.MustCompile(`^(—|[01]\.\d{3} [01]\.\d{3}–[01]\.\d{3})$`)
	for _, c := range b.Texts("#leaderboard-table tbody td.v2") {
		if !v2Cell.MatchString(strings.TrimSpace(c)) {
			t.Errorf("v2 cell %q is neither a score with its interval nor —", c)
		}
	}
	// Transcoding has no v2 (a share of segments is not a pass or a fail).
	if c := b.Text("#leaderboard-table tbody tr:first-child td.v2"); c != "—" {
		t.Errorf("transcoding shows v2 %q, want —", c)
	}
	b.Click(`#leaderboard-table a[href="/orchestrators/` + addr(1) + `"]`)
	b.WaitFor("the orchestrator page", `location.pathname === '/orchestrators/`+addr(1)+`'`)
	b.WaitVisible("#results-table")
	if got := b.Text("h1"); got != addr(1) {
		t.Fatalf("heading %q", got)
	}
	if got := b.Text("#service-uri"); got != "https://o1.example:8935" {
		t.Errorf("on-chain URI %q", got)
	}
	if got := b.Text("#ai-service-uri"); got != "https://ai.o1.example:8936" {
		t.Errorf("AI-registry URI %q", got)
	}
	mustContain(t, "mappings", b.Text("#mappings"), "https://live.o1.example:9935", "live on its own host")
	mustContain(t, "capabilities", b.Text("#capability-table"), t2iPipeline, t2iModel)
	// The newest result is the failure, with its outcome and error text.
	row := b.Text("#results-table tbody tr:first-child")
	mustContain(t, "newest result", row, "fail", "gateway timeout after 30s", t2iPipeline)
	// The plain-words explanation: each series' v2 and its parts, and the
	// last failure with its reason.
	ex := b.Text("#explain-section")
	mustContain(t, "explanation", ex, t2iPipeline+" · "+t2iModel+" · FRA: score v2",
		"succeeded in", "typical successful round trip", "always had capacity", "gateway timeout after 30s")
	// Charts are drawn by uPlot from /api/v1/history.
	b.WaitFor("a drawn chart", `document.querySelector('.chart[data-chart-ready] canvas') !== null`)
	b.Screenshot("orchestrator")

	// Paging: the next page starts where the first ended.
	firstPage := b.Texts("#results-table tbody tr td:first-child")
	b.Click("#older")
	b.WaitFor("the second page", `document.querySelector('#results-table tbody tr td:first-child').innerText !== `+
		strconv.Quote(firstPage[0]))
	second := b.Texts("#results-table tbody tr td:first-child")
	if second[0] > firstPage[len(firstPage)-1] {
		t.Errorf("second page starts at %s, after the first page's last %s", second[0], firstPage[len(firstPage)-1])
	}
	if errs := b.JSErrors(); len(errs) > 0 {
		t.Fatalf("JavaScript errors: %v", errs)
	}
}

func TestBrowserSelectorsSwapTheTableAndSortChangesOrder(t *testing.T) {
	needVendor(t)
	e := newEnv(t, "sqlite")
	seedNetwork(t, e)
	b := webtest.New(t)
	b.Navigate(e.srv.URL + "/")
	b.WaitVisible("#leaderboard-table")
	// A marker that a full page load would wipe.
	webtest.Eval[string](b, `window.__kept = "yes"`)

	b.Select("#job", t2iPipeline+"::"+t2iModel)
	b.WaitFor("the AI table", settled(`document.querySelector('#leaderboard-table caption').innerText.includes('Text to image')`))
	// AI rows carry score v2 with its 90 % interval.
	if c := b.Text("#leaderboard-table tbody tr:first-child td.v2"); !regexp.MustCompile(`^[01]\.\d{3} [01]\.\d{3}–[01]\.\d{3}$`).MatchString(c) {
		t.Errorf("AI row's v2 cell %q, want a score and its interval", c)
	}
	if kept := webtest.Eval[string](b, `String(window.__kept)`); kept != "yes" {
		t.Fatal("changing the job type reloaded the whole page")
	}
	u, err := url.Parse(b.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u.Query().Get("job") != t2iPipeline+"::"+t2iModel {
		t.Errorf("URL %s does not carry the selected job", u)
	}
	// The region list follows the job type: AI serves only 4 regions.
	if n := webtest.Eval[int](b, `document.querySelectorAll('#region option').length`); n != 5 {
		t.Errorf("AI region list has %d options, want All + 4", n)
	}
	b.Screenshot("ai-table")

	b.Select("#job", "transcoding")
	b.WaitFor("the transcoding table", settled(`document.querySelector('#leaderboard-table caption').innerText.includes('Transcoding')`))
	// Sort by latency: ascending first, then descending; rows without a
	// value stay last either way.
	latencies := func() []float64 {
		var out []float64
		for _, s := range b.Texts("#leaderboard-table tbody td.latency") {
			if s == "—" {
				out = append(out, -1)
				continue
			}
			f, unit, _ := strings.Cut(s, " ")
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("latency %q", s)
			}
			if unit == "ms" {
				v /= 1000
			}
			out = append(out, v)
		}
		return out
	}
	b.Click(`#leaderboard-table th a[href*="sort=latency"]`)
	b.WaitFor("ascending latency", settled(`document.querySelector('#leaderboard-table th[aria-sort="ascending"]') !== null`))
	asc := latencies()
	b.Screenshot("sorted-by-latency")
	b.Click(`#leaderboard-table th[aria-sort] a`)
	b.WaitFor("descending latency", settled(`document.querySelector('#leaderboard-table th[aria-sort="descending"]') !== null`))
	desc := latencies()
	checkOrder := func(name string, vals []float64, descending bool) {
		t.Helper()
		var known []float64
		seenNone := false
		for _, v := range vals {
			if v < 0 {
				seenNone = true
				continue
			}
			if seenNone {
				t.Errorf("%s: a value after a no-data row: %v", name, vals)
			}
			known = append(known, v)
		}
		ok := sort.SliceIsSorted(known, func(i, j int) bool {
			if descending {
				return known[i] > known[j]
			}
			return known[i] < known[j]
		})
		if !ok || len(known) < 3 {
			t.Errorf("%s: latencies %v not in order", name, vals)
		}
	}
	checkOrder("ascending", asc, false)
	checkOrder("descending", desc, true)
	if kept := webtest.Eval[string](b, `String(window.__kept)`); kept != "yes" {
		t.Fatal("sorting reloaded the whole page")
	}
	// Back to the sorted URL without JavaScript's help: the server sorts.
	if !strings.Contains(b.Location(), "sort=latency") {
		t.Errorf("sorted URL %s lacks the sort", b.Location())
	}
	if errs := b.JSErrors(); len(errs) > 0 {
		t.Fatalf("JavaScript errors: %v", errs)
	}
}

func TestBrowserPhoneWidthHasNoHorizontalScroll(t *testing.T) {
	needVendor(t)
	e := newEnv(t, "sqlite")
	seedNetwork(t, e)
	sw := models.Sweep{Region: "FRA", StartedBy: "test"}
	if err := e.st.CreateSweep(t.Context(), &sw); err != nil {
		t.Fatal(err)
	}
	b := webtest.New(t)
	b.SetViewport(375, 740)
	for _, p := range []struct{ name, path, ready string }{
		{"leaderboard", "/", "#leaderboard-table"},
		{"orchestrator", "/orchestrators/" + addr(1), "#results-table"},
		{"runs", "/runs", "#runs"},
		{"run", "/runs/" + strconv.FormatInt(sw.ID, 10), "#progress"},
	} {
		b.Navigate(e.srv.URL + p.path)
		b.WaitVisible(p.ready)
		if p.name == "orchestrator" {
			b.WaitFor("a drawn chart", `document.querySelector('.chart[data-chart-ready] canvas') !== null`)
		}
		noHorizontalScroll(t, b, p.name)
		b.Screenshot("phone-" + p.name)
	}
}

func TestBrowserRunPageFollowsProgressThenShowsReport(t *testing.T) {
	needVendor(t)
	e := newEnv(t, "sqlite")
	ctx := t.Context()
	sw := models.Sweep{Region: "FRA", StartedBy: "test"}
	if err := e.st.CreateSweep(ctx, &sw); err != nil {
		t.Fatal(err)
	}
	sw.Expected = 4
	if err := e.st.UpdateSweep(ctx, &sw); err != nil {
		t.Fatal(err)
	}
	e.insert(result{orch: 1, region: "FRA", pipeline: t2iPipeline, model: t2iModel, success: 1, rtt: 1, sweep: sw.ID})

	b := webtest.New(t)
	b.Navigate(e.srv.URL + "/runs/" + strconv.FormatInt(sw.ID, 10))
	mustContain(t, "progress", b.Text("#progress"), "1 of 4 tests done")
	webtest.Eval[string](b, `window.__kept = "yes"`)

	// Two more tests land, one of them retried: the page follows.
	e.insert(
		result{orch: 2, region: "FRA", pipeline: t2iPipeline, model: t2iModel, outcome: models.OutcomeUnavailable, sweep: sw.ID},
		result{orch: 3, region: "FRA", pipeline: t2iPipeline, model: t2iModel, success: 0, outcome: models.OutcomeFail,
			errorText: "orchestrator closed the connection", sweep: sw.ID},
		result{orch: 2, region: "FRA", pipeline: t2iPipeline, model: t2iModel, success: 1, rtt: 2, sweep: sw.ID},
	)
	b.WaitFor("progress to reach 3", `document.querySelector('#progress').innerText.includes('3 of 4 tests done')`)
	if kept := webtest.Eval[string](b, `String(window.__kept)`); kept != "yes" {
		t.Fatal("progress reloaded the whole page")
	}
	b.Screenshot("running")

	// The run ends: the page turns into the report.
	e.insert(result{orch: 4, region: "FRA", pipeline: t2iPipeline, model: t2iModel, outcome: models.OutcomeTesterError,
		errorText: "tester ran out of disk", sweep: sw.ID})
	now := time.Now().UTC()
	sw.Status, sw.FinishedAt = models.SweepDone, &now
	sw.Passed, sw.Failed, sw.TesterErrors = 2, 1, 1
	uctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := e.st.UpdateSweep(uctx, &sw); err != nil {
		t.Fatal(err)
	}
	b.WaitVisible("#report")
	mustContain(t, "status", b.Text("#run-status"), "done: 4 of 4 tests", "5 attempts")
	errs := b.Text("#errors")
	mustContain(t, "errors", errs, "orchestrator closed the connection", "tester ran out of disk")
	if strings.Contains(errs, "unavailable") {
		t.Errorf("the retried test is listed by its first try: %s", errs)
	}
	b.Screenshot("report")
}
