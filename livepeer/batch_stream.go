package livepeer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// readEventStream reads server-sent events up to and including the first
// whose data has a non-empty finish_reason (or is [DONE]), or to EOF.
func readEventStream(r io.Reader, max int64) (body []byte, truncated bool, err error) {
	br := bufio.NewReader(io.LimitReader(r, max+1))
	var buf bytes.Buffer
	var data []byte
	for {
		line, rerr := br.ReadBytes('\n')
		buf.Write(line)
		if int64(buf.Len()) > max {
			return buf.Bytes()[:max], true, nil
		}
		text := bytes.TrimRight(line, "\r\n")
		if len(text) == 0 && rerr == nil {
			if eventFinishes(data) {
				return buf.Bytes(), false, nil
			}
			data = data[:0]
		} else if v, ok := bytes.CutPrefix(text, []byte("data:")); ok {
			if len(data) > 0 {
				data = append(data, '\n')
			}
			data = append(data, bytes.TrimPrefix(v, []byte(" "))...)
		}
		if rerr == io.EOF {
			return buf.Bytes(), false, nil
		}
		if rerr != nil {
			return buf.Bytes(), false, rerr
		}
	}
}

func eventFinishes(data []byte) bool {
	if string(bytes.TrimSpace(data)) == "[DONE]" {
		return true
	}
	var chunk struct {
		Choices []struct {
			FinishReason *string `json:"finish_reason"`
		} `json:"choices"`
	}
	if json.Unmarshal(data, &chunk) != nil {
		return false
	}
	for _, ch := range chunk.Choices {
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			return true
		}
	}
	return false
}

// parseLLMStream parses a streamed llm answer: server-sent events
// "data: {…}\n\n" whose choices[].delta.content are concatenated, up to
// the first event with a non-empty finish_reason (the gateway sends no
// [DONE]; one is accepted). A stream that ends before a finish_reason is
// incomplete and an error, as is an event that is not an llm chunk or one
// carrying an "error".
func parseLLMStream(body []byte) (string, error) {
	var text strings.Builder
	var data [][]byte
	n := 0
	dispatch := func() (done bool, err error) {
		if len(data) == 0 {
			return false, nil
		}
		payload := bytes.Join(data, []byte("\n"))
		data = data[:0]
		n++
		if string(bytes.TrimSpace(payload)) == "[DONE]" {
			return true, nil
		}
		var chunk struct {
			Choices *[]struct {
				Delta *struct {
					Content *string `json:"content"`
				} `json:"delta"`
				FinishReason *string `json:"finish_reason"`
			} `json:"choices"`
			Error json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(payload, &chunk); err != nil {
			return false, fmt.Errorf("llm stream: event %d: %w", n, err)
		}
		if len(chunk.Error) > 0 && string(chunk.Error) != "null" {
			return false, fmt.Errorf("llm stream: event %d: error %s", n, snippet(chunk.Error))
		}
		if chunk.Choices == nil {
			return false, fmt.Errorf(`llm stream: event %d: no "choices"`, n)
		}
		for _, ch := range *chunk.Choices {
			if ch.Delta != nil && ch.Delta.Content != nil {
				text.WriteString(*ch.Delta.Content)
			}
			if ch.FinishReason != nil && *ch.FinishReason != "" {
				done = true
			}
		}
		return done, nil
	}
	for _, line := range bytes.Split(body, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			done, err := dispatch()
			if err != nil {
				return "", err
			}
			if done {
				return finishText(text.String())
			}
			continue
		}
		// event:, id:, retry:, comments and unknown fields carry nothing
		// here.
		if v, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			data = append(data, bytes.TrimPrefix(v, []byte(" ")))
		}
	}
	// A last event without its blank line (a body cut short).
	done, err := dispatch()
	if err != nil {
		return "", err
	}
	if done {
		return finishText(text.String())
	}
	if n == 0 {
		return "", errors.New("llm stream: no event")
	}
	return "", fmt.Errorf("llm stream: ended after %d events without a finish_reason", n)
}

func finishText(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("llm stream: %w: no content", ErrEmptyResult)
	}
	return s, nil
}
