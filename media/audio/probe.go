package audio

import (
	"errors"
	"fmt"
	"time"

	"github.com/asticode/go-astiav"
)

// MaxBytes bounds the size of a file Probe and DecodeMono read; an upload
// larger than this is refused before libav sees it.
const MaxBytes = 64 << 20

// maxDecodeSeconds and maxSamples bound how much audio DecodeMono turns
// into samples: a few kilobytes of FLAC or PCM can claim minutes at a rate
// of hundreds of kilohertz.
const (
	maxDecodeSeconds = 600
	maxSamples       = 1 << 23 // about 3 minutes at 48 kHz
)

// Info is what Probe learns of an audio file.
type Info struct {
	Duration   time.Duration
	Container  string // libav's demuxer name: "wav", "mov,mp4,m4a,3gp,3g2,mj2", "mp3", "flac", "ogg"
	Codec      string // the audio stream's decoder: "pcm_s16le", "aac", "mp3float", "flac", "vorbis", "opus"
	SampleRate int
	Channels   int
}

// ErrNoAudio is returned for a file libav reads that holds no audio stream
// it can decode.
var ErrNoAudio = errors.New("no decodable audio stream")

// Probe measures an audio file as a gateway does before pricing a job: libav
// reads the container, finds the audio stream and its duration. A file whose
// container or stream libav cannot read, that holds no audio, whose first
// frame does not decode, or that lasts no time is an error.
func Probe(data []byte) (Info, error) {
	in, err := open(data)
	if err != nil {
		return Info{}, err
	}
	defer in.close()
	info := in.info()
	// A first decoded frame proves the stream is audio libav can read, not
	// just a header that looks like it.
	first := false
	err = in.decode(func(f *astiav.Frame) bool { first = f.NbSamples() > 0; return !first })
	if err != nil {
		return Info{}, err
	}
	if !first {
		return Info{}, fmt.Errorf("probe audio: %w: no frame decoded", ErrNoAudio)
	}
	if info.Duration <= 0 {
		return Info{}, errors.New("probe audio: the file lasts no time")
	}
	return info, nil
}

// DecodeMono decodes an audio file's first audio stream, its channels
// averaged, and returns the samples in [-1, 1] with their rate. It stops
// after maxDecodeSeconds of audio (or maxSamples); a stream that breaks off mid-way gives
// the samples decoded so far.
func DecodeMono(data []byte) ([]float64, int, error) {
	in, err := open(data)
	if err != nil {
		return nil, 0, err
	}
	defer in.close()
	rate := in.dec.SampleRate()
	if rate <= 0 {
		return nil, 0, fmt.Errorf("decode audio: %w: no sample rate", ErrNoAudio)
	}
	limit := min(maxDecodeSeconds*rate, maxSamples)
	var pcm []float32
	var convErr error
	err = in.decode(func(f *astiav.Frame) bool {
		pcm, convErr = appendMono(pcm, f, limit)
		return convErr == nil && len(pcm) < limit
	})
	if err == nil {
		err = convErr
	}
	if err != nil && len(pcm) == 0 {
		return nil, 0, err
	}
	out := make([]float64, len(pcm))
	for i, v := range pcm {
		out[i] = float64(v)
	}
	return out, rate, nil
}

// input is an opened file: its demuxer on a memory buffer and the decoder
// of its first audio stream.
type input struct {
	file   *memFile
	io     *astiav.IOContext
	fc     *astiav.FormatContext
	stream *astiav.Stream
	dec    *astiav.CodecContext
	codec  string // the decoder's name
}

func open(data []byte) (in *input, err error) {
	if len(data) == 0 || len(data) > MaxBytes {
		return nil, fmt.Errorf("open audio: %d bytes (1 to %d taken)", len(data), MaxBytes)
	}
	in = &input{file: &memFile{b: data}}
	defer func() {
		if err != nil {
			in.close()
			in = nil
		}
	}()
	if in.io, err = astiav.AllocIOContext(ioBufferSize, false, in.file.read, in.file.seek, nil); err != nil {
		return in, fmt.Errorf("open audio: %w", err)
	}
	if in.fc = astiav.AllocFormatContext(); in.fc == nil {
		return in, errors.New("open audio: no format context")
	}
	in.fc.SetPb(in.io)
	if err = in.fc.OpenInput("", nil, nil); err != nil {
		in.fc = nil // libav freed the context whose open failed
		return in, fmt.Errorf("open audio: read the container: %w", err)
	}
	if err = in.fc.FindStreamInfo(nil); err != nil {
		return in, fmt.Errorf("open audio: read the streams: %w", err)
	}
	return in, in.openDecoder()
}

func (in *input) openDecoder() error {
	for _, s := range in.fc.Streams() {
		cp := s.CodecParameters()
		if cp.MediaType() != astiav.MediaTypeAudio {
			continue
		}
		codec := astiav.FindDecoder(cp.CodecID())
		if codec == nil {
			continue
		}
		in.stream, in.codec = s, codec.Name()
		if in.dec = astiav.AllocCodecContext(codec); in.dec == nil {
			return errors.New("open audio: no codec context")
		}
		if err := cp.ToCodecContext(in.dec); err != nil {
			return fmt.Errorf("open audio: codec parameters: %w", err)
		}
		if err := in.dec.Open(codec, nil); err != nil {
			return fmt.Errorf("open audio: open the %s decoder: %w", codec.Name(), err)
		}
		return nil
	}
	return fmt.Errorf("open audio: %w", ErrNoAudio)
}

func (in *input) info() Info {
	info := Info{
		Container:  in.fc.InputFormat().Name(),
		Codec:      in.codec,
		SampleRate: in.dec.SampleRate(),
		Channels:   in.dec.ChannelLayout().NbChannels(),
	}
	// The container's duration, as lpms reads it (AV_TIME_BASE units);
	// failing that, the stream's own in its time base.
	if d := in.fc.Duration(); d > 0 {
		info.Duration = time.Duration(d) * time.Microsecond
	} else if d, tb := in.stream.Duration(), in.stream.TimeBase(); d > 0 && tb.Den() > 0 {
		info.Duration = time.Duration(float64(d) * float64(tb.Num()) / float64(tb.Den()) * float64(time.Second))
	}
	return info
}

// decode reads packets of the audio stream and hands each decoded frame to
// keep until keep says stop, the file ends, or the stream breaks.
func (in *input) decode(keep func(*astiav.Frame) bool) error {
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	frame := astiav.AllocFrame()
	defer frame.Free()
	drain := func() (bool, error) {
		for {
			err := in.dec.ReceiveFrame(frame)
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return true, nil
			}
			if err != nil {
				return false, fmt.Errorf("decode audio: %w", err)
			}
			more := keep(frame)
			frame.Unref()
			if !more {
				return false, nil
			}
		}
	}
	for {
		err := in.fc.ReadFrame(pkt)
		if errors.Is(err, astiav.ErrEof) {
			break
		}
		if err != nil {
			return fmt.Errorf("decode audio: read a packet: %w", err)
		}
		if pkt.StreamIndex() != in.stream.Index() {
			pkt.Unref()
			continue
		}
		err = in.dec.SendPacket(pkt)
		pkt.Unref()
		if err != nil && !errors.Is(err, astiav.ErrEagain) {
			return fmt.Errorf("decode audio: %w", err)
		}
		if more, err := drain(); err != nil || !more {
			return err
		}
	}
	if err := in.dec.SendPacket(nil); err != nil && !errors.Is(err, astiav.ErrEof) {
		return fmt.Errorf("decode audio: flush: %w", err)
	}
	_, err := drain()
	return err
}

func (in *input) close() {
	if in.dec != nil {
		in.dec.Free()
	}
	if in.fc != nil {
		in.fc.CloseInput()
		in.fc.Free()
	}
	if in.io != nil {
		in.io.Free()
	}
}

func init() {
	// libav logs every damaged packet of a broken upload to stderr; what
	// matters comes back as errors, so only fatal conditions are logged.
	astiav.SetLogLevel(astiav.LogLevelFatal)
}
