package live

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
)

// writeTimeout bounds one RTMP write: a server that stops reading for this
// long has dropped us as far as a live stream is concerned.
const writeTimeout = 10 * time.Second

// Publisher publishes one H.264 track over RTMP.
type Publisher struct {
	u      *url.URL
	c      *gortmplib.Client
	w      *gortmplib.Writer
	track  *gortmplib.Track
	cancel func() bool
}

// DialPublish connects to an RTMP server and announces an H.264 track with
// the given parameter sets (from Encoder.ParameterSets after the first
// keyframe: readers need the real ones in the sequence header). ctx bounds
// the connection and, when it ends, closes the publisher.
func DialPublish(ctx context.Context, rawURL string, sps, pps []byte) (*Publisher, error) {
	u, err := ParseRTMPURL(rawURL)
	if err != nil {
		return nil, err
	}
	if len(sps) == 0 || len(pps) == 0 {
		return nil, fmt.Errorf("publish %s: no H.264 parameter sets", u.Redacted())
	}
	c := &gortmplib.Client{URL: u, Publish: true}
	if err := c.Initialize(ctx); err != nil {
		return nil, fmt.Errorf("publish %s: %w", u.Redacted(), err)
	}
	p := &Publisher{
		u:     u,
		c:     c,
		track: &gortmplib.Track{Codec: &codecs.H264{SPS: append([]byte(nil), sps...), PPS: append([]byte(nil), pps...)}},
	}
	p.cancel = context.AfterFunc(ctx, c.Close)
	p.w = &gortmplib.Writer{Conn: c, Tracks: []*gortmplib.Track{p.track}}
	_ = c.NetConn().SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := p.w.Initialize(); err != nil {
		p.Close()
		return nil, fmt.Errorf("publish %s: announce track: %w", u.Redacted(), err)
	}
	return p, nil
}

// WriteH264 sends one access unit (NALUs without start codes) shown at pts.
// The streams here have no B-frames, so decode time equals pts.
func (p *Publisher) WriteH264(pts time.Duration, au [][]byte) error {
	if p.c == nil {
		return errors.New("publish: publisher closed")
	}
	_ = p.c.NetConn().SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := p.w.WriteH264(p.track, pts, pts, au); err != nil {
		return fmt.Errorf("publish %s: write access unit: %w", p.u.Redacted(), err)
	}
	return nil
}

// Close ends the stream. It is safe to call more than once.
func (p *Publisher) Close() {
	if p.c == nil {
		return
	}
	p.cancel()
	p.c.Close()
	p.c = nil
}
