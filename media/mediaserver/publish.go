package mediaserver

import (
	"errors"
	"fmt"
	"time"

	"github.com/bluenviron/gortmplib/pkg/message"
)

// publish serves a publisher until it leaves, goes silent or is kicked.
func (c *conn) publish(commandID int, name, query string, named *User) error {
	cfg := &c.s.cfg
	if !c.s.users.allows(ActionPublish, c.ip, named) {
		_ = c.writeStatus(commandID, "error", "NetStream.Publish.Unauthorized", "not allowed to publish")
		return fmt.Errorf("publish %s: %w", name, errNotAllowed)
	}
	p, err := c.s.claimPath(name, query, c)
	if err != nil {
		_ = c.writeStatus(commandID, "error", "NetStream.Publish.BadName", err.Error())
		return fmt.Errorf("publish %s: %w", name, err)
	}
	defer c.s.releasePath(p)
	if err := c.writeStatus(commandID, "status", "NetStream.Publish.Start", "publish start"); err != nil {
		return fmt.Errorf("publish %s: %w", name, err)
	}
	c.setState(statePublish, name, query)
	c.log.Debug("rtmp: publishing", "path", name)

	for {
		// Reading may write (acknowledgements, ping replies), so both
		// directions get a deadline.
		now := time.Now()
		if err := c.nc.SetReadDeadline(now.Add(cfg.ReadTimeout)); err != nil {
			return err
		}
		if err := c.nc.SetWriteDeadline(now.Add(cfg.WriteTimeout)); err != nil {
			return err
		}
		msg, err := c.mrw.Read()
		if err != nil {
			if c.kicked.Load() {
				return errKicked
			}
			return fmt.Errorf("publish %s: read: %w", name, err)
		}
		done, err := c.ingest(p, msg)
		if err != nil {
			return fmt.Errorf("publish %s: %w", name, err)
		}
		if done {
			return nil
		}
	}
}

// ingest handles one message from a publisher; done means it unpublished.
func (c *conn) ingest(p *path, msg message.Message) (done bool, err error) {
	becameReady := false
	switch m := msg.(type) {
	case *message.Video:
		if m.Codec != message.CodecH264 {
			return false, fmt.Errorf("%w: video codec id %d (only H.264)", errUnsupported, m.Codec)
		}
		switch m.Type {
		case message.VideoTypeConfig:
			err = p.setVideoConfig(m.AVCConfig)
		case message.VideoTypeAU:
			becameReady, err = p.videoAU(m.DTS, m.DTS+m.PTSDelta, m.AU)
		}

	case *message.VideoExSequenceStart:
		if m.FourCC != message.FourCCAVC {
			return false, fmt.Errorf("%w: video codec %s (only H.264)", errUnsupported, fourCC(m.FourCC))
		}
		err = p.setVideoConfig(m.AVCConfig)

	case *message.VideoExCodedFrames:
		if m.FourCC != message.FourCCAVC {
			return false, fmt.Errorf("%w: video codec %s (only H.264)", errUnsupported, fourCC(m.FourCC))
		}
		becameReady, err = p.videoAU(m.DTS, m.DTS+m.PTSDelta, m.Payload)

	case *message.VideoExFramesX:
		if m.FourCC != message.FourCCAVC {
			return false, fmt.Errorf("%w: video codec %s (only H.264)", errUnsupported, fourCC(m.FourCC))
		}
		becameReady, err = p.videoAU(m.DTS, m.DTS, m.Payload)

	case *message.Audio:
		// AAC is passed through; other audio is dropped: the tests are
		// about video.
		if m.Codec == message.CodecMPEG4Audio {
			if m.AACType == message.AudioAACTypeConfig {
				p.setAudioConfig(m.AACConfig)
			} else {
				p.audioAU(m.DTS, m.AU)
			}
		}

	case *message.CommandAMF0:
		switch m.Name {
		case "deleteStream", "closeStream", "FCUnpublish":
			return true, nil
		}
	}
	if err != nil {
		return false, err
	}
	if becameReady {
		c.s.pathReady(p)
	}
	return false, nil
}

func fourCC(v message.FourCC) string {
	return string([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// play serves a reader until the publisher leaves, the reader hangs up or
// cannot keep up, or it is kicked.
func (c *conn) play(commandID int, name, query string, named *User) error {
	cfg := &c.s.cfg
	if !c.s.users.allows(ActionRead, c.ip, named) {
		_ = c.writeStatus(commandID, "error", "NetStream.Play.Failed", "not allowed to read")
		return fmt.Errorf("read %s: %w", name, errNotAllowed)
	}

	// From here on nothing the client sends matters (acknowledgements,
	// buffer lengths); it is drained so the client never blocks, and its
	// end is the reader's end.
	if err := c.nc.SetReadDeadline(time.Time{}); err != nil {
		return err
	}
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		buf := make([]byte, 4096)
		for {
			if _, err := c.bc.Read(buf); err != nil {
				c.close()
				return
			}
		}
	}()
	defer func() { c.close(); <-drained }()

	p := c.s.waitReady(name, c)
	// The setup deadline may have passed while waiting.
	if err := c.nc.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout)); err != nil {
		return err
	}
	if p == nil {
		_ = c.writeStatus(commandID, "error", "NetStream.Play.StreamNotFound", "no one is publishing to path '"+name+"'")
		return fmt.Errorf("read %s: %w", name, errNotReady)
	}
	r, prm, gop, err := p.attach(c, cfg.WriteQueueSize)
	if err != nil {
		_ = c.writeStatus(commandID, "error", "NetStream.Play.StreamNotFound", err.Error())
		return fmt.Errorf("read %s: %w", name, err)
	}
	defer p.detach(r)
	c.setState(stateRead, name, query)
	c.log.Debug("rtmp: reading", "path", name)

	w, err := c.startPlay(commandID, prm)
	if err != nil {
		return fmt.Errorf("read %s: start: %w", name, err)
	}
	for _, f := range gop {
		if err := c.writeFrame(w, f); err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
	}
	for {
		select {
		case f, ok := <-r.queue:
			if !ok {
				// Tell the player the stream is over before hanging up.
				_ = c.nc.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
				_ = c.mrw.Write(&message.UserControlStreamEOF{StreamID: 1})
				return errPublisherLeft
			}
			if err := c.writeFrame(w, f); err != nil {
				return fmt.Errorf("read %s: %w", name, err)
			}
		case <-c.closed:
			if c.kicked.Load() {
				return errKicked
			}
			return errors.New("closed")
		}
	}
}
