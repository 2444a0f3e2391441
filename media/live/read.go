package live

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"net"
	"net/url"
	"syscall"
	"time"

	"github.com/abema/go-mp4"
	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/message"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// playRetryInterval is how often ReadH264 retries a play request that found
// no stream: the path's publisher may not be there yet (MediaMTX refuses
// such a read at once), and startup latency is measured to its first frame,
// so the wait must be short.
const playRetryInterval = 20 * time.Millisecond

// maxDecodeErrors is how many access units in a row may fail to decode before
// ReadH264 gives up on the stream (a second at 30 fps).
const maxDecodeErrors = 30

// ParseRTMPURL checks that raw is an rtmp:// or rtmps:// URL with a host and
// a path, as the RTMP clients here need.
func ParseRTMPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("rtmp url: %w", err)
	}
	if u.Scheme != "rtmp" && u.Scheme != "rtmps" {
		return nil, fmt.Errorf("rtmp url %s: scheme %q, want rtmp or rtmps", u.Redacted(), u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("rtmp url %s: no host", u.Redacted())
	}
	if len(u.Path) < 2 {
		return nil, fmt.Errorf("rtmp url %s: no stream path", u.Redacted())
	}
	return u, nil
}

// ReadH264 plays the H.264 track of an RTMP stream and calls onFrame with
// every decoded picture, its presentation time in the stream, and when its
// access unit arrived. dec decodes: a caller that hands each image back with
// dec.Release keeps a long read free of per-frame allocations; dec must be
// fresh and not used elsewhere meanwhile. With a nil dec, ReadH264 uses one
// of its own and the images belong to the caller.
//
// While no stream data has arrived, a refused or failed play is retried every
// 20 ms until ctx ends, so a reader may start before the publisher. Once data
// has flowed, the end of the stream returns an error wrapping io.EOF; ctx
// ending returns ctx.Err() wrapped. onFrame runs on the reading goroutine: a
// slow callback delays reading.
func ReadH264(ctx context.Context, rawURL string, dec *Decoder, onFrame func(img *image.YCbCr, pts time.Duration, arrived time.Time)) error {
	if dec == nil {
		d, err := NewDecoder()
		if err != nil {
			return err
		}
		defer d.Close()
		dec = d
	}
	u, err := ParseRTMPURL(rawURL)
	if err != nil {
		return err
	}

	var lastErr error
	for {
		started, err := readOnce(ctx, u, dec, onFrame)
		if ctx.Err() != nil {
			if lastErr == nil {
				lastErr = err
			}
			if !started && lastErr != nil {
				return fmt.Errorf("read %s: no stream before deadline (last attempt: %v): %w", u.Redacted(), lastErr, ctx.Err())
			}
			return fmt.Errorf("read %s: %w", u.Redacted(), ctx.Err())
		}
		if started {
			if isStreamEnd(err) {
				return fmt.Errorf("read %s: stream ended: %w", u.Redacted(), io.EOF)
			}
			return fmt.Errorf("read %s: %w", u.Redacted(), err)
		}
		lastErr = err
		t := time.NewTimer(playRetryInterval)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
}

// isStreamEnd reports whether a read error means the server closed the
// stream, rather than something breaking on our side.
func isStreamEnd(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

// readOnce runs one play session. started reports whether any video data
// arrived, which decides between retrying and reporting the end.
//
// It reads RTMP messages itself rather than through gortmplib's Reader,
// whose track detection buffers two seconds of stream before handing over
// the first frame: that would add two seconds to every startup latency and
// make arrival times of the first frames meaningless.
func readOnce(ctx context.Context, u *url.URL, dec *Decoder, onFrame func(*image.YCbCr, time.Duration, time.Time)) (started bool, err error) {
	c := &gortmplib.Client{URL: u, Publish: false}
	if err := c.Initialize(ctx); err != nil {
		return false, fmt.Errorf("play: %w", err)
	}
	stop := context.AfterFunc(ctx, c.Close)
	defer func() {
		stop()
		c.Close()
	}()

	var au h264.AVCC
	var decodeErrs int
	for {
		msg, err := c.Read()
		if err != nil {
			return started, err
		}
		arrived := time.Now()
		var pts time.Duration
		au = au[:0]
		switch msg := msg.(type) {
		case *message.Video:
			if msg.Codec != message.CodecH264 {
				return started, fmt.Errorf("video codec %d, want H.264", msg.Codec)
			}
			switch msg.Type {
			case message.VideoTypeConfig:
				au, err = appendAVCConfig(au, msg.AVCConfig)
			case message.VideoTypeAU:
				err = au.Unmarshal(msg.AU)
			case message.VideoTypeEOS:
				return true, io.EOF
			}
			pts = msg.DTS + msg.PTSDelta
		case *message.VideoExSequenceStart:
			if msg.FourCC != message.FourCCAVC {
				return started, fmt.Errorf("video codec %s, want H.264", fourCC(msg.FourCC))
			}
			au, err = appendAVCConfig(au, msg.AVCConfig)
		case *message.VideoExFramesX:
			if msg.FourCC != message.FourCCAVC {
				return started, fmt.Errorf("video codec %s, want H.264", fourCC(msg.FourCC))
			}
			err = au.Unmarshal(msg.Payload)
			pts = msg.DTS
		case *message.VideoExCodedFrames:
			if msg.FourCC != message.FourCCAVC {
				return started, fmt.Errorf("video codec %s, want H.264", fourCC(msg.FourCC))
			}
			err = au.Unmarshal(msg.Payload)
			pts = msg.DTS + msg.PTSDelta
		case *message.UserControlStreamEOF:
			if started {
				return true, io.EOF
			}
			continue
		default:
			continue // audio, metadata, control
		}
		if errors.Is(err, h264.ErrAVCCNoNALUs) {
			continue
		}
		if err != nil {
			return started, fmt.Errorf("video message: %w", err)
		}
		started = true
		err = dec.Decode(au, pts, func(img *image.YCbCr, pts time.Duration) {
			onFrame(img, pts, arrived)
		})
		if err == nil {
			decodeErrs = 0
			continue
		}
		decodeErrs++
		if decodeErrs >= maxDecodeErrors {
			return true, fmt.Errorf("%d access units in a row failed to decode, last: %w", decodeErrs, err)
		}
	}
}

// appendAVCConfig appends the parameter sets of an AVC decoder configuration
// record (the RTMP sequence header) as NALUs.
func appendAVCConfig(au [][]byte, cfg *mp4.AVCDecoderConfiguration) ([][]byte, error) {
	if cfg == nil || len(cfg.SequenceParameterSets) == 0 || len(cfg.PictureParameterSets) == 0 {
		return au, errors.New("H.264 sequence header without SPS or PPS")
	}
	for _, ps := range cfg.SequenceParameterSets {
		au = append(au, ps.NALUnit)
	}
	for _, ps := range cfg.PictureParameterSets {
		au = append(au, ps.NALUnit)
	}
	return au, nil
}

func fourCC(c message.FourCC) string {
	return string([]byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)})
}
