package simnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"jobtester/media/live"
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

// defaultLiveOutputTimeout is the gateway's output watchdog when
// -liveOutSegmentTimeout is unset.
const defaultLiveOutputTimeout = 30 * time.Second

type liveStartRequest struct {
	RequestID string          `json:"request_id"`
	Gateway   string          `json:"gateway"`
	Stream    string          `json:"stream"`
	StreamID  string          `json:"stream_id"`
	Model     string          `json:"model"`
	InputURL  string          `json:"input_url"`
	OutputURL string          `json:"output_url"`
	Params    json.RawMessage `json:"params,omitempty"`
	// OutputTimeout is the gateway's output watchdog: with no output
	// frame this long after the startup delay, the stream is given up.
	OutputTimeout time.Duration `json:"output_timeout"`
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

	// counts are the relay's frames in and out, for the rates /status
	// reports.
	counts live.RelayCounts

	mu sync.Mutex
	liveJobView
	// The last window of those rates: its start and the counts then.
	rateAt          time.Time
	rateIn, rateOut int64
	inFPS, outFPS   float64
}

// rates are the measured input and output frame rates: frames counted over
// the last window of at least 2 s (the real runner recomputes every 10 s;
// testers poll every 2 s), or since the stream started until a window has
// passed.
func (j *liveJob) rates(now time.Time) (in, out float64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	nIn, nOut := j.counts.In.Load(), j.counts.Out.Load()
	if j.rateAt.IsZero() {
		j.rateAt = j.accepted
	}
	dt := now.Sub(j.rateAt)
	switch {
	case dt >= 2*time.Second:
		j.inFPS = float64(nIn-j.rateIn) / dt.Seconds()
		j.outFPS = float64(nOut-j.rateOut) / dt.Seconds()
		j.rateAt, j.rateIn, j.rateOut = now, nIn, nOut
	case j.rateIn == 0 && j.rateOut == 0 && dt > 0:
		j.inFPS, j.outFPS = float64(nIn)/dt.Seconds(), float64(nOut)/dt.Seconds()
	}
	return j.inFPS, j.outFPS
}

// liveJobView is what happened to a stream so far.
type liveJobView struct {
	firstOutput time.Time
	ended       time.Time
	endErr      string
	timedOut    bool // the output watchdog gave up on it
	// dropped: the relay closed the output as the profile's drop_after
	// says, while the input still flowed.
	dropped bool
}

func (j *liveJob) view() liveJobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.liveJobView
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
	o.logger.Debug("live stream started", "request_id", job.req.RequestID, "stream", job.req.Stream, "model", job.req.Model, "profile", job.profile.String())
	watchdog := time.AfterFunc(job.profile.StartupDelay.D()+job.req.OutputTimeout, func() {
		job.mu.Lock()
		if job.firstOutput.IsZero() {
			job.timedOut = true
			job.cancel()
		}
		job.mu.Unlock()
	})
	defer watchdog.Stop()
	// The relay returns nil when the input ends, or when it closed the
	// output for drop_after.
	err := runRelay(ctx, job.req.InputURL, job.req.OutputURL, job.profile, &job.counts, func(t time.Time) {
		job.mu.Lock()
		if job.firstOutput.IsZero() {
			job.firstOutput = t
		}
		job.mu.Unlock()
	})
	job.mu.Lock()
	job.ended = time.Now()
	d := job.profile.DropAfter.D()
	switch {
	case job.timedOut:
		err = errors.New(msgNoOutput)
	case err == nil && d > 0 && !job.firstOutput.IsZero() && job.ended.Sub(job.firstOutput) >= d:
		job.dropped = true
		err = errors.New(msgOutputStopped)
	}
	if err != nil {
		job.endErr = err.Error()
	}
	job.mu.Unlock()
	o.logger.Debug("live stream ended", "request_id", job.req.RequestID, "err", err)
	return err
}
