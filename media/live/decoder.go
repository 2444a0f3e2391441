package live

/*
#cgo pkg-config: libavcodec libavutil
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>

// fill_packet gives pkt a fresh, padded, reference-counted buffer holding
// data. go-astiav's Packet.FromData allocates without the
// AV_INPUT_BUFFER_PADDING_SIZE bytes the decoders' bit readers may over-read.
static int fill_packet(AVPacket *pkt, const uint8_t *data, int size) {
	av_packet_unref(pkt);
	int ret = av_new_packet(pkt, size);
	if (ret < 0) return ret;
	memcpy(pkt->data, data, size);
	return 0;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"sync"
	"time"
	"unsafe"

	"github.com/asticode/go-astiav"
)

func init() {
	// libav logs every damaged slice of a stream joined mid-GOP or sent by a
	// broken orchestrator to stderr; what matters comes back as errors from
	// Decode and Encode, so only fatal conditions are logged.
	astiav.SetLogLevel(astiav.LogLevelFatal)
}

// Decoder decodes an H.264 elementary stream, one access unit at a time, into
// Go images. It is set up for live use: low-delay, no frame threading, so a
// frame comes out for every picture access unit put in, with no reordering
// buffer (the streams here have no B-frames).
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	cc    *astiav.CodecContext
	pkt   *astiav.Packet
	frame *astiav.Frame
	buf   []byte // Annex-B staging buffer, reused

	mu   sync.Mutex // guards free: Release may be called from another goroutine
	free []*image.YCbCr
}

// NewDecoder opens an H.264 decoder.
func NewDecoder() (*Decoder, error) {
	codec := astiav.FindDecoder(astiav.CodecIDH264)
	if codec == nil {
		return nil, errors.New("open h264 decoder: libavcodec has no H.264 decoder")
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return nil, errors.New("open h264 decoder: cannot allocate codec context")
	}
	cc.SetFlags(cc.Flags().Add(astiav.CodecContextFlagLowDelay))
	// One thread per stream: many streams share two cores, and frame
	// threading would hold back a frame per thread.
	cc.SetThreadCount(1)
	cc.SetThreadType(astiav.ThreadTypeSlice)
	// Packet timestamps are carried in microseconds.
	cc.SetTimeBase(astiav.NewRational(1, 1_000_000))
	if err := cc.Open(codec, nil); err != nil {
		cc.Free()
		return nil, fmt.Errorf("open h264 decoder: %w", err)
	}
	return &Decoder{cc: cc, pkt: astiav.AllocPacket(), frame: astiav.AllocFrame()}, nil
}

// Close frees the decoder. It is safe to call more than once.
func (d *Decoder) Close() {
	if d.cc == nil {
		return
	}
	d.frame.Free()
	d.pkt.Free()
	d.cc.Free()
	d.cc = nil
}

// Decode feeds one access unit — its NALUs with or without Annex-B start
// codes, as gortmplib's Reader.OnDataH264 hands them over — and calls onFrame
// for every picture the decoder returns. A parameter-set-only unit yields no
// picture. Each image is freshly allocated (or recycled through Release) and
// belongs to the caller.
//
// A corrupt access unit is reported as an error; the decoder stays usable and
// resynchronises on the next keyframe.
func (d *Decoder) Decode(au [][]byte, pts time.Duration, onFrame func(img *image.YCbCr, pts time.Duration)) error {
	if d.cc == nil {
		return errors.New("decode h264: decoder closed")
	}
	d.buf = appendAnnexB(d.buf[:0], au)
	if len(d.buf) == 0 {
		return nil
	}
	if ret := C.fill_packet(cPacket(d.pkt), (*C.uint8_t)(unsafe.Pointer(&d.buf[0])), C.int(len(d.buf))); ret < 0 {
		return fmt.Errorf("decode h264: allocate packet: %w", astiav.Error(ret))
	}
	d.pkt.SetPts(pts.Microseconds())
	d.pkt.SetDts(pts.Microseconds())
	err := d.cc.SendPacket(d.pkt)
	d.pkt.Unref()
	if err != nil && !errors.Is(err, astiav.ErrEagain) {
		return fmt.Errorf("decode h264: send access unit (%d bytes): %w", len(d.buf), err)
	}
	return d.receive(onFrame)
}

// Flush drains pictures still held by the decoder at the end of a stream.
// The decoder cannot be fed afterwards.
func (d *Decoder) Flush(onFrame func(img *image.YCbCr, pts time.Duration)) error {
	if d.cc == nil {
		return errors.New("flush h264 decoder: decoder closed")
	}
	if err := d.cc.SendPacket(nil); err != nil && !errors.Is(err, astiav.ErrEof) {
		return fmt.Errorf("flush h264 decoder: %w", err)
	}
	return d.receive(onFrame)
}

func (d *Decoder) receive(onFrame func(img *image.YCbCr, pts time.Duration)) error {
	for {
		err := d.cc.ReceiveFrame(d.frame)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("decode h264: receive picture: %w", err)
		}
		img, err := d.copyFrame()
		pts := time.Duration(d.frame.Pts()) * time.Microsecond
		d.frame.Unref()
		if err != nil {
			return err
		}
		if onFrame != nil {
			onFrame(img, pts)
		}
	}
}

// Release hands an image returned by Decode back for reuse by a later
// picture of the same size. The caller must not touch it afterwards.
// Releasing is optional; it keeps the steady state free of allocations.
func (d *Decoder) Release(img *image.YCbCr) {
	if img == nil || img.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return
	}
	d.mu.Lock()
	if len(d.free) < 8 {
		d.free = append(d.free, img)
	}
	d.mu.Unlock()
}

func (d *Decoder) newImage(w, h int) *image.YCbCr {
	r := image.Rect(0, 0, w, h)
	d.mu.Lock()
	for len(d.free) > 0 {
		img := d.free[len(d.free)-1]
		d.free = d.free[:len(d.free)-1]
		if img.Rect == r {
			d.mu.Unlock()
			return img
		}
	}
	d.mu.Unlock()
	return image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
}

// copyFrame copies the current AVFrame's planes into a Go image.
func (d *Decoder) copyFrame() (*image.YCbCr, error) {
	f := (*C.AVFrame)(d.frame.UnsafePointer())
	w, h := int(f.width), int(f.height)
	switch pf := d.frame.PixelFormat(); pf {
	case astiav.PixelFormatYuv420P, astiav.PixelFormatYuvj420P:
	default:
		return nil, fmt.Errorf("decode h264: picture in pixel format %s, want yuv420p", pf)
	}
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("decode h264: picture of size %dx%d", w, h)
	}
	img := d.newImage(w, h)
	cw, ch := (w+1)/2, (h+1)/2
	copyPlane(img.Y, img.YStride, f.data[0], int(f.linesize[0]), w, h)
	copyPlane(img.Cb, img.CStride, f.data[1], int(f.linesize[1]), cw, ch)
	copyPlane(img.Cr, img.CStride, f.data[2], int(f.linesize[2]), cw, ch)
	return img, nil
}

func copyPlane(dst []byte, dstStride int, src *C.uint8_t, srcStride, w, h int) {
	s := unsafe.Slice((*byte)(unsafe.Pointer(src)), srcStride*(h-1)+w)
	for y := 0; y < h; y++ {
		copy(dst[y*dstStride:y*dstStride+w], s[y*srcStride:y*srcStride+w])
	}
}

// cPacket returns the AVPacket behind a go-astiav Packet. go-astiav v0.16.0
// exposes no accessor; its Packet is a struct whose only field is that
// pointer, which this relies on (pinned by the module version).
func cPacket(p *astiav.Packet) *C.AVPacket {
	return *(**C.AVPacket)(unsafe.Pointer(p))
}
