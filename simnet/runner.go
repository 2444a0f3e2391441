package simnet

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"jobtester/media"
)

// A simulated orchestrator can also serve as the AI runner behind a real
// go-livepeer orchestrator (docs/simnet.md, "simnet as an AI runner"). The
// real orchestrator is then the one that meets gateways; simnet only
// decides, per job, what its model does: the same profile (latency,
// failures, broken model, wrong size) and the same request log as when
// simnet's own gateway calls it.

// Runner is one simulated orchestrator served as an AI runner.
type Runner struct {
	Name    string // the scenario's orchestrator name
	Address string // its simnet address: the key of its request log entries
	URL     string // http://host:port, the -aiModels "url" of its models
	Models  []RunnerModel
}

// RunnerModel is one model the runner serves, for the -aiModels file.
type RunnerModel struct {
	Pipeline string // route, e.g. "text-to-image"
	Model    string
	Capacity int
	Warm     bool
}

// Runners are the runner servers of a network.
type Runners struct {
	list    []Runner
	servers []*http.Server
	wg      sync.WaitGroup
}

// runnerGatewayName is the Gateway of request log entries made through a
// runner: the real gateway's name is not known to the runner.
const runnerGatewayName = "runner"

// StartRunners serves every orchestrator of the network as an AI runner on
// its own free port. Offline schedules and live video are not served this
// way. Close the returned Runners before the network.
func (n *Network) StartRunners() (*Runners, error) {
	rs := &Runners{}
	for _, o := range n.orchs {
		ln, err := net.Listen("tcp", net.JoinHostPort(n.opts.Addr, "0"))
		if err != nil {
			rs.Close()
			return nil, fmt.Errorf("simnet: runner %s: listen: %w", o.spec.Name, err)
		}
		r := Runner{Name: o.spec.Name, Address: o.spec.Address, URL: "http://" + ln.Addr().String()}
		for _, m := range o.spec.Models {
			p, _ := pipelineByRoute(m.Pipeline)
			if m.Unadvertised || p.Output == outputLive {
				continue
			}
			r.Models = append(r.Models, RunnerModel{Pipeline: m.Pipeline, Model: m.Model, Capacity: m.advertisedCapacity(), Warm: !m.Cold})
		}
		srv := &http.Server{Handler: n.runnerHandler(o), ReadHeaderTimeout: 10 * time.Second}
		rs.wg.Add(1)
		go func() {
			defer rs.wg.Done()
			_ = srv.Serve(ln) // ends with Close
		}()
		rs.list = append(rs.list, r)
		rs.servers = append(rs.servers, srv)
	}
	return rs, nil
}

// List returns the runners in scenario order.
func (rs *Runners) List() []Runner { return append([]Runner(nil), rs.list...) }

// Close stops every runner server and waits for them.
func (rs *Runners) Close() {
	for _, s := range rs.servers {
		s.Close()
	}
	rs.wg.Wait()
}

// runnerError is the ai-runner's error body (HTTPError: detail.msg), the
// only shape the orchestrator reads from a 400, 401 or 500.
type runnerError struct {
	Detail struct {
		Msg string `json:"msg"`
	} `json:"detail"`
}

func writeRunnerError(w http.ResponseWriter, status int, msg string) {
	var e runnerError
	e.Detail.Msg = msg
	writeJSON(w, status, e)
}

func (n *Network) runnerHandler(o *orchestrator) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "OK"})
	})
	mux.HandleFunc("GET /hardware/info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"pipeline": "", "model_id": "", "gpu_info": map[string]any{}})
	})
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"pipeline": "", "model_id": "", "version": runnerVersion})
	})
	for _, p := range pipelines {
		mux.HandleFunc("POST /"+p.Route, n.runnerRoute(o, p))
	}
	return mux
}

// runnerRoute serves one pipeline: the body is read by the same parser as
// simnet's gateway uses (the runner's fields are the gateway's), the job is
// run by the orchestrator's own job handler, and the answer is written in
// the runner's shape.
func (n *Network) runnerRoute(o *orchestrator, p pipeline) http.HandlerFunc {
	parse := parsers[p.Route]
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		defer func() {
			if r.MultipartForm != nil {
				_ = r.MultipartForm.RemoveAll()
			}
		}()
		job := jobRequest{Gateway: runnerGatewayName, Pipeline: p.Route, Model: p.DefaultModel}
		if err := parse(r, &job); err != nil {
			writeRunnerError(w, http.StatusBadRequest, err.Error())
			return
		}
		job.RequestID = "runner-" + o.spec.Name + "-" + randomID()
		status, res, msg := runJob(r.Context(), o, job)
		if status != http.StatusOK {
			if r.Context().Err() != nil {
				return // the orchestrator gave up on it
			}
			if status != http.StatusBadRequest {
				// A runner has no capacity refusal of its own (the
				// orchestrator counts capacity): anything else is a 500.
				status = http.StatusInternalServerError
			}
			writeRunnerError(w, status, msg)
			return
		}
		n.respondRunner(w, p, job, res)
	}
}

// runJob hands the job to the orchestrator's job handler in memory, so
// that it draws, sleeps, logs and answers exactly as for simnet's gateway.
func runJob(ctx context.Context, o *orchestrator, job jobRequest) (status int, res jobResult, msg string) {
	body, err := json.Marshal(job)
	if err != nil {
		return http.StatusInternalServerError, res, "encode job: " + err.Error()
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, pathJob, bytes.NewReader(body))
	rec := httptest.NewRecorder()
	o.serveJob(rec, req)
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			return http.StatusInternalServerError, res, "decode job result: " + err.Error()
		}
		return http.StatusOK, res, ""
	}
	var e jobError
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
		e.Error = fmt.Sprintf("job ended with status %d", rec.Code)
	}
	return rec.Code, res, e.Error
}

// randomID is a request id for the runner's own jobs; it only has to be
// unique in the request log.
func randomID() string {
	b := make([]byte, 8)
	runnerIDs.Lock()
	runnerIDs.n++
	v := runnerIDs.n
	runnerIDs.Unlock()
	for i := range b {
		b[i] = "0123456789abcdef"[(v>>(4*uint(i)))&15]
	}
	return string(b)
}

var runnerIDs struct {
	sync.Mutex
	n uint64
}

func dataURL(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}

type runnerMedia struct {
	URL  string `json:"url"`
	Seed int64  `json:"seed"`
	NSFW bool   `json:"nsfw"`
}

// respondRunner writes the runner's answer (worker.ImageResponse,
// VideoResponse, AudioResponse, TextResponse, ImageToTextResponse,
// MasksResponse, LLMResponse).
func (n *Network) respondRunner(w http.ResponseWriter, p pipeline, job jobRequest, res jobResult) {
	switch p.Output {
	case outputImages:
		images := []runnerMedia{}
		for _, m := range res.Media {
			images = append(images, runnerMedia{URL: dataURL("image/png", m.Data), Seed: m.Seed, NSFW: m.NSFW})
		}
		writeJSON(w, http.StatusOK, map[string]any{"images": images})
	case outputVideo:
		frames, err := n.runnerFrames(job, res)
		if err != nil {
			writeRunnerError(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"frames": [][]runnerMedia{frames}})
	case outputAudio:
		var url string
		if len(res.Media) > 0 {
			url = dataURL("audio/wav", res.Media[0].Data)
		}
		writeJSON(w, http.StatusOK, map[string]any{"audio": map[string]string{"url": url}})
	case outputText, outputMasks:
		// The gateway's text and masks answers are the runner's, unchanged.
		(&gateway{}).respond(w, p, job, res)
	case outputLLM:
		(&gateway{}).respondLLM(w, job, res)
	}
}

// runnerFrames: a runner answers image-to-video with the frames as PNGs
// and the orchestrator encodes them. They are made at the size the job's
// log entry says the model produced (half on a wrong-size draw).
func (n *Network) runnerFrames(job jobRequest, res jobResult) ([]runnerMedia, error) {
	var width, height int
	for _, r := range n.log.since(0) {
		if r.RequestID == job.RequestID {
			width, height = r.Width, r.Height
		}
	}
	if width < 1 || height < 1 || len(res.Media) == 0 {
		return nil, errors.New("image-to-video: no frame size for the job")
	}
	png := generatedMedia.get(fmt.Sprintf("png %d %d", width, height), func() []byte { return media.TestImage(width, height) })
	frames := make([]runnerMedia, max(job.Frames, 1))
	for i := range frames {
		frames[i] = runnerMedia{URL: dataURL("image/png", png), Seed: res.Media[0].Seed}
	}
	return frames, nil
}
