package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

func TestTestAudioRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		seconds float64
		rate    int
		want    time.Duration
	}{
		{1, 16000, time.Second},
		{2.5, 44100, 2500 * time.Millisecond},
		{0.001, 8000, time.Millisecond},
		{3, 24000, 3 * time.Second},
		{0, 16000, 0},
		{-1, 16000, 0},
	} {
		f, err := AudioInfo(TestAudio(c.seconds, c.rate))
		if err != nil || f.Duration != c.want || f.SampleRate != c.rate || f.Channels != 1 {
			t.Errorf("TestAudio(%v, %d) → %+v, %v; want %v at %d Hz mono", c.seconds, c.rate, f, err, c.want, c.rate)
		}
	}
}

func TestTestAudioHasPausesAndTones(t *testing.T) {
	t.Parallel()
	data := TestAudio(2, 16000)
	if !bytes.Equal(data, TestAudio(2, 16000)) {
		t.Fatal("not deterministic")
	}
	pcm := data[44:]
	// Count 10 ms windows that are silent and loud.
	var silent, loud int
	for w := 0; w+320 <= len(pcm); w += 320 {
		var peak int16
		for i := w; i < w+320; i += 2 {
			v := int16(binary.LittleEndian.Uint16(pcm[i:]))
			peak = max(peak, v, -v)
		}
		switch {
		case peak == 0:
			silent++
		case peak > 5000:
			loud++
		}
	}
	if silent < 20 || loud < 50 {
		t.Fatalf("2 s of speech-like audio has %d silent and %d loud 10 ms windows", silent, loud)
	}
}

// wav builds a WAV from chunks, with a correct RIFF size unless riff >= 0.
func wav(riff int, chunks ...[]byte) []byte {
	body := []byte("WAVE")
	for _, c := range chunks {
		body = append(body, c...)
	}
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	if riff >= 0 {
		binary.LittleEndian.PutUint32(out[4:], uint32(riff))
	}
	return append(out, body...)
}

func chunk(id string, payload []byte) []byte {
	c := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(payload)))...)
	c = append(c, payload...)
	if len(payload)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// rawChunk writes a chunk header claiming size bytes, followed by payload.
func rawChunk(id string, size uint32, payload []byte) []byte {
	return append(append([]byte(id), binary.LittleEndian.AppendUint32(nil, size)...), payload...)
}

func fmtPayload(tag, channels uint16, rate uint32, bits uint16) []byte {
	le := binary.LittleEndian
	align := channels * bits / 8
	b := le.AppendUint16(nil, tag)
	b = le.AppendUint16(b, channels)
	b = le.AppendUint32(b, rate)
	b = le.AppendUint32(b, rate*uint32(align))
	b = le.AppendUint16(b, align)
	return le.AppendUint16(b, bits)
}

func extensible(sub uint16, channels uint16, rate uint32, bits uint16) []byte {
	b := fmtPayload(wavFormatExtensible, channels, rate, bits)
	b = binary.LittleEndian.AppendUint16(b, 22)   // cbSize
	b = binary.LittleEndian.AppendUint16(b, bits) // valid bits
	b = binary.LittleEndian.AppendUint32(b, 3)    // channel mask
	b = binary.LittleEndian.AppendUint16(b, sub)
	return append(b, "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71"...)
}

func TestAudioInfoFormats(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		data []byte
		want AudioFormat
	}{
		{"float stereo", wav(-1, chunk("fmt ", fmtPayload(wavFormatFloat, 2, 48000, 32)), chunk("data", make([]byte, 48000*8))),
			AudioFormat{time.Second, 48000, 2}},
		{"pcm 24-bit 6ch", wav(-1, chunk("fmt ", fmtPayload(wavFormatPCM, 6, 8000, 24)), chunk("data", make([]byte, 4000*18))),
			AudioFormat{500 * time.Millisecond, 8000, 6}},
		{"extensible float", wav(-1, chunk("fmt ", extensible(wavFormatFloat, 2, 16000, 32)), chunk("data", make([]byte, 16000*8*2))),
			AudioFormat{2 * time.Second, 16000, 2}},
		{"extra chunks, odd size padded", wav(-1, chunk("LIST", []byte("abc")), chunk("fmt ", fmtPayload(wavFormatPCM, 1, 8000, 8)), chunk("data", make([]byte, 8000)), chunk("id3 ", []byte("x"))),
			AudioFormat{time.Second, 8000, 1}},
		{"trailing bytes after RIFF", append(TestAudio(1, 8000), "junk"...), AudioFormat{time.Second, 8000, 1}},
	}
	for _, c := range cases {
		f, err := AudioInfo(c.data)
		if err != nil || f != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.name, f, err, c.want)
		}
	}
}

func TestAudioInfoRejectsBrokenInput(t *testing.T) {
	t.Parallel()
	good := TestAudio(1, 16000)
	pcm := chunk("fmt ", fmtPayload(wavFormatPCM, 1, 16000, 16))
	cases := map[string][]byte{
		"empty":              nil,
		"garbage":            []byte("definitely not a wave file, no"),
		"wrong magic":        append([]byte("RIFX"), good[4:]...),
		"not WAVE":           append(append([]byte{}, good[:8]...), append([]byte("AVI "), good[12:]...)...),
		"RIFF size too big":  wav(1<<30, pcm, chunk("data", make([]byte, 100))),
		"RIFF size tiny":     wav(2, pcm, chunk("data", make([]byte, 100))),
		"data size too big":  wav(-1, pcm, rawChunk("data", 1000, make([]byte, 100))),
		"data 4 GiB":         wav(-1, pcm, rawChunk("data", 0xFFFFFFFF, make([]byte, 100))),
		"fmt size too big":   wav(-1, rawChunk("fmt ", 0x7FFFFFFF, fmtPayload(wavFormatPCM, 1, 16000, 16))),
		"no fmt":             wav(-1, chunk("data", make([]byte, 100))),
		"no data":            wav(-1, pcm),
		"data before fmt":    wav(-1, chunk("data", make([]byte, 100)), pcm),
		"two fmt":            wav(-1, pcm, pcm, chunk("data", make([]byte, 100))),
		"two data":           wav(-1, pcm, chunk("data", make([]byte, 2)), chunk("data", make([]byte, 2))),
		"short fmt":          wav(-1, chunk("fmt ", make([]byte, 10)), chunk("data", make([]byte, 2))),
		"zero channels":      wav(-1, chunk("fmt ", fmtPayload(wavFormatPCM, 0, 16000, 16)), chunk("data", nil)),
		"zero rate":          wav(-1, chunk("fmt ", fmtPayload(wavFormatPCM, 1, 0, 16)), chunk("data", nil)),
		"12-bit pcm":         wav(-1, chunk("fmt ", fmtPayload(wavFormatPCM, 1, 16000, 12)), chunk("data", nil)),
		"16-bit float":       wav(-1, chunk("fmt ", fmtPayload(wavFormatFloat, 1, 16000, 16)), chunk("data", nil)),
		"mp3 tag":            wav(-1, chunk("fmt ", fmtPayload(0x55, 1, 16000, 16)), chunk("data", nil)),
		"bad block align":    wav(-1, chunk("fmt ", func() []byte { b := fmtPayload(wavFormatPCM, 2, 16000, 16); b[12] = 3; return b }()), chunk("data", nil)),
		"bad byte rate":      wav(-1, chunk("fmt ", func() []byte { b := fmtPayload(wavFormatPCM, 1, 16000, 16); b[8]++; return b }()), chunk("data", nil)),
		"partial frame":      wav(-1, pcm, chunk("data", make([]byte, 101))),
		"short extensible":   wav(-1, chunk("fmt ", fmtPayload(wavFormatExtensible, 1, 16000, 16)), chunk("data", nil)),
		"chunk header split": wav(-1, pcm, []byte("dat")),
	}
	for _, n := range []int{1, 4, 11, 12, 20, 35, 36, 43, 44, 100, len(good) - 1} {
		cases["truncated to "+itoa(n)] = good[:n]
	}
	for name, data := range cases {
		f, err := AudioInfo(data)
		if err == nil {
			t.Errorf("%s: accepted as %+v", name, f)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
	if _, err := AudioInfo([]byte("garbage garbage")); !errors.Is(err, ErrNotWAV) {
		t.Errorf("garbage: err = %v, want ErrNotWAV", err)
	}
}
