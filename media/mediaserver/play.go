package mediaserver

import (
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/gortmplib/pkg/message"
)

// playWriter writes one reader's stream with gortmplib's Writer.
type playWriter struct {
	w     *gortmplib.Writer
	video *gortmplib.Track
	audio *gortmplib.Track // nil: the path has no audio
}

// startPlay answers the play command and sends the stream header: metadata
// and the decoder configurations.
func (c *conn) startPlay(commandID int, prm params) (*playWriter, error) {
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout)); err != nil {
		return nil, err
	}
	if err := c.mrw.Write(&message.UserControlStreamBegin{StreamID: 1}); err != nil {
		return nil, err
	}
	for _, st := range [][2]string{
		{"NetStream.Play.Reset", "play reset"},
		{"NetStream.Play.Start", "play start"},
		{"NetStream.Data.Start", "data start"},
	} {
		if err := c.writeStatus(commandID, "status", st[0], st[1]); err != nil {
			return nil, err
		}
	}
	pw := &playWriter{video: &gortmplib.Track{Codec: &codecs.H264{SPS: prm.sps, PPS: prm.pps}}}
	tracks := []*gortmplib.Track{pw.video}
	if prm.aac != nil {
		pw.audio = &gortmplib.Track{Codec: &codecs.MPEG4Audio{Config: prm.aac}}
		tracks = append(tracks, pw.audio)
	}
	pw.w = &gortmplib.Writer{Conn: c, Tracks: tracks}
	if err := pw.w.Initialize(); err != nil {
		return nil, err
	}
	return pw, nil
}

// writeFrame writes one frame within WriteTimeout: a reader that cannot
// take it in time is dropped.
func (c *conn) writeFrame(pw *playWriter, f *frame) error {
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout)); err != nil {
		return err
	}
	if f.video {
		return pw.w.WriteH264(pw.video, f.pts, f.dts, f.au)
	}
	if pw.audio != nil {
		return pw.w.WriteMPEG4Audio(pw.audio, f.pts, f.audio)
	}
	return nil
}
