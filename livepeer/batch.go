package livepeer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptrace"
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

// Submit sends one batch AI job and classifies the answer
// (docs/livepeer.md, "Batch AI routes and answers"). It never returns an
// error for what the gateway or orchestrator did: that is in the result.
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
