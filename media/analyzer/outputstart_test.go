package analyzer

import (
	"image"
	"testing"
	"time"
)

func plainFrame() *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, 64, 64), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = byte(i)
	}
	return img
}

// The output's start is read from its timestamps: a reader that joined two
// seconds late, and got its first frames in a burst, still finds when the
// first frame was produced, to within the transport's least delay.
func TestOutputStartFromTimestampsDespiteALateJoinAndABurst(t *testing.T) {
	t.Parallel()
	m := NewMeter(Options{PublishStart: t0})
	produced := t0.Add(time.Second) // the output's frame 0
	const transport = 10 * time.Millisecond
	burstAt := produced.Add(2*time.Second + 400*time.Millisecond)
	for k := 60; k < 150; k++ { // from 2 s of stream on
		pts := time.Duration(k) * time.Second / 30
		arrived := produced.Add(pts + transport)
		if arrived.Before(burstAt) {
			arrived = burstAt // held back, then delivered at once
		}
		m.Feed(plainFrame(), arrived, pts)
	}
	r := m.Report()
	if got := r.OutputStart.Sub(produced); got != transport {
		t.Errorf("output start %v after the first frame was produced, want %v (the transport)", got, transport)
	}
	if r.FirstArrival != burstAt {
		t.Errorf("first arrival %v, want %v", r.FirstArrival, burstAt)
	}
}

// Timestamps that claim a start before the publish start (a stream stamped
// from a later zero) are not believed past it; timestamps that put the
// start after the first arrival are impossible, and the arrival stands.
func TestOutputStartIsBoundedByThePublishStartAndTheFirstArrival(t *testing.T) {
	t.Parallel()
	m := NewMeter(Options{PublishStart: t0})
	m.Feed(plainFrame(), t0.Add(time.Second), 10*time.Second)
	if r := m.Report(); !r.OutputStart.Equal(t0) {
		t.Errorf("output start %v, want the publish start %v", r.OutputStart, t0)
	}
	m = NewMeter(Options{PublishStart: t0})
	m.Feed(plainFrame(), t0.Add(time.Second), -time.Second)
	if r := m.Report(); !r.OutputStart.Equal(t0.Add(time.Second)) {
		t.Errorf("output start %v, want the first arrival", r.OutputStart)
	}
	if r := NewMeter(Options{PublishStart: t0}).Report(); !r.OutputStart.IsZero() {
		t.Errorf("output start %v without frames, want zero", r.OutputStart)
	}
}
