package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/jpeg"
)

// distinctFrames is how many different pictures a TestVideo cycles through.
const distinctFrames = 2

// Limits of TestVideo's arguments: the sample entry stores the size in 16
// bits, and a test video has no business being long.
const (
	maxVideoSide   = 8192
	maxVideoFrames = 10000
)

// TestVideo returns a minimal but valid MP4 (ISO BMFF) with one video track
// of w×h: frames JPEG frames at fps frames per second, cycling through
// distinctFrames slightly moved copies of the TestImage pattern (encoding
// JPEG is most of the cost, and a batch test only needs a video that
// decodes).
//
// The sample entry is 'mp4v' with an esds whose objectTypeIndication is 0x6C
// (JPEG, ISO/IEC 10918-1): the form ffmpeg's own mp4 muxer writes for MJPEG,
// and that ffprobe reports as "mjpeg". The layout is ftyp, moov, mdat (moov
// first, as for progressive download), one chunk holding every frame.
// Arguments are clamped: sizes to 1..8192, frames to 1..10000, fps to at
// least 1.
func TestVideo(w, h, frames, fps int) []byte {
	w, h = clamp(w, 1, maxVideoSide), clamp(h, 1, maxVideoSide)
	frames = clamp(frames, 1, maxVideoFrames)
	fps = max(fps, 1)
	samples := make([][]byte, frames)
	var buf bytes.Buffer
	for i := range samples {
		if i >= distinctFrames {
			samples[i] = samples[i%distinctFrames]
			continue
		}
		buf.Reset()
		img := patternImage(w, h, i*max(w/32, 1))
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
			// Encoding an in-memory RGBA cannot fail.
			panic(fmt.Sprintf("media: encode test video frame: %v", err))
		}
		samples[i] = bytes.Clone(buf.Bytes())
	}
	return muxMP4(w, h, fps, samples)
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// The movie timescale is milliseconds; the media timescale gives each frame
// mediaTicksPerFrame ticks so that any integer fps is exact.
const (
	movieTimescale     = 1000
	mediaTicksPerFrame = 512
)

func muxMP4(w, h, fps int, samples [][]byte) []byte {
	ftyp := mp4Box("ftyp", []byte("isom"), u32(0x200), []byte("isomiso2mp41"))
	mdatLen := 8
	for _, s := range samples {
		mdatLen += len(s)
	}
	// The chunk offset depends on the size of moov, which does not depend
	// on the offset's value: build once to measure, then for real.
	moov := mp4Moov(w, h, fps, samples, 0)
	moov = mp4Moov(w, h, fps, samples, uint32(len(ftyp)+len(moov)+8))

	out := make([]byte, 0, len(ftyp)+len(moov)+mdatLen)
	out = append(out, ftyp...)
	out = append(out, moov...)
	out = binary.BigEndian.AppendUint32(out, uint32(mdatLen))
	out = append(out, "mdat"...)
	for _, s := range samples {
		out = append(out, s...)
	}
	return out
}

func mp4Moov(w, h, fps int, samples [][]byte, chunkOffset uint32) []byte {
	n := uint32(len(samples))
	movieDur := uint32(uint64(n) * movieTimescale / uint64(fps))
	mediaScale := uint32(fps * mediaTicksPerFrame)
	mediaDur := n * mediaTicksPerFrame

	mvhd := mp4FullBox("mvhd", 0, 0,
		u32(0), u32(0), u32(movieTimescale), u32(movieDur),
		u32(0x00010000), u16(0x0100), make([]byte, 10), // rate 1.0, volume 1.0, reserved
		unityMatrix(), make([]byte, 24), // pre_defined
		u32(2)) // next_track_ID
	tkhd := mp4FullBox("tkhd", 0, 0x3, // enabled, in movie
		u32(0), u32(0), u32(1), u32(0), u32(movieDur),
		make([]byte, 8), u16(0), u16(0), u16(0), u16(0), // reserved, layer, group, volume, reserved
		unityMatrix(), u32(uint32(w)<<16), u32(uint32(h)<<16))
	mdhd := mp4FullBox("mdhd", 0, 0,
		u32(0), u32(0), u32(mediaScale), u32(mediaDur),
		u16(0x55C4), u16(0)) // language "und"
	hdlr := mp4FullBox("hdlr", 0, 0,
		u32(0), []byte("vide"), make([]byte, 12), []byte("VideoHandler\x00"))
	vmhd := mp4FullBox("vmhd", 0, 1, make([]byte, 8))
	dinf := mp4Box("dinf", mp4FullBox("dref", 0, 0, u32(1), mp4FullBox("url ", 0, 1)))

	stsz := []byte{}
	maxSample := 0
	for _, s := range samples {
		stsz = append(stsz, u32(uint32(len(s)))...)
		maxSample = max(maxSample, len(s))
	}
	stbl := mp4Box("stbl",
		mp4FullBox("stsd", 0, 0, u32(1), mp4vSampleEntry(w, h, maxSample)),
		mp4FullBox("stts", 0, 0, u32(1), u32(n), u32(mediaTicksPerFrame)),
		mp4FullBox("stsc", 0, 0, u32(1), u32(1), u32(n), u32(1)),
		mp4FullBox("stsz", 0, 0, u32(0), u32(n), stsz),
		mp4FullBox("stco", 0, 0, u32(1), u32(chunkOffset)),
	)
	minf := mp4Box("minf", vmhd, dinf, stbl)
	trak := mp4Box("trak", tkhd, mp4Box("mdia", mdhd, hdlr, minf))
	return mp4Box("moov", mvhd, trak)
}

// mp4vSampleEntry is a VisualSampleEntry 'mp4v' with an esds that declares
// JPEG (objectTypeIndication 0x6C, streamType visual).
func mp4vSampleEntry(w, h, maxSample int) []byte {
	decoderConfig := mp4Descriptor(0x04,
		[]byte{0x6C, 0x04<<2 | 1},              // objectTypeIndication, streamType<<2|reserved
		u24(uint32(maxSample)), u32(0), u32(0)) // bufferSizeDB, maxBitrate, avgBitrate
	slConfig := mp4Descriptor(0x06, []byte{0x02})
	esDescriptor := mp4Descriptor(0x03, u16(1), []byte{0}, decoderConfig, slConfig)
	esds := mp4FullBox("esds", 0, 0, esDescriptor)
	compressor := make([]byte, 32)
	compressor[0] = byte(copy(compressor[1:], "JPEG"))
	return mp4Box("mp4v",
		make([]byte, 6), u16(1), // reserved, data_reference_index
		make([]byte, 16), // pre_defined, reserved
		u16(uint16(w)), u16(uint16(h)),
		u32(0x00480000), u32(0x00480000), u32(0), u16(1), // 72 dpi, reserved, frame_count
		compressor, u16(0x0018), u16(0xFFFF), // depth, pre_defined = -1
		esds)
}

func mp4Box(typ string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	b = append(b, typ...)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func mp4FullBox(typ string, version byte, flags uint32, parts ...[]byte) []byte {
	vf := u32(uint32(version)<<24 | flags&0xFFFFFF)
	return mp4Box(typ, append([][]byte{vf}, parts...)...)
}

// mp4Descriptor encodes an MPEG-4 systems descriptor with a 4-byte
// expandable length, as most muxers write it.
func mp4Descriptor(tag byte, parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := []byte{tag, byte(n>>21)&0x7F | 0x80, byte(n>>14)&0x7F | 0x80, byte(n>>7)&0x7F | 0x80, byte(n) & 0x7F}
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func unityMatrix() []byte {
	var b []byte
	for _, v := range []uint32{0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000} {
		b = append(b, u32(v)...)
	}
	return b
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u24(v uint32) []byte { return []byte{byte(v >> 16), byte(v >> 8), byte(v)} }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
