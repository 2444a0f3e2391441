package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"jobtester/livepeer"
	"jobtester/media"
)

// Definition is the built-in test of one batch pipeline: how to build a
// request for a model, and how to tell a real answer from a 200 with
// nothing useful in it.
type Definition struct {
	Pipeline string // display name, as advertised and on the leaderboard
	Route    string
	// Build makes the request for one model; input describes it for the
	// stored result (parameters, and files by size, never their bytes).
	Build func(model string) (job livepeer.Job, input map[string]any)
	// Check validates a 2xx answer, fetching and decoding media through
	// the client. Its error is the reason the test failed.
	Check func(ctx context.Context, c *livepeer.GatewayClient, model string, res livepeer.JobResult) error
}

// Sizes of the generated inputs, chosen to be cheap for every runner yet
// large enough that a wrong-size answer is unmistakable.
const (
	imageSide       = 512
	upscaleInput    = 256
	videoW, videoH  = 1024, 576
	audioSeconds    = 3.0
	audioSampleRate = 16000
	llmMaxTokens    = 32
)

// Inputs are generated once per process: they are deterministic.
var (
	squareImage  = media.TestImage(imageSide, imageSide)
	smallImage   = media.TestImage(upscaleInput, upscaleInput)
	videoImage   = media.TestImage(videoW, videoH)
	speechSample = media.TestAudio(audioSeconds, audioSampleRate)
)

func png(name string, data []byte, w, h int) (livepeer.File, string) {
	return livepeer.File{Name: name, ContentType: "image/png", Data: data},
		fmt.Sprintf("<png %dx%d, %d bytes>", w, h, len(data))
}

// Definitions lists the built-in tests by pipeline display name.
var Definitions = map[string]Definition{
	"Text to image": {
		Pipeline: "Text to image", Route: "text-to-image",
		Build: func(model string) (livepeer.Job, map[string]any) {
			body := map[string]any{"prompt": "a lighthouse on a cliff at dawn, oil painting",
				"model_id": model, "width": imageSide, "height": imageSide, "num_images_per_prompt": 1, "seed": 42}
			return livepeer.Job{Route: "text-to-image", JSON: body}, body
		},
		Check: checkImages(imageSide, imageSide),
	},
	"Image to image": {
		Pipeline: "Image to image", Route: "image-to-image",
		Build: func(model string) (livepeer.Job, map[string]any) {
			f, desc := png("input.png", squareImage, imageSide, imageSide)
			form := map[string]string{"prompt": "the same scene in watercolour", "model_id": model, "strength": "0.7", "seed": "42"}
			return livepeer.Job{Route: "image-to-image", Form: form, Files: map[string]livepeer.File{"image": f}}, withFiles(form, "image", desc)
		},
		Check: checkImages(imageSide, imageSide),
	},
	"Image to video": {
		Pipeline: "Image to video", Route: "image-to-video",
		Build: func(model string) (livepeer.Job, map[string]any) {
			f, desc := png("input.png", videoImage, videoW, videoH)
			form := map[string]string{"model_id": model, "width": fmt.Sprint(videoW), "height": fmt.Sprint(videoH), "seed": "42"}
			return livepeer.Job{Route: "image-to-video", Form: form, Files: map[string]livepeer.File{"image": f}}, withFiles(form, "image", desc)
		},
		Check: checkVideo(videoW, videoH),
	},
	"Upscale": {
		Pipeline: "Upscale", Route: "upscale",
		Build: func(model string) (livepeer.Job, map[string]any) {
			f, desc := png("input.png", smallImage, upscaleInput, upscaleInput)
			form := map[string]string{"prompt": "a sharp photograph", "model_id": model, "seed": "42"}
			return livepeer.Job{Route: "upscale", Form: form, Files: map[string]livepeer.File{"image": f}}, withFiles(form, "image", desc)
		},
		Check: checkImages(4*upscaleInput, 4*upscaleInput),
	},
	"Audio to text": {
		Pipeline: "Audio to text", Route: "audio-to-text",
		Build: func(model string) (livepeer.Job, map[string]any) {
			f := livepeer.File{Name: "speech.wav", ContentType: "audio/wav", Data: speechSample}
			form := map[string]string{"model_id": model}
			return livepeer.Job{Route: "audio-to-text", Form: form, Files: map[string]livepeer.File{"audio": f}},
				withFiles(form, "audio", fmt.Sprintf("<wav %.0fs %d Hz, %d bytes>", audioSeconds, audioSampleRate, len(speechSample)))
		},
		Check: checkText(livepeer.ParseText),
	},
	"Segment anything 2": {
		Pipeline: "Segment anything 2", Route: "segment-anything-2",
		Build: func(model string) (livepeer.Job, map[string]any) {
			f, desc := png("input.png", squareImage, imageSide, imageSide)
			form := map[string]string{"model_id": model, "point_coords": "[[256,256]]", "point_labels": "[1]", "multimask_output": "true"}
			return livepeer.Job{Route: "segment-anything-2", Form: form, Files: map[string]livepeer.File{"image": f}}, withFiles(form, "image", desc)
		},
		Check: func(_ context.Context, _ *livepeer.GatewayClient, _ string, res livepeer.JobResult) error {
			_, err := livepeer.ParseSegmentAnything(res.Body)
			return err
		},
	},
	"Llm": {
		Pipeline: "Llm", Route: "llm",
		Build: func(model string) (livepeer.Job, map[string]any) {
			// The gateway requires model, messages, stream and max_tokens.
			body := map[string]any{"model": model, "stream": false, "max_tokens": llmMaxTokens,
				"messages": []map[string]string{{"role": "user", "content": "Name three colours of the rainbow."}}}
			return livepeer.Job{Route: "llm", JSON: body}, body
		},
		Check: checkText(livepeer.ParseLLM),
	},
	"Image to text": {
		Pipeline: "Image to text", Route: "image-to-text",
		Build: func(model string) (livepeer.Job, map[string]any) {
			f, desc := png("input.png", squareImage, imageSide, imageSide)
			form := map[string]string{"model_id": model, "prompt": "a picture of"}
			return livepeer.Job{Route: "image-to-text", Form: form, Files: map[string]livepeer.File{"image": f}}, withFiles(form, "image", desc)
		},
		Check: checkText(livepeer.ParseText),
	},
	"Text to speech": {
		Pipeline: "Text to speech", Route: "text-to-speech",
		Build: func(model string) (livepeer.Job, map[string]any) {
			body := map[string]any{"model_id": model, "text": "The quick brown fox jumps over the lazy dog.",
				"description": "A calm voice, close to the microphone."}
			return livepeer.Job{Route: "text-to-speech", JSON: body}, body
		},
		Check: func(ctx context.Context, c *livepeer.GatewayClient, _ string, res livepeer.JobResult) error {
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
		},
	},
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

func checkImages(w, h int) func(context.Context, *livepeer.GatewayClient, string, livepeer.JobResult) error {
	return func(ctx context.Context, c *livepeer.GatewayClient, _ string, res livepeer.JobResult) error {
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
}

func checkVideo(w, h int) func(context.Context, *livepeer.GatewayClient, string, livepeer.JobResult) error {
	return func(ctx context.Context, c *livepeer.GatewayClient, _ string, res livepeer.JobResult) error {
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
}

func checkText(parse func([]byte) (string, error)) func(context.Context, *livepeer.GatewayClient, string, livepeer.JobResult) error {
	return func(_ context.Context, _ *livepeer.GatewayClient, _ string, res livepeer.JobResult) error {
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
