package models_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/models"
)

func keyed(r models.NewResult, key, hash string) models.NewResult {
	r.Idempotency = models.Idempotency{Key: key, BodySHA256: hash}
	return r
}

func totalResults(st *models.Store) int64 {
	var n int64
	for _, s := range all(st, models.Window{Since: time.Now().Add(-2 * time.Hour), Until: time.Now().Add(time.Hour)}) {
		n += s.Results
	}
	return n
}

// TestIdempotencyStoresOnce: a second write with the same key is answered
// as a replay and stores nothing (result and rollup), the same key with
// another body is refused, and keys are per ingest key.
func TestIdempotencyStoresOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC()
		first := keyed(aiResult(1, "FRA", 1, 2, now), "k1", "aaaa")
		for i, want := range []bool{false, true, true} {
			replayed, err := st.InsertOnce(ctx, first)
			if err != nil || replayed != want {
				t.Fatalf("write %d: replayed %v, err %v; want replayed %v", i, replayed, err, want)
			}
		}
		if _, err := st.InsertOnce(ctx, keyed(aiResult(1, "FRA", 1, 2, now), "k1", "bbbb")); !errors.Is(err, models.ErrIdempotencyConflict) {
			t.Fatalf("same key, other body: err %v, want a conflict", err)
		}
		if n := dbtest.CountResults(t, st); n != 1 {
			t.Fatalf("%d results stored, want 1", n)
		}
		if n := totalResults(st); n != 1 {
			t.Fatalf("rollups count %d results, want 1", n)
		}
		other := first
		other.IngestKey = "other-tester"
		if replayed, err := st.InsertOnce(ctx, other); err != nil || replayed {
			t.Fatalf("same key from another ingest key: replayed %v, err %v; want stored", replayed, err)
		}
		if n := dbtest.CountResults(t, st); n != 2 {
			t.Fatalf("%d results stored, want 2", n)
		}
	})
}

// TestIdempotencyWithinOneBatch: duplicates inside one write (one batch)
// are stored once; a conflicting one in the same batch fails the write.
func TestIdempotencyWithinOneBatch(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC()
		a := keyed(aiResult(1, "FRA", 1, 2, now), "a", "11")
		b := keyed(aiResult(2, "FRA", 1, 3, now), "b", "22")
		if err := st.Insert(ctx, a, a, b, a); err != nil {
			t.Fatal(err)
		}
		if n := dbtest.CountResults(t, st); n != 2 {
			t.Fatalf("%d results stored, want 2", n)
		}
		c := keyed(aiResult(3, "FRA", 1, 2, now), "c", "33")
		if err := st.Insert(ctx, c, keyed(c, "c", "44")); !errors.Is(err, models.ErrIdempotencyConflict) {
			t.Fatalf("conflicting duplicate in one batch: err %v", err)
		}
	})
}

// TestIdempotencyConcurrentRetries: many writers with one key at once,
// through two stores on one database (two instances), store one row and
// exactly one of them hears "stored".
func TestIdempotencyConcurrentRetries(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		dsn := dbtest.DSN(t, dialect)
		stores := []*models.Store{dbtest.OpenDSN(t, dsn, models.Options{}), dbtest.OpenDSN(t, dsn, models.Options{})}
		now := time.Now().UTC()
		var fresh atomic.Int32
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 5 {
					r := keyed(aiResult(k, "FRA", 1, 2, now), fmt.Sprint("key-", k), "h")
					replayed, err := stores[i%2].InsertOnce(ctx, r)
					if err != nil {
						t.Error(err)
						return
					}
					if !replayed {
						fresh.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if n := dbtest.CountResults(t, stores[0]); n != 5 || fresh.Load() != 5 {
			t.Fatalf("%d results stored and %d writes heard stored; want 5 and 5", n, fresh.Load())
		}
	})
}

// TestPruneIdempotencyKeys: keys outlive the window only until pruned;
// after that the same write is stored again.
func TestPruneIdempotencyKeys(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		r := keyed(aiResult(1, "FRA", 1, 2, time.Now().UTC()), "k", "h")
		if _, err := st.InsertOnce(ctx, r); err != nil {
			t.Fatal(err)
		}
		if n, err := st.PruneIdempotencyKeys(ctx, time.Hour); err != nil || n != 0 {
			t.Fatalf("prune with a 1 h window: %d deleted, err %v; want 0", n, err)
		}
		if replayed, _ := st.InsertOnce(ctx, r); !replayed {
			t.Fatal("a key inside the window did not dedupe")
		}
		time.Sleep(5 * time.Millisecond) // the key must be older than a 1 ms window
		if n, err := st.PruneIdempotencyKeys(ctx, time.Millisecond); err != nil || n != 1 {
			t.Fatalf("prune with a 1 ms window: %d deleted, err %v; want 1", n, err)
		}
		if replayed, err := st.InsertOnce(ctx, r); err != nil || replayed {
			t.Fatalf("after pruning: replayed %v, err %v; want stored again", replayed, err)
		}
		if n := dbtest.CountResults(t, st); n != 2 {
			t.Fatalf("%d results, want 2", n)
		}
	})
}
