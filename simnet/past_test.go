package simnet

import (
	"math"
	"reflect"
	"sort"
	"testing"
	"time"
)

func pastTruth() Truth {
	m := func(model string, f func(*ModelTruth)) ModelTruth {
		mt := ModelTruth{Pipeline: "Text to image", Model: model, Advertised: true, Warm: true,
			LatencyMedianMS: 1000, LatencySpread: 0.25}
		if f != nil {
			f(&mt)
		}
		return mt
	}
	return Truth{Seed: 1, Orchestrators: []OrchestratorTruth{
		{Address: "0x01", Active: true, Models: []ModelTruth{m("healthy", nil),
			m("unadvertised", func(m *ModelTruth) { m.Advertised = false }),
			m("live", func(m *ModelTruth) { m.Live = &LiveProfileTruth{} })}},
		{Address: "0x02", Active: true, Models: []ModelTruth{m("flaky", func(m *ModelTruth) { m.FailureRate = 0.3 })}},
		{Address: "0x03", Active: true, Models: []ModelTruth{m("busy", func(m *ModelTruth) { m.NoCapacityRate = 0.6 })}},
		{Address: "0x04", Active: true, Models: []ModelTruth{m("broken", func(m *ModelTruth) { m.Broken = true }),
			m("cold", func(m *ModelTruth) { m.Warm, m.ColdStartMS = false, 20000 })}},
		{Address: "0x05", Active: true, Models: []ModelTruth{
			m("cheat", func(m *ModelTruth) { m.Cheat = &CheatTruth{Kind: "cheap_model", Rate: 0.5} }),
			m("aware", func(m *ModelTruth) { m.Cheat = &CheatTruth{Kind: CheatTesterAware, Rate: 1} })}},
		{Address: "0x06", Active: false, Models: []ModelTruth{m("inactive", nil)}},
	}}
}

// The past follows each model's profile: rates within sampling error of
// the truth, latencies around the median, cold start once, nothing for
// unadvertised, live or inactive models; and it is the same for the same
// options.
func TestPastFollowsTheProfiles(t *testing.T) {
	until := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	o := PastOptions{Until: until, For: 60 * 24 * time.Hour, Every: time.Hour, Seed: 3}
	past := pastTruth().Past(o)
	if len(past) != 1440 {
		t.Fatalf("%d sweeps, want one an hour for 60 days", len(past))
	}
	if !past[0].Start.Equal(until.Add(-60*24*time.Hour)) || !past[len(past)-1].Start.Equal(until.Add(-time.Hour)) {
		t.Errorf("sweeps from %s to %s", past[0].Start, past[len(past)-1].Start)
	}
	type tally struct {
		n, pass, fail, unavail int
		rtt                    []float64
	}
	by := map[string]*tally{}
	for _, sw := range past {
		if len(sw.Tests) != 7 {
			t.Fatalf("sweep at %s has %d tests, want the 7 advertised batch models of active nodes", sw.Start, len(sw.Tests))
		}
		for _, ts := range sw.Tests {
			if ts.At.Before(sw.Start) || ts.At.After(sw.End) {
				t.Fatalf("test at %s outside its sweep %s–%s", ts.At, sw.Start, sw.End)
			}
			c := by[ts.Model]
			if c == nil {
				c = &tally{}
				by[ts.Model] = c
			}
			c.n++
			switch ts.Outcome {
			case PastPass:
				c.pass++
				c.rtt = append(c.rtt, float64(ts.RoundTrip)/float64(time.Millisecond))
			case PastFail:
				c.fail++
			case PastUnavailable:
				c.unavail++
			}
		}
	}
	share := func(k int, c *tally) float64 { return float64(k) / float64(c.n) }
	near := func(what string, got, want float64) {
		// 1440 draws: 4 standard errors of a proportion is under 0.055.
		if math.Abs(got-want) > 0.055 {
			t.Errorf("%s: %.3f, want %.2f", what, got, want)
		}
	}
	near("healthy passes", share(by["healthy"].pass, by["healthy"]), 1)
	near("flaky fails", share(by["flaky"].fail, by["flaky"]), 0.3)
	near("busy unavailable", share(by["busy"].unavail, by["busy"]), 0.6)
	near("broken fails", share(by["broken"].fail, by["broken"]), 1)
	near("cheat caught", share(by["cheat"].fail, by["cheat"]), 0.5)
	near("tester-aware passes", share(by["aware"].pass, by["aware"]), 1)
	for _, m := range []string{"unadvertised", "live", "inactive"} {
		if by[m] != nil {
			t.Errorf("%s model tested in the past", m)
		}
	}
	rtts := by["healthy"].rtt
	med := median(rtts)
	if med < 900 || med > 1100 {
		t.Errorf("healthy median round trip %.0f ms, want about 1000", med)
	}
	if first := past[0].Tests; first[4].Model != "cold" || first[4].RoundTrip < 20*time.Second || first[4].Warm {
		t.Errorf("the cold model's first test %+v, want its cold start", first[4])
	}
	if later := past[1].Tests[4]; later.RoundTrip > 10*time.Second || !later.Warm {
		t.Errorf("the cold model's second test %+v, want it warm", later)
	}
	if again := pastTruth().Past(o); !reflect.DeepEqual(again, past) {
		t.Error("the same options drew another past")
	}
	if pastTruth().Past(PastOptions{Until: until, For: 0, Every: time.Hour}) != nil {
		t.Error("a past of 0 days has sweeps")
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}
