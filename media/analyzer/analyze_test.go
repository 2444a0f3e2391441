package analyzer

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"sync"
	"testing"
	"time"

	"jobtester/media/live"
	"jobtester/media/mediaserver"
	"jobtester/scoring"
)

// chain is a live stream on loopback: the embedded media server, media/live's
// test signal published to <base>/in, and a relay playing the model from
// <base>/in to <base>/in-out.
type chain struct {
	base string
	sig  *live.Signal

	mu    sync.Mutex
	sent  []time.Time
	start time.Time
	// counts are the relay's: what it published, and how late beyond the
	// latency it was told to add (on a busy machine it falls behind).
	counts live.RelayCounts
}

// newChain starts the server, the publisher and the relay; everything stops
// with the test.
func newChain(t *testing.T, relay live.RelayOptions) *chain {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := mediaserver.Start(ctx, mediaserver.Config{RTMPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	// A small, fast signal keeps the chain cheap on a shared machine; a
	// flash every second gives several per run.
	cfg := live.DefaultSignalConfig()
	cfg.Width, cfg.Height, cfg.FlashEvery = 256, 256, time.Second
	sig, err := live.NewSignal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &chain{base: "rtmp://" + srv.RTMPAddr() + "/live", sig: sig}
	relay.Counts = &c.counts
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		_ = srv.Close()
	})
	c.start = time.Now()
	wg.Go(func() {
		err := sig.Publish(ctx, c.base+"/in?pipeline=test&streamId=s", func(n int, at time.Time) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if n == len(c.sent) {
				c.sent = append(c.sent, at)
			}
		})
		if err != nil && ctx.Err() == nil {
			t.Errorf("publish: %v", err)
		}
	})
	wg.Go(func() {
		if err := live.Relay(ctx, c.base+"/in", c.base+"/in-out", relay, nil); err != nil && ctx.Err() == nil {
			t.Errorf("relay: %v", err)
		}
	})
	return c
}

// arrivalRates bound the frame rate the analyzer can see on arrival: at
// least what the relay delivered (its rate in the window, at most the
// nominal fps), and at most that rate over the part of the window after
// the reader joined. A reader that joined late (join) gets the frames it
// missed in a burst: they were delivered over the whole window but arrive
// over less of it.
func (c *chain) arrivalRates(r Report, w live.RelayWindow, fps float64) (delivered, most float64) {
	join := max(r.StartupLatency()-c.firstWrite(), 0)
	return min(w.Rate, fps), max(w.Rate, fps) * r.Observed().Seconds() / (r.Observed() - join).Seconds()
}

// firstWrite is when the relay first wrote, after the publish started.
func (c *chain) firstWrite() time.Duration {
	return c.counts.Window(time.Time{}, time.Now()).First.Sub(c.start)
}

// logReport shows what was measured in go test -v output.
func logReport(t *testing.T, r Report) {
	t.Helper()
	r.Thumbnail = r.Thumbnail[:0]
	t.Logf("%+v", r)
}

// relayWindow keeps what the relay published while the analyzer measured:
// from the first frame the analyzer sees (less a margin for the transport)
// to stop.
type relayWindow struct {
	c        *chain
	mu       sync.Mutex
	from, to time.Time
}

func (c *chain) relayWindow(opt *Options) *relayWindow {
	o := &relayWindow{c: c}
	opt.OnFirstFrame = func(at time.Time) {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.from = at
	}
	return o
}

func (o *relayWindow) stop() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.to = time.Now()
}

func (o *relayWindow) get() live.RelayWindow {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.c.counts.Window(o.from.Add(-100*time.Millisecond), o.to)
}

func (c *chain) sentAt(n int) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n < 0 || n >= len(c.sent) {
		return time.Time{}, false
	}
	return c.sent[n], true
}

// void says why the analysis cannot be judged because the tester itself
// fell behind (the live runner's rule, scoring.LiveTesterFault: its send
// pace and stalls, its reader's hold), or "".
func (c *chain) void(r Report) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var gap time.Duration
	for i := 1; i < len(c.sent); i++ {
		gap = max(gap, c.sent[i].Sub(c.sent[i-1]))
	}
	pace := 0.0
	if n := len(c.sent); n > 1 {
		pace = float64(n-1) / c.sent[n-1].Sub(c.sent[0]).Seconds()
	}
	why := scoring.LiveTesterFault(scoring.LiveTester{SignalFPS: float64(c.sig.Config().FPS), SentFPS: pace,
		MaxSendGap: gap.Seconds(), ReaderHold: r.Reader.MaxHold.Seconds(), ReaderBusy: r.Reader.Busy})
	return why
}

// stalled is how long the publisher's gaps longer than 100 ms lasted in
// all: output that mirrors them is no freeze (stalls.go).
func (c *chain) stalled() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var d time.Duration
	for i := 1; i < len(c.sent); i++ {
		if g := c.sent[i].Sub(c.sent[i-1]); g > minStall {
			d += g
		}
	}
	return d
}

func (c *chain) options(d time.Duration) Options {
	return Options{URL: c.base + "/in-out", PublishStart: c.start, Signal: c.sig, Sent: c.sentAt,
		FirstFrameTimeout: 10 * time.Second, Duration: d}
}

// The relay's own coding (decode, x264 encode) and the reader's decode add
// a little to the latency it is told to add.
const codingSlack = 100 * time.Millisecond

func TestAnalyzeMeasuresAStylizedStream(t *testing.T) {
	t.Parallel()
	const added = 300 * time.Millisecond
	c := newChain(t, live.RelayOptions{Effect: live.EffectStylize, AddedLatency: added})
	opt := c.options(4 * time.Second)
	win := c.relayWindow(&opt)
	r, err := Analyze(context.Background(), opt)
	win.stop()
	w := win.get()
	logReport(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if r.Width != 256 || r.Height != 256 {
		t.Errorf("size %dx%d", r.Width, r.Height)
	}
	if r.PassThrough || r.Freezes != 0 || r.BlackFrames != 0 || r.Ended {
		t.Errorf("pass-through %v freezes %d black %d ended %v", r.PassThrough, r.Freezes, r.BlackFrames, r.Ended)
	}
	if why := c.void(r); why != "" {
		t.Skipf("void, the tester fell behind: %s", why)
	}
	// The timestamps say the input's rate under any load; on arrival the
	// output cannot beat the relay, which restyles in Go and may fall
	// behind real time on a busy machine.
	delivered, most := c.arrivalRates(r, w, 30)
	if !within(r.FPSFromPTS, 30, 1) || r.FPSMean > most+1 || r.FPSMean < delivered-1.5 {
		t.Errorf("fps %.2f (pts %.2f), want 30±1 by timestamps and the relay's %.2f on arrival", r.FPSMean, r.FPSFromPTS, delivered)
	}
	// Startup: never before the relay's first write (its own record).
	// How much later is the reader's own join, which a busy machine
	// delays (the live runner reads the media server's record instead).
	firstWrite := c.firstWrite()
	if s := r.StartupLatency(); s < added || s < firstWrite-time.Millisecond {
		t.Errorf("startup %v, the relay's first write %v after the publish start", s, firstWrite)
	}
	// Never less than added; above it, the relay's own lateness (at most
	// its latest in the window) and the coding. A flash a second of the
	// input the relay delivered (one that fell behind delivers less).
	if e := r.E2ELatency(); e < added || e > added+w.MaxLate+codingSlack || r.FlashesMatched < min(3, (w.Frames-15)/30) {
		t.Errorf("e2e %v over %d flashes, want %v plus the relay's %v (at most %v) and coding", e, r.FlashesMatched, added, w.MeanLate, w.MaxLate)
	}
	// The flashes are a few samples of the arrival delay, the counter
	// many: they agree within the arrivals' own spread (the jitter, which
	// a busy machine widens) and the relay's drift in lateness.
	agree := 40*time.Millisecond + 2*time.Duration(r.JitterMS*float64(time.Millisecond)) + w.MaxLate - w.MeanLate
	if r.CounterFrames < r.Frames/2 || absDur(r.CounterLatency()-r.E2ELatency()) > agree {
		t.Errorf("counter read on %d of %d frames, latency %v vs flashes %v", r.CounterFrames, r.Frames, r.CounterLatency(), r.E2ELatency())
	}
	if r.Compared < min(10, r.Frames/4) { // a probe each 250 ms, fewer when the relay fell behind
		t.Errorf("stylized output: %d frames compared with the input (similarity %.2f, diff %.1f)", r.Compared, r.InputSimilarity, r.InputDiff)
	}
	if r.Reader.MaxHold <= 0 || r.Reader.Busy <= 0 {
		t.Errorf("reader load %+v: the reader's own time per frame was not measured", r.Reader)
	}
	if !withinDur(r.Observed(), 4*time.Second, 0) {
		t.Errorf("observed %v, want 4s", r.Observed())
	}
	if img, err := jpeg.Decode(bytes.NewReader(r.Thumbnail)); err != nil || img.Bounds().Dx() != 256 {
		t.Errorf("thumbnail: %v", err)
	}
}

func TestAnalyzeFlagsPassThrough(t *testing.T) {
	t.Parallel()
	c := newChain(t, live.RelayOptions{Effect: live.EffectNone})
	r, err := Analyze(context.Background(), c.options(3*time.Second))
	logReport(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if !r.PassThrough || r.InputSimilarity < 0.9 {
		t.Errorf("pass-through %v (similarity %.2f, diff %.1f over %d)", r.PassThrough, r.InputSimilarity, r.InputDiff, r.Compared)
	}
}

func TestAnalyzeSeesBlackOutput(t *testing.T) {
	t.Parallel()
	c := newChain(t, live.RelayOptions{Effect: live.EffectBlack})
	r, err := Analyze(context.Background(), c.options(2*time.Second))
	logReport(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if r.BlackFraction < 0.99 || r.PassThrough || r.FlashesSeen != 0 || r.CounterFrames != 0 {
		t.Errorf("black %.2f pass-through %v flashes %d counter %d", r.BlackFraction, r.PassThrough, r.FlashesSeen, r.CounterFrames)
	}
}

func TestAnalyzeSeesAFreezeAndAReducedRate(t *testing.T) {
	t.Parallel()
	c := newChain(t, live.RelayOptions{OutputFPS: 15, FreezeAfter: 1500 * time.Millisecond})
	opt := c.options(4 * time.Second)
	win := c.relayWindow(&opt)
	r, err := Analyze(context.Background(), opt)
	win.stop()
	w := win.get()
	logReport(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if r.Freezes > 1 || r.FreezeTotal() > 2650*time.Millisecond {
		t.Errorf("freezes %d total %v, want at most 1 of 2.5s", r.Freezes, r.FreezeTotal())
	}
	if why := c.void(r); why != "" {
		t.Skipf("void, the tester fell behind: %s", why)
	}
	// 15 fps by timestamps; on arrival what the relay published (faster
	// than 15 while it catches up, and faster still for a reader that
	// joined late).
	delivered, most := c.arrivalRates(r, w, 15)
	if !within(r.FPSFromPTS, 15, 1) || r.FPSMean > most+1 || r.FPSMean < delivered-1 {
		t.Errorf("fps %.2f (pts %.2f), want 15 and the relay's %.2f (at most %.2f for a late join)", r.FPSMean, r.FPSFromPTS, w.Rate, most)
	}
	// Frozen from 1.5 s after the relay's first write, seen as late as
	// the relay's own lateness makes it, to the end at 4 s; less what
	// mirrors our own send gaps, which the analyzer leaves out.
	if r.Freezes != 1 || r.FreezeTotal() < 2350*time.Millisecond-w.MaxLate-c.stalled() {
		t.Errorf("freezes %d total %v, want 1 of 2.5s less the relay's lateness %v and our stalls %v", r.Freezes, r.FreezeTotal(), w.MaxLate, c.stalled())
	}
}

func TestAnalyzeReportsAStreamThatEnds(t *testing.T) {
	t.Parallel()
	c := newChain(t, live.RelayOptions{DropAfter: 1500 * time.Millisecond})
	opt := c.options(5 * time.Second)
	win := c.relayWindow(&opt)
	r, err := Analyze(context.Background(), opt)
	win.stop()
	logReport(t, r)
	if err != nil {
		t.Fatal(err)
	}
	// The relay's own record: it closed at its first write 1.5 s or more
	// after its first (later when it fell behind on a busy machine).
	all := c.counts.Window(time.Time{}, time.Now())
	closed, out := c.counts.Closed(), c.counts.Out.Load()
	if closed.Sub(all.First) < 1500*time.Millisecond || closed.Before(all.Last) {
		t.Fatalf("relay record: last write %v and close %v after the first", all.Last.Sub(all.First), closed.Sub(all.First))
	}
	// The analyzer's clock starts at the first frame's arrival; it sees
	// the end after the relay closed, later by no more than the end's own
	// delivery and a frame its reader held.
	win.mu.Lock()
	arrived := win.from
	win.mu.Unlock()
	want := closed.Sub(arrived)
	if !r.Ended || r.EndedAfter() < want-time.Millisecond || r.EndedAfter() > want+endSlack+r.Reader.MaxHold {
		t.Errorf("ended %v after %v; the relay closed %v after the first frame arrived", r.Ended, r.EndedAfter(), want)
	}
	// Every frame the relay published was read (a relay that fell
	// behind drains its queue fast before it closes: more than 45).
	if !within(float64(r.Frames), float64(out), 2) || out < 2 {
		t.Errorf("frames %d, the relay published %d: want all of them", r.Frames, out)
	}
}

// endSlack is how long the end of a stream may take to reach the reader
// after the relay closed its output: the media server's teardown and the
// reader's wake-up, on a busy machine.
const endSlack = 300 * time.Millisecond

func TestAnalyzeWithoutOutput(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := mediaserver.Start(ctx, mediaserver.Config{RTMPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	url := "rtmp://" + srv.RTMPAddr() + "/live/nobody-out"
	_, err = Analyze(context.Background(), Options{URL: url, FirstFrameTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrNoOutput) {
		t.Errorf("err = %v, want ErrNoOutput", err)
	}
	// The caller's cancellation is not "no output".
	cctx, ccancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer ccancel()
	_, err = Analyze(cctx, Options{URL: url, FirstFrameTimeout: time.Minute})
	if errors.Is(err, ErrNoOutput) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	if _, err := Analyze(context.Background(), Options{URL: "http://example.com/x"}); err == nil || errors.Is(err, ErrNoOutput) {
		t.Errorf("err = %v for a URL that is not RTMP", err)
	}
}
