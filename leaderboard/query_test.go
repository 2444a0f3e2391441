package leaderboard

import (
	"net/url"
	"testing"
)

func TestQueryRoundTripsThroughItsURL(t *testing.T) {
	base := Query{Window: "24h", Sort: SortScore, Desc: true}
	for _, q := range []Query{
		base,
		{Pipeline: "Text to image", Model: "ByteDance/SDXL-Lightning", Region: "FRA", Window: "7d", Sort: SortLatency},
		{Window: "1h", Sort: SortLatency, Desc: true},
		{Pipeline: LivePipeline, Model: "streamdiffusion", Window: "24h", Sort: SortOrchestrator},
		base.SortedBy(SortScore),
		base.SortedBy(SortSamples).SortedBy(SortSamples),
	} {
		got, err := ParseQuery(q.Values())
		if err != nil || got != q {
			t.Errorf("%+v → %s → %+v %v", q, q.Values().Encode(), got, err)
		}
	}
	for _, bad := range []string{"job=Text+to+image", "job=::m", "window=2d", "sort=name", "dir=up", "pipeline=x"} {
		v, _ := url.ParseQuery(bad)
		if _, err := ParseQuery(v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// Sorting a new column starts best first; the same column flips.
	if q := base.SortedBy(SortLatency); q.Desc {
		t.Error("latency sorts fastest first")
	}
	if q := base.SortedBy(SortScore); q.Desc {
		t.Error("sorting the sorted column again does not flip it")
	}
}
