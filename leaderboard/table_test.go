package leaderboard_test

import (
	"fmt"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/leaderboard"
	"jobtester/models"
)

const (
	t2i   = "Text to image"
	sdxl  = "ByteDance/SDXL-Lightning"
	delta = 1e-9
)

func addr(i int) string { return fmt.Sprintf("0x%040x", i) }

// seed stores, received before now: transcoding for orchestrators 1 (FRA
// and LAX) and 2 (FRA), and more AI results for orchestrator 3, which makes
// AI the busiest job. Orchestrator 9 only advertises the AI model.
func seed(t *testing.T, dialect string, now time.Time) *models.Store {
	t.Helper()
	st := dbtest.Open(t, dialect, models.Options{})
	var batch []models.NewResult
	add := func(o int, region, pipeline string, sr, rtt float64, ago time.Duration) {
		s := ingest.Stats{Region: region, Orchestrator: addr(o), SuccessRate: sr, RoundTripTime: rtt,
			Timestamp: now.Add(-ago).Unix()}
		if pipeline != "" {
			s.Pipeline, s.Model = pipeline, sdxl
		} else {
			s.SegDuration, s.SegmentsSent, s.SegmentsRecv = 2, 10, int(sr*10)
		}
		batch = append(batch, models.NewResult{Stats: s, ReceivedAt: now.Add(-ago), IngestKey: "test"})
	}
	for h := 0; h < 3; h++ {
		ago := time.Duration(h)*time.Hour + 10*time.Minute
		add(1, "FRA", "", 1, 0.8, ago)
		add(1, "LAX", "", 0.5, 1.2, ago)
		add(2, "FRA", "", 0.9, 1.5, ago)
	}
	for i := 0; i < 12; i++ {
		add(3, "FRA", t2i, 1, 1+float64(i%3), time.Duration(i)*time.Minute)
	}
	if err := st.Insert(t.Context(), batch...); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveDiscovery(t.Context(), nil, []models.AdvertisedCapability{
		{Orchestrator: addr(9), Pipeline: t2i, Model: sdxl},
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestBuildAgreesWithTheExplorersScores(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			now := time.Now().UTC()
			st := seed(t, dialect, now)
			for _, q := range []leaderboard.Query{
				{Window: "24h", Sort: leaderboard.SortScore, Desc: true, Region: "FRA"},
				{Window: "24h", Sort: leaderboard.SortScore, Desc: true, Region: "FRA", Pipeline: t2i, Model: sdxl},
			} {
				lb, err := leaderboard.Build(t.Context(), st, q, now, nil)
				if err != nil {
					t.Fatal(err)
				}
				w := models.Window{Since: lb.Since, Until: lb.Until}
				agg, err := leaderboard.Aggregated(t.Context(), st, models.Filter{Region: "FRA", Pipeline: q.Pipeline, Model: q.Model}, w)
				if err != nil {
					t.Fatal(err)
				}
				scored := 0
				for _, r := range lb.Rows {
					want, ok := agg[r.Orchestrator]["FRA"]
					if r.Score == nil {
						if ok {
							t.Errorf("%s: no score, Aggregated has %v", r.Orchestrator, want.Score)
						}
						continue
					}
					scored++
					if !ok || *r.Score-want.Score > delta || want.Score-*r.Score > delta {
						t.Errorf("%s: score %v, Aggregated %v", r.Orchestrator, *r.Score, want.Score)
					}
					if *r.ReliabilityScore > *r.Score {
						t.Errorf("%s: reliability-weighted %v above the score %v", r.Orchestrator, *r.ReliabilityScore, *r.Score)
					}
				}
				if scored != len(agg) {
					t.Errorf("%s: %d scored rows, Aggregated has %d orchestrators", q.JobKey(), scored, len(agg))
				}
			}
		})
	}
}

func TestBuildPicksTheBusiestJobAndListsAdvertisersWithoutData(t *testing.T) {
	now := time.Now().UTC()
	st := seed(t, "sqlite", now)
	q, err := leaderboard.ParseQuery(nil)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := leaderboard.Build(t.Context(), st, q, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lb.Query.Pipeline != t2i || lb.Query.Model != sdxl {
		t.Fatalf("picked %q, want the busiest job (AI)", lb.Query.JobKey())
	}
	if len(lb.Rows) != 2 || lb.Rows[0].Orchestrator != addr(3) || lb.Rows[1].Orchestrator != addr(9) {
		t.Fatalf("rows %+v, want the tested orchestrator then the advertiser", lb.Rows)
	}
	if r := lb.Rows[1]; r.Score != nil || r.SuccessRate != nil || r.LatencySeconds != nil || r.Samples != 0 {
		t.Errorf("an untested advertiser shows data: %+v", r)
	}
	if lb.MedianRoundTripSeconds == nil || *lb.MedianRoundTripSeconds != 2 {
		t.Errorf("median %v, want 2", lb.MedianRoundTripSeconds)
	}
	keys := []string{}
	for _, j := range lb.Jobs {
		keys = append(keys, j.Key)
	}
	if len(keys) != 2 || keys[0] != ingest.JobTypeTranscoding || keys[1] != t2i+"::"+sdxl {
		t.Errorf("jobs on offer %v", keys)
	}
}

func TestBuildAddsRegionsUpAndSortsNoDataLast(t *testing.T) {
	now := time.Now().UTC()
	st := seed(t, "sqlite", now)
	q := leaderboard.Query{Window: "24h", Sort: leaderboard.SortLatency}
	lb, err := leaderboard.Build(t.Context(), st, q, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Rows) != 2 {
		t.Fatalf("rows %+v", lb.Rows)
	}
	// Orchestrator 1's two regions make one row: 6 results, mean latency 1 s.
	first := lb.Rows[0]
	if first.Orchestrator != addr(1) || first.Samples != 6 || *first.LatencySeconds-1 > delta || 1-*first.LatencySeconds > delta {
		t.Errorf("first row %+v, want orchestrator 1 with 6 samples at 1 s", first)
	}
	if len(first.Sparkline) == 0 || lb.SparkStep != "1h" {
		t.Errorf("sparkline %v step %q", first.Sparkline, lb.SparkStep)
	}
}

func TestTopAIPicksTheBestSeries(t *testing.T) {
	now := time.Now().UTC()
	st := seed(t, "sqlite", now)
	w := models.Window{Since: now.Add(-24 * time.Hour), Until: now}
	top, ok, err := leaderboard.TopAI(t.Context(), st, addr(3), w)
	if err != nil || !ok {
		t.Fatalf("TopAI = %v %v", ok, err)
	}
	if top.Pipeline != t2i || top.Model != sdxl || top.Region != "FRA" || top.Value <= 0 || top.Value > 1 {
		t.Errorf("TopAI = %+v", top)
	}
	if _, ok, err := leaderboard.TopAI(t.Context(), st, addr(1), w); ok || err != nil {
		t.Errorf("an orchestrator without AI results has a top AI score (%v)", err)
	}
}
