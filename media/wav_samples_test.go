package media

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

func TestAudioSamples(t *testing.T) {
	t.Parallel()
	wav16 := TestAudio(0.5, 16000)
	s, f, err := AudioSamples(wav16)
	if err != nil || f.SampleRate != 16000 || len(s) != 8000 {
		t.Fatalf("%d samples, %+v, %v", len(s), f, err)
	}
	var peak float64
	for _, v := range s {
		peak = math.Max(peak, math.Abs(v))
	}
	if peak < 0.05 || peak > 1 {
		t.Fatalf("peak %v", peak)
	}
	// Two channels of float: mixed to one.
	pcm := make([]byte, 8*4)
	for i := range 4 {
		binary.LittleEndian.PutUint32(pcm[8*i:], math.Float32bits(0.5))
		binary.LittleEndian.PutUint32(pcm[8*i+4:], math.Float32bits(-0.25))
	}
	st, _, err := AudioSamples(wav(-1, chunk("fmt ", extensible(wavFormatFloat, 2, 8000, 32)), chunk("data", pcm)))
	if err != nil || len(st) != 4 || st[0] != 0.125 {
		t.Fatalf("stereo float: %v %v", st, err)
	}
}

func TestAudioSamplesRefusesBrokenAndUnread(t *testing.T) {
	t.Parallel()
	good := TestAudio(0.1, 8000)
	cases := map[string][]byte{
		"empty":     nil,
		"not a wav": []byte("hello world, not a wav at all"),
		"truncated": good[:len(good)-3],
		"8-bit":     wav(-1, chunk("fmt ", fmtPayload(wavFormatPCM, 1, 8000, 8)), chunk("data", make([]byte, 16))),
	}
	for name, data := range cases {
		if _, _, err := AudioSamples(data); err == nil {
			t.Errorf("%s: accepted", name)
		} else if name == "8-bit" && !strings.Contains(err.Error(), "8 bits") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
