package rollup

import (
	"math/rand"
	"testing"
)

func all(Key) bool { return true }

func TestSumAddsOnlyBucketsInWindow(t *testing.T) {
	ix := New()
	k := Key{Orchestrator: "0xa", RegionID: 1}
	for h := int64(0); h < 10; h++ {
		ix.Set(k, Bucket{Hour: h * 3600, Version: 1, Totals: Totals{Results: 1, SumRoundTripTime: float64(h)}})
	}
	var got Totals
	calls := 0
	ix.Sum(all, 2*3600, 4*3600, func(_ Key, t Totals) { got = t; calls++ })
	if calls != 1 || got.Results != 3 || got.SumRoundTripTime != 2+3+4 {
		t.Fatalf("got %d calls, totals %+v; want one call with 3 results summing 9", calls, got)
	}
	calls = 0
	ix.Sum(all, 20*3600, 30*3600, func(Key, Totals) { calls++ })
	if calls != 0 {
		t.Fatalf("a series with no buckets in the window must not be reported")
	}
}

func TestSetKeepsNewestVersion(t *testing.T) {
	ix := New()
	k := Key{Orchestrator: "0xa"}
	ix.Set(k, Bucket{Hour: 0, Version: 2, Totals: Totals{Results: 5}})
	if ix.Set(k, Bucket{Hour: 0, Version: 1, Totals: Totals{Results: 3}}) {
		t.Fatal("an older version replaced a newer one")
	}
	if !ix.Set(k, Bucket{Hour: 0, Version: 3, Totals: Totals{Results: 7}}) {
		t.Fatal("a newer version was refused")
	}
	var got int64
	ix.Sum(all, 0, 0, func(_ Key, t Totals) { got = t.Results })
	if got != 7 {
		t.Fatalf("results = %d, want 7", got)
	}
}

// TestOutOfOrderSetsStaySorted feeds hours in random order and checks each
// window against a brute-force sum.
func TestOutOfOrderSetsStaySorted(t *testing.T) {
	ix := New()
	k := Key{Orchestrator: "0xa"}
	r := rand.New(rand.NewSource(1))
	want := map[int64]int64{}
	for i := 0; i < 500; i++ {
		h := int64(r.Intn(100))
		n := int64(r.Intn(9) + 1)
		want[h] = n
		ix.Set(k, Bucket{Hour: h, Version: int64(i + 1), Totals: Totals{Results: n}})
	}
	for from := int64(0); from < 100; from += 7 {
		to := from + int64(r.Intn(30))
		var exp int64
		for h, n := range want {
			if h >= from && h <= to {
				exp += n
			}
		}
		var got int64
		ix.Sum(all, from, to, func(_ Key, t Totals) { got = t.Results })
		if got != exp {
			t.Fatalf("window [%d,%d]: got %d, want %d", from, to, got, exp)
		}
	}
}

func TestPruneDropsOldBucketsAndEmptySeries(t *testing.T) {
	ix := New()
	ix.Set(Key{Orchestrator: "0xold"}, Bucket{Hour: 1, Version: 1, Totals: Totals{Results: 1}})
	ix.Set(Key{Orchestrator: "0xnew"}, Bucket{Hour: 1, Version: 1, Totals: Totals{Results: 1}})
	ix.Set(Key{Orchestrator: "0xnew"}, Bucket{Hour: 9, Version: 1, Totals: Totals{Results: 1}})
	ix.Prune(5)
	if ix.Len() != 1 {
		t.Fatalf("Len = %d after prune, want 1", ix.Len())
	}
	seen := []string{}
	ix.Sum(all, 0, 10, func(k Key, _ Totals) { seen = append(seen, k.Orchestrator) })
	if len(seen) != 1 || seen[0] != "0xnew" {
		t.Fatalf("series after prune = %v", seen)
	}
}

func BenchmarkSum24hOf2000Series(b *testing.B) {
	ix := New()
	for o := 0; o < 2000; o++ {
		k := Key{Orchestrator: string(rune('a' + o%26)), RegionID: int64(o)}
		for h := int64(0); h < 24*30; h++ {
			ix.Set(k, Bucket{Hour: h * 3600, Version: 1, Totals: Totals{Results: 1}})
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix.Sum(all, (24*29)*3600, 24*30*3600, func(Key, Totals) {})
	}
}
