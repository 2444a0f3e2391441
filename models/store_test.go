package models_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/rollup"
)

var ctx = context.Background()

func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

func addr(i int) string { return fmt.Sprintf("0x%040x", i) }

func aiResult(orch int, region string, sr, rtt float64, at time.Time) models.NewResult {
	return models.NewResult{ReceivedAt: at, IngestKey: "test", Stats: ingest.Stats{
		Region: region, Orchestrator: addr(orch), SuccessRate: sr, RoundTripTime: rtt,
		Pipeline: "Llm", Model: "m",
	}}
}

func all(st *models.Store, w models.Window) []models.SeriesTotals {
	got, err := st.Totals(ctx, models.Filter{}, w)
	if err != nil {
		panic(err)
	}
	sort.Slice(got, func(i, j int) bool {
		return fmt.Sprint(got[i].Orchestrator, got[i].Region) < fmt.Sprint(got[j].Orchestrator, got[j].Region)
	})
	return got
}

// TestRollupsMatchRawResults writes random results over three days and
// checks that window totals read from memory, from SQL (a store whose
// horizon is shorter than the window) and computed by hand from the raw
// results all agree.
func TestRollupsMatchRawResults(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		dsn := dbtest.DSN(t, dialect)
		st := dbtest.OpenDSN(t, dsn, models.Options{})
		r := rand.New(rand.NewSource(7))
		now := time.Now().UTC()
		type key struct {
			orch   string
			region string
		}
		byHand := map[key][2]float64{} // count, sum rtt
		regions := []string{"FRA", "LAX", "MDW", "GLOBAL"}
		var batch []models.NewResult
		for i := 0; i < 600; i++ {
			at := now.Add(-time.Duration(r.Int63n(int64(72 * time.Hour))))
			res := aiResult(r.Intn(5), regions[r.Intn(4)], float64(r.Intn(2)), r.Float64()*10, at)
			batch = append(batch, res)
			if !at.Before(now.Add(-24 * time.Hour)) { // the window is exact: nothing before since
				k := key{res.Stats.Orchestrator, res.Stats.Region}
				v := byHand[k]
				byHand[k] = [2]float64{v[0] + 1, v[1] + res.Stats.RoundTripTime}
			}
		}
		if err := st.Insert(ctx, batch...); err != nil {
			t.Fatal(err)
		}
		w := models.Window{Since: now.Add(-24 * time.Hour), Until: now}
		mem := all(st, w)
		if len(mem) != len(byHand) {
			t.Fatalf("memory has %d series, raw results %d", len(mem), len(byHand))
		}
		for _, s := range mem {
			h := byHand[key{s.Orchestrator, s.Region}]
			if float64(s.Results) != h[0] || math.Abs(s.SumRoundTripTime-h[1]) > 1e-9*h[1] {
				t.Fatalf("%s/%s: memory %d results sum %v, raw %v", s.Orchestrator, s.Region, s.Results, s.SumRoundTripTime, h)
			}
		}
		// A store whose in-memory horizon ends inside the window sums in SQL.
		short := dbtest.OpenDSN(t, dsn, models.Options{RollupHorizon: time.Hour})
		if got := all(short, w); fmt.Sprintf("%.6v", got) != fmt.Sprintf("%.6v", mem) {
			t.Fatalf("SQL totals differ from memory:\n sql %v\n mem %v", got, mem)
		}
		// A restarted store loads the same totals from the database.
		st.Close()
		again := dbtest.OpenDSN(t, dsn, models.Options{})
		if got := all(again, w); fmt.Sprintf("%.6v", got) != fmt.Sprintf("%.6v", mem) {
			t.Fatalf("totals after restart differ")
		}
	})
}

// TestInstancesShareResults runs two stores on one database, as two
// instances behind a load balancer: each sees what the other ingested after
// a sync, and concurrent writes to the same bucket are not lost.
func TestInstancesShareResults(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		dsn := dbtest.DSN(t, dialect)
		a := dbtest.OpenDSN(t, dsn, models.Options{})
		b := dbtest.OpenDSN(t, dsn, models.Options{})
		now := time.Now().UTC()
		var wg sync.WaitGroup
		for i, st := range []*models.Store{a, b, a, b} {
			wg.Add(1)
			go func(st *models.Store, i int) {
				defer wg.Done()
				for j := 0; j < 50; j++ {
					if err := st.Insert(ctx, aiResult(1, "FRA", 1, float64(i+1), now)); err != nil {
						t.Error(err)
						return
					}
				}
			}(st, i)
		}
		wg.Wait()
		for _, st := range []*models.Store{a, b} {
			if err := st.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		}
		w := models.Window{Since: now.Add(-time.Hour), Until: now.Add(time.Minute)}
		for name, st := range map[string]*models.Store{"a": a, "b": b} {
			got := all(st, w)
			if len(got) != 1 || got[0].Results != 200 || got[0].SumRoundTripTime != 50*(1+2+3+4) {
				t.Fatalf("instance %s sees %+v, want 200 results summing 500", name, got)
			}
		}
		if n := dbtest.CountResults(t, a); n != 200 {
			t.Fatalf("stored %d results, want 200", n)
		}
	})
}

// Opening a SQLite database another connection holds locked is retried
// until the lock goes, even where SQLite answers "database is locked"
// without waiting (here its busy timeout is 0, as it is in effect when
// the connection sets WAL mode during another's migration).
func TestOpenWaitsForALockedSQLiteDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobtester.db")
	holder, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	if _, err := holder.Exec("CREATE TABLE held (x)"); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec("BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	released := make(chan error, 1)
	time.AfterFunc(300*time.Millisecond, func() {
		_, err := holder.Exec("COMMIT")
		released <- err
	})
	st, err := models.Open(ctx, "sqlite://"+path+"?_busy_timeout=0", models.Options{})
	if err != nil {
		t.Fatalf("open while locked for 300 ms: %v", err)
	}
	st.Close()
	if err := <-released; err != nil {
		t.Fatal(err)
	}
}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		dsn := dbtest.DSN(t, dialect)
		var wg sync.WaitGroup
		applied := make([][]string, 3)
		errs := make([]error, 3)
		for i := range 3 {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				st, err := models.Open(ctx, dsn, models.Options{})
				if err != nil {
					errs[i] = err
					return
				}
				defer st.Close()
				applied[i], errs[i] = st.Migrate(ctx)
			}(i)
		}
		wg.Wait()
		total := 0
		for i := range 3 {
			if errs[i] != nil {
				t.Fatalf("migrate %d: %v", i, errs[i])
			}
			total += len(applied[i])
		}
		fresh, err := models.Open(ctx, dbtest.DSN(t, dialect), models.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		want, err := fresh.Pending(ctx)
		if err != nil || len(want) < 3 {
			t.Fatalf("pending on a fresh database = %v, %v", want, err)
		}
		if total != len(want) {
			t.Fatalf("three concurrent migrations applied %d migrations in all, want each of %d exactly once: %v", total, len(want), applied)
		}
		st := dbtest.OpenDSN(t, dsn, models.Options{})
		regions, err := st.Regions(ctx)
		if err != nil || len(regions) != 26 {
			t.Fatalf("regions after migrating = %d (%v), want 26", len(regions), err)
		}
	})
}

func TestUnscoredOutcomesAreStoredButNotScored(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC()
		r := aiResult(1, "LAX", 0, 0.2, now)
		r.Outcome = models.OutcomeUnavailable
		if err := st.Insert(ctx, r, aiResult(1, "LAX", 1, 3, now)); err != nil {
			t.Fatal(err)
		}
		got := all(st, models.Window{Since: now.Add(-time.Hour), Until: now})
		if len(got) != 1 || got[0].Results != 1 || got[0].Passed != 1 || got[0].SumRoundTripTime != 3 {
			t.Fatalf("totals = %+v, want only the pass", got)
		}
		if n := dbtest.CountResults(t, st); n != 2 {
			t.Fatalf("stored %d results, want 2", n)
		}
		bad := aiResult(1, "LAX", 1, 1, now)
		bad.Outcome = "maybe"
		if err := st.Insert(ctx, bad); err == nil {
			t.Fatal("an unknown outcome was stored")
		}
	})
}

func TestOpenRejectsBadDSN(t *testing.T) {
	for _, dsn := range []string{"mysql://x", "sqlite://", "postgres://nobody:secretpw@127.0.0.1:1/none?connect_timeout=1"} {
		_, err := models.Open(ctx, dsn, models.Options{})
		if err == nil {
			t.Fatalf("Open(%q) succeeded", dsn)
		}
		if strings.Contains(err.Error(), "secretpw") {
			t.Fatalf("error leaks the password: %v", err)
		}
	}
}

func TestPruneKeepsRecentResultsAndRollups(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC()
		old := now.Add(-100 * 24 * time.Hour)
		if err := st.Insert(ctx, aiResult(1, "FRA", 1, 1, old), aiResult(1, "FRA", 1, 1, now), aiResult(2, "FRA", 1, 1, old)); err != nil {
			t.Fatal(err)
		}
		res, roll, err := st.Prune(ctx, now.Add(-90*24*time.Hour), now.Add(-95*24*time.Hour))
		if err != nil || res != 2 || roll != 2 {
			t.Fatalf("Prune = %d results, %d rollups, %v; want 2 and 2", res, roll, err)
		}
		if n := dbtest.CountResults(t, st); n != 1 {
			t.Fatalf("%d results left, want 1", n)
		}
		long := models.Window{Since: now.Add(-200 * 24 * time.Hour), Until: now}
		if got := all(st, long); len(got) != 1 || got[0].Results != 1 {
			t.Fatalf("rollups left = %+v", got)
		}
	})
}

// TestMedianFromMemoryMatchesSQL checks the AI median computed from the
// in-memory copy of closed hours against the database's own answer (a store
// whose horizon is too short to use memory) and against a median by hand,
// for windows that end inside closed hours and in the open hour, with and
// without a region, before and after more results arrive.
func TestMedianFromMemoryMatchesSQL(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		dsn := dbtest.DSN(t, dialect)
		st := dbtest.OpenDSN(t, dsn, models.Options{})
		sqlOnly := dbtest.OpenDSN(t, dsn, models.Options{RollupHorizon: time.Minute})
		r := rand.New(rand.NewSource(11))
		now := time.Now().UTC()
		type sample struct {
			at     time.Time
			region string
			rtt    float64
			ok     bool
		}
		var all []sample
		add := func(n int, spread time.Duration) {
			var batch []models.NewResult
			for i := 0; i < n; i++ {
				s := sample{at: now.Add(-time.Duration(r.Int63n(int64(spread)))), region: []string{"FRA", "LAX", "MDW"}[r.Intn(3)],
					rtt: float64(r.Intn(4000)) / 100, ok: r.Intn(4) > 0}
				sr := 0.0
				if s.ok {
					sr = 1
				}
				all = append(all, s)
				batch = append(batch, aiResult(r.Intn(9), s.region, sr, s.rtt, s.at))
			}
			if err := st.Insert(ctx, batch...); err != nil {
				t.Fatal(err)
			}
		}
		byHand := func(w models.Window, region string) float64 {
			var v []float64
			from := w.Since // the window is exact at both ends
			for _, s := range all {
				if s.ok && s.rtt != 0 && !s.at.Before(from) && !s.at.After(w.Until) && (region == "" || s.region == region) {
					v = append(v, s.rtt)
				}
			}
			sort.Float64s(v)
			if len(v) == 0 {
				return 0
			}
			if len(v)%2 == 1 {
				return v[len(v)/2]
			}
			return v[len(v)/2-1] + (v[len(v)/2]-v[len(v)/2-1])/2
		}
		check := func() {
			t.Helper()
			windows := []models.Window{
				{Since: now.Add(-24 * time.Hour), Until: now},
				{Since: now.Add(-72 * time.Hour), Until: now.Add(-30*time.Hour - 17*time.Minute)},
				{Since: now.Add(-5 * time.Hour), Until: now.Add(-3*time.Hour + 7*time.Second)},
				{Since: now.Add(-30 * time.Minute), Until: now},
			}
			for _, w := range windows {
				for _, region := range []string{"", "LAX"} {
					want := byHand(w, region)
					mem, err := st.MedianRoundTripTime(ctx, "Llm", "m", region, w)
					if err != nil {
						t.Fatal(err)
					}
					db, err := sqlOnly.MedianRoundTripTime(ctx, "Llm", "m", region, w)
					if err != nil {
						t.Fatal(err)
					}
					if math.Abs(mem-want) > 1e-9 || math.Abs(db-want) > 1e-9 {
						t.Fatalf("window %v–%v region %q: memory %v, SQL %v, by hand %v", w.Since, w.Until, region, mem, db, want)
					}
				}
			}
		}
		add(800, 72*time.Hour)
		check()
		add(50, 20*time.Minute) // more results in the open hour
		check()
	})
}

// TestRollupRowsMapTheirTotals reads the rollups table through GORM into
// models.Rollup, whose totals are the embedded rollup.Totals: every column
// lands in its field, and the totals equal what the leaderboard reads.
func TestRollupRowsMapTheirTotals(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		at := time.Now().UTC().Truncate(time.Hour).Add(time.Minute)
		pass := aiResult(1, "FRA", 1, 2, at)
		pass.Stats.SegDuration = 1.5
		if err := st.Insert(ctx, pass, aiResult(1, "FRA", 0, 4, at), aiResult(1, "FRA", 1, 3, at)); err != nil {
			t.Fatal(err)
		}
		rows, err := st.RollupRows(ctx)
		if err != nil || len(rows) != 1 {
			t.Fatalf("rollup rows = %+v, %v; want one", rows, err)
		}
		got := rows[0]
		want := rollup.Totals{Results: 3, SumSuccessRate: 2, SumSegDuration: 1.5, SumRoundTripTime: 9,
			Passed: 2, SumPassedRoundTripTime: 5}
		if got.Totals != want || got.Version != 1 || got.UpdatedAt == 0 || !got.Bucket.Equal(at.Truncate(time.Hour)) ||
			got.Orchestrator != addr(1) || got.Pipeline != "Llm" || got.Model != "m" || got.RegionID == 0 {
			t.Fatalf("row = %+v, want totals %+v in version 1 of the hour %v", got, want, at.Truncate(time.Hour))
		}
		read := all(st, models.Window{Since: at.Add(-time.Hour), Until: at})
		if len(read) != 1 || read[0].Totals != got.Totals {
			t.Fatalf("leaderboard totals %+v, row totals %+v", read, got.Totals)
		}
	})
}
