package models_test

import (
	"sync"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/models"
)

// TestLingerJoinsCallersThatPostAgain: callers that post again as soon as
// they are answered share commits instead of taking turns in two halves.
// Linger is long enough that every caller comes back within it, so the
// batches reach nearly all of the callers whatever the machine's load.
func TestLingerJoinsCallersThatPostAgain(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{Linger: 500 * time.Millisecond})
		const callers, each = 8, 30
		now := time.Now().UTC()
		var wg sync.WaitGroup
		for c := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if err := st.Insert(ctx, aiResult(c*each+i, "FRA", 1, 1, now)); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		commits, results := st.Commits()
		if results != callers*each {
			t.Fatalf("%d results committed, want %d", results, callers*each)
		}
		// Two halves taking turns would be 4 a commit; the first commits,
		// before every caller has posted, and the last, as callers finish,
		// are smaller.
		if mean := float64(results) / float64(commits); mean < 6 {
			t.Errorf("%d commits for %d results: %.1f a commit, want at least 6 of the %d callers", commits, results, mean, callers)
		}
	})
}

// TestLingerDoesNotDelayALoneCaller: a caller posting alone is answered
// by each commit and is the only one in flight, so the writer never waits
// for anyone else, however long Linger is.
func TestLingerDoesNotDelayALoneCaller(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		const linger = 5 * time.Second
		st := dbtest.Open(t, dialect, models.Options{Linger: linger})
		start := time.Now()
		for i := range 3 {
			if err := st.Insert(ctx, aiResult(i, "FRA", 1, 1, start.UTC())); err != nil {
				t.Fatal(err)
			}
		}
		// A wait for a second caller would take Linger for each post
		// after the first.
		if took := time.Since(start); took >= linger {
			t.Errorf("3 posts alone took %s: the writer waited for callers that were not there", took)
		}
		if commits, results := st.Commits(); commits != 3 || results != 3 {
			t.Errorf("%d commits of %d results, want 3 of 3", commits, results)
		}
	})
}
