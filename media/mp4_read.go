package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"time"
)

// VideoFormat is what VideoInfo reads from an MP4.
type VideoFormat struct {
	Width, Height int
	Frames        int
	Duration      time.Duration
}

// ErrNotMP4 is returned for data whose first box is not one an MP4 starts
// with.
var ErrNotMP4 = errors.New("media: not an MP4 (ISO BMFF) file")

// Bounds of the box walk. Real files nest six or seven deep (moov, trak,
// mdia, minf, stbl, stsd) and hold a few hundred boxes.
const (
	maxBoxDepth = 12
	maxBoxes    = 100000
)

// VideoInfo parses an MP4 container and returns the first video track's
// size, frame count and duration. It walks the box tree with every size
// checked against its parent, then checks that the sample table is
// consistent (stts and stsc account for exactly the samples in stsz) and that
// every sample lies inside an mdat box. Anything inconsistent is an error: a
// result that only looks like a video is a failed test.
//
// Width and height come from the track header (16.16 fixed point, rounded),
// or from the visual sample entry when the header has none; the duration
// from the media header (or the sum of stts deltas when it says "unknown").
// Fragmented MP4 (samples in moof boxes) is not supported: it reports no
// samples. Work and memory are bounded by the input's length.
func VideoInfo(data []byte) (VideoFormat, error) {
	_, f, err := parseMP4(data)
	return f, err
}

// parseMP4 is VideoInfo; the parser it returns knows where the first
// sample lies.
func parseMP4(data []byte) (*mp4Parser, VideoFormat, error) {
	if len(data) < 8 {
		return nil, VideoFormat{}, fmt.Errorf("%w: only %d bytes", ErrNotMP4, len(data))
	}
	p := &mp4Parser{data: data}
	var moov *mp4Span
	err := p.walk(mp4Span{0, len(data)}, 0, func(b mp4BoxRef) error {
		if b.start == 0 && !mp4TopLevelFirst[b.typ] {
			return fmt.Errorf("%w: first box is %q", ErrNotMP4, b.typ)
		}
		switch b.typ {
		case "moov":
			if moov != nil {
				return errors.New("two moov boxes")
			}
			moov = &b.payload
		case "mdat":
			p.mdats = append(p.mdats, b.payload)
		}
		return nil
	})
	if err != nil {
		return nil, VideoFormat{}, err
	}
	if moov == nil {
		return nil, VideoFormat{}, errors.New("no moov box")
	}
	if len(p.mdats) == 0 {
		return nil, VideoFormat{}, errors.New("no mdat box")
	}
	var trak *mp4Track
	err = p.walk(*moov, 1, func(b mp4BoxRef) error {
		if b.typ != "trak" || trak != nil {
			return nil
		}
		t, err := p.track(b.payload)
		if err != nil {
			return fmt.Errorf("trak at offset %d: %w", b.start, err)
		}
		if t.handler == "vide" {
			trak = t
		}
		return nil
	})
	if err != nil {
		return nil, VideoFormat{}, err
	}
	if trak == nil {
		return nil, VideoFormat{}, errors.New("no video track")
	}
	f, err := p.videoFormat(trak)
	return p, f, err
}

// Box types a file may start with: ftyp normally; the others appear first
// in old QuickTime files and in files written without a file type.
var mp4TopLevelFirst = map[string]bool{
	"ftyp": true, "moov": true, "mdat": true, "free": true, "skip": true, "wide": true, "pdin": true,
}

type mp4Span struct{ off, end int } // [off, end) in data

type mp4BoxRef struct {
	typ     string
	start   int // offset of the box header
	payload mp4Span
}

type mp4Parser struct {
	data  []byte
	boxes int
	mdats []mp4Span
	first mp4Span // the first sample, once checkChunks found it
}

// walk calls fn for each box directly inside span. Sizes must fit in the
// span exactly; a size of 0 means "to the end of the span" (allowed only for
// the last box, which it is by construction); a size of 1 means a 64-bit size
// follows.
func (p *mp4Parser) walk(span mp4Span, depth int, fn func(mp4BoxRef) error) error {
	if depth > maxBoxDepth {
		return fmt.Errorf("boxes nested deeper than %d", maxBoxDepth)
	}
	for off := span.off; off < span.end; {
		if p.boxes++; p.boxes > maxBoxes {
			return fmt.Errorf("more than %d boxes", maxBoxes)
		}
		left := span.end - off
		if left < 8 {
			return fmt.Errorf("box header at offset %d cut short (%d bytes left)", off, left)
		}
		size := uint64(binary.BigEndian.Uint32(p.data[off:]))
		typ := string(p.data[off+4 : off+8])
		if !printableFourCC(typ) {
			return fmt.Errorf("box at offset %d has type %q: not a box", off, typ)
		}
		header := 8
		switch size {
		case 0:
			size = uint64(left)
		case 1:
			if left < 16 {
				return fmt.Errorf("%q box at offset %d: 64-bit size cut short", typ, off)
			}
			size = binary.BigEndian.Uint64(p.data[off+8:])
			header = 16
		}
		if size < uint64(header) {
			return fmt.Errorf("%q box at offset %d has size %d, smaller than its header", typ, off, size)
		}
		if size > uint64(left) {
			return fmt.Errorf("%q box at offset %d has size %d but only %d bytes are left: truncated", typ, off, size, left)
		}
		b := mp4BoxRef{typ: typ, start: off, payload: mp4Span{off + header, off + int(size)}}
		if err := fn(b); err != nil {
			return err
		}
		off += int(size)
	}
	return nil
}

func printableFourCC(s string) bool {
	for i := range len(s) {
		if s[i] < 0x20 || s[i] > 0x7E {
			// '©' (0xA9) starts QuickTime metadata atoms.
			if s[i] != 0xA9 {
				return false
			}
		}
	}
	return true
}

// mp4Track holds the boxes of one trak that VideoInfo needs, as spans.
type mp4Track struct {
	handler          string
	tkhd, mdhd       []byte
	stsd, stts, stsc []byte
	stsz, stco       []byte
	co64             bool
}

func (p *mp4Parser) track(span mp4Span) (*mp4Track, error) {
	t := &mp4Track{}
	// The path to each box that matters; anything else is skipped.
	var visit func(span mp4Span, parent string, depth int) error
	visit = func(span mp4Span, parent string, depth int) error {
		return p.walk(span, depth, func(b mp4BoxRef) error {
			payload := p.data[b.payload.off:b.payload.end]
			switch b.typ {
			case "mdia", "minf", "stbl":
				return visit(b.payload, b.typ, depth+1)
			case "tkhd":
				t.tkhd = payload
			case "mdhd":
				t.mdhd = payload
			case "hdlr":
				// QuickTime files also have a data handler ('dhlr') in
				// minf; the track's media type is the one in mdia.
				if parent != "mdia" {
					return nil
				}
				if len(payload) < 12 {
					return errors.New("hdlr box too short")
				}
				t.handler = string(payload[8:12])
			case "stsd":
				t.stsd = payload
			case "stts":
				t.stts = payload
			case "stsc":
				t.stsc = payload
			case "stsz":
				t.stsz = payload
			case "stco":
				t.stco = payload
			case "co64":
				t.stco, t.co64 = payload, true
			}
			return nil
		})
	}
	if err := visit(span, "trak", 2); err != nil {
		return nil, err
	}
	return t, nil
}

func (p *mp4Parser) videoFormat(t *mp4Track) (VideoFormat, error) {
	var f VideoFormat
	for _, b := range []struct {
		name string
		box  []byte
	}{{"tkhd", t.tkhd}, {"mdhd", t.mdhd}, {"stsd", t.stsd}, {"stts", t.stts}, {"stsc", t.stsc}, {"stsz", t.stsz}, {"stco/co64", t.stco}} {
		if b.box == nil {
			return f, fmt.Errorf("video track has no %s box", b.name)
		}
	}
	var err error
	if f.Width, f.Height, err = trackSize(t.tkhd); err != nil {
		return f, err
	}
	ew, eh, err := sampleEntrySize(t.stsd)
	if err != nil {
		return f, err
	}
	if f.Width == 0 || f.Height == 0 {
		f.Width, f.Height = ew, eh
	}
	if f.Width == 0 || f.Height == 0 {
		return f, errors.New("video track has no size")
	}

	sizes, err := parseStsz(t.stsz, len(p.data))
	if err != nil {
		return f, err
	}
	if sizes.count == 0 {
		return f, errors.New("video track has no samples (fragmented MP4 is not supported)")
	}
	ticks, err := sttsTotal(t.stts, sizes.count)
	if err != nil {
		return f, err
	}
	if err := p.checkChunks(t, sizes); err != nil {
		return f, err
	}
	f.Frames = int(sizes.count)
	if f.Duration, err = mediaDuration(t.mdhd, ticks); err != nil {
		return f, err
	}
	return f, nil
}

// trackSize reads the 16.16 fixed-point width and height of a tkhd.
func trackSize(b []byte) (w, h int, err error) {
	if len(b) < 4 {
		return 0, 0, errors.New("tkhd box too short")
	}
	off := 76 // version 0: 4 + 5×4 + 8 + 8 + 36
	if b[0] == 1 {
		off = 88 // version 1: creation, modification and duration are 64-bit
	} else if b[0] != 0 {
		return 0, 0, fmt.Errorf("tkhd version %d", b[0])
	}
	if len(b) < off+8 {
		return 0, 0, fmt.Errorf("tkhd box of %d bytes, want %d", len(b), off+8)
	}
	fw := binary.BigEndian.Uint32(b[off:])
	fh := binary.BigEndian.Uint32(b[off+4:])
	return int((uint64(fw) + 0x8000) >> 16), int((uint64(fh) + 0x8000) >> 16), nil
}

// sampleEntrySize reads the coded width and height of the first sample
// entry of an stsd, which must be a visual sample entry.
func sampleEntrySize(b []byte) (w, h int, err error) {
	if len(b) < 8 {
		return 0, 0, errors.New("stsd box too short")
	}
	if binary.BigEndian.Uint32(b[4:]) == 0 {
		return 0, 0, errors.New("stsd has no sample entries")
	}
	entry := b[8:]
	if len(entry) < 8 {
		return 0, 0, errors.New("stsd sample entry cut short")
	}
	size := binary.BigEndian.Uint32(entry)
	// 8-byte header plus the 78 bytes of VisualSampleEntry fields.
	if size < 86 || uint64(size) > uint64(len(entry)) {
		return 0, 0, fmt.Errorf("stsd visual sample entry of size %d in %d bytes", size, len(entry))
	}
	return int(binary.BigEndian.Uint16(entry[32:])), int(binary.BigEndian.Uint16(entry[34:])), nil
}

type mp4SampleSizes struct {
	count    uint32
	constant uint32 // 0: per-sample sizes in table
	table    []byte
}

func (s mp4SampleSizes) size(i uint32) uint64 {
	if s.constant != 0 {
		return uint64(s.constant)
	}
	return uint64(binary.BigEndian.Uint32(s.table[4*i:]))
}

func parseStsz(b []byte, fileLen int) (mp4SampleSizes, error) {
	if len(b) < 12 {
		return mp4SampleSizes{}, errors.New("stsz box too short")
	}
	s := mp4SampleSizes{constant: binary.BigEndian.Uint32(b[4:]), count: binary.BigEndian.Uint32(b[8:])}
	if s.constant == 0 {
		if uint64(s.count)*4 > uint64(len(b)-12) {
			return s, fmt.Errorf("stsz lists %d samples in %d bytes", s.count, len(b)-12)
		}
		s.table = b[12 : 12+4*int(s.count)]
	} else if uint64(s.count)*uint64(s.constant) > uint64(fileLen) {
		// Checked here so that the walk over samples is bounded by the
		// file's length.
		return s, fmt.Errorf("stsz claims %d samples of %d bytes in a %d-byte file", s.count, s.constant, fileLen)
	}
	return s, nil
}

// sttsTotal checks that the time-to-sample table covers exactly count
// samples and returns the sum of their durations in media ticks.
func sttsTotal(b []byte, count uint32) (uint64, error) {
	if len(b) < 8 {
		return 0, errors.New("stts box too short")
	}
	n := binary.BigEndian.Uint32(b[4:])
	if uint64(n)*8 > uint64(len(b)-8) {
		return 0, fmt.Errorf("stts lists %d entries in %d bytes", n, len(b)-8)
	}
	var samples, ticks uint64
	for i := range int(n) {
		e := b[8+8*i:]
		c, d := uint64(binary.BigEndian.Uint32(e)), uint64(binary.BigEndian.Uint32(e[4:]))
		samples += c
		var carry uint64
		if ticks, carry = bits.Add64(ticks, c*d, 0); carry != 0 {
			ticks = math.MaxUint64 // only used when mdhd has no duration
		}
		if samples > uint64(count) {
			break
		}
	}
	if samples != uint64(count) {
		return 0, fmt.Errorf("stts covers %d samples, stsz has %d", samples, count)
	}
	return ticks, nil
}

// checkChunks maps samples to chunks (stsc) and checks that each sample's
// bytes, at its chunk's offset (stco/co64), lie inside one mdat box.
func (p *mp4Parser) checkChunks(t *mp4Track, sizes mp4SampleSizes) error {
	if len(t.stco) < 8 {
		return errors.New("chunk offset box too short")
	}
	entrySize := 4
	if t.co64 {
		entrySize = 8
	}
	chunks := binary.BigEndian.Uint32(t.stco[4:])
	if uint64(chunks)*uint64(entrySize) > uint64(len(t.stco)-8) {
		return fmt.Errorf("chunk offset box lists %d chunks in %d bytes", chunks, len(t.stco)-8)
	}
	if len(t.stsc) < 8 {
		return errors.New("stsc box too short")
	}
	runs := binary.BigEndian.Uint32(t.stsc[4:])
	if uint64(runs)*12 > uint64(len(t.stsc)-8) {
		return fmt.Errorf("stsc lists %d entries in %d bytes", runs, len(t.stsc)-8)
	}
	if runs == 0 {
		return errors.New("stsc is empty")
	}
	stsc := t.stsc[8:]
	firstChunk := func(r uint32) uint32 { return binary.BigEndian.Uint32(stsc[12*r:]) }
	if firstChunk(0) != 1 {
		return fmt.Errorf("stsc starts at chunk %d, want 1", firstChunk(0))
	}

	var sample uint32
	run := uint32(0)
	for c := uint32(1); c <= chunks; c++ {
		for run+1 < runs && firstChunk(run+1) <= c {
			if firstChunk(run+1) <= firstChunk(run) {
				return errors.New("stsc first_chunk values are not increasing")
			}
			run++
		}
		perChunk := binary.BigEndian.Uint32(stsc[12*run+4:])
		if perChunk == 0 {
			return fmt.Errorf("stsc gives chunk %d no samples", c)
		}
		var off uint64
		if t.co64 {
			off = binary.BigEndian.Uint64(t.stco[8+8*(c-1):])
		} else {
			off = uint64(binary.BigEndian.Uint32(t.stco[8+4*(c-1):]))
		}
		if c == 1 {
			p.first = mp4Span{int(min(off, uint64(len(p.data)))), int(min(off+sizes.size(0), uint64(len(p.data))))}
		}
		var chunkLen uint64
		for range perChunk {
			if sample >= sizes.count {
				return fmt.Errorf("stsc/stco describe more samples than the %d in stsz", sizes.count)
			}
			chunkLen += sizes.size(sample)
			sample++
		}
		if !p.insideMdat(off, chunkLen) {
			return fmt.Errorf("chunk %d (%d bytes at offset %d) is not inside an mdat box", c, chunkLen, off)
		}
	}
	if sample != sizes.count {
		return fmt.Errorf("chunks hold %d samples, stsz has %d", sample, sizes.count)
	}
	return nil
}

func (p *mp4Parser) insideMdat(off, n uint64) bool {
	for _, m := range p.mdats {
		if off >= uint64(m.off) && off <= uint64(m.end) && n <= uint64(m.end)-off {
			return true
		}
	}
	return false
}
