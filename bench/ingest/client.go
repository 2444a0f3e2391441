package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"jobtester/ingest"
)

// clientReport is what the load generator prints on stdout for the
// parent: what the server acknowledged (200), and what it did not.
type clientReport struct {
	Acked    int64         `json:"acked"`
	Refused  int64         `json:"refused"`  // any other status
	Failed   int64         `json:"failed"`   // no answer
	Duration time.Duration `json:"duration"` // of the measured part
}

// runClient is the load generator, in its own process: clients post
// signed post_stats bodies as fast as they are answered for duration.
// Each body is distinct (its own orchestrator, round-trip time and
// timestamp), as real testers' are, so none is a replay of another.
func runClient(url, secret string, clients int, duration time.Duration, orchs int, keyed bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var rep clientReport
	var acked, refused, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{MaxIdleConnsPerHost: 2, DisableCompression: true}
			hc := &http.Client{Transport: tr, Timeout: time.Minute}
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for n := 0; ctx.Err() == nil; n++ {
				body := postBody(r, orchs)
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", ingest.Sign(secret, body))
				if keyed {
					req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", c, n))
				}
				resp, err := hc.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck // drained for keep-alive
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					acked.Add(1)
				} else {
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	rep.Duration = time.Since(start)
	rep.Acked, rep.Refused, rep.Failed = acked.Load(), refused.Load(), failed.Load()
	return json.NewEncoder(os.Stdout).Encode(rep)
}

var pipelines = [][2]string{{"Text to image", "ByteDance/SDXL-Lightning"}, {"Llm", "meta-llama/Meta-Llama-3.1-8B-Instruct"},
	{"Image to video", "stabilityai/stable-video-diffusion-img2vid-xt-1-1"}, {"Audio to text", "openai/whisper-large-v3"}}

var regions = []string{"FRA", "LAX", "MDW", "GLOBAL"}

// postBody is one AI tester's result, as the AI job tester marshals it.
func postBody(r *rand.Rand, orchs int) []byte {
	p := pipelines[r.IntN(len(pipelines))]
	st := ingest.Stats{Region: regions[r.IntN(len(regions))], Orchestrator: fmt.Sprintf("0x%040x", 1+r.IntN(orchs)),
		RoundTripTime: 0.2 + 5*r.Float64(), Timestamp: time.Now().Unix(), Pipeline: p[0], Model: p[1],
		ModelIsWarm: r.IntN(2) == 0, InputParams: `{"prompt":"a cat","width":1024,"height":1024}`, Errors: []ingest.Error{}}
	if r.Float64() < 0.9 {
		st.SuccessRate = 1
	} else {
		st.Errors = []ingest.Error{{ErrorCode: "500", Message: "inference failed", Count: 1}}
	}
	b, _ := json.Marshal(st)
	return b
}
