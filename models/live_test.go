package models_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/livemetrics"
	"jobtester/models"
)

func liveCompatible(orch int, pass bool, startup float64) models.NewResult {
	st := ingest.Stats{Region: "FRA", Orchestrator: addr(orch), RoundTripTime: startup, Errors: []ingest.Error{},
		Timestamp: time.Now().Unix(), Pipeline: "Live video to video", Model: "streamdiffusion",
		InputParams: `{"pipeline":"streamdiffusion"}`, ResponsePayload: `{"fps_mean":29.9}`}
	outcome := models.OutcomeFail
	if pass {
		st.SuccessRate, outcome = 1, models.OutcomePass
	} else {
		st.Errors = []ingest.Error{{ErrorCode: "fail", Message: "no output within 1m0s", Count: 1}}
	}
	return models.NewResult{Stats: st, Outcome: outcome, IngestKey: "jobtester"}
}

// TestLiveResultsRoundTrip stores live tests with their compatible
// records and reads both back: every metric, the thumbnail, the link, the
// filters, the leaderboard totals and pipelines, and retention deleting
// the live row with its result.
func TestLiveResultsRoundTrip(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		sw, good, bad, jpeg := storeGoodAndBadLive(t, st)
		checkLiveList(t, st, sw, good, bad)
		checkLiveThumbnails(t, st, good, bad, jpeg)
		checkLiveCompatibleRecords(t, st, sw, good)
		checkLiveRefusedAndPruned(t, st)
	})
}

// storeGoodAndBadLive stores a passed live test with every metric and a
// thumbnail, then a failed one without output, in one sweep.
func storeGoodAndBadLive(t *testing.T, st *models.Store) (sw models.Sweep, good, bad models.LiveResult, jpeg []byte) {
	t.Helper()
	sw = models.Sweep{Region: "FRA", StartedBy: "cli", Lanes: 1}
	if err := st.CreateSweep(ctx, &sw); err != nil {
		t.Fatal(err)
	}
	jpeg = []byte{0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 0xff, 0xd9}
	good = models.LiveResult{
		Region: "FRA", Orchestrator: addr(1), URI: "https://o1:8935", Model: "streamdiffusion",
		Stream: "jt-abc", StreamID: "jt-abc", Params: `{"width":512,"height":512,"prompt":"a ✓"}`, Attempt: 1,
		Outcome: models.OutcomePass, Flags: "", Score: 0.93, FPSScore: 1, StartupScore: 0.9, LatencyScore: 0.8,
		SignalWidth: 512, SignalHeight: 512, SignalFPS: 30, MeasureMS: 5000,
		Metrics: livemetrics.Metrics{Frames: 150, Width: 512, Height: 512,
			StartupLatencyMS: 1234.5, FPSMean: 29.97, FPSLow: 29, JitterMS: 2.5, Freezes: 1, FreezeTotalMS: 100,
			BlackFrames: 2, BlackFraction: 0.01, E2ELatencyMS: 210.25, FlashesMatched: 3, PassThrough: false,
			InputSimilarity: 0.2, Ended: false, EndedAfterMS: 0, FPSFromPTS: 30.01, FlashesSeen: 4, CounterLatencyMS: 205.5,
			CounterFrames: 140, InputDiff: 41.5, Compared: 20, ObservedMS: 5000, CatchUpFrames: 12},
		Status: livemetrics.Status{StatusState: "ONLINE", StatusInputFPS: 30,
			StatusInferenceFPS: 29.9, StatusOrchestrator: "https://o1:8935", StatusJSON: `{"state":"ONLINE"}`},
		Thumbnail: jpeg,
	}
	if err := st.InsertLive(ctx, withSweep(liveCompatible(1, true, 1.2345), sw.ID), &good); err != nil {
		t.Fatal(err)
	}
	if good.ID == 0 || good.ResultID == 0 || good.SweepID == nil || *good.SweepID != sw.ID || good.ThumbnailBytes != len(jpeg) {
		t.Fatalf("ids not set: %+v", good)
	}
	bad = models.LiveResult{Region: "FRA", Orchestrator: addr(2), Model: "streamdiffusion", Stream: "jt-def", StreamID: "jt-def",
		Outcome: models.OutcomeFail, Error: "no output within 1m0s", Flags: "no_output"}
	if err := st.InsertLive(ctx, withSweep(liveCompatible(2, false, 0), sw.ID), &bad); err != nil {
		t.Fatal(err)
	}

	return sw, good, bad, jpeg
}

// checkLiveList reads the rows back, newest first and whole but for the
// thumbnail, and through each filter.
func checkLiveList(t *testing.T, st *models.Store, sw models.Sweep, good, bad models.LiveResult) {
	t.Helper()
	got, err := st.LiveResults(ctx, models.LiveFilter{})
	if err != nil || len(got) != 2 {
		t.Fatalf("list = %d rows, %v", len(got), err)
	}
	back := got[1]
	if got[0].ID != bad.ID || back.ID != good.ID {
		t.Fatalf("not newest first: %d, %d", got[0].ID, got[1].ID)
	}
	if back.Thumbnail != nil {
		t.Fatal("the list carries thumbnails")
	}
	want := good
	want.Thumbnail = nil
	if !back.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("created_at %v, want %v", back.CreatedAt, want.CreatedAt)
	}
	back.CreatedAt = want.CreatedAt
	if *back.SweepID != *want.SweepID {
		t.Fatalf("sweep %d", *back.SweepID)
	}
	back.SweepID = want.SweepID
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, want)
	}
	for _, f := range []models.LiveFilter{{Orchestrator: "0x" + "0000000000000000000000000000000000000001"}, {Model: "streamdiffusion", Limit: 1},
		{SweepID: sw.ID, Since: good.CreatedAt.Add(-time.Minute)}} {
		rows, err := st.LiveResults(ctx, f)
		if err != nil || len(rows) == 0 {
			t.Fatalf("filter %+v: %d rows, %v", f, len(rows), err)
		}
	}
	if rows, _ := st.LiveResults(ctx, models.LiveFilter{Orchestrator: addr(1)}); len(rows) != 1 || rows[0].ID != good.ID {
		t.Fatalf("orchestrator filter: %+v", rows)
	}
	if rows, _ := st.LiveResults(ctx, models.LiveFilter{Since: time.Now().Add(time.Hour)}); len(rows) != 0 {
		t.Fatalf("since filter: %d rows", len(rows))
	}

}

func checkLiveThumbnails(t *testing.T, st *models.Store, good, bad models.LiveResult, jpeg []byte) {
	t.Helper()
	thumb, err := st.LiveThumbnail(ctx, good.ID)
	if err != nil || !bytes.Equal(thumb, jpeg) {
		t.Fatalf("thumbnail %x, %v", thumb, err)
	}
	if _, err := st.LiveThumbnail(ctx, bad.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("no thumbnail: %v", err)
	}
	if _, err := st.LiveThumbnail(ctx, 99999); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("missing row: %v", err)
	}

}

// checkLiveCompatibleRecords finds the compatible records in the sweep, in
// the leaderboard's totals (from the index and from SQL) and in the
// pipelines list.
func checkLiveCompatibleRecords(t *testing.T, st *models.Store, sw models.Sweep, good models.LiveResult) {
	t.Helper()
	// The compatible records: in the sweep, in the leaderboard's totals
	// (from the index and from SQL) and in the pipelines list.
	res, err := st.SweepResults(ctx, sw.ID)
	if err != nil || len(res) != 2 || res[0].ID != good.ResultID || res[0].Pipeline != "Live video to video" ||
		res[0].RoundTripTime != 1.2345 || res[1].Outcome != models.OutcomeFail {
		t.Fatalf("sweep results %+v %v", res, err)
	}
	w := models.Window{Since: time.Now().Add(-time.Hour), Until: time.Now().Add(time.Minute)}
	f := models.Filter{JobType: "ai", Pipeline: "Live video to video", Model: "streamdiffusion"}
	totals, err := st.Totals(ctx, f, w)
	if err != nil || len(totals) != 2 {
		t.Fatalf("totals %+v %v", totals, err)
	}
	var passed int64
	for _, tt := range totals {
		passed += tt.Passed
	}
	if passed != 1 {
		t.Fatalf("passed %d, want 1", passed)
	}
	pipes, err := st.Pipelines(ctx, "", w)
	if err != nil || len(pipes) != 1 || pipes[0].ID != "Live video to video" || pipes[0].Models[0] != "streamdiffusion" {
		t.Fatalf("pipelines %+v %v", pipes, err)
	}
	// A second instance reading the same database sees the rollups.
	if err := st.Sync(ctx); err != nil {
		t.Fatal(err)
	}

}

// checkLiveRefusedAndPruned: bad input is refused before anything is
// written, and retention deletes the live rows with their results.
func checkLiveRefusedAndPruned(t *testing.T, st *models.Store) {
	t.Helper()
	// Bad input is refused before anything is written.
	refused := models.LiveResult{Outcome: "maybe"}
	if err := st.InsertLive(ctx, liveCompatible(3, true, 1), &refused); err == nil {
		t.Fatal("unknown outcome stored")
	}
	wrongRegion := liveCompatible(3, true, 1)
	wrongRegion.Stats.Region = "NOWHERE"
	if err := st.InsertLive(ctx, wrongRegion, &models.LiveResult{Outcome: models.OutcomePass}); !errors.Is(err, models.ErrInvalidRegion) {
		t.Fatalf("unknown region: %v", err)
	}

	// Retention: the live rows go with their results.
	if _, _, err := st.Prune(ctx, time.Now().Add(time.Hour), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if rows, err := st.LiveResults(ctx, models.LiveFilter{}); err != nil || len(rows) != 0 {
		t.Fatalf("after prune: %d rows, %v", len(rows), err)
	}
}

func withSweep(nr models.NewResult, id int64) models.NewResult {
	nr.SweepID = id
	return nr
}

// TestLiveScoresAverageScoredTests pins the leaderboard's live score: the
// mean per orchestrator of the passed and failed tests of one model in the
// window and region, unavailable tests and other models left out.
func TestLiveScoresAverageScoredTests(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		add := func(orch int, region, model string, outcome models.Outcome, score float64) {
			t.Helper()
			nr := liveCompatible(orch, outcome == models.OutcomePass, 1)
			nr.Stats.Region, nr.Stats.Model = region, model
			if outcome == models.OutcomeUnavailable {
				nr.Outcome = outcome
			}
			lr := models.LiveResult{Region: region, Orchestrator: addr(orch), Model: model, Stream: "s", StreamID: "s",
				Outcome: outcome, Score: score}
			if err := st.InsertLive(ctx, nr, &lr); err != nil {
				t.Fatal(err)
			}
		}
		add(1, "FRA", "streamdiffusion", models.OutcomePass, 0.9)
		add(1, "LAX", "streamdiffusion", models.OutcomeFail, 0)
		add(1, "FRA", "streamdiffusion", models.OutcomeUnavailable, 0)
		add(2, "FRA", "streamdiffusion", models.OutcomePass, 0.6)
		add(2, "FRA", "comfyui", models.OutcomePass, 0.1)
		now := time.Now()
		got, err := st.LiveScores(ctx, "streamdiffusion", "", now.Add(-time.Hour), now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []models.LiveScore{{Orchestrator: addr(1), Mean: 0.45, Tests: 2}, {Orchestrator: addr(2), Mean: 0.6, Tests: 1}}
		if len(got) != 2 || got[0].Orchestrator != want[0].Orchestrator || got[1].Orchestrator != want[1].Orchestrator ||
			got[0].Tests != 2 || got[1].Tests != 1 || math.Abs(got[0].Mean-0.45) > 1e-9 || math.Abs(got[1].Mean-0.6) > 1e-9 {
			t.Fatalf("all regions: %+v, want %+v", got, want)
		}
		got, err = st.LiveScores(ctx, "streamdiffusion", "LAX", now.Add(-time.Hour), now.Add(time.Hour))
		if err != nil || len(got) != 1 || got[0].Orchestrator != addr(1) || got[0].Mean != 0 || got[0].Tests != 1 {
			t.Fatalf("LAX: %+v, %v", got, err)
		}
		if got, err = st.LiveScores(ctx, "streamdiffusion", "", now.Add(time.Hour), now.Add(2*time.Hour)); err != nil || len(got) != 0 {
			t.Fatalf("a later window: %+v, %v", got, err)
		}
	})
}

// TestLiveResultJSONNamesStay pins the names and order of the fields of
// /api/v1/live/results: the metrics come from livemetrics, embedded, and
// must read as they did when they were listed here one by one.
func TestLiveResultJSONNamesStay(t *testing.T) {
	b, err := json.Marshal(models.LiveResult{})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"id":0,"result_id":0,"sweep_id":null,"created_at":"0001-01-01T00:00:00Z","region":"","orchestrator":"","uri":"","model":"","stream":"","stream_id":"","params":"","attempt":0,"outcome":"","error":"","flags":"","score":0,"fps_score":0,"startup_score":0,"latency_score":0,"signal_width":0,"signal_height":0,"signal_fps":0,"measure_ms":0,"frames":0,"width":0,"height":0,"startup_latency_ms":0,"fps_mean":0,"fps_low":0,"jitter_ms":0,"freezes":0,"freeze_total_ms":0,"black_frames":0,"black_fraction":0,"e2e_latency_ms":0,"flashes_matched":0,"pass_through":false,"input_similarity":0,"ended":false,"ended_after_ms":0,"fps_from_pts":0,"flashes_seen":0,"counter_latency_ms":0,"counter_frames":0,"input_diff":0,"compared":0,"observed_ms":0,"catch_up_frames":0,"status_state":"","status_input_fps":0,"status_inference_fps":0,"status_orchestrator":"","status_error":"","status_json":"","thumbnail_bytes":0}`
	if string(b) != want {
		t.Errorf("JSON of a live result:\n got %s\nwant %s", b, want)
	}
}
