package media

import (
	"encoding/binary"
	"fmt"
	"math"
)

// AudioSamples parses a WAV as AudioInfo does and returns its samples,
// channels mixed to one, scaled to [-1, 1]. 16-bit PCM and 32-bit float
// are read (what speech models write); other sample formats are an error,
// as is a file over maxSamples frames (two minutes at 48 kHz), so that the
// slice allocated is bounded by what the caller can afford.
func AudioSamples(data []byte) ([]float64, AudioFormat, error) {
	f, fmtChunk, pcm, err := parseWAV(data)
	if err != nil {
		return nil, AudioFormat{}, err
	}
	le := binary.LittleEndian
	tag, bits := le.Uint16(fmtChunk[0:2]), int(le.Uint16(fmtChunk[14:16]))
	if tag == wavFormatExtensible {
		tag = le.Uint16(fmtChunk[24:26]) // parseWAV checked the length
	}
	var read func(b []byte) float64
	switch {
	case tag == wavFormatPCM && bits == 16:
		read = func(b []byte) float64 { return float64(int16(le.Uint16(b))) / 32768 }
	case tag == wavFormatFloat && bits == 32:
		read = func(b []byte) float64 { return float64(math.Float32frombits(le.Uint32(b))) }
	default:
		return nil, f, fmt.Errorf("samples of %d bits (format 0x%04x) are not read", bits, tag)
	}
	width := bits / 8
	frame := width * f.Channels
	frames := len(pcm) / frame
	if frames > maxSamples {
		return nil, f, fmt.Errorf("%d frames, more than the %d read", frames, maxSamples)
	}
	out := make([]float64, frames)
	for i := range out {
		var sum float64
		for c := range f.Channels {
			v := read(pcm[i*frame+c*width:])
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			sum += v
		}
		out[i] = sum / float64(f.Channels)
	}
	return out, f, nil
}

// maxSamples bounds AudioSamples (46 MB of samples): two minutes at
// 48 kHz, four times the longest speech a test asks for.
const maxSamples = 120 * 48000
