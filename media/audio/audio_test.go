package audio

import (
	"math"
	"testing"
	"time"

	"jobtester/media"
)

// tone is seconds of a 440 Hz sine at rate.
func tone(seconds float64, rate int) []float64 {
	out := make([]float64, int(seconds*float64(rate)))
	for i := range out {
		out[i] = 0.5 * math.Sin(2*math.Pi*440*float64(i)/float64(rate))
	}
	return out
}

func TestEncodeProbeDecodeEveryContainer(t *testing.T) {
	const seconds, rate = 3.0, 16000
	for _, c := range Containers {
		t.Run(c, func(t *testing.T) {
			data, err := Encode(tone(seconds, rate), rate, c)
			if err != nil {
				t.Fatal(err)
			}
			info, err := Probe(data)
			if err != nil {
				t.Fatalf("probe %d bytes: %v", len(data), err)
			}
			// Codecs add a frame or two of priming and padding; the
			// container's duration stays within a tenth of a second.
			if d := info.Duration - seconds*time.Second; d.Abs() > 100*time.Millisecond {
				t.Errorf("duration %v, want %v ± 100ms (%+v)", info.Duration, seconds*time.Second, info)
			}
			if info.Channels != 1 || info.SampleRate != rate && c != "opus" {
				t.Errorf("info %+v: want mono at %d Hz", info, rate)
			}
			pcm, got, err := DecodeMono(data)
			if err != nil {
				t.Fatal(err)
			}
			if secs := float64(len(pcm)) / float64(got); math.Abs(secs-seconds) > 0.15 {
				t.Errorf("decoded %.3f s, want %.1f", secs, seconds)
			}
			if rms := rmsOf(pcm); rms < 0.3 || rms > 0.4 { // a 0.5 sine's RMS is 0.354
				t.Errorf("decoded RMS %.3f, want about 0.354", rms)
			}
		})
	}
}

func rmsOf(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(max(len(x), 1)))
}

func TestProbeTakesTheTestersWAV(t *testing.T) {
	info, err := Probe(media.SpokenDigits("31415", 16000))
	if err != nil {
		t.Fatal(err)
	}
	if info.Container != "wav" || info.Codec != "pcm_s16le" || info.Duration != 1500*time.Millisecond {
		t.Errorf("info %+v, want wav pcm_s16le 1.5s", info)
	}
}

func TestProbeRefusesBrokenAudio(t *testing.T) {
	mp4, err := Encode(tone(2, 16000), 16000, "mp4")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":              nil,
		"text":               []byte("this is not audio at all, just words in a file"),
		"mp4 without index":  mp4[:len(mp4)*2/3], // the muxer writes the index (moov) last
		"mp4 header only":    mp4[:64],
		"wav header only":    media.SpokenDigits("1", 16000)[:44],
		"riff without chunk": []byte("RIFF\x24\x00\x00\x00WAVE"),
		"too big":            make([]byte, MaxBytes+1),
	}
	for name, b := range cases {
		if info, err := Probe(b); err == nil {
			t.Errorf("%s: probed as %+v, want an error", name, info)
		}
	}
	if _, err := Probe(media.TestImage(64, 64)); err == nil {
		t.Error("a PNG probed as audio")
	}
}
