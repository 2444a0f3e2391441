package simnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// The internal protocol's live call (see protocol.go): the gateway asks an
// orchestrator to run a stream, as go-livepeer's gateway asks an O's
// /live-video-to-video. The orchestrator pulls the input itself and
// publishes the output, where the real pair relays trickle segments; to a
// tester the media server sees the same: one reader of <stream>, one
// publisher of <stream>-out.
//
//	POST /simnet/v1/live  liveStartRequest → 200 liveStartResponse,
//	     503 jobError{"OrchestratorCapped"}, or 500 jobError
const pathLive = "/simnet/v1/live"

// msgOrchestratorCapped is the orchestrator's refusal of a live stream for
// capacity (core.ErrOrchCap).
const msgOrchestratorCapped = "OrchestratorCapped"

// liveNoOutputTimeout is the gateway's output watchdog (-liveOutSegmentTimeout
// unset): a stream with no output this long after it started is given up.
const liveNoOutputTimeout = 30 * time.Second

type liveStartRequest struct {
	RequestID string          `json:"request_id"`
	Gateway   string          `json:"gateway"`
	Stream    string          `json:"stream"`
	StreamID  string          `json:"stream_id"`
	Model     string          `json:"model"`
	InputURL  string          `json:"input_url"`
	OutputURL string          `json:"output_url"`
	Params    json.RawMessage `json:"params,omitempty"`
}

type liveStartResponse struct {
	ManifestID string `json:"manifest_id"`
}

// liveJob is one stream an orchestrator runs: its injected profile and what
// happened to it. The gateway that started it reads it for /status and the
// truth (in the real network, the runner's events trickle channel).
type liveJob struct {
	req      liveStartRequest
	orch     *orchestrator
	profile  LiveProfile
	accepted time.Time
	cancel   context.CancelFunc

	mu          sync.Mutex
	stats       relayStats
	samples     []fpsSample // at most one a second, the last liveFPSWindow
	firstOutput time.Time
	ended       time.Time
	endErr      string
	timedOut    bool // the output watchdog gave up on it
}

// relayStats are the frame counts a relay reports as it runs.
type relayStats struct {
	InFrames, OutFrames int
	LastIn, LastOut     time.Time
}

type liveJobView struct {
	stats       relayStats
	firstOutput time.Time
	ended       time.Time
	endErr      string
	timedOut    bool
}

func (j *liveJob) view() liveJobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	return liveJobView{stats: j.stats, firstOutput: j.firstOutput, ended: j.ended, endErr: j.endErr, timedOut: j.timedOut}
}

// orchLive is an orchestrator's live state. Its context ends when the
// orchestrator closes or goes offline, and with it every stream it runs.
type orchLive struct {
	ctx    context.Context
	cancel context.CancelFunc
	jobs   map[string]*liveJob // by request id
}

// stopLive ends every stream the orchestrator runs: it closed, or went
// offline and took its runners with it. Callers hold o.mu.
func (o *orchestrator) stopLive() {
	if o.live.cancel != nil {
		o.live.cancel()
	}
	o.live.ctx, o.live.cancel = nil, nil
}

// liveJob returns the stream with this request id, or nil.
func (o *orchestrator) liveJob(requestID string) *liveJob {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.live.jobs[requestID]
}

func (o *orchestrator) serveLive(w http.ResponseWriter, r *http.Request) {
	if o.dropIfOffline(w) {
		return
	}
	start := time.Now()
	var req liveStartRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, jobError{"decode live request: " + err.Error()})
		return
	}
	rec := Request{
		RequestID: req.RequestID, Orchestrator: o.spec.Address, OrchestratorName: o.spec.Name,
		Gateway: req.Gateway, Pipeline: liveRoute, Model: req.Model, Start: start,
	}
	refuse := func(status int, outcome, msg string) {
		rec.End, rec.Outcome, rec.Error = time.Now(), outcome, msg
		o.log.add(rec)
		writeJSON(w, status, jobError{msg})
	}

	o.mu.Lock()
	st := o.models[modelKey(liveRoute, req.Model)]
	switch {
	case o.closed:
		o.mu.Unlock()
		abortConnection(w)
		return
	case st == nil || st.spec.Unadvertised:
		o.mu.Unlock()
		refuse(http.StatusInternalServerError, OutcomeError, fmt.Sprintf("model %s is not loaded for %s", req.Model, liveRoute))
		return
	case st.inUse >= st.spec.advertisedCapacity():
		o.mu.Unlock()
		refuse(http.StatusServiceUnavailable, OutcomeNoCapacity, msgOrchestratorCapped)
		return
	}
	st.inUse++
	if o.live.ctx == nil {
		o.live.ctx, o.live.cancel = context.WithCancel(context.Background())
	}
	if o.live.jobs == nil {
		o.live.jobs = map[string]*liveJob{}
	}
	ctx, cancel := context.WithCancel(o.live.ctx)
	job := &liveJob{req: req, orch: o, profile: *st.spec.Live, accepted: start, cancel: cancel}
	o.live.jobs[req.RequestID] = job
	o.wg.Add(1)
	o.mu.Unlock()

	go func() {
		defer o.wg.Done()
		defer cancel()
		err := o.runLive(ctx, job)
		o.mu.Lock()
		st.inUse--
		o.mu.Unlock()
		rec.End = time.Now()
		switch {
		case err == nil:
			rec.Outcome = OutcomeOK
		case ctx.Err() != nil && !job.view().timedOut:
			rec.Outcome, rec.Error = OutcomeCancelled, err.Error()
		default:
			rec.Outcome, rec.Error = OutcomeError, err.Error()
		}
		o.log.add(rec)
	}()
	writeJSON(w, http.StatusOK, liveStartResponse{ManifestID: req.RequestID})
}

// runLive runs the relay until the input ends, the orchestrator stops, or
// the output watchdog gives up, and records how it ended.
func (o *orchestrator) runLive(ctx context.Context, job *liveJob) error {
	o.logger.Info("live stream started", "request_id", job.req.RequestID, "stream", job.req.Stream, "model", job.req.Model, "profile", job.profile.String())
	watchdog := time.AfterFunc(job.profile.StartupDelay.D()+liveNoOutputTimeout, func() {
		job.mu.Lock()
		if job.firstOutput.IsZero() {
			job.timedOut = true
			job.cancel()
		}
		job.mu.Unlock()
	})
	defer watchdog.Stop()
	err := runRelay(ctx, job.req.InputURL, job.req.OutputURL, job.profile, relayHooks{
		firstOutput: func(t time.Time) {
			job.mu.Lock()
			if job.firstOutput.IsZero() {
				job.firstOutput = t
			}
			job.mu.Unlock()
		},
		stats: func(s relayStats) { job.setStats(s, time.Now()) },
	})
	if isInputEnd(err) {
		err = nil
	}
	job.mu.Lock()
	job.ended = time.Now()
	if job.timedOut {
		err = errors.New("timeout waiting for segments")
	}
	if err != nil {
		job.endErr = err.Error()
	}
	job.mu.Unlock()
	o.logger.Info("live stream ended", "request_id", job.req.RequestID, "err", err)
	return err
}

// relayHooks are what runLive learns from the relay while it runs.
type relayHooks struct {
	firstOutput func(time.Time)
	stats       func(relayStats)
}

type fpsSample struct {
	at      time.Time
	in, out int
}

// setStats records the relay's counts, and a sample for the fps window.
func (j *liveJob) setStats(s relayStats, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stats = s
	if n := len(j.samples); n == 0 || now.Sub(j.samples[n-1].at) >= time.Second {
		j.samples = append(j.samples, fpsSample{at: now, in: s.InFrames, out: s.OutFrames})
	}
	for len(j.samples) > 1 && now.Sub(j.samples[1].at) > liveFPSWindow {
		j.samples = j.samples[1:]
	}
}

// fps is the input and output frame rates over the runner's window: the
// frames since the oldest sample in it, over the time since. A stream
// whose frames stopped decays to 0 as its samples age out.
func (j *liveJob) fps(now time.Time) (in, out float64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.samples) == 0 {
		return 0, 0
	}
	base := j.samples[len(j.samples)-1]
	for _, s := range j.samples {
		if now.Sub(s.at) <= liveFPSWindow {
			base = s
			break
		}
	}
	dt := now.Sub(base.at).Seconds()
	if dt < 0.5 {
		return 0, 0 // too short a window to say
	}
	return float64(j.stats.InFrames-base.in) / dt, float64(j.stats.OutFrames-base.out) / dt
}
