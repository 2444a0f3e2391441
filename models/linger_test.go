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
		// Every caller posts once and waits for the others, so that the
		// measured posts start together: a caller that ran alone first
		// (a busy machine schedules goroutines late) would commit alone,
		// as it should.
		var warm, done sync.WaitGroup
		warm.Add(callers)
		start := make(chan struct{})
		for c := range callers {
			done.Add(1)
			go func() {
				defer done.Done()
				for i := range each + 1 {
					if err := st.Insert(ctx, aiResult(c*(each+1)+i, "FRA", 1, 1, now)); err != nil {
						t.Error(err)
						if i == 0 {
							warm.Done()
						}
						return
					}
					if i == 0 {
						warm.Done()
						<-start
					}
				}
			}()
		}
		warm.Wait()
		before, beforeResults := st.Commits()
		close(start)
		done.Wait()
		after, afterResults := st.Commits()
		commits, results := after-before, afterResults-beforeResults
		if results != callers*each {
			t.Fatalf("%d results committed, want %d", results, callers*each)
		}
		// Two halves taking turns would be 4 a commit; the first commit,
		// before the writer has seen every caller, is smaller.
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
		const posts = 20
		for i := range posts {
			if err := st.Insert(ctx, aiResult(i, "FRA", 1, 1, start.UTC())); err != nil {
				t.Fatal(err)
			}
		}
		// A wait for a second caller would take Linger. (Counting the
		// caller once as answered and again as waiting, when it posts
		// again before the writer counts, made the writer wait for it.)
		if took := time.Since(start); took >= linger {
			t.Errorf("%d posts alone took %s: the writer waited for callers that were not there", posts, took)
		}
		if commits, results := st.Commits(); commits != posts || results != posts {
			t.Errorf("%d commits of %d results, want %d of %d", commits, results, posts, posts)
		}
	})
}
