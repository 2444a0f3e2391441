package main

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/static"
	"jobtester/testutil"
	"jobtester/web/webtest"
)

// pastResult is a result as /api/v1/results lists it, what this test reads.
type pastResult struct {
	ID           int64  `json:"id"`
	Orchestrator string `json:"orchestrator"`
	Simulated    bool   `json:"simulated"`
}

// A fresh demo starts with a week of simulated past, stored before the
// first live sweep stores anything: the leaderboard's trends, the
// orchestrator's 7-day chart and the runs list are full on first sight,
// marked simulated, with stake in LPT and each node named by its host.
func TestBrowserDemoStartsWithItsPast(t *testing.T) {
	if !static.VendorPresent() {
		t.Fatal("htmx and uPlot are not embedded: run `npm ci && npm run build:web` first (scripts/setup.sh does)")
	}
	began := time.Now()
	d := startDemo(t, "--live-concurrency", "0")
	base, logs := d.base, d.logs
	t.Logf("dashboard answering %.1f s after start", time.Since(began).Seconds())

	// The first live result, then the order: every simulated result was
	// committed before it (ids grow in commit order).
	var page struct{ Results []pastResult }
	testutil.EventuallyWithin(t, 5*time.Minute, "a live result stored", func() bool {
		if !getJSON(t, base+"/api/v1/results?limit=500", &page) {
			return false
		}
		for _, r := range page.Results {
			if !r.Simulated {
				return true
			}
		}
		return false
	})
	t.Logf("first live result stored %.1f s after start", time.Since(began).Seconds())
	pastBeforeLive(t, page.Results)
	if m := regexp.MustCompile(`msg="simulated past stored".* results=(\d+) seconds=([0-9.]+)`).FindStringSubmatch(logs.String()); m == nil {
		t.Errorf("the log does not report the simulated past:\n%s", logs)
	} else {
		t.Logf("simulated past: %s results written in %s s", m[1], m[2])
	}

	b := webtest.New(t)
	b.Timeout = time.Minute
	leaderboardShowsThePast(t, b, base)
	orchestratorShowsThePast(t, b, base)
	b.Navigate(base + "/runs")
	b.WaitVisible("#runs")
	if n := webtest.Eval[int](b, `document.querySelectorAll('#runs .sim-badge').length`); n == 0 {
		t.Error("the runs list marks no run simulated")
	}
	b.Screenshot("runs")
	if errs := b.JSErrors(); len(errs) > 0 {
		t.Fatalf("JavaScript errors: %v", errs)
	}
}

// pastBeforeLive checks that the newest page of results holds both the
// past and live results, and that every simulated one has a lower id.
func pastBeforeLive(t *testing.T, rs []pastResult) {
	t.Helper()
	var maxSim, minLive int64 = 0, 1 << 62
	for _, r := range rs {
		if r.Simulated {
			maxSim = max(maxSim, r.ID)
		} else {
			minLive = min(minLive, r.ID)
		}
	}
	if maxSim == 0 {
		t.Fatal("no simulated result among the newest 500")
	}
	if maxSim > minLive {
		t.Errorf("simulated result %d was stored after live result %d: the past was not in place first", maxSim, minLive)
	}
}

// leaderboardShowsThePast opens SDXL-Lightning's leaderboard (the model
// most nodes serve) and checks its trend lines, node names and mark.
func leaderboardShowsThePast(t *testing.T, b *webtest.Browser, base string) {
	t.Helper()
	var orchs struct {
		Orchestrators []struct {
			Address    string `json:"address"`
			ServiceURI string `json:"service_uri"`
		}
	}
	hosts := map[string]string{}
	testutil.EventuallyWithin(t, time.Minute, "discovered orchestrators", func() bool {
		if !getJSON(t, base+"/api/v1/orchestrators", &orchs) {
			return false
		}
		for _, o := range orchs.Orchestrators {
			if u, err := url.Parse(o.ServiceURI); err == nil && u.Host != "" {
				hosts[o.Address] = u.Host
			}
		}
		return len(hosts) > 0
	})
	b.Navigate(base + "/?job=" + url.QueryEscape("Text to image::ByteDance/SDXL-Lightning"))
	b.WaitVisible("#leaderboard-table")
	b.WaitVisible("#simulated-note")
	lines := webtest.Eval[int](b, `Array.from(document.querySelectorAll('#leaderboard-table tbody tr')).filter(function (r) {
		return Array.from(r.querySelectorAll('svg.spark polyline')).some(function (p) {
			return p.getAttribute('points').trim().split(/\s+/).length >= 2; });
	}).length`)
	t.Logf("leaderboard rows with a trend line: %d", lines)
	if lines < 10 {
		t.Errorf("%d rows have a trend line, want at least 10", lines)
	}
	named := webtest.Eval[[][]string](b, `Array.from(document.querySelectorAll('#leaderboard-table tbody th')).map(function (th) {
		var n = th.querySelector('.node-name'); return [th.querySelector('a').title, n ? n.innerText : '']; })`)
	matched := 0
	for _, p := range named {
		if h := hosts[strings.ToLower(p[0])]; h != "" && strings.Contains(p[1], h) {
			matched++
		}
	}
	if matched == 0 {
		t.Errorf("no leaderboard row names its node by the host of its service URI: %v", named)
	}
	b.Screenshot("leaderboard")
}

// orchestratorShowsThePast opens a busy node's page over 7 days.
func orchestratorShowsThePast(t *testing.T, b *webtest.Browser, base string) {
	t.Helper()
	var truth struct {
		Orchestrators []struct{ Name, Address string }
	}
	if !getJSON(t, base+"/api/v1/simnet/truth", &truth) {
		t.Fatal("no truth")
	}
	addr := ""
	for _, o := range truth.Orchestrators {
		if o.Name == "orch-07" {
			addr = o.Address
		}
	}
	b.Navigate(base + "/orchestrators/" + addr + "?range=7d")
	b.WaitVisible("#results-table")
	b.WaitFor("a drawn chart", `document.querySelector('.chart[data-chart-points]') !== null`)
	points := webtest.Eval[[]string](b, `Array.from(document.querySelectorAll('.chart[data-chart-points]')).map(function (c) { return c.dataset.chartPoints; })`)
	most := 0
	for _, p := range points {
		n, _ := strconv.Atoi(p)
		most = max(most, n)
	}
	t.Logf("7-day chart points: %v", points)
	if most < 100 {
		t.Errorf("the 7-day charts have %v points, want one with at least 100", points)
	}
	b.WaitFor("stake in LPT", `document.body.innerText.includes(' LPT')`)
	if body := b.Text("body"); regexp.MustCompile(`\d{19}`).MatchString(body) {
		t.Errorf("the page shows a wei amount: %s", regexp.MustCompile(`.{0,30}\d{19}.{0,10}`).FindString(body))
	}
	if name := b.Text("#node-name"); !strings.Contains(name, "127.0.0.1:") {
		t.Errorf("node name %q does not give the host", name)
	}
	if n := webtest.Eval[int](b, `document.querySelectorAll('#results-table .sim-badge').length`); n == 0 {
		t.Error("no result on the first page is marked simulated")
	}
	b.WaitVisible("#simulated-note")
	b.Screenshot("orchestrator-7d")
}
