package simnet

// The internal protocol between a simulated gateway and a simulated
// orchestrator. go-livepeer uses gRPC, tickets and the ai-runner's HTTP API
// here; none of that is visible to a tester, so simnet uses plain JSON over
// HTTP:
//
//	GET  /simnet/v1/info  → orchInfo (GetOrchestratorInfo: capabilities, prices)
//	POST /simnet/v1/job   jobRequest → 200 jobResult, or 400/500/503 jobError
//
// 503 with "insufficient capacity" is the orchestrator's CheckAICapacity
// refusal, which the gateway retries elsewhere, as go-livepeer does.
const (
	pathInfo = "/simnet/v1/info"
	pathJob  = "/simnet/v1/job"
)

// msgInsufficientCapacity is the orchestrator's refusal text; the gateway
// recognises it by substring, as processAIRequest does.
const msgInsufficientCapacity = "insufficient capacity"

type orchInfo struct {
	Address    string      `json:"address"`
	ServiceURI string      `json:"service_uri"`
	Version    string      `json:"version"`
	GPU        string      `json:"gpu"`
	Models     []infoModel `json:"models"`
}

type infoModel struct {
	Pipeline      string `json:"pipeline"`
	Capability    int    `json:"capability"`
	Model         string `json:"model"`
	Warm          bool   `json:"warm"`
	Capacity      int    `json:"capacity"`
	InUse         int    `json:"in_use"`
	PricePerUnit  int64  `json:"price_per_unit"`
	PixelsPerUnit int64  `json:"pixels_per_unit"`
}

// jobRequest is a validated client request with the gateway's defaults
// applied: what the orchestrator is asked to produce.
type jobRequest struct {
	RequestID string `json:"request_id"`
	Gateway   string `json:"gateway"`
	Pipeline  string `json:"pipeline"`
	Model     string `json:"model"`

	// Images and video: the output size and count asked for.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	Count  int `json:"count,omitempty"`
	Frames int `json:"frames,omitempty"`
	FPS    int `json:"fps,omitempty"`
	// Seed is the request's seed, if it had one.
	Seed *int64 `json:"seed,omitempty"`

	Prompt           string       `json:"prompt,omitempty"`
	Text             string       `json:"text,omitempty"`          // text-to-speech
	AudioSeconds     float64      `json:"audio_seconds,omitempty"` // audio-to-text input
	audioCodec       string       // the input's decoder, for the gateway's check; not sent on
	ReturnTimestamps string       `json:"return_timestamps,omitempty"`
	Messages         []llmMessage `json:"messages,omitempty"`
	MaxTokens        int          `json:"max_tokens,omitempty"`
	// Stream is how the gateway answers the client; the orchestrator
	// returns the whole completion either way.
	Stream bool `json:"stream,omitempty"`
	// Image and Audio are the input files, which an honest model's output
	// depends on.
	Image []byte `json:"image,omitempty"`
	Audio []byte `json:"audio,omitempty"`
	// UserAgent is the client's User-Agent header. go-livepeer passes no
	// client header to the orchestrator; simnet passes this one as the
	// stand-in for anything of the client's that could reach it, so that a
	// tester-aware cheat can look for it (cheat.go).
	UserAgent string `json:"user_agent,omitempty"`
}

type llmMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type jobResult struct {
	Media []jobMedia `json:"media,omitempty"`

	Text   string      `json:"text,omitempty"`
	Chunks []textChunk `json:"chunks,omitempty"`

	Masks  string `json:"masks,omitempty"`
	Scores string `json:"scores,omitempty"`
	Logits string `json:"logits,omitempty"`

	Completion       string `json:"completion,omitempty"`
	PromptTokens     int    `json:"prompt_tokens,omitempty"`
	CompletionTokens int    `json:"completion_tokens,omitempty"`
}

type jobMedia struct {
	Ext  string `json:"ext"` // "png", "mp4", "wav"
	Data []byte `json:"data"`
	Seed int64  `json:"seed"`
	NSFW bool   `json:"nsfw"`
}

type textChunk struct {
	Text      string     `json:"text"`
	Timestamp [2]float64 `json:"timestamp"`
}

type jobError struct {
	Error string `json:"error"`
}
