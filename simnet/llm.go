package simnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

func parseLLM(r *http.Request, job *jobRequest) error {
	var req struct {
		Model       *string       `json:"model"`
		Messages    *[]llmMessage `json:"messages"`
		Stream      *bool         `json:"stream"`
		MaxTokens   *int          `json:"max_tokens"`
		Temperature *float32      `json:"temperature"`
		TopP        *float32      `json:"top_p"`
		TopK        *int          `json:"top_k"`
	}
	if err := decodeJSONBody(r, &req); err != nil {
		return err
	}
	// The gateway's own check (docs/livepeer.md, "Batch AI routes and
	// answers"): all four present, messages
	// not empty.
	if req.Model == nil || *req.Model == "" || req.Messages == nil || len(*req.Messages) == 0 || req.Stream == nil || req.MaxTokens == nil {
		return errors.New("missing required fields")
	}
	if *req.MaxTokens < 0 {
		return fmt.Errorf("max_tokens %d is negative", *req.MaxTokens)
	}
	job.Model, job.Messages, job.Stream, job.MaxTokens = *req.Model, *req.Messages, *req.Stream, *req.MaxTokens
	return nil
}

// LLM response shapes (worker.LLMResponse).
type llmResponse struct {
	ID      string      `json:"id"`
	Model   string      `json:"model"`
	Created int64       `json:"created"`
	Usage   llmUsage    `json:"usage"`
	Choices []llmChoice `json:"choices"`
}

type llmUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type llmChoice struct {
	Index        int         `json:"index"`
	Message      *llmMessage `json:"message,omitempty"`
	Delta        *llmMessage `json:"delta,omitempty"`
	FinishReason *string     `json:"finish_reason,omitempty"`
}

func (g *gateway) respondLLM(w http.ResponseWriter, job jobRequest, res jobResult) {
	stop := "stop"
	if res.CompletionTokens >= job.MaxTokens {
		stop = "length"
	}
	base := llmResponse{
		ID: "chatcmpl-" + job.RequestID, Model: job.Model, Created: time.Now().Unix(),
		Usage: llmUsage{res.PromptTokens, res.CompletionTokens, res.PromptTokens + res.CompletionTokens},
	}
	if !job.Stream {
		base.Choices = []llmChoice{{Message: &llmMessage{Role: "assistant", Content: res.Completion}, FinishReason: &stop}}
		writeJSON(w, http.StatusOK, base)
		return
	}
	// Server-sent events, one token a chunk; the last chunk carries the
	// finish reason and there is no [DONE] (the gateway stops at the first
	// non-empty finish_reason).
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	send := func(c llmChoice) bool {
		chunk := base
		chunk.Choices = []llmChoice{c}
		b, err := json.Marshal(chunk)
		if err == nil {
			_, err = fmt.Fprintf(w, "data: %s\n\n", b)
		}
		if flusher != nil {
			flusher.Flush()
		}
		return err == nil
	}
	for i, word := range strings.Fields(res.Completion) {
		content := word
		if i > 0 {
			content = " " + word
		}
		if !send(llmChoice{Delta: &llmMessage{Role: "assistant", Content: content}}) {
			return
		}
	}
	send(llmChoice{Delta: &llmMessage{Role: "assistant"}, FinishReason: &stop})
}
