package live

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// RelayOptions is the behaviour of the simulated model.
type RelayOptions struct {
	Effect Effect // "" = stylize
	// StartupDelay drops every frame that arrives earlier than this after
	// Relay starts: the model's warm-up.
	StartupDelay time.Duration
	// AddedLatency holds each frame until it arrived this long ago.
	AddedLatency time.Duration
	// OutputFPS drops frames to this rate (by presentation time); 0 keeps
	// the input rate.
	OutputFPS float64
	// FreezeAfter, from the first output frame, repeats one picture with
	// identical pixels from then on; 0 = never.
	FreezeAfter time.Duration
	// DropAfter, from the first output frame, closes the output; 0 = never.
	DropAfter time.Duration
	// Bitrate of the output in bits per second; 0 = 2 Mbit/s.
	Bitrate int
	// Counts, if set, counts the frames read and written, so that a
	// caller can report measured rates (simnet's /status) while it runs.
	Counts *RelayCounts
}

// RelayCounts are the frames a Relay has read (In) and published (Out),
// and how late it published them: a relay that cannot keep up with real
// time (a simulated model on a loaded machine) adds delay that was not
// asked for, and a test judging the measured latency needs to know it.
type RelayCounts struct {
	In, Out atomic.Int64
	// lateNS sums, over lateN frames, how long after its due time (its
	// arrival plus AddedLatency) each was handed to the connection. The
	// first frame is left out: it waits for the encoder and the dial.
	lateNS, lateN atomic.Int64

	// log is every frame written, for the counts over a window of time
	// (Window), up to maxRelayLog frames.
	mu     sync.Mutex
	log    []relayWrite
	closed time.Time // when the output was closed
}

// Closed is when the relay closed its output (DropAfter, the input's end,
// or its context), zero while it runs.
func (c *RelayCounts) Closed() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// relayWrite is one frame handed to the connection: when, how late beyond
// its due time (−1 for the first frame, which waits for the dial), and its
// timestamp in the output stream.
type relayWrite struct {
	at   time.Time
	late time.Duration
	pts  time.Duration
}

// maxRelayLog bounds RelayCounts' log: ten minutes at 60 fps.
const maxRelayLog = 10 * 60 * 60

// RelayWindow is what a Relay published over a window of time.
type RelayWindow struct {
	Frames int // frames written in the window
	// MeanLate is how late they left on average beyond the latency the
	// relay was told to add (the first frame of the stream left out).
	MeanLate time.Duration
	// MaxLate is the latest any of them left: a relay falling behind gets
	// later and later, and a measurement taken at one moment of the window
	// (a flash) may see up to this much.
	MaxLate time.Duration
	// MaxGap is the longest time between two frames written, the window's
	// first and the one before it included: a relay that stalls freezes
	// its output for as long.
	MaxGap time.Duration
	// Rate is the frames per second written over the window: frames less
	// one over the first to the last. 0 with fewer than two.
	Rate float64
	// First and Last are when the window's first and last frames were
	// written.
	First, Last time.Time
	// Ahead is the most that a frame's timestamp in the window ran ahead
	// of the time since the stream's first frame was written. The output
	// is stamped on the input's clock, so frames that reached the relay in
	// a burst (read late, after its publisher took long to connect) leave
	// it stamped later than they were written: a reader that dates the
	// stream's start by a frame's arrival less its timestamp dates it this
	// much early.
	Ahead time.Duration
}

// Window is what was published from from to to. It judges a measurement
// that covered only part of the stream against the same part, not against
// a whole run that includes its start and its draining.
func (c *RelayCounts) Window(from, to time.Time) RelayWindow {
	c.mu.Lock()
	defer c.mu.Unlock()
	var w RelayWindow
	var lateSum time.Duration
	var lateN int
	var first, last time.Time
	for i, f := range c.log {
		if f.at.Before(from) || f.at.After(to) {
			continue
		}
		if w.Frames == 0 {
			first = f.at
		}
		last = f.at
		w.Frames++
		if f.late >= 0 {
			lateSum += f.late
			lateN++
			w.MaxLate = max(w.MaxLate, f.late)
		}
		if i > 0 {
			w.MaxGap = max(w.MaxGap, f.at.Sub(c.log[i-1].at))
		}
		w.Ahead = max(w.Ahead, f.pts-f.at.Sub(c.log[0].at))
	}
	if lateN > 0 {
		w.MeanLate = lateSum / time.Duration(lateN)
	}
	w.First, w.Last = first, last
	if w.Frames > 1 && last.After(first) {
		w.Rate = float64(w.Frames-1) / last.Sub(first).Seconds()
	}
	return w
}

func (c *RelayCounts) note(at time.Time, late, pts time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.log) < maxRelayLog {
		c.log = append(c.log, relayWrite{at, late, pts})
	}
}

// MeanLate is how late, on average, the published frames left the relay
// beyond the latency it was told to add: its own decode, queue and encode
// time. 0 before any frame.
func (c *RelayCounts) MeanLate() time.Duration {
	n := c.lateN.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(c.lateNS.Load() / n)
}

// Validate reports the first option out of range.
func (o RelayOptions) Validate() error {
	if err := o.Effect.Validate(); err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	switch {
	case o.StartupDelay < 0:
		return fmt.Errorf("relay: startup delay %v is negative", o.StartupDelay)
	case o.AddedLatency < 0 || o.AddedLatency > time.Minute:
		return fmt.Errorf("relay: added latency %v: want 0 to 1m", o.AddedLatency)
	case o.OutputFPS < 0 || o.OutputFPS > maxSignalFPS:
		return fmt.Errorf("relay: output fps %g: want 0 (input rate) to %d", o.OutputFPS, maxSignalFPS)
	case o.FreezeAfter < 0:
		return fmt.Errorf("relay: freeze after %v is negative", o.FreezeAfter)
	case o.DropAfter < 0:
		return fmt.Errorf("relay: drop after %v is negative", o.DropAfter)
	case o.Bitrate < 0:
		return fmt.Errorf("relay: bitrate %d is negative", o.Bitrate)
	}
	return nil
}

// relayFrame is a decoded input picture waiting for its output time.
type relayFrame struct {
	img *image.YCbCr
	pts time.Duration
	due time.Time
}

// Relay plays H.264 from inURL, transforms it as opt says and publishes the
// result to outURL, as a live-video orchestrator's model would. onFirstOutput,
// if set, is called with the time the first output frame was written.
//
// It returns nil when the input ends or DropAfter closes the output, an error
// wrapping ctx.Err() when ctx ends, and any other failure wrapped.
func Relay(ctx context.Context, inURL, outURL string, opt RelayOptions, onFirstOutput func(time.Time)) error {
	if err := opt.Validate(); err != nil {
		return err
	}
	if _, err := ParseRTMPURL(inURL); err != nil {
		return fmt.Errorf("relay input: %w", err)
	}
	if _, err := ParseRTMPURL(outURL); err != nil {
		return fmt.Errorf("relay output: %w", err)
	}
	if opt.Effect == "" {
		opt.Effect = EffectStylize
	}
	dec, err := NewDecoder()
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	defer dec.Close()

	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The reader only timestamps and filters; the worker does the slow
	// part, so arrival times are not skewed by encoding.
	queue := make(chan relayFrame, int(opt.AddedLatency.Seconds()*maxSignalFPS)+2*maxSignalFPS)
	readErr := make(chan error, 1)
	go func() {
		defer close(queue)
		readErr <- readRelayed(ctx, inURL, dec, opt, start.Add(opt.StartupDelay), queue)
	}()

	defer func() {
		// The reader uses dec until it returns; it closes the queue then.
		cancel()
		for range queue {
		}
	}()

	w := relayWriter{opt: opt, outURL: outURL, onFirst: onFirstOutput}
	defer w.close()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for f := range queue {
		if err := waitUntil(ctx, timer, f.due); err != nil {
			dec.Release(f.img)
			break
		}
		done, err := w.write(ctx, f)
		dec.Release(f.img)
		if err != nil {
			if ctx.Err() != nil {
				// Ending ctx closes the connection under a write.
				return fmt.Errorf("relay: %w", ctx.Err())
			}
			return err
		}
		if done {
			return nil // DropAfter: the output is closed on purpose
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	err = <-readErr
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	return fmt.Errorf("relay: %w", err)
}

// readRelayed reads inURL into queue: the frames that arrive from warm on,
// at most opt.OutputFPS of them a second of stream time, each due
// opt.AddedLatency after it arrived.
func readRelayed(ctx context.Context, inURL string, dec *Decoder, opt RelayOptions, warm time.Time, queue chan<- relayFrame) error {
	var interval, next time.Duration
	if opt.OutputFPS > 0 {
		interval = time.Duration(float64(time.Second) / opt.OutputFPS)
	}
	kept := false
	return ReadH264(ctx, inURL, dec, func(img *image.YCbCr, pts time.Duration, arrived time.Time) {
		if opt.Counts != nil {
			opt.Counts.In.Add(1)
		}
		if arrived.Before(warm) {
			dec.Release(img)
			return
		}
		if interval > 0 {
			// RTMP timestamps are whole milliseconds: allow a
			// quarter interval of rounding.
			if kept && pts < next-interval/4 {
				dec.Release(img)
				return
			}
			if !kept || pts > next+interval {
				next = pts
			}
			next += interval
			kept = true
		}
		select {
		case queue <- relayFrame{img: img, pts: pts, due: arrived.Add(opt.AddedLatency)}:
		case <-ctx.Done():
		}
	})
}

// relayWriter applies the effect, encodes and publishes.
type relayWriter struct {
	opt     RelayOptions
	outURL  string
	onFirst func(time.Time)

	enc      *Encoder
	pub      *Publisher
	styled   *image.YCbCr
	first    time.Time
	firstPTS time.Duration
	frozen   [][]byte // the repeated keyframe once frozen
	lastPTS  time.Duration
}

// write outputs one frame. done reports that DropAfter has closed the output.
func (w *relayWriter) write(ctx context.Context, f relayFrame) (done bool, err error) {
	now := time.Now()
	if w.pub != nil && w.opt.DropAfter > 0 && now.Sub(w.first) >= w.opt.DropAfter {
		w.close()
		return true, nil
	}
	if w.enc == nil {
		fps := int(w.opt.OutputFPS + 0.5)
		if fps == 0 {
			fps = 30
		}
		bitrate := w.opt.Bitrate
		if bitrate == 0 {
			bitrate = 2_000_000
		}
		w.enc, err = NewEncoder(EncoderConfig{Width: f.img.Rect.Dx(), Height: f.img.Rect.Dy(), FPS: fps, Bitrate: bitrate})
		if err != nil {
			return false, fmt.Errorf("relay: %w", err)
		}
		w.firstPTS = f.pts
	}
	pts := f.pts - w.firstPTS
	if pts <= w.lastPTS && w.pub != nil {
		pts = w.lastPTS + time.Millisecond
	}
	w.lastPTS = pts

	var au [][]byte
	switch {
	case w.frozen != nil:
		au = w.frozen
	default:
		freeze := w.pub != nil && w.opt.FreezeAfter > 0 && now.Sub(w.first) >= w.opt.FreezeAfter
		out := w.opt.Effect.Apply(w.styled, f.img)
		if out != f.img {
			w.styled = out
		}
		if freeze {
			// A self-contained keyframe sent again and again decodes to
			// the same pixels every time; re-encoding the same picture
			// would not (every periodic keyframe would differ slightly).
			w.enc.ForceKeyframe()
		}
		au, _, err = w.enc.Encode(out, pts)
		if err != nil {
			return false, fmt.Errorf("relay: %w", err)
		}
		if freeze {
			w.frozen = make([][]byte, len(au))
			for i, n := range au {
				w.frozen[i] = append([]byte(nil), n...)
			}
		}
	}
	if w.pub == nil {
		sps, pps := w.enc.ParameterSets()
		w.pub, err = DialPublish(ctx, w.outURL, sps, pps)
		if err != nil {
			return false, fmt.Errorf("relay: %w", err)
		}
	}
	if err := w.pub.WriteH264(pts, au); err != nil {
		return false, fmt.Errorf("relay: %w", err)
	}
	if c := w.opt.Counts; c != nil {
		now, late := time.Now(), time.Duration(-1)
		if !w.first.IsZero() {
			late = max(now.Sub(f.due), 0)
			c.lateNS.Add(int64(late))
			c.lateN.Add(1)
		}
		c.note(now, late, pts)
		c.Out.Add(1)
	}
	if w.first.IsZero() {
		w.first = time.Now()
		if w.onFirst != nil {
			w.onFirst(w.first)
		}
	}
	return false, nil
}

func (w *relayWriter) close() {
	if w.pub != nil {
		w.pub.Close()
		if c := w.opt.Counts; c != nil {
			c.mu.Lock()
			if c.closed.IsZero() {
				c.closed = time.Now()
			}
			c.mu.Unlock()
		}
	}
	if w.enc != nil {
		w.enc.Close()
		w.enc = nil
	}
}
