package models_test

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
)

// unavailableFixture writes random pass, fail and unavailable results of
// four orchestrators over 30 hours; orchestrator 9 only ever finds no
// capacity. It returns the results written per series and hour.
func unavailableFixture(t *testing.T, st *models.Store, now time.Time) map[string]int64 {
	t.Helper()
	r := rand.New(rand.NewSource(11))
	want := map[string]int64{}
	var batch []models.NewResult
	for i := 0; i < 500; i++ {
		orch := []int{1, 2, 3, 9}[r.Intn(4)]
		at := now.Add(-time.Duration(r.Int63n(int64(30 * time.Hour))))
		res := aiResult(orch, "FRA", float64(r.Intn(2)), 0.5+r.Float64(), at)
		if orch == 9 || r.Intn(4) == 0 {
			res.Outcome, res.Stats.SuccessRate = models.OutcomeUnavailable, 0
			want[addr(orch)+at.UTC().Truncate(time.Hour).Format(time.RFC3339)]++
		}
		batch = append(batch, res)
	}
	if err := st.Insert(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	return want
}

// TestRollupsCountUnavailable checks that the write path counts the
// attempts without capacity in the hourly rollups, that History carries
// them (also for a series with nothing else) and that the compatible
// totals still leave such a series out.
func TestRollupsCountUnavailable(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC()
		want := unavailableFixture(t, st, now)
		w := models.Window{Since: now.Add(-31 * time.Hour), Until: now}
		f := models.Filter{JobType: ingest.JobTypeAI, Pipeline: "Llm", Model: "m"}
		hs, err := st.History(ctx, f, w, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, h := range hs {
			for _, p := range h.Points {
				if p.Unavailable > 0 {
					got[h.Orchestrator+p.Start.Format(time.RFC3339)] += p.Unavailable
				}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%d series-hours with unavailable attempts in the history, want %d", len(got), len(want))
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s: %d unavailable in the history, want %d", k, got[k], n)
			}
		}
		totals, err := st.Totals(ctx, f, w)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range totals {
			if tt.Orchestrator == addr(9) {
				t.Fatalf("a series with only unavailable attempts is in the compatible totals: %+v", tt)
			}
		}
	})
}

// TestUnavailableBackfill puts the rollups back the way they were before
// migration 0010 (no unavailable counts, no bucket of only unavailable
// attempts), runs the migration's backfill and checks it rebuilds the
// counts the write path keeps.
func TestUnavailableBackfill(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		unavailableFixture(t, st, time.Now().UTC())
		before, err := st.RollupRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Exec(ctx, `DELETE FROM rollups WHERE results = 0`); err != nil {
			t.Fatal(err)
		}
		if err := st.Exec(ctx, `UPDATE rollups SET unavailable = 0`); err != nil {
			t.Fatal(err)
		}
		ran := 0
		for _, stmt := range st.MigrationStatements(10) {
			if strings.HasPrefix(stmt, "ALTER TABLE") {
				continue
			}
			if err := st.Exec(ctx, stmt); err != nil {
				t.Fatal(err)
			}
			ran++
		}
		if ran == 0 {
			t.Fatal("migration 0010 has no backfill")
		}
		after, err := st.RollupRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Fatalf("%d rollup rows after the backfill, %d written", len(after), len(before))
		}
		withUnavailable := 0
		for i := range before {
			b, a := before[i], after[i]
			if !b.Bucket.Equal(a.Bucket) || b.Orchestrator != a.Orchestrator || b.Totals != a.Totals {
				t.Errorf("row %d: backfilled %v %s %+v, written %v %s %+v", i, a.Bucket, a.Orchestrator, a.Totals,
					b.Bucket, b.Orchestrator, b.Totals)
			}
			if b.Unavailable > 0 {
				withUnavailable++
			}
		}
		if withUnavailable == 0 {
			t.Fatal("the fixture wrote no unavailable attempt")
		}
	})
}

// TestLastAttempts checks the newest attempt of each series against the
// rows written.
func TestLastAttempts(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC().Truncate(time.Microsecond)
		r := rand.New(rand.NewSource(4))
		newest := map[string]models.LastAttempt{}
		var batch []models.NewResult
		for i := 0; i < 300; i++ {
			o := 1 + r.Intn(6)
			at := now.Add(-time.Duration(r.Int63n(int64(50*time.Hour))) / time.Microsecond * time.Microsecond)
			res := aiResult(o, "FRA", float64(r.Intn(2)), 1, at)
			if r.Intn(3) == 0 {
				res.Outcome, res.Stats.SuccessRate = models.OutcomeUnavailable, 0
			}
			batch = append(batch, res)
			outcome := res.Outcome
			if outcome == "" {
				outcome = models.OutcomeFail
				if res.Stats.SuccessRate == 1 {
					outcome = models.OutcomePass
				}
			}
			if at.After(now.Add(-48*time.Hour)) && at.After(newest[addr(o)].At) {
				newest[addr(o)] = models.LastAttempt{Orchestrator: addr(o), Pipeline: "Llm", Model: "m", At: at, Outcome: outcome}
			}
		}
		// Another region's attempt is not this region's.
		batch = append(batch, aiResult(1, "LAX", 1, 1, now))
		if err := st.Insert(ctx, batch...); err != nil {
			t.Fatal(err)
		}
		got, err := st.LastAttempts(ctx, "FRA", now.Add(-48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(newest) {
			t.Fatalf("%d last attempts, want %d: %+v", len(got), len(newest), got)
		}
		for _, a := range got {
			if w := newest[a.Orchestrator]; !w.At.Equal(a.At) || w.Outcome != a.Outcome || a.Pipeline != "Llm" {
				t.Errorf("%s: last attempt %+v, want %+v", a.Orchestrator, a, w)
			}
		}
		if _, err := st.LastAttempts(ctx, "NOWHERE", now); err == nil {
			t.Error("an unknown region read without error")
		}
	})
}
