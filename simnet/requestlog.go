package simnet

import (
	"sync"
	"time"
)

// Outcomes of a job as the orchestrator (or, for "offline", the gateway)
// saw it.
const (
	OutcomeOK         = "ok"          // served, output as asked
	OutcomeWrongSize  = "wrong_size"  // served, output of another size
	OutcomeError      = "error"       // failed (failure rate or broken model)
	OutcomeBadRequest = "bad_request" // refused as invalid by the orchestrator
	OutcomeNoCapacity = "no_capacity" // refused: "insufficient capacity"
	OutcomeOffline    = "offline"     // the gateway could not connect to it
	OutcomeCancelled  = "cancelled"   // the gateway gave up before it finished
)

// Request is one job an orchestrator served or refused.
type Request struct {
	// Seq orders the log; it is also the cursor of GET /requests?since=.
	Seq int64 `json:"seq"`
	// RequestID is the gateway's id for the client request (the
	// /stream/<id>/ of its media); retries share it.
	RequestID        string    `json:"request_id"`
	Orchestrator     string    `json:"orchestrator"` // lowercase address
	OrchestratorName string    `json:"orchestrator_name"`
	Gateway          string    `json:"gateway"`
	Pipeline         string    `json:"pipeline"` // route, e.g. "text-to-image"
	Model            string    `json:"model"`
	Start            time.Time `json:"start"`
	End              time.Time `json:"end"`
	Outcome          string    `json:"outcome"`
	// Cold is true for the job that paid the model's cold start.
	Cold  bool   `json:"cold,omitempty"`
	Error string `json:"error,omitempty"`
	// Cheat is the cheat kind the orchestrator applied to this job, "" for
	// an honest answer; tester_aware marks the jobs it served as real
	// traffic (slower, failing more). LooksLikeTester is a tester_aware
	// model's verdict that the request was the tester's.
	Cheat           string `json:"cheat,omitempty"`
	LooksLikeTester bool   `json:"looks_like_tester,omitempty"`
	// Width and Height are the size of the image or video returned.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
}

// requestLog is the network's record of jobs, shared by its orchestrators
// and gateways. It is simnet's omniscient view, not something a gateway
// exposes.
type requestLog struct {
	mu   sync.Mutex
	seq  int64
	reqs []Request
}

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	r.Seq = l.seq
	l.reqs = append(l.reqs, r)
}

// since returns a copy of the entries with Seq > after.
func (l *requestLog) since(after int64) []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Seq is 1-based and dense, so the entry with Seq n is at index n-1.
	start := int(min(max(after, 0), int64(len(l.reqs))))
	return append([]Request(nil), l.reqs[start:]...)
}
