package verify

import (
	"fmt"
	"strings"
	"time"
)

// The band of speaking rates text-to-speech may take, in words per second,
// and the silence allowed around the speech. People speak 2 to 3.5 words a
// second; a slow, deliberate voice 1.5. The band is wider than speech on
// both sides so that no voice description makes an honest model fail.
const (
	MinWordsPerSecond = 1.0
	MaxWordsPerSecond = 5.0
	SpeechSlack       = 1500 * time.Millisecond
)

// SpeechDuration flags audio whose length does not fit its text: too
// short to say the words at MaxWordsPerSecond, or longer than saying them
// at MinWordsPerSecond plus SpeechSlack. Canned audio of one length fails
// as soon as the texts vary in length.
func SpeechDuration(text string, d time.Duration) *Flag {
	words := float64(len(strings.Fields(text)))
	if words == 0 {
		return nil
	}
	lo := time.Duration(words / MaxWordsPerSecond * float64(time.Second))
	hi := time.Duration(words/MinWordsPerSecond*float64(time.Second)) + SpeechSlack
	if d < lo || d > hi {
		return &Flag{Kind: KindDuration, Detail: fmt.Sprintf("%.1f s of audio for %d words (%.1f to %.1f s fits)", d.Seconds(), int(words), lo.Seconds(), hi.Seconds())}
	}
	return nil
}
