package simnet

import (
	"encoding/json"
	"net/http"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The client may be gone; there is no one left to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is the gateway's error body (handleAPIError / respondWithError).
type apiError struct {
	Error struct {
		Message string `json:"message"`
	} `json:"error"`
}

func writeAPIError(w http.ResponseWriter, status int, msg string) {
	var e apiError
	e.Error.Message = msg
	writeJSON(w, status, e)
}

// abortConnection closes the client's connection without writing a
// response: what a client of go-livepeer sees when a batch handler panics
// (issues #3867, #3917), and what a vanished orchestrator looks like.
func abortConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2): net/http aborts the stream for this panic
	// value without logging it.
	panic(http.ErrAbortHandler)
}
