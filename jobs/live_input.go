package jobs

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"jobtester/media/live"
	"net/url"
	"sort"
	"sync"
	"time"
)

// newStreamName is a fresh stream (path) and streamId: unique per
// attempt, so neither the media server nor the gateway can confuse two
// tests, and recognisable as ours in their logs.
func newStreamName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "jobtester-" + hex.EncodeToString(b[:])
}

// liveQuery builds the publish query (docs/livepeer.md, "Live video through
// the gateway"): pipeline = the live model, streamId, orchestrator = the
// pin, params = JSON.
func liveQuery(model, streamID, pin, params string) string {
	// Built by hand, not url.Values.Encode, to keep the keys in the order
	// the doc gives them: a human reading the hook sees them so.
	return "pipeline=" + url.QueryEscape(model) + "&streamId=" + url.QueryEscape(streamID) +
		"&orchestrator=" + url.QueryEscape(pin) + "&params=" + url.QueryEscape(params)
}

// liveParams is the params JSON: width and height of the signal, then the
// configured params over them.
func liveParams(sig live.SignalConfig, extra map[string]any) (string, error) {
	p := map[string]any{"width": sig.Width, "height": sig.Height}
	for k, v := range extra {
		p[k] = v
	}
	b, err := json.Marshal(p) // map keys come out sorted: the same JSON every test
	if err != nil {
		return "", fmt.Errorf("encode live params: %w", err)
	}
	return string(b), nil
}

// describeLiveInput is the compatible record's input_parameters: the
// query's keys as JSON, params decoded, plus the signal and measurement.
func describeLiveInput(t Target, rep *LiveReport) string {
	var params any = rep.Params
	var decoded map[string]any
	if json.Unmarshal([]byte(rep.Params), &decoded) == nil {
		params = decoded
	}
	in := map[string]any{
		"pipeline": t.Capability.Model, "streamId": rep.StreamID, "orchestrator": t.URI, "params": params,
		"signal":   fmt.Sprintf("%dx%d@%d", rep.SignalWidth, rep.SignalHeight, rep.SignalFPS),
		"duration": rep.Duration.String(),
	}
	b, err := json.Marshal(in)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// sentLog records when each input frame was handed to the connection, for
// the analyzer's latency and pass-through measurements.
type sentLog struct {
	mu    sync.Mutex
	times []time.Time
	first chan struct{}
}

func newSentLog() *sentLog { return &sentLog{first: make(chan struct{})} }

func (s *sentLog) add(n int, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n != len(s.times) { // Publish numbers frames 0, 1, 2… without gaps
		return
	}
	s.times = append(s.times, at)
	if n == 0 {
		close(s.first)
	}
}

func (s *sentLog) get(n int) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 0 || n >= len(s.times) {
		return time.Time{}, false
	}
	return s.times[n], true
}

// pace is the rate the frames were sent at, first to last; 0 with fewer
// than two.
func (s *sentLog) pace() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.times)
	if n < 2 {
		return 0
	}
	span := s.times[n-1].Sub(s.times[0])
	if span <= 0 {
		return 0
	}
	return float64(n-1) / span.Seconds()
}

// maxGap is the longest time between two consecutive frames sent: a stall
// of our own publisher (a busy machine). 0 with fewer than two frames.
func (s *sentLog) maxGap() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var g time.Duration
	for i := 1; i < len(s.times); i++ {
		g = max(g, s.times[i].Sub(s.times[i-1]))
	}
	return g
}

// livePins is the live lane's webhook list: the URIs of the live tests
// running now, each counted once per test.
type livePins struct {
	mu     sync.Mutex
	counts map[string]int
}

func (p *livePins) change(w interface{ Pin(...string) }, uri string, delta int) {
	if w == nil || uri == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.counts == nil {
		p.counts = map[string]int{}
	}
	p.counts[uri] += delta
	if p.counts[uri] <= 0 {
		delete(p.counts, uri)
	}
	uris := make([]string, 0, len(p.counts))
	for u := range p.counts {
		uris = append(uris, u)
	}
	sort.Strings(uris) // the same list for the same tests, whatever the order they started in
	w.Pin(uris...)
}
