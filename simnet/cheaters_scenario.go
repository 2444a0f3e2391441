package simnet

import "fmt"

// CheatersScenario is a network of honest orchestrators and one
// orchestrator per cheat, for measuring how well a tester catches them:
//
//	honest-01 … honest-24  honest, fast, never failing; every model of the
//	                        scenario is run by at least four of them, so that
//	                        a consensus of honest answers exists for each
//	cheat-canned           canned: text-to-image, image-to-image, llm
//	cheat-replay           replay keyed by output size: text-to-image, upscale
//	cheat-replay-exact     replay keyed by the whole input: text-to-image, llm
//	                        (it only cheats when an input repeats)
//	cheat-noise            noise: text-to-image, image-to-video, text-to-speech
//	cheat-flat             flat: text-to-image, image-to-image, text-to-speech
//	cheat-cheap-model      cheap_model: text-to-image, image-to-image, upscale
//	cheat-canned-text      canned_text: llm, image-to-text, audio-to-text
//	cheat-tester-aware     tester_aware: text-to-image, llm; real traffic 4×
//	                        slower and 40 % failing
//
// Every cheat uses model ids the honest orchestrators also run.
func CheatersScenario() Scenario {
	all := []ModelSpec{sdxlLightning, sdxlTurbo, flux, pix2pix, i2iTurbo, svdXT, svdXT11, x4Upscaler, whisper,
		distilWhisper, sam2Large, sam2Tiny, llama, qwen, blip, parlerLarge, parlerMini}
	sc := Scenario{Gateways: []GatewaySpec{{Name: "gateway-1"}, {Name: "gateway-2"}}}
	for i := range 24 {
		o := OrchestratorSpec{Name: fmt.Sprintf("honest-%02d", i+1), Label: "healthy"}
		for j := range 3 {
			o.Models = append(o.Models, all[(3*i+j)%len(all)])
		}
		sc.Orchestrators = append(sc.Orchestrators, o)
	}
	cheat := func(c CheatSpec) func(*ModelSpec) { return func(m *ModelSpec) { m.Cheat = &c } }
	canned := cheat(CheatSpec{Kind: CheatCanned})
	noise, flat := cheat(CheatSpec{Kind: CheatNoise}), cheat(CheatSpec{Kind: CheatFlat})
	cheap := cheat(CheatSpec{Kind: CheatCheapModel, Model: "runwayml/stable-diffusion-v1-5"})
	text := cheat(CheatSpec{Kind: CheatCannedText})
	aware := cheat(CheatSpec{Kind: CheatTesterAware, RealLatencyFactor: 4, RealFailureRate: 0.4})
	bySize := cheat(CheatSpec{Kind: CheatReplay, Key: ReplayKeySize})
	exact := cheat(CheatSpec{Kind: CheatReplay, Key: ReplayKeyInput})
	sc.Orchestrators = append(sc.Orchestrators,
		orch("cheat-canned", "cheat: canned", sdxlLightning.with(canned), i2iTurbo.with(canned), llama.with(canned)),
		orch("cheat-replay", "cheat: replay by size", sdxlTurbo.with(bySize), x4Upscaler.with(bySize)),
		orch("cheat-replay-exact", "cheat: replay by input", sdxlLightning.with(exact), llama.with(exact)),
		orch("cheat-noise", "cheat: noise", sdxlLightning.with(noise), svdXT.with(noise), parlerLarge.with(noise)),
		orch("cheat-flat", "cheat: flat", sdxlTurbo.with(flat), pix2pix.with(flat), parlerMini.with(flat)),
		orch("cheat-cheap-model", "cheat: cheap model", sdxlLightning.with(cheap), i2iTurbo.with(cheap), x4Upscaler.with(cheap)),
		orch("cheat-canned-text", "cheat: canned text", llama.with(text), blip.with(text), whisper.with(text)),
		orch("cheat-tester-aware", "cheat: tester aware", sdxlLightning.with(aware), llama.with(aware)),
	)
	return sc
}

// BuiltinScenarios are the scenarios `jobtester simnet --scenario NAME`
// knows by name.
var BuiltinScenarios = map[string]func() Scenario{
	"default":  DefaultScenario,
	"cheaters": CheatersScenario,
}
