package simnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// orchestratorVersion is what simulated orchestrators report, as go-livepeer
// does in Capabilities.version.
const (
	orchestratorVersion = "0.9.1"
	runnerVersion       = "0.14.1"
)

// orchestrator is one simulated orchestrator: an HTTP server (two when its
// AI-registry URI is separate) that runs jobs as its profile says.
type orchestrator struct {
	spec   OrchestratorSpec
	log    *requestLog
	logger *slog.Logger
	scale  scaler
	cache  *mediaCache
	// jitterSeed is the orchestrator's own faint noise on images
	// (content.go).
	jitterSeed uint64
	// clock is time.Now; offline times are measured from start.
	start time.Time

	// Fixed once listening.
	serviceURI   string
	aiServiceURI string // "" when not registered in the AI registry

	mu        sync.Mutex
	rng       *rand.Rand
	models    map[string]*modelState // by modelKey
	jobs      int
	offline   bool
	offlineAt time.Time
	closed    bool
	servers   []*orchServer
	timers    []*time.Timer
	live      orchLive
	wg        sync.WaitGroup
}

type orchServer struct {
	addr string
	srv  *http.Server
	ln   net.Listener
}

type modelState struct {
	spec     ModelSpec
	pipeline pipeline
	warm     bool
	inUse    int
	// cheat is the spec's cheat with its defaults, nil for an honest
	// model; replay is a replaying cheat's memory.
	cheat  *CheatSpec
	replay replayCache
}

func modelKey(route, model string) string { return route + "\x00" + model }

func newOrchestrator(spec OrchestratorSpec, rng *rand.Rand, log *requestLog, logger *slog.Logger, scale scaler, cache *mediaCache) *orchestrator {
	o := &orchestrator{spec: spec, rng: rng, log: log, logger: logger.With("orchestrator", spec.Name), scale: scale, cache: cache, models: map[string]*modelState{}}
	for _, m := range spec.Models {
		p, _ := pipelineByRoute(m.Pipeline)
		o.models[modelKey(m.Pipeline, m.Model)] = &modelState{spec: m, pipeline: p, warm: !m.Cold, cheat: cheatDefaults(m.Cheat, m.Model)}
	}
	o.jitterSeed = contentSeed(spec.Address)
	return o
}

// listen opens the orchestrator's listeners on host; it does not serve yet.
func (o *orchestrator) listen(host string) error {
	n := 1
	if o.spec.AIServiceURI == aiURISeparate {
		n = 2
	}
	for range n {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			o.closeListeners()
			return fmt.Errorf("orchestrator %s: listen: %w", o.spec.Name, err)
		}
		o.servers = append(o.servers, &orchServer{addr: ln.Addr().String(), ln: ln})
	}
	o.serviceURI = "http://" + o.servers[0].addr
	switch o.spec.AIServiceURI {
	case aiURISame:
		o.aiServiceURI = o.serviceURI
	case aiURISeparate:
		o.aiServiceURI = "http://" + o.servers[1].addr
	}
	return nil
}

func (o *orchestrator) closeListeners() {
	for _, s := range o.servers {
		s.ln.Close()
	}
}

// serve starts serving and arms the offline timer, if any.
func (o *orchestrator) serve(start time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.start = start
	for _, s := range o.servers {
		o.serveOn(s)
	}
	if off := o.spec.Offline; off != nil && off.After > 0 {
		o.timers = append(o.timers, time.AfterFunc(o.scale.of(off.After.D()), func() {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.goOffline()
		}))
	}
}

// serveOn runs s's server on its listener. Callers hold o.mu.
func (o *orchestrator) serveOn(s *orchServer) {
	s.srv = &http.Server{Handler: o.handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(o.logger.Handler(), slog.LevelDebug)}
	o.wg.Add(1)
	go func(srv *http.Server, ln net.Listener) {
		defer o.wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			o.logger.Error("orchestrator server stopped", "err", err)
		}
	}(s.srv, s.ln)
}

// goOffline closes the listeners so that new connections are refused, lets
// the jobs in flight finish, and closes every connection after its response.
// Callers hold o.mu.
func (o *orchestrator) goOffline() {
	if o.offline || o.closed {
		return
	}
	o.offline = true
	o.offlineAt = time.Now()
	o.logger.Info("orchestrator going offline")
	o.stopLive()
	for _, s := range o.servers {
		s.srv.SetKeepAlivesEnabled(false)
		s.ln.Close()
		o.wg.Add(1)
		go func(srv *http.Server) {
			defer o.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), maxLatency)
			defer cancel()
			_ = srv.Shutdown(ctx)
		}(s.srv)
	}
	if d := o.spec.Offline.For; d > 0 {
		o.timers = append(o.timers, time.AfterFunc(o.scale.of(d.D()), o.comeBack))
	}
}

// comeBack listens again on the same addresses.
func (o *orchestrator) comeBack() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.offline || o.closed {
		return
	}
	for _, s := range o.servers {
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			o.logger.Error("orchestrator cannot come back online", "addr", s.addr, "err", err)
			return
		}
		s.ln = ln
	}
	o.offline = false
	o.logger.Info("orchestrator back online")
	for _, s := range o.servers {
		o.serveOn(s)
	}
}

func (o *orchestrator) close() {
	o.mu.Lock()
	o.closed = true
	o.stopLive()
	for _, t := range o.timers {
		t.Stop()
	}
	for _, s := range o.servers {
		if s.srv != nil {
			s.srv.Close()
		} else {
			s.ln.Close()
		}
	}
	o.mu.Unlock()
	o.wg.Wait()
}

func (o *orchestrator) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathInfo, o.serveInfo)
	mux.HandleFunc("POST "+pathJob, o.serveJob)
	mux.HandleFunc("POST "+pathLive, o.serveLive)
	return mux
}

func (o *orchestrator) info() orchInfo {
	o.mu.Lock()
	defer o.mu.Unlock()
	info := orchInfo{Address: o.spec.Address, ServiceURI: o.serviceURI, Version: orchestratorVersion, GPU: o.spec.GPU}
	for _, m := range o.spec.Models {
		st := o.models[modelKey(m.Pipeline, m.Model)]
		if m.Unadvertised {
			continue
		}
		info.Models = append(info.Models, infoModel{
			Pipeline: m.Pipeline, Capability: st.pipeline.Capability, Model: m.Model,
			Warm: st.warm, Capacity: m.advertisedCapacity(), InUse: st.inUse,
			PricePerUnit: m.PricePerUnit, PixelsPerUnit: m.PixelsPerUnit,
		})
	}
	return info
}

func (o *orchestrator) serveInfo(w http.ResponseWriter, r *http.Request) {
	if o.dropIfOffline(w) {
		return
	}
	writeJSON(w, http.StatusOK, o.info())
}

// dropIfOffline closes the connection of a request that slipped in while
// the orchestrator was going offline: to the sender it looks like the
// orchestrator vanished, which is what happened.
func (o *orchestrator) dropIfOffline(w http.ResponseWriter) bool {
	o.mu.Lock()
	off := o.offline
	o.mu.Unlock()
	if off {
		abortConnection(w)
	}
	return off
}

func (o *orchestrator) serveJob(w http.ResponseWriter, r *http.Request) {
	if o.dropIfOffline(w) {
		return
	}
	start := time.Now()
	var job jobRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 2*maxRequestBytes)).Decode(&job); err != nil {
		writeJSON(w, http.StatusBadRequest, jobError{"decode job: " + err.Error()})
		return
	}
	rec := Request{
		RequestID: job.RequestID, Orchestrator: o.spec.Address, OrchestratorName: o.spec.Name,
		Gateway: job.Gateway, Pipeline: job.Pipeline, Model: job.Model, Start: start,
	}
	release := func() {} // set once the job holds a slot
	finish := func(status int, outcome, msg string) {
		release()
		rec.End, rec.Outcome, rec.Error = time.Now(), outcome, msg
		o.log.add(rec)
		// 0: the caller is gone (cancelled) and nobody reads an answer;
		// writing status 0 would panic the handler.
		if status != http.StatusOK && status != 0 {
			writeJSON(w, status, jobError{msg})
		}
	}

	o.mu.Lock()
	st := o.models[modelKey(job.Pipeline, job.Model)]
	if st == nil || st.spec.Unadvertised {
		o.mu.Unlock()
		finish(http.StatusInternalServerError, OutcomeError, fmt.Sprintf("model %s is not loaded for %s", job.Model, job.Pipeline))
		return
	}
	d := drawJob(o.rng)
	if st.inUse >= st.spec.Capacity || d.noCapacity < st.spec.NoCapacityRate {
		o.mu.Unlock()
		finish(http.StatusServiceUnavailable, OutcomeNoCapacity, msgInsufficientCapacity)
		return
	}
	st.inUse++
	o.jobs++
	rec.Cold = !st.warm
	st.warm = true
	latency := lognormal(st.spec.Latency.Median.D(), st.spec.Latency.Spread, d.latencyZ)
	if rec.Cold {
		latency += st.spec.ColdStart.D()
	}
	failed := st.spec.Broken || d.failure < st.spec.FailureRate
	latency, failed = testerAware(st, job, d, &rec, latency, failed)
	wrongSize := !failed && d.wrongSize < st.spec.WrongSizeRate
	lastJob := o.spec.Offline != nil && o.spec.Offline.AfterRequests > 0 && o.jobs == o.spec.Offline.AfterRequests
	o.mu.Unlock()

	// The job's slot is freed when its work ends, before the answer goes
	// out: a large answer is read by the gateway while this handler is
	// still writing it, and the next job must not find the slot taken.
	var releaseOnce sync.Once
	release = func() {
		releaseOnce.Do(func() {
			o.mu.Lock()
			defer o.mu.Unlock()
			st.inUse--
		})
	}
	defer release()
	deadline := start.Add(o.scale.of(latency))

	var (
		res    jobResult
		genErr error
	)
	if !failed {
		res, rec.Width, rec.Height, genErr = o.make(job, st, wrongSize, d, &rec)
	}
	if !sleepUntil(r.Context(), deadline) {
		finish(0, OutcomeCancelled, r.Context().Err().Error())
		return
	}
	if lastJob {
		// Close the doors before answering: the next request is refused
		// while this response still goes out on its open connection.
		o.mu.Lock()
		o.goOffline()
		o.mu.Unlock()
	}
	status, outcome, msg := jobOutcome(job, failed, st.spec.Broken, wrongSize, genErr)
	finish(status, outcome, msg)
	if status == http.StatusOK {
		writeJSON(w, http.StatusOK, res)
	}
}

// jobOutcome is how a job that ran its time ends: the status the runner
// answers, the outcome the request log records, and the error message.
func jobOutcome(job jobRequest, failed, broken, wrongSize bool, genErr error) (int, string, string) {
	switch {
	case failed && broken:
		return http.StatusInternalServerError, OutcomeError, fmt.Sprintf("pipeline %s: model %s failed to load", job.Pipeline, job.Model)
	case failed:
		return http.StatusInternalServerError, OutcomeError, "inference failed: CUDA error: an illegal memory access was encountered"
	case genErr != nil:
		return http.StatusBadRequest, OutcomeBadRequest, genErr.Error()
	case wrongSize:
		return http.StatusOK, OutcomeWrongSize, ""
	}
	return http.StatusOK, OutcomeOK, ""
}

// sleepUntil waits for the deadline; false if ctx ended first.
func sleepUntil(ctx context.Context, deadline time.Time) bool {
	d := time.Until(deadline)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// snapshot returns what the truth reports about the orchestrator's state.
func (o *orchestrator) snapshot() (offline bool, offlineAt time.Time, jobs int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.offline, o.offlineAt, o.jobs
}

// make produces the job's output: the model's, or the cheat's when the
// model cheats on this job (rec.Cheat says which).
func (o *orchestrator) make(job jobRequest, st *modelState, wrongSize bool, d draws, rec *Request) (jobResult, int, int, error) {
	rng := rand.New(rand.NewPCG(d.output, 0))
	c := st.cheat
	if c != nil && c.Kind != CheatTesterAware && cheatChance(d.output) < c.Rate {
		if res, w, h, err, ok := o.cheatOutput(job, st, wrongSize, rng); ok {
			rec.Cheat = c.Kind
			return res, w, h, err
		}
	}
	res, w, h, err := produce(job, st.pipeline, wrongSize, rng, o.cache, o.jitterSeed)
	if c != nil && c.Kind == CheatReplay && err == nil {
		st.replay.put(replayKey(c.Key, job), replayed{res, w, h})
	}
	return res, w, h, err
}

// testerAware is a tester_aware cheat's treatment of a job: real traffic is
// served slower and fails more, the tester's is served as advertised.
func testerAware(st *modelState, job jobRequest, d draws, rec *Request, latency time.Duration, failed bool) (time.Duration, bool) {
	c := st.cheat
	if c == nil || c.Kind != CheatTesterAware {
		return latency, failed
	}
	if rec.LooksLikeTester = looksLikeTester(job); rec.LooksLikeTester {
		return latency, failed
	}
	rec.Cheat = CheatTesterAware
	return time.Duration(float64(latency) * c.RealLatencyFactor), failed || d.failure < st.spec.FailureRate+c.RealFailureRate
}
