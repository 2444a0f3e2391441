package media

import (
	"encoding/binary"
	"math"
)

// DefaultSampleRate is used by TestAudio when the rate given is below 1.
const DefaultSampleRate = 16000

// TestAudio returns a WAV (RIFF/WAVE, PCM 16-bit mono) of the given length
// and sample rate: syllable-like tones of a few pitches with short pauses
// between them and word-sized gaps every few syllables, so that a speech
// model sees an envelope like speech rather than a constant tone. A length of
// 0 or less gives a valid WAV with no samples (useful to test that a zero
// duration is refused). The output depends only on the arguments.
func TestAudio(seconds float64, sampleRate int) []byte {
	if sampleRate < 1 {
		sampleRate = DefaultSampleRate
	}
	n := 0
	if seconds > 0 && !math.IsInf(seconds, 1) {
		n = int(math.Round(seconds * float64(sampleRate)))
	}
	const headerLen = 44
	out := make([]byte, headerLen+2*n)
	writeWAVHeader(out, sampleRate, n)
	pcm := out[headerLen:]

	// A syllable is 180 ms of tone then 70 ms of silence; every fourth
	// syllable slot is a 250 ms pause between "words".
	syllable := int(0.18 * float64(sampleRate))
	gap := int(0.07 * float64(sampleRate))
	slot := max(syllable+gap, 1)
	pitches := []float64{220, 247, 196, 262, 233, 208}
	for i := range n {
		s := i / slot
		pos := i % slot
		var v float64
		if s%4 != 3 && pos < syllable {
			f := pitches[s%len(pitches)]
			t := float64(i) / float64(sampleRate)
			// Attack and release so that syllables do not click; two
			// harmonics so that it is not a pure sine.
			env := math.Sin(math.Pi * float64(pos) / float64(max(syllable, 1)))
			v = env * (0.6*math.Sin(2*math.Pi*f*t) + 0.25*math.Sin(2*math.Pi*2*f*t))
		}
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(int16(v*20000)))
	}
	return out
}

// writeWAVHeader fills the 44-byte canonical header of a PCM 16-bit mono
// WAV with n samples.
func writeWAVHeader(b []byte, sampleRate, n int) {
	le := binary.LittleEndian
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVE")
	copy(b[12:], "fmt ")
	le.PutUint32(b[16:], 16)
	le.PutUint16(b[20:], wavFormatPCM)
	le.PutUint16(b[22:], 1) // channels
	le.PutUint32(b[24:], uint32(sampleRate))
	le.PutUint32(b[28:], uint32(sampleRate*2)) // byte rate
	le.PutUint16(b[32:], 2)                    // block align
	le.PutUint16(b[34:], 16)                   // bits per sample
	copy(b[36:], "data")
	le.PutUint32(b[40:], uint32(2*n))
}
