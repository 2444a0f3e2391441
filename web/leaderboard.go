package web

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ingest"
	"jobtester/models"
	"jobtester/rollup"
	"jobtester/scoring"
)

// LivePipeline is the pipeline name live-video results are stored under as
// compatible records.
const LivePipeline = "Live video to video"

// jobSep joins pipeline and model in the job selector's value. Neither
// Livepeer pipeline names nor Hugging Face model IDs contain it.
const jobSep = "::"

// windows the leaderboard offers, by their query value.
var windows = []struct {
	key   string
	label string
	d     time.Duration
}{
	{"1h", "1 hour", time.Hour},
	{"24h", "24 hours", 24 * time.Hour},
	{"7d", "7 days", 7 * 24 * time.Hour},
}

// Sort keys of the leaderboard, by query value.
const (
	sortOrchestrator = "orchestrator"
	sortScore        = "score"
	sortReliability  = "reliability"
	sortLive         = "live"
	sortSuccess      = "success"
	sortLatency      = "latency"
	sortSamples      = "samples"
)

// LeaderboardQuery is what the leaderboard shows, from the URL.
type LeaderboardQuery struct {
	Pipeline string `json:"pipeline"` // "" for transcoding
	Model    string `json:"model"`
	Region   string `json:"region"` // "" for all regions
	Window   string `json:"window"` // 1h, 24h, 7d
	Sort     string `json:"sort"`
	Desc     bool   `json:"desc"`
	// pickJob: the URL named no job; the page shows the job with the most
	// results in the last 7 days (transcoding when tied or empty), so a
	// tester of AI only does not greet its users with an empty table.
	pickJob bool
}

// JobKey is the job selector's value of the query.
func (q LeaderboardQuery) JobKey() string {
	if q.Pipeline == "" {
		return ingest.JobTypeTranscoding
	}
	return q.Pipeline + jobSep + q.Model
}

// JobType is transcoding or ai.
func (q LeaderboardQuery) JobType() string {
	if q.Pipeline == "" {
		return ingest.JobTypeTranscoding
	}
	return ingest.JobTypeAI
}

// Live reports whether the job is a live-video model.
func (q LeaderboardQuery) Live() bool { return q.Pipeline == LivePipeline }

func (q LeaderboardQuery) window() time.Duration {
	for _, w := range windows {
		if w.key == q.Window {
			return w.d
		}
	}
	return 24 * time.Hour
}

// Values encodes the query for a URL, leaving out defaults.
func (q LeaderboardQuery) Values() url.Values {
	// The job is always named: without it the page picks a default that
	// depends on the data.
	v := url.Values{}
	v.Set("job", q.JobKey())
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	if q.Window != "24h" {
		v.Set("window", q.Window)
	}
	if q.Sort != sortScore {
		v.Set("sort", q.Sort)
	}
	if q.Desc != naturalDesc(q.Sort) {
		v.Set("dir", sortDir(q.Desc))
	}
	return v
}

// URL is the leaderboard page of the query.
func (q LeaderboardQuery) URL() string {
	if v := q.Values().Encode(); v != "" {
		return "/?" + v
	}
	return "/"
}

// SortedBy returns the query sorted by key: the current key flips
// direction; a new key starts in its natural direction (best first).
func (q LeaderboardQuery) SortedBy(key string) LeaderboardQuery {
	if q.Sort == key {
		q.Desc = !q.Desc
		return q
	}
	q.Sort = key
	q.Desc = naturalDesc(key)
	return q
}

// naturalDesc is the direction a column sorts in first: best first, so
// scores high to low, latency low to high, names A to Z.
func naturalDesc(key string) bool { return key != sortOrchestrator && key != sortLatency }

// parseLeaderboardQuery reads the query from the URL. Unknown values are
// errors (400), never silently replaced, so a shared link means one thing.
func parseLeaderboardQuery(v url.Values) (LeaderboardQuery, error) {
	q := LeaderboardQuery{Window: "24h", Sort: sortScore, Desc: true}
	job := strings.TrimSpace(v.Get("job"))
	if p, m := strings.TrimSpace(v.Get("pipeline")), strings.TrimSpace(v.Get("model")); p != "" || m != "" {
		if p == "" || m == "" {
			return q, fmt.Errorf("pipeline and model go together")
		}
		job = p + jobSep + m
	}
	switch {
	case job == "":
		q.pickJob = true
	case job == ingest.JobTypeTranscoding:
	default:
		p, m, ok := strings.Cut(job, jobSep)
		if !ok || p == "" || m == "" {
			return q, fmt.Errorf("job must be %q or pipeline%smodel", ingest.JobTypeTranscoding, jobSep)
		}
		q.Pipeline, q.Model = p, m
	}
	q.Region = strings.ToUpper(strings.TrimSpace(v.Get("region")))
	if w := v.Get("window"); w != "" {
		ok := false
		for _, x := range windows {
			ok = ok || x.key == w
		}
		if !ok {
			return q, fmt.Errorf("window must be 1h, 24h or 7d")
		}
		q.Window = w
	}
	if s := v.Get("sort"); s != "" {
		switch s {
		case sortOrchestrator, sortScore, sortReliability, sortLive, sortSuccess, sortLatency, sortSamples:
			q.Sort, q.Desc = s, naturalDesc(s)
		default:
			return q, fmt.Errorf("sort must be one of orchestrator, score, reliability, live, success, latency, samples")
		}
	}
	switch v.Get("dir") {
	case "":
	case "asc":
		q.Desc = false
	case "desc":
		q.Desc = true
	default:
		return q, fmt.Errorf("dir must be asc or desc")
	}
	return q, nil
}

// JobOption is one entry of the job type selector.
type JobOption struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Group    string `json:"group"` // Transcoding, AI, Live video
	Pipeline string `json:"pipeline,omitempty"`
	Model    string `json:"model,omitempty"`
}

// LeaderboardRow is one orchestrator. Pointers are nil when there is no
// data: the page shows "—", JSON shows null; neither shows 0.
type LeaderboardRow struct {
	Orchestrator string `json:"orchestrator"`
	// Score is the compatible score (scoring/), what the Explorer shows.
	Score *float64 `json:"score"`
	// ReliabilityScore is the compatible formula with the success rate
	// replaced by its Wilson lower bound (see docs/dashboard.md).
	ReliabilityScore *float64 `json:"reliability_score"`
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

// Leaderboard is the table of one query, as the page and
// /api/v1/leaderboard show it.
type Leaderboard struct {
	Query     LeaderboardQuery `json:"query"`
	Since     time.Time        `json:"since"`
	Until     time.Time        `json:"until"`
	SparkStep string           `json:"sparkline_step"`
	// MedianRoundTripSeconds is the AI reference of the compatible score;
	// nil for transcoding or when no test succeeded.
	MedianRoundTripSeconds *float64         `json:"median_round_trip_seconds"`
	Rows                   []LeaderboardRow `json:"rows"`
	Jobs                   []JobOption      `json:"-"`
	Regions                []models.Region  `json:"-"`
}

// JobLabel names the selected job type.
func (l *Leaderboard) JobLabel() string {
	for _, j := range l.Jobs {
		if j.Key == l.Query.JobKey() {
			return j.Label
		}
	}
	return l.Query.Model
}

// jobCounts counts the results of each job (pipeline and model; both
// empty for transcoding) in window totals.
func jobCounts(totals []models.SeriesTotals) map[[2]string]int64 {
	counts := map[[2]string]int64{}
	for _, t := range totals {
		counts[[2]string{t.Pipeline, t.Model}] += t.Results
	}
	return counts
}

// busiestJob is the job with the most results; transcoding wins ties and
// an empty count.
func busiestJob(counts map[[2]string]int64) (pipeline, model string) {
	best := [2]string{}
	for k, n := range counts {
		b := counts[best]
		if n > b || (n == b && k[0]+jobSep+k[1] < best[0]+jobSep+best[1]) {
			best = k
		}
	}
	return best[0], best[1]
}

// buildLeaderboard reads what the query shows.
func (s *site) buildLeaderboard(ctx context.Context, q LeaderboardQuery) (*Leaderboard, error) {
	now := s.Now().UTC()
	win := models.Window{Since: now.Add(-q.window()), Until: now}
	lb := &Leaderboard{Query: q, Since: win.Since, Until: win.Until}

	// Job types on offer: those with results in the last 7 days, so the
	// selector does not change with the window. One read gives the options
	// and, when the URL named no job, the busiest one.
	week, err := s.Store.Totals(ctx, models.Filter{}, models.Window{Since: now.Add(-7 * 24 * time.Hour), Until: now})
	if err != nil {
		return nil, err
	}
	counts := jobCounts(week)
	if q.pickJob {
		q.Pipeline, q.Model = busiestJob(counts)
		q.pickJob = false
		lb.Query = q
	}
	lb.Jobs = jobOptions(counts, q)
	regions, err := s.Store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		if r.JobType == q.JobType() {
			lb.Regions = append(lb.Regions, r)
		}
	}

	f := models.Filter{JobType: q.JobType(), Pipeline: q.Pipeline, Model: q.Model, Region: q.Region}
	totals, err := s.Store.Totals(ctx, f, win)
	if err != nil {
		return nil, err
	}
	median := 0.0
	if q.Pipeline != "" {
		median, err = s.Store.MedianRoundTripTime(ctx, q.Pipeline, q.Model, q.Region, win)
		if err != nil {
			return nil, err
		}
		if median > 0 {
			lb.MedianRoundTripSeconds = ptr(median)
		}
	}
	// All regions: one row per orchestrator, its regions' totals added up
	// (rollup totals are sums, so this is exact).
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
	sparkSince := now.Add(-24 * time.Hour)
	if q.window() > 24*time.Hour {
		step, sparkSince = 6*time.Hour, win.Since
	}
	lb.SparkStep = strings.TrimSuffix(step.String(), "0m0s")
	sparks, err := s.Store.HistoryByOrchestrator(ctx, f, models.Window{Since: sparkSince, Until: now}, step)
	if err != nil {
		return nil, err
	}

	for orch, t := range byOrch {
		row := LeaderboardRow{Orchestrator: orch, Samples: t.Results}
		if t.Results > 0 {
			a := score(q, *t, median)
			row.Score = ptr(a.Score)
			row.ReliabilityScore = ptr(reliabilityScore(q, *t, median))
			row.SuccessRate = ptr(a.SuccessRate)
		}
		row.LatencySeconds = latency(q.Pipeline, *t)
		for _, p := range sparks[orch] {
			if p.Results == 0 {
				row.Sparkline = append(row.Sparkline, nil)
				continue
			}
			row.Sparkline = append(row.Sparkline, ptr(score(q, p, median).Score))
		}
		lb.Rows = append(lb.Rows, row)
	}
	// Orchestrators that advertise the job but have no result in the
	// window are listed too, with no data: an operator looking for their
	// node learns it was not tested, rather than not finding it.
	advertised, err := s.Store.AdvertisedBy(ctx, q.Pipeline, q.Model)
	if err != nil {
		return nil, err
	}
	for _, a := range advertised {
		if byOrch[a] == nil {
			lb.Rows = append(lb.Rows, LeaderboardRow{Orchestrator: a})
		}
	}
	if q.Live() {
		if err := s.addLiveScores(ctx, lb, win); err != nil {
			return nil, err
		}
	}
	sortRows(lb.Rows, q.Sort, q.Desc)
	return lb, nil
}

// addLiveScores fills the live score: the mean of the live tests' own
// scores (scoring/live.go) over the window, for tests that were scored
// (pass or fail).
func (s *site) addLiveScores(ctx context.Context, lb *Leaderboard, win models.Window) error {
	scores, err := s.Store.LiveScores(ctx, lb.Query.Model, lb.Query.Region, win.Since, win.Until)
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
			lb.Rows = append(lb.Rows, LeaderboardRow{Orchestrator: sc.Orchestrator, LiveScore: ptr(m)})
		}
	}
	return nil
}

func ptr(v float64) *float64 { return &v }

// latency is the mean round-trip time the page shows: of every scored
// segment for transcoding (what its score uses), of successful jobs for AI
// (a failed AI job's round trip says nothing about speed). nil when there
// is none.
func latency(pipeline string, t rollup.Totals) *float64 {
	if pipeline == "" {
		if t.Results == 0 || t.SumRoundTripTime <= 0 {
			return nil
		}
		return ptr(t.SumRoundTripTime / float64(t.Results))
	}
	if t.Passed == 0 {
		return nil
	}
	return ptr(t.SumPassedRoundTripTime / float64(t.Passed))
}

// score is the compatible score of window totals.
func score(q LeaderboardQuery, t rollup.Totals, median float64) scoring.Aggregate {
	n := float64(t.Results)
	if q.Pipeline == "" {
		return scoring.Transcoding(t.SumSuccessRate/n, t.SumSegDuration/n, t.SumRoundTripTime/n)
	}
	return scoring.AI(t.SumSuccessRate/n, t.SumRoundTripTime/n, median)
}

// wilsonZ is the normal quantile of the reliability-weighted score: the
// lower end of a 95 % two-sided interval.
const wilsonZ = 1.96

// wilsonLower is the lower bound of the Wilson score interval of a success
// proportion p observed over n tests: close to p when n is large, pulled
// toward 0 when a few lucky tests are all there is.
func wilsonLower(p float64, n int64) float64 {
	if n <= 0 {
		return 0
	}
	p = math.Max(0, math.Min(1, p))
	nf := float64(n)
	z2 := wilsonZ * wilsonZ
	centre := p + z2/(2*nf)
	margin := wilsonZ * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo := (centre - margin) / (1 + z2/nf)
	// At p = 0 the bound is 0 up to rounding; a rounding residue would
	// lift an AI score off 0 (its formula is 0 only at exactly 0).
	if p == 0 || lo < 1e-12 {
		return 0
	}
	return lo
}

// reliabilityScore is the compatible score computed with the Wilson lower
// bound of the success rate instead of its mean, so that 3 passes out of 3
// rank below 980 out of 1000.
func reliabilityScore(q LeaderboardQuery, t rollup.Totals, median float64) float64 {
	n := float64(t.Results)
	sr := wilsonLower(t.SumSuccessRate/n, t.Results)
	if q.Pipeline == "" {
		return scoring.Transcoding(sr, t.SumSegDuration/n, t.SumRoundTripTime/n).Score
	}
	return scoring.AI(sr, t.SumRoundTripTime/n, median).Score
}

// sortRows orders rows by key. Rows without a value for the key come last
// in either direction: "no data" is not the smallest number.
func sortRows(rows []LeaderboardRow, key string, desc bool) {
	value := func(r LeaderboardRow) *float64 {
		switch key {
		case sortScore:
			return r.Score
		case sortReliability:
			return r.ReliabilityScore
		case sortLive:
			return r.LiveScore
		case sortSuccess:
			return r.SuccessRate
		case sortLatency:
			return r.LatencySeconds
		case sortSamples:
			if r.Samples == 0 {
				return nil
			}
			return ptr(float64(r.Samples))
		}
		return nil
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if key != sortOrchestrator {
			va, vb := value(a), value(b)
			switch {
			case va == nil && vb != nil:
				return false
			case va != nil && vb == nil:
				return true
			case va != nil && vb != nil && *va != *vb:
				return (*va > *vb) == desc
			}
			return a.Orchestrator < b.Orchestrator
		}
		return (a.Orchestrator > b.Orchestrator) == desc && a.Orchestrator != b.Orchestrator
	})
}

// jobOptions lists transcoding, then AI pipeline/models, then live models.
// The selected job is always offered, even with no results.
func jobOptions(counts map[[2]string]int64, q LeaderboardQuery) []JobOption {
	out := []JobOption{{Key: ingest.JobTypeTranscoding, Label: "Transcoding", Group: "Transcoding"}}
	var ai, live []JobOption
	add := func(p, m string) {
		if p == "" {
			return
		}
		o := JobOption{Key: p + jobSep + m, Pipeline: p, Model: m, Label: p + " · " + m, Group: "AI"}
		if p == LivePipeline {
			o.Group, o.Label = "Live video", "Live video · "+m
			live = append(live, o)
			return
		}
		ai = append(ai, o)
	}
	for k := range counts {
		add(k[0], k[1])
	}
	if _, ok := counts[[2]string{q.Pipeline, q.Model}]; !ok {
		add(q.Pipeline, q.Model)
	}
	byKey := func(l []JobOption) {
		sort.Slice(l, func(i, j int) bool { return l[i].Key < l[j].Key })
	}
	byKey(ai)
	byKey(live)
	return append(append(out, ai...), live...)
}

func (s *site) leaderboardPage(c echo.Context) error {
	q, err := parseLeaderboardQuery(c.QueryParams())
	if err != nil {
		return httpError(400, err.Error())
	}
	ctx, cancel := timeout(c)
	defer cancel()
	lb, err := s.buildLeaderboard(ctx, q)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "leaderboard" {
		return renderFragment(c, 200, leaderboardTable(lb))
	}
	return render(c, 200, Layout(PageMeta{Title: "Leaderboard", Active: "leaderboard"}, leaderboardBody(lb)))
}

func (s *site) apiLeaderboard(c echo.Context) error {
	q, err := parseLeaderboardQuery(c.QueryParams())
	if err != nil {
		return httpError(400, err.Error())
	}
	ctx, cancel := timeout(c)
	defer cancel()
	lb, err := s.buildLeaderboard(ctx, q)
	if err != nil {
		return err
	}
	if lb.Rows == nil {
		lb.Rows = []LeaderboardRow{}
	}
	apiHeaders(c)
	return c.JSON(200, lb)
}
