package analyzer

import (
	"image"
	"testing"
	"time"

	"jobtester/media/live"
)

// frozenOnAFlash feeds a Meter the output of media/live's stylize effect
// (what simnet's honest models do) that freezes, after freezeAt frames, on
// input frame freezeOn, repeating it to the end of 4 s.
func frozenOnAFlash(t *testing.T, freezeAt, freezeOn int) Report {
	t.Helper()
	cfg := live.DefaultSignalConfig()
	cfg.Width, cfg.Height, cfg.FlashEvery = 256, 256, time.Second
	sig, err := live.NewSignal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const latency = 200 * time.Millisecond
	frame := time.Second / 30
	sent := func(n int) (time.Time, bool) { return t0.Add(time.Duration(n) * frame), n >= 0 }
	m := NewMeter(Options{PublishStart: t0, Signal: sig, Sent: sent, Duration: 4 * time.Second})
	var styled *image.YCbCr
	var frozen *image.YCbCr
	for k := range 120 {
		n := k
		if k >= freezeAt {
			n = freezeOn
		}
		if k <= freezeAt || frozen == nil {
			styled = live.EffectStylize.Apply(nil, sig.Frame(n))
			if k >= freezeAt {
				frozen = styled
			}
		}
		img := styled
		if frozen != nil {
			img = frozen
		}
		at := t0.Add(time.Duration(n)*frame + latency)
		if k >= freezeAt {
			at = t0.Add(time.Duration(k)*frame + latency)
		}
		m.Feed(img, at, time.Duration(k)*frame)
	}
	m.Finish(t0.Add(120*frame+latency), false)
	return m.Report()
}

// A stylized output that freezes on a flash frame is not the input sent
// back: a flash is near-white in the input and in any restyle of it, so
// every probe of the frozen flash looked "the same" as its input frame
// (the freeze profile was flagged pass_through at 0.77 similarity). Flash
// frames carry no content to tell a model from a copy, and a repeated
// picture is one comparison, not one per probe.
func TestMeterFrozenFlashIsNotPassThrough(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		freezeOn int
	}{
		{"frozen on a flash frame", 60},
		{"frozen on an ordinary frame", 55},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := frozenOnAFlash(t, 45, tc.freezeOn)
			if r.PassThrough || r.InputSimilarity > 0.2 {
				t.Errorf("pass-through %v (similarity %.2f, diff %.1f over %d compared)", r.PassThrough, r.InputSimilarity, r.InputDiff, r.Compared)
			}
			if r.Freezes != 1 {
				t.Errorf("freezes %d, want 1", r.Freezes)
			}
		})
	}
}
