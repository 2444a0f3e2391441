package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"jobtester/ingest"
)

// An HTTP load generator: a fixed number of clients, each sending its next
// request as soon as the previous answer has been read, for a fixed time.

type worker struct {
	id       int
	r        *rand.Rand
	buf      bytes.Buffer
	lats     []time.Duration
	n, errs  int
	firstErr error
}

// op sends one request and reads the answer; it returns the latency (request
// sent to body read) and an error if the answer is wrong.
type op func(w *worker) (time.Duration, error)

// cellResult is one cell: the measured phase, plus the warm-up's counts.
type cellResult struct {
	n, errs         int // measured phase
	warmN, warmErrs int
	p50, p99        time.Duration
	rps             float64 // measured requests per second (all answers)
	okRate          float64 // measured successful requests per second
	elapsed         time.Duration
	first           time.Duration // latency of the cell's very first request (cold)
	firstErr        error
}

// totalOK is the number of successful requests in both phases.
func (c cellResult) totalOK() int { return c.n - c.errs + c.warmN - c.warmErrs }

// totalErrs is the number of failed requests in both phases.
func (c cellResult) totalErrs() int { return c.errs + c.warmErrs }

func measure(clients int, warm, dur time.Duration, seed uint64, o op) cellResult {
	var first time.Duration
	var firstOnce sync.Once
	phase := func(d time.Duration, record bool, seed uint64) ([]*worker, time.Duration) {
		ws := make([]*worker, clients)
		var wg sync.WaitGroup
		start := time.Now()
		deadline := start.Add(d)
		for i := range ws {
			w := &worker{id: i, r: rand.New(rand.NewPCG(seed, uint64(i)))}
			if record {
				w.lats = make([]time.Duration, 0, 1<<16)
			}
			ws[i] = w
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					lat, err := o(w)
					firstOnce.Do(func() { first = lat })
					w.n++
					if err != nil {
						w.errs++
						if w.firstErr == nil {
							w.firstErr = err
						}
						continue
					}
					if record {
						w.lats = append(w.lats, lat)
					}
				}
			}()
		}
		wg.Wait()
		return ws, time.Since(start)
	}
	var res cellResult
	if warm > 0 {
		ws, _ := phase(warm, false, seed^0x77)
		for _, w := range ws {
			res.warmN += w.n
			res.warmErrs += w.errs
			if res.firstErr == nil {
				res.firstErr = w.firstErr
			}
		}
	}
	ws, elapsed := phase(dur, true, seed)
	var lats []time.Duration
	for _, w := range ws {
		lats = append(lats, w.lats...)
		res.n += w.n
		res.errs += w.errs
		if res.firstErr == nil {
			res.firstErr = w.firstErr
		}
	}
	res.elapsed = elapsed
	res.first = first
	res.rps = float64(res.n) / elapsed.Seconds()
	res.okRate = float64(res.n-res.errs) / elapsed.Seconds()
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	res.p50, res.p99 = quantile(lats, 0.50), quantile(lats, 0.99)
	return res
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// do sends req and reads the whole body into w.buf.
func do(client *http.Client, w *worker, req *http.Request) (int, time.Duration, error) {
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	w.buf.Reset()
	_, err = w.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(start), err
}

// getOp is a GET of base+path whose 200 answer body check must accept.
func getOp(client *http.Client, base, path string, check func([]byte) error) op {
	return func(w *worker) (time.Duration, error) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			return 0, err
		}
		status, lat, err := do(client, w, req)
		if err != nil {
			return lat, err
		}
		if status != http.StatusOK {
			return lat, fmt.Errorf("GET %s: status %d: %s", path, status, clip(w.buf.Bytes()))
		}
		if err := check(w.buf.Bytes()); err != nil {
			return lat, fmt.Errorf("GET %s: %w", path, err)
		}
		return lat, nil
	}
}

// bodies are the distinct bodies the server acknowledged. The generator
// rounds times to milliseconds, so two clients can post the same body in
// the same second; the server stores such a replay once and answers it
// 200 (docs/ingest.md), so what must be stored is one row per distinct
// body acknowledged, not one per acknowledgement.
type bodies struct {
	mu   sync.Mutex
	seen map[[sha256.Size]byte]struct{}
}

func (b *bodies) add(body []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen == nil {
		b.seen = map[[sha256.Size]byte]struct{}{}
	}
	b.seen[sha256.Sum256(body)] = struct{}{}
}

func (b *bodies) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.seen)
}

// postOp posts one signed Stats body of the network, received now, and
// notes each body acknowledged in acked.
func postOp(client *http.Client, base, secret string, nw *network, acked *bodies) op {
	return func(w *worker) (time.Duration, error) {
		st := nw.random(w.r, time.Now())
		body, err := json.Marshal(&st)
		if err != nil {
			return 0, err
		}
		req, err := http.NewRequest(http.MethodPost, base+"/api/post_stats", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", ingest.Sign(secret, body))
		status, lat, err := do(client, w, req)
		if err != nil {
			return lat, err
		}
		if status != http.StatusOK || strings.TrimSpace(w.buf.String()) != "ok" {
			return lat, fmt.Errorf("POST /api/post_stats: status %d: %s", status, clip(w.buf.Bytes()))
		}
		acked.add(body)
		return lat, nil
	}
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// An Explorer call with the check its answer must pass.
type call struct {
	name  string
	path  string
	check func([]byte) error
}

// countOrchs counts the orchestrator keys of an aggregated_stats answer
// without decoding it (addresses appear in it only as keys), so checking a
// large answer costs the client little CPU.
func countOrchs(body []byte) int { return bytes.Count(body, []byte(`"0x`)) }

func wantOrchs(n int) func([]byte) error {
	return func(b []byte) error {
		if got := countOrchs(b); got != n {
			return fmt.Errorf("answer has %d orchestrators, want %d: %s", got, n, clip(b))
		}
		if bytes.Contains(b, []byte("NaN")) {
			return fmt.Errorf("answer contains NaN")
		}
		return nil
	}
}

func explorerCalls(nw *network, now func() time.Time) []call {
	pair := aiPairs[nw.bestPair()]
	nPair := len(nw.supporters[nw.bestPair()])
	orch := nw.orchs[nw.bestOrch()].Addr
	pm := "pipeline=" + url.QueryEscape(pair.Pipeline) + "&model=" + url.QueryEscape(pair.Model)
	since := func() string { return strconv.FormatInt(now().Add(-30*24*time.Hour).Unix(), 10) }
	nModels := len(aiPairs)
	nPipelines := map[string]bool{}
	for _, p := range aiPairs {
		nPipelines[p.Pipeline] = true
	}
	return []call{
		{"aggregated_stats (transcoding)", "/api/aggregated_stats", wantOrchs(len(nw.orchs))},
		{"aggregated_stats pipeline+model (AI)", "/api/aggregated_stats?" + pm, wantOrchs(nPair)},
		// Score v2 (docs/scoring.md): the same shape, scored over v2's week.
		{"aggregated_stats pipeline+model score=v2 (AI)", "/api/aggregated_stats?score=v2&" + pm, wantOrchs(nPair)},
		{"aggregated_stats orchestrator", "/api/aggregated_stats?orchestrator=" + orch, func(b []byte) error {
			if err := wantOrchs(1)(b); err != nil {
				return err
			}
			if !bytes.Contains(b, []byte(`"`+orch+`":{"`)) {
				return fmt.Errorf("answer lacks %s: %s", orch, clip(b))
			}
			return nil
		}},
		{"pipelines", "/api/pipelines", func(b []byte) error {
			var v struct {
				Pipelines []struct {
					ID      string   `json:"id"`
					Models  []string `json:"models"`
					Regions []string `json:"regions"`
				} `json:"pipelines"`
			}
			if err := json.Unmarshal(b, &v); err != nil {
				return err
			}
			models := 0
			for _, p := range v.Pipelines {
				models += len(p.Models)
			}
			if len(v.Pipelines) != len(nPipelines) || models != nModels {
				return fmt.Errorf("%d pipelines with %d models, want %d with %d: %s", len(v.Pipelines), models, len(nPipelines), nModels, clip(b))
			}
			return nil
		}},
		{"top_ai_score", "/api/top_ai_score?orchestrator=" + orch, func(b []byte) error {
			var v struct {
				Region, Orchestrator, Model, Pipeline string
				Value                                 float64
			}
			if err := json.Unmarshal(b, &v); err != nil {
				return err
			}
			if v.Orchestrator != orch || v.Region == "" || v.Model == "" || v.Pipeline == "" || v.Value <= 0 || v.Value > 1 {
				return fmt.Errorf("bad top_ai_score: %s", clip(b))
			}
			return nil
		}},
		{"regions", "/api/regions", func(b []byte) error {
			var v struct {
				Regions []struct{ ID, Name, Type string } `json:"regions"`
			}
			if err := json.Unmarshal(b, &v); err != nil {
				return err
			}
			if len(v.Regions) != 26 {
				return fmt.Errorf("%d regions, want the 26 seeded: %s", len(v.Regions), clip(b))
			}
			return nil
		}},
		{"aggregated_stats since=30d (transcoding)", "/api/aggregated_stats?since=" + since(), wantOrchs(len(nw.orchs))},
		{"aggregated_stats since=30d pipeline+model (AI)", "/api/aggregated_stats?" + pm + "&since=" + since(), wantOrchs(nPair)},
	}
}
