package jobs

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"strings"
	"sync"
	"time"

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
	// selects among the orchestrators its webhook lists: docs/livepeer.md,
	// "Orchestrator webhook and pinning"), so no batch test may run on it
	// then: the sweep gives it to batch tests only after the last live test
	// (Workers.LiveLane).
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

// Run is a LiveExecutor: one live test of t, classified and scored.
func (r *LiveRunner) Run(ctx context.Context, t Target, attempt int) Result {
	lt := r.newLiveTest(t, attempt)
	if msg := lt.prepare(); msg != "" {
		return lt.finish(models.OutcomeTesterError, msg)
	}
	if r.Lane != nil && r.Lane.Webhook != nil {
		r.pins.change(r.Lane.Webhook, t.URI, 1)
		defer r.pins.change(r.Lane.Webhook, t.URI, -1)
	}

	// Everything the test does ends by this deadline, whatever the network
	// does: wait for output, measure, and a margin to tear down.
	testCtx, cancelTest := context.WithTimeout(ctx, lt.cfg.FirstOutputTimeout+lt.cfg.Duration+15*time.Second)
	defer cancelTest()
	pubCtx, stopPub := context.WithCancel(testCtx)
	defer stopPub()
	if msg := lt.publish(ctx, testCtx, pubCtx); msg != "" {
		return lt.finish(models.OutcomeTesterError, msg)
	}

	watch := &statusWatch{unavail: make(chan struct{})}
	statusCtx, stopStatus := context.WithCancel(testCtx)
	statusDone := make(chan struct{})
	go func() {
		defer close(statusDone)
		watchStatus(statusCtx, lt.status, lt.cfg.StatusEvery, lt.stream, watch)
	}()
	defer func() { stopStatus(); <-statusDone }()
	if r.Previews != nil {
		end := r.Previews.Begin(LiveStream{StreamID: lt.stream, Orchestrator: t.Orchestrator, Model: t.Capability.Model,
			StartedAt: lt.rep.PublishStart})
		defer end()
	}
	anaCtx, stopAna := context.WithCancel(testCtx)
	defer stopAna()
	w := lt.await(testCtx, watch, lt.analyze(anaCtx), stopAna)

	// Stop the input and take the gateway's last word on the stream.
	stopPub()
	if !w.pubEnded {
		w.pubErr = <-lt.pubDone
	}
	stopStatus()
	<-statusDone
	if ctx.Err() == nil {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		snap, found, err := lt.status.LiveStatus(fctx, lt.stream)
		cancel()
		watch.record(snap, found, err)
	}
	var gw gatewayView
	lt.rep.Status, gw.answered, gw.askErr = watch.result()
	if ctx.Err() != nil {
		return lt.finish(models.OutcomeTesterError, "test cancelled: the sweep was stopped")
	}
	return lt.classify(ctx, w, gw)
}

// liveTest is one run of LiveRunner.Run: what it set up and what it has
// learned so far.
type liveTest struct {
	r      *LiveRunner
	cfg    LiveConfig
	t      Target
	res    Result
	rep    *LiveReport
	stream string

	sig    *live.Signal
	media  *Media
	status LiveStatusReader

	sent    *sentLog
	pubDone chan error // the publisher's end
	// outputSeen closes at the first output frame: until then a gateway
	// that says "no capacity" or drops the publisher ends the test early.
	outputSeen chan struct{}
	// inReady and outReady are when the media server marked the input
	// and the output ready, asked at the first output frame (zero if
	// unknown).
	readyWG           sync.WaitGroup
	inReady, outReady time.Time
}

func (r *LiveRunner) newLiveTest(t Target, attempt int) *liveTest {
	cfg := r.Config.withDefaults()
	stream := newStreamName()
	lt := &liveTest{r: r, cfg: cfg, t: t, stream: stream, sent: newSentLog(), pubDone: make(chan error, 1),
		outputSeen: make(chan struct{}),
		res:        Result{Target: t, Lane: "live", Attempt: attempt, StartedAt: time.Now()},
		rep: &LiveReport{Stream: stream, StreamID: stream, SignalWidth: cfg.Signal.Width, SignalHeight: cfg.Signal.Height,
			SignalFPS: cfg.Signal.FPS, Duration: cfg.Duration}}
	lt.res.Live = lt.rep
	return lt
}

// finish classifies the test as o, for the reason msg.
func (lt *liveTest) finish(o models.Outcome, msg string) Result {
	res := &lt.res
	if lt.media != nil {
		msg = lt.media.Redact(msg) // an error may quote a URL with the credentials
	}
	res.Outcome, res.Error, res.FinishedAt = o, cleanText(msg), time.Now()
	if res.RoundTrip == 0 && o != models.OutcomeTesterError {
		// No output: the compatible record's round-trip time is the
		// time waited in vain, never 0, which would rank as fast.
		res.RoundTrip = res.FinishedAt.Sub(res.StartedAt)
	}
	return *res
}

// prepare builds the query, the signal and the clients the test needs;
// a message says what is missing.
func (lt *liveTest) prepare() string {
	params, err := liveParams(lt.cfg.Signal, lt.cfg.Params)
	if err != nil {
		return err.Error()
	}
	lt.rep.Params = params
	lt.rep.Query = liveQuery(lt.t.Capability.Model, lt.stream, lt.t.URI, params)
	lt.res.Input = describeLiveInput(lt.t, lt.rep)
	if lt.sig, err = live.NewSignal(lt.cfg.Signal); err != nil {
		return "test signal: " + err.Error()
	}
	if lt.media, err = lt.r.media(); err != nil {
		return "media server: " + err.Error()
	}
	lt.status = lt.r.Status
	if lt.status == nil {
		if lt.r.Lane == nil || lt.r.Lane.Client == nil {
			return "no live gateway configured"
		}
		lt.status = GatewayLiveStatus(lt.r.Lane.Client)
	}
	return ""
}

// publish starts publishing the signal and waits for its first frame to be
// handed to the media server; a message says why it was not.
func (lt *liveTest) publish(ctx, testCtx, pubCtx context.Context) string {
	go func() {
		lt.pubDone <- lt.sig.Publish(pubCtx, lt.media.PublishURL(lt.stream, lt.rep.Query), lt.sent.add)
	}()
	// The clock of the test starts with the first frame handed to the media
	// server, not with the dial: the startup latency is the network's.
	select {
	case <-lt.sent.first:
	case err := <-lt.pubDone:
		lt.pubDone <- err
		if ctx.Err() != nil {
			return "test cancelled: the sweep was stopped"
		}
		if lt.media.HasCredentials() {
			return fmt.Sprintf("could not publish the test signal to the media server (authentication failed? it may refuse the credentials in media_server): %v", orNil(err))
		}
		return fmt.Sprintf("could not publish the test signal to the media server: %v", orNil(err))
	case <-testCtx.Done():
		if ctx.Err() != nil {
			return "test cancelled: the sweep was stopped"
		}
		return "the media server took no frame of the test signal"
	}
	lt.rep.PublishStart, _ = lt.sent.get(0)
	return ""
}

// anaResult is what the analyzer made of the output.
type anaResult struct {
	rep analyzer.Report
	err error
}

// analyze reads and measures the output in the background.
func (lt *liveTest) analyze(ctx context.Context) <-chan anaResult {
	done := make(chan anaResult, 1)
	go func() {
		// The first frame ends the wait on the gateway's signs of failure;
		// the frames also feed the admin's live preview.
		opt := analyzer.Options{URL: lt.media.ReadURL(lt.stream + "-out"), PublishStart: lt.rep.PublishStart,
			Signal: lt.sig, Sent: lt.sent.get, FirstFrameTimeout: lt.cfg.FirstOutputTimeout, Duration: lt.cfg.Duration,
			FreezeThreshold: lt.cfg.FreezeThreshold, OnFirstFrame: func(time.Time) {
				close(lt.outputSeen)
				lt.askReady(ctx)
			}}
		if p := lt.r.Previews; p != nil {
			opt.OnFrame = func(img *image.YCbCr, at time.Time) { p.Frame(lt.stream, img, at) }
		}
		m, err := analyzer.Analyze(ctx, opt)
		done <- anaResult{m, err}
	}()
	return done
}

// waited is how the wait for the analyzer ended.
type waited struct {
	ana      anaResult
	gaveUp   string // why the runner stopped waiting for output
	pubErr   error
	pubEnded bool
}

// await waits for the analyzer, stopping it early when the gateway says it
// has no orchestrator or drops the publisher before any output.
func (lt *liveTest) await(testCtx context.Context, watch *statusWatch, anaDone <-chan anaResult, stopAna func()) waited {
	var w waited
	var grace <-chan time.Time
	unavail := watch.unavail
	pubDone := lt.pubDone
	for {
		select {
		case w.ana = <-anaDone:
			return w
		case <-unavail:
			unavail = nil
			if snap, _, _ := watch.result(); !isClosed(lt.outputSeen) {
				w.gaveUp = "the gateway found no orchestrator for the stream: " + snap.StatusError
				stopAna()
			}
		case w.pubErr = <-pubDone:
			w.pubEnded = true
			pubDone = nil
			if !isClosed(lt.outputSeen) && testCtx.Err() == nil {
				grace = time.After(lt.cfg.KickGrace)
			}
		case <-grace:
			grace = nil
			if !isClosed(lt.outputSeen) {
				w.gaveUp = "the gateway dropped the stream before any output"
				stopAna()
			}
		}
	}
}

// gatewayView is whether the gateway answered the status polls at all.
type gatewayView struct {
	answered bool
	askErr   error // the last failure to ask
}

// classify turns what the test saw into its outcome and verdict.
func (lt *liveTest) classify(ctx context.Context, w waited, gw gatewayView) Result {
	rep, ana, snap := lt.rep, w.ana, lt.rep.Status
	rep.Metrics = ana.rep
	join := lt.startupFromGateway()
	rep.InputFPS = lt.sent.pace()
	rep.Tester = testerView(rep, lt.sent)
	rep.Tester.ReaderJoin = join.Seconds()
	rep.Output = ana.err == nil && ana.rep.Frames > 0
	if rep.Output {
		lt.res.RoundTrip = rep.Metrics.StartupLatency()
	}
	switch {
	case rep.Output:
	case w.gaveUp != "":
		if err := lt.media.Check(ctx); err != nil {
			return lt.finish(models.OutcomeTesterError, "media server unreachable: "+err.Error())
		}
		if msg := lt.queryLost(gw); msg != "" {
			return lt.finish(models.OutcomeTesterError, msg)
		}
		gaveUp := w.gaveUp
		if snap.StatusError != "" && !strings.Contains(gaveUp, snap.StatusError) {
			gaveUp += ": " + snap.StatusError
		}
		return lt.finish(models.OutcomeUnavailable, gaveUp)
	case errors.Is(ana.err, analyzer.ErrNoOutput):
		return lt.noOutput(ctx, gw)
	case ana.err != nil && ana.rep.Frames > 0:
		// The output began, then broke other than by ending. Our media
		// server only relays bytes: if it is fine, the stream it was sent
		// was broken.
		rep.Output = true
		if err := lt.media.Check(ctx); err != nil {
			return lt.finish(models.OutcomeTesterError, "media server failed during the test: "+err.Error())
		}
		lt.res.RoundTrip = rep.Metrics.StartupLatency()
		rep.Verdict = scoring.Live(liveMeasure(rep))
		if msg := testerFault(rep); msg != "" {
			return lt.finish(models.OutcomeTesterError, msg)
		}
		return lt.finish(models.OutcomeFail, "output broke: "+ana.err.Error())
	case ana.err != nil:
		return lt.finish(models.OutcomeTesterError, "reading the output: "+ana.err.Error())
	default:
		return lt.finish(models.OutcomeFail, fmt.Sprintf("no output within %s", lt.cfg.FirstOutputTimeout))
	}
	if w.pubErr != nil && ana.rep.Ended {
		// The input went first: was it our media server?
		if err := lt.media.Check(ctx); err != nil {
			return lt.finish(models.OutcomeTesterError, "media server failed during the test: "+err.Error())
		}
	}
	rep.Verdict = scoring.Live(liveMeasure(rep))
	if msg := testerFault(rep); msg != "" {
		// What the output showed may mirror our own stall: void.
		return lt.finish(models.OutcomeTesterError, msg)
	}
	if !rep.Verdict.Pass {
		return lt.finish(models.OutcomeFail, describeFlags(rep))
	}
	return lt.finish(models.OutcomePass, "")
}

// noOutput classifies a test whose output never came: the gateway's
// capacity, the gateway or our media server, or else the orchestrator.
func (lt *liveTest) noOutput(ctx context.Context, gw gatewayView) Result {
	snap := lt.rep.Status
	if isUnavailableText(snap.StatusError) {
		return lt.finish(models.OutcomeUnavailable, "the gateway found no orchestrator for the stream: "+snap.StatusError)
	}
	if !gw.answered && gw.askErr != nil {
		// Not one status answer: the gateway itself is unreachable, so
		// nothing is known about the orchestrator.
		return lt.finish(models.OutcomeTesterError, "live gateway unreachable: "+gw.askErr.Error())
	}
	if err := lt.media.Check(ctx); err != nil {
		return lt.finish(models.OutcomeTesterError, "media server unreachable: "+err.Error())
	}
	msg := fmt.Sprintf("no output within %s", lt.cfg.FirstOutputTimeout)
	if snap.StatusError != "" {
		msg += "; gateway error: " + snap.StatusError
	} else if snap.StatusState != "" {
		msg += "; gateway state " + snap.StatusState
	}
	// No void here: a tester that fell behind by a second cannot hide a
	// minute of missing output.
	lt.rep.Verdict = scoring.Live(liveMeasure(lt.rep))
	return lt.finish(models.OutcomeFail, msg)
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
