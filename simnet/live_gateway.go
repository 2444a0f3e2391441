package simnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The gateway's live routes (docs/livepeer.md, "Live video through the
// gateway"), on its HTTP listener.
const livePrefix = "/live/video-to-video/"

// Live timers of the real gateway, wall-clock.
const (
	liveStartTimeout = 5 * time.Second // O start request timeout
	liveKickTimeout  = 2 * time.Second
	// liveStoppedAfter is how long output may stop while input flows
	// before the runner reports ERROR (ai-runner process_guardian).
	liveStoppedAfter = 5 * time.Second
	// defaultMediaMTXAPIPort is where go-livepeer calls the caller's
	// MediaMTX API: the port is hard-coded.
	defaultMediaMTXAPIPort = 9997
	// defaultRTMPPort is the port of the implicit input URL.
	defaultRTMPPort = "1935"
	maxStartForm    = 1 << 20
)

// Errors the gateway records in a stream's gateway_status.
const (
	msgNoOrchestrators = "no orchestrators available"
	msgNoOutput        = "timeout waiting for segments"
	msgOutputStopped   = "output stopped while input is flowing"
)

// gatewayLive is a gateway's live streams.
type gatewayLive struct {
	mu   sync.Mutex
	byID map[string]*liveStream // by streamId, for /status: the latest start wins
	all  []*liveStream          // every start request, in order, for the truth
}

// liveStream is one start request and what became of it.
type liveStream struct {
	received time.Time
	// As received: the path and the form fields.
	stream, sourceID, sourceType, query, rtmpURL string
	caller                                       string
	httpStatus                                   int
	// Read from the query.
	pipelineKey, streamID, pin, paramsRaw string
	model                                 string
	params                                map[string]any
	inURL, outURL                         string
	requestID                             string

	mu       sync.Mutex
	job      *liveJob // nil until an orchestrator accepted the stream
	orchURI  string
	errMsg   string
	errTime  time.Time
	kicked   bool
	finished bool // the start request has been answered
}

// withLive serves the live routes, and everything else with api.
func (g *gateway) withLive(api http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(livePrefix, g.serveLive)
	mux.Handle("/", api)
	return mux
}

// serveLive routes /live/video-to-video/{stream}/start (the stream may have
// a prefix: MediaMTX paths contain slashes) and /{streamId}/status.
func (g *gateway) serveLive(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, livePrefix)
	switch {
	case strings.HasSuffix(rest, "/start") && len(rest) > len("/start"):
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		g.serveLiveStart(w, r, strings.TrimSuffix(rest, "/start"))
	case strings.HasSuffix(rest, "/status") && len(rest) > len("/status"):
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		g.serveLiveStatus(w, strings.TrimSuffix(rest, "/status"))
	default:
		http.NotFound(w, r)
	}
}

// serveLiveStart is the MediaMTX runOnReady hook: it validates the form,
// selects an orchestrator that runs the query's model (honouring its
// orchestrator pin), and has it pull the stream. Like go-livepeer it blocks
// until the first orchestrator attempt ends and then answers 200 with an
// empty body whatever happened; a failure shows in /status and as a kick of
// the publisher.
func (g *gateway) serveLiveStart(w http.ResponseWriter, r *http.Request, stream string) {
	if strings.HasSuffix(stream, "-out") {
		// The gateway's own output became ready: nothing to do, or the
		// hook would loop.
		w.WriteHeader(http.StatusOK)
		return
	}
	s := &liveStream{received: time.Now(), stream: stream, caller: callerHost(r)}
	defer g.recordLive(s)
	refuse := func(msg string) {
		s.httpStatus = http.StatusBadRequest
		s.setError(msg)
		http.Error(w, msg, http.StatusBadRequest)
	}
	if err := parseStartForm(w, r); err != nil {
		refuse("invalid form: " + err.Error())
		return
	}
	s.sourceID, s.sourceType = r.FormValue("source_id"), r.FormValue("source_type")
	s.query, s.rtmpURL = r.FormValue("query"), r.FormValue("rtmp_url")
	if s.sourceID == "" {
		refuse("missing source_id")
		return
	}
	switch strings.ToLower(s.sourceType) {
	case "rtmpconn", "webrtcsession":
	case "":
		refuse("missing source_type")
		return
	default:
		refuse("Invalid source type")
		return
	}
	qp, err := url.ParseQuery(s.query)
	if err != nil {
		refuse("invalid query: " + err.Error())
		return
	}
	s.pipelineKey, s.streamID, s.pin, s.paramsRaw = qp.Get("pipeline"), qp.Get("streamId"), qp.Get("orchestrator"), qp.Get("params")
	s.model = s.pipelineKey
	if s.model == "" {
		s.model = defaultLiveModel
	}
	s.inURL = "rtmp://" + net.JoinHostPort(s.caller, defaultRTMPPort) + "/" + stream
	if s.rtmpURL != "" {
		s.inURL = s.rtmpURL
	}
	if s.outURL, err = outputURL(s.inURL); err != nil {
		refuse("invalid rtmp_url: " + err.Error())
		return
	}
	var paramsErr error
	if s.paramsRaw != "" {
		paramsErr = json.Unmarshal([]byte(s.paramsRaw), &s.params)
	}
	s.requestID = g.randHex(8)
	s.httpStatus = http.StatusOK
	g.publishLive(s)

	if paramsErr != nil {
		g.failLive(r.Context(), s, "invalid pipeline params: "+paramsErr.Error())
		w.WriteHeader(http.StatusOK)
		return
	}
	job, uri, msg := g.startLive(r.Context(), s)
	if job == nil {
		g.failLive(r.Context(), s, msg)
		w.WriteHeader(http.StatusOK)
		return
	}
	s.mu.Lock()
	s.job, s.orchURI = job, uri
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// parseStartForm reads a multipart or urlencoded body, as r.FormValue
// would, but reports a malformed one.
func parseStartForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxStartForm)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(maxStartForm); err != nil {
			return err
		}
		return nil
	}
	return r.ParseForm()
}

// callerHost is the IP the gateway pulls the input from: the hook's caller,
// MediaMTX's host (::1 becomes 127.0.0.1, as go-livepeer does).
func callerHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() && ip.To4() == nil {
		return "127.0.0.1"
	}
	return host
}

// outputURL is the input URL with "-out" appended to its path.
func outputURL(in string) (string, error) {
	u, err := url.Parse(in)
	if err != nil {
		return "", err
	}
	if u.Scheme != "rtmp" && u.Scheme != "rtmps" || u.Host == "" || len(u.Path) < 2 {
		return "", fmt.Errorf("%q is not an rtmp://host/path URL", in)
	}
	u.Path += "-out"
	u.RawPath = ""
	return u.String(), nil
}

// startLive selects an orchestrator for the stream and has it start: the
// pooled orchestrators that advertise the model with free capacity and
// whose URI contains the pin, in random order, up to maxTries within the
// retry timeout. It returns the accepted job, or why there is none.
func (g *gateway) startLive(ctx context.Context, s *liveStream) (*liveJob, string, string) {
	var cands []session
	capped := false
	for _, d := range g.discover(ctx, g.pool(ctx)) {
		if s.pin != "" && !strings.Contains(d.uri, s.pin) && !strings.Contains(d.info.ServiceURI, s.pin) {
			continue // processAIRequest skips sessions the pin does not match
		}
		if d.err != nil {
			if ctx.Err() == nil && d.orch.advertises(liveRoute, s.model) {
				g.log.add(Request{
					RequestID: s.requestID, Orchestrator: d.orch.spec.Address, OrchestratorName: d.orch.spec.Name,
					Gateway: g.spec.Name, Pipeline: liveRoute, Model: s.model,
					Start: d.start, End: d.end, Outcome: OutcomeOffline, Error: d.err.Error(),
				})
			}
			continue
		}
		for _, m := range d.info.Models {
			if m.Pipeline != liveRoute || m.Model != s.model {
				continue
			}
			if m.Capacity-m.InUse <= 0 {
				// GetOrchestratorInfo with live constraints answers
				// OrchestratorCapped: the session is dropped.
				capped = true
				continue
			}
			cands = append(cands, session{uri: d.uri, orch: d.orch, warm: m.Warm})
		}
	}
	g.shuffle(cands)
	deadline := time.Now().Add(g.retryTimeout())
	last := ""
	for try := 0; try < maxTries && try < len(cands); try++ {
		if try > 0 && !time.Now().Before(deadline) {
			break
		}
		job, err := g.submitLive(ctx, cands[try], s)
		if err == nil {
			return job, cands[try].uri, ""
		}
		g.logger.Info("Error starting live stream", "model_id", s.model, "try", try+1, "orch", cands[try].uri, "err", err)
		if strings.Contains(err.Error(), msgOrchestratorCapped) {
			capped = true
		}
		last = err.Error()
	}
	switch {
	case capped:
		return nil, "", msgNoOrchestrators + ": " + msgOrchestratorCapped
	case last != "":
		return nil, "", "error starting stream: " + last
	}
	return nil, "", msgNoOrchestrators
}

// submitLive asks one orchestrator to run the stream.
func (g *gateway) submitLive(ctx context.Context, c session, s *liveStream) (*liveJob, error) {
	body, err := json.Marshal(liveStartRequest{
		RequestID: s.requestID, Gateway: g.spec.Name, Stream: s.stream, StreamID: s.streamID, Model: s.model,
		InputURL: s.inURL, OutputURL: s.outURL, Params: json.RawMessage(nonEmptyJSON(s.paramsRaw, s.params)),
		OutputTimeout: g.spec.LiveOutputTimeout.D(),
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, liveStartTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.uri+pathLive, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := g.orchClient.Do(req)
	if err != nil {
		g.log.add(Request{
			RequestID: s.requestID, Orchestrator: c.orch.spec.Address, OrchestratorName: c.orch.spec.Name,
			Gateway: g.spec.Name, Pipeline: liveRoute, Model: s.model,
			Start: start, End: time.Now(), Outcome: OutcomeOffline, Error: err.Error(),
		})
		return nil, fmt.Errorf("start live stream on %s: %w", c.uri, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e jobError
		_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
		return nil, fmt.Errorf("start live stream on %s: status %d: %s", c.uri, resp.StatusCode, e.Error)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	job := c.orch.liveJob(s.requestID)
	if job == nil {
		return nil, fmt.Errorf("start live stream on %s: accepted but unknown", c.uri)
	}
	return job, nil
}

// nonEmptyJSON re-encodes valid params (so the orchestrator gets an
// object), or nothing.
func nonEmptyJSON(raw string, params map[string]any) []byte {
	if raw == "" || params == nil {
		return nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil
	}
	return b
}

// failLive records the gateway's error for the stream and kicks its
// publisher.
func (g *gateway) failLive(ctx context.Context, s *liveStream, msg string) {
	g.logger.Info("live stream failed", "stream", s.stream, "stream_id", s.streamID, "err", msg)
	s.setError(msg)
	if g.kickPublisher(ctx, s) {
		s.mu.Lock()
		s.kicked = true
		s.mu.Unlock()
	}
}

// kickPublisher asks the caller's MediaMTX to disconnect the publisher,
// as go-livepeer does on a fatal error; whether it worked is logged, as
// the gateway only logs it.
func (g *gateway) kickPublisher(ctx context.Context, s *liveStream) bool {
	port := g.spec.MediaMTXAPIPort
	if port == 0 {
		port = defaultMediaMTXAPIPort
	}
	kind := "rtmpconns"
	if strings.EqualFold(s.sourceType, "webrtcsession") {
		kind = "webrtcsessions"
	}
	u := "http://" + net.JoinHostPort(s.caller, strconv.Itoa(port)) + "/v3/" + kind + "/kick/" + url.PathEscape(s.sourceID)
	// Not cancelled with the hook's request: MediaMTX kills a running hook
	// command when the path goes away, which the kick itself causes, and
	// the kick must still count.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), liveKickTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return false
	}
	req.SetBasicAuth("admin", g.spec.MediaMTXAPIPassword)
	resp, err := g.orchClient.Do(req)
	if err != nil {
		g.logger.Info("kick of the publisher failed", "url", u, "err", err)
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		g.logger.Info("kick of the publisher failed", "url", u, "status", resp.StatusCode)
		return false
	}
	return true
}

func (s *liveStream) setError(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errMsg == "" { // the gateway keeps the first error only
		s.errMsg, s.errTime = msg, time.Now()
	}
}

// publishLive makes the stream visible to /status.
func (g *gateway) publishLive(s *liveStream) {
	g.live.mu.Lock()
	defer g.live.mu.Unlock()
	if g.live.byID == nil {
		g.live.byID = map[string]*liveStream{}
	}
	g.live.byID[s.streamID] = s
}

// recordLive adds the answered start request to the truth.
func (g *gateway) recordLive(s *liveStream) {
	s.mu.Lock()
	s.finished = true
	s.mu.Unlock()
	g.live.mu.Lock()
	defer g.live.mu.Unlock()
	g.live.all = append(g.live.all, s)
}
