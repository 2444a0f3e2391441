package analyzer

import (
	"image"
	"jobtester/livemetrics"
	"time"
)

// Reference is what the Meter needs from the test signal the stream was
// made from; media/live's *Signal implements it.
type Reference interface {
	// Frame returns input frame n exactly as it was encoded.
	Frame(n int) *image.YCbCr
	// IsFlash reports whether input frame n is part of a luminance flash.
	IsFlash(n int) bool
	// ReadCounter reads the frame counter the signal draws into each frame;
	// ok is false when it is not readable (a model restyled it away). The
	// value is taken as the frame number n, so a counter that wraps stops
	// counting after its first wrap.
	ReadCounter(img *image.YCbCr) (n int, ok bool)
}

// Options say what to measure and against what.
type Options struct {
	// URL is the RTMP URL Analyze reads (the stream's "-out" path). The
	// Meter ignores it.
	URL string
	// PublishStart is when the tester started publishing the input;
	// StartupLatency is measured from it. Zero leaves StartupLatency zero.
	PublishStart time.Time
	// Signal is the test signal the input was made from; nil disables the
	// end-to-end latency and pass-through measurements. (Assign a non-nil
	// *live.Signal or leave the field nil: a nil pointer in the interface
	// counts as set.)
	Signal Reference
	// Sent reports when input frame n (0, 1, 2, … as the publisher numbers
	// them) was sent; ok is false for frames not sent yet. nil disables
	// the end-to-end latency and pass-through measurements.
	Sent func(n int) (sent time.Time, ok bool)
	// FirstFrameTimeout bounds the wait for the first output frame
	// (Analyze only); 0 means DefaultFirstFrameTimeout.
	FirstFrameTimeout time.Duration
	// Duration is how long to measure after the first output frame; 0
	// means DefaultDuration for Analyze. The Meter uses it only to take
	// the thumbnail from the middle of the run.
	Duration time.Duration
	// FreezeThreshold is how long the picture must stay unchanged to count
	// as a freeze; 0 means DefaultFreezeThreshold.
	FreezeThreshold time.Duration
	// OnFirstFrame and OnFrame (Analyze only), if set, are called when the
	// first output frame arrives and with every frame measured: a caller
	// can stop waiting on other signs of failure once output flows, or
	// show the frames (img is valid only during the call).
	OnFirstFrame func(arrived time.Time)
	OnFrame      func(img *image.YCbCr, arrived time.Time)
}

// Defaults for Options.
const (
	// DefaultFirstFrameTimeout leaves room for a model that loads on the
	// first stream (the runner reports LOADING for tens of seconds) but is
	// shorter than the gateway's 30 s output watchdog plus a swap.
	DefaultFirstFrameTimeout = 60 * time.Second
	DefaultDuration          = 30 * time.Second
	DefaultFreezeThreshold   = time.Second
)

// Report is what a Meter measured (see livemetrics.Metrics for each
// number) and a JPEG of an output frame from the middle of the run, at
// most thumbWidth pixels wide.
type Report struct {
	livemetrics.Metrics
	Thumbnail []byte
	// OutputStart is when the output's first frame was produced, read
	// from the stream's timestamps (Meter.outputStart); zero without
	// frames. Not stored: jobs turns it into the startup latency.
	OutputStart time.Time
	// FirstArrival is when the first output frame reached the reader.
	FirstArrival time.Time
	// Reader is how the tester's own reading kept up: not stored, but a
	// test the tester could not measure is void (jobs, docs/live.md).
	Reader ReaderLoad
}
