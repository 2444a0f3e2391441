package livepeer

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParsersAcceptTheGatewayAnswers(t *testing.T) {
	t.Parallel()
	images, err := ParseImages(golden(t, "text-to-image.json"))
	if err != nil || !reflect.DeepEqual(images, []MediaRef{{URL: "/stream/a1b2c3d4/9f8e7d6c.png", Seed: 2657448232}}) {
		t.Errorf("text-to-image: %+v %v", images, err)
	}
	images, err = ParseImages(golden(t, "image-to-video.json"))
	if err != nil || len(images) != 1 || !strings.HasSuffix(images[0].URL, ".mp4") || images[0].Seed != 42 {
		t.Errorf("image-to-video: %+v %v", images, err)
	}
	audio, err := ParseAudioRef(golden(t, "text-to-speech.json"))
	if err != nil || audio.URL != "/stream/c0ffee00/7a7a7a7a.wav" {
		t.Errorf("text-to-speech: %+v %v", audio, err)
	}
	text, err := ParseText(golden(t, "image-to-text.json"))
	if err != nil || text != "a red square on a white background" {
		t.Errorf("image-to-text: %q %v", text, err)
	}
	text, err = ParseText(golden(t, "audio-to-text.json"))
	if err != nil || text != " Testing one two three." {
		t.Errorf("audio-to-text: %q %v", text, err)
	}
	text, err = ParseLLM(golden(t, "llm.json"))
	if err != nil || text != "The sky is blue." {
		t.Errorf("llm: %q %v", text, err)
	}
	text, err = parseLLMStream(golden(t, "llm-stream.txt"))
	if err != nil || text != "The sky is blue." {
		t.Errorf("llm stream: %q %v", text, err)
	}
	sam, err := ParseSegmentAnything(golden(t, "segment-anything-2.json"))
	if err != nil || sam.Scores != "[0.9521484375]" || !strings.HasPrefix(sam.Masks, "[[[") || !strings.HasPrefix(sam.Logits, "[[[") {
		t.Errorf("segment-anything-2: %+v %v", sam, err)
	}
}

func TestParseLLMStreamVariants(t *testing.T) {
	t.Parallel()
	chunk := func(content, finish string) string {
		return `{"choices":[{"index":0,"delta":{"content":` + mustJSON(content) + `},"finish_reason":` + mustJSON(finish) + `}]}`
	}
	cases := []struct {
		name, body, want string
	}{
		{"CRLF and comments", ": keep-alive\r\ndata: " + chunk("a", "") + "\r\n\r\nevent: message\r\ndata: " + chunk("b", "stop") + "\r\n\r\n", "ab"},
		{"null finish_reason", `data: {"choices":[{"delta":{"content":"x"},"finish_reason":null}]}` + "\n\ndata: " + chunk("y", "length") + "\n\n", "xy"},
		{"no space after data:", "data:" + chunk("z", "stop") + "\n\n", "z"},
		{"stops at finish", "data: " + chunk("a", "stop") + "\n\ndata: " + chunk("IGNORED", "") + "\n\ndata: not json\n\n", "a"},
		{"[DONE] after content", "data: " + chunk("a", "") + "\n\ndata: [DONE]\n\n", "a"},
		{"last event without blank line", "data: " + chunk("a", "") + "\n\ndata: " + chunk("b", "stop"), "ab"},
		{"data split over lines", "data: {\"choices\":[{\"delta\":{\"content\":\"s\"},\ndata: \"finish_reason\":\"stop\"}]}\n\n", "s"},
	}
	for _, tc := range cases {
		got, err := parseLLMStream([]byte(tc.body))
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestParsersRejectGarbage(t *testing.T) {
	t.Parallel()
	stream := string(golden(t, "llm-stream.txt"))
	type parser func([]byte) error
	images := func(b []byte) error { _, err := ParseImages(b); return err }
	audio := func(b []byte) error { _, err := ParseAudioRef(b); return err }
	text := func(b []byte) error { _, err := ParseText(b); return err }
	llm := func(b []byte) error { _, err := ParseLLM(b); return err }
	llmStream := func(b []byte) error { _, err := parseLLMStream(b); return err }
	sam := func(b []byte) error { _, err := ParseSegmentAnything(b); return err }
	cases := []struct {
		name  string
		parse parser
		body  string
		empty bool // the error wraps ErrEmptyResult
	}{
		{"images: bad JSON", images, `{"images":[`, false},
		{"images: not JSON", images, `<html>502 Bad Gateway</html>`, false},
		{"images: empty body", images, ``, false},
		{"images: null", images, `null`, false},
		{"images: missing", images, `{"image":[]}`, false},
		{"images: no image", images, `{"images":[]}`, true},
		{"images: empty url", images, `{"images":[{"url":""}]}`, true},
		{"images: no url", images, `{"images":[{"seed":1}]}`, false},
		{"images: url is a number", images, `{"images":[{"url":1}]}`, false},
		{"images: seed is a string", images, `{"images":[{"url":"/x","seed":"1"}]}`, false},
		{"images: seed beyond int64", images, `{"images":[{"url":"/x","seed":115792089237316195423570985008687907853269984665640564039457584007913129639936}]}`, false},
		{"images: nsfw is a number", images, `{"images":[{"url":"/x","nsfw":0}]}`, false},
		{"images: the async shape", images, `{"request_id":"abc"}`, false},
		{"images: trailing", images, `{"images":[{"url":"/x"}]}{}`, false},
		{"audio: missing", audio, `{"audio":{}}`, false},
		{"audio: empty", audio, `{"audio":{"url":" "}}`, true},
		{"audio: wrong type", audio, `{"audio":"/stream/x.wav"}`, false},
		{"text: missing", text, `{"chunks":[]}`, false},
		{"text: null", text, `{"text":null}`, false},
		{"text: number", text, `{"text":5}`, false},
		{"text: empty", text, `{"text":"  "}`, true},
		{"text: chunks wrong type", text, `{"text":"a","chunks":"a"}`, false},
		{"text: chunk timestamp wrong type", text, `{"text":"a","chunks":[{"text":"a","timestamp":"0-1"}]}`, false},
		{"text: the worker's error shape", text, `{"detail":{"msg":"boom"}}`, false},
		{"llm: no choices", llm, `{"id":"x"}`, false},
		{"llm: empty choices", llm, `{"choices":[]}`, true},
		{"llm: no message", llm, `{"choices":[{"delta":{"content":"x"}}]}`, false},
		{"llm: empty content", llm, `{"choices":[{"message":{"content":""}}]}`, true},
		{"llm: content not a string", llm, `{"choices":[{"message":{"content":["x"]}}]}`, false},
		{"llm stream: empty", llmStream, ``, false},
		{"llm stream: no data", llmStream, "event: ping\n\n: comment\n\n", false},
		{"llm stream: plain JSON", llmStream, `{"choices":[{"message":{"content":"x"}}]}`, false},
		{"llm stream: truncated", llmStream, stream[:len(stream)-40], false},
		{"llm stream: no finish", llmStream, stream[:strings.LastIndex(stream, "data: ")], false},
		{"llm stream: bad JSON event", llmStream, "data: {\"choices\":\n\n", false},
		{"llm stream: error event", llmStream, "data: {\"error\":{\"message\":\"boom\"}}\n\n", false},
		{"llm stream: no choices", llmStream, "data: {\"id\":\"x\"}\n\n", false},
		{"llm stream: content wrong type", llmStream, "data: {\"choices\":[{\"delta\":{\"content\":1},\"finish_reason\":\"stop\"}]}\n\n", false},
		{"llm stream: nothing said", llmStream, "data: {\"choices\":[{\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}]}\n\n", true},
		{"llm stream: DONE only", llmStream, "data: [DONE]\n\n", true},
		{"sam: missing logits", sam, `{"masks":"[[1]]","scores":"[1]"}`, false},
		{"sam: masks not a string", sam, `{"masks":[[1]],"scores":"[1]","logits":"[]"}`, false},
		{"sam: empty masks", sam, `{"masks":"[]","scores":"[]","logits":"[]"}`, true},
	}
	for _, tc := range cases {
		err := tc.parse([]byte(tc.body))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if errors.Is(err, ErrEmptyResult) != tc.empty {
			t.Errorf("%s: %v, empty=%v", tc.name, err, tc.empty)
		}
	}
}

func FuzzParseImages(f *testing.F) {
	f.Add(golden(f, "text-to-image.json"))
	f.Add(golden(f, "image-to-video.json"))
	f.Add([]byte(`{"images":[{"url":"","seed":-1,"nsfw":true}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		refs, err := ParseImages(body)
		if err != nil {
			return
		}
		if len(refs) == 0 {
			t.Fatal("no image and no error")
		}
		for _, r := range refs {
			if strings.TrimSpace(r.URL) == "" {
				t.Fatal("empty url and no error")
			}
		}
	})
}

func FuzzParseLLMStream(f *testing.F) {
	f.Add(golden(f, "llm-stream.txt"))
	f.Add([]byte("data: [DONE]\n\n"))
	f.Add([]byte("data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\r\n\r\n"))
	f.Add([]byte(": c\nevent: e\ndata: {\"error\":1}\n\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		text, err := parseLLMStream(body)
		if err == nil && strings.TrimSpace(text) == "" {
			t.Fatal("empty text and no error")
		}
		// Reading the same bytes as a live stream must not fail either.
		if _, _, err := readEventStream(bytes.NewReader(body), int64(len(body))); err != nil {
			t.Fatalf("readEventStream: %v", err)
		}
	})
}

func FuzzParseText(f *testing.F) {
	f.Add(golden(f, "image-to-text.json"))
	f.Add(golden(f, "audio-to-text.json"))
	f.Add([]byte(`{"text":"","chunks":[{"text":1}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		text, err := ParseText(body)
		if err == nil && strings.TrimSpace(text) == "" {
			t.Fatal("empty text and no error")
		}
	})
}

// FuzzParseOtherAnswers covers the remaining parsers and the error-body
// reader: none may panic on anything.
func FuzzParseOtherAnswers(f *testing.F) {
	for _, name := range []string{"llm.json", "text-to-speech.json", "segment-anything-2.json", "error-400.json"} {
		f.Add(golden(f, name))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if s, err := ParseLLM(body); err == nil && strings.TrimSpace(s) == "" {
			t.Fatal("llm: empty and no error")
		}
		if r, err := ParseAudioRef(body); err == nil && strings.TrimSpace(r.URL) == "" {
			t.Fatal("audio: empty and no error")
		}
		if r, err := ParseSegmentAnything(body); err == nil && strings.TrimSpace(r.Masks) == "" {
			t.Fatal("sam: empty and no error")
		}
		_ = errorMessage(body)
	})
}
