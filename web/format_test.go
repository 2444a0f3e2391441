package web

import (
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"jobtester/leaderboard"
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

// The explanation says when a success rate draws on the node's other
// series, how much, and says nothing of it when it does not.
func TestExplainSuccessSaysWhatItBorrows(t *testing.T) {
	own := leaderboard.V2{SuccessRate: 0.9, SuccessLow: 0.8, SuccessHigh: 0.95, Tests: 40}
	if got := explainSuccess(own); strings.Contains(got, "other tested series") {
		t.Errorf("a series scored on its own tests says it borrowed: %q", got)
	}
	pooled := own
	pooled.NodeWeight, pooled.NodeSeries = 0.5, 3
	if got := explainSuccess(pooled); !strings.Contains(got, "this node's 3 other tested series") ||
		!strings.Contains(got, "counting 0.5 of one of its own") {
		t.Errorf("pooled at 0.5 over 3 series: %q", got)
	}
	pooled.NodeWeight = 1
	if got := explainSuccess(pooled); !strings.Contains(got, "counting as much as one of its own") {
		t.Errorf("pooled at 1: %q", got)
	}
	pooled.Tests = 0
	if got := explainSuccess(pooled); !strings.Contains(got, "estimated from the model's usual and this node's 3 other tested series") {
		t.Errorf("pooled without tests of its own: %q", got)
	}
}

// The explanation names a spell of failures the success rate left out,
// with its times, and says nothing of one when there is none.
func TestExplainSuccessNamesASpellLeftOut(t *testing.T) {
	v := leaderboard.V2{SuccessRate: 0.97, SuccessLow: 0.9, SuccessHigh: 0.99, Tests: 60}
	if got := explainSuccess(v); strings.Contains(got, "spell") {
		t.Errorf("no spell, yet: %q", got)
	}
	from := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	v.Spell = &leaderboard.V2Spell{From: from, Until: from.Add(8 * time.Hour), Tests: 9, Passed: 1}
	got := explainSuccess(v)
	for _, want := range []string{"Its 8 failed tests (of 9) from 2026-12-04 10:00:00 UTC to 2026-12-04 18:00:00 UTC",
		"a spell that ended", "left out"} {
		if !strings.Contains(got, want) {
			t.Errorf("spell of 8 failures in 9: %q lacks %q", got, want)
		}
	}
}
