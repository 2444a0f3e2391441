package leaderboard_test

import (
	"cmp"
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/leaderboard"
	"jobtester/models"
	"jobtester/rollup"
)

// v2Writer writes random AI results of orchs orchestrators (8 when 0), 2
// regions and 2 models, so that each read has several series per
// population.
type v2Writer struct {
	r     *rand.Rand
	now   time.Time
	orchs int
}

func (w *v2Writer) results(n int, from, to time.Duration) []models.NewResult {
	models2 := []string{sdxl, "stabilityai/sd-turbo"}
	out := make([]models.NewResult, 0, n)
	for range n {
		o := 1 + w.r.IntN(cmp.Or(w.orchs, 8))
		ago := from + time.Duration(w.r.Int64N(int64(to-from)))
		at := w.now.Add(-ago)
		s := ingest.Stats{Region: []string{"FRA", "LAX"}[w.r.IntN(2)], Orchestrator: addr(o), Pipeline: t2i,
			Model: models2[w.r.IntN(2)], RoundTripTime: 0.5 + float64(o)*0.2*w.r.Float64(), Timestamp: at.Unix(),
			Errors: []ingest.Error{}}
		nr := models.NewResult{Stats: s, ReceivedAt: at, IngestKey: "test"}
		switch x := w.r.Float64(); {
		case x < 0.1:
			nr.Outcome = models.OutcomeUnavailable
		case x < 0.7+0.03*float64(o%8):
			nr.Stats.SuccessRate = 1
		}
		out = append(out, nr)
	}
	return out
}

// v2Reads are every read of score v2 the front ends make, each once with
// cache and once without; check compares each pair.
type v2Reads struct {
	t     *testing.T
	cache *leaderboard.V2Cache
	st    *models.Store
}

func (r v2Reads) read(at time.Time) []any {
	t := r.t
	t.Helper()
	var out []any
	for _, cache := range []*leaderboard.V2Cache{r.cache, nil} {
		var got []any
		for _, f := range []models.Filter{{Pipeline: t2i, Model: sdxl}, {JobType: ingest.JobTypeAI}, {Pipeline: t2i, Model: sdxl, Region: "LAX"}} {
			s, err := leaderboard.AggregatedV2(t.Context(), r.st, f, models.Window{Since: at.Add(-24 * time.Hour), Until: at}, cache)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		lb, err := leaderboard.Build(t.Context(), r.st, leaderboard.Query{Pipeline: t2i, Model: sdxl, Window: "24h"}, at, cache)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := leaderboard.Explain(t.Context(), r.st, addr(3), at, cache)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, lb.Rows, ex)
		if out != nil && !reflect.DeepEqual(got, out) {
			t.Fatalf("at %s the cached v2 differs from the uncached computation:\ncached   %+v\nuncached %+v", at, out, got)
		}
		out = got
	}
	return out
}

// TestV2CacheEqualsTheComputation reads score v2 through a cache and
// without one after writes by this instance (in the current hour and in
// past hours) and by another instance on the same database (read here
// after a rollup sync, as production syncs), at now, at a past instant
// inside an hour and at a whole hour: the answers must be equal bit for
// bit, and must change with the writes (else a cache that ignored them
// would pass).
func TestV2CacheEqualsTheComputation(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			dsn := dbtest.DSN(t, dialect)
			a := dbtest.OpenDSN(t, dsn, models.Options{})
			b := dbtest.OpenDSN(t, dsn, models.Options{}) // another instance
			w := &v2Writer{r: rand.New(rand.NewPCG(7, 8)), now: time.Now().UTC()}
			if err := a.Insert(t.Context(), w.results(1500, time.Minute, 96*time.Hour)...); err != nil {
				t.Fatal(err)
			}
			r := v2Reads{t: t, cache: leaderboard.NewV2Cache(), st: a}
			at := time.Now().UTC()
			first := r.read(at)
			if again := r.read(at); !reflect.DeepEqual(first, again) {
				t.Fatal("two reads of unchanged data differ")
			}
			steps := []struct {
				name  string
				write func() error
			}{
				{"this instance, current hour", func() error { return a.Insert(t.Context(), w.results(20, time.Second, time.Minute)...) }},
				{"this instance, 30 hours ago", func() error {
					return a.Insert(t.Context(), w.results(40, 30*time.Hour, 31*time.Hour)...)
				}},
				{"another instance, 5 hours ago and now", func() error {
					if err := b.Insert(t.Context(), w.results(40, 5*time.Hour, 6*time.Hour)...); err != nil {
						return err
					}
					if err := b.Insert(t.Context(), w.results(10, time.Second, time.Minute)...); err != nil {
						return err
					}
					return a.Sync(t.Context())
				}},
			}
			prev := first
			for _, s := range steps {
				if err := s.write(); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				at := time.Now().UTC()
				got := r.read(at)
				if reflect.DeepEqual(got, prev) {
					t.Fatalf("%s: v2 did not change with the write", s.name)
				}
				prev = got
			}
			// Past instants: inside an hour (its results read up to then)
			// and on a whole hour.
			r.read(w.now.Add(-20*time.Hour - 17*time.Minute))
			r.read(w.now.Truncate(time.Hour).Add(-2 * time.Hour))
		})
	}
}

// countingStore counts the reads of hours that reach the store.
type countingStore struct {
	*models.Store
	reads, news int
}

func (c *countingStore) ResultsReceived(ctx context.Context, after, upTo time.Time) (bool, error) {
	c.news++
	return c.Store.ResultsReceived(ctx, after, upTo)
}

func (c *countingStore) HourlyTotals(ctx context.Context, f models.Filter, w models.Window, fn func(models.Region, rollup.Key, int64, rollup.Totals)) error {
	c.reads++
	return c.Store.HourlyTotals(ctx, f, w, fn)
}

// A read that would repeat an earlier one (same hour, rollups unchanged,
// no result received in between) is answered without reading the hours;
// a write, or a result received between the two instants, makes the next
// read read again, and its answer then differs.
func TestV2CacheSkipsTheReadWhenNothingChanged(t *testing.T) {
	st := dbtest.Open(t, "sqlite", models.Options{})
	w := &v2Writer{r: rand.New(rand.NewPCG(3, 4)), now: time.Now().UTC()}
	if err := st.Insert(t.Context(), w.results(300, time.Minute, 48*time.Hour)...); err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: st}
	cache := leaderboard.NewV2Cache()
	f := models.Filter{Pipeline: t2i, Model: sdxl}
	read := func(at time.Time) leaderboard.Scores {
		t.Helper()
		a, err := leaderboard.AggregatedV2(t.Context(), cs, f, models.Window{Since: at.Add(-24 * time.Hour), Until: at}, cache)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	at := time.Now().UTC()
	first := read(at)
	n := cs.reads
	if again := read(at.Add(time.Millisecond)); !reflect.DeepEqual(again, first) || cs.reads != n {
		t.Fatalf("an unchanged repeat read the hours again (%d reads, was %d) or changed", cs.reads, n)
	}
	if err := st.Insert(t.Context(), w.results(30, 0, time.Second)...); err != nil {
		t.Fatal(err)
	}
	later := read(time.Now().UTC())
	if cs.reads == n || reflect.DeepEqual(later, first) {
		t.Fatalf("after a write: %d reads (was %d), answer changed %v", cs.reads, n, !reflect.DeepEqual(later, first))
	}
}

// Reads of several models at one instant, repeating reads at an earlier
// one, ask the store once whether results arrived in between, not once
// per model; after a write the first read reads the hours of every model
// (v2 scores a job type's series together) and the second reuses them.
func TestV2CacheAsksOnceForNewResults(t *testing.T) {
	st := dbtest.Open(t, "sqlite", models.Options{})
	w := &v2Writer{r: rand.New(rand.NewPCG(5, 6)), now: time.Now().UTC()}
	if err := st.Insert(t.Context(), w.results(300, time.Minute, 48*time.Hour)...); err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: st}
	cache := leaderboard.NewV2Cache()
	readAll := func(at time.Time) {
		t.Helper()
		for _, m := range []string{sdxl, "stabilityai/sd-turbo"} {
			f := models.Filter{Pipeline: t2i, Model: m}
			if _, err := leaderboard.AggregatedV2(t.Context(), cs, f, models.Window{Since: at.Add(-24 * time.Hour), Until: at}, cache); err != nil {
				t.Fatal(err)
			}
		}
	}
	at := time.Now().UTC()
	readAll(at)
	reads, news := cs.reads, cs.news
	readAll(at.Add(time.Millisecond))
	if cs.reads != reads || cs.news != news+1 {
		t.Fatalf("repeating two models' reads: %d hour reads (want %d), %d questions for new results (want %d)",
			cs.reads, reads, cs.news, news+1)
	}
	if err := st.Insert(t.Context(), w.results(10, 0, time.Second)...); err != nil {
		t.Fatal(err)
	}
	readAll(time.Now().UTC())
	if cs.reads != reads+1 {
		t.Fatalf("after a write: %d hour reads, want %d", cs.reads, reads+1)
	}
}
