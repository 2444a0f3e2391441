package live

import (
	"context"
	"errors"
	"image"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jobtester/media/mediaserver"
	"jobtester/testutil"
)

// rig is a live chain on loopback: the embedded media server, the signal
// published to <base>/in, and helpers to run relays and read their output.
type rig struct {
	t    *testing.T
	srv  *mediaserver.Server
	base string
	sig  *Signal

	mu   sync.Mutex
	sent map[int]time.Time
}

func newRig(t *testing.T, cfg SignalConfig) *rig {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := mediaserver.Start(ctx, mediaserver.Config{RTMPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	sig, err := NewSignal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, srv: srv, base: "rtmp://" + srv.RTMPAddr() + "/live", sig: sig, sent: map[int]time.Time{}}
}

// noteSent records when frame n of the signal was sent.
func (r *rig) noteSent(n int, at time.Time) {
	r.mu.Lock()
	r.sent[n] = at
	r.mu.Unlock()
}

func (r *rig) sentAt(n int) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.sent[n]
	return at, ok
}

// outFrame is one decoded output picture and what the test reads from it.
type outFrame struct {
	n       int // counter, -1 when not legible
	pts     time.Duration
	arrived time.Time
	flash   bool
	img     *image.YCbCr // kept only when asked for
}

// read reads an output path until it ends or ctx ends.
func (r *rig) read(ctx context.Context, path string, keep bool, got *atomic.Int64) ([]outFrame, error) {
	var out []outFrame
	err := ReadH264(ctx, r.base+"/"+path, nil, func(img *image.YCbCr, pts time.Duration, arrived time.Time) {
		f := outFrame{n: -1, pts: pts, arrived: arrived, flash: IsFlashImage(img)}
		if n, ok := r.sig.ReadCounter(img); ok {
			f.n = n
		}
		if keep {
			f.img = img
		}
		out = append(out, f)
		got.Add(1)
	})
	return out, err
}

// relayRun is one relay and the reader of its output.
type relayRun struct {
	opt       RelayOptions
	out       string
	want      int // output frames to read before the run may stop
	started   time.Time
	firstOut  time.Time
	relayErr  error
	frames    []outFrame
	readErr   error
	keepFrame bool

	got      atomic.Int64 // frames read so far
	readDone atomic.Bool  // the reader has returned (the output ended)
}

// runRelays starts every relay and its reader, then the signal, and stops
// them all once each reader has read the frames it wants (or seen its
// output end): a fixed run time would hold fewer frames on a busy machine.
func (r *rig) runRelays(runs ...*relayRun) {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	pub := make(chan error, 1)
	defer func() {
		cancel()
		wg.Wait()
	}()
	for _, run := range runs {
		wg.Add(2)
		run.started = time.Now()
		go func() {
			defer wg.Done()
			run.relayErr = Relay(ctx, r.base+"/in", r.base+"/"+run.out, run.opt, func(at time.Time) { run.firstOut = at })
		}()
		go func() {
			defer wg.Done()
			defer run.readDone.Store(true)
			run.frames, run.readErr = r.read(ctx, run.out, run.keepFrame, &run.got)
		}()
	}
	wg.Go(func() { pub <- r.sig.Publish(ctx, r.base+"/in?pipeline=test&streamId=s", r.noteSent) })
	testutil.Eventually(r.t, "every relay's output", func() bool {
		for _, run := range runs {
			if run.got.Load() < int64(run.want) && !run.readDone.Load() {
				return false
			}
		}
		return true
	})
	cancel()
	wg.Wait()
	if err := <-pub; err != nil {
		r.t.Fatalf("publish: %v", err)
	}
	for _, run := range runs {
		if run.relayErr != nil && !errors.Is(run.relayErr, context.Canceled) {
			r.t.Errorf("relay to %s: %v", run.out, run.relayErr)
		}
		if run.readErr != nil && !errors.Is(run.readErr, context.Canceled) && !errors.Is(run.readErr, io.EOF) {
			r.t.Errorf("read %s: %v", run.out, run.readErr)
		}
	}
}

// latencies returns, for output frames with a legible counter, arrival minus
// when that input frame was sent, skipping the first skip of output.
func (r *rig) latencies(frames []outFrame, skip time.Duration) []time.Duration {
	var ls []time.Duration
	if len(frames) == 0 {
		return nil
	}
	from := frames[0].arrived.Add(skip)
	for _, f := range frames {
		if f.n < 0 || f.arrived.Before(from) {
			continue
		}
		if at, ok := r.sentAt(f.n); ok {
			ls = append(ls, f.arrived.Sub(at))
		}
	}
	return ls
}

// flashLatencies matches the onset of each output flash with the send time
// of the input flash it shows and returns the delays. Brightness finds the
// flash; the input flash is, as the analyzer picks it, the one whose delay
// is closest to the median counter latency (the latest one sent before
// the output flash would be the wrong one once the latency passes the
// flash period), and the latest one before it when no counter was read.
func (r *rig) flashLatencies(frames []outFrame) []time.Duration {
	var starts []time.Time
	r.mu.Lock()
	for n, at := range r.sent {
		if n%r.sig.FlashPeriod() == 0 {
			starts = append(starts, at)
		}
	}
	r.mu.Unlock()
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	guide := median(r.latencies(frames, 0))
	var ls []time.Duration
	for i, f := range frames {
		if !f.flash || (i > 0 && frames[i-1].flash) {
			continue
		}
		j := sort.Search(len(starts), func(k int) bool { return starts[k].After(f.arrived.Add(sentSlack)) }) - 1
		if j < 0 {
			continue
		}
		best := f.arrived.Sub(starts[j])
		for k := j - 1; guide >= 0 && k >= 0; k-- {
			if lat := f.arrived.Sub(starts[k]); absDur(lat-guide) < absDur(best-guide) {
				best = lat
			}
		}
		ls = append(ls, best)
	}
	return ls
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return -1
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// fps is the output rate measured from arrival times, skipping the first
// skip of output (the start may come in a burst).
func fps(frames []outFrame, skip time.Duration) float64 {
	if len(frames) < 2 {
		return 0
	}
	from := frames[0].arrived.Add(skip)
	var first, last time.Time
	n := 0
	for _, f := range frames {
		if f.arrived.Before(from) {
			continue
		}
		if n == 0 {
			first = f.arrived
		}
		last = f.arrived
		n++
	}
	if n < 2 {
		return 0
	}
	return float64(n-1) / last.Sub(first).Seconds()
}

// ptsFPS is the output rate by the stream's timestamps: what the relay
// kept of the input, independent of when the frames arrived.
func ptsFPS(frames []outFrame) float64 {
	if len(frames) < 2 {
		return 0
	}
	span := frames[len(frames)-1].pts - frames[0].pts
	if span <= 0 {
		return 0
	}
	return float64(len(frames)-1) / span.Seconds()
}
