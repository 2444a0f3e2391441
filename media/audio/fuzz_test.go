package audio

import (
	"testing"

	"jobtester/media"
)

// FuzzProbe feeds libav arbitrary bytes through the probe and the decoder:
// each returns an error or a positive duration and samples, never a crash
// or a hang. The seeds are a small file of every container, whole and cut.
func FuzzProbe(f *testing.F) {
	f.Add(media.SpokenDigits("42", 8000))
	for _, c := range Containers {
		b, err := Encode(tone(0.3, 8000), 8000, c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := Probe(b)
		if err == nil && info.Duration <= 0 {
			t.Fatalf("probe took %d bytes with duration %v", len(b), info.Duration)
		}
		pcm, rate, err := DecodeMono(b)
		if err == nil && (rate <= 0 || len(pcm) > min(maxDecodeSeconds*rate, maxSamples)) {
			t.Fatalf("decoded %d samples at %d Hz", len(pcm), rate)
		}
	})
}
