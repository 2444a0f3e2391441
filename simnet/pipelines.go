package simnet

import "time"

// pipeline is one batch AI route of the gateway (docs/livepeer.md, "Batch
// AI routes and answers").
type pipeline struct {
	Route        string // gateway path without the slash, and the scenario's name for it
	Name         string // go-livepeer CapabilityToName, as on the leaderboard
	Capability   int
	DefaultModel string // model_id the gateway uses when the request has none
	Multipart    bool   // multipart/form-data body; JSON otherwise
	Output       outputKind
	// Latency is the median a model of this pipeline takes when the
	// scenario does not say.
	Latency time.Duration
}

type outputKind int

const (
	outputImages outputKind = iota // images[] of PNGs
	outputVideo                    // images[] of one MP4
	outputAudio                    // audio.url of a WAV
	outputText                     // text (+ chunks for audio-to-text)
	outputMasks                    // masks/scores/logits
	outputLLM                      // chat completion
	outputLive                     // a live video stream (livePipeline)
)

// resizable reports whether the output has a size that a wrong-size
// behaviour can get wrong.
func (k outputKind) resizable() bool { return k == outputImages || k == outputVideo }

var pipelines = []pipeline{
	{"text-to-image", "Text to image", 27, "stabilityai/sdxl-turbo", false, outputImages, 2 * time.Second},
	{"image-to-image", "Image to image", 28, "stabilityai/sdxl-turbo", true, outputImages, 3 * time.Second},
	{"image-to-video", "Image to video", 29, "stabilityai/stable-video-diffusion-img2vid-xt", true, outputVideo, 40 * time.Second},
	{"upscale", "Upscale", 30, "stabilityai/stable-diffusion-x4-upscaler", true, outputImages, 10 * time.Second},
	{"audio-to-text", "Audio to text", 31, "openai/whisper-large-v3", true, outputText, 3 * time.Second},
	{"segment-anything-2", "Segment anything 2", 32, "facebook/sam2-hiera-large", true, outputMasks, 1500 * time.Millisecond},
	{"llm", "Llm", 33, "meta-llama/llama-3.1-8B-Instruct", false, outputLLM, 4 * time.Second},
	{"image-to-text", "Image to text", 34, "Salesforce/blip-image-captioning-large", true, outputText, time.Second},
	{"text-to-speech", "Text to speech", 36, "parler-tts/parler-tts-large-v1", false, outputAudio, 5 * time.Second},
}

// pipelineByRoute finds a batch pipeline, or the live one.
func pipelineByRoute(route string) (pipeline, bool) {
	for _, p := range pipelines {
		if p.Route == route {
			return p, true
		}
	}
	if route == liveRoute {
		return livePipeline, true
	}
	return pipeline{}, false
}

// capabilityNames is go-livepeer's CapabilityNameLookup as
// /getNetworkCapabilities prints it (13, the deprecated scene
// classification, has no name there).
var capabilityNames = map[int]string{
	-2: "Invalid", -1: "Unused", 0: "H.264", 1: "MPEGTS", 2: "MP4", 3: "Fractional framerates",
	4: "Storage direct", 5: "Storage S3", 6: "Storage GCS", 7: "H264 Baseline profile",
	8: "H264 Main profile", 9: "H264 High profile", 10: "H264 Constained High profile", 11: "GOP",
	12: "Auth token", 14: "MPEG7 signature", 15: "HEVC decode", 16: "HEVC encode", 17: "VP8 decode",
	18: "VP9 decode", 19: "VP8 encode", 20: "VP9 encode", 21: "H264 Decode YUV444 8-bit",
	22: "H264 Decode YUV422 8-bit", 23: "H264 Decode YUV444 10-bit", 24: "H264 Decode YUV422 10-bit",
	25: "H264 Decode YUV420 10-bit", 26: "Segment slicing", 27: "Text to image", 28: "Image to image",
	29: "Image to video", 30: "Upscale", 31: "Audio to text", 32: "Segment anything 2", 33: "Llm",
	34: "Image to text", 35: "Live video to video", 36: "Text to speech", 37: "byoc",
}
