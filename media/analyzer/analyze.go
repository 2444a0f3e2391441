package analyzer

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"time"

	"jobtester/media/live"
)

// ErrNoOutput is wrapped by Analyze's error when no output frame arrived
// within the first-frame timeout (or the stream ended before one).
var ErrNoOutput = errors.New("no output frame")

// Causes for ending a read, told apart from the caller's cancellation.
var (
	errFirstFrameTimeout = errors.New("first frame timeout")
	errMeasured          = errors.New("measured for the whole duration")
)

// Analyze reads the H.264 stream at opt.URL and measures it with a Meter.
// It waits up to FirstFrameTimeout for the first frame (retrying a play
// that finds no stream yet: the output path appears only once the
// orchestrator produces something), then measures for Duration.
//
// Outcomes:
//   - the duration ran its course: the report, nil;
//   - the stream ended first: the report with Ended set, nil;
//   - no frame in time, or the stream ended before one: an error wrapping
//     ErrNoOutput;
//   - ctx ended: the report so far (empty before the first frame) and an
//     error wrapping ctx.Err();
//   - a read failure after output began (the stream undecodable, say): the
//     report so far with Ended set, and the error.
func Analyze(ctx context.Context, opt Options) (Report, error) {
	firstTimeout, dur := opt.FirstFrameTimeout, opt.Duration
	if firstTimeout <= 0 {
		firstTimeout = DefaultFirstFrameTimeout
	}
	if dur <= 0 {
		dur = DefaultDuration
	}
	opt.Duration = dur // the thumbnail is taken at its middle
	m := NewMeter(opt)
	dec, err := live.NewDecoder()
	if err != nil {
		return Report{}, fmt.Errorf("analyze %s: %w", opt.URL, err)
	}
	defer dec.Close()

	rctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	firstTimer := time.AfterFunc(firstTimeout, func() { stop(errFirstFrameTimeout) })
	defer firstTimer.Stop()
	var first time.Time
	var endTimer *time.Timer
	err = live.ReadH264(rctx, opt.URL, dec, func(img *image.YCbCr, pts time.Duration, arrived time.Time) {
		defer dec.Release(img) // the Meter and OnFrame keep no reference
		if first.IsZero() {
			if !firstTimer.Stop() {
				return // the deadline passed while this frame was decoded
			}
			first = arrived
			endTimer = time.AfterFunc(time.Until(first.Add(dur)), func() { stop(errMeasured) })
			if opt.OnFirstFrame != nil {
				opt.OnFirstFrame(arrived)
			}
		}
		if arrived.Sub(first) >= dur {
			stop(errMeasured)
			return
		}
		m.Feed(img, arrived, pts)
		if opt.OnFrame != nil {
			opt.OnFrame(img, arrived)
		}
		if arrived != first { // the first frame's decode starts the decoder up
			m.noteHold(time.Since(arrived))
		}
	})
	if endTimer != nil {
		endTimer.Stop()
	}
	now := time.Now()
	cause := context.Cause(rctx)
	switch {
	case first.IsZero() && ctx.Err() != nil:
		return Report{}, fmt.Errorf("analyze %s: %w", opt.URL, ctx.Err())
	case first.IsZero() && (errors.Is(cause, errFirstFrameTimeout) || errors.Is(err, io.EOF)):
		return Report{}, fmt.Errorf("analyze %s: %w within %v", opt.URL, ErrNoOutput, firstTimeout)
	case first.IsZero():
		return Report{}, fmt.Errorf("analyze: %w", err)
	case errors.Is(cause, errMeasured):
		m.Finish(first.Add(dur), false)
		return m.Report(), nil
	case ctx.Err() != nil:
		m.Finish(now, false)
		return m.Report(), fmt.Errorf("analyze %s: %w", opt.URL, ctx.Err())
	case errors.Is(err, io.EOF):
		m.Finish(now, true)
		return m.Report(), nil
	default:
		m.Finish(now, true)
		return m.Report(), fmt.Errorf("analyze: %w", err)
	}
}
