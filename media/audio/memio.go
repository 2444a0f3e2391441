package audio

import (
	"errors"
	"io"

	"github.com/asticode/go-astiav"
)

// avseekSize is libav's AVSEEK_SIZE: a seek whence asking for the size of
// the stream rather than moving in it.
const avseekSize = 0x10000

// memFile is a seekable byte buffer behind a libav IO context, read from by
// the demuxer or written to (and rewritten by, for the MP4 index) the muxer.
type memFile struct {
	b   []byte
	pos int64
}

func (m *memFile) read(p []byte) (int, error) {
	if m.pos >= int64(len(m.b)) {
		return 0, astiav.ErrEof
	}
	n := copy(p, m.b[m.pos:])
	m.pos += int64(n)
	return n, nil
}

func (m *memFile) write(p []byte) (int, error) {
	end := m.pos + int64(len(p))
	if end > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, end-int64(len(m.b)))...)
	}
	copy(m.b[m.pos:], p)
	m.pos = end
	return len(p), nil
}

func (m *memFile) seek(offset int64, whence int) (int64, error) {
	if whence&avseekSize != 0 {
		return int64(len(m.b)), nil
	}
	var base int64
	switch whence &^ avseekSize {
	case io.SeekStart:
	case io.SeekCurrent:
		base = m.pos
	case io.SeekEnd:
		base = int64(len(m.b))
	default:
		return 0, errors.New("bad whence")
	}
	if base+offset < 0 {
		return 0, errors.New("seek before start")
	}
	m.pos = base + offset
	return m.pos, nil
}

// ioBufferSize is the IO context's buffer: small, since the data is in
// memory already.
const ioBufferSize = 32 << 10
