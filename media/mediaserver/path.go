package mediaserver

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/abema/go-mp4"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// The GOP cache holds everything since the last keyframe so that a reader
// joining mid-stream can decode at once. A stream whose keyframes are too
// far apart stops being cached (readers then wait for the next keyframe)
// rather than growing without bound.
const (
	maxGOPFrames = 1800     // 60 s at 30 fps
	maxGOPBytes  = 32 << 20 // far above any sane 512×512 GOP
	maxPicture   = 16384    // SPS sizes beyond this are garbage
)

var (
	errPathBusy    = errors.New("another client is already publishing to this path")
	errNotReady    = errors.New("no stream is ready on this path")
	errUnsupported = errors.New("unsupported media")
)

// frame is one access unit as received, shared read-only by every reader.
type frame struct {
	video bool
	key   bool // video only: contains an IDR picture
	dts   time.Duration
	pts   time.Duration
	au    [][]byte // video: NAL units
	audio []byte   // AAC access unit
	size  int
}

// params are the codec parameters a reader needs before the first frame.
type params struct {
	sps, pps []byte
	sp       h264.SPS
	aac      *mpeg4audio.AudioSpecificConfig // nil: no audio track
}

// path is one published stream.
type path struct {
	name    string
	query   string
	source  *conn
	created time.Time

	framesInError atomic.Uint64

	mu            sync.Mutex
	closed        bool
	ready         bool
	readyTime     time.Time
	params        params
	haveVideo     bool
	paramsChanged bool // send SPS/PPS in-band with the next keyframe
	gop           []*frame
	gopBytes      int
	gopValid      bool
	readers       map[*reader]struct{}
}

// reader is one RTMP client reading a path.
type reader struct {
	c     *conn
	queue chan *frame
	// waitKey: nothing can be decoded until the next keyframe, either
	// because the reader joined without a GOP to start from or because a
	// frame was discarded. Only the publisher's goroutine touches these,
	// under path.mu.
	waitKey  bool
	dropping bool // waitKey because of a discard: skipped frames count as discarded
}

func newPath(name, query string, source *conn) *path {
	return &path{name: name, query: query, source: source, created: time.Now(), readers: make(map[*reader]struct{})}
}

func (p *path) isReady() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ready && !p.closed
}

// setVideoConfig takes an AVC decoder configuration record from the
// publisher.
func (p *path) setVideoConfig(cfg *mp4.AVCDecoderConfiguration) error {
	if cfg == nil || len(cfg.SequenceParameterSets) == 0 || len(cfg.PictureParameterSets) == 0 {
		return fmt.Errorf("%w: AVC configuration without SPS or PPS", errUnsupported)
	}
	// The frames are split on 4-byte lengths (h264.AVCC); x264, ffmpeg and
	// every RTMP encoder in practice use 4.
	if cfg.LengthSizeMinusOne != 3 {
		return fmt.Errorf("%w: AVC NAL length size %d", errUnsupported, cfg.LengthSizeMinusOne+1)
	}
	return p.setSPSPPS(cfg.SequenceParameterSets[0].NALUnit, cfg.PictureParameterSets[0].NALUnit, false)
}

// setSPSPPS installs parameter sets; inBand says they travel inside a frame
// already, so readers need not be sent them again.
func (p *path) setSPSPPS(sps, pps []byte, inBand bool) error {
	p.mu.Lock()
	same := p.haveVideo && bytes.Equal(sps, p.params.sps) && bytes.Equal(pps, p.params.pps)
	p.mu.Unlock()
	if same {
		return nil
	}
	var sp h264.SPS
	if err := sp.Unmarshal(sps); err != nil {
		return fmt.Errorf("invalid H.264 SPS: %w", err)
	}
	if w, h := sp.Width(), sp.Height(); w <= 0 || h <= 0 || w > maxPicture || h > maxPicture {
		return fmt.Errorf("invalid H.264 SPS: picture %dx%d", w, h)
	}
	if len(pps) == 0 {
		return errors.New("empty H.264 PPS")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.params.sps = slices.Clone(sps)
	p.params.pps = slices.Clone(pps)
	p.params.sp = sp
	p.paramsChanged = p.haveVideo && !inBand
	p.haveVideo = true
	return nil
}

func (p *path) setAudioConfig(cfg *mpeg4audio.AudioSpecificConfig) {
	if cfg == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// Readers initialised before it cannot take a new track; only a path
	// that is not ready yet adopts it.
	if !p.ready {
		p.params.aac = cfg
	}
}

// videoAU takes one AVCC-framed access unit. It reports whether the path
// just became ready.
func (p *path) videoAU(dts, pts time.Duration, payload []byte) (bool, error) {
	var au h264.AVCC
	if err := au.Unmarshal(payload); err != nil {
		if errors.Is(err, h264.ErrAVCCNoNALUs) {
			return false, nil
		}
		p.framesInError.Add(1)
		return false, nil
	}
	var sps, pps []byte
	for _, n := range au {
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			sps = n
		case h264.NALUTypePPS:
			pps = n
		}
	}
	if sps != nil && pps != nil {
		if err := p.setSPSPPS(sps, pps, true); err != nil {
			p.framesInError.Add(1)
			return false, nil
		}
	}
	key := h264.IsRandomAccess(au)
	p.mu.Lock()
	haveVideo := p.haveVideo
	if key && p.paramsChanged && sps == nil {
		au = append([][]byte{p.params.sps, p.params.pps}, au...)
		p.paramsChanged = false
	}
	p.mu.Unlock()
	if !haveVideo {
		return false, nil // nothing can be decoded before the configuration
	}
	return p.push(&frame{video: true, key: key, dts: dts, pts: pts, au: au, size: len(payload)}), nil
}

func (p *path) audioAU(pts time.Duration, au []byte) {
	p.mu.Lock()
	hasAudio := p.params.aac != nil
	p.mu.Unlock()
	if !hasAudio || len(au) == 0 {
		return
	}
	p.push(&frame{dts: pts, pts: pts, audio: au, size: len(au)})
}

// push caches f and hands it to every reader without ever blocking: a
// reader whose queue is full loses the frame and everything up to the next
// keyframe. It reports whether the path just became ready.
func (p *path) push(f *frame) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	becameReady := false
	if !p.ready {
		if !f.key {
			return false
		}
		p.ready, p.readyTime, becameReady = true, time.Now(), true
	}

	if f.key {
		clear(p.gop)
		p.gop, p.gopBytes, p.gopValid = p.gop[:0], 0, true
	}
	if p.gopValid {
		if len(p.gop) >= maxGOPFrames || p.gopBytes+f.size > maxGOPBytes {
			clear(p.gop)
			p.gop, p.gopBytes, p.gopValid = p.gop[:0], 0, false
		} else {
			p.gop = append(p.gop, f)
			p.gopBytes += f.size
		}
	}

	for r := range p.readers {
		if r.waitKey {
			if !f.key {
				if r.dropping {
					r.c.discarded.Add(1)
				}
				continue
			}
			r.waitKey, r.dropping = false, false
		}
		select {
		case r.queue <- f:
		default:
			r.c.discarded.Add(1)
			r.waitKey, r.dropping = true, true
		}
	}
	return becameReady
}

// attach adds a reader and returns what it must send first: the codec
// parameters and the cached GOP.
func (p *path) attach(c *conn, queueSize int) (*reader, params, []*frame, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || !p.ready {
		return nil, params{}, nil, errNotReady
	}
	r := &reader{c: c, queue: make(chan *frame, queueSize)}
	var gop []*frame
	if p.gopValid && len(p.gop) > 0 {
		gop = slices.Clone(p.gop)
	} else {
		r.waitKey = true
	}
	p.readers[r] = struct{}{}
	return r, p.params, gop, nil
}

func (p *path) detach(r *reader) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		delete(p.readers, r)
	}
}

// close ends the path: every reader's queue is closed so that it finishes
// what it has and hangs up.
func (p *path) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	for r := range p.readers {
		close(r.queue)
	}
	p.readers = nil
	clear(p.gop)
	p.gop = nil
}
