package jobs

import (
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"jobtester/livepeer"
	"jobtester/media"
	"jobtester/media/audio"
	"jobtester/verify"
)

// Inputs nobody can predict. A node that knows what the tester sends can
// serve the tester well and everyone else badly, or keep answers ready. So
// every test request draws its prompt, seed, size and input file from
// distributions like real users' (prompts from templates over a broad
// vocabulary, the sizes people ask for, a fresh picture), and nothing in it
// is fixed or says "test". docs/tester.md describes the draws.

// Request is one drawn test request: what is sent, how it is recorded with
// the result, and what a correct answer must be.
type Request struct {
	Job livepeer.Job
	// Input describes the request for the stored result: its parameters,
	// its files by size and SHA-256 (never their bytes), and "expect".
	Input map[string]any
	// Expect is what the tester knows in advance of a correct answer.
	Expect Expect
	// Err says the input could not be made: a tester error, and nothing is
	// sent.
	Err error
}

// Expect is what a correct answer to a drawn request holds, as far as it
// can be known in advance. It is recorded in the result's input under
// "expect".
type Expect struct {
	// Width and Height are the size of the image or video answer.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Family is the kind of LLM question (QuestionFamilies), Answer its
	// one correct answer, Wrong an answer the reply must not also name,
	// and MatchCase whether letter case counts (verify.Answered compares).
	Family    string   `json:"family,omitempty"`
	Answer    string   `json:"answer,omitempty"`
	Wrong     []string `json:"wrong,omitempty"`
	MatchCase bool     `json:"match_case,omitempty"`
	// Transcript is what audio-to-text must hear: the digits the audio
	// says, as words (media.SpokenDigits).
	Transcript string `json:"transcript,omitempty"`
}

// question is the checkable question asked as text, or false when the
// request asked none.
func (e Expect) question(text string) (verify.Question, bool) {
	if e.Answer == "" {
		return verify.Question{}, false
	}
	return verify.Question{Text: text, Expect: []string{e.Answer}, Wrong: e.Wrong, MatchCase: e.MatchCase}, true
}

// InputRand returns the generator a test's inputs are drawn from. A
// non-zero seed gives the same inputs every time (tests that must send one
// request to many orchestrators, and the tests of this package); zero
// draws a seed from the operating system, so that nobody can predict it.
func InputRand(seed uint64) *rand.Rand {
	if seed == 0 {
		var b [16]byte
		_, _ = crand.Read(b[:]) // never fails (crypto/rand)
		return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])))
	}
	return rand.New(rand.NewPCG(seed, 0x6a6f627465737472))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Vocabulary of drawn prompts: what people ask image models for.
var (
	subjects = []string{"a lighthouse", "an old fisherman", "a red fox", "a cyberpunk street market", "a mountain cabin",
		"a bowl of ramen", "a vintage sports car", "a girl with an umbrella", "a medieval castle", "a koi pond",
		"an astronaut", "a sleeping cat", "a steam locomotive", "a sunflower field", "a glass greenhouse",
		"a samurai", "a coral reef", "a desert caravan", "a jazz trio", "a treehouse", "a snowy owl", "a bakery window"}
	settings = []string{"at dawn", "at golden hour", "in the rain", "under the northern lights", "on a foggy morning",
		"at night", "in a snowstorm", "in spring", "by the sea", "in a busy city", "in a quiet forest", "on Mars"}
	styles = []string{"oil painting", "watercolour", "photorealistic, 35mm", "studio ghibli style", "digital art",
		"pencil sketch", "cinematic lighting, 8k", "isometric illustration", "ukiyo-e woodblock print",
		"low poly 3d render", "analog film photo", "concept art, highly detailed"}
	edits = []string{"make it look like winter", "turn it into a watercolour", "add a rainbow in the sky",
		"make it night time", "in the style of van gogh", "make it look like a pencil drawing",
		"turn the colours to autumn", "make it cyberpunk", "add fog", "make it a sunny day"}
	captionLeads = []string{"", "a photo of", "an image of", "this picture shows"}
	sentences    = []string{"Welcome back to the show, today we are talking about %s.", "Please remember to bring %s tomorrow morning.",
		"The train to the coast leaves at %d past the hour.", "I think %s is the best thing about this city.",
		"Thank you for calling, your order of %s is on its way.", "Turn left after the bridge and walk %d metres."}
	things = []string{"fresh bread", "the blue notebook", "two umbrellas", "the concert tickets", "a map of the old town", "spicy noodles"}
	voices = []string{"A calm female voice, close to the microphone.", "A cheerful male speaker with a slight echo.",
		"A slow, deep voice in a quiet room.", "A fast-talking narrator with clear diction."}
	fileNames  = []string{"image.png", "photo.png", "upload.png", "input.png", "picture.png"}
	audioNames = []string{"audio.flac", "recording.flac", "speech.flac", "clip.flac"}
)

// Sizes people ask for, multiples of 64, square ones most often.
var (
	imageSizes = [][2]int{{512, 512}, {512, 512}, {512, 512}, {768, 768}, {768, 768}, {1024, 1024}, {1024, 1024},
		{640, 640}, {896, 896}, {768, 512}, {512, 768}, {1024, 768}, {768, 1024}, {1024, 576}, {576, 1024}}
	videoSizes   = [][2]int{{1024, 576}, {1024, 576}, {1024, 576}, {576, 1024}, {768, 768}, {512, 512}}
	upscaleSides = []int{256, 320, 384, 448, 512}
)

func drawPrompt(r *rand.Rand) string {
	return pick(r, subjects) + " " + pick(r, settings) + ", " + pick(r, styles)
}

func drawSeed(r *rand.Rand) int64 { return r.Int64N(1 << 31) }

// drawImage makes a fresh input picture of w×h and its description.
func drawImage(r *rand.Rand, w, h int) (livepeer.File, string) {
	data := media.SceneImage(r.Uint64(), w, h)
	return livepeer.File{Name: pick(r, fileNames), ContentType: "image/png", Data: data},
		fmt.Sprintf("<png %dx%d, %d bytes, sha256 %s>", w, h, len(data), shortHash(data))
}

func shortHash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// drawDigits is the audio-to-text input: 8 to 16 spoken digits, as FLAC.
// Not WAV: go-livepeer's gateway measures the upload with an FFmpeg built
// with few decoders, PCM not among them, and refuses every WAV
// (docs/simnet.md, "Why the WAV is refused"); FLAC is lossless, so the
// tones reach the model as they were drawn.
func drawDigits(r *rand.Rand) (flac []byte, digits, transcript string, err error) {
	var d, words []string
	for range 8 + r.IntN(9) {
		n := r.IntN(10)
		d = append(d, strconv.Itoa(n))
		words = append(words, digitWords[n])
	}
	digits = strings.Join(d, "")
	flac, err = audio.Encode(media.SpokenDigitSamples(digits, audioSampleRate), audioSampleRate, "flac")
	if err != nil {
		err = fmt.Errorf("make the audio-to-text input: %w", err)
	}
	return flac, digits, strings.Join(words, " "), err
}

var digitWords = [10]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

func drawSpeechText(r *rand.Rand) string {
	var parts []string
	for range 1 + r.IntN(3) {
		s := pick(r, sentences)
		if strings.Contains(s, "%d") {
			s = fmt.Sprintf(s, 2+r.IntN(58))
		} else {
			s = fmt.Sprintf(s, pick(r, things))
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}
