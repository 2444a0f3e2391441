package livepeer

import "math/big"

// Orchestrator is one orchestrator as discovery sees it, from the gateway
// CLI, from the chain, or both merged. Address is always lower-case hex
// with 0x, the join key everywhere.
type Orchestrator struct {
	Address string
	// ServiceURI is the URI registered in the ServiceRegistry (transcoding
	// and, for most nodes, everything else).
	ServiceURI string
	// AIServiceURI is the URI registered in the AIServiceRegistry, "" when
	// the orchestrator never registered there.
	AIServiceURI string
	Active       bool
	// Registered is the BondingManager transcoderStatus (or the gateway's
	// "Status":"Registered").
	Registered        bool
	DelegatedStake    *big.Int // may exceed int64
	ActivationRound   *big.Int
	DeactivationRound *big.Int // 2^256−1 when not deactivating
	// RewardCut and FeeShare (parts per million) and LastRewardRound are
	// read from the chain only; nil in gateway records.
	RewardCut, FeeShare, LastRewardRound *big.Int
	PricePerPixel                        *big.Rat // nil when unknown
	// Sources lists where this record came from: "gateway", "chain".
	Sources []string
}

// Capability is one pipeline/model an orchestrator advertises.
type Capability struct {
	// Pipeline is the display name used on the leaderboard and in
	// post_stats, e.g. "Text to image" (go-livepeer CapabilityToName).
	Pipeline string
	Model    string
	Warm     bool
	// Capacity is the advertised capacity (idle runners for live video),
	// -1 when the source does not say.
	Capacity int
}

// Pipelines maps the batch pipelines' display names (as on the
// leaderboard) to their gateway route and capability number.
var Pipelines = []struct {
	Name       string // "Text to image"
	Route      string // "text-to-image"
	Capability int
}{
	{"Text to image", "text-to-image", 27},
	{"Image to image", "image-to-image", 28},
	{"Image to video", "image-to-video", 29},
	{"Upscale", "upscale", 30},
	{"Audio to text", "audio-to-text", 31},
	{"Segment anything 2", "segment-anything-2", 32},
	{"Llm", "llm", 33},
	{"Image to text", "image-to-text", 34},
	{"Text to speech", "text-to-speech", 36},
}
