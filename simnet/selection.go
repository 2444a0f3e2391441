package simnet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// webhookEntry is one element of the orchestrator webhook's answer.
type webhookEntry struct {
	Address string  `json:"address"`
	Score   float32 `json:"score"`
}

// fetchWebhook GETs the webhook as discovery/wh_discovery.go does: no body,
// no headers, a 3 s timeout; a 2xx JSON array of {"address": URI}. Entries
// with an empty or unparsable address are skipped.
func (g *gateway) fetchWebhook(ctx context.Context, hook string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, hook, nil)
	if err != nil {
		return nil, fmt.Errorf("webhook %s: %w", hook, err)
	}
	resp, err := g.hookClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("webhook %s: %w", hook, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("webhook %s: read: %w", hook, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("webhook %s: status %d", hook, resp.StatusCode)
	}
	var entries []webhookEntry
	if err := json.Unmarshal(body, &entries); err != nil {
		return nil, fmt.Errorf("webhook %s: %w", hook, err)
	}
	uris := []string{}
	for _, e := range entries {
		if e.Address == "" {
			continue
		}
		if _, err := url.ParseRequestURI(e.Address); err != nil {
			g.logger.Warn("webhook entry skipped", "address", e.Address, "err", err)
			continue
		}
		uris = append(uris, e.Address)
	}
	return uris, nil
}

// pool returns the URIs eligible for one request: the webhook's list,
// fetched now (or the last good one if the fetch fails, as since go-livepeer
// PR #4027), or, without a webhook, every active orchestrator's.
func (g *gateway) pool(ctx context.Context) []string {
	hook := g.webhookURL()
	if hook == "" {
		return g.activeURIs()
	}
	uris, err := g.fetchWebhook(ctx, hook)
	g.hookMu.Lock()
	defer g.hookMu.Unlock()
	if hook != g.webhook {
		// Changed while we fetched; this answer belongs to the old one.
		return uris
	}
	if err != nil {
		g.logger.Warn("webhook failed; using the last good list", "err", err, "have_list", g.haveList)
		return g.lastList
	}
	g.lastList, g.haveList = uris, true
	return uris
}

// activeURIs is the on-chain pool: active orchestrators' service URIs (AI
// registry URIs with -aiServiceRegistry).
func (g *gateway) activeURIs() []string {
	var uris []string
	for _, o := range g.orchs {
		if o.spec.Inactive {
			continue
		}
		u := o.serviceURI
		if g.spec.AIServiceRegistry {
			u = o.aiServiceURI
		}
		if u != "" {
			uris = append(uris, u)
		}
	}
	return uris
}

// discovered is one pooled orchestrator's answer to GetOrchestratorInfo.
type discovered struct {
	uri   string
	orch  *orchestrator
	info  orchInfo
	err   error
	start time.Time
	end   time.Time
}

// discover asks every pooled orchestrator for its info at once, each within
// the discovery timeout. URIs that are not simulated orchestrators are
// skipped: simnet contacts nothing outside itself.
func (g *gateway) discover(ctx context.Context, uris []string) []discovered {
	seen := map[string]bool{}
	var out []discovered
	for _, u := range uris {
		n := normalizeURI(u)
		o := g.byURI[n]
		if o == nil {
			g.logger.Debug("pooled URI is not a simulated orchestrator", "uri", u)
			continue
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, discovered{uri: strings.TrimRight(u, "/"), orch: o})
	}
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func(d *discovered) {
			defer wg.Done()
			d.start = time.Now()
			d.info, d.err = g.getInfo(ctx, d.uri)
			d.end = time.Now()
		}(&out[i])
	}
	wg.Wait()
	return out
}

func (g *gateway) getInfo(ctx context.Context, uri string) (orchInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, g.spec.DiscoveryTimeout.D())
	defer cancel()
	var info orchInfo
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri+pathInfo, nil)
	if err != nil {
		return info, err
	}
	resp, err := g.orchClient.Do(req)
	if err != nil {
		return info, fmt.Errorf("get orchestrator info from %s: %w", uri, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return info, fmt.Errorf("get orchestrator info from %s: status %d", uri, resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&info); err != nil {
		return info, fmt.Errorf("get orchestrator info from %s: %w", uri, err)
	}
	return info, nil
}

// session is an orchestrator selected for a capability and model.
type session struct {
	uri  string
	orch *orchestrator
	warm bool
}

// sessions builds the request's selector (a new one for every request, as
// -aiTesterGateway does): the discovered orchestrators that advertise the
// pipeline and model, warm ones first, each group in random order. Pooled
// orchestrators that refused the connection and would have qualified are
// logged as offline.
func (g *gateway) sessions(ctx context.Context, job jobRequest) []session {
	var warm, cold []session
	for _, d := range g.discover(ctx, g.pool(ctx)) {
		if d.err != nil {
			if ctx.Err() == nil && d.orch.advertises(job.Pipeline, job.Model) {
				g.log.add(Request{
					RequestID: job.RequestID, Orchestrator: d.orch.spec.Address, OrchestratorName: d.orch.spec.Name,
					Gateway: g.spec.Name, Pipeline: job.Pipeline, Model: job.Model,
					Start: d.start, End: d.end, Outcome: OutcomeOffline, Error: d.err.Error(),
				})
			}
			continue
		}
		for _, m := range d.info.Models {
			if m.Pipeline == job.Pipeline && m.Model == job.Model {
				s := session{uri: d.uri, orch: d.orch, warm: m.Warm}
				if m.Warm {
					warm = append(warm, s)
				} else {
					cold = append(cold, s)
				}
			}
		}
	}
	g.shuffle(warm)
	g.shuffle(cold)
	return append(warm, cold...)
}

// advertises reads the scenario, not the network: it is only used to
// decide whether a refused connection belongs in the request log.
func (o *orchestrator) advertises(route, model string) bool {
	for _, m := range o.spec.Models {
		if m.Pipeline == route && m.Model == model && !m.Unadvertised {
			return true
		}
	}
	return false
}

// Kinds of failed requests, and the status each ends in.
type failKind int

const (
	failBadRequest     failKind = iota // 400, message passed through
	failOrchestrator                   // a try failed; retried, never answered as such
	failNoCapacity                     // a try found no capacity; retried
	failRetryTimeout                   // 503 "Service Unavailable Error"
	failNoOrchestrator                 // connection closed, or 503
)

type processError struct {
	kind failKind
	msg  string
}

func (e *processError) Error() string { return e.msg }

// process is go-livepeer v0.9.1's processAIRequest, as the real gateway
// was seen to run it (docs/simnet.md, "The real gateway beside simnet's"):
// take the next session; a try that fails or finds no capacity drops it,
// and once none is left the gateway discovers again, so the same
// orchestrators come back and a failing one is asked again. That goes on
// until a try succeeds, the orchestrator refuses the request as invalid
// (400), the retry timeout passes (checked before each try: 503), nothing
// can be selected or maxTries are used up (the "no orchestrator" ending:
// closed connection or 503). An orchestrator's failure never reaches the
// client as such.
func (g *gateway) process(ctx context.Context, job jobRequest) (jobResult, *processError) {
	var sessions []session
	var deadline time.Time
	for try := 0; try < maxTries; try++ {
		if ctx.Err() != nil {
			return jobResult{}, &processError{failOrchestrator, ctx.Err().Error()}
		}
		if try > 0 && !time.Now().Before(deadline) {
			return jobResult{}, &processError{failRetryTimeout, fmt.Sprintf("no orchestrators available within %v timeout", g.spec.RetryTimeout)}
		}
		if len(sessions) == 0 {
			sessions = g.sessions(ctx, job)
		}
		if try == 0 {
			// Starts after the first discovery (real network time), so
			// the first try always happens.
			deadline = time.Now().Add(g.retryTimeout())
		}
		if len(sessions) == 0 {
			break
		}
		s := sessions[0]
		sessions = sessions[1:]
		res, err := g.submit(ctx, s, job)
		if err == nil {
			return res, nil
		}
		g.logger.Info("Error submitting request", "model_id", job.Model, "try", try+1, "orch", s.uri, "err", err.msg)
		if err.kind == failBadRequest {
			return jobResult{}, err
		}
	}
	return jobResult{}, &processError{failNoOrchestrator, "no orchestrators available"}
}

// minRetryTimeout is the least wall-clock retry timeout: at small time
// scales the scaled timeout would be eaten by loopback round trips, which
// are real time that TimeScale does not shrink.
const minRetryTimeout = 100 * time.Millisecond

// retryTimeout is the scaled -aiProcessingRetryTimeout. It starts after
// discovery (real network time), so the first try always happens.
func (g *gateway) retryTimeout() time.Duration {
	return max(g.scale.of(g.spec.RetryTimeout.D()), minRetryTimeout)
}

// submit sends the job to one orchestrator.
func (g *gateway) submit(ctx context.Context, s session, job jobRequest) (jobResult, *processError) {
	var res jobResult
	body, err := json.Marshal(job)
	if err != nil {
		return res, &processError{failOrchestrator, err.Error()}
	}
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.uri+pathJob, bytes.NewReader(body))
	if err != nil {
		return res, &processError{failOrchestrator, err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.orchClient.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			// The orchestrator never answered: it logged nothing, so the
			// gateway does.
			g.log.add(Request{
				RequestID: job.RequestID, Orchestrator: s.orch.spec.Address, OrchestratorName: s.orch.spec.Name,
				Gateway: g.spec.Name, Pipeline: job.Pipeline, Model: job.Model,
				Start: start, End: time.Now(), Outcome: OutcomeOffline, Error: err.Error(),
			})
		}
		return res, &processError{failOrchestrator, fmt.Sprintf("submit to %s: %v", s.uri, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<30)).Decode(&res); err != nil {
			return res, &processError{failOrchestrator, fmt.Sprintf("decode result from %s: %v", s.uri, err)}
		}
		return res, nil
	}
	var e jobError
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
	msg := fmt.Sprintf("%s returned %d: %s", s.uri, resp.StatusCode, e.Error)
	switch {
	case strings.Contains(strings.ToLower(e.Error), msgInsufficientCapacity):
		return res, &processError{failNoCapacity, msg}
	case resp.StatusCode == http.StatusBadRequest:
		// parseBadRequestError passes the orchestrator's message on.
		return res, &processError{failBadRequest, e.Error}
	}
	return res, &processError{failOrchestrator, msg}
}

var errUnknownRequest = errors.New("unknown request_id")
