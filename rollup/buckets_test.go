package rollup

import "testing"

func TestBucketsReturnsOnlyHoursInRangeInOrder(t *testing.T) {
	ix := New()
	a := Key{Orchestrator: "a", RegionID: 1}
	b := Key{Orchestrator: "b", RegionID: 1}
	for _, h := range []int64{7200, 0, 3600, 10800} { // out of order on purpose
		ix.Set(a, Bucket{Hour: h, Version: 1, Totals: Totals{Results: h/3600 + 1}})
	}
	ix.Set(b, Bucket{Hour: 0, Version: 1, Totals: Totals{Results: 5}})
	got := map[string][]int64{}
	ix.Buckets(all, 3600, 7200, func(k Key, bs []Bucket) {
		for _, x := range bs {
			got[k.Orchestrator] = append(got[k.Orchestrator], x.Hour)
		}
	})
	if len(got) != 1 || len(got["a"]) != 2 || got["a"][0] != 3600 || got["a"][1] != 7200 {
		t.Fatalf("buckets in [3600, 7200]: %v", got)
	}
	n := 0
	ix.Buckets(func(k Key) bool { return k.Orchestrator == "b" }, 0, 1<<40, func(k Key, bs []Bucket) { n += len(bs) })
	if n != 1 {
		t.Fatalf("matched %d buckets of b, want 1", n)
	}
}
