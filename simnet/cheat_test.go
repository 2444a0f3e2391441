package simnet

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"jobtester/media"
)

// testOrch builds an orchestrator of the given models without listening:
// enough to ask what it makes of a job.
func testOrch(t *testing.T, name string, models ...ModelSpec) *orchestrator {
	t.Helper()
	sc := Scenario{Orchestrators: []OrchestratorSpec{{Name: name, Models: models}}}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	sc = sc.withDefaults()
	return newOrchestrator(sc.Orchestrators[0], newRand(1, 1), &requestLog{}, discardLogger(), 1, newMediaCache(64<<20))
}

// makeOut runs the orchestrator's model for job with output draw out.
func makeOut(t *testing.T, o *orchestrator, job jobRequest, out uint64) (jobResult, Request) {
	t.Helper()
	st := o.models[modelKey(job.Pipeline, job.Model)]
	if st == nil {
		t.Fatalf("%s does not run %s %s", o.spec.Name, job.Pipeline, job.Model)
	}
	var rec Request
	res, _, _, err := o.make(job, st, false, draws{output: out}, &rec)
	if err != nil {
		t.Fatalf("make: %v", err)
	}
	return res, rec
}

func seedp(v int64) *int64 { return &v }

func t2i(model, prompt string, seed int64) jobRequest {
	return jobRequest{Pipeline: "text-to-image", Model: model, Prompt: prompt, Seed: seedp(seed), Width: 96, Height: 64, Count: 1}
}

func decodePNG(t *testing.T, data []byte) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return toRGBA(img)
}

// meanDiff is the mean absolute difference of two same-size images, in
// 8-bit levels per channel.
func meanDiff(t *testing.T, a, b []byte) float64 {
	t.Helper()
	ia, ib := decodePNG(t, a), decodePNG(t, b)
	if ia.Rect != ib.Rect {
		t.Fatalf("sizes differ: %v %v", ia.Rect, ib.Rect)
	}
	var sum float64
	for i := range ia.Pix {
		if i%4 != 3 {
			sum += math.Abs(float64(ia.Pix[i]) - float64(ib.Pix[i]))
		}
	}
	return sum / float64(len(ia.Pix)/4*3)
}

func TestHonestImagesFollowModelPromptSeed(t *testing.T) {
	t.Parallel()
	const m = "m/sdxl"
	a := testOrch(t, "a", quick("text-to-image", m), quick("text-to-image", "m/other"))
	b := testOrch(t, "b", quick("text-to-image", m))
	img := func(o *orchestrator, job jobRequest) []byte {
		res, rec := makeOut(t, o, job, 9)
		if rec.Cheat != "" {
			t.Fatalf("honest model logged cheat %q", rec.Cheat)
		}
		return res.Media[0].Data
	}
	base := img(a, t2i(m, "a red fox at dawn", 1))
	if again := img(a, t2i(m, "a red fox at dawn", 1)); !bytes.Equal(base, again) {
		t.Error("the same request to the same orchestrator gave other bytes")
	}
	if d := meanDiff(t, base, img(b, t2i(m, "a red fox at dawn", 1))); d == 0 || d > jitterAmplitude {
		t.Errorf("another orchestrator's answer differs by %.2f levels, want faint noise (0, %d]", d, jitterAmplitude)
	}
	for name, job := range map[string]jobRequest{
		"prompt": t2i(m, "a koi pond at night", 1),
		"seed":   t2i(m, "a red fox at dawn", 2),
		"model":  t2i("m/other", "a red fox at dawn", 1),
	} {
		if d := meanDiff(t, base, img(a, job)); d < 15 {
			t.Errorf("another %s changed the picture by only %.1f levels", name, d)
		}
	}
}

func TestHonestImageToImageFollowsItsInput(t *testing.T) {
	t.Parallel()
	o := testOrch(t, "a", quick("image-to-image", "m"), quick("upscale", "up"))
	job := jobRequest{Pipeline: "image-to-image", Model: "m", Prompt: "winter", Seed: seedp(3), Width: 64, Height: 64, Count: 1}
	job.Image = media.SceneImage(1, 64, 64)
	r1, _ := makeOut(t, o, job, 1)
	job.Image = media.SceneImage(2, 64, 64)
	r2, _ := makeOut(t, o, job, 1)
	if d := meanDiff(t, r1.Media[0].Data, r2.Media[0].Data); d < 8 {
		t.Errorf("another input image changed the answer by only %.1f levels", d)
	}
	up := jobRequest{Pipeline: "upscale", Model: "up", Prompt: "sharp", Seed: seedp(3), Width: 128, Height: 96, Count: 1, Image: media.SceneImage(5, 32, 24)}
	res, _ := makeOut(t, o, up, 1)
	if got := decodePNG(t, res.Media[0].Data).Rect; got.Dx() != 128 || got.Dy() != 96 {
		t.Errorf("upscale answered %v", got)
	}
}

func TestCannedAnswersEveryPromptAlike(t *testing.T) {
	t.Parallel()
	m := quick("text-to-image", "m")
	m.Cheat = &CheatSpec{Kind: CheatCanned}
	o := testOrch(t, "c", m)
	r1, rec := makeOut(t, o, t2i("m", "a red fox", 1), 1)
	r2, _ := makeOut(t, o, t2i("m", "a koi pond", 99), 2)
	if !bytes.Equal(r1.Media[0].Data, r2.Media[0].Data) || rec.Cheat != CheatCanned {
		t.Fatalf("canned gave different bytes for two prompts (cheat %q)", rec.Cheat)
	}
}

func TestReplayAnswersASeenInputWithItsEarlierOutput(t *testing.T) {
	t.Parallel()
	m := quick("text-to-image", "m")
	m.Cheat = &CheatSpec{Kind: CheatReplay}
	o := testOrch(t, "r", m)
	first, rec1 := makeOut(t, o, t2i("m", "a red fox", 1), 1)
	other, rec2 := makeOut(t, o, t2i("m", "a red fox", 2), 2)
	again, rec3 := makeOut(t, o, t2i("m", "a red fox", 1), 3)
	if rec1.Cheat != "" || rec2.Cheat != "" || rec3.Cheat != CheatReplay {
		t.Fatalf("cheats logged %q %q %q, want only the repeat replayed", rec1.Cheat, rec2.Cheat, rec3.Cheat)
	}
	if !bytes.Equal(first.Media[0].Data, again.Media[0].Data) || bytes.Equal(first.Media[0].Data, other.Media[0].Data) {
		t.Fatal("the repeat is not the earlier output, or a new input got it")
	}
	m.Cheat = &CheatSpec{Kind: CheatReplay, Key: ReplayKeySize}
	bySize := testOrch(t, "s", m)
	a, _ := makeOut(t, bySize, t2i("m", "a red fox", 1), 1)
	b, rec := makeOut(t, bySize, t2i("m", "a koi pond", 7), 2)
	if !bytes.Equal(a.Media[0].Data, b.Media[0].Data) || rec.Cheat != CheatReplay {
		t.Fatal("replay by size did not replay for a new prompt of the same size")
	}
}

func TestNoiseAndFlatHaveTheSizeButNoContent(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{CheatNoise, CheatFlat} {
		m := quick("text-to-image", "m")
		m.Cheat = &CheatSpec{Kind: kind}
		tts := quick("text-to-speech", "tts")
		tts.Cheat = &CheatSpec{Kind: kind}
		o := testOrch(t, kind, m, tts)
		res, rec := makeOut(t, o, t2i("m", "a red fox", 1), 1)
		img := decodePNG(t, res.Media[0].Data)
		if img.Rect.Dx() != 96 || img.Rect.Dy() != 64 || rec.Cheat != kind {
			t.Fatalf("%s: %v, cheat %q", kind, img.Rect, rec.Cheat)
		}
		// Neighbouring pixels: noise differs everywhere, flat nowhere.
		var jumps float64
		for i := 4; i < len(img.Pix); i += 4 {
			jumps += math.Abs(float64(img.Pix[i]) - float64(img.Pix[i-4]))
		}
		jumps /= float64(len(img.Pix) / 4)
		if (kind == CheatNoise) != (jumps > 40) || (kind == CheatFlat) != (jumps == 0) {
			t.Errorf("%s: mean jump between neighbours %.1f", kind, jumps)
		}
		audio, _ := makeOut(t, o, jobRequest{Pipeline: "text-to-speech", Model: "tts", Text: "one two three four five six"}, 1)
		info, err := media.AudioInfo(audio.Media[0].Data)
		if err != nil || math.Abs(info.Duration.Seconds()-speechSeconds("one two three four five six")) > 0.01 {
			t.Errorf("%s audio: %+v %v", kind, info, err)
		}
	}
}

func TestCheapModelDiffersFromTheAdvertisedOne(t *testing.T) {
	t.Parallel()
	m := quick("text-to-image", "m")
	honest := testOrch(t, "h", m)
	m.Cheat = &CheatSpec{Kind: CheatCheapModel}
	cheap := testOrch(t, "c", m)
	h, _ := makeOut(t, honest, t2i("m", "a red fox", 1), 1)
	c, rec := makeOut(t, cheap, t2i("m", "a red fox", 1), 1)
	if d := meanDiff(t, h.Media[0].Data, c.Media[0].Data); d < 15 || rec.Cheat != CheatCheapModel {
		t.Fatalf("cheap model differs by %.1f levels (cheat %q)", d, rec.Cheat)
	}
}

func TestCannedTextIgnoresTheQuestion(t *testing.T) {
	t.Parallel()
	m := quick("llm", "l")
	m.Cheat = &CheatSpec{Kind: CheatCannedText}
	o := testOrch(t, "t", m)
	ask := func(q string) string {
		res, _ := makeOut(t, o, jobRequest{Pipeline: "llm", Model: "l", MaxTokens: 32, Messages: []llmMessage{{Role: "user", Content: q}}}, 1)
		return res.Completion
	}
	a, b := ask("What is 2 + 2? Answer with the number only."), ask("Reverse the word 'lantern'.")
	if a != b || strings.Contains(a, "4") {
		t.Fatalf("canned text answered %q and %q", a, b)
	}
}

func TestHonestLLMAnswersEachFamily(t *testing.T) {
	t.Parallel()
	o := testOrch(t, "l", quick("llm", "l"))
	for q, want := range map[string]string{
		"What is 17 + 25? Answer with the number only.":                                      "42",
		"What is 9 - 30? Answer with the number only.":                                       "-21",
		"What is 12 × 11? Answer with the number only.":                                      "132",
		"Reverse the word 'lantern'. Answer with the reversed word only.":                    "nretnal",
		"How many times does the letter 'r' appear in 'strawberry'? Answer with the number.": "3",
		"Which comes first in alphabetical order: 'pear' or 'apple'? Answer with the word.":  "apple",
		"Write the word 'harbor' in capital letters. Answer with the word only.":             "HARBOR",
	} {
		res, _ := makeOut(t, o, jobRequest{Pipeline: "llm", Model: "l", MaxTokens: 32, Messages: []llmMessage{{Role: "user", Content: q}}}, 1)
		if strings.TrimSuffix(res.Completion, ".") != want {
			t.Errorf("%q → %q, want %q", q, res.Completion, want)
		}
	}
	res, _ := makeOut(t, o, jobRequest{Pipeline: "llm", Model: "l", MaxTokens: 5, Messages: []llmMessage{{Role: "user", Content: "Tell me a story."}}}, 1)
	if res.CompletionTokens != 5 || len(strings.Fields(res.Completion)) != 5 {
		t.Errorf("max_tokens 5 gave %d tokens: %q", res.CompletionTokens, res.Completion)
	}
}

func TestSpeechModelHearsTheDigits(t *testing.T) {
	t.Parallel()
	wav := media.SpokenDigits("31415926", 16000)
	info, _ := media.AudioInfo(wav)
	text, chunks := transcribe(jobRequest{Model: "w", Audio: wav, AudioSeconds: info.Duration.Seconds()})
	if strings.TrimSpace(text) != "three one four one five nine two six" || len(chunks) != 2 {
		t.Fatalf("heard %q in %d chunks", text, len(chunks))
	}
	if _, ok := hearDigits(media.TestAudio(3, 16000)); ok {
		t.Error("speech-like tones heard as digits")
	}
	if _, ok := hearDigits([]byte("RIFF short")); ok {
		t.Error("broken audio heard as digits")
	}
}

func TestSpeechLastsWithTheText(t *testing.T) {
	t.Parallel()
	short, long := speech("m", "hello there friend"), speech("m", strings.Repeat("word ", 30))
	a, _ := media.AudioInfo(short)
	b, _ := media.AudioInfo(long)
	if !(b.Duration > 5*a.Duration) {
		t.Fatalf("3 words last %v, 30 words %v", a.Duration, b.Duration)
	}
	if bytes.Equal(speech("m", "one two three"), speech("m", "four five six")) {
		t.Error("two texts of the same length sound the same")
	}
}

func TestTesterAwareServesRealTrafficWorse(t *testing.T) {
	t.Parallel()
	m := quick("text-to-image", "m")
	m.Latency.Median = Duration(100 * time.Millisecond)
	m.Cheat = &CheatSpec{Kind: CheatTesterAware, RealLatencyFactor: 5, RealFailureRate: 1}
	n := startNet(t, Scenario{Orchestrators: []OrchestratorSpec{{Name: "aware", Models: []ModelSpec{m}}}})
	url := n.Gateways()[0].HTTPURL + "/text-to-image"
	send := func(body map[string]any, ua string) int {
		req := newRequest(t, url, "application/json", mustJSON(t, body))
		req.Header.Set("User-Agent", ua)
		return do(t, req).status
	}
	fixed := map[string]any{"prompt": "a lighthouse on a cliff at dawn, oil painting", "model_id": "m", "seed": 42}
	fresh := map[string]any{"prompt": "a koi pond at night, watercolour", "model_id": "m", "seed": 1234}
	if s := send(fixed, "Go-http-client/1.1"); s != 200 {
		t.Errorf("the old fixed test request got %d", s)
	}
	if s := send(fresh, "jobtester/1.0"); s != 200 {
		t.Errorf("a request with a jobtester User-Agent got %d", s)
	}
	if s := send(fresh, "Mozilla/5.0"); s == 200 {
		t.Error("real traffic was served though its failure rate is 1")
	}
	// The real traffic's failed tries are retried (as go-livepeer does):
	// every entry after the tester's two is that request's, and failed.
	reqs := n.Requests()
	if len(reqs) < 3 || !reqs[0].LooksLikeTester || !reqs[1].LooksLikeTester {
		t.Fatalf("log %+v", reqs)
	}
	for _, q := range reqs[2:] {
		if q.LooksLikeTester || q.Cheat != CheatTesterAware || q.Outcome != OutcomeError || q.RequestID != reqs[2].RequestID {
			t.Fatalf("real traffic's entry %+v", q)
		}
	}
	ct := orchByName(t, n, "aware").Models[0].Cheat
	if ct == nil || ct.Kind != CheatTesterAware || ct.RealFailureRate != 1 || ct.RealLatencyMedianMS != 5*100*testScale {
		t.Fatalf("truth %+v", ct)
	}
}

func TestCheatsAreValidated(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]ModelSpec{
		"unknown kind":    quick("text-to-image", "m").with(func(m *ModelSpec) { m.Cheat = &CheatSpec{Kind: "lazy"} }),
		"noise on llm":    quick("llm", "m").with(func(m *ModelSpec) { m.Cheat = &CheatSpec{Kind: CheatNoise} }),
		"text on images":  quick("text-to-image", "m").with(func(m *ModelSpec) { m.Cheat = &CheatSpec{Kind: CheatCannedText} }),
		"bad replay key":  quick("text-to-image", "m").with(func(m *ModelSpec) { m.Cheat = &CheatSpec{Kind: CheatReplay, Key: "colour"} }),
		"rate above one":  quick("text-to-image", "m").with(func(m *ModelSpec) { m.Cheat = &CheatSpec{Kind: CheatCanned, Rate: 2} }),
		"live cheat":      liveModel("streamdiffusion", LiveProfile{}).with(func(m *ModelSpec) { m.Cheat = &CheatSpec{Kind: CheatCanned} }),
		"negative factor": quick("llm", "m").with(func(m *ModelSpec) { m.Cheat = &CheatSpec{Kind: CheatTesterAware, RealLatencyFactor: -1} }),
	} {
		sc := Scenario{Orchestrators: []OrchestratorSpec{{Name: "o", Models: []ModelSpec{c}}}}
		if err := sc.Validate(); err == nil || !strings.Contains(err.Error(), "cheat") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := CheatersScenario().Validate(); err != nil {
		t.Fatal(err)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzHearDigits: any bytes as audio never panic the speech model, and
// what it hears is digit words only.
func FuzzHearDigits(f *testing.F) {
	f.Add(media.SpokenDigits("2718", 16000))
	f.Add(media.TestAudio(0.5, 8000))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt "))
	f.Fuzz(func(t *testing.T, data []byte) {
		words, _ := hearDigits(data)
		for _, w := range words {
			if !strings.Contains(strings.Join(digitWords[:], " "), w) {
				t.Fatalf("heard %q", w)
			}
		}
	})
}

func TestNotAQuestionGetsNoAnswer(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"", "What is love?", "What is 99999999999 + 1?", "Reverse the word ''.", "How many times does the letter 'ab' appear in 'x'?"} {
		if a, ok := answerQuestion(q); ok {
			t.Errorf("%q answered %q", q, a)
		}
	}
}
