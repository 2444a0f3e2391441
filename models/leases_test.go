package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/models"
)

// TestLeaseTakeoverAndFencing has two store handles on one database (on
// PostgreSQL two connection pools, as two instances have) compete for a
// region's lease under a controlled clock: only one holds it; after the
// TTL the other takes it with a larger token; the first can then neither
// renew, nor store a result, nor update the sweep; the new holder stores
// the next attempt, and a replay of a stored attempt stores nothing.
func TestLeaseTakeoverAndFencing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		dsn := dbtest.DSN(t, dialect)
		a := dbtest.OpenDSN(t, dsn, models.Options{})
		b := dbtest.OpenDSN(t, dsn, models.Options{})
		const lease, ttl = "sweep:GLOBAL", 30 * time.Second
		now := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)

		tokA, ok, err := a.AcquireLease(ctx, lease, "a", ttl, now)
		if err != nil || !ok || tokA != 1 {
			t.Fatalf("first acquire = %d, %v, %v; want token 1", tokA, ok, err)
		}
		if _, ok, err := b.AcquireLease(ctx, lease, "b", ttl, now.Add(ttl-time.Millisecond)); err != nil || ok {
			t.Fatalf("b took a held lease: %v, %v", ok, err)
		}
		sw := models.Sweep{Region: "GLOBAL", StartedBy: "test", Instance: "a", LeaseToken: tokA}
		if err := a.CreateSweep(ctx, &sw); err != nil {
			t.Fatal(err)
		}
		fenceA := &models.Fence{Lease: lease, Holder: "a", Token: tokA, At: now}
		tasks := []models.SweepTask{{SweepID: sw.ID, Seq: 0, Orchestrator: addr(1), Target: "{}"},
			{SweepID: sw.ID, Seq: 1, Orchestrator: addr(2), Target: "{}"}}
		if err := a.AddSweepTasks(ctx, fenceA, tasks); err != nil {
			t.Fatal(err)
		}
		attempt := func(st *models.Store, f *models.Fence, task models.SweepTask, n int, final bool) error {
			nr := aiResult(1, "GLOBAL", 1, 0.5, f.At)
			nr.SweepID = sw.ID
			nr.Attempt = &models.SweepAttempt{Fence: f, Task: task.ID, Attempt: n, Final: final, Instance: f.Holder}
			return st.Insert(ctx, nr)
		}
		if err := attempt(a, fenceA, tasks[0], 1, true); err != nil {
			t.Fatalf("the holder's attempt: %v", err)
		}
		if ok, err := a.RenewLease(ctx, lease, "a", tokA, ttl, now.Add(10*time.Second)); err != nil || !ok {
			t.Fatalf("renew = %v, %v", ok, err)
		}

		// a is paused past its TTL; b takes over.
		later := now.Add(10*time.Second + ttl)
		tokB, ok, err := b.AcquireLease(ctx, lease, "b", ttl, later)
		if err != nil || !ok || tokB != tokA+1 {
			t.Fatalf("takeover = %d, %v, %v; want token %d", tokB, ok, err, tokA+1)
		}
		staleA := &models.Fence{Lease: lease, Holder: "a", Token: tokA, At: now.Add(11 * time.Second)}
		if err := attempt(a, staleA, tasks[1], 1, true); !errors.Is(err, models.ErrFenced) || !errors.Is(err, models.ErrNotStored) {
			t.Fatalf("a fenced holder's attempt: %v; want ErrFenced and ErrNotStored", err)
		}
		if ok, err := a.RenewLease(ctx, lease, "a", tokA, ttl, later); err != nil || ok {
			t.Fatalf("a renewed a lost lease: %v, %v", ok, err)
		}
		sw.Status = models.SweepDone
		if err := a.UpdateSweepFenced(ctx, staleA, &sw); !errors.Is(err, models.ErrFenced) {
			t.Fatalf("a fenced sweep update: %v", err)
		}
		if n := dbtest.CountResults(t, b); n != 1 {
			t.Fatalf("%d results stored; want the holder's 1", n)
		}

		// b resumes: what is done stays done, what is left is left.
		fenceB := &models.Fence{Lease: lease, Holder: "b", Token: tokB, At: later}
		got, err := b.SweepTasks(ctx, sw.ID)
		if err != nil || len(got) != 2 || !got[0].Done || got[0].Instance != "a" || got[1].Done || got[1].Attempts != 0 {
			t.Fatalf("plan after the fenced write: %+v, %v", got, err)
		}
		if err := attempt(b, fenceB, got[0], 1, true); !errors.Is(err, models.ErrAttemptStored) {
			t.Fatalf("rerun of a stored attempt: %v; want ErrAttemptStored", err)
		}
		if err := attempt(b, fenceB, got[1], 1, true); err != nil {
			t.Fatalf("the new holder's attempt: %v", err)
		}
		if n := dbtest.CountResults(t, b); n != 2 {
			t.Fatalf("%d results stored; want 2", n)
		}
		un, err := b.UnfinishedSweep(ctx, "GLOBAL")
		if err != nil || un.ID != sw.ID {
			t.Fatalf("unfinished sweep = %+v, %v", un, err)
		}
		if err := b.ReleaseLease(ctx, lease, "b", tokB); err != nil {
			t.Fatal(err)
		}
		if tok, ok, err := a.AcquireLease(ctx, lease, "a", ttl, later); err != nil || !ok || tok != tokB+1 {
			t.Fatalf("acquire after release = %d, %v, %v", tok, ok, err)
		}
	})
}

// TestOrchestratorSlots checks the fleet-wide fairness rows: one claim at
// a time, free again only after the gap, and an abandoned claim expiring.
func TestOrchestratorSlots(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		dsn := dbtest.DSN(t, dialect)
		a := dbtest.OpenDSN(t, dsn, models.Options{})
		b := dbtest.OpenDSN(t, dsn, models.Options{})
		now := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
		const hold, gap = time.Minute, 30 * time.Second
		o := addr(7)
		claim := func(st *models.Store, holder string, at time.Time) (bool, time.Time, error) {
			return st.ClaimOrchestrator(ctx, o, holder, at.Add(hold), at)
		}
		if ok, _, err := claim(a, "a", now); err != nil || !ok {
			t.Fatalf("first claim = %v, %v", ok, err)
		}
		if ok, free, err := claim(b, "b", now.Add(time.Second)); err != nil || ok || !free.IsZero() {
			t.Fatalf("claim of a busy orchestrator = %v, %v, %v", ok, free, err)
		}
		end := now.Add(10 * time.Second)
		// A release naming another claim (a late retry) frees nothing.
		if err := a.ReleaseOrchestrator(ctx, o, "a", now.Add(time.Millisecond).Add(hold), end); err != nil {
			t.Fatal(err)
		}
		if ok, _, err := claim(b, "b", end); err != nil || ok {
			t.Fatalf("claim after a release of another claim = %v, %v", ok, err)
		}
		if err := a.ReleaseOrchestrator(ctx, o, "a", now.Add(hold), end.Add(gap)); err != nil {
			t.Fatal(err)
		}
		ok, free, err := claim(b, "b", end.Add(gap-time.Second))
		if err != nil || ok || !free.Equal(end.Add(gap)) {
			t.Fatalf("claim within the gap = %v, %v, %v; want free at %v", ok, free, err, end.Add(gap))
		}
		if ok, _, err := claim(b, "b", end.Add(gap)); err != nil || !ok {
			t.Fatalf("claim after the gap = %v, %v", ok, err)
		}
		// b's test runs on: its heartbeat keeps the claim past hold.
		until := end.Add(gap).Add(hold)
		if ok, err := b.ExtendOrchestrator(ctx, o, "b", until, until.Add(hold)); err != nil || !ok {
			t.Fatalf("extend = %v, %v", ok, err)
		}
		if ok, _, err := claim(a, "a", until); err != nil || ok {
			t.Fatalf("claim of an extended claim = %v, %v", ok, err)
		}
		if ok, err := b.ExtendOrchestrator(ctx, o, "b", until, until.Add(2*hold)); err != nil || ok {
			t.Fatalf("extend of a claim already moved on = %v, %v", ok, err)
		}
		end = until.Add(hold).Add(-gap - hold) // the claim now lapses at end+gap+hold
		// b dies holding it: the claim lapses after hold.
		if ok, _, err := claim(a, "a", end.Add(gap+hold-time.Second)); err != nil || ok {
			t.Fatalf("claim of another's live claim = %v, %v", ok, err)
		}
		if ok, _, err := claim(a, "a", end.Add(gap+hold)); err != nil || !ok {
			t.Fatalf("claim after an abandoned one lapsed = %v, %v", ok, err)
		}
	})
}

// TestPrunePlans checks that retention deletes the plans of finished old
// sweeps and keeps the plan of one still running (a takeover needs it).
func TestPrunePlans(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		st := dbtest.Open(t, dialect, models.Options{})
		var ids []int64
		for _, status := range []string{models.SweepDone, models.SweepRunning} {
			sw := models.Sweep{Region: "GLOBAL", StartedBy: "test"}
			if err := st.CreateSweep(ctx, &sw); err != nil {
				t.Fatal(err)
			}
			sw.Status = status
			if err := st.UpdateSweep(ctx, &sw); err != nil {
				t.Fatal(err)
			}
			if err := st.AddSweepTasks(ctx, nil, []models.SweepTask{{SweepID: sw.ID, Orchestrator: addr(1), Target: "{}"}}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, sw.ID)
		}
		if _, _, err := st.Prune(ctx, time.Now().Add(time.Hour), time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		for i, want := range []int{0, 1} {
			if got, err := st.SweepTasks(ctx, ids[i]); err != nil || len(got) != want {
				t.Errorf("sweep %d: %d tasks left (%v); want %d", ids[i], len(got), err, want)
			}
		}
	})
}
