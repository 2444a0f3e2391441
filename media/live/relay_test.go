package live

import (
	"errors"
	"image"
	"io"
	"testing"
	"time"
)

func TestRelayValidationErrorsAreClear(t *testing.T) {
	t.Parallel()
	good := "rtmp://127.0.0.1:1/live/in"
	for _, tc := range []struct {
		in, out string
		opt     RelayOptions
		want    string
	}{
		{good, good, RelayOptions{Effect: "sepia"}, `effect "sepia"`},
		{good, good, RelayOptions{StartupDelay: -time.Second}, "startup delay -1s is negative"},
		{good, good, RelayOptions{AddedLatency: -time.Second}, "added latency"},
		{good, good, RelayOptions{OutputFPS: -1}, "output fps -1"},
		{good, good, RelayOptions{OutputFPS: 500}, "output fps 500"},
		{good, good, RelayOptions{FreezeAfter: -1}, "freeze after"},
		{good, good, RelayOptions{DropAfter: -1}, "drop after"},
		{"http://x/y", good, RelayOptions{}, "relay input: rtmp url"},
		{good, "rtmp://hostonly", RelayOptions{}, "relay output: rtmp url"},
	} {
		err := Relay(testContext(t, time.Second), tc.in, tc.out, tc.opt, nil)
		if err == nil || !containsAll(err.Error(), tc.want) {
			t.Errorf("Relay(%+v) = %v, want %q", tc.opt, err, tc.want)
		}
	}
}

// TestRelayEffectsAndAddedLatency runs three relays of one signal at once:
// stylize with no added latency (the baseline), stylize with 300 ms added
// latency at 15 fps, and pass-through; and black on its own path.
func TestRelayEffectsAddedLatencyAndFPS(t *testing.T) {
	cfg := rigSignalConfig()
	cfg.FlashEvery = time.Second
	r := newRig(t, cfg)
	base := &relayRun{opt: RelayOptions{Effect: EffectStylize}, out: "base-out", keepFrame: true}
	slow := &relayRun{opt: RelayOptions{Effect: EffectStylize, AddedLatency: 300 * time.Millisecond, OutputFPS: 15}, out: "slow-out"}
	none := &relayRun{opt: RelayOptions{Effect: EffectNone}, out: "none-out", keepFrame: true}
	black := &relayRun{opt: RelayOptions{Effect: EffectBlack}, out: "black-out", keepFrame: true}
	r.runRelays(5*time.Second, base, slow, none, black)

	for _, run := range []*relayRun{base, slow, none, black} {
		if len(run.frames) < 40 {
			t.Fatalf("%s: %d output frames in 5 s", run.out, len(run.frames))
		}
		if run.firstOut.IsZero() {
			t.Errorf("%s: onFirstOutput not called", run.out)
		}
	}

	// Frame rates.
	fpsTol := 1.0
	if raceEnabled {
		fpsTol = 5
	}
	if f := fps(base.frames, time.Second); f < 30-2*fpsTol || f > 30+2*fpsTol {
		t.Errorf("stylize relay: %.1f fps, want 30 ± %g", f, 2*fpsTol)
	}
	if f := fps(slow.frames, time.Second); f < 15-fpsTol || f > 15+fpsTol {
		t.Errorf("OutputFPS 15 relay: %.1f fps, want 15 ± %g", f, fpsTol)
	}

	// Added latency, measured from flashes alone and from the counter.
	fb, fs := median(r.flashLatencies(base.frames)), median(r.flashLatencies(slow.frames))
	if len(r.flashLatencies(slow.frames)) < 3 {
		t.Fatalf("only %d flashes seen through the slow relay", len(r.flashLatencies(slow.frames)))
	}
	// Under the race detector the pure-Go stylize falls behind real time
	// on two shared cores and queues build up: latencies are logged, not
	// judged.
	const tol = 50 * time.Millisecond
	if d := fs - fb; !raceEnabled && (d < 300*time.Millisecond-tol || d > 300*time.Millisecond+tol) {
		t.Errorf("flash latency %v with 300 ms added vs %v without: %v extra, want 300 ms ± %v", fs, fb, d, tol)
	}
	cb, cs := median(r.latencies(base.frames, time.Second)), median(r.latencies(slow.frames, time.Second))
	if d := cs - cb; !raceEnabled && (d < 300*time.Millisecond-tol || d > 300*time.Millisecond+tol) {
		t.Errorf("counter latency %v with 300 ms added vs %v without: %v extra, want 300 ms ± %v", cs, cb, d, tol)
	}
	t.Logf("baseline latency: flash %v, counter %v; +300 ms: flash %v, counter %v", fb, cb, fs, cs)

	// Effects: stylize keeps counter and flashes but changes the picture;
	// none is the input; black is black.
	legible := 0
	var minChroma = 1e9
	for _, f := range base.frames {
		if f.n < 0 {
			continue
		}
		legible++
		if f.flash != r.sig.IsFlash(f.n) {
			t.Errorf("stylized frame %d: flash %v, want %v", f.n, f.flash, r.sig.IsFlash(f.n))
		}
		if !r.sig.IsFlash(f.n) {
			_, c := meanAbsDiff(r.sig.Frame(f.n), f.img)
			minChroma = min(minChroma, c)
		}
	}
	if legible != len(base.frames) {
		t.Errorf("stylize: counter legible on %d of %d frames", legible, len(base.frames))
	}
	if minChroma < 25 {
		t.Errorf("stylize: least chroma difference from the input %.1f, want >= 25", minChroma)
	}
	maxLuma := 0.0
	for _, f := range none.frames {
		if f.n < 0 {
			t.Fatal("pass-through frame with illegible counter")
		}
		l, c := meanAbsDiff(r.sig.Frame(f.n), f.img)
		if l > 2 || c > 2 {
			t.Errorf("pass-through frame %d differs from input frame by luma %.2f chroma %.2f, want < 2", f.n, l, c)
		}
		maxLuma = max(maxLuma, l)
	}
	t.Logf("pass-through: largest mean luma difference from the input %.2f", maxLuma)
	for i, f := range black.frames {
		if lvl := FlashLevel(f.img); lvl > 20 || f.n >= 0 {
			t.Errorf("black frame %d: luma %.1f, counter %d", i, lvl, f.n)
		}
	}
}

// TestRelayStartupFreezeAndDrop: a 1 s startup delay, a freeze 1 s after
// the first output, and a drop 1 s after the first output.
func TestRelayStartupFreezeAndDrop(t *testing.T) {
	r := newRig(t, rigSignalConfig())
	startup := &relayRun{opt: RelayOptions{StartupDelay: time.Second}, out: "startup-out"}
	freeze := &relayRun{opt: RelayOptions{FreezeAfter: time.Second}, out: "freeze-out", keepFrame: true}
	drop := &relayRun{opt: RelayOptions{DropAfter: time.Second}, out: "drop-out"}
	r.runRelays(4*time.Second, startup, freeze, drop)

	slack := time.Duration(0)
	if raceEnabled {
		slack = 300 * time.Millisecond
	}
	if d := startup.firstOut.Sub(startup.started); d < time.Second || d > 1300*time.Millisecond+slack {
		t.Errorf("startup delay 1 s: first output %v after the relay started", d)
	}
	if len(startup.frames) == 0 || startup.frames[0].arrived.Before(startup.started.Add(time.Second)) {
		t.Errorf("startup delay: output seen before 1 s")
	}

	// Freeze: frames after the freeze are pixel-identical, those before move.
	var frozenFrom int = -1
	for i := 1; i < len(freeze.frames); i++ {
		if identical(freeze.frames[i].img, freeze.frames[i-1].img) {
			if frozenFrom < 0 {
				frozenFrom = i
			}
		} else if frozenFrom >= 0 {
			t.Fatalf("freeze: frame %d differs from %d after the freeze began at %d", i, i-1, frozenFrom)
		}
	}
	if frozenFrom < 0 {
		t.Fatal("freeze: no identical frames")
	}
	// The first frozen frame is the last that differs from its predecessor.
	at := freeze.frames[frozenFrom-1].arrived.Sub(freeze.firstOut)
	if at < time.Second || at > 1200*time.Millisecond+slack {
		t.Errorf("freeze began %v after the first output, want about 1 s", at)
	}
	if n := len(freeze.frames) - frozenFrom; n < 30 {
		t.Errorf("only %d frozen frames", n)
	}

	// Drop: the reader sees the end about 1 s after the first output.
	if drop.relayErr != nil {
		t.Errorf("drop: relay returned %v, want nil", drop.relayErr)
	}
	if !errors.Is(drop.readErr, io.EOF) {
		t.Errorf("drop: reader ended with %v, want io.EOF (stream ended)", drop.readErr)
	}
	if len(drop.frames) == 0 {
		t.Fatal("drop: no output")
	}
	span := drop.frames[len(drop.frames)-1].arrived.Sub(drop.firstOut)
	if span < 900*time.Millisecond || span > 1100*time.Millisecond+slack {
		t.Errorf("drop: output lasted %v, want about 1 s", span)
	}
}

// rigSignalConfig is the signal of the relay tests: a smaller picture than
// the default, so that several relays and readers keep real time on two
// shared cores, under the race detector too.
func rigSignalConfig() SignalConfig {
	cfg := DefaultSignalConfig()
	cfg.Width, cfg.Height = 256, 256
	cfg.Bitrate = 1_000_000
	return cfg
}

func identical(a, b *image.YCbCr) bool {
	l, c := meanAbsDiff(a, b)
	return l == 0 && c == 0
}
