package handlers

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"net/url"
	"sort"
	"strconv"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
)

// TestExplorerCallsAreExactOnAnyWindow loads results at random instants and
// checks every Explorer call, over random windows that start and end
// anywhere (inside one hour, across an hour, across the rollup horizon's
// edge, into the open hour), against the plain computation over the rows
// read back (exact_reference_test.go), to 1e-9.
func TestExplorerCallsAreExactOnAnyWindow(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		// The in-memory horizon ends 40 h back, inside the 72 h of data.
		st := dbtest.Open(t, dialect, models.Options{RollupHorizon: 40 * time.Hour})
		e := newEnvOn(t, st)
		now := time.Now().UTC()
		r := rand.New(rand.NewSource(10))
		loadRandomResults(t, st, r, now)
		rows := readBack(t, st)
		x := &exactCheck{t: t, e: e, rows: rows}
		for i := 0; i < 40; i++ {
			since, until := randomWindow(r, now, rows)
			x.window(r, since, until)
		}
		// The default window, ending at clock instants that are not whole
		// hours, some of them a day or more back (across the horizon).
		for i := 0; i < 12; i++ {
			e.clock.Set(now.Add(-time.Duration(r.Int63n(int64(40 * time.Hour)))))
			x.defaults(r, e.clock.Now())
		}
		t.Logf("%d values compared; %d windows of %d would differ if whole hours were summed",
			x.values, x.hourlyWouldDiffer, x.windows)
		// The windows must be ones where reading whole hours goes wrong, or
		// the test shows nothing.
		if x.hourlyWouldDiffer < x.windows/2 {
			t.Fatalf("only %d of %d windows tell exact edges from whole hours", x.hourlyWouldDiffer, x.windows)
		}
	})
}

var (
	exactOrchs   = []string{addrN(1), addrN(2), addrN(3), addrN(4), addrN(5), addrN(6)}
	exactRegions = []string{"FRA", "LAX", "MDW", "GLOBAL"}
	exactPairs   = [][2]string{{"Text to image", "m1"}, {"Text to image", "m2"}, {"Llm", "m3"}}
)

func addrN(i int) string { return fmt.Sprintf("0x%040x", i) }

// loadRandomResults stores 2,400 results at random nanosecond instants of
// the last 72 hours (and a burst in the open hour) through Store.Insert:
// transcoding and AI, failures, and outcomes that are never scored.
func loadRandomResults(t *testing.T, st *models.Store, r *rand.Rand, now time.Time) {
	var batch []models.NewResult
	for i := 0; i < 2400; i++ {
		spread := 72 * time.Hour
		if i%10 == 0 {
			spread = 50 * time.Minute
		}
		at := now.Add(-time.Duration(r.Int63n(int64(spread))))
		s := ingest.Stats{Orchestrator: exactOrchs[r.Intn(len(exactOrchs))], Region: exactRegions[r.Intn(len(exactRegions))]}
		if r.Intn(2) == 0 {
			s.SegDuration = 2
			s.RoundTripTime = 0.5 + 3*r.Float64()
			s.SuccessRate = 1
			if r.Intn(4) == 0 {
				s.SuccessRate = float64(r.Intn(15)) / 15
			}
		} else {
			p := exactPairs[r.Intn(len(exactPairs))]
			s.Pipeline, s.Model = p[0], p[1]
			s.SuccessRate, s.RoundTripTime = 1, 1+9*r.Float64()
			if r.Intn(5) == 0 {
				s.SuccessRate, s.RoundTripTime = 0, 0.05+1.5*r.Float64()
			}
		}
		nr := models.NewResult{Stats: s, ReceivedAt: at, IngestKey: "test"}
		switch r.Intn(12) {
		case 0:
			nr.Outcome, nr.Stats.SuccessRate = models.OutcomeUnavailable, 0
		case 1:
			nr.Outcome, nr.Stats.SuccessRate = models.OutcomeTesterError, 0
		}
		batch = append(batch, nr)
	}
	if err := st.Insert(context.Background(), batch...); err != nil {
		t.Fatal(err)
	}
}

// readBack reads every stored result, of every outcome, newest first.
func readBack(t *testing.T, st *models.Store) []refRow {
	var out []refRow
	q := models.ResultQuery{Limit: 500}
	for {
		page, err := st.Results(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page.Results {
			jt := ingest.JobTypeTranscoding
			if x.Pipeline != "" {
				jt = ingest.JobTypeAI
			}
			out = append(out, refRow{id: x.ID, at: x.ReceivedAt, orch: x.Orchestrator, region: x.Region, jobType: jt,
				pipeline: x.Pipeline, model: x.Model, scored: x.Outcome.Scored(),
				sr: x.SuccessRate, seg: x.SegDuration, rtt: x.RoundTripTime})
		}
		if page.Next == nil {
			return out
		}
		q.Before = page.Next
	}
}

// randomWindow is a window of one of several kinds, none aligned to hours.
func randomWindow(r *rand.Rand, now time.Time, rows []refRow) (since, until time.Time) {
	rnd := func(d time.Duration) time.Duration { return time.Duration(r.Int63n(int64(d))) }
	switch r.Intn(7) {
	case 0: // inside one hour
		h := now.Add(-rnd(72 * time.Hour)).Truncate(time.Hour)
		since = h.Add(rnd(50 * time.Minute))
		return since, since.Add(rnd(h.Add(time.Hour).Sub(since)))
	case 1: // shorter than an hour, across a whole hour
		h := now.Add(-rnd(72 * time.Hour)).Truncate(time.Hour)
		return h.Add(-rnd(30 * time.Minute)), h.Add(rnd(30 * time.Minute))
	case 2: // a few hours
		since = now.Add(-rnd(72 * time.Hour))
		return since, since.Add(time.Hour + rnd(5*time.Hour))
	case 3: // about a day
		since = now.Add(-24*time.Hour - rnd(48*time.Hour))
		return since, since.Add(20*time.Hour + rnd(8*time.Hour))
	case 4: // across the horizon's edge (40 h back)
		since = now.Add(-42*time.Hour + rnd(4*time.Hour))
		return since, since.Add(rnd(30 * time.Hour))
	case 5: // into the open hour and past now
		return now.Add(-rnd(30 * time.Hour)), now.Add(-10*time.Minute + rnd(time.Hour))
	default: // one instant: exactly one stored result's
		at := rows[r.Intn(len(rows))].at
		return at, at
	}
}

type exactCheck struct {
	t                 *testing.T
	e                 *env
	rows              []refRow
	values, windows   int
	hourlyWouldDiffer int
}

// secs formats an instant as fractional Unix seconds, a half microsecond
// in, and returns what the handler reads back from it.
func secs(at time.Time) (string, time.Time) {
	v := strconv.FormatFloat(float64(at.Truncate(time.Microsecond).UnixMicro())/1e6+5e-7, 'f', 7, 64)
	back, err := unixSeconds(v)
	if err != nil {
		panic(err)
	}
	return v, back
}

// window checks every window-dependent call on [since, until].
func (x *exactCheck) window(r *rand.Rand, since, until time.Time) {
	x.windows++
	sv, since := secs(since)
	uv, until := secs(until)
	w := "since=" + sv + "&until=" + uv
	orch, region := exactOrchs[r.Intn(len(exactOrchs))], exactRegions[r.Intn(len(exactRegions))]
	pair := exactPairs[r.Intn(len(exactPairs))]
	pm := "pipeline=" + url.QueryEscape(pair[0]) + "&model=" + pair[1]
	calls := []struct {
		q string
		f refFilter
	}{
		{"", refFilter{jobType: "transcoding"}},
		{"region=" + region, refFilter{jobType: "transcoding", region: region}},
		{"orchestrator=" + orch, refFilter{jobType: "transcoding", orch: orch}},
		{pm, refFilter{jobType: "ai", pipeline: pair[0], model: pair[1]}},
		{pm + "&region=" + region, refFilter{jobType: "ai", pipeline: pair[0], model: pair[1], region: region}},
		{pm + "&orchestrator=" + orch, refFilter{jobType: "ai", pipeline: pair[0], model: pair[1], orch: orch}},
		{"job_type=ai", refFilter{jobType: "ai"}},
		{"job_type=ai&region=" + region, refFilter{jobType: "ai", region: region}},
	}
	for _, c := range calls {
		x.aggregated("/api/aggregated_stats?"+c.q+"&"+w, refAggregated(x.rows, c.f, since, until))
	}
	x.raw("/api/raw_stats?orchestrator="+orch+"&"+w, refRaw(x.rows, orch, since, until))
	x.pipelines("/api/pipelines?"+w, refPipelines(x.rows, since, until))
	// What summing whole hours (from since's hour to the end of until's)
	// would have answered.
	hourly := refAggregated(x.rows, refFilter{jobType: "transcoding"}, since.Truncate(time.Hour),
		until.Truncate(time.Hour).Add(time.Hour-time.Microsecond))
	if diff(hourly, refAggregated(x.rows, refFilter{jobType: "transcoding"}, since, until)) != "" {
		x.hourlyWouldDiffer++
	}
}

// defaults checks the calls without since/until at the clock's now.
func (x *exactCheck) defaults(r *rand.Rand, now time.Time) {
	since := now.Add(-24 * time.Hour)
	pair := exactPairs[r.Intn(len(exactPairs))]
	x.aggregated("/api/aggregated_stats", refAggregated(x.rows, refFilter{jobType: "transcoding"}, since, now))
	x.aggregated("/api/aggregated_stats?pipeline="+url.QueryEscape(pair[0])+"&model="+pair[1],
		refAggregated(x.rows, refFilter{jobType: "ai", pipeline: pair[0], model: pair[1]}, since, now))
	for _, o := range exactOrchs {
		want, ok := refTopAI(x.rows, o, since, now)
		var got topJSON
		x.e.getJSON("/api/top_ai_score?orchestrator="+o, &got)
		if !ok {
			want = topJSON{}
		}
		x.values++
		if got.Region != want.Region || got.Orchestrator != want.Orchestrator || got.Model != want.Model ||
			got.Pipeline != want.Pipeline || math.Abs(got.Value-want.Value) > 1e-9 {
			x.t.Fatalf("top_ai_score of %s at %s:\n got %+v\nwant %+v", o, now, got, want)
		}
	}
}

func (x *exactCheck) aggregated(path string, want map[string]map[string]refScore) {
	x.t.Helper()
	var got map[string]map[string]refScore
	x.e.getJSON(path, &got)
	if d := diff(got, want); d != "" {
		x.t.Fatalf("GET %s: %s", path, d)
	}
	for _, m := range want {
		x.values += 3 * len(m)
	}
}

// diff describes how two aggregated answers differ beyond 1e-9, or "".
func diff(got, want map[string]map[string]refScore) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d orchestrators, want %d", len(got), len(want))
	}
	for o, wm := range want {
		gm := got[o]
		if len(gm) != len(wm) {
			return fmt.Sprintf("%s: regions %v, want %v", o, gm, wm)
		}
		for reg, w := range wm {
			g, ok := gm[reg]
			if !ok || math.Abs(g.SuccessRate-w.SuccessRate) > 1e-9 || math.Abs(g.RoundTripScore-w.RoundTripScore) > 1e-9 ||
				math.Abs(g.Score-w.Score) > 1e-9 {
				return fmt.Sprintf("%s/%s: got %+v, want %+v", o, reg, g, w)
			}
		}
	}
	return ""
}

func (x *exactCheck) raw(path string, want map[string][]float64) {
	x.t.Helper()
	var got map[string][]ingest.Stats
	x.e.getJSON(path, &got)
	if len(got) != len(want) {
		x.t.Fatalf("GET %s: regions %d, want %d", path, len(got), len(want))
	}
	for reg, w := range want {
		g := got[reg]
		if len(g) != len(w) {
			x.t.Fatalf("GET %s: %s has %d results, want %d", path, reg, len(g), len(w))
		}
		for i := range w {
			if g[i].RoundTripTime != w[i] {
				x.t.Fatalf("GET %s: %s result %d has RTT %v, want %v", path, reg, i, g[i].RoundTripTime, w[i])
			}
		}
		x.values += len(w)
	}
}

func (x *exactCheck) pipelines(path string, want map[string][2][]string) {
	x.t.Helper()
	var got struct {
		Pipelines []struct {
			ID      string   `json:"id"`
			Models  []string `json:"models"`
			Regions []string `json:"regions"`
		} `json:"pipelines"`
	}
	x.e.getJSON(path, &got)
	if len(got.Pipelines) != len(want) {
		x.t.Fatalf("GET %s: %d pipelines, want %d", path, len(got.Pipelines), len(want))
	}
	ids := make([]string, 0, len(got.Pipelines))
	for _, p := range got.Pipelines {
		ids = append(ids, p.ID)
		w := want[p.ID]
		if fmt.Sprint(p.Models) != fmt.Sprint(w[0]) || fmt.Sprint(p.Regions) != fmt.Sprint(w[1]) {
			x.t.Fatalf("GET %s: %s has %v %v, want %v %v", path, p.ID, p.Models, p.Regions, w[0], w[1])
		}
	}
	if !sort.StringsAreSorted(ids) {
		x.t.Fatalf("GET %s: pipelines not sorted: %v", path, ids)
	}
	x.values += len(want)
}
