package live

/*
#cgo pkg-config: libavcodec libavutil
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"time"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// EncoderConfig sets up an H.264 encoder for live use.
type EncoderConfig struct {
	Width, Height int
	FPS           int           // nominal frame rate, for rate control and the stream's timing
	Keyframe      time.Duration // interval between IDR frames; 0 = 1 s
	Bitrate       int           // bits per second; 0 = constant quality (CRF 23)
	Preset        string        // x264 preset; "" = "ultrafast"
}

func (c EncoderConfig) validate() error {
	switch {
	case c.Width <= 0 || c.Height <= 0:
		return fmt.Errorf("encoder: size %dx%d, want positive", c.Width, c.Height)
	case c.Width%2 != 0 || c.Height%2 != 0:
		return fmt.Errorf("encoder: size %dx%d, want even width and height (4:2:0)", c.Width, c.Height)
	case c.Width > 4096 || c.Height > 4096:
		return fmt.Errorf("encoder: size %dx%d above 4096", c.Width, c.Height)
	case c.FPS <= 0 || c.FPS > 240:
		return fmt.Errorf("encoder: fps %d, want 1 to 240", c.FPS)
	case c.Keyframe < 0:
		return fmt.Errorf("encoder: keyframe interval %v is negative", c.Keyframe)
	case c.Bitrate < 0:
		return fmt.Errorf("encoder: bitrate %d is negative", c.Bitrate)
	}
	switch c.Preset {
	case "", "ultrafast", "superfast", "veryfast", "faster", "fast", "medium":
	default:
		return fmt.Errorf("encoder: x264 preset %q not one of ultrafast, superfast, veryfast, faster, fast, medium", c.Preset)
	}
	return nil
}

// encoderTimeBase is the time base of frame and packet timestamps: the
// 90 kHz clock of video transports, fine enough for any frame rate here.
var encoderTimeBase = astiav.NewRational(1, 90000)

// Encoder encodes Go images to H.264 with libx264 tuned for live streams:
// zero latency (no lookahead, no B-frames, one access unit out per picture
// in), a fixed keyframe interval with scene-cut detection off (test flashes
// must not move keyframes), parameter sets repeated in-band on every
// keyframe so readers can join at any keyframe.
//
// An Encoder is not safe for concurrent use.
type Encoder struct {
	cfg       EncoderConfig
	cc        *astiav.CodecContext
	frame     *astiav.Frame
	pkt       *astiav.Packet
	forceKey  bool
	out       []byte   // copy of the last packet's payload, reused
	nalus     [][]byte // NALUs of out, reused
	sps, pps  []byte
	keyframes int
}

// NewEncoder opens a libx264 encoder.
func NewEncoder(cfg EncoderConfig) (*Encoder, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Keyframe == 0 {
		cfg.Keyframe = time.Second
	}
	if cfg.Preset == "" {
		cfg.Preset = "ultrafast"
	}
	codec := astiav.FindEncoderByName("libx264")
	if codec == nil {
		return nil, errors.New("open h264 encoder: libavcodec has no libx264")
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return nil, errors.New("open h264 encoder: cannot allocate codec context")
	}
	gop := int(cfg.Keyframe.Seconds()*float64(cfg.FPS) + 0.5)
	if gop < 1 {
		gop = 1
	}
	cc.SetWidth(cfg.Width)
	cc.SetHeight(cfg.Height)
	cc.SetPixelFormat(astiav.PixelFormatYuv420P)
	cc.SetTimeBase(encoderTimeBase)
	cc.SetFramerate(astiav.NewRational(cfg.FPS, 1))
	cc.SetGopSize(gop)
	// One thread per stream: many streams share two cores.
	cc.SetThreadCount(1)
	if cfg.Bitrate > 0 {
		cc.SetBitRate(int64(cfg.Bitrate))
	}

	opts := astiav.NewDictionary()
	defer opts.Free()
	params := fmt.Sprintf("keyint=%d:min-keyint=%d:scenecut=0:bframes=0:repeat-headers=1", gop, gop)
	if cfg.Bitrate > 0 {
		// Cap the rate over a second so a flash or a keyframe cannot burst.
		params += fmt.Sprintf(":vbv-maxrate=%d:vbv-bufsize=%d", cfg.Bitrate/1000, cfg.Bitrate/1000)
	}
	for k, v := range map[string]string{
		"preset":      cfg.Preset,
		"tune":        "zerolatency",
		"forced-idr":  "1",
		"x264-params": params,
	} {
		if err := opts.Set(k, v, 0); err != nil {
			cc.Free()
			return nil, fmt.Errorf("open h264 encoder: option %s=%s: %w", k, v, err)
		}
	}
	if cfg.Bitrate == 0 {
		if err := opts.Set("crf", "23", 0); err != nil {
			cc.Free()
			return nil, fmt.Errorf("open h264 encoder: option crf: %w", err)
		}
	}
	if err := cc.Open(codec, opts); err != nil {
		cc.Free()
		return nil, fmt.Errorf("open h264 encoder (libx264 %dx%d@%d): %w", cfg.Width, cfg.Height, cfg.FPS, err)
	}

	frame := astiav.AllocFrame()
	frame.SetWidth(cfg.Width)
	frame.SetHeight(cfg.Height)
	frame.SetPixelFormat(astiav.PixelFormatYuv420P)
	if err := frame.AllocBuffer(0); err != nil {
		frame.Free()
		cc.Free()
		return nil, fmt.Errorf("open h264 encoder: allocate picture: %w", err)
	}
	return &Encoder{cfg: cfg, cc: cc, frame: frame, pkt: astiav.AllocPacket()}, nil
}

// Close frees the encoder. It is safe to call more than once.
func (e *Encoder) Close() {
	if e.cc == nil {
		return
	}
	e.pkt.Free()
	e.frame.Free()
	e.cc.Free()
	e.cc = nil
}

// ForceKeyframe makes the next encoded picture an IDR frame.
func (e *Encoder) ForceKeyframe() { e.forceKey = true }

// ParameterSets returns the SPS and PPS of the stream, known once the first
// keyframe has been encoded (nil before).
func (e *Encoder) ParameterSets() (sps, pps []byte) { return e.sps, e.pps }

// Encode encodes one picture (of the configured size, 4:2:0) shown at pts and
// returns the access unit as NALUs without start codes, and whether it is a
// keyframe. The NALUs are valid until the next call. pts must increase from
// call to call.
func (e *Encoder) Encode(img *image.YCbCr, pts time.Duration) (au [][]byte, keyframe bool, err error) {
	if e.cc == nil {
		return nil, false, errors.New("encode h264: encoder closed")
	}
	if img.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return nil, false, fmt.Errorf("encode h264: picture subsampling %v, want 4:2:0", img.SubsampleRatio)
	}
	if img.Rect.Dx() != e.cfg.Width || img.Rect.Dy() != e.cfg.Height {
		return nil, false, fmt.Errorf("encode h264: picture %dx%d, encoder set up for %dx%d",
			img.Rect.Dx(), img.Rect.Dy(), e.cfg.Width, e.cfg.Height)
	}
	f := (*C.AVFrame)(e.frame.UnsafePointer())
	// x264 copies the picture in, but make sure no reference to our
	// buffer is still held before overwriting it.
	if ret := C.av_frame_make_writable(f); ret < 0 {
		return nil, false, fmt.Errorf("encode h264: picture buffer: %w", astiav.Error(ret))
	}
	w, h := e.cfg.Width, e.cfg.Height
	cw, ch := w/2, h/2
	fillPlane(f.data[0], int(f.linesize[0]), img.Y[img.YOffset(img.Rect.Min.X, img.Rect.Min.Y):], img.YStride, w, h)
	co := img.COffset(img.Rect.Min.X, img.Rect.Min.Y)
	fillPlane(f.data[1], int(f.linesize[1]), img.Cb[co:], img.CStride, cw, ch)
	fillPlane(f.data[2], int(f.linesize[2]), img.Cr[co:], img.CStride, cw, ch)
	pts90k := pts.Nanoseconds() * 9 / 100_000
	e.frame.SetPts(pts90k)
	if e.forceKey {
		e.frame.SetPictureType(astiav.PictureTypeI)
		e.forceKey = false
	} else {
		e.frame.SetPictureType(astiav.PictureTypeNone)
	}
	if err := e.cc.SendFrame(e.frame); err != nil {
		return nil, false, fmt.Errorf("encode h264: send picture: %w", err)
	}
	e.out = e.out[:0]
	for {
		err := e.cc.ReceivePacket(e.pkt)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			break
		}
		if err != nil {
			return nil, false, fmt.Errorf("encode h264: receive packet: %w", err)
		}
		p := cPacket(e.pkt)
		if p.size > 0 {
			e.out = append(e.out, unsafe.Slice((*byte)(unsafe.Pointer(p.data)), int(p.size))...)
		}
		keyframe = keyframe || e.pkt.Flags().Has(astiav.PacketFlagKey)
		e.pkt.Unref()
	}
	e.nalus = splitAnnexB(e.nalus[:0], e.out)
	for _, n := range e.nalus {
		switch naluType(n) {
		case naluSPS:
			e.sps = append(e.sps[:0], n...)
		case naluPPS:
			e.pps = append(e.pps[:0], n...)
		}
	}
	if keyframe {
		e.keyframes++
	}
	return e.nalus, keyframe, nil
}

func fillPlane(dst *C.uint8_t, dstStride int, src []byte, srcStride, w, h int) {
	d := unsafe.Slice((*byte)(unsafe.Pointer(dst)), dstStride*(h-1)+w)
	for y := 0; y < h; y++ {
		copy(d[y*dstStride:y*dstStride+w], src[y*srcStride:y*srcStride+w])
	}
}
