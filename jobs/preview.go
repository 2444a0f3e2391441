package jobs

import (
	"bytes"
	"image"
	"image/jpeg"
	"sort"
	"sync"
	"time"
)

// LiveStream is a live test running now, as the admin's preview lists it.
type LiveStream struct {
	StreamID     string    `json:"stream_id"`
	Orchestrator string    `json:"orchestrator"`
	Model        string    `json:"model"`
	StartedAt    time.Time `json:"started_at"`
}

// LiveFrames exposes the running live tests and the latest output frame
// of each, for the live preview in the admin pages.
type LiveFrames interface {
	Running() []LiveStream
	// LatestFrame is the newest output frame as JPEG; false before the
	// first frame or once the test has ended.
	LatestFrame(streamID string) ([]byte, bool)
}

// Previews is a LiveFrames the live runner feeds: Begin when a test
// starts, Frame for each decoded output frame, and the func Begin returns
// when it ends. It keeps one frame per stream, copied at most every
// MinInterval, and encodes JPEG only when someone asks, so a preview
// nobody watches costs a copy four times a second.
type Previews struct {
	MinInterval time.Duration // default 250 ms

	mu      sync.Mutex
	streams map[string]*preview
}

type preview struct {
	info  LiveStream
	frame *image.YCbCr
	at    time.Time
	jpeg  []byte // of frame; nil until asked
}

// Begin registers a running stream; the func it returns removes it.
func (p *Previews) Begin(s LiveStream) (end func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.streams == nil {
		p.streams = map[string]*preview{}
	}
	pv := &preview{info: s}
	p.streams[s.StreamID] = pv
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.streams[s.StreamID] == pv {
			delete(p.streams, s.StreamID)
		}
	}
}

// Frame offers a decoded output frame of a stream. The decoder reuses its
// buffers, so a kept frame is a copy.
func (p *Previews) Frame(streamID string, img *image.YCbCr, at time.Time) {
	every := p.MinInterval
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	p.mu.Lock()
	pv := p.streams[streamID]
	if pv == nil || (pv.frame != nil && at.Sub(pv.at) < every) {
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	cp := copyYCbCr(img) // outside the lock: readers need not wait for it
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.streams[streamID] == pv {
		pv.frame, pv.at, pv.jpeg = cp, at, nil
	}
}

// Running lists the registered streams, oldest first.
func (p *Previews) Running() []LiveStream {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]LiveStream, 0, len(p.streams))
	for _, pv := range p.streams {
		out = append(out, pv.info)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].StartedAt.Equal(out[j].StartedAt) {
			return out[i].StartedAt.Before(out[j].StartedAt)
		}
		return out[i].StreamID < out[j].StreamID
	})
	return out
}

// LatestFrame is LiveFrames.LatestFrame.
func (p *Previews) LatestFrame(streamID string) ([]byte, bool) {
	p.mu.Lock()
	pv := p.streams[streamID]
	if pv == nil || pv.frame == nil {
		p.mu.Unlock()
		return nil, false
	}
	if pv.jpeg != nil {
		b := pv.jpeg
		p.mu.Unlock()
		return b, true
	}
	frame := pv.frame
	p.mu.Unlock()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, frame, &jpeg.Options{Quality: 75}); err != nil {
		return nil, false
	}
	p.mu.Lock()
	if pv.frame == frame {
		pv.jpeg = buf.Bytes()
	}
	p.mu.Unlock()
	return buf.Bytes(), true
}

func copyYCbCr(src *image.YCbCr) *image.YCbCr {
	dst := image.NewYCbCr(src.Rect, src.SubsampleRatio)
	// Row by row: the source's stride may be wider than its picture.
	for y := src.Rect.Min.Y; y < src.Rect.Max.Y; y++ {
		so, do := src.YOffset(src.Rect.Min.X, y), dst.YOffset(dst.Rect.Min.X, y)
		copy(dst.Y[do:do+src.Rect.Dx()], src.Y[so:])
	}
	cw := dst.CStride
	rows := map[image.YCbCrSubsampleRatio]int{image.YCbCrSubsampleRatio420: 2, image.YCbCrSubsampleRatio440: 2}[src.SubsampleRatio]
	if rows == 0 {
		rows = 1
	}
	for y := src.Rect.Min.Y; y < src.Rect.Max.Y; y += rows {
		so, do := src.COffset(src.Rect.Min.X, y), dst.COffset(dst.Rect.Min.X, y)
		copy(dst.Cb[do:do+cw], src.Cb[so:])
		copy(dst.Cr[do:do+cw], src.Cr[so:])
	}
	return dst
}
