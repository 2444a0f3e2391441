package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/leaderboard"
	"jobtester/models"
)

// RunTarget is one test of a sweep: an orchestrator, pipeline, model and
// region, with its latest attempt. A target retried after "unavailable"
// shows the outcome of its last try.
type RunTarget struct {
	Orchestrator string
	Region       string
	Pipeline     string
	Model        string
	Attempts     int
	Last         leaderboard.Result
}

// RunGroup is a row of the report: one orchestrator and pipeline/model.
type RunGroup struct {
	Orchestrator string
	Job          string
	Counts       map[models.Outcome]int
	MeanRTT      *float64 // of passed tests
}

// RunView is a sweep's page: its row, and what its stored results say.
type RunView struct {
	Sweep    models.Sweep
	Running  bool
	Done     int // targets with a result so far
	Attempts int
	Counts   map[models.Outcome]int
	Groups   []RunGroup
	Errors   []leaderboard.Result // last attempts that did not pass
	Elapsed  time.Duration
}

var outcomes = []models.Outcome{models.OutcomePass, models.OutcomeFail, models.OutcomeUnavailable, models.OutcomeTesterError}

// buildRun reads a sweep and folds its results into targets, so progress
// and report count each test once whatever its retries.
func (s *site) buildRun(ctx context.Context, id int64) (*RunView, error) {
	sw, err := s.Store.GetSweep(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.Store.SweepResults(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &RunView{Sweep: sw, Running: sw.Status == models.SweepRunning, Attempts: len(rows),
		Counts: map[models.Outcome]int{}}
	end := s.Now().UTC()
	if sw.FinishedAt != nil {
		end = *sw.FinishedAt
	}
	v.Elapsed = end.Sub(sw.StartedAt)

	type key struct{ orch, region, pipeline, model string }
	targets := map[key]*RunTarget{}
	var order []key
	for i := range rows {
		r := leaderboard.ResultOf(&rows[i])
		k := key{r.Orchestrator, r.Region, r.Pipeline, r.Model}
		t := targets[k]
		if t == nil {
			t = &RunTarget{Orchestrator: r.Orchestrator, Region: r.Region, Pipeline: r.Pipeline, Model: r.Model}
			targets[k] = t
			order = append(order, k)
		}
		t.Attempts++
		t.Last = r // rows come in the order they ran
	}
	v.Done = len(targets)
	type gkey struct{ orch, job string }
	groups := map[gkey]*RunGroup{}
	rttSum, rttN := map[gkey]float64{}, map[gkey]int{}
	for _, k := range order {
		t := targets[k]
		v.Counts[t.Last.Outcome]++
		g := gkey{t.Orchestrator, t.Last.JobLabel()}
		if groups[g] == nil {
			groups[g] = &RunGroup{Orchestrator: g.orch, Job: g.job, Counts: map[models.Outcome]int{}}
		}
		groups[g].Counts[t.Last.Outcome]++
		if t.Last.Outcome == models.OutcomePass && t.Last.RoundTripTime > 0 {
			rttSum[g] += t.Last.RoundTripTime
			rttN[g]++
		}
		if t.Last.Outcome != models.OutcomePass {
			v.Errors = append(v.Errors, t.Last)
		}
	}
	for k, g := range groups {
		if rttN[k] > 0 {
			m := rttSum[k] / float64(rttN[k])
			g.MeanRTT = &m
		}
		v.Groups = append(v.Groups, *g)
	}
	sort.Slice(v.Groups, func(i, j int) bool {
		a, b := v.Groups[i], v.Groups[j]
		if a.Orchestrator != b.Orchestrator {
			return a.Orchestrator < b.Orchestrator
		}
		return a.Job < b.Job
	})
	return v, nil
}

func (s *site) runsPage(c echo.Context) error {
	ctx, cancel := timeout(c)
	defer cancel()
	sweeps, err := s.Store.Sweeps(ctx, 100)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return render(c, http.StatusOK, Layout(PageMeta{Title: "Runs", Active: "runs"}, runsBody(sweeps, s.Now().UTC())))
}

func runID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpError(http.StatusBadRequest, "a run ID is a positive whole number")
	}
	return id, nil
}

// loadRun reads the sweep a run page's path names.
func (s *site) loadRun(c echo.Context) (*RunView, int64, error) {
	id, err := runID(c)
	if err != nil {
		return nil, 0, err
	}
	ctx, cancel := timeout(c)
	defer cancel()
	v, err := s.buildRun(ctx, id)
	if notFound(err) {
		return v, id, httpError(http.StatusNotFound, "no run "+strconv.FormatInt(id, 10))
	}
	return v, id, err
}

func (s *site) runPage(c echo.Context) error {
	v, id, err := s.loadRun(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return render(c, http.StatusOK, Layout(PageMeta{Title: "Run " + strconv.FormatInt(id, 10), Active: "runs"}, runBody(v)))
}

// runProgress is the part of a running sweep's page that htmx polls every
// 2 s. Once the sweep has ended it asks htmx to reload the page, which then
// shows the report.
func (s *site) runProgress(c echo.Context) error {
	v, _, err := s.loadRun(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if !v.Running && isHTMX(c) {
		c.Response().Header().Set("HX-Refresh", "true")
	}
	return renderFragment(c, http.StatusOK, runProgressPart(v))
}
