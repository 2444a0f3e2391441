package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"time"
)

// ErrFrameNotRead is returned by VideoFirstFrame for a video whose frames
// are not JPEG pictures (H.264, for one): decoding those takes a codec.
var ErrFrameNotRead = errors.New("media: the video's frames are not JPEG pictures")

// VideoFirstFrame parses an MP4 as VideoInfo does and decodes its first
// frame when the frames are JPEG pictures (motion JPEG, as EncodeVideo
// and TestVideo write them). The frame must have the track's size, which
// VideoInfo bounds, so the decode cannot be made to allocate more.
func VideoFirstFrame(data []byte) (image.Image, VideoFormat, error) {
	p, f, err := parseMP4(data)
	if err != nil {
		return nil, f, err
	}
	if f.Width*f.Height > MaxImagePixels {
		return nil, f, fmt.Errorf("a %dx%d frame is past the %d pixels read", f.Width, f.Height, MaxImagePixels)
	}
	sample := data[p.first.off:p.first.end]
	if !bytes.HasPrefix(sample, []byte{0xFF, 0xD8}) {
		return nil, f, ErrFrameNotRead
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(sample))
	if err != nil {
		return nil, f, fmt.Errorf("first frame: %w", err)
	}
	if cfg.Width != f.Width || cfg.Height != f.Height {
		return nil, f, fmt.Errorf("first frame is %dx%d in a %dx%d track", cfg.Width, cfg.Height, f.Width, f.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(sample))
	if err != nil {
		return nil, f, fmt.Errorf("first frame: %w", err)
	}
	return img, f, nil
}

// mediaDuration reads the mdhd's timescale and duration; a duration of all
// ones means "unknown", for which the stts total stands in.
func mediaDuration(b []byte, sttsTicks uint64) (time.Duration, error) {
	if len(b) < 4 {
		return 0, errors.New("mdhd box too short")
	}
	var scale uint32
	var dur uint64
	switch b[0] {
	case 0:
		if len(b) < 20 {
			return 0, errors.New("mdhd box too short")
		}
		scale = binary.BigEndian.Uint32(b[12:])
		dur = uint64(binary.BigEndian.Uint32(b[16:]))
		if dur == math.MaxUint32 {
			dur = math.MaxUint64
		}
	case 1:
		if len(b) < 32 {
			return 0, errors.New("mdhd box too short")
		}
		scale = binary.BigEndian.Uint32(b[20:])
		dur = binary.BigEndian.Uint64(b[24:])
	default:
		return 0, fmt.Errorf("mdhd version %d", b[0])
	}
	if scale == 0 {
		return 0, errors.New("mdhd timescale is 0")
	}
	if dur == math.MaxUint64 {
		dur = sttsTicks
	}
	secs := dur / uint64(scale)
	if secs > uint64(math.MaxInt64/int64(time.Second))-1 {
		return 0, fmt.Errorf("duration of %d seconds is out of range", secs)
	}
	frac := (dur % uint64(scale)) * uint64(time.Second) / uint64(scale)
	return time.Duration(secs)*time.Second + time.Duration(frac), nil
}
