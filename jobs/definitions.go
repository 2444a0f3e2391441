package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"jobtester/livepeer"
	"jobtester/media"
)

// Definition is the built-in test of one batch pipeline: how to draw a
// request for a model, and how to tell a real answer from a 200 with
// nothing useful in it.
type Definition struct {
	Pipeline string // display name, as advertised and on the leaderboard
	Route    string
	// Build draws the request for one model from r (inputs.go): a new
	// prompt, seed, size and input file each time.
	Build func(model string, r *rand.Rand) Request
	// Check validates a 2xx answer to req, fetching and decoding media
	// through the client. Its error is the reason the test failed.
	Check func(ctx context.Context, c *livepeer.GatewayClient, req Request, res livepeer.JobResult) error
}

// Fixed parts of the requests.
const (
	audioSampleRate = 16000
	llmMaxTokens    = 32
)

// built assembles a Request: input is the recorded description (the
// request's fields and its files described); expect goes into it too.
func built(job livepeer.Job, input map[string]any, expect Expect) Request {
	input["expect"] = expect
	return Request{Job: job, Input: input, Expect: expect}
}

func formJob(route string, form map[string]string, file string, f livepeer.File) livepeer.Job {
	return livepeer.Job{Route: route, Form: form, Files: map[string]livepeer.File{file: f}}
}

// Definitions lists the built-in tests by pipeline display name.
var Definitions = map[string]Definition{
	"Text to image": {
		Pipeline: "Text to image", Route: "text-to-image",
		Build: func(model string, r *rand.Rand) Request {
			size := pick(r, imageSizes)
			body := map[string]any{"prompt": drawPrompt(r), "model_id": model, "width": size[0], "height": size[1],
				"num_images_per_prompt": 1, "seed": drawSeed(r)}
			return built(livepeer.Job{Route: "text-to-image", JSON: body}, copyMap(body), Expect{Width: size[0], Height: size[1]})
		},
		Check: checkImages,
	},
	"Image to image": {
		Pipeline: "Image to image", Route: "image-to-image",
		Build: func(model string, r *rand.Rand) Request {
			size := pick(r, imageSizes)
			f, desc := drawImage(r, size[0], size[1])
			form := map[string]string{"prompt": pick(r, edits), "model_id": model,
				"strength": fmtNum(float64(5+r.IntN(4)) / 10), "seed": strconv.FormatInt(drawSeed(r), 10)}
			return built(formJob("image-to-image", form, "image", f), withFiles(form, "image", desc), Expect{Width: size[0], Height: size[1]})
		},
		Check: checkImages,
	},
	"Image to video": {
		Pipeline: "Image to video", Route: "image-to-video",
		Build: func(model string, r *rand.Rand) Request {
			size := pick(r, videoSizes)
			f, desc := drawImage(r, size[0], size[1])
			form := map[string]string{"model_id": model, "width": strconv.Itoa(size[0]), "height": strconv.Itoa(size[1]),
				"seed": strconv.FormatInt(drawSeed(r), 10)}
			return built(formJob("image-to-video", form, "image", f), withFiles(form, "image", desc), Expect{Width: size[0], Height: size[1]})
		},
		Check: checkVideo,
	},
	"Upscale": {
		Pipeline: "Upscale", Route: "upscale",
		Build: func(model string, r *rand.Rand) Request {
			w, h := pick(r, upscaleSides), pick(r, upscaleSides)
			f, desc := drawImage(r, w, h)
			form := map[string]string{"prompt": pick(r, subjects) + ", " + pick(r, styles), "model_id": model,
				"seed": strconv.FormatInt(drawSeed(r), 10)}
			return built(formJob("upscale", form, "image", f), withFiles(form, "image", desc), Expect{Width: 4 * w, Height: 4 * h})
		},
		Check: checkImages,
	},
	"Audio to text": {
		Pipeline: "Audio to text", Route: "audio-to-text",
		Build: func(model string, r *rand.Rand) Request {
			flac, digits, words, err := drawDigits(r)
			f := livepeer.File{Name: pick(r, audioNames), ContentType: "audio/flac", Data: flac}
			form := map[string]string{"model_id": model}
			desc := fmt.Sprintf("<flac of %d spoken digits %s, %d Hz, %d bytes, sha256 %s>", len(digits), digits, audioSampleRate, len(flac), shortHash(flac))
			req := built(formJob("audio-to-text", form, "audio", f), withFiles(form, "audio", desc), Expect{Transcript: words})
			req.Err = err
			return req
		},
		Check: checkText(livepeer.ParseText),
	},
	"Segment anything 2": {
		Pipeline: "Segment anything 2", Route: "segment-anything-2",
		Build: func(model string, r *rand.Rand) Request {
			// At least 512 on each side, so that an admin's points inside
			// 512×512 stay inside the picture.
			size := pick(r, imageSizes)
			w, h := max(size[0], 512), max(size[1], 512)
			f, desc := drawImage(r, w, h)
			point := fmt.Sprintf("[[%d,%d]]", 32+r.IntN(w-64), 32+r.IntN(h-64))
			form := map[string]string{"model_id": model, "point_coords": point, "point_labels": "[1]", "multimask_output": "true"}
			return built(formJob("segment-anything-2", form, "image", f), withFiles(form, "image", desc), Expect{})
		},
		Check: func(_ context.Context, _ *livepeer.GatewayClient, _ Request, res livepeer.JobResult) error {
			_, err := livepeer.ParseSegmentAnything(res.Body)
			return err
		},
	},
	"Llm": {
		Pipeline: "Llm", Route: "llm",
		Build: func(model string, r *rand.Rand) Request {
			family, q := drawQuestion(r)
			// The gateway requires model, messages, stream and max_tokens.
			body := map[string]any{"model": model, "stream": false, "max_tokens": llmMaxTokens,
				"messages": []map[string]string{{"role": "user", "content": q.Text}}}
			return built(livepeer.Job{Route: "llm", JSON: body}, copyMap(body),
				Expect{Family: family, Answer: q.Expect[0], Wrong: q.Wrong, MatchCase: q.MatchCase})
		},
		Check: checkText(livepeer.ParseLLM),
	},
	"Image to text": {
		Pipeline: "Image to text", Route: "image-to-text",
		Build: func(model string, r *rand.Rand) Request {
			size := pick(r, imageSizes)
			f, desc := drawImage(r, size[0], size[1])
			form := map[string]string{"model_id": model}
			if lead := pick(r, captionLeads); lead != "" {
				form["prompt"] = lead
			}
			return built(formJob("image-to-text", form, "image", f), withFiles(form, "image", desc), Expect{})
		},
		Check: checkText(livepeer.ParseText),
	},
	"Text to speech": {
		Pipeline: "Text to speech", Route: "text-to-speech",
		Build: func(model string, r *rand.Rand) Request {
			body := map[string]any{"model_id": model, "text": drawSpeechText(r), "description": pick(r, voices)}
			return built(livepeer.Job{Route: "text-to-speech", JSON: body}, copyMap(body), Expect{})
		},
		Check: checkSpeech,
	},
}

func checkSpeech(ctx context.Context, c *livepeer.GatewayClient, _ Request, res livepeer.JobResult) error {
	ref, err := livepeer.ParseAudioRef(res.Body)
	if err != nil {
		return err
	}
	data, _, err := c.FetchMedia(ctx, ref.URL)
	if err != nil {
		return err
	}
	info, err := media.AudioInfo(data)
	if err != nil {
		return fmt.Errorf("audio does not decode: %w", err)
	}
	if info.Duration <= 0 {
		return errors.New("audio is empty")
	}
	return nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// DefinitionNames lists the pipelines with a built-in test, sorted.
func DefinitionNames() []string {
	out := make([]string, 0, len(Definitions))
	for name := range Definitions {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func withFiles(form map[string]string, field, desc string) map[string]any {
	out := make(map[string]any, len(form)+1)
	for k, v := range form {
		out[k] = v
	}
	out[field] = desc
	return out
}

func checkImages(ctx context.Context, c *livepeer.GatewayClient, req Request, res livepeer.JobResult) error {
	w, h := req.Expect.Width, req.Expect.Height
	imgs, err := livepeer.ParseImages(res.Body)
	if err != nil {
		return err
	}
	data, _, err := c.FetchMedia(ctx, imgs[0].URL)
	if err != nil {
		return err
	}
	gw, gh, format, err := media.ImageInfo(data)
	if err != nil {
		return fmt.Errorf("image does not decode: %w", err)
	}
	if gw != w || gh != h {
		return fmt.Errorf("wrong size: got a %dx%d %s, asked for %dx%d", gw, gh, format, w, h)
	}
	return nil
}

func checkVideo(ctx context.Context, c *livepeer.GatewayClient, req Request, res livepeer.JobResult) error {
	w, h := req.Expect.Width, req.Expect.Height
	vids, err := livepeer.ParseImages(res.Body) // image-to-video answers in the images[] shape
	if err != nil {
		return err
	}
	data, _, err := c.FetchMedia(ctx, vids[0].URL)
	if err != nil {
		return err
	}
	info, err := media.VideoInfo(data)
	if err != nil {
		return fmt.Errorf("video does not decode: %w", err)
	}
	if info.Frames == 0 {
		return errors.New("video has no frames")
	}
	if info.Width != w || info.Height != h {
		return fmt.Errorf("wrong size: got a %dx%d video, asked for %dx%d", info.Width, info.Height, w, h)
	}
	return nil
}

func checkText(parse func([]byte) (string, error)) func(context.Context, *livepeer.GatewayClient, Request, livepeer.JobResult) error {
	return func(_ context.Context, _ *livepeer.GatewayClient, _ Request, res livepeer.JobResult) error {
		text, err := parse(res.Body)
		if err != nil {
			return err
		}
		if strings.TrimSpace(text) == "" {
			return errors.New("empty text")
		}
		return nil
	}
}

// describeInput renders a test's input for the stored result.
func describeInput(input map[string]any) string {
	b, err := json.Marshal(input)
	if err != nil {
		return "{}"
	}
	return string(b)
}
