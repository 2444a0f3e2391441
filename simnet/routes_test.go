package simnet

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"jobtester/media"
	"jobtester/testutil"
)

// allPipelines runs every batch pipeline's default model (and a second
// text-to-image model) on one orchestrator, with room for parallel tests.
func allPipelines() Scenario {
	o := OrchestratorSpec{Name: "all"}
	for _, p := range pipelines {
		o.Models = append(o.Models, quick(p.Route, p.DefaultModel))
	}
	o.Models = append(o.Models, quick("text-to-image", "ByteDance/SDXL-Lightning"))
	for i := range o.Models {
		o.Models[i].Capacity = 8
	}
	return Scenario{Orchestrators: []OrchestratorSpec{o}}
}

type mediaURLs struct {
	Images []struct {
		URL  string `json:"url"`
		Seed int64  `json:"seed"`
		NSFW *bool  `json:"nsfw"`
	} `json:"images"`
}

// fetchMedia GETs a result URL from the gateway's HTTP listener.
func fetchMedia(t *testing.T, n *Network, url string) []byte {
	t.Helper()
	if !strings.HasPrefix(url, "/stream/") {
		t.Fatalf("media URL %q is not a relative /stream/ path", url)
	}
	r := get(t, n.Gateways()[0].HTTPURL+url)
	if r.status != 200 {
		t.Fatalf("GET %s: %d", url, r.status)
	}
	return r.body
}

func checkImages(w, h, count int) func(*testing.T, *Network, reply) {
	return func(t *testing.T, n *Network, r reply) {
		var body mediaURLs
		r.json(t, &body)
		if len(body.Images) != count {
			t.Fatalf("%d images, want %d", len(body.Images), count)
		}
		for _, img := range body.Images {
			if img.NSFW == nil {
				t.Error("no nsfw field")
			}
			gw, gh, format, err := media.ImageInfo(fetchMedia(t, n, img.URL))
			if err != nil || gw != w || gh != h || format != "png" {
				t.Errorf("%s: %d×%d %s %v; want %d×%d png", img.URL, gw, gh, format, err, w, h)
			}
		}
	}
}

func checkVideo(w, h int) func(*testing.T, *Network, reply) {
	return func(t *testing.T, n *Network, r reply) {
		var body mediaURLs
		r.json(t, &body)
		if len(body.Images) != 1 || !strings.HasSuffix(body.Images[0].URL, ".mp4") {
			t.Fatalf("images %+v, want one mp4", body.Images)
		}
		f, err := media.VideoInfo(fetchMedia(t, n, body.Images[0].URL))
		if err != nil || f.Width != w || f.Height != h || f.Frames != videoFrames || f.Duration <= 0 {
			t.Errorf("video %+v %v; want %d×%d, %d frames", f, err, w, h, videoFrames)
		}
	}
}

func TestBatchRoutesSucceed(t *testing.T) {
	t.Parallel()
	n := startNet(t, allPipelines())
	base := n.Gateways()[0].HTTPURL
	img := media.TestImage(96, 64)
	cases := []struct {
		name  string
		send  func() reply
		check func(*testing.T, *Network, reply)
	}{
		{"text-to-image default size", func() reply {
			return postJSON(t, base+"/text-to-image", map[string]any{"prompt": "a cat"})
		}, checkImages(512, 512, 1)},
		{"text-to-image sized, several", func() reply {
			return postJSON(t, base+"/text-to-image", map[string]any{"prompt": "a cat", "model_id": "ByteDance/SDXL-Lightning", "width": 320, "height": 200, "num_images_per_prompt": 3, "seed": 42})
		}, checkImages(320, 200, 3)},
		{"image-to-image keeps the input size", func() reply {
			return postForm(t, base+"/image-to-image", map[string]string{"prompt": "make it blue"}, map[string][]byte{"image": img})
		}, checkImages(96, 64, 1)},
		{"upscale is 4x", func() reply {
			return postForm(t, base+"/upscale", map[string]string{"prompt": "sharper"}, map[string][]byte{"image": img})
		}, checkImages(384, 256, 1)},
		{"image-to-video sized", func() reply {
			return postForm(t, base+"/image-to-video", map[string]string{"width": "160", "height": "96", "fps": "7"}, map[string][]byte{"image": img})
		}, checkVideo(160, 96)},
		{"image-to-video default size", func() reply {
			return postForm(t, base+"/image-to-video", nil, map[string][]byte{"image": img})
		}, checkVideo(1024, 576)},
		{"audio-to-text", func() reply {
			return postForm(t, base+"/audio-to-text", map[string]string{"return_timestamps": "true"}, map[string][]byte{"audio": flacOf(t, media.TestAudio(3, 16000))})
		}, checkTranscript},
		{"segment-anything-2", func() reply {
			return postForm(t, base+"/segment-anything-2", map[string]string{"point_coords": "[[10,10]]", "point_labels": "[1]"}, map[string][]byte{"image": img})
		}, checkSegments},
		{"image-to-text", func() reply {
			return postForm(t, base+"/image-to-text", map[string]string{"prompt": "describe"}, map[string][]byte{"image": img})
		}, checkImageText},
		{"text-to-speech", func() reply {
			return postJSON(t, base+"/text-to-speech", map[string]any{"text": "hello there, this is a test of the speech model", "description": "calm"})
		}, checkSpeech},
		{"llm", func() reply {
			return postJSON(t, base+"/llm", map[string]any{"model": "meta-llama/llama-3.1-8B-Instruct", "messages": []map[string]string{{"role": "user", "content": "hi"}}, "stream": false, "max_tokens": 64})
		}, checkCompletion},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := c.send()
			if r.err != nil || r.status != 200 {
				t.Fatalf("status %d, %v: %s", r.status, r.err, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			c.check(t, n, r)
		})
	}
}

// checkTranscript checks an audio-to-text answer with timestamps.
func checkTranscript(t *testing.T, n *Network, r reply) {
	var body struct {
		Text   string `json:"text"`
		Chunks []struct {
			Text      string     `json:"text"`
			Timestamp [2]float64 `json:"timestamp"`
		} `json:"chunks"`
	}
	r.json(t, &body)
	if strings.TrimSpace(body.Text) == "" || len(body.Chunks) != 2 || body.Chunks[1].Timestamp[1] != 3 {
		t.Errorf("transcript %+v", body)
	}
}

// checkSegments checks a segment-anything-2 answer.
func checkSegments(t *testing.T, n *Network, r reply) {
	var body map[string]any
	r.json(t, &body)
	for _, k := range []string{"masks", "scores", "logits"} {
		if s, ok := body[k].(string); !ok || s == "" {
			t.Errorf("%s = %#v, want a non-empty string", k, body[k])
		}
	}
}

// checkImageText checks an image-to-text answer.
func checkImageText(t *testing.T, n *Network, r reply) {
	var body map[string]any
	r.json(t, &body)
	if s, _ := body["text"].(string); s == "" || len(body) != 1 {
		t.Errorf("body %v", body)
	}
}

// checkSpeech checks a text-to-speech answer and the audio it points at.
func checkSpeech(t *testing.T, n *Network, r reply) {
	var body struct {
		Audio struct {
			URL string `json:"url"`
		} `json:"audio"`
	}
	r.json(t, &body)
	f, err := media.AudioInfo(fetchMedia(t, n, body.Audio.URL))
	if err != nil || f.Duration < time.Second {
		t.Errorf("speech %+v %v", f, err)
	}
}

// checkCompletion checks a non-streamed llm answer.
func checkCompletion(t *testing.T, n *Network, r reply) {
	var body llmResponse
	r.json(t, &body)
	if len(body.Choices) != 1 || body.Choices[0].Message == nil || body.Choices[0].Message.Content == "" ||
		body.Choices[0].FinishReason == nil || body.Usage.TotalTokens == 0 || body.ID == "" || body.Model != "meta-llama/llama-3.1-8B-Instruct" {
		t.Errorf("completion %s", r.body)
	}
}

func TestLLMStreamIsServerSentEvents(t *testing.T) {
	t.Parallel()
	n := startNet(t, allPipelines())
	r := postJSON(t, n.Gateways()[0].HTTPURL+"/llm", map[string]any{
		"model": "meta-llama/llama-3.1-8B-Instruct", "messages": []map[string]string{{"role": "user", "content": "hi"}}, "stream": true, "max_tokens": 100,
	})
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d, Content-Type %q", r.status, r.header.Get("Content-Type"))
	}
	if bytes.Contains(r.body, []byte("[DONE]")) {
		t.Error("the gateway sends no [DONE]")
	}
	var text strings.Builder
	var chunks int
	var finish string
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("line %q is not an SSE data line", line)
		}
		if finish != "" {
			t.Fatal("a chunk after the finish_reason")
		}
		var c llmResponse
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			t.Fatal(err)
		}
		chunks++
		if c.Choices[0].Delta == nil {
			t.Fatalf("chunk without delta: %s", data)
		}
		text.WriteString(c.Choices[0].Delta.Content)
		if fr := c.Choices[0].FinishReason; fr != nil {
			finish = *fr
		}
	}
	if chunks < 3 || finish == "" || strings.TrimSpace(text.String()) == "" {
		t.Fatalf("%d chunks, finish %q, text %q", chunks, finish, text.String())
	}
}

func TestImageToVideoAsync(t *testing.T) {
	t.Parallel()
	n := startNet(t, allPipelines())
	base := n.Gateways()[0].HTTPURL
	body, ctype := multipartBody(t, map[string]string{"width": "64", "height": "48"}, map[string][]byte{"image": media.TestImage(32, 32)})
	req := newRequest(t, base+"/image-to-video", ctype, body)
	req.Header.Set("Prefer", "respond-async")
	r := do(t, req)
	var accepted struct {
		RequestID string `json:"request_id"`
	}
	if r.status != 202 {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	r.json(t, &accepted)
	var result struct {
		Status string    `json:"status"`
		Result mediaURLs `json:"result"`
	}
	testutil.Eventually(t, "the async result", func() bool {
		r := postJSON(t, base+"/image-to-video/result", map[string]string{"request_id": accepted.RequestID})
		if r.status == 202 {
			return false
		}
		if r.status != 200 {
			t.Fatalf("result status %d %s", r.status, r.body)
		}
		r.json(t, &result)
		return true
	})
	if result.Status != "complete" || len(result.Result.Images) != 1 {
		t.Fatalf("result %+v", result)
	}
	if f, err := media.VideoInfo(fetchMedia(t, n, result.Result.Images[0].URL)); err != nil || f.Width != 64 {
		t.Fatalf("video %+v %v", f, err)
	}
	if r := postJSON(t, base+"/image-to-video/result", map[string]string{"request_id": "nope"}); r.status != 400 {
		t.Errorf("unknown request_id: %d", r.status)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	n := startNet(t, allPipelines())
	if r := get(t, n.Gateways()[0].HTTPURL+"/healthz"); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if r := get(t, n.Gateways()[0].HTTPURL+"/stream/none/x.png"); r.status != 404 {
		t.Fatalf("missing media: %d", r.status)
	}
}
