package simnet

import (
	"fmt"
	"time"
)

// Models the default scenario runs (real Hugging Face ids that Livepeer
// orchestrators advertise), with a typical median latency for each.
var (
	sdxlLightning = model("text-to-image", "ByteDance/SDXL-Lightning", 1200*time.Millisecond)
	sdxlTurbo     = model("text-to-image", "stabilityai/sdxl-turbo", 800*time.Millisecond)
	flux          = model("text-to-image", "black-forest-labs/FLUX.1-schnell", 3*time.Second)
	pix2pix       = model("image-to-image", "timbrooks/instruct-pix2pix", 2500*time.Millisecond)
	i2iTurbo      = model("image-to-image", "stabilityai/sdxl-turbo", time.Second)
	svdXT         = model("image-to-video", "stabilityai/stable-video-diffusion-img2vid-xt", 45*time.Second)
	svdXT11       = model("image-to-video", "stabilityai/stable-video-diffusion-img2vid-xt-1-1", 50*time.Second)
	x4Upscaler    = model("upscale", "stabilityai/stable-diffusion-x4-upscaler", 10*time.Second)
	whisper       = model("audio-to-text", "openai/whisper-large-v3", 3*time.Second)
	distilWhisper = model("audio-to-text", "distil-whisper/distil-large-v3", 1500*time.Millisecond)
	sam2Large     = model("segment-anything-2", "facebook/sam2-hiera-large", 1500*time.Millisecond)
	sam2Tiny      = model("segment-anything-2", "facebook/sam2-hiera-tiny", 600*time.Millisecond)
	llama         = model("llm", "meta-llama/llama-3.1-8B-Instruct", 3*time.Second)
	qwen          = model("llm", "Qwen/Qwen2.5-7B-Instruct", 3500*time.Millisecond)
	blip          = model("image-to-text", "Salesforce/blip-image-captioning-large", 800*time.Millisecond)
	parlerLarge   = model("text-to-speech", "parler-tts/parler-tts-large-v1", 6*time.Second)
	parlerMini    = model("text-to-speech", "parler-tts/parler-tts-mini-v1", 3*time.Second)
)

func model(route, id string, median time.Duration) ModelSpec {
	return ModelSpec{Pipeline: route, Model: id, Latency: Latency{Median: Duration(median), Spread: 0.25}}
}

// with returns a copy of m changed by fn.
func (m ModelSpec) with(fn func(*ModelSpec)) ModelSpec {
	fn(&m)
	return m
}

func slower(factor, spread float64) func(*ModelSpec) {
	return func(m *ModelSpec) {
		m.Latency.Median = Duration(float64(m.Latency.Median) * factor)
		m.Latency.Spread = spread
	}
}

func orch(name, label string, models ...ModelSpec) OrchestratorSpec {
	return OrchestratorSpec{Name: name, Label: label, Models: models}
}

// DefaultScenario is a realistic network of 30 orchestrators behind two
// gateways. Every batch pipeline is served by at least three healthy
// orchestrators, with one to three models each, and the rest show every
// behaviour simnet can inject:
//
//	16 healthy (orch-01…16; orch-12 has a separate AI-registry URI, orch-08
//	   also runs an unadvertised model, orch-15 runs 4 jobs at once)
//	 3 slow      (orch-17…19: 2.5–4× the median, wide spread)
//	 2 flaky     (orch-20, 21: a quarter to a third of jobs fail)
//	 2 busy      (orch-22, 23: half or more of jobs refused for capacity)
//	 2 broken    (orch-24, 25: one advertised model always fails, the other works)
//	 1 wrong-size (orch-26: images half the size asked for)
//	 1 goes offline (orch-27: after its first job, for 10 minutes)
//	 1 cold      (orch-28: models advertised cold, 20–60 s cold start)
//	 1 inactive  (orch-29: not in the active pool; serves only if pinned)
//	 1 no AI-registry URI (orch-30)
//
// Healthy orchestrators never fail, so that every outcome a tester sees has
// a cause in this table. SDXL-Lightning, the most common model on the real
// network, is served by twelve active orchestrators of every behaviour, so
// that its leaderboard is long enough to compare them.
//
// Ten of them also run a live-video-to-video model, each with one live
// behaviour (see defaultLiveModels); a live model's behaviour is its own,
// not its orchestrator's label.
func DefaultScenario() Scenario {
	unadvertised := model("llm", "meta-llama/Meta-Llama-3.1-70B-Instruct", 8*time.Second).with(func(m *ModelSpec) { m.Unadvertised = true })
	sc := Scenario{
		Gateways: []GatewaySpec{{Name: "gateway-1"}, {Name: "gateway-2"}},
		Orchestrators: []OrchestratorSpec{
			orch("orch-01", "healthy", sdxlLightning, sdxlTurbo, i2iTurbo),
			orch("orch-02", "healthy", llama, blip, sdxlLightning),
			orch("orch-03", "healthy", whisper, parlerLarge),
			orch("orch-04", "healthy", svdXT, x4Upscaler),
			orch("orch-05", "healthy", sam2Large, blip, sdxlLightning),
			orch("orch-06", "healthy", flux, qwen),
			orch("orch-07", "healthy", sdxlLightning, pix2pix),
			orch("orch-08", "healthy", llama, unadvertised),
			orch("orch-09", "healthy", distilWhisper, sam2Tiny, parlerMini),
			orch("orch-10", "healthy", svdXT11, i2iTurbo),
			orch("orch-11", "healthy", x4Upscaler, sdxlTurbo),
			orch("orch-12", "healthy", sdxlLightning, llama, whisper),
			orch("orch-13", "healthy", blip, sam2Large, sdxlLightning),
			orch("orch-14", "healthy", parlerLarge, qwen, sdxlLightning),
			orch("orch-15", "healthy", sdxlLightning.with(func(m *ModelSpec) { m.Capacity = 4 }), flux.with(func(m *ModelSpec) { m.Capacity = 4 })),
			orch("orch-16", "healthy", svdXT, x4Upscaler),
			orch("orch-17", "slow", sdxlLightning.with(slower(4, 0.6)), llama.with(slower(3, 0.5))),
			orch("orch-18", "slow", whisper.with(slower(3, 0.5)), x4Upscaler.with(slower(3, 0.4))),
			orch("orch-19", "slow", svdXT.with(slower(2.5, 0.4))),
			orch("orch-20", "flaky", sdxlTurbo.with(func(m *ModelSpec) { m.FailureRate = 0.3 }), i2iTurbo.with(func(m *ModelSpec) { m.FailureRate = 0.3 })),
			orch("orch-21", "flaky", llama.with(func(m *ModelSpec) { m.FailureRate = 0.25 }), parlerMini.with(func(m *ModelSpec) { m.FailureRate = 0.25 })),
			orch("orch-22", "busy", sdxlLightning.with(func(m *ModelSpec) { m.NoCapacityRate = 0.6 })),
			orch("orch-23", "busy", qwen.with(func(m *ModelSpec) { m.NoCapacityRate = 0.5 }), sam2Large.with(func(m *ModelSpec) { m.NoCapacityRate = 0.5 })),
			orch("orch-24", "broken model", flux.with(func(m *ModelSpec) { m.Broken = true }), llama),
			orch("orch-25", "broken model", distilWhisper.with(func(m *ModelSpec) { m.Broken = true }), blip),
			orch("orch-26", "wrong size", sdxlLightning.with(func(m *ModelSpec) { m.WrongSizeRate = 1 }), x4Upscaler.with(func(m *ModelSpec) { m.WrongSizeRate = 1 })),
			orch("orch-27", "goes offline", sdxlTurbo, llama),
			orch("orch-28", "cold", svdXT.with(func(m *ModelSpec) { m.Cold, m.ColdStart = true, Duration(60*time.Second) }), sdxlLightning.with(func(m *ModelSpec) { m.Cold = true })),
			orch("orch-29", "inactive", sdxlLightning, llama),
			orch("orch-30", "no AI-registry URI", parlerMini, whisper),
		},
	}
	prices := []string{"0", "1200", "1841/20", "4768371", "2500/3"}
	for i := range sc.Orchestrators {
		o := &sc.Orchestrators[i]
		o.PricePerPixel = prices[i%len(prices)]
		o.RewardCut = int64(50_000 + 10_000*(i%20))
		o.FeeShare = int64(250_000 + 25_000*(i%20))
		for j := range o.Models {
			o.Models[j].PricePerUnit = int64(1000 + 250*((i+j)%8))
		}
	}
	for name, m := range defaultLiveModels() {
		o := &sc.Orchestrators[orchIndex(name)]
		m.PricePerUnit = 2500
		o.Models = append(o.Models, m)
	}
	sc.Orchestrators[11].AIServiceURI = aiURISeparate
	sc.Orchestrators[26].Offline = &OfflineSpec{AfterRequests: 1, For: Duration(10 * time.Minute)}
	sc.Orchestrators[28].Inactive = true
	sc.Orchestrators[29].AIServiceURI = aiURINone
	return sc
}

// UniformScenario is orchestrators healthy orchestrators behind gateways
// gateways, each running every batch pipeline's default model with the
// pipeline's typical latency: the network for benchmarks, where behaviour
// should not vary.
func UniformScenario(orchestrators, gateways int) Scenario {
	var sc Scenario
	for i := range max(gateways, 1) {
		sc.Gateways = append(sc.Gateways, GatewaySpec{Name: fmt.Sprintf("gateway-%d", i+1)})
	}
	for i := range orchestrators {
		o := OrchestratorSpec{Name: fmt.Sprintf("orch-%03d", i+1), Label: "healthy"}
		for _, p := range pipelines {
			o.Models = append(o.Models, ModelSpec{Pipeline: p.Route, Model: p.DefaultModel, Latency: Latency{Median: Duration(p.Latency), Spread: 0.25}})
		}
		sc.Orchestrators = append(sc.Orchestrators, o)
	}
	return sc
}

// defaultLiveModels are the default scenario's live models, by
// orchestrator: one of each live behaviour, short enough to show within a
// few seconds of a test.
//
//	orch-01  streamdiffusion       honest, fast: 200 ms start, 80 ms latency
//	orch-07  streamdiffusion-sdxl  honest: 600 ms start, 250 ms latency
//	orch-12  comfyui               honest (its AI-registry URI is separate)
//	orch-17  streamdiffusion       slow start: 4 s, 400 ms latency
//	orch-18  streamdiffusion       low fps: 12 fps
//	orch-20  streamdiffusion       freezes 2 s after its first output frame
//	orch-21  streamdiffusion       drops its output 2 s after the first frame
//	orch-26  streamdiffusion       pass-through (the cheat: effect none)
//	orch-24  streamdiffusion       black frames
//	orch-22  streamdiffusion       capped: every start refused OrchestratorCapped
func defaultLiveModels() map[string]ModelSpec {
	const sd = "streamdiffusion"
	ms := func(d int) Duration { return Duration(time.Duration(d) * time.Millisecond) }
	return map[string]ModelSpec{
		"orch-01": liveModel(sd, LiveProfile{StartupDelay: ms(200), AddedLatency: ms(80)}),
		"orch-07": liveModel("streamdiffusion-sdxl", LiveProfile{StartupDelay: ms(600), AddedLatency: ms(250)}),
		"orch-12": liveModel("comfyui", LiveProfile{StartupDelay: ms(300), AddedLatency: ms(150)}),
		"orch-17": liveModel(sd, LiveProfile{StartupDelay: ms(4000), AddedLatency: ms(400)}),
		"orch-18": liveModel(sd, LiveProfile{StartupDelay: ms(300), AddedLatency: ms(120), OutputFPS: 12}),
		"orch-20": liveModel(sd, LiveProfile{StartupDelay: ms(300), AddedLatency: ms(100), FreezeAfter: ms(2000)}),
		"orch-21": liveModel(sd, LiveProfile{StartupDelay: ms(300), AddedLatency: ms(100), DropAfter: ms(2000)}),
		"orch-26": liveModel(sd, LiveProfile{StartupDelay: ms(100), Effect: EffectNone}),
		"orch-24": liveModel(sd, LiveProfile{StartupDelay: ms(300), AddedLatency: ms(100), Effect: EffectBlack}),
		"orch-22": liveModel(sd, LiveProfile{Capped: true}),
	}
}

// orchIndex is the default scenario's index of orch-NN.
func orchIndex(name string) int {
	var i int
	if _, err := fmt.Sscanf(name, "orch-%d", &i); err != nil {
		panic("simnet: bad default orchestrator name " + name)
	}
	return i - 1
}
