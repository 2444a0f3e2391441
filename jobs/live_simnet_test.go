package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/media/live"
	"jobtester/media/mediaserver"
	"jobtester/models"
	"jobtester/simnet"
)

func ms(n int) simnet.Duration { return simnet.Duration(time.Duration(n) * time.Millisecond) }

func liveSpec(name, model string, p simnet.LiveProfile, batch ...simnet.ModelSpec) simnet.OrchestratorSpec {
	models := append([]simnet.ModelSpec{{Pipeline: "live-video-to-video", Model: model, Live: &p}}, batch...)
	return simnet.OrchestratorSpec{Name: name, Models: models}
}

func within(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestLiveSweepAgainstSimnet runs a sweep of live behaviours against the
// simulated network and checks every measurement against the injected
// truth: startup and end-to-end latency within ±100 ms, fps within ±1,
// freezes and drops detected, pass-through and black output failed, capped
// unavailable, and the honest orchestrators passing with no flag. It also
// checks that the query reached the gateway intact and that everything
// was stored.
func TestLiveSweepAgainstSimnet(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { liveSweepAgainstSimnet(t, nil) })
	t.Run("mediamtx", func(t *testing.T) { liveSweepAgainstSimnet(t, realMediaMTX(t, hookDocumented, shippedCredentials)) })
}

func liveSweepAgainstSimnet(t *testing.T, start mediaStarter) {
	llm := simnet.ModelSpec{Pipeline: "llm", Model: "meta-llama/llama-3.1-8B-Instruct",
		Latency: simnet.Latency{Median: simnet.Duration(100 * time.Millisecond)}}
	orchs := []simnet.OrchestratorSpec{
		liveSpec("honest", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(500), AddedLatency: ms(200)}, llm),
		liveSpec("slow-fps", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(300), AddedLatency: ms(100), OutputFPS: 15}),
		liveSpec("freeze", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(300), AddedLatency: ms(100), FreezeAfter: ms(1500)}),
		liveSpec("drop", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(300), AddedLatency: ms(100), DropAfter: ms(3500)}),
		liveSpec("cheat", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(100), Effect: simnet.EffectNone}),
		liveSpec("black", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(300), AddedLatency: ms(100), Effect: simnet.EffectBlack}),
		liveSpec("capped", "streamdiffusion", simnet.LiveProfile{Capped: true}),
	}
	cfg := jobs.LiveConfig{Signal: testSignal(t), Params: map[string]any{"prompt": "a watercolour & ink, 100% \"calm\""},
		Duration: 4 * time.Second, FirstOutputTimeout: 20 * time.Second, StatusEvery: 500 * time.Millisecond}
	h := newLiveHarnessWith(t, orchs, cfg, 2, start)

	var mu sync.Mutex
	final := map[string]jobs.Result{}
	var planned []jobs.Target
	sw, rep, err := h.tester.RunSweep(context.Background(), "test", func(ts []jobs.Target) { planned = ts }, func(r jobs.Result) {
		mu.Lock()
		final[r.Orchestrator+" "+r.Capability.Pipeline] = r
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	nLive := 0
	for _, tg := range planned {
		if tg.IsLive() {
			nLive++
		}
	}
	if sw.Status != models.SweepDone || rep.Expected != 8 || rep.Done() != 8 || nLive != 7 {
		t.Fatalf("sweep %+v report %+v, %d live tests planned", sw, rep, nLive)
	}
	truth := h.nw.Truth()
	name := map[string]string{}
	for _, o := range truth.Orchestrators {
		name[o.Address] = o.Name
	}
	byName := map[string]jobs.Result{}
	for _, r := range final {
		if r.IsLive() {
			byName[name[r.Orchestrator]] = r
		} else if r.Outcome != models.OutcomePass {
			t.Errorf("batch test %s %s: %s %s", name[r.Orchestrator], r.Capability.Pipeline, r.Outcome, r.Error)
		}
	}
	streams := map[string]simnet.LiveStreamTruth{}
	for _, s := range truth.LiveStreams {
		streams[s.StreamID] = s
	}
	seen := liveSweepSeen{t: t, nw: h.nw, byName: byName, streams: streams}
	seen.readDelay = seen.testerDelay("cheat")
	if r, lr := seen.report("honest"); seen.judged("honest", r, lr) {
		// The score is high unless the simulated model itself fell
		// behind (the machine's load, not what it was told to do).
		kept := seen.window(lr).Rate >= 27
		if len(lr.Verdict.Flags) != 0 || lr.Metrics.Freezes != 0 || lr.Metrics.PassThrough ||
			lr.Metrics.BlackFrames != 0 || lr.Metrics.Ended || lr.Verdict.Score <= 0 || kept && lr.Verdict.Score <= 0.5 {
			t.Errorf("honest: %s %q flags %v", r.Outcome, r.Error, lr.Verdict.Flags)
		}
		if !seen.fpsAsDelivered("honest", lr, 30) || lr.Metrics.Width != 256 || lr.Metrics.Height != 256 || len(lr.Metrics.Thumbnail) == 0 {
			t.Errorf("honest: fps %.2f, %dx%d, thumbnail %d bytes", lr.Metrics.FPSMean, lr.Metrics.Width, lr.Metrics.Height, len(lr.Metrics.Thumbnail))
		}
		if lr.Status.StatusState != livepeer.LiveStateOnline || lr.Status.StatusOrchestrator != r.URI {
			t.Errorf("honest: gateway status %+v", lr.Status)
		}
		seen.checkTiming("honest", lr, 200*time.Millisecond)
	}
	if r, lr := seen.report("slow-fps"); seen.judged("slow-fps", r, lr) {
		if len(lr.Verdict.Flags) != 0 || !seen.fpsAsDelivered("slow-fps", lr, 15) {
			t.Errorf("slow-fps: %s %q fps %.2f", r.Outcome, r.Error, lr.Metrics.FPSMean)
		}
		seen.checkTiming("slow-fps", lr, 100*time.Millisecond)
	}
	// Each failing behaviour is caught, or the test is void because the
	// tester could not measure it; never a pass.
	seen.caught("freeze", "frozen", func(lr *jobs.LiveReport) bool { return lr.Metrics.Freezes >= 1 })
	if r, lr := seen.report("drop"); !slices.Contains(lr.Verdict.Flags, "no_output") || r.Outcome != models.OutcomeFail ||
		!seen.streams[lr.StreamID].Dropped {
		seen.caught("drop", "dropped", func(lr *jobs.LiveReport) bool { return lr.Metrics.Ended })
	} // else: the output was dropped before the reader could join (MediaMTX makes -out readable ~2 s late): failed all the same
	seen.caught("cheat", "pass_through", func(lr *jobs.LiveReport) bool { return lr.Metrics.PassThrough })
	seen.caught("black", "black", func(*jobs.LiveReport) bool { return true })
	if r, _ := seen.report("capped"); r.Outcome != models.OutcomeUnavailable {
		t.Errorf("capped: %s %q, want unavailable", r.Outcome, r.Error)
	}

	checkQueriesReachedTheGateway(t, byName, streams)
	checkLiveSweepStored(t, h.st, sw.ID)
}

// liveSweepSeen is what a live sweep against simnet produced: the results
// by orchestrator name and the network's truth by stream.
type liveSweepSeen struct {
	t       *testing.T
	nw      *simnet.Network
	byName  map[string]jobs.Result
	streams map[string]simnet.LiveStreamTruth
	// readDelay is the tester's own delivery delay in this run (transport
	// and decode, beyond what the relay added), measured on the cheat.
	readDelay time.Duration
	// fromTimestamps: the tester read the output's start from its
	// timestamps (an external media server keeps no record of its own),
	// which say when the first frame was due, not when the relay managed
	// to write it.
	fromTimestamps bool
}

// report logs the live result of n and returns it.
func (s liveSweepSeen) report(n string) (jobs.Result, *jobs.LiveReport) {
	s.t.Helper()
	r, ok := s.byName[n]
	if !ok || r.Live == nil {
		s.t.Fatalf("no live result for %s", n)
	}
	m, w := r.Live.Metrics, s.window(r.Live)
	s.t.Logf("%-8s %-12s startup %v e2e %v (flashes %d) fps %.2f/%.2f (pts %.2f, relay %.2f late %v gap %v) freezes %d (%v) black %.2f pass-through %v (%.2f) ended %v flags %v score %.3f tester %+v: %s",
		n, r.Outcome, m.StartupLatency().Round(time.Millisecond), m.E2ELatency().Round(time.Millisecond), m.FlashesMatched,
		m.FPSMean, m.FPSLow, m.FPSFromPTS, w.Rate, w.MeanLate.Round(time.Millisecond), w.MaxGap.Round(time.Millisecond),
		m.Freezes, m.FreezeTotal().Round(time.Millisecond), m.BlackFraction, m.PassThrough, m.InputSimilarity, m.Ended,
		r.Live.Verdict.Flags, r.Live.Verdict.Score, r.Live.Tester, r.Error)
	return r, r.Live
}

// window is what the simulated model of the stream published while the
// tester measured its output: from the first frame's arrival (less a
// margin for the transport) to the end of the measurement.
func (s liveSweepSeen) window(lr *jobs.LiveReport) live.RelayWindow {
	first := lr.Metrics.FirstArrival
	w, _ := s.nw.LiveRelayWindow(lr.StreamID, first.Add(-100*time.Millisecond), first.Add(lr.Metrics.Observed()))
	return w
}

// judged says whether an honest orchestrator's result is to be judged on
// its measurements: a pass is; a void test (the tester fell behind) is
// not; a fail is an error unless the simulated model itself really fell
// behind in the window measured (its rate below the floor, or a stall
// longer than the freeze threshold), and every flag says no more.
func (s liveSweepSeen) judged(n string, r jobs.Result, lr *jobs.LiveReport) bool {
	s.t.Helper()
	switch r.Outcome {
	case models.OutcomePass:
		return true
	case models.OutcomeTesterError:
		if !strings.HasPrefix(r.Error, "tester overloaded: ") {
			s.t.Errorf("%s: tester error %q, want only a void for an overloaded tester", n, r.Error)
		}
		return false
	}
	w := s.window(lr)
	for _, f := range lr.Verdict.Flags {
		justified := f == "low_fps" && w.Rate < 6 || f == "frozen" && w.MaxGap > time.Second
		if r.Outcome != models.OutcomeFail || !justified {
			s.t.Errorf("%s: %s %q: an honest node failed (relay in the window: %+v)", n, r.Outcome, r.Error, w)
			return false
		}
	}
	return false
}

// caught: the behaviour of n failed with flag (and what shows it), or the
// test is void because the tester fell behind; never a pass.
func (s liveSweepSeen) caught(n, flag string, shows func(*jobs.LiveReport) bool) {
	s.t.Helper()
	r, lr := s.report(n)
	switch {
	case r.Outcome == models.OutcomeTesterError && strings.HasPrefix(r.Error, "tester overloaded: "):
	case r.Outcome != models.OutcomeFail || !slices.Contains(lr.Verdict.Flags, flag) || !shows(lr):
		s.t.Errorf("%s: %s %q flags %v, want %s", n, r.Outcome, r.Error, lr.Verdict.Flags, flag)
	}
}

// testerDelay is how long output took to reach the tester beyond what the
// relay of stream n itself took: transport and the tester's decode. It is
// never taken as more than the longest its reader held a frame (frames
// wait in the socket behind it) and 150 ms of transport, so that a bias of
// the measurement itself cannot pass for the tester's delay.
func (s liveSweepSeen) testerDelay(n string) time.Duration {
	r := s.byName[n]
	if r.Live == nil || r.Live.Metrics.FlashesMatched == 0 {
		return 0
	}
	d := max(r.Live.Metrics.E2ELatency()-s.window(r.Live).MeanLate, 0)
	return min(d, r.Live.Metrics.Reader.MaxHold+150*time.Millisecond)
}

// fpsAsDelivered: the rate read from the stream's timestamps is the
// input's (want), whatever the load; the arrival rate is what the relay
// managed to publish while measured (it restyles in Go and may fall
// behind on a busy machine), never more than want.
func (s liveSweepSeen) fpsAsDelivered(n string, lr *jobs.LiveReport, want float64) bool {
	s.t.Helper()
	// The arrivals follow what the relay published in the window, a little
	// above want when it caught up after falling behind.
	delivered := want
	if rr := s.window(lr).Rate; rr > 0 {
		delivered = rr
	}
	m := lr.Metrics
	// A relay that fell behind catches up in bursts: over a few seconds
	// it may publish a little faster than want, and the arrivals follow.
	// Frames it held back for its longest gap can all arrive inside the
	// window measured, which adds up to gap × rate frames over it.
	w := s.window(lr)
	// A reader joining a media server mid-stream is first sent what the
	// server cached since the last keyframe (docs/mediaserver.md): frames
	// the relay wrote up to a GOP (1 s) before the window, arriving inside
	// it. Seen at 42.6 fps on arrival against the relay's 38.7 through the
	// external server.
	first := lr.Metrics.FirstArrival
	cached, _ := s.nw.LiveRelayWindow(lr.StreamID, first.Add(-1100*time.Millisecond), first.Add(-100*time.Millisecond))
	burst := 0.0
	if obs := m.Observed().Seconds(); obs > 0 {
		burst = (w.MaxGap.Seconds()*max(want, w.Rate) + float64(cached.Frames)) / obs
	}
	ok := within(m.FPSFromPTS, want, 1) && m.FPSMean <= max(want, w.Rate)+1+burst && within(m.FPSMean, delivered, 2+burst)
	if !ok {
		s.t.Errorf("%s: fps %.2f (timestamps %.2f), want %g by timestamps and the relay's %.2f on arrival", n, m.FPSMean, m.FPSFromPTS, want, delivered)
	}
	return ok
}

// checkTiming compares the measured startup with the truth's first output
// frame, and the end-to-end latency with the injected one. The lower
// bounds hold under any load: nothing is seen before the relay publishes
// it, nor earlier than the delay injected. Above them the tester is
// allowed its own delivery delay, as this run measured it, and the
// relay's own lateness in the window measured, as its record says (at
// most its latest: a relay falling behind is later at the end).
func (s liveSweepSeen) checkTiming(n string, lr *jobs.LiveReport, added time.Duration) {
	s.t.Helper()
	const slack = 100 * time.Millisecond
	st, ok := s.streams[lr.StreamID]
	if !ok || st.FirstOutput == nil {
		s.t.Errorf("%s: no first output in the truth: %+v", n, st)
		return
	}
	e2e, w := lr.Metrics.E2ELatency(), s.window(lr)
	// Startup as the gateway sees it: from when the orchestrator took the
	// stream (the gateway began sending it input) to the first output
	// frame the model published, ±150 ms; beyond it only the relay's own
	// lateness in the window measured, when the reader joined after the
	// first frames (its record says how late).
	const startupSlack = 150 * time.Millisecond
	if st.Started == nil {
		s.t.Errorf("%s: the truth has no start: %+v", n, st)
		return
	}
	wantStartup := st.FirstOutput.Sub(*st.Started)
	// A start read from the timestamps is early by however late the relay
	// wrote its first frames (connecting its publisher comes first, and
	// takes long on a loaded machine), and by however far its stamps ran
	// ahead of its writing while measured (input that reached it in a
	// burst is stamped on the input's clock): the relay's own record says
	// both.
	var early time.Duration
	if s.fromTimestamps {
		first, _ := s.nw.LiveRelayWindow(lr.StreamID, st.FirstOutput.Add(-time.Millisecond), st.FirstOutput.Add(time.Second))
		early = max(first.MaxLate, w.Ahead, 0)
	}
	s.t.Logf("%s: input ready %v after the publish start, the gateway's start request %v after it, the orchestrator's start %v after that; output start %v after the truth's first output (relay late by %v in its first second)",
		n, lr.InputReady.Sub(lr.PublishStart), st.Received.Sub(lr.InputReady), st.Started.Sub(st.Received), lr.Metrics.OutputStart.Sub(*st.FirstOutput), early)
	if d := lr.Metrics.StartupLatency() - wantStartup; d < -startupSlack-early || d > startupSlack+max(w.MaxLate, 0) {
		s.t.Errorf("%s: startup %v, truth %v (orchestrator's start to first output), relay late by at most %v (%v in its first second)",
			n, lr.Metrics.StartupLatency(), wantStartup, w.MaxLate, early)
	}
	if st.Profile != nil && lr.Metrics.StartupLatency() < time.Duration(st.Profile.StartupDelayMS)*time.Millisecond {
		s.t.Errorf("%s: startup %v is below the injected delay %vms", n, lr.Metrics.StartupLatency(), st.Profile.StartupDelayMS)
	}
	if lr.Metrics.FlashesMatched == 0 {
		s.t.Errorf("%s: no flash matched", n)
	} else if e2e < added-slack/2 || e2e > added+w.MaxLate+slack+2*s.readDelay {
		s.t.Errorf("%s: end-to-end latency %v, injected %v, relay late by %v (at most %v), tester delay %v", n, e2e, added, w.MeanLate, w.MaxLate, s.readDelay)
	}
}

// checkQueriesReachedTheGateway: the gateway saw each test's query exactly
// as sent: pipeline, streamId, the pin and the params JSON.
func checkQueriesReachedTheGateway(t *testing.T, byName map[string]jobs.Result, streams map[string]simnet.LiveStreamTruth) {
	t.Helper()
	wantParams := `{"height":256,"prompt":"a watercolour \u0026 ink, 100% \"calm\"","width":256}`
	for n, r := range byName {
		s, ok := streams[r.Live.StreamID]
		if !ok {
			t.Errorf("%s: the gateway never saw stream %s", n, r.Live.StreamID)
			continue
		}
		if s.Query != r.Live.Query || s.Pipeline != "streamdiffusion" || s.StreamID != r.Live.StreamID ||
			s.OrchestratorPin != r.URI || s.Params != r.Live.Params || s.Stream != r.Live.Stream {
			t.Errorf("%s: gateway saw %+v, sent query %q", n, s, r.Live.Query)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(s.Params), &p); err != nil || r.Live.Params != wantParams {
			t.Errorf("%s: params %q (%v), want %q", n, s.Params, err, wantParams)
		}
		if q, err := url.ParseQuery(s.Query); err != nil || q.Get("params") != wantParams || q.Get("orchestrator") != r.URI {
			t.Errorf("%s: query %q does not decode to the params and pin (%v)", n, s.Query, err)
		}
	}

}

// checkLiveSweepStored: everything was stored, a live row per attempt,
// linked to its compatible record.
func checkLiveSweepStored(t *testing.T, st *models.Store, sweepID int64) {
	t.Helper()
	rows, err := st.LiveResults(context.Background(), models.LiveFilter{SweepID: sweepID})
	if err != nil || len(rows) != 7 {
		t.Fatalf("%d live rows stored (%v)", len(rows), err)
	}
	compat, err := st.SweepResults(context.Background(), sweepID)
	if err != nil || len(compat) != 8 {
		t.Fatalf("%d results stored (%v)", len(compat), err)
	}
	ids := map[int64]models.RawResult{}
	for _, c := range compat {
		ids[c.ID] = c
	}
	for _, row := range rows {
		c, ok := ids[row.ResultID]
		if !ok || c.Pipeline != livepeer.LivePipeline || c.Model != "streamdiffusion" || c.Outcome != row.Outcome {
			t.Errorf("live row %d → result %+v", row.ID, c)
		}
		if row.Outcome == models.OutcomePass && (row.ThumbnailBytes == 0 || c.RoundTripTime <= 0 ||
			!within(c.RoundTripTime*1000, row.StartupLatencyMS, 1)) {
			t.Errorf("passing row %+v / result rtt %v", row, c.RoundTripTime)
		}
		if row.Outcome == models.OutcomeFail && !strings.Contains(c.Errors, row.Error[:min(20, len(row.Error))]) {
			t.Errorf("failing row error %q not in the compatible record's errors %s", row.Error, c.Errors)
		}
	}
}

// With media_server set to an external server's RTMP URL the tester
// publishes its signal there and reads <stream>-out from there, and that
// server's own start hook reaches the gateway. The external server here is
// a second media server run apart from the tester (as MediaMTX would be),
// on its own port, with the tester's credentials in the URL.
func TestLiveAgainstAnExternalMediaServer(t *testing.T) {
	t.Parallel()
	// The reference sends the input back at once: its latency is the
	// tester's own delivery delay, measured beside the honest test.
	orchs := []simnet.OrchestratorSpec{
		liveSpec("honest", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(300), AddedLatency: ms(150)}),
		liveSpec("reference", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(100), Effect: simnet.EffectNone}),
	}
	cfg := jobs.LiveConfig{Signal: testSignal(t), Duration: 3 * time.Second, FirstOutputTimeout: 8 * time.Second,
		StatusEvery: 500 * time.Millisecond}
	h := newLiveHarness(t, orchs, cfg, 2)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	g := h.nw.Gateways()[0]
	ext, err := mediaserver.Start(ctx, mediaserver.Config{RTMPAddr: "127.0.0.1:0", GatewayURL: g.HTTPURL,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ext.Close() })
	media, err := jobs.StartMedia(ctx, jobs.MediaConfig{Server: "rtmp://tester:s3cret@" + ext.RTMPAddr()})
	if err != nil {
		t.Fatal(err)
	}
	if media.Embedded() != nil || strings.Contains(media.Base(), "s3cret") {
		t.Fatalf("external media: embedded %v, base %q (the password must not show)", media.Embedded(), media.Base())
	}
	h.runner.Media = media

	var mu sync.Mutex
	var results []jobs.Result
	if _, _, err := h.tester.RunSweep(ctx, "test", nil, func(r jobs.Result) {
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	truth := h.nw.Truth()
	streams, byName := map[string]simnet.LiveStreamTruth{}, map[string]jobs.Result{}
	for _, s := range truth.LiveStreams {
		streams[s.StreamID] = s
	}
	for _, r := range results {
		if r.Live == nil {
			t.Fatalf("results %+v", results)
		}
		byName[streams[r.Live.StreamID].OrchestratorName] = r
	}
	if len(results) != 2 || len(byName) != 2 {
		t.Fatalf("results %+v", results)
	}
	seen := liveSweepSeen{t: t, nw: h.nw, byName: byName, streams: streams, fromTimestamps: true}
	seen.readDelay = seen.testerDelay("reference")
	if r, lr := seen.report("honest"); seen.judged("honest", r, lr) {
		if len(lr.Verdict.Flags) != 0 || !seen.fpsAsDelivered("honest", lr, 30) {
			t.Errorf("%s %q flags %v fps %.2f", r.Outcome, r.Error, lr.Verdict.Flags, lr.Metrics.FPSMean)
		}
		seen.checkTiming("honest", lr, 150*time.Millisecond)
	}
	seen.caught("reference", "pass_through", func(lr *jobs.LiveReport) bool { return lr.Metrics.PassThrough })
	// The stream went through the external server, not the harness's.
	for _, s := range truth.LiveStreams {
		if !strings.Contains(s.InputURL, ext.RTMPAddr()) {
			t.Errorf("gateway pulled from %s, want the external server %s", s.InputURL, ext.RTMPAddr())
		}
	}
}
