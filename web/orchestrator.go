package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/leaderboard"
	"jobtester/models"
)

// chartRanges are the history ranges an orchestrator page offers.
var chartRanges = []struct {
	key   string
	label string
	d     time.Duration
	step  string
}{
	{"24h", "24 hours", 24 * time.Hour, "hour"},
	{"7d", "7 days", 7 * 24 * time.Hour, "hour"},
	{"30d", "30 days", 30 * 24 * time.Hour, "6h"},
}

// maxCharts bounds the charts of one page; an orchestrator serving more
// series gets its busiest ones.
const maxCharts = 12

// SeriesSummary is one series of an orchestrator over the chart range.
type SeriesSummary struct {
	Region   string
	JobType  string
	Pipeline string
	Model    string
	Samples  int64
	Score    *float64
	Success  *float64
	Latency  *float64
	ChartURL string // /api/v1/history for this series
}

// Label names the series' job.
func (s SeriesSummary) Label() string {
	if s.Pipeline == "" {
		return "Transcoding"
	}
	return s.Pipeline + " · " + s.Model
}

// LiveTest is one live-video test as /api/v1/live/results shows it, kept
// loose: the page shows the metrics it finds.
type LiveTest struct {
	ID           string
	Model        string
	When         string
	Outcome      string
	Score        string
	ThumbnailURL string
	Metrics      [][2]string // name, value
}

// OrchestratorView is what the orchestrator page shows.
type OrchestratorView struct {
	Address      string
	Discovered   *models.DiscoveredOrchestrator // nil: discovery has not seen it
	Mappings     []models.URIMapping
	Capabilities []models.AdvertisedCapability
	Range        string
	RangeLabel   string
	Series       []SeriesSummary
	MoreSeries   int // series without a chart
	Results      *leaderboard.ResultsPage
	ResultsQuery url.Values
	Live         []LiveTest
	LiveError    string
	Flagged      []FlaggedTest
	FlaggedError string
	Chain        *ChainView                // nil: no chain read holds it
	Explain      []leaderboard.Explanation // explain.go
	ExplainError string
}

func (s *site) orchestratorPage(c echo.Context) error {
	addr, ri, err := addressAndRange(c)
	if err != nil {
		return err
	}
	rng := chartRanges[ri].key
	rq := url.Values{}
	rq.Set("orchestrator", addr)
	if b := c.QueryParam("before"); b != "" {
		rq.Set("before", b)
	}
	if o := c.QueryParam("outcome"); o != "" {
		rq.Set("outcome", o)
	}
	q, err := leaderboard.ParseResultQuery(rq)
	if err != nil {
		return httpError(http.StatusBadRequest, err.Error())
	}
	q.Limit = 25
	ctx, cancel := timeout(c)
	defer cancel()

	v := &OrchestratorView{Address: addr, Range: rng, RangeLabel: chartRanges[ri].label, ResultsQuery: rq}
	o, err := s.Store.Orchestrator(ctx, addr)
	switch {
	case err == nil:
		v.Discovered = &o
	case !notFound(err):
		return err
	}
	if v.Mappings, err = s.Store.MappingsOf(ctx, addr); err != nil {
		return err
	}
	if v.Capabilities, err = s.Store.Capabilities(ctx, addr); err != nil {
		return err
	}
	if v.Results, err = leaderboard.ReadResults(ctx, s.Store, q); err != nil {
		return err
	}
	if err := s.seriesOf(ctx, v, chartRanges[ri].d, chartRanges[ri].step); err != nil {
		return err
	}
	if v.Discovered == nil && len(v.Mappings) == 0 && len(v.Results.Results) == 0 && len(v.Series) == 0 && q.Before == nil {
		return httpError(http.StatusNotFound, "jobtester knows nothing about orchestrator "+addr+
			": discovery has not seen it, no mapping names it, and no result is stored")
	}
	s.liveTests(c.Request().Context(), v)
	s.flaggedTests(c.Request().Context(), v)
	v.Chain = s.chainView(ctx, addr)
	s.explain(c.Request().Context(), v)

	c.Response().Header().Set("Cache-Control", "no-cache")
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "results" {
		return renderFragment(c, http.StatusOK, resultsSection(v))
	}
	return render(c, http.StatusOK, Layout(PageMeta{Title: "Orchestrator " + shortAddress(addr), Active: "leaderboard"},
		orchestratorBody(v)))
}

// orchestratorResults is the results section alone (htmx paging); without
// htmx, paging links go to the page itself.
func (s *site) orchestratorResults(c echo.Context) error {
	if !isHTMX(c) {
		// A person following the link lands on the page's results.
		u := "/orchestrators/" + url.PathEscape(c.Param("address"))
		if q := c.QueryString(); q != "" {
			u += "?" + q
		}
		return c.Redirect(http.StatusSeeOther, u+"#results")
	}
	c.Request().Header.Set("HX-Request", "true")
	c.Request().Header.Set("HX-Target", "results")
	return s.orchestratorPage(c)
}

// seriesOf fills the page's series: window totals per pipeline/model/region,
// busiest first, with the URL of each chart's data.
func (s *site) seriesOf(ctx context.Context, v *OrchestratorView, d time.Duration, step string) error {
	now := s.Now().UTC()
	w := models.Window{Since: now.Add(-d), Until: now}
	totals, err := s.Store.Totals(ctx, models.Filter{Orchestrator: v.Address}, w)
	if err != nil {
		return err
	}
	sort.Slice(totals, func(i, j int) bool {
		a, b := totals[i], totals[j]
		if a.Results != b.Results {
			return a.Results > b.Results
		}
		return a.Pipeline+a.Model+a.Region < b.Pipeline+b.Model+b.Region
	})
	for i, t := range totals {
		if i >= maxCharts {
			v.MoreSeries = len(totals) - maxCharts
			break
		}
		median := 0.0
		if t.Pipeline != "" {
			if median, err = s.Store.MedianRoundTripTime(ctx, t.Pipeline, t.Model, t.Region, w); err != nil {
				return err
			}
		}
		p := leaderboard.Point(w.Since, t.Totals, t.Pipeline, median)
		q := url.Values{}
		q.Set("orchestrator", v.Address)
		q.Set("region", t.Region)
		q.Set("job_type", t.JobType)
		if t.Pipeline != "" {
			q.Set("pipeline", t.Pipeline)
			q.Set("model", t.Model)
		}
		q.Set("since", strconv.FormatInt(w.Since.Unix(), 10))
		q.Set("until", strconv.FormatInt(w.Until.Unix(), 10))
		q.Set("step", step)
		v.Series = append(v.Series, SeriesSummary{Region: t.Region, JobType: t.JobType, Pipeline: t.Pipeline,
			Model: t.Model, Samples: t.Results, Score: p.Score, Success: p.SuccessRate, Latency: p.LatencySeconds,
			ChartURL: "/api/v1/history?" + q.Encode()})
	}
	return nil
}

// liveTests reads the orchestrator's recent live tests. A failure to read
// them leaves the rest of the page intact.
func (s *site) liveTests(ctx context.Context, v *OrchestratorView) {
	rows, err := s.Store.LiveResults(ctx, models.LiveFilter{Orchestrator: v.Address, Limit: 8})
	if err != nil {
		v.LiveError = "live tests could not be read"
		s.Logger.Warn("live results unreadable", "orchestrator", v.Address, "err", err)
		return
	}
	v.Live = make([]LiveTest, 0, len(rows))
	for _, r := range rows {
		v.Live = append(v.Live, liveTestOf(r))
	}
}

// liveTestOf is one live test as the page shows it. The measurements only
// mean something when output arrived: without it they show "—", never 0;
// end-to-end latency also needs a matched flash or a read frame counter
// (black or heavily restyled output may give neither).
func liveTestOf(r models.LiveResult) LiveTest {
	lt := LiveTest{ID: strconv.FormatInt(r.ID, 10), Model: r.Model, When: fmtTime(r.CreatedAt),
		Outcome: string(r.Outcome), Score: number(r.Score), ThumbnailURL: r.ThumbnailURL()}
	output := r.Frames > 0
	latency := r.FlashesMatched > 0 || r.CounterFrames > 0
	measured := func(label string, ok bool, value string) {
		if !ok {
			value = "—"
		}
		lt.Metrics = append(lt.Metrics, [2]string{label, value})
	}
	measured("startup", output, number(r.StartupLatencyMS)+" ms")
	measured("end-to-end latency", output && latency, number(r.E2ELatencyMS)+" ms")
	measured("fps", output, number(r.FPSMean))
	measured("fps (5th pct)", output, number(r.FPSLow))
	measured("jitter", output, number(r.JitterMS)+" ms")
	measured("freezes", output, strconv.Itoa(r.Freezes))
	measured("black", output, number(r.BlackFraction))
	if r.PassThrough {
		lt.Metrics = append(lt.Metrics, [2]string{"pass-through", "true"})
	}
	for _, f := range [][2]string{{"flags", r.Flags}, {"error", r.Error}} {
		if f[1] != "" {
			lt.Metrics = append(lt.Metrics, f)
		}
	}
	return lt
}

// number shows whole numbers without decimals and others with three.
func number(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// rangeURL is the page with another chart range.
func (v *OrchestratorView) rangeURL(key string) string {
	return "/orchestrators/" + v.Address + "?range=" + key + "#history"
}

// olderURL is the next page of results, or "".
func (v *OrchestratorView) olderURL(fragment bool) string {
	if v.Results.Next == "" {
		return ""
	}
	q := url.Values{}
	q.Set("range", v.Range)
	q.Set("before", v.Results.Next)
	if o := v.ResultsQuery.Get("outcome"); o != "" {
		q.Set("outcome", o)
	}
	if fragment {
		return "/orchestrators/" + v.Address + "/results?" + q.Encode()
	}
	return "/orchestrators/" + v.Address + "?" + q.Encode() + "#results"
}

func (v *OrchestratorView) newestURL() string {
	return "/orchestrators/" + v.Address + "?range=" + v.Range + "#results"
}
