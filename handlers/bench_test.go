package handlers

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ingest"
	"jobtester/models"
)

// Benchmarks of the Explorer's calls and of ingest on a SQLite temp database
// holding a small synthetic network (100 orchestrators, 20k results over 30
// days, half transcoding and half AI), served in-process through
// httptest. `go run ./bench` measures the same calls over real HTTP on
// large data sets and PostgreSQL.

const (
	benchResults = 20000
	benchSecret  = "bench-secret"
)

var (
	benchTCRegions = []string{"GLOBAL", "ATL", "MDW", "FRA", "HOU", "LON", "LAX", "MAD", "MIA", "ASH",
		"NYC", "PRG", "SJO", "SAO", "SEA", "SIN", "STO", "SYD", "HND", "TOR"}
	benchAIRegions = []string{"GLOBAL", "MDW", "FRA", "LAX"}
	benchPairs     = [][2]string{
		{"Text to image", "ByteDance/SDXL-Lightning"},
		{"Image to image", "timbrooks/instruct-pix2pix"},
		{"Image to video", "stabilityai/stable-video-diffusion-img2vid-xt-1-1"},
		{"Upscale", "stabilityai/stable-diffusion-x4-upscaler"},
		{"Audio to text", "openai/whisper-large-v3"},
		{"Segment anything 2", "facebook/sam2-hiera-large"},
		{"Llm", "meta-llama/Meta-Llama-3.1-8B-Instruct"},
		{"Image to text", "Salesforce/blip-image-captioning-large"},
		{"Text to speech", "parler-tts/parler-tts-large-v1"},
	}
)

type benchFixture struct {
	e     *echo.Echo
	orchs []string
	r     *rand.Rand
}

// benchStats is one random result of the fixture's network.
func (f *benchFixture) stats(at time.Time) ingest.Stats {
	r := f.r
	o := f.orchs[r.IntN(len(f.orchs))]
	if r.IntN(2) == 0 {
		sr := 1.0
		if r.Float64() < 0.03 {
			sr = float64(r.IntN(30)) / 30
		}
		rtt := 0.6 + 1.2*r.Float64()
		return ingest.Stats{Region: benchTCRegions[r.IntN(len(benchTCRegions))], Orchestrator: o,
			SuccessRate: sr, RoundTripTime: rtt, Errors: []ingest.Error{}, Timestamp: at.Unix(),
			SegDuration: 2, SegmentsSent: 15, SegmentsRecv: int(sr * 30), UploadTime: rtt / 5,
			DownloadTime: rtt / 6, TranscodeTime: rtt - rtt/5 - rtt/6}
	}
	p := benchPairs[r.IntN(len(benchPairs))]
	s := ingest.Stats{Region: benchAIRegions[r.IntN(len(benchAIRegions))], Orchestrator: o,
		SuccessRate: 1, RoundTripTime: 0.5 + 5*r.Float64(), Errors: []ingest.Error{}, Timestamp: at.Unix(),
		Pipeline: p[0], Model: p[1], ModelIsWarm: true, InputParams: `{"prompt":"a bear"}`,
		ResponsePayload: `{"images":[{"url":"/stream/x/image.png"}]}`}
	if r.Float64() < 0.05 {
		s.SuccessRate, s.RoundTripTime = 0, 0.2
		s.Errors = []ingest.Error{{ErrorCode: "500", Message: "runner error", Count: 1}}
	}
	return s
}

// newBenchFixture opens a SQLite temp database, loads benchResults results
// through Store.Insert (results + rollups, as production writes them) and
// serves the handlers without a listener.
func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := models.Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "bench.db"),
		models.Options{SyncInterval: -1, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := st.Start(ctx); err != nil {
		b.Fatal(err)
	}
	f := &benchFixture{r: rand.New(rand.NewPCG(1, 2))}
	for range 100 {
		var a [20]byte
		for j := range a {
			a[j] = byte(f.r.UintN(256))
		}
		f.orchs = append(f.orchs, "0x"+hex.EncodeToString(a[:]))
	}
	now := time.Now()
	span := 30 * 24 * time.Hour
	batch := make([]models.NewResult, 0, 500)
	for i := range benchResults {
		at := now.Add(-span + time.Duration(float64(span)*(float64(i)+f.r.Float64())/benchResults))
		batch = append(batch, models.NewResult{Stats: f.stats(at), ReceivedAt: at})
		if len(batch) == cap(batch) || i == benchResults-1 {
			if err := st.Insert(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	f.e = New(Deps{
		Store: st, Keys: ingest.NewKeyring([]ingest.Key{{Name: "bench", Secret: benchSecret}}),
		Window: 24 * time.Hour, MaxBodyBytes: 1 << 20, Logger: quiet, Version: "bench",
	})
	return f
}

func (f *benchFixture) get(b *testing.B, target string) {
	b.Helper()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		f.e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() < 3 {
			b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String())
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "B/answer")
}

func BenchmarkAggregatedStatsTranscoding(b *testing.B) {
	f := newBenchFixture(b)
	f.get(b, "/api/aggregated_stats")
}

func BenchmarkAggregatedStatsAI(b *testing.B) {
	f := newBenchFixture(b)
	p := benchPairs[0]
	f.get(b, "/api/aggregated_stats?pipeline="+url.QueryEscape(p[0])+"&model="+url.QueryEscape(p[1]))
}

func BenchmarkAggregatedStatsAIScoreV2(b *testing.B) {
	f := newBenchFixture(b)
	p := benchPairs[0]
	f.get(b, "/api/aggregated_stats?score=v2&pipeline="+url.QueryEscape(p[0])+"&model="+url.QueryEscape(p[1]))
}

func BenchmarkPostStats(b *testing.B) {
	f := newBenchFixture(b)
	b.ReportAllocs()
	n := 0
	start := time.Now()
	for b.Loop() {
		st := f.stats(time.Now())
		body, err := json.Marshal(&st)
		if err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/api/post_stats", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", ingest.Sign(benchSecret, body))
		rec := httptest.NewRecorder()
		f.e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("POST /api/post_stats: %d %s", rec.Code, rec.Body.String())
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "results/s")
}
