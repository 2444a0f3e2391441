package livepeer

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// Class is what an answer means for the orchestrator under test
// (docs/livepeer.md, "Batch AI routes and answers").
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

// classifyStatus classifies an HTTP answer by its status.
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
