package main

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

// The synthetic network: orchestrators with their own speed and reliability,
// tested for transcoding from 20 regions and for AI from the 4 AI regions.

var transcodingRegions = []string{
	"GLOBAL", "ATL", "MDW", "FRA", "HOU", "LON", "LAX", "MAD", "MIA", "ASH",
	"NYC", "PRG", "SJO", "SAO", "SEA", "SIN", "STO", "SYD", "HND", "TOR",
}

var aiRegions = []string{"GLOBAL", "MDW", "FRA", "LAX"}

// aiPair is one pipeline and model, with the typical round-trip time of a
// test job on a good orchestrator.
type aiPair struct {
	Pipeline, Model string
	RTT             float64 // seconds
	Input, Output   string  // input_parameters and response_payload (JSON strings)
}

var aiPairs = []aiPair{
	{"Text to image", "ByteDance/SDXL-Lightning", 2.2, `{"prompt":"a bear on a bicycle","width":1024,"height":1024,"num_inference_steps":4}`, `{"images":[{"url":"/stream/0a1b2c3d/image.png","seed":1234,"nsfw":false}]}`},
	{"Text to image", "black-forest-labs/FLUX.1-dev", 6.5, `{"prompt":"a bear on a bicycle","width":1024,"height":1024}`, `{"images":[{"url":"/stream/0a1b2c3d/image.png","seed":1234,"nsfw":false}]}`},
	{"Image to image", "timbrooks/instruct-pix2pix", 2.8, `{"prompt":"make it snow","strength":0.8}`, `{"images":[{"url":"/stream/1b2c3d4e/image.png","seed":42,"nsfw":false}]}`},
	{"Image to image", "ByteDance/SDXL-Lightning", 2.4, `{"prompt":"make it snow","strength":0.8}`, `{"images":[{"url":"/stream/1b2c3d4e/image.png","seed":42,"nsfw":false}]}`},
	{"Image to video", "stabilityai/stable-video-diffusion-img2vid-xt-1-1", 28, `{"height":576,"width":1024,"fps":6,"motion_bucket_id":127}`, `{"images":[{"url":"/stream/2c3d4e5f/video.mp4","seed":7,"nsfw":false}]}`},
	{"Upscale", "stabilityai/stable-diffusion-x4-upscaler", 7.5, `{"prompt":"sharp photo"}`, `{"images":[{"url":"/stream/3d4e5f60/image.png","seed":9,"nsfw":false}]}`},
	{"Audio to text", "openai/whisper-large-v3", 1.6, `{"return_timestamps":"true"}`, `{"text":"the quick brown fox","chunks":[{"timestamp":[0,1.2],"text":"the quick brown fox"}]}`},
	{"Audio to text", "distil-whisper/distil-large-v3", 0.9, `{"return_timestamps":"true"}`, `{"text":"the quick brown fox","chunks":[{"timestamp":[0,1.2],"text":"the quick brown fox"}]}`},
	{"Segment anything 2", "facebook/sam2-hiera-large", 1.1, `{"point_coords":"[[120,80]]","point_labels":"[1]","multimask_output":true}`, `{"masks":"[[...]]","scores":"[0.97,0.91,0.62]","logits":"[[...]]"}`},
	{"Llm", "meta-llama/Meta-Llama-3.1-8B-Instruct", 3.2, `{"prompt":"Tell a joke","max_tokens":256,"stream":false}`, `{"response":"Why did the GPU cross the road?","tokens_used":48}`},
	{"Llm", "Qwen/Qwen2.5-7B-Instruct", 2.9, `{"prompt":"Tell a joke","max_tokens":256,"stream":false}`, `{"response":"Why did the GPU cross the road?","tokens_used":51}`},
	{"Image to text", "Salesforce/blip-image-captioning-large", 1.2, `{"prompt":"a photo of"}`, `{"text":"a photo of a bear on a bicycle"}`},
	{"Text to speech", "parler-tts/parler-tts-large-v1", 2.6, `{"text":"Hello from Livepeer","description":"A calm female voice"}`, `{"audio":{"url":"/stream/4e5f6071/audio.wav"}}`},
}

type orchestrator struct {
	Addr string
	// Transcoding: median RTT of a 2 s segment, per-region distance factor,
	// probability that a test loses segments.
	tcRTT    float64
	tcRegion []float64
	tcFail   float64
	// AI: the pairs it serves, its speed factor, per-region factor, failure
	// probability.
	pairs    []int
	aiSpeed  float64
	aiRegion []float64
	aiFail   float64
}

type network struct {
	orchs []orchestrator
	// supporters[p] lists the orchestrators serving aiPairs[p].
	supporters [][]int
}

func logNormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

func newNetwork(seed uint64, n int) *network {
	r := rand.New(rand.NewPCG(seed, 0x6a6f6274))
	net := &network{supporters: make([][]int, len(aiPairs))}
	for i := 0; i < n; i++ {
		var a [20]byte
		for j := range a {
			a[j] = byte(r.UintN(256))
		}
		o := orchestrator{
			Addr:    "0x" + hex.EncodeToString(a[:]),
			tcRTT:   logNormal(r, 1.1, 0.35),
			tcFail:  0.005 + 0.08*r.Float64()*r.Float64(),
			aiSpeed: logNormal(r, 1, 0.3),
			aiFail:  0.01 + 0.15*r.Float64()*r.Float64(),
		}
		for range transcodingRegions {
			o.tcRegion = append(o.tcRegion, 0.8+0.8*r.Float64())
		}
		for range aiRegions {
			o.aiRegion = append(o.aiRegion, 0.9+0.3*r.Float64())
		}
		for p := range aiPairs {
			if r.Float64() < 0.5 {
				o.pairs = append(o.pairs, p)
			}
		}
		if len(o.pairs) == 0 {
			o.pairs = []int{r.IntN(len(aiPairs))}
		}
		for _, p := range o.pairs {
			net.supporters[p] = append(net.supporters[p], i)
		}
		net.orchs = append(net.orchs, o)
	}
	// Every pair has at least one orchestrator serving it.
	for p := range aiPairs {
		if len(net.supporters[p]) == 0 {
			i := r.IntN(n)
			net.orchs[i].pairs = append(net.orchs[i].pairs, p)
			net.supporters[p] = append(net.supporters[p], i)
		}
	}
	return net
}

// random is one test result of a random orchestrator: half transcoding,
// half AI.
func (n *network) random(r *rand.Rand, at time.Time) ingest.Stats {
	oi := r.IntN(len(n.orchs))
	o := &n.orchs[oi]
	if r.IntN(2) == 0 {
		return n.transcoding(r, o, r.IntN(len(transcodingRegions)), at)
	}
	return n.ai(r, o, o.pairs[r.IntN(len(o.pairs))], r.IntN(len(aiRegions)), at, true)
}

func (n *network) transcoding(r *rand.Rand, o *orchestrator, region int, at time.Time) ingest.Stats {
	const segDur, sent, profiles = 2.0, 15, 2
	rtt := logNormal(r, o.tcRTT*o.tcRegion[region], 0.15)
	received := sent * profiles
	var errs []ingest.Error
	if r.Float64() < o.tcFail {
		received = r.IntN(sent * profiles)
		errs = []ingest.Error{{ErrorCode: "TranscodeError", Message: "segment transcode failed", Count: sent*profiles - received}}
		rtt *= 1.5
	}
	up := rtt * (0.15 + 0.1*r.Float64())
	down := rtt * (0.1 + 0.1*r.Float64())
	if errs == nil {
		errs = []ingest.Error{}
	}
	return ingest.Stats{
		Region: transcodingRegions[region], Orchestrator: o.Addr,
		SuccessRate: float64(received) / profiles / sent, RoundTripTime: round3(rtt),
		Errors: errs, Timestamp: at.Unix(), SegDuration: segDur, SegmentsSent: sent,
		SegmentsRecv: received, UploadTime: round3(up), DownloadTime: round3(down),
		TranscodeTime: round3(rtt - up - down),
	}
}

func (n *network) ai(r *rand.Rand, o *orchestrator, pair, region int, at time.Time, mayFail bool) ingest.Stats {
	p := aiPairs[pair]
	s := ingest.Stats{
		Region: aiRegions[region], Orchestrator: o.Addr, Timestamp: at.Unix(),
		Model: p.Model, Pipeline: p.Pipeline, ModelIsWarm: r.Float64() < 0.9, InputParams: p.Input,
	}
	if mayFail && r.Float64() < o.aiFail {
		// Failures are usually fast: an error from the gateway or runner.
		s.SuccessRate = 0
		s.RoundTripTime = round3(0.05 + r.Float64()*1.5)
		code := []string{"500", "503", "context deadline exceeded", "insufficient capacity"}[r.IntN(4)]
		s.Errors = []ingest.Error{{ErrorCode: code, Message: "job failed: " + code, Count: 1}}
		return s
	}
	s.SuccessRate = 1
	rtt := logNormal(r, p.RTT*o.aiSpeed*o.aiRegion[region], 0.2)
	if !s.ModelIsWarm {
		rtt += 8 + 10*r.Float64() // cold start
	}
	s.RoundTripTime = round3(rtt)
	s.Errors = []ingest.Error{}
	s.ResponsePayload = p.Output
	return s
}

// sweep is one recent test of every orchestrator: one transcoding result and
// one result per AI pair it serves, all within the last 12 hours before now.
// It guarantees that every orchestrator and every served pair appears in the
// default 24 h window, whatever the data set size.
func (n *network) sweep(r *rand.Rand, now time.Time) []models.NewResult {
	var out []models.NewResult
	at := func() time.Time { return now.Add(-time.Duration(r.Int64N(int64(12 * time.Hour)))) }
	for i := range n.orchs {
		o := &n.orchs[i]
		t := at()
		out = append(out, models.NewResult{Stats: n.transcoding(r, o, r.IntN(len(transcodingRegions)), t), ReceivedAt: t})
		for _, p := range o.pairs {
			// A sweep job succeeds, so every pair has a median sample.
			t := at()
			out = append(out, models.NewResult{Stats: n.ai(r, o, p, r.IntN(len(aiRegions)), t, false), ReceivedAt: t})
		}
	}
	return out
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// bestPair is the AI pair served by the most orchestrators, and bestOrch the
// orchestrator serving the most pairs: the arguments of the Explorer calls.
func (n *network) bestPair() int {
	best := 0
	for p := range aiPairs {
		if len(n.supporters[p]) > len(n.supporters[best]) {
			best = p
		}
	}
	return best
}

func (n *network) bestOrch() int {
	best := 0
	for i := range n.orchs {
		if len(n.orchs[i].pairs) > len(n.orchs[best].pairs) {
			best = i
		}
	}
	return best
}

func (n *network) describe() string {
	pairs := 0
	for _, o := range n.orchs {
		pairs += len(o.pairs)
	}
	return fmt.Sprintf("%d orchestrators, %d AI pipelines/models (%d orchestrator×pair series), %d transcoding and %d AI regions",
		len(n.orchs), len(aiPairs), pairs, len(transcodingRegions), len(aiRegions))
}
