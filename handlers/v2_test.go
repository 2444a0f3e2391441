package handlers

import (
	"math"
	"math/rand"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	"jobtester/leaderboard"
	"jobtester/models"
	"jobtester/scoring"
)

// v2Fixture is three days of AI results of five orchestrators in two
// regions, one attempt every 20 minutes or so with random outcomes:
// orchestrator 3 finds no capacity half the time, orchestrator 5 has only
// unavailable attempts in the last day.
func v2Fixture(r *rand.Rand) []stored {
	var rs []stored
	for i := 0; i < 5*3*72; i++ {
		o := 1 + r.Intn(5)
		s := stored{orch: o, region: []string{"FRA", "LAX"}[r.Intn(2)], pipeline: t2iPipeline, model: t2iModel,
			ago: time.Duration(r.Int63n(int64(72 * time.Hour))), rtt: 0.5 + float64(o)*0.3*r.Float64()}
		switch {
		case o == 5 && s.ago < 24*time.Hour, o == 3 && r.Intn(2) == 0:
			s.outcome = models.OutcomeUnavailable
		case r.Float64() < 0.6+0.08*float64(o):
			s.success = 1
		}
		rs = append(rs, s)
	}
	return rs
}

// expectedV2 scores the fixture straight from its rows: each series' hours
// (regions apart, or added up when byRegion is false), each aged from the
// end of the hour holding now, the model's population, each series pooled
// with its node's others, score v2.
func expectedV2(rs []stored, now time.Time, byRegion bool) map[[2]string]scoring.V2Score {
	end := now.Truncate(time.Hour)
	if end.Before(now) {
		end = end.Add(time.Hour)
	}
	hours := map[[2]string]map[int64]*scoring.V2Hour{}
	for _, r := range rs {
		k := [2]string{orch(r.orch), r.region}
		if !byRegion {
			k[1] = ""
		}
		if hours[k] == nil {
			hours[k] = map[int64]*scoring.V2Hour{}
		}
		start := now.Add(-r.ago).Truncate(time.Hour)
		h := hours[k][start.Unix()]
		if h == nil {
			h = &scoring.V2Hour{Age: end.Sub(start).Hours()}
			hours[k][start.Unix()] = h
		}
		switch {
		case r.outcome == models.OutcomeUnavailable:
			h.Unavailable++
		case r.success == 1:
			h.Passed++
			h.SumPassedRTT += r.rtt
		default:
			h.Failed++
		}
	}
	p := scoring.DefaultV2()
	keys := make([][2]string, 0, len(hours))
	for k := range hours {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	// Every series pooled with its node's others (its other region), at
	// the strength learned from the hours but the newest.
	members, fit := make([]scoring.V2Member, len(keys)), make([]scoring.V2Member, len(keys))
	for i, k := range keys {
		var hs []scoring.V2Hour
		for _, h := range hours[k] {
			hs = append(hs, *h)
		}
		members[i] = scoring.V2Member{Node: k[0], Model: "m", Summary: scoring.SummarizeV2(hs, p)}
		fit[i] = scoring.V2Member{Node: k[0], Model: "m", Summary: scoring.SummarizeV2(scoring.WithoutNewestHour(hs), p)}
	}
	pool := scoring.PoolV2NodesFrom(members, fit)
	out := map[[2]string]scoring.V2Score{}
	for i, k := range keys {
		out[k] = scoring.ScoreV2(members[i].Summary, pool.Populations[i], p)
	}
	return out
}

// TestAggregatedStatsScoreV2 reads /api/aggregated_stats with score=v2 and
// checks it against score v2 computed straight from the rows written; the
// same call without score stays the compatible answer.
func TestAggregatedStatsScoreV2(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		rs := v2Fixture(rand.New(rand.NewSource(5)))
		e.store(rs...)
		now := e.clock.Now()
		want := expectedV2(rs, now, true)
		base := "/api/aggregated_stats?pipeline=" + url.QueryEscape(t2iPipeline) + "&model=" + url.QueryEscape(t2iModel)
		var v2, compat aggregated
		e.getJSON(base+"&score=v2", &v2)
		e.getJSON(base, &compat)
		if len(v2) != len(compat) {
			t.Fatalf("v2 answers %d orchestrators, the compatible score %d", len(v2), len(compat))
		}
		if _, ok := v2[orch(5)]; ok {
			t.Errorf("an orchestrator with only unavailable attempts in the window is in the v2 answer")
		}
		differs := false
		for o, regions := range compat {
			for region, c := range regions {
				got, ok := v2[o][region]
				w := want[[2]string{o, region}]
				if !ok {
					t.Fatalf("%s/%s: in the compatible answer, not in v2's", o, region)
				}
				rts := math.Pow(scoring.DesiredScoreAtMedian, w.LatencyRatio)
				if math.Abs(got.Score-w.Score) > 1e-9 || math.Abs(got.SuccessRate-w.SuccessRate) > 1e-9 ||
					math.Abs(got.RoundTripScore-rts) > 1e-9 {
					t.Errorf("%s/%s: v2 %+v, want score %v success %v rts %v", o, region, got, w.Score, w.SuccessRate, rts)
				}
				differs = differs || math.Abs(got.Score-c.Score) > 1e-6
			}
		}
		if !differs {
			t.Error("v2's numbers equal the compatible ones everywhere: score=v2 was not read")
		}
		// The orchestrator filter keeps the population.
		var one aggregated
		e.getJSON(base+"&score=v2&orchestrator="+orch(1), &one)
		// Equal up to rounding: the population's sums may be taken in
		// another order when the answer is filtered.
		if g, w := one[orch(1)]["FRA"], v2[orch(1)]["FRA"]; len(one) != 1 || math.Abs(g.Score-w.Score) > 1e-12 ||
			math.Abs(g.SuccessRate-w.SuccessRate) > 1e-12 || math.Abs(g.RoundTripScore-w.RoundTripScore) > 1e-12 {
			t.Errorf("filtered v2 %+v, want %+v", one, v2[orch(1)])
		}
		if code, _ := e.get(base + "&score=v3"); code != http.StatusBadRequest {
			t.Errorf("score=v3 answered %d, want 400", code)
		}
		// Transcoding has no v2: a clear 400, not an empty answer.
		if code, _ := e.get("/api/aggregated_stats?score=v2"); code != http.StatusBadRequest {
			t.Errorf("score=v2 for transcoding answered %d, want 400", code)
		}
	})
}

// TestLeaderboardAPICarriesV2 checks that /api/v1/leaderboard rows carry
// score v2 with its interval beside the compatible score, equal to v2
// computed from the rows with the regions added up.
func TestLeaderboardAPICarriesV2(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		rs := v2Fixture(rand.New(rand.NewSource(6)))
		e.store(rs...)
		want := expectedV2(rs, e.clock.Now(), false)
		var lb leaderboard.Table
		e.read("/api/v1/leaderboard?sort=v2&job="+url.QueryEscape(t2iPipeline+"::"+t2iModel), &lb)
		// Orchestrator 5 found no capacity all day: no scored result in
		// the window, so no row (as for the compatible table).
		if len(lb.Rows) != 4 {
			t.Fatalf("%d rows, want 4", len(lb.Rows))
		}
		for i, r := range lb.Rows {
			w := want[[2]string{r.Orchestrator, ""}]
			if r.Orchestrator == orch(5) {
				t.Errorf("a row for an orchestrator without a scored result in the window")
			}
			if r.V2 == nil {
				t.Fatalf("%s: no v2", r.Orchestrator)
			}
			v := r.V2
			if math.Abs(v.Score-w.Score) > 1e-9 || math.Abs(v.Low-w.Low) > 1e-9 || math.Abs(v.High-w.High) > 1e-9 ||
				math.Abs(v.UnavailableShare-w.UnavailableShare) > 1e-9 {
				t.Errorf("%s: v2 %+v, want %+v", r.Orchestrator, *v, w)
			}
			if v.Low > v.Score || v.Score > v.High {
				t.Errorf("%s: v2 %v outside its interval [%v, %v]", r.Orchestrator, v.Score, v.Low, v.High)
			}
			if i > 0 && lb.Rows[i-1].V2.Score < v.Score {
				t.Errorf("rows not sorted by v2: %v then %v", lb.Rows[i-1].V2.Score, v.Score)
			}
		}
	})
}
