package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ethaddr"
	"jobtester/leaderboard"
)

// OperatorView is what the operator page shows: the report of the chosen
// window, what to fix first, and the live and flagged tests that failed.
type OperatorView struct {
	Address      string
	Range        string
	RangeLabel   string
	Report       *leaderboard.OperatorReport
	Advice       []leaderboard.Advice
	Live         []LiveTest // the recent live tests that did not pass
	LiveOf       int        // of how many recent live tests
	LiveError    string
	Flagged      []FlaggedTest
	FlaggedError string
}

// parseRange finds the chart range named rng ("" is 7 days).
func parseRange(rng string) (int, error) {
	if rng == "" {
		rng = "7d"
	}
	for i, r := range chartRanges {
		if r.key == rng {
			return i, nil
		}
	}
	return 0, httpError(http.StatusBadRequest, "range must be 24h, 7d or 30d")
}

// addressAndRange reads the orchestrator address from the path and the
// chart range from the query, as both per-orchestrator pages take them.
func addressAndRange(c echo.Context) (addr string, rangeIndex int, err error) {
	addr, ok := ethaddr.Normalize(c.Param("address"))
	if !ok {
		return "", 0, httpError(http.StatusBadRequest, "an orchestrator address is 0x followed by 40 hex digits")
	}
	rangeIndex, err = parseRange(c.QueryParam("range"))
	return addr, rangeIndex, err
}

// operatorPage answers "why is my rank this, and what should I fix" for
// one orchestrator over a range: one pass over its results in the window,
// the model's typical latencies, and its recent live and flagged tests.
func (s *site) operatorPage(c echo.Context) error {
	addr, ri, err := addressAndRange(c)
	if err != nil {
		return err
	}
	ctx, cancel := timeout(c)
	defer cancel()
	now := s.Now().UTC()
	rep, err := leaderboard.Operator(ctx, s.Store, addr, now.Add(-chartRanges[ri].d), now)
	if err != nil {
		return err
	}
	// The live and flagged tests as the orchestrator page reads them; a
	// failure to read them leaves the report intact.
	ov := &OrchestratorView{Address: addr}
	s.liveTests(ctx, ov)
	s.flaggedTests(ctx, ov)
	v := &OperatorView{Address: addr, Range: chartRanges[ri].key, RangeLabel: chartRanges[ri].label, Report: rep,
		LiveOf: len(ov.Live), LiveError: ov.LiveError, Flagged: ov.Flagged, FlaggedError: ov.FlaggedError}
	for _, lt := range ov.Live {
		if lt.Outcome != "pass" {
			v.Live = append(v.Live, lt)
		}
	}
	v.Advice = rep.Advice(leaderboard.OtherEvidence{LiveTests: v.LiveOf, LiveFailed: len(v.Live), Flagged: len(v.Flagged)})
	c.Response().Header().Set("Cache-Control", "no-cache")
	return render(c, http.StatusOK, Layout(PageMeta{Title: "Operator view of " + shortAddress(addr), Active: "leaderboard"},
		operatorBody(v)))
}

// exportURL is the export of the page's window in format.
func (v *OperatorView) exportURL(format string) string {
	return "/api/v1/orchestrators/" + v.Address + "/results." + format + "?from=" +
		strconv.FormatInt(v.Report.From.Unix(), 10) + "&to=" + strconv.FormatInt(v.Report.To.Unix(), 10)
}

func (v *OperatorView) rangeURL(key string) string {
	return "/orchestrators/" + v.Address + "/operator?range=" + key
}

// bucketLabel names a column of the failures table.
func (v *OperatorView) bucketLabel(t time.Time) string {
	if v.Report.Bucket < 24*time.Hour {
		return t.Format("15h")
	}
	return t.Format("Jan 2")
}

// heat is the class of a failures cell: 0 for none, up to 4 for the
// table's largest count.
func heat(n, most int) string {
	if n == 0 || most == 0 {
		return "heat0"
	}
	return "heat" + strconv.Itoa(min(4, 1+3*n/most))
}

// mostPerBucket is the largest count of any cell.
func mostPerBucket(rows []leaderboard.ReasonRow) int {
	m := 0
	for _, r := range rows {
		for _, n := range r.Counts {
			m = max(m, n)
		}
	}
	return m
}

func ratioText(l leaderboard.LatencyRow) string {
	if l.Ratio() == 0 {
		return "—"
	}
	return strconv.FormatFloat(l.Ratio(), 'f', 2, 64) + "×"
}

func secondsText(v float64) string {
	if v == 0 {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + " s"
}

func share(n, of int) string {
	if of == 0 {
		return "—"
	}
	return pct(float64(n) / float64(of))
}

func jobLabel(pipeline, model string) string {
	if pipeline == "" {
		return "Transcoding"
	}
	return pipeline + " · " + model
}
