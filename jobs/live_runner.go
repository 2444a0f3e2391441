package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"jobtester/livepeer"
	"jobtester/media/analyzer"
	"jobtester/media/live"
	"jobtester/models"
	"jobtester/scoring"
)

// LiveConfig is how live tests are run.
type LiveConfig struct {
	Signal live.SignalConfig
	// Params are merged over {"width": W, "height": H} of the signal and
	// sent as the query's params JSON.
	Params map[string]any
	// Duration is how long the output is measured once it started
	// (default 30 s).
	Duration time.Duration
	// FirstOutputTimeout bounds the wait for the first output frame
	// (default 60 s).
	FirstOutputTimeout time.Duration
	// FreezeThreshold is how long a picture must not change to count as a
	// freeze (default the analyzer's, 1 s).
	FreezeThreshold time.Duration
	// StatusEvery is how often the gateway's /status is read (default 2 s).
	StatusEvery time.Duration
	// KickGrace is how long the runner still waits for output after the
	// gateway dropped the publisher (default 2 s): the output may be
	// starting as the input is torn down.
	KickGrace time.Duration
}

func (c LiveConfig) withDefaults() LiveConfig {
	if c.Duration <= 0 {
		c.Duration = 30 * time.Second
	}
	if c.FirstOutputTimeout <= 0 {
		c.FirstOutputTimeout = 60 * time.Second
	}
	if c.StatusEvery <= 0 {
		c.StatusEvery = 2 * time.Second
	}
	if c.KickGrace <= 0 {
		c.KickGrace = 2 * time.Second
	}
	return c
}

// LiveRunner runs live video tests through one gateway: it publishes the
// test signal to the media server with the pin in the query, the media
// server's start hook hands the stream to the gateway, and the analyzer
// reads <stream>-out back while the gateway's /status is polled.
type LiveRunner struct {
	// Media is the media server; if nil, NewMedia starts it at the first
	// live test, so a tester whose network has no live model never binds
	// the RTMP port.
	Media    *Media
	NewMedia func() (*Media, error)
	// Lane is the gateway live tests go through. While live tests run its
	// webhook lists exactly the orchestrators under test (a gateway only
	// selects among the orchestrators its webhook lists, reference §2.1,
	// §4.6), so no batch test may run on it then: the sweep gives it to
	// batch tests only after the last live test (Workers.LiveLane).
	Lane   *Lane
	Status LiveStatusReader
	Config LiveConfig
	// Previews, if set, gets each running test's output frames for the
	// admin's live preview.
	Previews *Previews
	Log      *slog.Logger

	pins      livePins
	mediaOnce sync.Once
	mediaErr  error
}

// media returns the media server, started on first use.
func (r *LiveRunner) media() (*Media, error) {
	r.mediaOnce.Do(func() {
		switch {
		case r.Media != nil:
		case r.NewMedia != nil:
			r.Media, r.mediaErr = r.NewMedia()
		default:
			r.mediaErr = errors.New("no media server configured")
		}
	})
	return r.Media, r.mediaErr
}

// livePins is the live lane's webhook list: the URIs of the live tests
// running now, each counted once per test.
type livePins struct {
	mu     sync.Mutex
	counts map[string]int
}

func (p *livePins) change(w interface{ Pin(...string) }, uri string, delta int) {
	if w == nil || uri == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.counts == nil {
		p.counts = map[string]int{}
	}
	p.counts[uri] += delta
	if p.counts[uri] <= 0 {
		delete(p.counts, uri)
	}
	uris := make([]string, 0, len(p.counts))
	for u := range p.counts {
		uris = append(uris, u)
	}
	sort.Strings(uris) // the same list for the same tests, whatever the order they started in
	w.Pin(uris...)
}

// LiveStatusReader reads the gateway's status of a live stream.
type LiveStatusReader interface {
	// LiveStatus returns the status of streamID; found is false while the
	// gateway does not know the stream (404). An error means the gateway
	// could not be asked or answered nonsense.
	LiveStatus(ctx context.Context, streamID string) (snap LiveStatusSnapshot, found bool, err error)
}

// newStreamName is a fresh stream (path) and streamId: unique per
// attempt, so neither the media server nor the gateway can confuse two
// tests, and recognisable as ours in their logs.
func newStreamName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "jobtester-" + hex.EncodeToString(b[:])
}

// liveQuery builds the publish query (reference §4.2): pipeline = the live
// model, streamId, orchestrator = the pin, params = JSON.
func liveQuery(model, streamID, pin, params string) string {
	// Built by hand, not url.Values.Encode, to keep the keys in the order
	// the reference documents: a human reading the hook sees them so.
	return "pipeline=" + url.QueryEscape(model) + "&streamId=" + url.QueryEscape(streamID) +
		"&orchestrator=" + url.QueryEscape(pin) + "&params=" + url.QueryEscape(params)
}

// liveParams is the params JSON: width and height of the signal, then the
// configured params over them.
func liveParams(sig live.SignalConfig, extra map[string]any) (string, error) {
	p := map[string]any{"width": sig.Width, "height": sig.Height}
	for k, v := range extra {
		p[k] = v
	}
	b, err := json.Marshal(p) // map keys come out sorted: the same JSON every test
	if err != nil {
		return "", fmt.Errorf("encode live params: %w", err)
	}
	return string(b), nil
}

// sentLog records when each input frame was handed to the connection, for
// the analyzer's latency and pass-through measurements.
type sentLog struct {
	mu    sync.Mutex
	times []time.Time
	first chan struct{}
}

func newSentLog() *sentLog { return &sentLog{first: make(chan struct{})} }

func (s *sentLog) add(n int, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n != len(s.times) { // Publish numbers frames 0, 1, 2… without gaps
		return
	}
	s.times = append(s.times, at)
	if n == 0 {
		close(s.first)
	}
}

func (s *sentLog) get(n int) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 0 || n >= len(s.times) {
		return time.Time{}, false
	}
	return s.times[n], true
}

// statusWatch polls the gateway's /status for one stream in the
// background and keeps the latest answer, the first error, and whether
// the gateway ever answered at all.
type statusWatch struct {
	mu        sync.Mutex
	snap      LiveStatusSnapshot
	firstErr  string // first gateway_status error seen
	askErr    error  // last failure to ask
	answered  bool   // the gateway answered (200 or 404) at least once
	unavail   chan struct{}
	unavailed bool
}

func (w *statusWatch) record(snap LiveStatusSnapshot, found bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.askErr = err
		return
	}
	w.answered, w.askErr = true, nil
	if !found {
		return
	}
	w.snap = snap
	w.snap.Seen = true
	if snap.Error != "" && w.firstErr == "" {
		w.firstErr = snap.Error
	}
	if isUnavailableText(snap.Error) && !w.unavailed {
		w.unavailed = true
		close(w.unavail)
	}
}

func (w *statusWatch) result() (LiveStatusSnapshot, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.snap
	if w.firstErr != "" {
		s.Error = w.firstErr
	}
	return s, w.answered, w.askErr
}

func watchStatus(ctx context.Context, status LiveStatusReader, every time.Duration, streamID string, w *statusWatch) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		actx, cancel := context.WithTimeout(ctx, max(every, 5*time.Second))
		snap, found, err := status.LiveStatus(actx, streamID)
		cancel()
		if ctx.Err() != nil {
			return
		}
		w.record(snap, found, err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Run is a LiveExecutor: one live test of t, classified and scored.
func (r *LiveRunner) Run(ctx context.Context, t Target, attempt int) Result {
	cfg := r.Config.withDefaults()
	res := Result{Target: t, Lane: "live", Attempt: attempt, StartedAt: time.Now()}
	stream := newStreamName()
	rep := &LiveReport{Stream: stream, StreamID: stream, SignalWidth: cfg.Signal.Width, SignalHeight: cfg.Signal.Height,
		SignalFPS: cfg.Signal.FPS, Duration: cfg.Duration}
	res.Live = rep
	finish := func(o models.Outcome, msg string) Result {
		res.Outcome, res.Error, res.FinishedAt = o, cleanText(msg), time.Now()
		if res.RoundTrip == 0 && o != models.OutcomeTesterError {
			// No output: the compatible record's round-trip time is the
			// time waited in vain, never 0, which would rank as fast.
			res.RoundTrip = res.FinishedAt.Sub(res.StartedAt)
		}
		return res
	}
	params, err := liveParams(cfg.Signal, cfg.Params)
	if err != nil {
		return finish(models.OutcomeTesterError, err.Error())
	}
	rep.Params = params
	rep.Query = liveQuery(t.Capability.Model, stream, t.URI, params)
	res.Input = describeLiveInput(t, rep)
	sig, err := live.NewSignal(cfg.Signal)
	if err != nil {
		return finish(models.OutcomeTesterError, "test signal: "+err.Error())
	}
	media, err := r.media()
	if err != nil {
		return finish(models.OutcomeTesterError, "media server: "+err.Error())
	}
	status := r.Status
	if status == nil {
		if r.Lane == nil || r.Lane.Client == nil {
			return finish(models.OutcomeTesterError, "no live gateway configured")
		}
		status = GatewayLiveStatus(r.Lane.Client)
	}
	if r.Lane != nil && r.Lane.Webhook != nil {
		r.pins.change(r.Lane.Webhook, t.URI, 1)
		defer r.pins.change(r.Lane.Webhook, t.URI, -1)
	}

	// Everything the test does ends by this deadline, whatever the network
	// does: wait for output, measure, and a margin to tear down.
	testCtx, cancelTest := context.WithTimeout(ctx, cfg.FirstOutputTimeout+cfg.Duration+15*time.Second)
	defer cancelTest()

	sent := newSentLog()
	pubCtx, stopPub := context.WithCancel(testCtx)
	defer stopPub()
	pubDone := make(chan error, 1)
	go func() { pubDone <- sig.Publish(pubCtx, media.PublishURL(stream, rep.Query), sent.add) }()
	// The clock of the test starts with the first frame handed to the media
	// server, not with the dial: the startup latency is the network's.
	select {
	case <-sent.first:
	case err := <-pubDone:
		pubDone <- err
		if ctx.Err() != nil {
			return finish(models.OutcomeTesterError, "test cancelled: the sweep was stopped")
		}
		return finish(models.OutcomeTesterError, fmt.Sprintf("could not publish the test signal to the media server: %v", orNil(err)))
	case <-testCtx.Done():
		if ctx.Err() != nil {
			return finish(models.OutcomeTesterError, "test cancelled: the sweep was stopped")
		}
		return finish(models.OutcomeTesterError, "the media server took no frame of the test signal")
	}
	publishStart, _ := sent.get(0)
	rep.PublishStart = publishStart

	watch := &statusWatch{unavail: make(chan struct{})}
	statusCtx, stopStatus := context.WithCancel(testCtx)
	statusDone := make(chan struct{})
	go func() { defer close(statusDone); watchStatus(statusCtx, status, cfg.StatusEvery, stream, watch) }()
	defer func() { stopStatus(); <-statusDone }()

	// outputSeen closes at the first output frame: until then a gateway
	// that says "no capacity" or drops the publisher ends the test early.
	outputSeen := make(chan struct{})
	if r.Previews != nil {
		end := r.Previews.Begin(LiveStream{StreamID: stream, Orchestrator: t.Orchestrator, Model: t.Capability.Model, StartedAt: publishStart})
		defer end()
	}
	anaCtx, stopAna := context.WithCancel(testCtx)
	defer stopAna()
	type anaResult struct {
		rep analyzer.Report
		err error
	}
	anaDone := make(chan anaResult, 1)
	go func() {
		// The first frame ends the wait on the gateway's signs of failure;
		// the frames also feed the admin's live preview.
		opt := analyzer.Options{URL: media.ReadURL(stream + "-out"), PublishStart: publishStart, Signal: sig, Sent: sent.get,
			FirstFrameTimeout: cfg.FirstOutputTimeout, Duration: cfg.Duration, FreezeThreshold: cfg.FreezeThreshold,
			OnFirstFrame: func(time.Time) { close(outputSeen) }}
		if r.Previews != nil {
			opt.OnFrame = func(img *image.YCbCr, at time.Time) { r.Previews.Frame(stream, img, at) }
		}
		m, err := analyzer.Analyze(anaCtx, opt)
		anaDone <- anaResult{m, err}
	}()

	var gaveUp string // why the runner stopped waiting for output
	var pubErr error
	pubEnded := false
	var grace <-chan time.Time
	unavail := watch.unavail
	var ana anaResult
wait:
	for {
		select {
		case ana = <-anaDone:
			break wait
		case <-unavail:
			unavail = nil
			if snap, _, _ := watch.result(); !isClosed(outputSeen) {
				gaveUp = "the gateway found no orchestrator for the stream: " + snap.Error
				stopAna()
			}
		case pubErr = <-pubDone:
			pubEnded = true
			pubDone = nil
			if !isClosed(outputSeen) && testCtx.Err() == nil {
				grace = time.After(cfg.KickGrace)
			}
		case <-grace:
			grace = nil
			if !isClosed(outputSeen) {
				gaveUp = "the gateway dropped the stream before any output"
				stopAna()
			}
		}
	}
	// Stop the input and take the gateway's last word on the stream.
	stopPub()
	if !pubEnded {
		pubErr = <-pubDone
		pubEnded = true
	}
	stopStatus()
	<-statusDone
	if ctx.Err() == nil {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		snap, found, err := status.LiveStatus(fctx, stream)
		cancel()
		watch.record(snap, found, err)
	}
	snap, answered, askErr := watch.result()
	rep.Status = snap

	if ctx.Err() != nil {
		return finish(models.OutcomeTesterError, "test cancelled: the sweep was stopped")
	}
	rep.Metrics = ana.rep
	rep.Output = ana.err == nil && ana.rep.Frames > 0
	if rep.Output {
		res.RoundTrip = ana.rep.StartupLatency
	}
	switch {
	case rep.Output:
	case gaveUp != "":
		if err := media.Check(ctx); err != nil {
			return finish(models.OutcomeTesterError, "media server unreachable: "+err.Error())
		}
		if snap.Error != "" && !strings.Contains(gaveUp, snap.Error) {
			gaveUp += ": " + snap.Error
		}
		return finish(models.OutcomeUnavailable, gaveUp)
	case errors.Is(ana.err, analyzer.ErrNoOutput):
		if isUnavailableText(snap.Error) {
			return finish(models.OutcomeUnavailable, "the gateway found no orchestrator for the stream: "+snap.Error)
		}
		if !answered && askErr != nil {
			// Not one status answer: the gateway itself is unreachable, so
			// nothing is known about the orchestrator.
			return finish(models.OutcomeTesterError, "live gateway unreachable: "+askErr.Error())
		}
		if err := media.Check(ctx); err != nil {
			return finish(models.OutcomeTesterError, "media server unreachable: "+err.Error())
		}
		msg := fmt.Sprintf("no output within %s", cfg.FirstOutputTimeout)
		if snap.Error != "" {
			msg += "; gateway error: " + snap.Error
		} else if snap.State != "" {
			msg += "; gateway state " + snap.State
		}
		rep.Verdict = scoring.Live(liveMeasure(rep))
		return finish(models.OutcomeFail, msg)
	case ana.err != nil && ana.rep.Frames > 0:
		// The output began, then broke other than by ending. Our media
		// server only relays bytes: if it is fine, the stream it was sent
		// was broken.
		rep.Metrics, rep.Output = ana.rep, true
		if err := media.Check(ctx); err != nil {
			return finish(models.OutcomeTesterError, "media server failed during the test: "+err.Error())
		}
		res.RoundTrip = ana.rep.StartupLatency
		rep.Verdict = scoring.Live(liveMeasure(rep))
		return finish(models.OutcomeFail, "output broke: "+ana.err.Error())
	case ana.err != nil:
		return finish(models.OutcomeTesterError, "reading the output: "+ana.err.Error())
	default:
		return finish(models.OutcomeFail, fmt.Sprintf("no output within %s", cfg.FirstOutputTimeout))
	}
	if pubErr != nil && ana.rep.Ended {
		// The input went first: was it our media server?
		if err := media.Check(ctx); err != nil {
			return finish(models.OutcomeTesterError, "media server failed during the test: "+err.Error())
		}
	}
	rep.Verdict = scoring.Live(liveMeasure(rep))
	if !rep.Verdict.Pass {
		return finish(models.OutcomeFail, describeFlags(rep))
	}
	return finish(models.OutcomePass, "")
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func orNil(err error) string {
	if err == nil {
		return "the publisher stopped"
	}
	return err.Error()
}

// describeLiveInput is the compatible record's input_parameters: the
// query's keys as JSON, params decoded, plus the signal and measurement.
func describeLiveInput(t Target, rep *LiveReport) string {
	var params any = rep.Params
	var decoded map[string]any
	if json.Unmarshal([]byte(rep.Params), &decoded) == nil {
		params = decoded
	}
	in := map[string]any{
		"pipeline": t.Capability.Model, "streamId": rep.StreamID, "orchestrator": t.URI, "params": params,
		"signal":   fmt.Sprintf("%dx%d@%d", rep.SignalWidth, rep.SignalHeight, rep.SignalFPS),
		"duration": rep.Duration.String(),
	}
	b, err := json.Marshal(in)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// GatewayLiveStatus reads live status from a gateway's HTTP API.
func GatewayLiveStatus(c *livepeer.GatewayClient) LiveStatusReader { return gatewayStatus{c} }

type gatewayStatus struct{ c *livepeer.GatewayClient }

func (g gatewayStatus) LiveStatus(ctx context.Context, streamID string) (LiveStatusSnapshot, bool, error) {
	s, err := g.c.LiveStatus(ctx, streamID)
	if errors.Is(err, livepeer.ErrStreamNotFound) {
		return LiveStatusSnapshot{}, false, nil
	}
	if err != nil {
		return LiveStatusSnapshot{}, false, err
	}
	snap := LiveStatusSnapshot{State: s.State, InputFPS: s.InputFPS, InferenceFPS: s.InferenceFPS,
		OrchestratorURL: s.OrchestratorURL, Error: s.GatewayError}
	if snap.Error == "" && s.LastError != "" {
		snap.Error = "runner: " + s.LastError
	}
	if raw, err := json.Marshal(s); err == nil && len(raw) <= 16<<10 {
		snap.Raw = string(raw)
	}
	return snap, true, nil
}
