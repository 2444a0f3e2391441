package audio

import (
	"errors"
	"fmt"
	"slices"

	"github.com/asticode/go-astiav"
)

// Containers are the formats Encode writes: the audio a gateway takes for
// audio-to-text, each with the encoder Debian's FFmpeg has for it.
var Containers = []string{"wav", "mp4", "m4a", "mp3", "flac", "ogg", "opus"}

// formats maps a container to its muxer and encoder.
var formats = map[string]struct{ muxer, encoder string }{
	"wav":  {"wav", "pcm_s16le"},
	"mp4":  {"mp4", "aac"},
	"m4a":  {"ipod", "aac"}, // the muxer ffmpeg picks for .m4a
	"mp3":  {"mp3", "libmp3lame"},
	"flac": {"flac", "flac"},
	"ogg":  {"ogg", "libvorbis"},
	"opus": {"ogg", "libopus"}, // Opus in an Ogg file, as .opus files are
}

// sampleFormats are the encoder sample formats fillFrame writes, in the
// order they are preferred.
var sampleFormats = []astiav.SampleFormat{
	astiav.SampleFormatS16, astiav.SampleFormatS16P, astiav.SampleFormatFltp,
	astiav.SampleFormatFlt, astiav.SampleFormatS32, astiav.SampleFormatS32P,
}

// Encode writes mono samples in [-1, 1] at rate as a file of the container
// (one of Containers), all in memory. It is how tests make the audio a
// client might upload in each format.
func Encode(samples []float64, rate int, container string) ([]byte, error) {
	f, ok := formats[container]
	if !ok {
		return nil, fmt.Errorf("encode audio: unknown container %q", container)
	}
	codec := astiav.FindEncoderByName(f.encoder)
	if codec == nil {
		return nil, fmt.Errorf("encode audio: libavcodec has no %s encoder", f.encoder)
	}
	e := &encoder{file: &memFile{}}
	defer e.close()
	if err := e.open(codec, f.muxer, rate); err != nil {
		return nil, fmt.Errorf("encode audio as %s: %w", container, err)
	}
	if err := e.write(samples); err != nil {
		return nil, fmt.Errorf("encode audio as %s: %w", container, err)
	}
	return e.file.b, nil
}

type encoder struct {
	file   *memFile
	io     *astiav.IOContext
	fc     *astiav.FormatContext
	cc     *astiav.CodecContext
	stream *astiav.Stream
	frame  *astiav.Frame
	pkt    *astiav.Packet
}

func (e *encoder) open(codec *astiav.Codec, muxer string, rate int) error {
	var err error
	if e.fc, err = astiav.AllocOutputFormatContext(nil, muxer, ""); err != nil {
		return fmt.Errorf("muxer %s: %w", muxer, err)
	}
	if e.cc = astiav.AllocCodecContext(codec); e.cc == nil {
		return errors.New("no codec context")
	}
	sf := -1
	for i, f := range sampleFormats {
		if slices.Contains(codec.SampleFormats(), f) {
			sf = i
			break
		}
	}
	if sf < 0 {
		return fmt.Errorf("%s takes no sample format this writer fills", codec.Name())
	}
	e.cc.SetSampleFormat(sampleFormats[sf])
	e.cc.SetSampleRate(rate)
	e.cc.SetChannelLayout(astiav.ChannelLayoutMono)
	e.cc.SetTimeBase(astiav.NewRational(1, rate))
	if e.fc.OutputFormat().Flags().Has(astiav.IOFormatFlagGlobalheader) {
		e.cc.SetFlags(e.cc.Flags().Add(astiav.CodecContextFlagGlobalHeader))
	}
	if err = e.cc.Open(codec, nil); err != nil {
		return fmt.Errorf("open the %s encoder at %d Hz: %w", codec.Name(), rate, err)
	}
	if e.stream = e.fc.NewStream(nil); e.stream == nil {
		return errors.New("no stream")
	}
	if err = e.stream.CodecParameters().FromCodecContext(e.cc); err != nil {
		return fmt.Errorf("stream parameters: %w", err)
	}
	e.stream.SetTimeBase(e.cc.TimeBase())
	if e.io, err = astiav.AllocIOContext(ioBufferSize, true, nil, e.file.seek, e.file.write); err != nil {
		return err
	}
	e.fc.SetPb(e.io)
	if err = e.fc.WriteHeader(nil); err != nil {
		return fmt.Errorf("write the header: %w", err)
	}
	e.frame, e.pkt = astiav.AllocFrame(), astiav.AllocPacket()
	return nil
}

func (e *encoder) write(samples []float64) error {
	size := e.cc.FrameSize()
	if size <= 0 {
		size = 1024 // PCM and other encoders that take any frame size
	}
	buf := make([]float32, size)
	for start := 0; start < len(samples); start += size {
		n := min(size, len(samples)-start)
		for i := range n {
			buf[i] = float32(samples[start+i])
		}
		e.frame.SetNbSamples(n)
		e.frame.SetSampleFormat(e.cc.SampleFormat())
		e.frame.SetChannelLayout(e.cc.ChannelLayout())
		e.frame.SetSampleRate(e.cc.SampleRate())
		if err := e.frame.AllocBuffer(0); err != nil {
			return fmt.Errorf("frame buffer: %w", err)
		}
		if err := fillFrame(e.frame, buf[:n]); err != nil {
			return err
		}
		e.frame.SetPts(int64(start))
		err := e.cc.SendFrame(e.frame)
		e.frame.Unref()
		if err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		if err := e.drain(); err != nil {
			return err
		}
	}
	if err := e.cc.SendFrame(nil); err != nil {
		return fmt.Errorf("flush the encoder: %w", err)
	}
	if err := e.drain(); err != nil {
		return err
	}
	if err := e.fc.WriteTrailer(); err != nil {
		return fmt.Errorf("write the trailer: %w", err)
	}
	e.io.Flush()
	return nil
}

func (e *encoder) drain() error {
	for {
		err := e.cc.ReceivePacket(e.pkt)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		e.pkt.SetStreamIndex(e.stream.Index())
		e.pkt.RescaleTs(e.cc.TimeBase(), e.stream.TimeBase())
		err = e.fc.WriteInterleavedFrame(e.pkt)
		e.pkt.Unref()
		if err != nil {
			return fmt.Errorf("mux: %w", err)
		}
	}
}

func (e *encoder) close() {
	if e.frame != nil {
		e.frame.Free()
	}
	if e.pkt != nil {
		e.pkt.Free()
	}
	if e.cc != nil {
		e.cc.Free()
	}
	if e.fc != nil {
		e.fc.Free()
	}
	if e.io != nil {
		e.io.Free()
	}
}
