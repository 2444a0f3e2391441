package leaderboard

import (
	"context"
	"strings"
	"time"

	"jobtester/models"
	"jobtester/rollup"
)

// TableStore is what the dashboard's table reads.
type TableStore interface {
	Store
	V2Store
	Regions(ctx context.Context) ([]models.Region, error)
	HistoryByOrchestrator(ctx context.Context, f models.Filter, w models.Window, step time.Duration) (map[string][]rollup.Totals, error)
	AdvertisedBy(ctx context.Context, pipeline, model string) ([]string, error)
	LiveScores(ctx context.Context, model, region string, since, until time.Time) ([]models.LiveScore, error)
	JobCounts(ctx context.Context, w models.Window) (map[[2]string]int64, error)
}

var _ TableStore = (*models.Store)(nil)

// JobOption is one entry of the job type selector.
type JobOption struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Group    string `json:"group"` // Transcoding, AI, Live video
	Pipeline string `json:"pipeline,omitempty"`
	Model    string `json:"model,omitempty"`
}

// Row is one orchestrator. Pointers are nil when there is no data: the page
// shows "—", JSON shows null; neither shows 0.
type Row struct {
	Orchestrator string `json:"orchestrator"`
	// Score is the compatible score (scoring/), what the Explorer shows.
	Score *float64 `json:"score"`
	// ReliabilityScore is the compatible formula with the success rate
	// replaced by its Wilson lower bound (see docs/dashboard.md).
	ReliabilityScore *float64 `json:"reliability_score"`
	// V2 is score v2 with its 90 % interval (docs/scoring.md), read over
	// its own memory (V2Memory) rather than the window; nil without any
	// attempt in that memory.
	V2 *V2 `json:"v2"`
	// LiveScore is the mean live-video score (scoring/live.go) of the
	// window's live tests; nil for other job types or without live tests.
	LiveScore   *float64 `json:"live_score"`
	SuccessRate *float64 `json:"success_rate"`
	// LatencySeconds is the mean round-trip time of successful tests.
	LatencySeconds *float64 `json:"latency_seconds"`
	Samples        int64    `json:"samples"`
	// Sparkline is the compatible score step by step (hourly, or 6-hourly
	// for 7 days); null for steps without results.
	Sparkline []*float64 `json:"sparkline"`
}

// Table is the leaderboard of one query, as the dashboard and
// /api/v1/leaderboard show it.
type Table struct {
	Query     Query     `json:"query"`
	Since     time.Time `json:"since"`
	Until     time.Time `json:"until"`
	SparkStep string    `json:"sparkline_step"`
	// MedianRoundTripSeconds is the AI reference of the compatible score;
	// nil for transcoding or when no test succeeded.
	MedianRoundTripSeconds *float64 `json:"median_round_trip_seconds"`
	// SimulatedUntil, when set, is when the demo's simulated past ends:
	// results up to then were drawn from simnet's profiles, not measured.
	SimulatedUntil *time.Time      `json:"simulated_until,omitempty"`
	Rows           []Row           `json:"rows"`
	Jobs           []JobOption     `json:"-"`
	Regions        []models.Region `json:"-"`
}

// JobLabel names the selected job type.
func (l *Table) JobLabel() string {
	for _, j := range l.Jobs {
		if j.Key == l.Query.JobKey() {
			return j.Label
		}
	}
	return l.Query.Model
}

// Build reads what the query shows at now: one row per orchestrator tested
// or advertising the job, sorted as the query asks. v2 (nil: none) keeps
// score v2's work between calls.
func Build(ctx context.Context, st TableStore, q Query, now time.Time, v2 *V2Cache) (*Table, error) {
	now = now.UTC()
	win := models.Window{Since: now.Add(-q.window()), Until: now}
	lb := &Table{Query: q, Since: win.Since, Until: win.Until}
	if err := lb.offer(ctx, st, now); err != nil {
		return nil, err
	}
	tested, err := lb.scoreRows(ctx, st, win)
	if err != nil {
		return nil, err
	}
	// Orchestrators that advertise the job but have no result in the
	// window are listed too, with no data: an operator looking for their
	// node learns it was not tested, rather than not finding it.
	advertised, err := st.AdvertisedBy(ctx, lb.Query.Pipeline, lb.Query.Model)
	if err != nil {
		return nil, err
	}
	for _, a := range advertised {
		if !tested[a] {
			lb.Rows = append(lb.Rows, Row{Orchestrator: a})
		}
	}
	if lb.Query.Live() {
		if err := lb.addLiveScores(ctx, st, win); err != nil {
			return nil, err
		}
	}
	if err := lb.addV2(ctx, st, now, v2); err != nil {
		return nil, err
	}
	sortRows(lb.Rows, lb.Query.Sort, lb.Query.Desc)
	return lb, nil
}

// offer fills the job types and regions on offer and, when the query named
// no job, picks the busiest. Job types are those with results in the hours
// of the last 7 days, so the selector does not change with the window; one
// read gives both the options and the busiest.
func (lb *Table) offer(ctx context.Context, st TableStore, now time.Time) error {
	counts, err := st.JobCounts(ctx, models.Window{Since: now.Add(-7 * 24 * time.Hour), Until: now})
	if err != nil {
		return err
	}
	if lb.Query.pickJob {
		lb.Query.Pipeline, lb.Query.Model = busiestJob(counts)
		lb.Query.pickJob = false
	}
	lb.Jobs = jobOptions(counts, lb.Query)
	regions, err := st.Regions(ctx)
	if err != nil {
		return err
	}
	for _, r := range regions {
		if r.JobType == lb.Query.JobType() {
			lb.Regions = append(lb.Regions, r)
		}
	}
	return nil
}

// scoreRows adds a row for every orchestrator with results in the window
// and reports which they are. All regions: one row per orchestrator, its
// regions' totals added up (rollup totals are sums, so this is exact).
func (lb *Table) scoreRows(ctx context.Context, st TableStore, win models.Window) (map[string]bool, error) {
	q := lb.Query
	f := models.Filter{JobType: q.JobType(), Pipeline: q.Pipeline, Model: q.Model, Region: q.Region}
	totals, err := st.Totals(ctx, f, win)
	if err != nil {
		return nil, err
	}
	median := 0.0
	if q.Pipeline != "" {
		if median, err = st.MedianRoundTripTime(ctx, q.Pipeline, q.Model, q.Region, win); err != nil {
			return nil, err
		}
		if median > 0 {
			lb.MedianRoundTripSeconds = ptr(median)
		}
	}
	byOrch := map[string]*rollup.Totals{}
	for _, t := range totals {
		acc := byOrch[t.Orchestrator]
		if acc == nil {
			acc = &rollup.Totals{}
			byOrch[t.Orchestrator] = acc
		}
		acc.Add(t.Totals)
	}
	step := time.Hour
	sparkSince := win.Until.Add(-24 * time.Hour)
	if q.window() > 24*time.Hour {
		step, sparkSince = 6*time.Hour, win.Since
	}
	lb.SparkStep = strings.TrimSuffix(step.String(), "0m0s")
	sparks, err := st.HistoryByOrchestrator(ctx, f, models.Window{Since: sparkSince, Until: win.Until}, step)
	if err != nil {
		return nil, err
	}
	tested := make(map[string]bool, len(byOrch))
	for orch, t := range byOrch {
		lb.Rows = append(lb.Rows, row(q.Pipeline, orch, *t, sparks[orch], median))
		tested[orch] = true
	}
	return tested, nil
}

// row is an orchestrator's window totals and sparkline steps, scored.
func row(pipeline, orch string, t rollup.Totals, steps []rollup.Totals, median float64) Row {
	r := Row{Orchestrator: orch, Samples: t.Results}
	if t.Results > 0 {
		a := Score(pipeline, t, median)
		r.Score = ptr(a.Score)
		r.ReliabilityScore = ptr(Reliability(pipeline, t, median))
		r.SuccessRate = ptr(a.SuccessRate)
	}
	r.LatencySeconds = Latency(pipeline, t)
	for _, p := range steps {
		if p.Results == 0 {
			r.Sparkline = append(r.Sparkline, nil)
			continue
		}
		r.Sparkline = append(r.Sparkline, ptr(Score(pipeline, p, median).Score))
	}
	return r
}

// addLiveScores fills the live score: the mean of the live tests' own
// scores (scoring/live.go) over the window, for tests that were scored
// (pass or fail).
func (lb *Table) addLiveScores(ctx context.Context, st TableStore, win models.Window) error {
	scores, err := st.LiveScores(ctx, lb.Query.Model, lb.Query.Region, win.Since, win.Until)
	if err != nil {
		return err
	}
	byOrch := make(map[string]float64, len(scores))
	for _, sc := range scores {
		byOrch[sc.Orchestrator] = sc.Mean
	}
	for i := range lb.Rows {
		o := lb.Rows[i].Orchestrator
		if m, ok := byOrch[o]; ok {
			lb.Rows[i].LiveScore = ptr(m)
			delete(byOrch, o)
		}
	}
	// A live test whose compatible record is missing still shows.
	for _, sc := range scores {
		if m, ok := byOrch[sc.Orchestrator]; ok {
			lb.Rows = append(lb.Rows, Row{Orchestrator: sc.Orchestrator, LiveScore: ptr(m)})
		}
	}
	return nil
}

// addV2 fills score v2 of every row: one per orchestrator, its regions'
// hours added up when the table shows all regions, judged against every
// node of the job the table shows.
func (lb *Table) addV2(ctx context.Context, st TableStore, now time.Time, cache *V2Cache) error {
	q := lb.Query
	f := models.Filter{JobType: q.JobType(), Pipeline: q.Pipeline, Model: q.Model, Region: q.Region}
	v2, err := readV2(ctx, st, f, now, false, cache)
	if err != nil {
		return err
	}
	for i := range lb.Rows {
		if v, ok := v2[v2Key{Orchestrator: lb.Rows[i].Orchestrator, Pipeline: q.Pipeline, Model: q.Model}]; ok {
			lb.Rows[i].V2 = &v
		}
	}
	return nil
}
