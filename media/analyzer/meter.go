package analyzer

import (
	"image"
	"math"
	"slices"
	"sort"
	"sync"
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

// Report is what a Meter measured. Durations are zero when unknown.
type Report struct {
	// Frames is the number of output frames decoded.
	Frames int
	// Width and Height are the size of the last output frame.
	Width, Height int
	// StartupLatency is the first output frame's arrival minus
	// Options.PublishStart.
	StartupLatency time.Duration
	// FPSMean is the arrival rate over the run: frames over the time from
	// the first to the last frame, after the catch-up burst.
	FPSMean float64
	// FPSLow is the 5th percentile of frames counted in each whole second
	// after the catch-up burst (a second with no frame counts as 0);
	// FPSMean when the run is shorter than a second.
	FPSLow float64
	// FPSFromPTS is the rate the stream's timestamps claim. Far above
	// FPSMean it means frames were timestamped but not delivered in time.
	FPSFromPTS float64
	// JitterMS is the standard deviation of the gaps between frame
	// arrivals after the catch-up burst, in milliseconds.
	JitterMS float64
	// CatchUpFrames counts the frames that arrived in a burst when the
	// reader joined: a media server that keeps the last group of pictures
	// sends it at once, so those frames are old. They count in Frames,
	// StartupLatency, freezes, black frames and pass-through, not in the
	// rates, the jitter or the latencies.
	CatchUpFrames int
	// Freezes counts the times the picture stayed unchanged (repeated
	// frames, or no frame at all) for longer than the freeze threshold;
	// FreezeTotal is how long those lasted in all.
	Freezes     int
	FreezeTotal time.Duration
	// BlackFrames counts frames that are black (dark and flat);
	// BlackFraction is their share of Frames.
	BlackFrames   int
	BlackFraction float64
	// E2ELatency is the median delay from an input flash being sent to it
	// arriving in the output, over FlashesMatched flashes. When no flash
	// could be matched it falls back to CounterLatency (FlashesMatched 0).
	E2ELatency     time.Duration
	FlashesMatched int
	// FlashesSeen counts flashes detected in the output, matched or not.
	FlashesSeen int
	// CounterLatency is the median delay from input frame n being sent to
	// an output frame showing counter n arriving, over CounterFrames
	// frames whose counter was readable.
	CounterLatency time.Duration
	CounterFrames  int
	// PassThrough is set when most output frames compared (Compared, at
	// least minCompared) are nearly identical to the input frames they
	// show: no model ran. InputSimilarity is the share of compared frames
	// within the bound, InputDiff the median difference in levels (0–255)
	// on a coarse grid of luma and chroma.
	PassThrough     bool
	InputSimilarity float64
	InputDiff       float64
	Compared        int
	// Ended is set when the stream ended before the measurement was over;
	// EndedAfter is how long after the first frame.
	Ended      bool
	EndedAfter time.Duration
	// Observed is how long the output was watched after its first frame.
	Observed time.Duration
	// Thumbnail is a JPEG of an output frame from the middle of the run,
	// at most thumbWidth pixels wide.
	Thumbnail []byte
}

// Detection thresholds.
const (
	// A frame is "the same picture" as the previous one when its samples
	// differ by less than sameMeanDiff levels on average and almost none by
	// more than bigDiff: an encoder re-coding a repeated picture (a new
	// keyframe of it, say) moves levels by one or two, while any content
	// change moves some samples a lot.
	sameMeanDiff = 2.5
	sameBigShare = 1000 // at most 1 sample in sameBigShare may jump

	// Black: mean luma below blackLuma (video black is 16) and flat.
	blackLuma = 24
	blackStd  = 8

	// Flash detection: a jump of the frame's mean luma away from the median
	// of the last baselineLen ordinary frames. The threshold is a share of
	// the jump the reference's own flash makes (a restyle may soften it),
	// bounded; without a reference, defaultFlashJump.
	baselineLen      = 9
	minBaseline      = 3
	flashJumpShare   = 0.35
	minFlashJump     = 12
	maxFlashJump     = 60
	defaultFlashJump = 30
	// A jump that lasts longer than maxFlash is a change of scene (or the
	// output going black), not a flash: the baseline moves to it.
	maxFlash = 600 * time.Millisecond
	// A frame that arrives catchUpSpeed times faster than its timestamps
	// advance, before any frame came at the stream's pace, is part of a
	// catch-up burst.
	catchUpSpeed = 4
	// maxE2E bounds the latency a flash or counter match may imply.
	maxE2E = 20 * time.Second
	// sentSlack is how far an output frame may seem to precede its input:
	// the publisher notes a frame as sent after its write returns, and on
	// loopback a fast relay's output can arrive before that. Such a
	// latency counts as 0.
	sentSlack = 50 * time.Millisecond

	// Pass-through: output frames are compared with their input frames
	// about every probeEvery; within passDiff levels (grid mean absolute
	// difference) counts as "the same"; passShare of at least minCompared
	// comparisons makes a pass-through.
	probeEvery  = 250 * time.Millisecond
	maxProbes   = 512
	passDiff    = 10
	passShare   = 0.6
	minCompared = 5

	// maxWindows caps the per-second counters (a day of output).
	maxWindows = 24 * 3600
)

// Meter measures a stream of decoded frames. Feed it every frame in
// arrival order, Finish it when the measurement ends, and read the Report.
// It is safe for concurrent use: Report may be called while frames arrive.
type Meter struct {
	mu          sync.Mutex
	opt         Options
	freezeAfter time.Duration
	flashJump   float64

	lay       *layout
	cur, prev samples
	havePrev  bool

	frames         int
	first, last    time.Time
	minPTS, maxPTS time.Duration
	width, height  int

	gaps           int
	gapMean, gapM2 float64 // Welford's running mean and sum of squares, ms
	windows        []int   // frames per whole second after liveFrom
	lastPTS        time.Duration
	catchingUp     bool      // no frame has arrived at the stream's own pace yet
	catchUp        int       // frames of the catch-up burst
	liveFrom       time.Time // arrival of the first frame after the burst
	liveFrames     int       // frames since liveFrom, inclusive

	stillSince  time.Time // arrival of the picture now shown
	freezes     int
	freezeTotal time.Duration

	black int

	baseline   []float64 // mean luma of recent ordinary frames
	inFlash    bool
	flashStart time.Time
	flashBase  float64
	outFlashes []time.Time // arrival of each output flash's first frame

	sent        []time.Time // sent[n]: when input frame n was sent
	inFlashes   []time.Time // sent time of each input flash's first frame
	prevIsFlash bool

	counterLat  []time.Duration
	lastCounter int // highest counter value measured

	lastProbe  time.Time
	probeEvery time.Duration
	probes     []probe
	refGrids   map[int][]uint8

	thumb       *image.YCbCr
	thumbLocked bool
	thumbNext   int
	thumbJPEG   []byte

	finished bool
	end      time.Time
	ended    bool
}

// probe is an output frame kept for the pass-through comparison.
type probe struct {
	arrived time.Time
	n       int // input frame read from the counter, −1 if unreadable
	grid    []uint8
}

// NewMeter returns a Meter for opt.
func NewMeter(opt Options) *Meter {
	m := &Meter{opt: opt, freezeAfter: opt.FreezeThreshold, flashJump: defaultFlashJump,
		probeEvery: probeEvery, thumbNext: 1, refGrids: map[int][]uint8{}, lastCounter: -1}
	if m.freezeAfter <= 0 {
		m.freezeAfter = DefaultFreezeThreshold
	}
	if opt.Signal != nil {
		if jump, ok := referenceFlashJump(opt.Signal); ok {
			m.flashJump = min(max(jump*flashJumpShare, minFlashJump), maxFlashJump)
		}
	}
	return m
}

// referenceFlashJump is how far the signal's own flash moves the mean
// luma: the first flash frame against the frame before it.
func referenceFlashJump(ref Reference) (float64, bool) {
	const search = 30 * 60 // flashes come every few seconds
	for n := 1; n < search; n++ {
		if ref.IsFlash(n) && !ref.IsFlash(n-1) {
			a, b := gridOf(ref.Frame(n-1)), gridOf(ref.Frame(n))
			if a == nil || b == nil {
				return 0, false
			}
			return math.Abs(gridMeanY(b) - gridMeanY(a)), true
		}
	}
	return 0, false
}

func gridMeanY(g []uint8) float64 {
	var s int
	for _, v := range g[:gridSize*gridSize] {
		s += int(v)
	}
	return float64(s) / (gridSize * gridSize)
}

// Feed measures one decoded frame: img as decoded (not retained), when it
// arrived, and its presentation timestamp.
func (m *Meter) Feed(img *image.YCbCr, arrived time.Time, pts time.Duration) {
	if img == nil || !valid(img) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()

	if !m.lay.matches(img) {
		m.lay = newLayout(img)
		m.havePrev = false
	}
	s := m.lay.take(img, &m.cur, &m.prev, m.havePrev)
	m.width, m.height = img.Rect.Dx(), img.Rect.Dy()

	if m.frames == 0 {
		m.first, m.stillSince, m.liveFrom = arrived, arrived, arrived
		m.minPTS, m.maxPTS = pts, pts
		m.catchingUp = true
	} else {
		m.minPTS, m.maxPTS = min(m.minPTS, pts), max(m.maxPTS, pts)
		if m.catchingUp && pts > m.lastPTS && arrived.Sub(m.last)*catchUpSpeed < pts-m.lastPTS {
			m.startOver(arrived)
		} else {
			m.catchingUp = false
			gap := float64(arrived.Sub(m.last)) / float64(time.Millisecond)
			m.gaps++
			d := gap - m.gapMean
			m.gapMean += d / float64(m.gaps)
			m.gapM2 += d * (gap - m.gapMean)
		}
	}
	m.frames++
	m.liveFrames++
	m.last, m.lastPTS = arrived, pts
	m.countWindow(arrived)

	same := m.havePrev && s.meanDiff < sameMeanDiff && s.bigDiffs*sameBigShare <= s.n
	if !same && m.frames > 1 {
		m.closeStill(arrived)
	}
	if s.meanY < blackLuma && s.stdY < blackStd {
		m.black++
	}
	m.detectFlash(s.meanY, arrived)

	if m.opt.Sent != nil {
		m.scanSent(arrived)
	}
	n := -1
	if ref := m.opt.Signal; ref != nil {
		// A flat frame carries no counter, whatever a reader makes of it.
		flat := s.stdY < blackStd
		if c, ok := ref.ReadCounter(img); !flat && ok && c >= 0 && c < len(m.sent) {
			if lat := arrived.Sub(m.sent[c]); lat >= -sentSlack && lat <= maxE2E {
				n = c
				// A repeated picture shows an old counter: only the first
				// frame to show a value measures the delay.
				if c > m.lastCounter {
					m.counterLat = append(m.counterLat, max(lat, 0))
					m.lastCounter = c
				}
			}
		}
		if m.opt.Sent != nil && (len(m.probes) == 0 || arrived.Sub(m.lastProbe) >= m.probeEvery) {
			m.addProbe(probe{arrived: arrived, n: n, grid: m.lay.grid(&m.cur)})
		}
	}
	m.maybeThumbnail(img, arrived)

	m.cur, m.prev = m.prev, m.cur
	m.havePrev = true
}

// startOver is called for a frame that arrived much faster than its
// timestamps say it was made: it and every frame before it are the backlog
// a media server sends a joining reader. The rate, jitter and latency clocks
// start over at it.
func (m *Meter) startOver(arrived time.Time) {
	m.catchUp = m.frames + 1
	m.liveFrom, m.liveFrames = arrived, 0
	m.windows = m.windows[:0]
	m.gaps, m.gapMean, m.gapM2 = 0, 0, 0
	m.counterLat = m.counterLat[:0]
	m.outFlashes = m.outFlashes[:0]
}

func (m *Meter) countWindow(arrived time.Time) {
	i := int(arrived.Sub(m.liveFrom) / time.Second)
	if i < 0 || i >= maxWindows {
		return
	}
	for len(m.windows) <= i {
		m.windows = append(m.windows, 0)
	}
	m.windows[i]++
}

// closeStill ends the picture shown since stillSince, at the arrival of a
// different one.
func (m *Meter) closeStill(at time.Time) {
	if d := at.Sub(m.stillSince); d > m.freezeAfter {
		m.freezes++
		m.freezeTotal += d
	}
	m.stillSince = at
}

// detectFlash follows the frame's mean luma against a baseline of recent
// ordinary frames and records the onset of each flash once it is over.
func (m *Meter) detectFlash(mean float64, arrived time.Time) {
	if m.inFlash {
		if math.Abs(mean-m.flashBase) >= m.flashJump/2 {
			if arrived.Sub(m.flashStart) > maxFlash {
				// A new level, not a flash: start the baseline over.
				m.inFlash = false
				m.baseline = append(m.baseline[:0], mean)
			}
			return
		}
		m.inFlash = false
		m.outFlashes = append(m.outFlashes, m.flashStart)
		m.pushBaseline(mean)
		return
	}
	if len(m.baseline) >= minBaseline {
		base := medianSmall(m.baseline)
		if math.Abs(mean-base) >= m.flashJump {
			m.inFlash, m.flashStart, m.flashBase = true, arrived, base
			return
		}
	}
	m.pushBaseline(mean)
}

func (m *Meter) pushBaseline(v float64) {
	if len(m.baseline) == baselineLen {
		copy(m.baseline, m.baseline[1:])
		m.baseline = m.baseline[:baselineLen-1]
	}
	m.baseline = append(m.baseline, v)
}

// scanSent learns the send times of input frames sent up to now, and which
// of them start a flash. Frames "sent" after now are left for later, so a
// Sent computed from a formula cannot run away.
func (m *Meter) scanSent(now time.Time) {
	for {
		n := len(m.sent)
		t, ok := m.opt.Sent(n)
		if !ok || t.After(now.Add(sentSlack)) {
			return
		}
		m.sent = append(m.sent, t)
		if ref := m.opt.Signal; ref != nil {
			f := ref.IsFlash(n)
			if f && !m.prevIsFlash {
				m.inFlashes = append(m.inFlashes, t)
			}
			m.prevIsFlash = f
		}
	}
}

// addProbe keeps p, halving the kept probes (and their rate) when full so
// that a long run keeps an even spread in bounded memory.
func (m *Meter) addProbe(p probe) {
	if len(m.probes) == maxProbes {
		for i := range maxProbes / 2 {
			m.probes[i] = m.probes[2*i]
		}
		m.probes = m.probes[:maxProbes/2]
		m.probeEvery *= 2
	}
	m.probes = append(m.probes, p)
	m.lastProbe = p.arrived
}

// Finish ends the measurement at at; ended says the stream itself ended
// (rather than the measurement running its course). A picture still shown
// at at counts towards freezes up to at.
func (m *Meter) Finish(at time.Time, ended bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finished, m.end, m.ended = true, at, ended
	if m.opt.Sent != nil {
		m.scanSent(at)
	}
}

// Report returns what was measured so far.
func (m *Meter) Report() Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := Report{Frames: m.frames, Width: m.width, Height: m.height}
	if m.frames == 0 {
		return r
	}
	end := m.last
	if m.finished && m.end.After(end) {
		end = m.end
	}
	r.Observed = end.Sub(m.first)
	if !m.opt.PublishStart.IsZero() {
		r.StartupLatency = m.first.Sub(m.opt.PublishStart)
	}
	r.CatchUpFrames = m.catchUp
	if span := m.last.Sub(m.liveFrom); m.liveFrames > 1 && span > 0 {
		r.FPSMean = float64(m.liveFrames-1) / span.Seconds()
	}
	if span := m.maxPTS - m.minPTS; m.frames > 1 && span > 0 {
		r.FPSFromPTS = float64(m.frames-1) / span.Seconds()
	}
	r.FPSLow = m.fpsLow(end, r.FPSMean)
	if m.gaps > 1 {
		r.JitterMS = math.Sqrt(m.gapM2 / float64(m.gaps))
	}

	r.Freezes, r.FreezeTotal = m.freezes, m.freezeTotal
	if d := end.Sub(m.stillSince); d > m.freezeAfter {
		r.Freezes++
		r.FreezeTotal += d
	}
	r.BlackFrames = m.black
	r.BlackFraction = float64(m.black) / float64(m.frames)

	r.FlashesSeen = len(m.outFlashes)
	if len(m.counterLat) > 0 {
		r.CounterFrames = len(m.counterLat)
		r.CounterLatency = medianDuration(m.counterLat)
	}
	lats := m.matchFlashes(r)
	r.FlashesMatched = len(lats)
	switch {
	case len(lats) > 0:
		r.E2ELatency = medianDuration(lats)
	case r.CounterFrames > 0:
		r.E2ELatency = r.CounterLatency
	}
	m.passThrough(&r)

	if m.finished && m.ended {
		r.Ended = true
		r.EndedAfter = m.end.Sub(m.first)
	}
	r.Thumbnail = slices.Clone(m.thumbnailJPEG())
	return r
}

// fpsLow is the 5th percentile (nearest rank) of the per-second counts of
// the whole seconds between the end of the catch-up burst and end.
func (m *Meter) fpsLow(end time.Time, mean float64) float64 {
	whole := min(int(end.Sub(m.liveFrom)/time.Second), maxWindows)
	if whole < 1 {
		return mean
	}
	counts := make([]int, whole)
	copy(counts, m.windows)
	slices.Sort(counts)
	rank := int(math.Ceil(0.05*float64(whole))) - 1
	return float64(counts[max(rank, 0)])
}

// matchFlashes pairs each output flash with the input flash it shows and
// returns their delays. The input flash is the latest one sent before the
// output flash arrived, unless the counter gives a latency estimate: then
// it is the one whose delay is closest to that estimate, which also holds
// when the latency exceeds the time between flashes.
func (m *Meter) matchFlashes(r Report) []time.Duration {
	// Trust the counter for disambiguation only when it was read on a fair
	// share of frames; a stray misread must not steer the matching.
	useCounter := r.CounterFrames*10 >= r.Frames
	var lats []time.Duration
	for _, out := range m.outFlashes {
		// inFlashes is in send order: the candidates are a prefix.
		k := sort.Search(len(m.inFlashes), func(i int) bool { return m.inFlashes[i].After(out.Add(sentSlack)) })
		var best time.Duration
		found := false
		for i := k - 1; i >= 0; i-- {
			lat := out.Sub(m.inFlashes[i])
			if lat > maxE2E {
				break
			}
			if !found || useCounter && absDur(lat-r.CounterLatency) < absDur(best-r.CounterLatency) {
				best, found = lat, true
			}
			if !useCounter {
				break
			}
		}
		if found {
			lats = append(lats, max(best, 0))
		}
	}
	return lats
}

// passThrough compares the kept output frames with the input frames they
// show: the one named by the counter, or else the one sent E2ELatency
// before the output frame arrived.
func (m *Meter) passThrough(r *Report) {
	ref := m.opt.Signal
	if ref == nil || len(m.sent) == 0 {
		return
	}
	var diffs []float64
	for _, p := range m.probes {
		n := p.n
		if n < 0 {
			if r.E2ELatency <= 0 {
				continue
			}
			n = nearestSent(m.sent, p.arrived.Add(-r.E2ELatency))
		}
		g, ok := m.refGrids[n]
		if !ok {
			g = gridOf(ref.Frame(n))
			m.refGrids[n] = g
		}
		if g == nil {
			continue
		}
		diffs = append(diffs, gridDiff(p.grid, g))
	}
	r.Compared = len(diffs)
	if len(diffs) == 0 {
		return
	}
	within := 0
	for _, d := range diffs {
		if d <= passDiff {
			within++
		}
	}
	r.InputSimilarity = float64(within) / float64(len(diffs))
	r.InputDiff = median(diffs)
	r.PassThrough = len(diffs) >= minCompared && r.InputSimilarity >= passShare
}

// nearestSent is the input frame whose send time is closest to t.
func nearestSent(sent []time.Time, t time.Time) int {
	k := sort.Search(len(sent), func(i int) bool { return !sent[i].Before(t) })
	switch {
	case k == 0:
		return 0
	case k == len(sent):
		return len(sent) - 1
	case t.Sub(sent[k-1]) <= sent[k].Sub(t):
		return k - 1
	default:
		return k
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// medianSmall is median for the flash baseline, without allocating.
func medianSmall(v []float64) float64 {
	var buf [baselineLen]float64
	s := buf[:copy(buf[:], v)]
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func medianDuration(v []time.Duration) time.Duration {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
