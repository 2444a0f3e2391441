package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"log/slog"
	"sort"

	"jobtester/livepeer"
	"jobtester/media"
	"jobtester/models"
	"jobtester/verify"
)

// VerifyStore is what verification needs of the database: the hashes of
// an orchestrator's earlier answers, which make the repeat check work
// across sweeps and tester instances.
type VerifyStore interface {
	AnswerHashes(ctx context.Context, orchestrator, pipeline, model string, limit int) ([]models.AnswerHash, error)
	SaveAnswerHash(ctx context.Context, h models.AnswerHash) error
}

var _ VerifyStore = (*models.Store)(nil)

// Verifier checks batch answers beyond their format, with verify's pure
// checks: pictures have content and are not repeats of answers to other
// inputs, LLM questions are answered, speech fits its text. A flagged test
// fails with "suspected_<kind>" and keeps its Evidence. The consensus
// among orchestrators is judged per sweep by the Tester (consensus.go).
type Verifier struct {
	Store VerifyStore
	Log   *slog.Logger
}

// Evidence is what verification measured of one answer.
type Evidence struct {
	Flag     *verify.Flag
	InputKey string // digest of what should determine the answer
	Hash     *verify.Hash
	Stats    *verify.Stats
	Sound    *verify.SoundStats // text-to-speech
	// Text is a text answer (an LLM's reply, a transcript, a caption),
	// kept as evidence beside the known answer or the consensus.
	Text  string
	Thumb []byte
	// Distance decided the flag: bits to the closest earlier answer to a
	// different input (repeat) or to the consensus answer (outlier); -1
	// when no distance was measured.
	Distance int
	// Consensus is the consensus answer this one was compared with, set
	// for probes once their group was judged; Correlation is a picture's
	// correlation with it (0 when not compared).
	Consensus   *ConsensusAnswer
	Correlation float64
	// gray is a picture's small grayscale, which the consensus compares;
	// it lives only until the probe group is judged.
	gray *verify.Gray
}

// ConsensusAnswer is the medoid of a probe group, shown beside a flagged
// answer.
type ConsensusAnswer struct {
	Orchestrator string
	Hash         verify.Hash
	Thumb        []byte
	Text         string // a caption's consensus: the medoid's words
	Answers      int    // how many answers the consensus was drawn from
}

// imagePipelines answer with pictures the image checks read.
var imagePipelines = map[string]bool{"Text to image": true, "Image to image": true, "Upscale": true}

// Check verifies an answer to req that passed its definition's format
// check. Media is fetched again from the gateway (which keeps the last few
// files, docs/livepeer.md): the definitions' checks keep no bytes. An
// answer that cannot be fetched or decoded again is not judged (nil): its
// format was already found good, and the tester's own trouble must not
// fail a node.
func (v *Verifier) Check(ctx context.Context, c *livepeer.GatewayClient, t Target, req Request, jr livepeer.JobResult) *Evidence {
	switch p := t.Capability.Pipeline; {
	case imagePipelines[p]:
		return v.checkImage(ctx, c, t, req.Job, jr)
	case p == "Llm":
		q, ok := req.Expect.question(lastUserMessage(req.Job))
		reply, err := livepeer.ParseLLM(jr.Body)
		if !ok || err != nil {
			return nil
		}
		return &Evidence{Flag: verify.Answered(q, reply), Text: reply, Distance: -1}
	case p == "Audio to text":
		text, err := livepeer.ParseText(jr.Body)
		if req.Expect.Transcript == "" || err != nil {
			return nil
		}
		return &Evidence{Flag: verify.Transcribed(req.Expect.Transcript, text), Text: text, Distance: -1}
	case p == "Image to text":
		// A caption is judged by the consensus of the model's
		// orchestrators only: captions of different pictures may honestly
		// read alike, so there is no repeat check.
		text, err := livepeer.ParseText(jr.Body)
		if err != nil {
			return nil
		}
		h := verify.TextHash(text)
		return &Evidence{Hash: &h, Text: text, InputKey: inputKey(req.Job), Distance: -1}
	case p == "Text to speech":
		return v.checkSpeech(ctx, c, req.Job, jr)
	case p == "Image to video":
		return v.checkVideo(ctx, c, t, jr)
	}
	return nil
}

// checkVideo looks at a video's first frame for content (not flat, not
// noise). Only frames media can decode without a codec (JPEG) are read;
// an H.264 answer is left to its format check.
func (v *Verifier) checkVideo(ctx context.Context, c *livepeer.GatewayClient, t Target, jr livepeer.JobResult) *Evidence {
	vids, err := livepeer.ParseImages(jr.Body)
	if err != nil {
		return nil
	}
	data, _, err := c.FetchMedia(ctx, vids[0].URL)
	if err != nil {
		v.logf("answer not fetched again for verification", t, err)
		return nil
	}
	frame, _, err := media.VideoFirstFrame(data)
	if err != nil {
		return nil
	}
	pic := verify.Look(frame)
	return &Evidence{Flag: pic.Flag, Hash: &pic.Hash, Stats: &pic.Stats, Thumb: pic.Thumb, Distance: -1}
}

func (v *Verifier) checkImage(ctx context.Context, c *livepeer.GatewayClient, t Target, job livepeer.Job, jr livepeer.JobResult) *Evidence {
	imgs, err := livepeer.ParseImages(jr.Body)
	if err != nil {
		return nil
	}
	data, _, err := c.FetchMedia(ctx, imgs[0].URL)
	if err != nil {
		v.logf("answer not fetched again for verification", t, err)
		return nil
	}
	img, err := decodeImage(data)
	if err != nil {
		v.logf("answer not decoded for verification", t, err)
		return nil
	}
	pic := verify.Look(img)
	ev := &Evidence{Flag: pic.Flag, InputKey: inputKey(job), Hash: &pic.Hash, Stats: &pic.Stats, Thumb: pic.Thumb, Distance: -1, gray: &pic.Gray}
	if ev.Flag != nil {
		return ev // no content: not worth remembering as an answer
	}
	orch, model := t.Orchestrator, t.Capability.Model
	past, err := v.Store.AnswerHashes(ctx, orch, t.Capability.Pipeline, model, 0)
	if err != nil {
		v.logf("answer history not read; repeat check skipped", t, err)
	} else {
		seen := make([]verify.Seen, 0, len(past))
		for _, h := range past {
			if hh, err := verify.ParseHash(h.Hash); err == nil {
				seen = append(seen, verify.Seen{InputKey: h.InputKey, Hash: hh})
			}
		}
		_, ev.Distance, ev.Flag = verify.Repeat(pic.Hash, ev.InputKey, seen)
	}
	err = v.Store.SaveAnswerHash(context.WithoutCancel(ctx), models.AnswerHash{Orchestrator: orch, Pipeline: t.Capability.Pipeline,
		Model: model, InputKey: ev.InputKey, Hash: pic.Hash.String()})
	if err != nil {
		v.logf("answer hash not kept", t, err)
	}
	return ev
}

// checkSpeech judges text-to-speech audio: sound present (not silence,
// not noise), then its length against the text's.
func (v *Verifier) checkSpeech(ctx context.Context, c *livepeer.GatewayClient, job livepeer.Job, jr livepeer.JobResult) *Evidence {
	body, _ := job.JSON.(map[string]any)
	text, _ := body["text"].(string)
	ref, err := livepeer.ParseAudioRef(jr.Body)
	if err != nil || text == "" {
		return nil
	}
	data, _, err := c.FetchMedia(ctx, ref.URL)
	if err != nil {
		return nil
	}
	info, err := media.AudioInfo(data)
	if err != nil {
		return nil
	}
	ev := &Evidence{Distance: -1}
	if samples, f, err := media.AudioSamples(data); err == nil {
		st, flag := verify.Sound(samples, f.SampleRate)
		ev.Sound, ev.Flag = &st, flag
	}
	if ev.Flag == nil {
		ev.Flag = verify.SpeechDuration(text, info.Duration)
	}
	return ev
}

func (v *Verifier) logf(msg string, t Target, err error) {
	if v.Log != nil {
		v.Log.Warn(msg, "orchestrator", t.Orchestrator, "model", t.Capability.Model, "err", err)
	}
}

// decodeImage decodes an answer already accepted by media.ImageInfo (which
// bounds its pixels), so the decode here cannot be made to allocate more
// than that check allowed.
func decodeImage(data []byte) (image.Image, error) {
	if _, _, _, err := media.ImageInfo(data); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode answer: %w", err)
	}
	return img, nil
}

// inputKey digests what should determine an answer. A request that
// carries a picture is keyed by the picture alone: upscaling one image
// with two seeds honestly gives the same picture twice, and must not read
// as a repeat. Otherwise every field of the request counts.
func inputKey(job livepeer.Job) string {
	h := sha256.New()
	if len(job.Files) > 0 {
		names := make([]string, 0, len(job.Files))
		for n := range job.Files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			h.Write([]byte(n))
			h.Write(job.Files[n].Data)
		}
		return "file:" + hex.EncodeToString(h.Sum(nil))[:32]
	}
	if job.JSON != nil {
		b, _ := json.Marshal(job.JSON) // map keys are sorted
		h.Write(b)
	}
	keys := make([]string, 0, len(job.Form))
	for k := range job.Form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\n", k, job.Form[k])
	}
	return "req:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// lastUserMessage is the text an LLM request asks.
func lastUserMessage(job livepeer.Job) string {
	body, _ := job.JSON.(map[string]any)
	switch msgs := body["messages"].(type) {
	case []map[string]string:
		for i := len(msgs) - 1; i >= 0; i-- {
			if msgs[i]["role"] == "user" {
				return msgs[i]["content"]
			}
		}
	case []any:
		for i := len(msgs) - 1; i >= 0; i-- {
			if m, ok := msgs[i].(map[string]any); ok && m["role"] == "user" {
				s, _ := m["content"].(string)
				return s
			}
		}
	}
	return ""
}
