package livepeer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// MediaRef is one media result: a URL to fetch with FetchMedia.
type MediaRef struct {
	URL  string
	Seed int64
	NSFW bool
}

// SAMResult is a segment-anything-2 answer; the ai-runner writes each
// array as its Python text form.
type SAMResult struct {
	Masks, Scores, Logits string
}

// ErrEmptyResult is wrapped when a well-formed answer carries nothing: no
// image, empty text, empty masks. The parsers' other errors mean the body
// is not the expected document at all.
var ErrEmptyResult = errors.New("empty result")

// ParseImages parses the answer of text-to-image, image-to-image, upscale
// and image-to-video: {"images":[{"url","seed","nsfw"}]}. Every image
// must have a URL, and there must be at least one.
func ParseImages(body []byte) ([]MediaRef, error) {
	var doc struct {
		Images *[]struct {
			URL  *string `json:"url"`
			Seed int64   `json:"seed"`
			NSFW bool    `json:"nsfw"`
		} `json:"images"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("images answer: %w", err)
	}
	if doc.Images == nil {
		return nil, errors.New(`images answer: no "images"`)
	}
	if len(*doc.Images) == 0 {
		return nil, fmt.Errorf("images answer: %w: no image", ErrEmptyResult)
	}
	out := make([]MediaRef, 0, len(*doc.Images))
	for i, im := range *doc.Images {
		if im.URL == nil {
			return nil, fmt.Errorf("images answer: image %d has no url", i)
		}
		if strings.TrimSpace(*im.URL) == "" {
			return nil, fmt.Errorf("images answer: image %d: %w: empty url", i, ErrEmptyResult)
		}
		out = append(out, MediaRef{URL: *im.URL, Seed: im.Seed, NSFW: im.NSFW})
	}
	return out, nil
}

// ParseAudioRef parses a text-to-speech answer: {"audio":{"url":…}}.
func ParseAudioRef(body []byte) (MediaRef, error) {
	var doc struct {
		Audio *struct {
			URL *string `json:"url"`
		} `json:"audio"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return MediaRef{}, fmt.Errorf("audio answer: %w", err)
	}
	if doc.Audio == nil || doc.Audio.URL == nil {
		return MediaRef{}, errors.New(`audio answer: no "audio.url"`)
	}
	if strings.TrimSpace(*doc.Audio.URL) == "" {
		return MediaRef{}, fmt.Errorf("audio answer: %w: empty url", ErrEmptyResult)
	}
	return MediaRef{URL: *doc.Audio.URL}, nil
}

// ParseText parses an image-to-text or audio-to-text answer: {"text":…}
// (audio-to-text adds "chunks":[{"text","timestamp"}], checked for shape
// when present). Text that is empty or only spaces wraps ErrEmptyResult.
func ParseText(body []byte) (string, error) {
	var doc struct {
		Text   *string `json:"text"`
		Chunks []struct {
			Text string `json:"text"`
			// Whisper's last timestamp can be null: checked only for being
			// an array.
			Timestamp []json.RawMessage `json:"timestamp"`
		} `json:"chunks"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("text answer: %w", err)
	}
	if doc.Text == nil {
		return "", errors.New(`text answer: no "text"`)
	}
	if strings.TrimSpace(*doc.Text) == "" {
		return "", fmt.Errorf("text answer: %w: empty text", ErrEmptyResult)
	}
	return *doc.Text, nil
}

// ParseLLM parses a non-streamed llm answer and returns
// choices[0].message.content.
func ParseLLM(body []byte) (string, error) {
	var doc struct {
		Choices *[]struct {
			Message *struct {
				Content *string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("llm answer: %w", err)
	}
	if doc.Choices == nil {
		return "", errors.New(`llm answer: no "choices"`)
	}
	if len(*doc.Choices) == 0 {
		return "", fmt.Errorf("llm answer: %w: no choice", ErrEmptyResult)
	}
	ch := (*doc.Choices)[0]
	if ch.Message == nil || ch.Message.Content == nil {
		return "", errors.New(`llm answer: no "choices[0].message.content"`)
	}
	if strings.TrimSpace(*ch.Message.Content) == "" {
		return "", fmt.Errorf("llm answer: %w: empty content", ErrEmptyResult)
	}
	return *ch.Message.Content, nil
}

// ParseSegmentAnything parses a segment-anything-2 answer:
// {"masks","scores","logits"}, all strings, masks non-empty.
func ParseSegmentAnything(body []byte) (SAMResult, error) {
	var doc struct {
		Masks  *string `json:"masks"`
		Scores *string `json:"scores"`
		Logits *string `json:"logits"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return SAMResult{}, fmt.Errorf("segment-anything-2 answer: %w", err)
	}
	if doc.Masks == nil || doc.Scores == nil || doc.Logits == nil {
		return SAMResult{}, errors.New(`segment-anything-2 answer: needs "masks", "scores" and "logits"`)
	}
	if m := strings.TrimSpace(*doc.Masks); m == "" || m == "[]" {
		return SAMResult{}, fmt.Errorf("segment-anything-2 answer: %w: no mask", ErrEmptyResult)
	}
	return SAMResult{Masks: *doc.Masks, Scores: *doc.Scores, Logits: *doc.Logits}, nil
}
