package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// AudioFormat is what AudioInfo reads from a WAV.
type AudioFormat struct {
	Duration   time.Duration
	SampleRate int
	Channels   int
}

// WAVE format tags (mmreg.h).
const (
	wavFormatPCM        = 0x0001
	wavFormatFloat      = 0x0003
	wavFormatExtensible = 0xFFFE
)

// ErrNotWAV is returned for data that does not start like a RIFF/WAVE file.
var ErrNotWAV = errors.New("media: not a RIFF/WAVE file")

// AudioInfo parses a WAV (RIFF/WAVE; PCM or IEEE float, plain or
// WAVE_FORMAT_EXTENSIBLE; any channel count) and returns its duration, sample
// rate and channels. Every chunk size is checked against the data: a file cut
// short, a data chunk that claims more than is there, a fmt chunk that
// disagrees with itself, or sample data that is not a whole number of frames
// is an error. A valid file with no samples has Duration 0 and no error; it is
// for the caller to refuse it.
func AudioInfo(data []byte) (AudioFormat, error) {
	f, _, _, err := parseWAV(data)
	return f, err
}

// parseWAV is AudioInfo that also returns the fmt chunk and the sample
// data, both checked.
func parseWAV(data []byte) (AudioFormat, []byte, []byte, error) {
	le := binary.LittleEndian
	if len(data) < 12 || !bytes.Equal(data[0:4], []byte("RIFF")) || !bytes.Equal(data[8:12], []byte("WAVE")) {
		return AudioFormat{}, nil, nil, ErrNotWAV
	}
	riffLen := uint64(le.Uint32(data[4:8]))
	if riffLen < 4 {
		return AudioFormat{}, nil, nil, fmt.Errorf("RIFF size %d is smaller than its WAVE tag", riffLen)
	}
	if 8+riffLen > uint64(len(data)) {
		return AudioFormat{}, nil, nil, fmt.Errorf("RIFF size %d runs past the end of %d bytes: truncated", riffLen, len(data))
	}
	// Bytes after the RIFF chunk are not part of the file; ignore them as
	// every reader does.
	body := data[12 : 8+riffLen]

	var (
		fmtChunk  []byte
		samples   []byte
		dataBytes = -1
	)
	for off := 0; off < len(body); {
		if len(body)-off < 8 {
			return AudioFormat{}, nil, nil, fmt.Errorf("chunk header at offset %d cut short", 12+off)
		}
		id := string(body[off : off+4])
		size := uint64(le.Uint32(body[off+4 : off+8]))
		start := off + 8
		if size > uint64(len(body)-start) {
			return AudioFormat{}, nil, nil, fmt.Errorf("%q chunk of %d bytes at offset %d runs past the end of the file: truncated", id, size, 12+off)
		}
		chunk := body[start : start+int(size)]
		switch id {
		case "fmt ":
			if fmtChunk != nil {
				return AudioFormat{}, nil, nil, errors.New("two fmt chunks")
			}
			fmtChunk = chunk
		case "data":
			if dataBytes >= 0 {
				return AudioFormat{}, nil, nil, errors.New("two data chunks")
			}
			if fmtChunk == nil {
				return AudioFormat{}, nil, nil, errors.New("data chunk before fmt chunk")
			}
			dataBytes, samples = len(chunk), chunk
		}
		// Chunks are padded to an even length; the pad byte of the last
		// chunk is often missing, which readers accept.
		off = start + int(size) + int(size&1)
	}
	if fmtChunk == nil {
		return AudioFormat{}, nil, nil, errors.New("no fmt chunk")
	}
	if dataBytes < 0 {
		return AudioFormat{}, nil, nil, errors.New("no data chunk")
	}
	f, blockAlign, err := parseWAVFormat(fmtChunk)
	if err != nil {
		return AudioFormat{}, nil, nil, err
	}
	if dataBytes%blockAlign != 0 {
		return AudioFormat{}, nil, nil, fmt.Errorf("data chunk of %d bytes is not a whole number of %d-byte frames", dataBytes, blockAlign)
	}
	frames := uint64(dataBytes / blockAlign)
	rate := uint64(f.SampleRate)
	f.Duration = time.Duration(frames/rate)*time.Second + time.Duration((frames%rate)*uint64(time.Second)/rate)
	return f, fmtChunk, samples, nil
}

// parseWAVFormat checks a fmt chunk and returns the format and the size of
// one frame (one sample of every channel).
func parseWAVFormat(c []byte) (AudioFormat, int, error) {
	le := binary.LittleEndian
	if len(c) < 16 {
		return AudioFormat{}, 0, fmt.Errorf("fmt chunk of %d bytes, want at least 16", len(c))
	}
	tag := le.Uint16(c[0:2])
	channels := int(le.Uint16(c[2:4]))
	rate := le.Uint32(c[4:8])
	byteRate := le.Uint32(c[8:12])
	blockAlign := int(le.Uint16(c[12:14]))
	bits := int(le.Uint16(c[14:16]))
	if tag == wavFormatExtensible {
		// cbSize, validBits, channelMask, then a 16-byte GUID whose first
		// two bytes are the real format tag.
		if len(c) < 40 || le.Uint16(c[16:18]) < 22 {
			return AudioFormat{}, 0, errors.New("WAVE_FORMAT_EXTENSIBLE fmt chunk too short")
		}
		tag = le.Uint16(c[24:26])
	}
	switch tag {
	case wavFormatPCM:
		if bits != 8 && bits != 16 && bits != 24 && bits != 32 {
			return AudioFormat{}, 0, fmt.Errorf("PCM with %d bits per sample", bits)
		}
	case wavFormatFloat:
		if bits != 32 && bits != 64 {
			return AudioFormat{}, 0, fmt.Errorf("IEEE float with %d bits per sample", bits)
		}
	default:
		return AudioFormat{}, 0, fmt.Errorf("unsupported WAVE format tag 0x%04x", tag)
	}
	if channels < 1 {
		return AudioFormat{}, 0, errors.New("zero channels")
	}
	if rate < 1 {
		return AudioFormat{}, 0, errors.New("zero sample rate")
	}
	if want := channels * bits / 8; blockAlign != want {
		return AudioFormat{}, 0, fmt.Errorf("block align %d, want %d for %d channels of %d bits", blockAlign, want, channels, bits)
	}
	if want := uint64(rate) * uint64(blockAlign); uint64(byteRate) != want {
		return AudioFormat{}, 0, fmt.Errorf("byte rate %d, want %d", byteRate, want)
	}
	return AudioFormat{SampleRate: int(rate), Channels: channels}, blockAlign, nil
}
