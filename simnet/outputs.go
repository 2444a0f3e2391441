package simnet

import (
	"container/list"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"jobtester/media"
)

// Output parameters the gateway leaves to the model (docs/livepeer.md,
// "Batch AI routes and answers" says what it does fix).
const (
	videoFrames     = 14    // stable-video-diffusion img2vid generates 14 frames
	ttsSampleRate   = 44100 // parler-tts
	maxOutputSide   = 8192  // media.MaxImagePixels is 8192×8192
	maxImagesPerJob = 32
)

// produce makes what an honest model returns for a job (content.go says
// what it depends on); orchSeed is the orchestrator's own faint noise.
// wrongSize halves the size of image outputs, and the size a video
// model says it made. The error, if any,
// is the orchestrator refusing the job as invalid (400).
func produce(job jobRequest, p pipeline, wrongSize bool, rng *rand.Rand, cache *mediaCache, orchSeed uint64) (res jobResult, w, h int, err error) {
	w, h = job.Width, job.Height
	if wrongSize {
		w, h = max(w/2, 1), max(h/2, 1)
	}
	seed := rng.Int64N(1 << 31)
	if job.Seed != nil {
		seed = *job.Seed
	}
	// The same request to the same orchestrator gives the same bytes: the
	// cache holds them by everything they depend on.
	key := fmt.Sprintf("%s %s %s %d %d %d %d %s %s %x", p.Route, job.Model, job.Prompt, seed, w, h, job.FPS, digest(job.Image), digest(job.Audio), orchSeed)
	switch p.Output {
	case outputImages:
		if w < 1 || h < 1 || w > maxOutputSide || h > maxOutputSide {
			return res, 0, 0, fmt.Errorf("output size %d×%d is out of range (1..%d)", w, h, maxOutputSide)
		}
		for i := range max(job.Count, 1) {
			s := seed + int64(i)
			img := cache.get(fmt.Sprintf("png %s %d", key, i), func() []byte {
				out := honestImage(job, p.Route, w, h, s)
				jitter(out, orchSeed+uint64(i))
				return media.EncodePNG(out)
			})
			res.Media = append(res.Media, jobMedia{Ext: "png", Data: img, Seed: s})
		}
	case outputVideo:
		// The orchestrator encodes the model's frames at the size the
		// request asked for, so a wrong-size model's video does not show
		// it (seen through go-livepeer; the log keeps the model's size).
		vid := cache.get("mp4 "+key, func() []byte {
			return media.EncodeVideo(honestVideo(job, job.Width, job.Height, seed, orchSeed), max(job.FPS, 1))
		})
		res.Media = []jobMedia{{Ext: "mp4", Data: vid, Seed: seed}}
	case outputAudio:
		if strings.TrimSpace(job.Text) == "" {
			return res, 0, 0, fmt.Errorf("text is empty")
		}
		wav := cache.get("wav "+job.Model+" "+job.Text, func() []byte { return speech(job.Model, job.Text) })
		res.Media = []jobMedia{{Ext: "wav", Data: wav, Seed: seed}}
		w, h = 0, 0
	case outputText:
		w, h = 0, 0
		if p.Route == "audio-to-text" {
			res.Text, res.Chunks = transcribe(job)
		} else {
			res.Text = caption(job)
		}
	case outputMasks:
		w, h = 0, 0
		res.Masks, res.Scores, res.Logits = masks(seededRand(contentSeed(job.Model, digest(job.Image))))
	case outputLLM:
		w, h = 0, 0
		res.Completion, res.CompletionTokens = complete(job.Model, job.Messages, job.MaxTokens)
		for _, m := range job.Messages {
			res.PromptTokens += len(strings.Fields(m.Content)) + 4
		}
	}
	return res, w, h, nil
}

// speechSeconds is how long text-to-speech talks: about 0.35 s a word,
// between 1 and 30 s.
func speechSeconds(text string) float64 {
	n := float64(len(strings.Fields(text)))
	return math.Round(min(max(n*0.35, 1), 30)*10) / 10
}

var vocabulary = strings.Fields(`the a network orchestrator gateway test pattern red disc green
	square gradient light quick brown fox jumps over lazy dog signal frame model tone voice hello
	world blue stripes checkered corner image shows simple bright colours`)

func words(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocabulary[rng.IntN(len(vocabulary))])
	}
	return b.String()
}

// caption is an image-to-text model's description: the prompt it was
// given to continue, then words that follow from the model and the image.
func caption(job jobRequest) string {
	r := seededRand(contentSeed(job.Model, digest(job.Image)))
	lead := strings.TrimSpace(job.Prompt)
	if lead == "" {
		lead = "a picture of"
	}
	return lead + " " + words(r, 4+r.IntN(6))
}

// transcript makes one chunk per two seconds of audio.
func transcript(seconds float64, rng *rand.Rand) (string, []textChunk) {
	var chunks []textChunk
	var all []string
	for start := 0.0; start < seconds; start += 2 {
		t := words(rng, 3+rng.IntN(4))
		chunks = append(chunks, textChunk{Text: " " + t, Timestamp: [2]float64{start, math.Min(start+2, seconds)}})
		all = append(all, t)
	}
	return " " + strings.Join(all, " "), chunks
}

// masks returns the strings the ai-runner's segment-anything-2 returns:
// str() of nested lists of numbers.
func masks(rng *rand.Rand) (string, string, string) {
	var m, l strings.Builder
	m.WriteString("[[")
	l.WriteString("[[")
	for i := range 4 {
		if i > 0 {
			m.WriteString(", ")
			l.WriteString(", ")
		}
		m.WriteString("[")
		l.WriteString("[")
		for j := range 8 {
			if j > 0 {
				m.WriteString(", ")
				l.WriteString(", ")
			}
			v := rng.Float64()
			fmt.Fprintf(&m, "%d", int(v+0.5))
			fmt.Fprintf(&l, "%.3f", (v-0.5)*20)
		}
		m.WriteString("]")
		l.WriteString("]")
	}
	m.WriteString("]]")
	l.WriteString("]]")
	scores := fmt.Sprintf("[%.4f]", 0.5+rng.Float64()/2)
	return m.String(), scores, l.String()
}

// mediaCache keeps recently generated media by their parameters: encoding a
// 1024×576 video or an 8192² PNG takes long enough to matter in a sweep of
// thousands of jobs, and the same sizes are asked for again and again.
type mediaCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	order    *list.List // of *cacheEntry, most recent first
	byKey    map[string]*list.Element
}

type cacheEntry struct {
	key  string
	data []byte
}

func newMediaCache(maxBytes int) *mediaCache {
	return &mediaCache{maxBytes: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the cached bytes for key, making them with mk if absent. The
// bytes are shared: callers must not modify them.
func (c *mediaCache) get(key string, mk func() []byte) []byte {
	c.mu.Lock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*cacheEntry).data
	}
	c.mu.Unlock()
	// Made outside the lock: two jobs may make the same thing at once,
	// which costs less than making every job wait for one encoder.
	data := mk()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; !ok && len(data) <= c.maxBytes {
		c.byKey[key] = c.order.PushFront(&cacheEntry{key, data})
		c.bytes += len(data)
		for c.bytes > c.maxBytes {
			last := c.order.Back()
			e := last.Value.(*cacheEntry)
			c.order.Remove(last)
			delete(c.byKey, e.key)
			c.bytes -= len(e.data)
		}
	}
	return data
}
