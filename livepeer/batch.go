package livepeer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// Job is one batch AI request to a gateway's HTTP listener.
type Job struct {
	// Route is the gateway route without the slash: "text-to-image", …
	// (see Pipelines).
	Route string
	// JSON is the body of a JSON route, marshalled with encoding/json (a
	// json.RawMessage is sent as is).
	JSON any
	// Form and Files make a multipart body instead: plain fields, and file
	// fields such as "image" or "audio".
	Form  map[string]string
	Files map[string]File
	// Stream reads the answer as server-sent events (llm with
	// "stream": true, which the JSON body must itself say): reading stops
	// after the first event with a non-empty finish_reason.
	Stream bool
}

// File is one file field of a multipart job.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Class is what an answer means for the orchestrator under test (§9.3 of
// the protocol notes).
type Class string

const (
	// ClassOK is a 2xx answer; the body still has to be validated.
	ClassOK Class = "ok"
	// ClassBadRequest is 400: the gateway or the orchestrator refused the
	// request (usually the test definition's fault).
	ClassBadRequest Class = "bad_request"
	// ClassNoCapacity is 503, or the gateway closing the connection with
	// no response at all (go-livepeer's nil dereference when no
	// orchestrator could be selected, issues #3867/#3917).
	ClassNoCapacity Class = "no_capacity"
	// ClassFailed is 500 and any other status, or a 2xx whose body could
	// not be read.
	ClassFailed Class = "failed"
	// ClassTimeout is the context deadline (or the client's timeout)
	// passing after the gateway accepted the connection.
	ClassTimeout Class = "timeout"
	// ClassTransport is our side broken: the request could not be built,
	// the gateway could not be reached (refused, DNS, TLS, or the deadline
	// passing before a connection was made), or the caller cancelled.
	ClassTransport Class = "transport"
)

// JobResult is a batch job's answer, classified.
type JobResult struct {
	Status int    // HTTP status, 0 when there was no response
	Body   []byte // response body, at most GatewayClient.MaxBody bytes
	// Truncated reports that the body went on beyond the cap.
	Truncated   bool
	ContentType string
	// RoundTrip runs from the start of the request to the body fully read
	// (or, when streaming, to the finishing event).
	RoundTrip time.Duration
	// FirstByte runs from the start of the request to the first byte of
	// the response (the first token of a streamed llm answer, roughly).
	FirstByte time.Duration
	Class     Class
	// Message is the gateway's {"error":{"message":…}} (or the start of a
	// non-JSON error body) for a non-2xx answer, or the transport error.
	Message string
}

// Submit sends one batch AI job (§3.1) and classifies the answer (§3.3,
// §9.3). It never returns an error for what the gateway or orchestrator
// did: that is in the result.
//
// With the default HTTP client every job opens its own connection, so a
// connection closed without a response always means the gateway gave up
// on the request (ClassNoCapacity). A caller-supplied client that reuses
// connections may rarely see a stale kept-alive connection fail the same
// way.
func (c *GatewayClient) Submit(ctx context.Context, job Job) JobResult {
	ctx, cancel := withDefaultDeadline(ctx, DefaultJobTimeout)
	defer cancel()

	// The trace tells "never reached the gateway" (our side) from "the
	// gateway hung up without answering" (no orchestrator).
	var connected atomic.Bool
	var firstByte atomic.Int64
	var start time.Time // set before Do, which starts the goroutines reading it
	traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:              func(httptrace.GotConnInfo) { connected.Store(true) },
		GotFirstResponseByte: func() { firstByte.CompareAndSwap(0, int64(time.Since(start))) },
	})
	req, err := c.newJobRequest(traced, job)
	if err != nil {
		return JobResult{Class: ClassTransport, Message: err.Error()}
	}
	start = time.Now()
	resp, err := c.client().Do(req)
	if err != nil {
		return JobResult{RoundTrip: time.Since(start), Class: classifyNoResponse(ctx, err, connected.Load()), Message: err.Error()}
	}
	defer resp.Body.Close()

	res := JobResult{
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		FirstByte:   time.Duration(firstByte.Load()),
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if ok && job.Stream {
		res.Body, res.Truncated, err = readEventStream(resp.Body, c.maxBody())
	} else {
		res.Body, res.Truncated, err = readCapped(resp.Body, c.maxBody())
	}
	res.RoundTrip = time.Since(start)
	res.Class = classifyStatus(resp.StatusCode)
	if !ok {
		res.Message = errorMessage(res.Body)
	}
	if err != nil {
		switch {
		case isTimeout(ctx, err):
			res.Class = ClassTimeout
		case ctx.Err() != nil:
			res.Class = ClassTransport
		case ok:
			res.Class = ClassFailed
		}
		msg := fmt.Sprintf("read %s response from %s: %v", job.Route, req.URL, err)
		if res.Message != "" {
			msg = res.Message + "; " + msg
		}
		res.Message = msg
	}
	return res
}

func (c *GatewayClient) newJobRequest(ctx context.Context, job Job) (*http.Request, error) {
	route := strings.Trim(job.Route, "/")
	if route == "" || strings.ContainsAny(route, "?#") || strings.Contains(route, "..") {
		return nil, fmt.Errorf("job route %q is not a gateway route", job.Route)
	}
	u, err := endpoint(c.HTTPURL, route, "HTTP")
	if err != nil {
		return nil, err
	}
	multi := len(job.Form) > 0 || len(job.Files) > 0
	var body bytes.Buffer
	var contentType string
	switch {
	case multi && job.JSON != nil:
		return nil, fmt.Errorf("job for %s has both a JSON and a multipart body", route)
	case multi:
		contentType, err = writeMultipart(&body, job)
		if err != nil {
			return nil, fmt.Errorf("build %s request: %w", route, err)
		}
	case job.JSON != nil:
		if err := json.NewEncoder(&body).Encode(job.JSON); err != nil {
			return nil, fmt.Errorf("build %s request: %w", route, err)
		}
		contentType = "application/json"
	default:
		return nil, fmt.Errorf("job for %s has no body", route)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body.Bytes()))
	if err != nil {
		return nil, fmt.Errorf("build %s request: %w", route, err)
	}
	req.Header.Set("Content-Type", contentType)
	if job.Stream {
		req.Header.Set("Accept", "text/event-stream")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	return req, nil
}

// writeMultipart writes fields then files, each in name order so that a
// job's body is reproducible.
func writeMultipart(buf *bytes.Buffer, job Job) (string, error) {
	w := multipart.NewWriter(buf)
	for _, k := range sortedKeys(job.Form) {
		if err := w.WriteField(k, job.Form[k]); err != nil {
			return "", err
		}
	}
	for _, k := range sortedKeys(job.Files) {
		f := job.Files[k]
		name := f.Name
		if name == "" {
			name = k
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(k), quoteEscaper.Replace(name)))
		h.Set("Content-Type", ct)
		part, err := w.CreatePart(h)
		if err != nil {
			return "", err
		}
		if _, err := part.Write(f.Data); err != nil {
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return w.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func classifyStatus(status int) Class {
	switch {
	case status >= 200 && status < 300:
		return ClassOK
	case status == http.StatusBadRequest:
		return ClassBadRequest
	case status == http.StatusServiceUnavailable:
		return ClassNoCapacity
	default:
		return ClassFailed
	}
}

// classifyNoResponse classifies a request that got no HTTP response.
func classifyNoResponse(ctx context.Context, err error, connected bool) Class {
	switch {
	case !connected:
		return ClassTransport
	case isTimeout(ctx, err):
		return ClassTimeout
	case ctx.Err() != nil: // cancelled by the caller
		return ClassTransport
	default:
		return ClassNoCapacity
	}
}

func isTimeout(ctx context.Context, err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return true
	}
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}

// errorMessage pulls the message out of a gateway error body
// {"error":{"message":…}}, or returns the start of a body of another shape.
func errorMessage(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	return snippet(body)
}

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

// FetchMedia GETs a media URL from a job's answer: a relative
// "/stream/…" path is resolved against HTTPURL, an absolute http(s) URL
// (a gateway with -objectStore) is used as is. Fetch promptly: the
// gateway's memory store keeps only the last few results per stream.
// Errors name the URL; a body beyond MaxMedia wraps ErrTooLarge.
func (c *GatewayClient) FetchMedia(ctx context.Context, mediaURL string) ([]byte, string, error) {
	u, err := c.resolveMedia(mediaURL)
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := withDefaultDeadline(ctx, DefaultMediaTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", fmt.Errorf("fetch media %s: %w", u, err)
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("fetch media %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _, _ := readCapped(resp.Body, 4<<10)
		return nil, "", fmt.Errorf("fetch media %s: status %d: %s", u, resp.StatusCode, snippet(body))
	}
	max := c.maxMedia()
	if resp.ContentLength > max {
		return nil, "", fmt.Errorf("fetch media %s: %w: Content-Length %d > %d", u, ErrTooLarge, resp.ContentLength, max)
	}
	body, truncated, err := readCapped(resp.Body, max)
	if err != nil {
		return nil, "", fmt.Errorf("fetch media %s: read body: %w", u, err)
	}
	if truncated {
		return nil, "", fmt.Errorf("fetch media %s: %w (%d bytes)", u, ErrTooLarge, max)
	}
	return body, resp.Header.Get("Content-Type"), nil
}

func (c *GatewayClient) resolveMedia(mediaURL string) (string, error) {
	ref, err := url.Parse(strings.TrimSpace(mediaURL))
	if err != nil || mediaURL == "" {
		return "", fmt.Errorf("fetch media %q: not a URL", snippet([]byte(mediaURL)))
	}
	if ref.IsAbs() {
		if (ref.Scheme != "http" && ref.Scheme != "https") || ref.Host == "" {
			return "", fmt.Errorf("fetch media %q: not an http(s) URL", snippet([]byte(mediaURL)))
		}
		return ref.String(), nil
	}
	if ref.Host != "" || !strings.HasPrefix(ref.Path, "/") {
		// "//host/x" or "x/y": not what a gateway returns.
		return "", fmt.Errorf("fetch media %q: neither an absolute URL nor an absolute path", snippet([]byte(mediaURL)))
	}
	base, err := endpoint(c.HTTPURL, "", "HTTP")
	if err != nil {
		return "", fmt.Errorf("fetch media %s: %w", mediaURL, err)
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("fetch media %s: %w", mediaURL, err)
	}
	return b.ResolveReference(ref).String(), nil
}

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

// ParseLLMStream parses a streamed llm answer: server-sent events
// "data: {…}\n\n" whose choices[].delta.content are concatenated, up to
// the first event with a non-empty finish_reason (the gateway sends no
// [DONE]; one is accepted). A stream that ends before a finish_reason is
// incomplete and an error, as is an event that is not an llm chunk or one
// carrying an "error".
func ParseLLMStream(body []byte) (string, error) {
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
