package main

import (
	"math"
	"math/rand/v2"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

// region is where the evaluation's tester runs: one ranking per pair.
const region = "FRA"

// attempt draws the a-th test of series i in hour h, at a moment between
// the shares from and to of the hour. Each (series, hour,
// attempt) has its own random stream, so two sampling policies that both
// test a series in an hour see the same outcome: their difference is the
// policy, not the dice.
func (w *world) attempt(i, h, a int, start time.Time, from, to float64) models.NewResult {
	r := rand.New(rand.NewPCG(w.seed^uint64(i+1)*0x9e3779b97f4a7c15, uint64(h)<<16|uint64(a)))
	s := &w.series[i]
	st := s.at(h)
	p := pairDefs[s.pair]
	span := max(int64((to-from)*float64(3598*time.Second)), 1)
	at := start.Add(time.Duration(h)*time.Hour + time.Duration(from*float64(time.Hour)) + time.Duration(r.Int64N(span)))
	stats := ingest.Stats{
		Region: region, Orchestrator: w.orchs[s.orch], Timestamp: at.Unix(),
		Pipeline: p.Pipeline, Model: p.Model, ModelIsWarm: true, InputParams: `{}`,
		Errors: []ingest.Error{},
	}
	res := models.NewResult{ReceivedAt: at}
	fail := func(code string, rtt float64, status int) models.NewResult {
		stats.RoundTripTime = round3(rtt)
		stats.Errors = []ingest.Error{{ErrorCode: code, Message: "job failed: " + code, Count: 1}}
		res.Stats, res.HTTPStatus = stats, status
		return res
	}
	switch u := r.Float64(); {
	case st.offline:
		res.Outcome = models.OutcomeFail
		return fail("connection refused", 0.05+0.25*r.Float64(), 502)
	case u < st.u:
		res.Outcome = models.OutcomeUnavailable
		return fail("insufficient capacity", 0.05+0.15*r.Float64(), 503)
	case r.Float64() >= st.p:
		res.Outcome = models.OutcomeFail
		if r.Float64() < 0.3 {
			return fail("context deadline exceeded", 30+30*r.Float64(), 500)
		}
		return fail("500", 0.1+1.9*r.Float64(), 500)
	}
	rtt := st.lat * math.Exp(s.sigma*r.NormFloat64())
	if r.Float64() < s.cold {
		rtt += s.coldStart
		stats.ModelIsWarm = false
	}
	stats.SuccessRate, stats.RoundTripTime = 1, round3(rtt)
	stats.ResponsePayload = `{"ok":true}`
	res.Stats, res.Outcome, res.HTTPStatus = stats, models.OutcomePass, 200
	return res
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
