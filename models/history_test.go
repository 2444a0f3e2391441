package models_test

import (
	"errors"
	"math"
	"math/rand"
	"strconv"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/rollup"
)

// historyFixture is two days of random results of three orchestrators in
// two regions, and their history read hour by hour from memory.
type historyFixture struct {
	st      *models.Store
	dsn     string
	w       models.Window
	f       models.Filter
	perHour map[[2]int64]int64 // orchestrator, hour → results written
	mem     []models.SeriesHistory
	want    map[string]rollup.Totals // window totals by seriesKey
}

func seriesKey(orch, region string) string { return orch + "/" + region }

func newHistoryFixture(t *testing.T, dialect string) historyFixture {
	t.Helper()
	fx := historyFixture{dsn: dbtest.DSN(t, dialect), perHour: map[[2]int64]int64{}, want: map[string]rollup.Totals{}}
	fx.st = dbtest.OpenDSN(t, fx.dsn, models.Options{})
	r := rand.New(rand.NewSource(3))
	now := time.Now().UTC()
	var batch []models.NewResult
	for i := 0; i < 400; i++ {
		orch := 1 + r.Intn(3)
		at := now.Add(-time.Duration(r.Int63n(int64(40 * time.Hour))))
		region := []string{"FRA", "LAX"}[r.Intn(2)]
		batch = append(batch, aiResult(orch, region, float64(r.Intn(2)), 0.5+r.Float64(), at))
		fx.perHour[[2]int64{int64(orch), at.Truncate(time.Hour).Unix()}]++
	}
	if err := fx.st.Insert(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	fx.w = models.Window{Since: now.Add(-40 * time.Hour), Until: now}
	fx.f = models.Filter{JobType: ingest.JobTypeAI, Pipeline: "Llm", Model: "m"}
	var err error
	if fx.mem, err = fx.st.History(ctx, fx.f, fx.w, time.Hour); err != nil {
		t.Fatal(err)
	}
	if len(fx.mem) != 6 {
		t.Fatalf("%d series from memory, want 6", len(fx.mem))
	}
	totals, err := fx.st.Totals(ctx, fx.f, fx.w)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range totals {
		fx.want[seriesKey(tt.Orchestrator, tt.Region)] = tt.Totals
	}
	return fx
}

// TestHistoryStepsAddUpToWindowTotals checks that each series' steps, read
// from memory and from SQL (a store whose horizon is shorter than the
// window), agree with each other, sum to the window totals, and sit in the
// hour their results were received.
func TestHistoryStepsAddUpToWindowTotals(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		fx := newHistoryFixture(t, dialect)
		sqlOnly := dbtest.OpenDSN(t, fx.dsn, models.Options{RollupHorizon: time.Hour})
		fromSQL, err := sqlOnly.History(ctx, fx.f, fx.w, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(fromSQL) != len(fx.mem) {
			t.Fatalf("%d series from memory, %d from SQL, want 6", len(fx.mem), len(fromSQL))
		}
		sqlBy := map[string]models.SeriesHistory{}
		for _, h := range fromSQL {
			sqlBy[seriesKey(h.Orchestrator, h.Region)] = h
		}
		counted := map[[2]int64]int64{}
		for _, h := range fx.mem {
			checkSeriesSteps(t, h, sqlBy[seriesKey(h.Orchestrator, h.Region)], fx.want, counted)
		}
		for k, n := range fx.perHour {
			if counted[k] != n {
				t.Fatalf("orchestrator %d hour %d: %d results in the history, %d written", k[0], k[1], counted[k], n)
			}
		}
	})
}

// checkSeriesSteps compares one series' steps from memory (h) and from SQL
// (other), checks they sum to the window totals, and counts its results
// into counted by orchestrator and hour.
func checkSeriesSteps(t *testing.T, h, other models.SeriesHistory, want map[string]rollup.Totals, counted map[[2]int64]int64) {
	t.Helper()
	k := seriesKey(h.Orchestrator, h.Region)
	if len(h.Points) != 41 || len(other.Points) != 41 {
		t.Fatalf("%s: %d and %d steps, want 41", k, len(h.Points), len(other.Points))
	}
	o, err := strconv.ParseInt(h.Orchestrator[2:], 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	var sum rollup.Totals
	for i, p := range h.Points {
		q := other.Points[i]
		if !p.Start.Equal(q.Start) || p.Results != q.Results || math.Abs(p.SumRoundTripTime-q.SumRoundTripTime) > 1e-9 {
			t.Fatalf("%s step %d: memory %+v, SQL %+v", k, i, p, q)
		}
		if i > 0 && p.Start.Sub(h.Points[i-1].Start) != time.Hour {
			t.Fatalf("%s: steps %s and %s are not an hour apart", k, h.Points[i-1].Start, p.Start)
		}
		sum.Add(p.Totals)
		counted[[2]int64{o, p.Start.Unix()}] += p.Results
	}
	if sum.Results != want[k].Results || sum.Passed != want[k].Passed ||
		math.Abs(sum.SumSuccessRate-want[k].SumSuccessRate) > 1e-9 {
		t.Fatalf("%s: steps add up to %+v, window totals %+v", k, sum, want[k])
	}
}

// TestHistoryByOrchestratorAddsUpItsSeries: added up by orchestrator, the
// history has the same steps as its series.
func TestHistoryByOrchestratorAddsUpItsSeries(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		fx := newHistoryFixture(t, dialect)
		byOrch, err := fx.st.HistoryByOrchestrator(ctx, fx.f, fx.w, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(byOrch) != 3 {
			t.Fatalf("%d orchestrators, want 3", len(byOrch))
		}
		for _, h := range fx.mem {
			for i, p := range h.Points {
				byOrch[h.Orchestrator][i].Sub(p.Totals)
			}
		}
		for o, steps := range byOrch {
			for i, p := range steps {
				if p.Results != 0 || p.Passed != 0 || math.Abs(p.SumRoundTripTime) > 1e-9 {
					t.Fatalf("%s step %d: by-orchestrator history differs from its series by %+v", o, i, p)
				}
			}
		}
	})
}

// TestHistoryLongerStepsAddUpTheSameHours: six-hour steps hold every result
// of the window.
func TestHistoryLongerStepsAddUpTheSameHours(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		fx := newHistoryFixture(t, dialect)
		six, err := fx.st.History(ctx, fx.f, fx.w, 6*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range six {
			var n int64
			for _, p := range h.Points {
				n += p.Results
			}
			if want := fx.want[seriesKey(h.Orchestrator, h.Region)].Results; n != want {
				t.Fatalf("6-hour steps of %s hold %d results, want %d", h.Orchestrator, n, want)
			}
		}
	})
}

func TestHistoryRefusesBadSteps(t *testing.T) {
	st := dbtest.Open(t, "sqlite", models.Options{})
	now := time.Now()
	for _, c := range []struct {
		w    models.Window
		step time.Duration
	}{
		{models.Window{Since: now.Add(-time.Hour), Until: now}, 30 * time.Minute},
		{models.Window{Since: now.Add(-time.Hour), Until: now}, 90 * time.Minute},
		{models.Window{Since: now, Until: now.Add(-2 * time.Hour)}, time.Hour},
		{models.Window{Since: now.Add(-60 * 24 * time.Hour), Until: now}, time.Hour},
	} {
		if _, err := st.History(ctx, models.Filter{}, c.w, c.step); !errors.Is(err, models.ErrBadHistory) {
			t.Errorf("History(%v, %s) = %v, want ErrBadHistory", c.w, c.step, err)
		}
	}
}

func TestResultsFilterAndPageEveryOutcome(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		now := time.Now().UTC()
		var batch []models.NewResult
		outcomes := []models.Outcome{models.OutcomePass, models.OutcomeFail, models.OutcomeUnavailable, models.OutcomeTesterError}
		for i := 0; i < 40; i++ {
			r := aiResult(1+i%2, "FRA", 1, 1, now.Add(-time.Duration(i/4)*time.Second)) // ties of 4
			r.Outcome = outcomes[i%4]
			batch = append(batch, r)
		}
		if err := st.Insert(ctx, batch...); err != nil {
			t.Fatal(err)
		}
		// Orchestrator 1 holds pass and unavailable results, 20 of them.
		var got []models.RawResult
		q := models.ResultQuery{Orchestrator: addr(1), Limit: 3}
		for {
			page, err := st.Results(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page.Results...)
			if page.Next == nil {
				break
			}
			c, err := models.ParseCursor(page.Next.String())
			if err != nil || c.ID != page.Next.ID || !c.ReceivedAt.Equal(page.Next.ReceivedAt) {
				t.Fatalf("cursor %v does not survive its string: %v %v", page.Next, c, err)
			}
			q.Before = &c
		}
		if len(got) != 20 {
			t.Fatalf("%d results, want 20", len(got))
		}
		ids := map[int64]bool{}
		for i, r := range got {
			if ids[r.ID] {
				t.Fatalf("result %d twice", r.ID)
			}
			ids[r.ID] = true
			if i > 0 && (r.ReceivedAt.After(got[i-1].ReceivedAt) || (r.ReceivedAt.Equal(got[i-1].ReceivedAt) && r.ID > got[i-1].ID)) {
				t.Fatalf("results out of order at %d", i)
			}
			if r.Region != "FRA" {
				t.Fatalf("region %q", r.Region)
			}
		}
		page, err := st.Results(ctx, models.ResultQuery{Outcome: models.OutcomeTesterError, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Results) != 10 || page.Next != nil {
			t.Fatalf("%d tester errors (next %v), want 10", len(page.Results), page.Next)
		}
		for _, r := range page.Results {
			if r.Outcome != models.OutcomeTesterError || r.Orchestrator != addr(2) {
				t.Fatalf("filtered result %+v", r)
			}
		}
	})
}

func TestOrchestratorReads(t *testing.T) {
	st := dbtest.Open(t, "sqlite", models.Options{})
	if _, err := st.Orchestrator(ctx, addr(1)); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("unknown orchestrator: %v", err)
	}
	err := st.SaveDiscovery(ctx, []models.DiscoveredOrchestrator{
		{Address: addr(1), ServiceURI: "https://a:1", Sources: "chain"},
		{Address: addr(2), Sources: "gateway"},
	}, []models.AdvertisedCapability{
		{Orchestrator: addr(1), Pipeline: "Llm", Model: "m"},
		{Orchestrator: addr(2), Pipeline: "Llm", Model: "m"},
		{Orchestrator: addr(2), Pipeline: "Llm", Model: "other"},
	})
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.Orchestrator(ctx, addr(1))
	if err != nil || o.ServiceURI != "https://a:1" {
		t.Fatalf("orchestrator 1: %+v %v", o, err)
	}
	caps, err := st.Capabilities(ctx, addr(2))
	if err != nil || len(caps) != 2 || caps[0].Model != "m" || caps[1].Model != "other" {
		t.Fatalf("capabilities of 2: %+v %v", caps, err)
	}
	by, err := st.AdvertisedBy(ctx, "Llm", "m")
	if err != nil || len(by) != 2 {
		t.Fatalf("advertising Llm/m: %v %v", by, err)
	}
	pool, err := st.AdvertisedBy(ctx, "", "")
	if err != nil || len(pool) != 1 || pool[0] != addr(1) {
		t.Fatalf("transcoding pool: %v %v", pool, err)
	}
	m := models.URIMapping{Orchestrator: addr(2), URI: "https://b:2", JobTypes: "ai"}
	if err := st.SaveMappingAudited(ctx, "alice", &m); err != nil {
		t.Fatal(err)
	}
	ms, err := st.MappingsOf(ctx, addr(2))
	if err != nil || len(ms) != 1 || ms[0].URI != "https://b:2" {
		t.Fatalf("mappings of 2: %+v %v", ms, err)
	}
}

func TestParseCursorRefusesBrokenInput(t *testing.T) {
	for _, s := range []string{"", ".", "1", "1.", ".1", "-1.1", "1.0", "1.-3", "a.1", "1.b", "1.2.3",
		"99999999999999999999.1", "1.99999999999999999999", " 1.1"} {
		if _, err := models.ParseCursor(s); !errors.Is(err, models.ErrBadCursor) {
			t.Errorf("ParseCursor(%q) = %v, want ErrBadCursor", s, err)
		}
	}
	c, err := models.ParseCursor("1700000000123456789.42")
	if err != nil || c.ID != 42 || c.ReceivedAt.UnixNano() != 1700000000123456789 {
		t.Fatalf("ParseCursor = %+v %v", c, err)
	}
}

func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"1700000000123456789.42", "0.1", "1.", "x", "9.9.9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := models.ParseCursor(s)
		if err != nil {
			if !errors.Is(err, models.ErrBadCursor) {
				t.Fatalf("error %v does not wrap ErrBadCursor", err)
			}
			return
		}
		// Whatever parses round-trips.
		again, err := models.ParseCursor(c.String())
		if err != nil || again != c {
			t.Fatalf("%q → %+v → %q → %+v %v", s, c, c.String(), again, err)
		}
		if c.ID <= 0 {
			t.Fatalf("%q gave id %d", s, c.ID)
		}
	})
}
