package simnet

import (
	"math"
	"strings"

	"jobtester/media"
	"jobtester/media/audio"
)

// The simulated speech model hears media.SpokenDigits: one tone a slot,
// pitched per digit. It reads each slot's tone with the Goertzel filter at
// the ten digit pitches and writes the digit as a word; audio that is not
// such a tone sequence (another generator's, or noise) gets plausible words
// instead, as a real model hearing nothing in particular would.

var digitWords = [10]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// hearDigits returns the digits an audio file of SpokenDigits says, in
// any container libav reads, or false when fewer than half of its slots
// hold a clear digit tone.
func hearDigits(file []byte) ([]string, bool) {
	pcm, rate, err := audio.DecodeMono(file)
	if err != nil || rate < 8000 {
		return nil, false
	}
	slot := int(media.DigitSlot * float64(rate))
	tone := int(media.DigitToneSeconds * float64(rate))
	var words []string
	clear, slots := 0, 0
	for start := 0; start+tone <= len(pcm); start += slot {
		slots++
		window := pcm[start : start+tone]
		var total float64
		for _, v := range window {
			total += v * v
		}
		if total/float64(len(window)) < 1e-4 {
			continue // silence: a pause
		}
		best, bestPower, sum := 0, 0.0, 0.0
		for d, f := range media.DigitTones {
			p := goertzel(window, f, float64(rate))
			sum += p
			if p > bestPower {
				best, bestPower = d, p
			}
		}
		// A clean tone holds most of the window's energy at its pitch: the
		// power of a windowed sine is about 0.8 × N × Σx²/2; a harmonic of
		// some other sound, or noise, holds far less.
		if bestPower < 0.8*sum || bestPower < 0.5*float64(len(window))*total/2 {
			continue
		}
		clear++
		words = append(words, digitWords[best])
	}
	return words, slots > 0 && clear*2 >= slots
}

// goertzel is the power of one frequency in a window.
func goertzel(x []float64, f, rate float64) float64 {
	k := 2 * math.Cos(2*math.Pi*f/rate)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = v+k*s1-s2, s1
	}
	return s1*s1 + s2*s2 - k*s1*s2
}

// transcribe is an honest speech model's transcript: the digits it hears
// as words, one chunk per two seconds, or seeded words for other audio.
func transcribe(job jobRequest) (string, []textChunk) {
	words, ok := hearDigits(job.Audio)
	if !ok {
		return transcript(job.AudioSeconds, seededRand(contentSeed(job.Model, digest(job.Audio))))
	}
	slot := float64(media.DigitSlot)
	perChunk := max(int(2/slot), 1)
	var chunks []textChunk
	for i := 0; i < len(words); i += perChunk {
		part := strings.Join(words[i:min(i+perChunk, len(words))], " ")
		start := float64(i) * media.DigitSlot
		end := math.Min(float64(min(i+perChunk, len(words)))*media.DigitSlot, job.AudioSeconds)
		chunks = append(chunks, textChunk{Text: " " + part, Timestamp: [2]float64{start, end}})
	}
	return " " + strings.Join(words, " "), chunks
}
