package live

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"
)

// SignalConfig describes the synthetic test stream.
type SignalConfig struct {
	Width, Height    int
	FPS              int
	KeyframeInterval time.Duration
	FlashEvery       time.Duration // a two-frame full-frame flash starts every FlashEvery
	Bitrate          int           // bits per second; 0 = constant quality
}

// DefaultSignalConfig is 512x512 at 30 fps, a keyframe every second, a flash
// every two seconds, 2 Mbit/s.
func DefaultSignalConfig() SignalConfig {
	return SignalConfig{
		Width: 512, Height: 512, FPS: 30,
		KeyframeInterval: time.Second,
		FlashEvery:       2 * time.Second,
		Bitrate:          2_000_000,
	}
}

// Signal limits. Live AI pipelines are judged at real-time rates; a stream
// slower than 15 fps would not test them. The size floor keeps the counter
// blocks (1/18 of the width, 1/16 of the height) large enough to survive
// coding and restyling.
const (
	MinSignalFPS    = 15
	maxSignalFPS    = 60
	minSignalSide   = 128
	maxSignalSide   = 1920
	flashFrames     = 2 // two frames, so a 2:1 frame-rate cut keeps one of them
	minFlashPeriod  = 8 // frames between flash starts
	counterColumns  = 18
	counterBits     = 16
	counterRowsFrac = 16 // each counter row is 1/16 of the height
)

// Validate reports the first field that is out of range.
func (c SignalConfig) Validate() error {
	switch {
	case c.FPS < MinSignalFPS:
		return fmt.Errorf("signal: fps %d is below the minimum of %d", c.FPS, MinSignalFPS)
	case c.FPS > maxSignalFPS:
		return fmt.Errorf("signal: fps %d is above the maximum of %d", c.FPS, maxSignalFPS)
	case c.Width%2 != 0 || c.Height%2 != 0:
		return fmt.Errorf("signal: size %dx%d: width and height must be even (4:2:0 video)", c.Width, c.Height)
	case c.Width < minSignalSide || c.Height < minSignalSide || c.Width > maxSignalSide || c.Height > maxSignalSide:
		return fmt.Errorf("signal: size %dx%d: width and height must be %d to %d", c.Width, c.Height, minSignalSide, maxSignalSide)
	case c.KeyframeInterval <= 0:
		return fmt.Errorf("signal: keyframe interval %v must be positive", c.KeyframeInterval)
	case c.Bitrate < 0 || (c.Bitrate > 0 && c.Bitrate < 100_000):
		return fmt.Errorf("signal: bitrate %d: want 0 (constant quality) or at least 100000 bit/s", c.Bitrate)
	}
	if p := flashPeriod(c); p < minFlashPeriod {
		return fmt.Errorf("signal: flash every %v is %d frames at %d fps; want at least %d", c.FlashEvery, p, c.FPS, minFlashPeriod)
	}
	return nil
}

func flashPeriod(c SignalConfig) int {
	return int(c.FlashEvery.Seconds()*float64(c.FPS) + 0.5)
}

// Signal is the synthetic test stream. Frame n is a pure function of n:
//
//   - the top eighth of the picture is a frame counter: two rows of 18 big
//     blocks; the first row holds n mod 65536 in 16 black/white blocks (most
//     significant first) then a white and a black marker block, the second
//     row the same blocks inverted. A bit is read by comparing a block with
//     the one below it, so the counter survives colour changes, contrast
//     changes and scaling;
//   - below it, diagonal colour bands and a square that move every frame, so
//     no two honest output frames are identical;
//   - every FlashEvery, two frames are near-white below the counter: a
//     full-frame luminance flash that any restyling keeps detectable.
type Signal struct {
	cfg    SignalConfig
	period int // frames between flash starts
	band   int // height of the counter band in pixels
	lumaT  []byte
	cbT    []byte
	crT    []byte
}

// Pattern geometry: table periods (pixels) and motion (pixels per frame).
const (
	lumaPeriod   = 96
	chromaPeriod = 160
	lumaSpeed    = 4
	chromaSpeed  = 3
)

// NewSignal validates cfg and prepares the pattern tables.
func NewSignal(cfg SignalConfig) (*Signal, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Signal{
		cfg:    cfg,
		period: flashPeriod(cfg),
		band:   2 * (cfg.Height / counterRowsFrac),
	}
	// Each table is one period followed by a row's worth of repetition, so
	// a row is a single copy from any offset within the period.
	s.lumaT = make([]byte, lumaPeriod+cfg.Width)
	for i := range s.lumaT {
		// Triangle wave 64..176: mid-grey on average, with texture.
		p := i % lumaPeriod
		if p > lumaPeriod/2 {
			p = lumaPeriod - p
		}
		s.lumaT[i] = byte(64 + p*112/(lumaPeriod/2))
	}
	cw := cfg.Width / 2
	s.cbT = make([]byte, chromaPeriod+cw)
	s.crT = make([]byte, chromaPeriod+cw)
	for i := range s.cbT {
		p := i % chromaPeriod
		// Two triangle waves a quarter period apart: a saturated colour
		// wheel, so a hue change shows strongly.
		s.cbT[i] = tri(p, chromaPeriod, 40, 216)
		s.crT[i] = tri((p+chromaPeriod/4)%chromaPeriod, chromaPeriod, 40, 216)
	}
	return s, nil
}

func tri(p, period int, lo, hi byte) byte {
	half := period / 2
	if p > half {
		p = period - p
	}
	return lo + byte(p*int(hi-lo)/half)
}

// Config returns the signal's configuration.
func (s *Signal) Config() SignalConfig { return s.cfg }

// IsFlash reports whether frame n is a flash frame.
func (s *Signal) IsFlash(n int) bool { return n >= 0 && n%s.period < flashFrames }

// FlashPeriod is the number of frames from one flash start to the next.
func (s *Signal) FlashPeriod() int { return s.period }

// Frame returns frame n in a new image.
func (s *Signal) Frame(n int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, s.cfg.Width, s.cfg.Height), image.YCbCrSubsampleRatio420)
	s.Render(img, n)
	return img
}

// Render draws frame n into img, which must be a 4:2:0 image of the signal's
// size (as Frame returns), reusing its buffers.
func (s *Signal) Render(img *image.YCbCr, n int) {
	w, h := s.cfg.Width, s.cfg.Height
	cw, ch := w/2, h/2
	flash := s.IsFlash(n)

	// Pattern area.
	ys := (n * lumaSpeed) % lumaPeriod
	for y := s.band; y < h; y++ {
		row := img.Y[y*img.YStride : y*img.YStride+w]
		if flash {
			fill(row, 235)
			continue
		}
		off := (y + ys) % lumaPeriod
		copy(row, s.lumaT[off:off+w])
	}
	cs := (n * chromaSpeed) % chromaPeriod
	for cy := s.band / 2; cy < ch; cy++ {
		cb := img.Cb[cy*img.CStride : cy*img.CStride+cw]
		cr := img.Cr[cy*img.CStride : cy*img.CStride+cw]
		if flash {
			fill(cb, 128)
			fill(cr, 128)
			continue
		}
		offB := (chromaPeriod - cy%chromaPeriod + cs) % chromaPeriod
		offR := (2*cy + cs) % chromaPeriod
		copy(cb, s.cbT[offB:offB+cw])
		copy(cr, s.crT[offR:offR+cw])
	}
	if !flash {
		// The moving square: an eighth of the height, pink, wrapping.
		sz := (h / 8) &^ 1
		area := h - s.band - sz
		x0 := ((n * 5) % (w - sz)) &^ 1
		y0 := (s.band + (n*3)%area) &^ 1
		fillRect(img, image.Rect(x0, y0, x0+sz, y0+sz), 200, 60, 200)
	}

	// Counter band.
	v := n & (1<<counterBits - 1)
	rowH := h / counterRowsFrac
	for col := 0; col < counterColumns; col++ {
		var bit bool
		switch {
		case col < counterBits:
			bit = v>>(counterBits-1-col)&1 == 1
		case col == counterBits:
			bit = true
		default:
			bit = false
		}
		x0, x1 := (col*w/counterColumns)&^1, ((col+1)*w/counterColumns)&^1
		if col == counterColumns-1 {
			x1 = w
		}
		top, bottom := byte(16), byte(235)
		if bit {
			top, bottom = 235, 16
		}
		fillRect(img, image.Rect(x0, 0, x1, rowH), top, 128, 128)
		fillRect(img, image.Rect(x0, rowH, x1, s.band), bottom, 128, 128)
	}
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// fillRect paints r (even-aligned) in one colour.
func fillRect(img *image.YCbCr, r image.Rectangle, y, cb, cr byte) {
	r = r.Intersect(img.Rect)
	for yy := r.Min.Y; yy < r.Max.Y; yy++ {
		fill(img.Y[yy*img.YStride+r.Min.X:yy*img.YStride+r.Max.X], y)
	}
	for cy := r.Min.Y / 2; cy < (r.Max.Y+1)/2; cy++ {
		o := cy * img.CStride
		fill(img.Cb[o+r.Min.X/2:o+(r.Max.X+1)/2], cb)
		fill(img.Cr[o+r.Min.X/2:o+(r.Max.X+1)/2], cr)
	}
}

// Counter reading thresholds on 8-bit luma: a block pair must differ by this
// much to count as a bit (black and white are 219 apart when sent).
const counterMinContrast = 48

// ReadCounter reads the frame counter (n mod 65536) from a picture of the
// signal, at any scale, after colour changes or a luma inversion. ok is false
// when the band is not legible: a block pair without clear contrast or
// markers that do not match.
func (s *Signal) ReadCounter(img *image.YCbCr) (n int, ok bool) {
	return readCounter(img)
}

func readCounter(img *image.YCbCr) (n int, ok bool) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w < counterColumns*2 || h < counterRowsFrac*2 {
		return 0, false
	}
	rowH := float64(h) / counterRowsFrac
	colW := float64(w) / counterColumns
	var bits [counterColumns]bool
	for col := 0; col < counterColumns; col++ {
		// Sample the middle half of each block: edges blur under coding
		// and restyling.
		x0 := img.Rect.Min.X + int((float64(col)+0.25)*colW)
		x1 := img.Rect.Min.X + int((float64(col)+0.75)*colW)
		a := meanLuma(img, image.Rect(x0, img.Rect.Min.Y+int(0.25*rowH), x1, img.Rect.Min.Y+int(0.75*rowH)))
		b := meanLuma(img, image.Rect(x0, img.Rect.Min.Y+int(1.25*rowH), x1, img.Rect.Min.Y+int(1.75*rowH)))
		if d := a - b; d < counterMinContrast && d > -counterMinContrast {
			return 0, false
		}
		bits[col] = a > b
	}
	invert := false
	switch {
	case bits[counterBits] && !bits[counterBits+1]:
	case !bits[counterBits] && bits[counterBits+1]:
		invert = true // luma inverted by the model: every pair flipped
	default:
		return 0, false
	}
	for col := 0; col < counterBits; col++ {
		n <<= 1
		if bits[col] != invert {
			n |= 1
		}
	}
	return n, true
}

// meanLuma is the mean of Y over r, on every other pixel and row.
func meanLuma(img *image.YCbCr, r image.Rectangle) float64 {
	r = r.Intersect(img.Rect)
	var sum, cnt int
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		row := img.Y[img.YOffset(r.Min.X, y) : img.YOffset(r.Max.X-1, y)+1]
		for x := 0; x < len(row); x += 2 {
			sum += int(row[x])
			cnt++
		}
	}
	if cnt == 0 {
		return 0
	}
	return float64(sum) / float64(cnt)
}

// FlashThreshold is the mean luma of the picture area (below the counter)
// above which a picture is a flash. The signal's idle picture averages about
// 120 and a flash 235; a restyling that keeps brightness keeps them apart.
const FlashThreshold = 180

// FlashLevel returns the mean luma of the picture area below the counter band
// (0-255), at any scale.
func FlashLevel(img *image.YCbCr) float64 {
	h := img.Rect.Dy()
	r := img.Rect
	r.Min.Y += h * 3 / counterRowsFrac // a margin below the band
	return meanLuma(img, r)
}

// IsFlashImage reports whether a picture of the signal (or of a restyled
// copy) is a flash frame.
func IsFlashImage(img *image.YCbCr) bool { return FlashLevel(img) > FlashThreshold }

// errSignalStopped is returned by the pacing wait when ctx ends.
var errSignalStopped = errors.New("signal stopped")

// Publish encodes the signal and publishes it over RTMP in real time until
// ctx ends, then returns nil. Frame n is written at start + n/fps on the
// monotonic clock (no drift: a late frame does not delay the next ones'
// schedule); onFrame, if set, is called with n and when frame n was handed to
// the connection. Any failure to publish is returned.
func (s *Signal) Publish(ctx context.Context, url string, onFrame func(n int, sent time.Time)) error {
	if _, err := ParseRTMPURL(url); err != nil {
		return err
	}
	enc, err := NewEncoder(EncoderConfig{
		Width: s.cfg.Width, Height: s.cfg.Height, FPS: s.cfg.FPS,
		Keyframe: s.cfg.KeyframeInterval, Bitrate: s.cfg.Bitrate,
	})
	if err != nil {
		return fmt.Errorf("signal: %w", err)
	}
	defer enc.Close()

	img := s.Frame(0)
	au, _, err := enc.Encode(img, 0)
	if err != nil {
		return fmt.Errorf("signal frame 0: %w", err)
	}
	sps, pps := enc.ParameterSets()
	pub, err := DialPublish(ctx, url, sps, pps)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("signal: %w", err)
	}
	defer pub.Close()

	frameTime := func(n int) time.Duration {
		return time.Duration(int64(n) * int64(time.Second) / int64(s.cfg.FPS))
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	start := time.Now()
	for n := 0; ; n++ {
		if n > 0 {
			s.Render(img, n)
			if au, _, err = enc.Encode(img, frameTime(n)); err != nil {
				return fmt.Errorf("signal frame %d: %w", n, err)
			}
			if err := waitUntil(ctx, timer, start.Add(frameTime(n))); err != nil {
				return nil
			}
		}
		if err := pub.WriteH264(frameTime(n), au); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("signal frame %d: %w", n, err)
		}
		if onFrame != nil {
			onFrame(n, time.Now())
		}
	}
}

// waitUntil waits until t on the monotonic clock, reusing timer.
func waitUntil(ctx context.Context, timer *time.Timer, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		if ctx.Err() != nil {
			return errSignalStopped
		}
		return nil
	}
	timer.Reset(d)
	select {
	case <-ctx.Done():
		return errSignalStopped
	case <-timer.C:
		return nil
	}
}
