package simnet

import (
	"context"
	"errors"
	"image"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"jobtester/media/live"
	"jobtester/media/mediaserver"
	"jobtester/testutil"
)

// These tests run the whole live path on loopback: the embedded media
// server, the test signal published to it, the simulated gateway called by
// the server's start hook, and an orchestrator's relay pulling the stream
// and publishing <stream>-out back. Each runs at most one relay, on a small
// signal, for a few seconds: decode and encode are real CPU.

// liveRig is a simulated network with a media server whose start hook
// calls its gateway, and whose API the gateway kicks publishers through.
type liveRig struct {
	n   *Network
	srv *mediaserver.Server
	sig *live.Signal
}

// freePort returns a loopback port that was free a moment ago: the gateway
// must know the media server's API port before the server, which needs the
// gateway's URL, can start.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func startLiveRig(t *testing.T, sc Scenario) *liveRig {
	t.Helper()
	apiPort := freePort(t)
	sc.Gateways = []GatewaySpec{{Name: "gw", MediaMTXAPIPort: apiPort}}
	n := startNet(t, sc)
	srv, err := mediaserver.Start(t.Context(), mediaserver.Config{
		RTMPAddr: "127.0.0.1:0", APIAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(apiPort)),
		GatewayURL: n.Gateways()[0].HTTPURL,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("media server: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := live.DefaultSignalConfig()
	cfg.Width, cfg.Height, cfg.FlashEvery = 256, 256, time.Second
	sig, err := live.NewSignal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &liveRig{n: n, srv: srv, sig: sig}
}

func (r *liveRig) url(stream, query string) string {
	u := "rtmp://" + r.srv.RTMPAddr() + "/" + stream
	if query != "" {
		u += "?" + query
	}
	return u
}

// publisher is the test signal being published; done is closed when
// Publish returned, with its error in err.
type publisher struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
	mu     sync.Mutex
	sent   []time.Time // when each frame was handed to the connection
}

// pace is the frames per second the publisher handed to the connection
// over the last window.
func (p *publisher) pace(window time.Duration) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	since := time.Now().Add(-window)
	n := 0
	for i := len(p.sent) - 1; i >= 0 && p.sent[i].After(since); i-- {
		n++
	}
	return float64(n) / window.Seconds()
}

func (r *liveRig) publish(t *testing.T, stream, query string) *publisher {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	p := &publisher{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.err = r.sig.Publish(ctx, r.url(stream, query), func(_ int, sent time.Time) {
			p.mu.Lock()
			p.sent = append(p.sent, sent)
			p.mu.Unlock()
		})
	}()
	t.Cleanup(func() { p.stop() })
	return p
}

// stop ends the publish and returns Publish's error.
func (p *publisher) stop() error {
	p.cancel()
	<-p.done
	return p.err
}

// liveQuery is the query a tester publishes with.
func liveQuery(model, streamID, pin, params string) string {
	q := "pipeline=" + url.QueryEscape(model) + "&streamId=" + url.QueryEscape(streamID)
	if pin != "" {
		q += "&orchestrator=" + url.QueryEscape(pin)
	}
	if params != "" {
		q += "&params=" + url.QueryEscape(params)
	}
	return q
}

// waitStatus polls /status until cond holds.
func waitStatus(t *testing.T, n *Network, streamID, what string, cond func(liveStatus) bool) liveStatus {
	t.Helper()
	var last liveStatus
	testutil.Eventually(t, what, func() bool {
		status, st := liveStatusOf(t, n, streamID)
		last = st
		return status == http.StatusOK && cond(st)
	})
	return last
}

// chromaDiff is the mean absolute difference of two frames' chroma.
func chromaDiff(a, b *image.YCbCr) float64 {
	var sum, n int
	for _, p := range [][2][]byte{{a.Cb, b.Cb}, {a.Cr, b.Cr}} {
		for i := range min(len(p[0]), len(p[1])) {
			d := int(p[0][i]) - int(p[1][i])
			if d < 0 {
				d = -d
			}
			sum += d
			n++
		}
	}
	return float64(sum) / float64(max(n, 1))
}

func TestLiveStreamThroughThePinnedOrchestrator(t *testing.T) {
	t.Parallel()
	honest := LiveProfile{StartupDelay: Duration(300 * time.Millisecond), AddedLatency: Duration(100 * time.Millisecond)}
	r := startLiveRig(t, Scenario{Orchestrators: []OrchestratorSpec{
		{Name: "painter", Models: []ModelSpec{liveModel("streamdiffusion", honest)}},
		{Name: "other", Models: []ModelSpec{liveModel("streamdiffusion", honest)}},
	}})
	painter := orchByName(t, r.n, "painter")
	params := `{"prompt":"a watercolour fox, 4k","width":256,"height":256,"t_index_list":[3,8]}`
	query := liveQuery("streamdiffusion", "fox-1", painter.ServiceURI, params)
	pub := r.publish(t, "fox", query)

	// <stream>-out carries stylized frames of the signal.
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	var frames, stylized, counted int
	readErr := live.ReadH264(ctx, r.url("fox-out", ""), nil, func(img *image.YCbCr, _ time.Duration, _ time.Time) {
		frames++
		if n, ok := r.sig.ReadCounter(img); ok {
			counted++
			if chromaDiff(img, r.sig.Frame(n)) > 15 {
				stylized++
			}
		}
		if frames == 45 {
			cancel()
		}
	})
	if frames < 45 {
		t.Fatalf("read %d output frames: %v", frames, readErr)
	}
	if counted < 40 || stylized < counted*9/10 {
		t.Errorf("%d frames: counter read on %d, %d of them stylized", frames, counted, stylized)
	}

	st := waitStatus(t, r.n, "fox-1", "ONLINE", func(st liveStatus) bool { return st.State == "ONLINE" })
	if st.OrchestratorInfo == nil || st.OrchestratorInfo.Address != painter.Address || st.OrchestratorInfo.URL != painter.ServiceURI {
		t.Errorf("orchestrator_info %+v, want %s at %s", st.OrchestratorInfo, painter.Address, painter.ServiceURI)
	}
	if st.Type != "status" || st.Pipeline != "streamdiffusion" || st.StreamID != "fox-1" || st.InferenceStatus == nil ||
		st.InferenceStatus.LastParams["prompt"] != "a watercolour fox, 4k" || st.InferenceStatus.LastParamsHash == "" || st.GatewayStatus.Error != nil {
		t.Errorf("status %+v", st)
	}

	// The rates in /status are counted from the relay's frames, not taken
	// from the profile: in about the pace the publisher sent at (30 fps on
	// a quiet machine), and out what the relay kept up with. Both are
	// judged against the publisher's own recent pace, so a machine too busy
	// to publish 30 fps does not fail the test.
	waitStatus(t, r.n, "fox-1", "measured frame rates", func(st liveStatus) bool {
		in, out := st.InputStatus.FPS, st.InferenceStatus.FPS
		pace := pub.pace(4 * time.Second)
		return in > 0.6*pace && in < 1.2*pace+3 && out > pace/3 && out <= in+3
	})

	// The gateway saw the query exactly as the tester sent it.
	tr := liveTruthOf(t, r.n, "fox")
	if tr.Query != query || tr.Params != params || tr.Pipeline != "streamdiffusion" || tr.StreamID != "fox-1" || tr.OrchestratorPin != painter.ServiceURI {
		t.Errorf("gateway saw query %q (params %q, pin %q); sent %q", tr.Query, tr.Params, tr.OrchestratorPin, query)
	}
	if tr.SourceType != "rtmpConn" || tr.SourceID == "" || tr.Orchestrator != painter.Address || tr.FirstOutput == nil || tr.Profile == nil || tr.Profile.StartupDelayMS != 300 {
		t.Errorf("truth %+v", tr)
	}
	if want := r.url("fox-out", ""); tr.OutputURL != want {
		t.Errorf("output URL %q, want %q", tr.OutputURL, want)
	}

	// One stream fills the painter's capacity: a second one pinned to it
	// is refused as the real orchestrator refuses it.
	pub2 := r.publish(t, "fox2", liveQuery("streamdiffusion", "fox-2", painter.ServiceURI, ""))
	st2 := waitStatus(t, r.n, "fox-2", "a capacity error", func(st liveStatus) bool { return st.GatewayStatus.Error != nil })
	if !strings.Contains(st2.GatewayStatus.Error.ErrorMessage, "OrchestratorCapped") {
		t.Errorf("second stream: %+v", st2.GatewayStatus.Error)
	}
	pub2.stop()

	// The stream ends with its input.
	if err := pub.stop(); err != nil {
		t.Errorf("publish: %v", err)
	}
	testutil.Eventually(t, "the stream to end", func() bool { return liveTruthOf(t, r.n, "fox").Ended != nil })
	if st := waitStatus(t, r.n, "fox-1", "OFFLINE", func(st liveStatus) bool { return st.State == "OFFLINE" }); st.InferenceStatus.FPS != 0 {
		t.Errorf("offline status %+v", st)
	}
	// The orchestrator logs the stream once its relay has ended.
	var ran []Request
	testutil.Eventually(t, "the request log", func() bool {
		ran = nil
		for _, q := range r.n.Requests() {
			if q.Pipeline == liveRoute && q.Outcome == OutcomeOK {
				ran = append(ran, q)
			}
		}
		return len(ran) > 0
	})
	if len(ran) != 1 || ran[0].Orchestrator != painter.Address || ran[0].RequestID != tr.RequestID {
		t.Errorf("request log %+v", ran)
	}
}

// TestLiveCappedPinGivesNoOutput: the pinned orchestrator is capped, so the
// gateway records OrchestratorCapped, kicks the publisher through the media
// server's API, and <stream>-out never appears.
func TestLiveCappedPinGivesNoOutput(t *testing.T) {
	t.Parallel()
	r := startLiveRig(t, liveScenario())
	capped := orchByName(t, r.n, "capped")
	pub := r.publish(t, "cam", liveQuery("streamdiffusion", "cam-1", capped.ServiceURI, `{"prompt":"x"}`))

	st := waitStatus(t, r.n, "cam-1", "an error", func(st liveStatus) bool { return st.GatewayStatus.Error != nil })
	if msg := st.GatewayStatus.Error.ErrorMessage; !strings.Contains(msg, msgNoOrchestrators) || !strings.Contains(msg, "OrchestratorCapped") {
		t.Errorf("error %q", msg)
	}
	if st.State != "" || st.OrchestratorInfo != nil {
		t.Errorf("status of a stream nobody runs: %+v", st)
	}
	// The kick ends the publish with an error, long before its deadline.
	select {
	case <-pub.done:
		if pub.err == nil {
			t.Error("the publisher was not disconnected")
		}
	case <-time.After(10 * time.Second):
		t.Error("the publisher is still connected")
	}
	if tr := liveTruthOf(t, r.n, "cam"); !tr.Kicked || tr.Orchestrator != "" {
		t.Errorf("truth %+v", tr)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if err := r.srv.WaitPublished(ctx, "cam-out"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cam-out: %v", err)
	}
}

// TestLiveDropEndsTheOutputWhileInputFlows: a model that drops its output
// closes <stream>-out while the tester still publishes, and the runner's
// status turns ERROR 5 s later, as ai-runner's guardian reports it.
func TestLiveDropEndsTheOutputWhileInputFlows(t *testing.T) {
	t.Parallel()
	r := startLiveRig(t, Scenario{Orchestrators: []OrchestratorSpec{
		{Name: "dropper", Models: []ModelSpec{liveModel("streamdiffusion", LiveProfile{DropAfter: Duration(time.Second)})}},
	}})
	pub := r.publish(t, "drop", liveQuery("streamdiffusion", "drop-1", "", ""))

	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	var first, last time.Time
	err := live.ReadH264(ctx, r.url("drop-out", ""), nil, func(_ *image.YCbCr, _ time.Duration, at time.Time) {
		if first.IsZero() {
			first = at
		}
		last = at
	})
	if !errors.Is(err, io.EOF) || first.IsZero() {
		t.Fatalf("read drop-out: %v", err)
	}
	// The reader sees the output end, but when its frames arrive depends on
	// how busy the machine is: a late first frame makes the output look
	// shorter than it was. How long the relay sent for is judged below on
	// the relay's own record; here only that nothing came well after it.
	if d := last.Sub(first); d > 2*time.Second {
		t.Errorf("output lasted %v as read, want about 1s", d)
	}
	select {
	case <-pub.done:
		t.Fatalf("the input ended too: %v", pub.err)
	default:
	}
	// The relay records its end just after it closed the output.
	testutil.Eventually(t, "the relay to end", func() bool { return liveTruthOf(t, r.n, "drop").Ended != nil })
	tr := liveTruthOf(t, r.n, "drop")
	if !tr.Dropped || tr.Ended == nil || tr.EndError != msgOutputStopped {
		t.Fatalf("truth %+v", tr)
	}
	if tr.FirstOutput == nil || tr.Ended.Sub(*tr.FirstOutput) < time.Second || tr.Ended.Sub(*tr.FirstOutput) > 2*time.Second {
		t.Errorf("the relay sent output from %v to %v, want for about 1s", tr.FirstOutput, tr.Ended)
	}
	if _, st := liveStatusOf(t, r.n, "drop-1"); st.State != "ONLINE" {
		t.Errorf("state %q right after the drop, want ONLINE until the runner notices", st.State)
	}
	st := waitStatus(t, r.n, "drop-1", "ERROR", func(st liveStatus) bool { return st.State == "ERROR" })
	if st.InferenceStatus.LastError == nil || *st.InferenceStatus.LastError != msgOutputStopped || st.InferenceStatus.FPS != 0 {
		t.Errorf("status %+v", st.InferenceStatus)
	}
}

// BenchmarkLiveStream512 runs one live stream at 512×512@30 for 5 s per
// iteration through the whole loopback path — the signal's encode, the
// media server, the relay's decode, stylize and encode, and a reader's
// decode of <stream>-out — and reports the process's CPU time as % of one
// core (cpu%) and the output frames read per second (fps).
func BenchmarkLiveStream512(b *testing.B) {
	sc := Scenario{Gateways: []GatewaySpec{{Name: "gw"}}, Orchestrators: []OrchestratorSpec{
		{Name: "painter", Models: []ModelSpec{liveModel("streamdiffusion", LiveProfile{})}},
	}}
	n, err := Start(b.Context(), sc, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	srv, err := mediaserver.Start(b.Context(), mediaserver.Config{RTMPAddr: "127.0.0.1:0", GatewayURL: n.Gateways()[0].HTTPURL})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	sig, err := live.NewSignal(live.DefaultSignalConfig())
	if err != nil {
		b.Fatal(err)
	}
	const streamFor = 5 * time.Second
	var cpu time.Duration
	frames := 0
	b.ResetTimer()
	for i := range b.N {
		stream := "bench" + strconv.Itoa(i)
		ctx, cancel := context.WithTimeout(b.Context(), streamFor+5*time.Second)
		done := make(chan error, 1)
		go func() {
			done <- sig.Publish(ctx, "rtmp://"+srv.RTMPAddr()+"/"+stream+"?streamId="+stream+"&pipeline=streamdiffusion", nil)
		}()
		// Measure from the first output frame, so that startup is not
		// averaged in.
		var start time.Time
		var cpu0 time.Duration
		readCtx, stopRead := context.WithCancel(ctx)
		_ = live.ReadH264(readCtx, "rtmp://"+srv.RTMPAddr()+"/"+stream+"-out", nil, func(_ *image.YCbCr, _ time.Duration, at time.Time) {
			if start.IsZero() {
				start, cpu0 = at, processCPU(b)
				return
			}
			frames++
			if at.Sub(start) >= streamFor {
				cpu += processCPU(b) - cpu0
				stopRead()
			}
		})
		stopRead()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	total := time.Duration(b.N) * streamFor
	b.ReportMetric(100*cpu.Seconds()/total.Seconds(), "cpu%")
	b.ReportMetric(float64(frames)/total.Seconds(), "fps")
}

// processCPU is the user and system CPU time the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
