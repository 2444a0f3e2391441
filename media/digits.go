package media

import (
	"encoding/binary"
	"math"
)

// DigitTones is the pitch, in Hz, that SpokenDigits gives each digit 0–9:
// far enough apart that a 200 ms window tells them apart without doubt.
var DigitTones = [10]float64{440, 523, 587, 659, 740, 831, 932, 1047, 1175, 1319}

// Layout of SpokenDigits: every digit is one slot of DigitSlot seconds, a
// tone of DigitToneSeconds then silence.
const (
	DigitSlot        = 0.3
	DigitToneSeconds = 0.22
)

// SpokenDigits returns a WAV (PCM 16-bit mono) that "says" digits: one tone
// slot per digit, in order, pitched by DigitTones; characters other than
// 0–9 are a slot of silence (a pause between words). It is the audio of the
// audio-to-text test: the simulated network's speech model hears the
// pitches and writes the digits as words, so a transcript can be checked
// against what was sent. Real speech models hear tones, not words; the
// simulation stands for "the transcript follows from the audio".
func SpokenDigits(digits string, sampleRate int) []byte {
	if sampleRate < 1 {
		sampleRate = DefaultSampleRate
	}
	n := int(DigitSlot*float64(sampleRate)) * len(digits)
	out := make([]byte, 44+2*n)
	writeWAVHeader(out, sampleRate, n)
	pcm := out[44:]
	digitWave(digits, sampleRate, func(i int, v float64) {
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(int16(v*digitAmplitude)))
	})
	return out
}

// SpokenDigitSamples is the audio of SpokenDigits as samples in [-1, 1], to
// be encoded in another container (the tester sends FLAC: a gateway built
// with few decoders cannot measure PCM).
func SpokenDigitSamples(digits string, sampleRate int) []float64 {
	if sampleRate < 1 {
		sampleRate = DefaultSampleRate
	}
	out := make([]float64, int(DigitSlot*float64(sampleRate))*len(digits))
	digitWave(digits, sampleRate, func(i int, v float64) { out[i] = v * digitAmplitude / 32768 })
	return out
}

// digitAmplitude is the tones' peak in 16-bit sample units.
const digitAmplitude = 20000

// digitWave calls put for every sample of the digits' tones (the silence
// between them is left as it is), with v the tone's value in [-0.7, 0.7].
func digitWave(digits string, sampleRate int, put func(i int, v float64)) {
	slot := int(DigitSlot * float64(sampleRate))
	tone := int(DigitToneSeconds * float64(sampleRate))
	for s, ch := range []byte(digits) {
		if ch < '0' || ch > '9' {
			continue
		}
		f := DigitTones[ch-'0']
		for i := range tone {
			t := float64(i) / float64(sampleRate)
			env := math.Sin(math.Pi * float64(i) / float64(tone))
			put(s*slot+i, env*0.7*math.Sin(2*math.Pi*f*t))
		}
	}
}
