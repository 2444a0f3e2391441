package simnet

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"

	"jobtester/media"
)

// Cheat kinds: ways an orchestrator can answer without running the model
// it advertises, or run it only for the tester.
const (
	CheatCanned      = "canned"       // one output for every request of a model (per output size)
	CheatReplay      = "replay"       // an earlier output for an input it has seen (by Key)
	CheatNoise       = "noise"        // right size and format, random samples
	CheatFlat        = "flat"         // right size and format, one colour or silence
	CheatCheapModel  = "cheap_model"  // another model's output for the same request
	CheatCannedText  = "canned_text"  // a fixed text whatever the question
	CheatTesterAware = "tester_aware" // honest and fast only for traffic that looks like the tester's
)

// Replay keys: what a replaying cheat takes for "the same input".
const (
	ReplayKeyInput  = "input"  // everything the output depends on (a result cache)
	ReplayKeyPrompt = "prompt" // the input but the seed
	ReplayKeySize   = "size"   // only the route, model and output size
)

// CheatSpec makes a model cheat. See docs/simnet.md, "Cheats".
type CheatSpec struct {
	Kind string `yaml:"kind" json:"kind"`
	// Rate is the fraction of jobs cheated (default 1); tester_aware
	// ignores it.
	Rate float64 `yaml:"rate,omitempty" json:"rate,omitempty"`
	// Model is what cheap_model really runs (default "cheap/<model>").
	Model string `yaml:"model,omitempty" json:"model,omitempty"`
	// Key is replay's cache key: input (default), prompt or size.
	Key string `yaml:"key,omitempty" json:"key,omitempty"`
	// RealLatencyFactor and RealFailureRate are what tester_aware gives
	// traffic that does not look like the tester's: its latency times the
	// factor (default 4), and this failure rate (default 0) on top of the
	// model's.
	RealLatencyFactor float64 `yaml:"real_latency_factor,omitempty" json:"real_latency_factor,omitempty"`
	RealFailureRate   float64 `yaml:"real_failure_rate,omitempty" json:"real_failure_rate,omitempty"`
}

// cheatOutputs lists the outputs each kind applies to.
var cheatOutputs = map[string][]outputKind{
	CheatCanned:      {outputImages, outputVideo, outputAudio, outputText, outputMasks, outputLLM},
	CheatReplay:      {outputImages, outputVideo, outputAudio, outputText, outputMasks, outputLLM},
	CheatNoise:       {outputImages, outputVideo, outputAudio},
	CheatFlat:        {outputImages, outputVideo, outputAudio},
	CheatCheapModel:  {outputImages, outputVideo},
	CheatCannedText:  {outputText, outputLLM},
	CheatTesterAware: {outputImages, outputVideo, outputAudio, outputText, outputMasks, outputLLM},
}

func validateCheat(bad func(string, string, ...any), where string, p pipeline, c *CheatSpec) {
	outs, ok := cheatOutputs[c.Kind]
	if !ok {
		bad(where, "cheat.kind %q: want canned, replay, noise, flat, cheap_model, canned_text or tester_aware", c.Kind)
		return
	}
	fits := false
	for _, o := range outs {
		fits = fits || o == p.Output
	}
	if !fits {
		bad(where, "cheat %s does not apply to %s", c.Kind, p.Route)
	}
	checkRate(bad, where, "cheat.rate", c.Rate)
	checkRate(bad, where, "cheat.real_failure_rate", c.RealFailureRate)
	switch c.Key {
	case "", ReplayKeyInput, ReplayKeyPrompt, ReplayKeySize:
	default:
		bad(where, "cheat.key %q: want input, prompt or size", c.Key)
	}
	if c.RealLatencyFactor < 0 || c.RealLatencyFactor > 100 {
		bad(where, "cheat.real_latency_factor %v is not in [0, 100]", c.RealLatencyFactor)
	}
}

// cheatDefaults fills a copy of the cheat's defaults for model.
func cheatDefaults(c *CheatSpec, model string) *CheatSpec {
	if c == nil {
		return nil
	}
	out := *c
	if out.Rate == 0 {
		out.Rate = 1
	}
	if out.Model == "" && out.Kind == CheatCheapModel {
		out.Model = "cheap/" + model
	}
	if out.Key == "" && out.Kind == CheatReplay {
		out.Key = ReplayKeyInput
	}
	if out.RealLatencyFactor == 0 && out.Kind == CheatTesterAware {
		out.RealLatencyFactor = 4
	}
	return &out
}

// cheatChance is the job's uniform draw for "does it cheat this time",
// derived from its output seed so that no draw is added to the stream.
func cheatChance(output uint64) float64 { return seededRand(output ^ 0x5ca1ab1e).Float64() }

// cannedTexts are canned_text's answers, by output.
const (
	cannedReply      = "Sure! Here is a detailed answer to your question."
	cannedTranscript = " Thank you for watching."
	cannedCaption    = "a picture of a person standing in a room"
)

// cheatOutput makes what a cheating model returns for a job it cheats on,
// and false when it has nothing to cheat with (a replay of an input it has
// not seen), in which case it runs the model.
func (o *orchestrator) cheatOutput(job jobRequest, st *modelState, wrongSize bool, rng *rand.Rand) (jobResult, int, int, error, bool) {
	c, p := st.cheat, st.pipeline
	switch c.Kind {
	case CheatCanned:
		res, w, h, err := produce(cannedJob(job), p, wrongSize, rng, o.cache, o.jitterSeed)
		return res, w, h, err, true
	case CheatReplay:
		r, ok := st.replay.get(replayKey(c.Key, job))
		return r.res, r.w, r.h, nil, ok
	case CheatCheapModel:
		job.Model = c.Model
		res, w, h, err := produce(job, p, wrongSize, rng, o.cache, o.jitterSeed)
		return res, w, h, err, true
	case CheatCannedText:
		var res jobResult
		switch {
		case p.Output == outputLLM:
			res.Completion = cannedReply
			res.CompletionTokens = min(len(strings.Fields(cannedReply)), max(job.MaxTokens, 0))
			res.Completion = strings.Join(strings.Fields(cannedReply)[:res.CompletionTokens], " ")
		case p.Route == "audio-to-text":
			res.Text = cannedTranscript
			res.Chunks = []textChunk{{Text: cannedTranscript, Timestamp: [2]float64{0, job.AudioSeconds}}}
		default:
			res.Text = cannedCaption
		}
		return res, 0, 0, nil, true
	case CheatNoise, CheatFlat:
		res, w, h, err := junk(c.Kind, job, p, wrongSize, rng)
		return res, w, h, err, true
	}
	return jobResult{}, 0, 0, nil, false
}

// cannedJob is the one request a canned model really ran: the job's sizes,
// none of its content.
func cannedJob(job jobRequest) jobRequest {
	zero := int64(0)
	job.Prompt, job.Seed, job.Image, job.Audio = "", &zero, nil, nil
	if job.Text != "" {
		job.Text = "Hello."
	}
	job.Messages = []llmMessage{{Role: "user", Content: "Hello."}}
	return job
}

// junk is noise or flat content of the right size and format.
func junk(kind string, job jobRequest, p pipeline, wrongSize bool, rng *rand.Rand) (res jobResult, w, h int, err error) {
	w, h = job.Width, job.Height
	if wrongSize {
		w, h = max(w/2, 1), max(h/2, 1)
	}
	picture := func() *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
		if kind == CheatNoise {
			for i := range img.Pix {
				img.Pix[i] = uint8(rng.Uint32())
			}
		} else {
			c := color.RGBA{uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32()), 255}
			for i := 0; i < len(img.Pix); i += 4 {
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = c.R, c.G, c.B
			}
		}
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 255
		}
		return img
	}
	switch p.Output {
	case outputImages:
		if w < 1 || h < 1 || w > maxOutputSide || h > maxOutputSide {
			return res, 0, 0, fmt.Errorf("output size %d×%d is out of range (1..%d)", w, h, maxOutputSide)
		}
		for i := range max(job.Count, 1) {
			res.Media = append(res.Media, jobMedia{Ext: "png", Data: media.EncodePNG(picture()), Seed: int64(i)})
		}
	case outputVideo:
		frames := make([]image.Image, max(job.Frames, 1))
		for i := range frames {
			frames[i] = picture()
		}
		res.Media = []jobMedia{{Ext: "mp4", Data: media.EncodeVideo(frames, max(job.FPS, 1))}}
	case outputAudio:
		if strings.TrimSpace(job.Text) == "" {
			return res, 0, 0, fmt.Errorf("text is empty")
		}
		wav := media.SpokenDigits("", ttsSampleRate) // an empty WAV: the header
		n := int(speechSeconds(job.Text) * ttsSampleRate)
		wav = append(wav, make([]byte, 2*n)...)
		if kind == CheatNoise {
			for i := 44; i < len(wav); i++ {
				wav[i] = uint8(rng.Uint32())
			}
		}
		setWAVLength(wav, n)
		res.Media, w, h = []jobMedia{{Ext: "wav", Data: wav}}, 0, 0
	}
	return res, w, h, nil
}

// replayKey is what a replaying model takes for "the same input".
func replayKey(key string, job jobRequest) string {
	size := fmt.Sprintf("%s %s %d×%d×%d %d", job.Pipeline, job.Model, job.Width, job.Height, job.Count, job.FPS)
	if key == ReplayKeySize {
		return size
	}
	seed := "none"
	if job.Seed != nil && key == ReplayKeyInput {
		seed = strconv.FormatInt(*job.Seed, 10)
	}
	return strings.Join([]string{size, seed, job.Prompt, job.Text, digest(job.Image), digest(job.Audio),
		conversationKey(job.Messages), strconv.Itoa(job.MaxTokens)}, "\x00")
}

// replayCache keeps a replaying model's recent outputs by key.
type replayCache struct {
	mu    sync.Mutex
	byKey map[string]replayed
	order []string
}

type replayed struct {
	res  jobResult
	w, h int
}

// replayEntries bounds a replaying model's memory.
const replayEntries = 256

func (c *replayCache) get(key string) (replayed, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.byKey[key]
	return r, ok
}

func (c *replayCache) put(key string, r replayed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]replayed{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = r
	c.order = append(c.order, key)
	if len(c.order) > replayEntries {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
}
