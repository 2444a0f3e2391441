package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

func f(v float64) *float64 { return &v }

func TestSparkSegmentsLeaveGapsForMissingSteps(t *testing.T) {
	segs := sparkSegments([]*float64{f(1), f(0.5), nil, nil, f(0), nil, f(1)})
	if len(segs) != 3 {
		t.Fatalf("segments %q, want 3 runs", segs)
	}
	if got := strings.Count(segs[0], " ") + 1; got != 2 {
		t.Errorf("first run %q has %d points, want 2", segs[0], got)
	}
	// A lone step still draws: two distinct points, inside the box.
	for _, s := range segs[1:] {
		pts := strings.Fields(s)
		if len(pts) != 2 || pts[0] == pts[1] {
			t.Errorf("lone step %q does not draw a visible stroke", s)
		}
		for _, p := range pts {
			x := p[:strings.Index(p, ",")]
			if strings.HasPrefix(x, "-") || len(x) > 5 || (len(x) == 5 && x > "120.0") {
				t.Errorf("point %s outside the box", p)
			}
		}
	}
	if sparkSegments([]*float64{nil, nil}) != nil {
		t.Error("no data must draw nothing")
	}
}

func TestWilsonLowerIsBelowTheRateAndZeroAtZero(t *testing.T) {
	for _, c := range []struct {
		p float64
		n int64
	}{{0, 1}, {0, 1000}, {1, 1}, {1, 3}, {0.5, 10}, {0.98, 1000}, {1, 1000000}} {
		lo := wilsonLower(c.p, c.n)
		if lo < 0 || lo > c.p || (c.p == 0 && lo != 0) {
			t.Errorf("wilsonLower(%v, %d) = %v", c.p, c.n, lo)
		}
	}
	// Three perfect tests rank below 980 of 1000.
	if wilsonLower(1, 3) >= wilsonLower(0.98, 1000) {
		t.Error("a few lucky tests outrank a long record")
	}
	if wilsonLower(0.5, 0) != 0 {
		t.Error("no tests must give 0")
	}
}

func TestLeaderboardQueryRoundTripsThroughItsURL(t *testing.T) {
	base := LeaderboardQuery{Window: "24h", Sort: sortScore, Desc: true}
	for _, q := range []LeaderboardQuery{
		base,
		{Pipeline: "Text to image", Model: "ByteDance/SDXL-Lightning", Region: "FRA", Window: "7d", Sort: sortLatency},
		{Window: "1h", Sort: sortLatency, Desc: true},
		{Pipeline: LivePipeline, Model: "streamdiffusion", Window: "24h", Sort: sortOrchestrator},
		base.SortedBy(sortScore),
		base.SortedBy(sortSamples).SortedBy(sortSamples),
	} {
		got, err := parseLeaderboardQuery(q.Values())
		if err != nil || got != q {
			t.Errorf("%+v → %s → %+v %v", q, q.URL(), got, err)
		}
	}
	for _, bad := range []string{"job=Text+to+image", "job=::m", "window=2d", "sort=name", "dir=up", "pipeline=x"} {
		v, _ := url.ParseQuery(bad)
		if _, err := parseLeaderboardQuery(v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// Sorting a new column starts best first; the same column flips.
	if q := base.SortedBy(sortLatency); q.Desc {
		t.Error("latency sorts fastest first")
	}
	if q := base.SortedBy(sortScore); q.Desc {
		t.Error("sorting the sorted column again does not flip it")
	}
}

func TestLayoutSendsTheCSRFTokenWithHTMXRequests(t *testing.T) {
	var b strings.Builder
	if err := Layout(PageMeta{Title: "x", CSRFToken: `a"b`}, templ.NopComponent).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, `hx-headers="{&#34;X-CSRF-Token&#34;:&#34;a\&#34;b&#34;}"`) ||
		!strings.Contains(page, `<meta name="csrf-token" content="a&#34;b">`) {
		t.Fatalf("token not carried safely:\n%s", page)
	}
	b.Reset()
	if err := Layout(PageMeta{}, templ.NopComponent).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "csrf-token") {
		t.Error("a page without a token names one")
	}
}
