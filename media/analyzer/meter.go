package analyzer

import (
	"image"
	"jobtester/livemetrics"
	"slices"
	"sync"
	"time"
)

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

	// A frame that arrives catchUpSpeed times faster than its timestamps
	// advance, before any frame came at the stream's pace, is part of a
	// catch-up burst.
	catchUpSpeed = 4
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
	outStart       time.Time // the earliest arrival less its timestamp: when the stream's time zero was produced
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

	stillSince time.Time // arrival of the picture now shown
	stills     []span    // pictures shown longer than freezeAfter, before any discount

	holdMax, holdSum time.Duration // the reader's time away from the socket per frame (Analyze)

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
	if at := arrived.Add(-pts); pts >= 0 && (m.outStart.IsZero() || at.Before(m.outStart)) {
		m.outStart = at
	}
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
	r := Report{Metrics: livemetrics.Metrics{Frames: m.frames, Width: m.width, Height: m.height}}
	if m.frames == 0 {
		return r
	}
	end := m.last
	if m.finished && m.end.After(end) {
		end = m.end
	}
	r.ObservedMS = livemetrics.Millis(end.Sub(m.first))
	if !m.opt.PublishStart.IsZero() {
		r.StartupLatencyMS = livemetrics.Millis(m.first.Sub(m.opt.PublishStart))
	}
	r.CatchUpFrames = m.catchUp
	r.OutputStart, r.FirstArrival = m.outputStart(), m.first
	m.rates(&r.Metrics, end)
	m.latencies(&r.Metrics)
	m.freezes(&r.Metrics, end)
	m.passThrough(&r.Metrics)
	if m.finished && m.ended {
		r.Ended = true
		r.EndedAfterMS = livemetrics.Millis(m.end.Sub(m.first))
	}
	r.Thumbnail = slices.Clone(m.thumbnailJPEG())
	r.Reader = ReaderLoad{MaxHold: m.holdMax}
	if obs := end.Sub(m.first); obs > 0 {
		r.Reader.Busy = float64(m.holdSum) / float64(obs)
	}
	return r
}

// outputStart is when the output's first frame was produced, by the
// stream's own timestamps: each frame arrives no earlier than that time
// plus its timestamp, so the earliest arrival less its timestamp bounds
// it from above, whatever the reader missed by joining late (a media
// server that starts readers at the next keyframe, or marks a path ready
// seconds after its publisher began) and whatever bursts delayed. Never
// before the publish start (a stream stamped from a later zero cannot
// claim an earlier start), never after the first frame arrived; zero when
// unknown.
func (m *Meter) outputStart() time.Time {
	t := m.outStart
	if t.IsZero() || t.After(m.first) {
		return m.first
	}
	if ps := m.opt.PublishStart; !ps.IsZero() && t.Before(ps) {
		return ps
	}
	return t
}
