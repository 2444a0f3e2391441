package verify

import (
	"fmt"
	"math"
)

// SoundStats are the statistics of audio that tell sound from silence and
// from noise.
type SoundStats struct {
	// RMS is the root mean square level, 0..1 of full scale.
	RMS float64 `json:"rms"`
	// Correlation is the correlation of each sample with the next, -1..1:
	// near 1 for voices and tones (their energy is far below the Nyquist
	// frequency), near 0 for white noise.
	Correlation float64 `json:"correlation"`
}

// Sound thresholds; docs/verification.md gives the measurements behind
// them.
const (
	// SilentRMS: audio quieter than this (-60 dBFS) throughout is silence.
	// Speech is recorded 20 to 40 dB above it.
	SilentRMS = 0.001
	// NoiseSoundCorrelation: below this, neighbouring samples are nearly
	// independent, as in white noise (0 ± 0.01). Voices put most of their
	// energy far below the Nyquist frequency of 16 kHz and faster rates, so
	// an utterance's neighbouring samples correlate strongly (simnet's
	// voice 0.998); hiss-like consonants alone go lower, never a whole
	// utterance.
	NoiseSoundCorrelation = 0.3
)

// MeasureSound computes the statistics of mono samples in [-1, 1].
func MeasureSound(samples []float64) SoundStats {
	if len(samples) == 0 {
		return SoundStats{}
	}
	var mean float64
	for _, v := range samples {
		mean += v
	}
	mean /= float64(len(samples))
	var energy, lag float64
	for i, v := range samples {
		d := v - mean
		energy += d * d
		if i+1 < len(samples) {
			lag += d * (samples[i+1] - mean)
		}
	}
	st := SoundStats{RMS: math.Sqrt(energy / float64(len(samples)))}
	if energy > 0 {
		st.Correlation = lag / energy
	}
	return st
}

// Sound flags audio with no content: silence (flat) or white noise. Audio
// under a tenth of a second at rate is not judged.
func Sound(samples []float64, rate int) (SoundStats, *Flag) {
	st := MeasureSound(samples)
	if rate <= 0 || len(samples) < rate/10 {
		return st, nil
	}
	if st.RMS < SilentRMS {
		return st, &Flag{Kind: KindFlat, Detail: fmt.Sprintf("audio level %.5f of full scale, under %.3f: silence", st.RMS, SilentRMS)}
	}
	if st.Correlation < NoiseSoundCorrelation {
		return st, &Flag{Kind: KindNoise, Detail: fmt.Sprintf("neighbouring samples correlate at %.2f, under %.2f: noise", st.Correlation, NoiseSoundCorrelation)}
	}
	return st, nil
}
