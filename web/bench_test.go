package web_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

// benchNetwork loads a synthetic network into a fresh SQLite store: orchs
// orchestrators tested for transcoding in 20 regions and for three AI
// models in 4, results spread over the last 7 days. go run ./bench does
// the same at 1M results (--only page); this keeps a profile-able loop.
func benchNetwork(b *testing.B, orchs, results int) *env {
	b.Helper()
	e := newEnv(b, "sqlite")
	tc := []string{"GLOBAL", "ATL", "MDW", "FRA", "HOU", "LON", "LAX", "MAD", "MIA", "ASH",
		"NYC", "PRG", "SJO", "SAO", "SEA", "SIN", "STO", "SYD", "HND", "TOR"}
	ai := []string{"GLOBAL", "MDW", "FRA", "LAX"}
	models3 := []string{"ByteDance/SDXL-Lightning", "black-forest-labs/FLUX.1-dev", "stabilityai/sd-turbo"}
	r := rand.New(rand.NewPCG(1, 2))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	batch := make([]models.NewResult, 0, 500)
	for i := 0; i < results; i++ {
		o := r.IntN(orchs)
		at := e.now.Add(-time.Duration(r.Int64N(int64(7 * 24 * time.Hour))))
		s := ingest.Stats{Orchestrator: addr(o + 1), Timestamp: at.Unix(), Errors: []ingest.Error{}}
		if r.IntN(2) == 0 {
			s.Region, s.SuccessRate, s.RoundTripTime, s.SegDuration = tc[r.IntN(len(tc))], 1, 0.5+r.Float64(), 2
		} else {
			s.Region, s.Pipeline, s.Model = ai[r.IntN(len(ai))], t2iPipeline, models3[r.IntN(3)]
			if r.IntN(10) > 0 {
				s.SuccessRate, s.RoundTripTime = 1, 1+2*r.Float64()
			}
		}
		batch = append(batch, models.NewResult{Stats: s, ReceivedAt: at, IngestKey: "bench"})
		if len(batch) == cap(batch) || i == results-1 {
			if err := e.st.Insert(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return e
}

func benchGet(b *testing.B, e *env, path string) {
	client := &http.Client{Timeout: 30 * time.Second}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(e.srv.URL + path)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("GET %s = %d", path, resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkPages is server time per page (wall time per request with
// GOMAXPROCS clients in parallel) over 100 orchestrators and 60k results.
func BenchmarkPages(b *testing.B) {
	e := benchNetwork(b, 100, 60000)
	for _, c := range []struct{ name, path string }{
		{"transcoding-24h", "/"},
		{"ai-7d", "/?window=7d&job=" + url.QueryEscape(t2iPipeline+"::ByteDance/SDXL-Lightning")},
	} {
		b.Run("leaderboard-"+c.name, func(b *testing.B) { benchGet(b, e, c.path) })
	}
	b.Run("orchestrator-7d", func(b *testing.B) { benchGet(b, e, "/orchestrators/"+addr(7)) })
	b.Run("history-30d-json", func(b *testing.B) {
		q := url.Values{"orchestrator": {addr(7)}, "region": {"FRA"}, "pipeline": {t2iPipeline},
			"model": {"ByteDance/SDXL-Lightning"}, "since": {fmt.Sprint(e.now.Add(-30 * 24 * time.Hour).Unix())},
			"until": {fmt.Sprint(e.now.Unix())}}
		benchGet(b, e, "/api/v1/history?"+q.Encode())
	})
}
