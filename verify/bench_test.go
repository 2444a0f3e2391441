package verify

import (
	"bytes"
	"fmt"
	"image/png"
	"testing"
)

// The cost of checking one answer: Look is every image check's
// measurement (grayscale, statistics, hash, thumbnail); the decode of the
// PNG is shown beside it because the tester pays it once for the size
// check already.
func BenchmarkLook(b *testing.B) {
	for _, side := range []int{512, 1024} {
		img := scene(1, side, side)
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			b.Fatal(err)
		}
		decoded, err := png.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("look/%d", side), func(b *testing.B) {
			for b.Loop() {
				Look(decoded)
			}
		})
		b.Run(fmt.Sprintf("decode_png/%d", side), func(b *testing.B) {
			for b.Loop() {
				if _, err := png.Decode(bytes.NewReader(buf.Bytes())); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRepeat(b *testing.B) {
	history := make([]Seen, 500)
	for i := range history {
		history[i] = Seen{InputKey: fmt.Sprint(i), Hash: Hash{uint64(i) * 0x9e3779b97f4a7c15, uint64(i), ^uint64(i), uint64(i) << 7}}
	}
	h := Look(scene(1, 64, 64)).Hash
	for b.Loop() {
		Repeat(h, "new", history)
	}
}

func BenchmarkConsensus(b *testing.B) {
	answers := make([]Answer, 30)
	for i := range answers {
		answers[i] = answerOf(scene(uint64(i%3), 256, 256))
	}
	for b.Loop() {
		Consensus(answers)
	}
}

func BenchmarkSound(b *testing.B) {
	s := voice(5, 44100, 1) // a five-second answer at 44.1 kHz
	for b.Loop() {
		Sound(s, 44100)
	}
}

func BenchmarkTranscribed(b *testing.B) {
	for b.Loop() {
		Transcribed("three one four one five nine two six five three five", " three one four one five nine two six five three five.")
	}
}

func BenchmarkTextHash(b *testing.B) {
	for b.Loop() {
		TextHash("a photo of a lighthouse at dawn with red discs over blue stripes")
	}
}

func BenchmarkAnswered(b *testing.B) {
	q := Question{Text: "What is 7 times 6?", Expect: []string{"42", "forty-two"}, Wrong: []string{"41", "43"}}
	for b.Loop() {
		Answered(q, "Seven times six is 42, the answer to everything.")
	}
}
