package jobs

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"time"

	"jobtester/media/analyzer"
	"jobtester/media/live"
)

// errNoOutput: no output frame arrived before the first-output deadline.
var errNoOutput = errors.New("no output frame")

// errMeasured ends a read whose measurement ran its course.
var errMeasured = errors.New("measured")

// outputWatch is what the runner learns while the output is read.
type outputWatch struct {
	first   chan struct{} // closed at the first output frame
	onFrame func(img *image.YCbCr, arrived time.Time)
}

// measureOutput reads the output at url into a Meter (media/analyzer's
// measuring core): it waits up to firstTimeout for the first frame, then
// measures for dur, or until the stream ends. It returns the report, or
// errNoOutput, or ctx's error.
//
// It drives the Meter itself, rather than through analyzer.Analyze, to
// learn the moment the first frame arrives (the runner stops waiting for a
// gateway that gave up only while there is no output) and to hand frames
// to the admin's live preview.
func measureOutput(ctx context.Context, url string, opt analyzer.Options, firstTimeout, dur time.Duration, w outputWatch) (analyzer.Report, error) {
	m := analyzer.NewMeter(opt)
	dec, err := live.NewDecoder()
	if err != nil {
		return analyzer.Report{}, fmt.Errorf("output decoder: %w", err)
	}
	defer dec.Close()
	rctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	firstTimer := time.AfterFunc(firstTimeout, func() { stop(errNoOutput) })
	defer firstTimer.Stop()
	var first time.Time
	var endTimer *time.Timer
	err = live.ReadH264WithDecoder(rctx, url, dec, func(img *image.YCbCr, pts time.Duration, arrived time.Time) {
		defer dec.Release(img) // the Meter and the preview keep copies only
		if first.IsZero() {
			if !firstTimer.Stop() {
				return // the deadline passed while this frame was decoded
			}
			first = arrived
			endTimer = time.AfterFunc(time.Until(first.Add(dur)), func() { stop(errMeasured) })
			if w.first != nil {
				close(w.first)
			}
		}
		if arrived.Sub(first) >= dur {
			stop(errMeasured)
			return
		}
		m.Feed(img, arrived, pts)
		if w.onFrame != nil {
			w.onFrame(img, arrived)
		}
	})
	if endTimer != nil {
		endTimer.Stop()
	}
	switch cause := context.Cause(rctx); {
	case ctx.Err() != nil:
		return analyzer.Report{}, ctx.Err()
	case first.IsZero():
		if errors.Is(cause, errNoOutput) || errors.Is(err, io.EOF) {
			return analyzer.Report{}, errNoOutput
		}
		return analyzer.Report{}, err
	case errors.Is(cause, errMeasured):
		m.Finish(first.Add(dur), false)
	case errors.Is(err, io.EOF):
		m.Finish(time.Now(), true)
	default:
		// The output broke in a way other than ending (undecodable, a
		// socket error): what was measured stands, with the error.
		m.Finish(time.Now(), true)
		return m.Report(), err
	}
	return m.Report(), nil
}
