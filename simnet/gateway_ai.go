package simnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jobtester/media"
	"jobtester/media/audio"
)

// Request limits of the simulated gateway.
const (
	maxRequestBytes   = 64 << 20
	maxMultipartInRAM = 32 << 20
	maxInputSide      = 4096 // a larger input image is refused (400)
	defaultImageSide  = 512  // text-to-image width and height
	defaultVideoW     = 1024 // image-to-video
	defaultVideoH     = 576
	defaultVideoFPS   = 6 // ai-runner's image-to-video default
)

func (g *gateway) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /stream/{dir}/{file}", g.serveStream)
	mux.HandleFunc("POST /image-to-video/result", g.serveAsyncResult)
	for _, p := range pipelines {
		mux.HandleFunc("POST /"+p.Route, g.batchHandler(p))
	}
	return mux
}

// parsers read a route's body into a job, applying the gateway's defaults;
// their errors are 400s with the error as the message.
var parsers = map[string]func(r *http.Request, job *jobRequest) error{
	"text-to-image":      parseTextToImage,
	"image-to-image":     parseImageToImage,
	"image-to-video":     parseImageToVideo,
	"upscale":            parseUpscale,
	"audio-to-text":      parseAudioToText,
	"segment-anything-2": parseSegmentAnything2,
	"llm":                parseLLM,
	"image-to-text":      parseImageToText,
	"text-to-speech":     parseTextToSpeech,
}

func (g *gateway) batchHandler(p pipeline) http.HandlerFunc {
	parse := parsers[p.Route]
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		defer func() {
			if r.MultipartForm != nil {
				_ = r.MultipartForm.RemoveAll() // parts spilled to disk
			}
		}()
		job := jobRequest{Gateway: g.spec.Name, Pipeline: p.Route, Model: p.DefaultModel, UserAgent: r.Header.Get("User-Agent")}
		if err := parse(r, &job); err != nil {
			writeAPIError(w, http.StatusBadRequest, err.Error())
			return
		}
		if p.Route == "audio-to-text" && !gatewayDecodes(job.audioCodec) {
			writeAPIError(w, http.StatusBadRequest, "audio duration calculation failed")
			return
		}
		job.RequestID = g.randHex(8)
		if p.Route == "image-to-video" && r.Header.Get("Prefer") == "respond-async" {
			g.startAsync(w, job)
			return
		}
		res, perr := g.process(r.Context(), job)
		if perr != nil {
			if r.Context().Err() != nil {
				return // the client is gone
			}
			g.respondError(w, perr)
			return
		}
		g.respond(w, p, job, res)
	}
}

// respondError writes the status and masked message handleAPIError would.
func (g *gateway) respondError(w http.ResponseWriter, e *processError) {
	switch e.kind {
	case failBadRequest:
		writeAPIError(w, http.StatusBadRequest, e.msg)
	case failNoCapacity, failRetryTimeout:
		writeAPIError(w, http.StatusServiceUnavailable, "Service Unavailable Error")
	case failNoOrchestrator:
		if g.chance(g.spec.NoOrchestrator503Rate) {
			writeAPIError(w, http.StatusServiceUnavailable, "Service Unavailable Error")
			return
		}
		abortConnection(w)
	default:
		writeAPIError(w, http.StatusInternalServerError, "Internal Server Error")
	}
}

// Response bodies (go-livepeer's worker types).
type mediaJSON struct {
	URL  string `json:"url"`
	Seed int64  `json:"seed"`
	NSFW bool   `json:"nsfw"`
}

type imageResponse struct {
	Images []mediaJSON `json:"images"`
}

// storeMedia re-stores the orchestrator's files under /stream/<requestID>/.
func (g *gateway) storeMedia(job jobRequest, res jobResult) []mediaJSON {
	out := []mediaJSON{}
	for _, m := range res.Media {
		url := g.store.put(job.RequestID, g.randHex(8)+"."+m.Ext, m.Data, time.Now())
		out = append(out, mediaJSON{URL: url, Seed: m.Seed, NSFW: m.NSFW})
	}
	return out
}

func (g *gateway) respond(w http.ResponseWriter, p pipeline, job jobRequest, res jobResult) {
	switch p.Output {
	case outputImages, outputVideo:
		writeJSON(w, http.StatusOK, imageResponse{Images: g.storeMedia(job, res)})
	case outputAudio:
		var body struct {
			Audio struct {
				URL string `json:"url"`
			} `json:"audio"`
		}
		if files := g.storeMedia(job, res); len(files) > 0 {
			body.Audio.URL = files[0].URL
		}
		writeJSON(w, http.StatusOK, body)
	case outputText:
		if p.Route == "audio-to-text" {
			chunks := res.Chunks
			if chunks == nil {
				chunks = []textChunk{}
			}
			writeJSON(w, http.StatusOK, struct {
				Text   string      `json:"text"`
				Chunks []textChunk `json:"chunks"`
			}{res.Text, chunks})
			return
		}
		writeJSON(w, http.StatusOK, struct {
			Text string `json:"text"`
		}{res.Text})
	case outputMasks:
		writeJSON(w, http.StatusOK, struct {
			Masks  string `json:"masks"`
			Scores string `json:"scores"`
			Logits string `json:"logits"`
		}{res.Masks, res.Scores, res.Logits})
	case outputLLM:
		g.respondLLM(w, job, res)
	}
}

// ---- request parsing ----

func decodeJSONBody(r *http.Request, v any) error {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

func required(name string, s *string) error {
	if s == nil || *s == "" {
		return fmt.Errorf("missing required field: %s", name)
	}
	return nil
}

func sizeField(name string, v *int, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > maxOutputSide {
		return 0, fmt.Errorf("%s %d is out of range (1..%d)", name, *v, maxOutputSide)
	}
	return *v, nil
}

func countField(v *int) (int, error) {
	if v == nil {
		return 1, nil
	}
	if *v < 1 || *v > maxImagesPerJob {
		return 0, fmt.Errorf("num_images_per_prompt %d is out of range (1..%d)", *v, maxImagesPerJob)
	}
	return *v, nil
}

func parseTextToImage(r *http.Request, job *jobRequest) error {
	var req struct {
		Prompt             *string  `json:"prompt"`
		ModelID            *string  `json:"model_id"`
		Height             *int     `json:"height"`
		Width              *int     `json:"width"`
		GuidanceScale      *float32 `json:"guidance_scale"`
		NegativePrompt     *string  `json:"negative_prompt"`
		NumImagesPerPrompt *int     `json:"num_images_per_prompt"`
		NumInferenceSteps  *int     `json:"num_inference_steps"`
		SafetyCheck        *bool    `json:"safety_check"`
		Seed               *int64   `json:"seed"`
		Loras              *string  `json:"loras"`
	}
	if err := decodeJSONBody(r, &req); err != nil {
		return err
	}
	if err := required("prompt", req.Prompt); err != nil {
		return err
	}
	var err error
	if job.Width, err = sizeField("width", req.Width, defaultImageSide); err != nil {
		return err
	}
	if job.Height, err = sizeField("height", req.Height, defaultImageSide); err != nil {
		return err
	}
	if job.Count, err = countField(req.NumImagesPerPrompt); err != nil {
		return err
	}
	if req.ModelID != nil {
		job.Model = *req.ModelID
	}
	job.Prompt, job.Seed = *req.Prompt, req.Seed
	return nil
}

// multipartForm parses a multipart body; a body of another type is a 400.
type multipartForm struct{ r *http.Request }

func parseMultipart(r *http.Request) (multipartForm, error) {
	if err := r.ParseMultipartForm(maxMultipartInRAM); err != nil {
		return multipartForm{}, fmt.Errorf("invalid multipart body: %w", err)
	}
	return multipartForm{r}, nil
}

func (f multipartForm) str(name string) *string {
	if v := f.r.MultipartForm.Value[name]; len(v) > 0 {
		return &v[0]
	}
	return nil
}

func (f multipartForm) int(name string) (*int, error) {
	s := f.str(name)
	if s == nil {
		return nil, nil
	}
	v, err := strconv.Atoi(strings.TrimSpace(*s))
	if err != nil {
		return nil, fmt.Errorf("%s: %q is not an integer", name, *s)
	}
	return &v, nil
}

func (f multipartForm) int64(name string) (*int64, error) {
	s := f.str(name)
	if s == nil {
		return nil, nil
	}
	v, err := strconv.ParseInt(strings.TrimSpace(*s), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: %q is not an integer", name, *s)
	}
	return &v, nil
}

func (f multipartForm) file(name string) ([]byte, error) {
	files := f.r.MultipartForm.File[name]
	if len(files) == 0 {
		return nil, fmt.Errorf("missing required field: %s", name)
	}
	rd, err := files[0].Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// image reads the image file field into the job and returns its size.
func (f multipartForm) image(job *jobRequest) (w, h int, err error) {
	data, err := f.file("image")
	if err != nil {
		return 0, 0, err
	}
	job.Image = data
	w, h, _, err = media.ImageInfo(data)
	if err != nil {
		return 0, 0, fmt.Errorf("image: %w", err)
	}
	if w > maxInputSide || h > maxInputSide {
		return 0, 0, fmt.Errorf("image: %d×%d is larger than %d×%d", w, h, maxInputSide, maxInputSide)
	}
	return w, h, nil
}

func (f multipartForm) model(job *jobRequest) {
	if m := f.str("model_id"); m != nil {
		job.Model = *m
	}
}

func (f multipartForm) seed(job *jobRequest) error {
	s, err := f.int64("seed")
	job.Seed = s
	return err
}

func parseImageToImage(r *http.Request, job *jobRequest) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	if job.Width, job.Height, err = f.image(job); err != nil {
		return err
	}
	prompt := f.str("prompt")
	if err := required("prompt", prompt); err != nil {
		return err
	}
	n, err := f.int("num_images_per_prompt")
	if err != nil {
		return err
	}
	if job.Count, err = countField(n); err != nil {
		return err
	}
	f.model(job)
	job.Prompt = *prompt
	return f.seed(job)
}

func parseImageToVideo(r *http.Request, job *jobRequest) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	if _, _, err = f.image(job); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		dst  *int
		def  int
	}{{"width", &job.Width, defaultVideoW}, {"height", &job.Height, defaultVideoH}} {
		v, err := f.int(s.name)
		if err != nil {
			return err
		}
		if *s.dst, err = sizeField(s.name, v, s.def); err != nil {
			return err
		}
	}
	fps, err := f.int("fps")
	if err != nil {
		return err
	}
	job.FPS = defaultVideoFPS
	if fps != nil {
		if *fps < 1 || *fps > 120 {
			return fmt.Errorf("fps %d is out of range (1..120)", *fps)
		}
		job.FPS = *fps
	}
	job.Frames = videoFrames
	f.model(job)
	return f.seed(job)
}

func parseUpscale(r *http.Request, job *jobRequest) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	w, h, err := f.image(job)
	if err != nil {
		return err
	}
	prompt := f.str("prompt")
	if err := required("prompt", prompt); err != nil {
		return err
	}
	// The x4 upscaler's output; the orchestrator refuses one too large.
	job.Width, job.Height, job.Count = 4*w, 4*h, 1
	job.Prompt = *prompt
	f.model(job)
	return f.seed(job)
}

// gatewayDecoders are the audio decoders of go-livepeer's own FFmpeg build
// (it turns every decoder off and a few back on), by libav's decoder names.
// The gateway measures an upload's duration through a pipe, where a PCM WAV
// has no container duration and, with no PCM decoder, no bit rate to
// estimate one from: every WAV is refused before anyone is asked, though
// any runner could read it. The runner takes what libav reads.
var gatewayDecoders = map[string]bool{"mp3": true, "mp3float": true, "vorbis": true, "flac": true, "aac": true, "opus": true}

func gatewayDecodes(codec string) bool { return gatewayDecoders[codec] }

func parseAudioToText(r *http.Request, job *jobRequest) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	data, err := f.file("audio")
	if err != nil {
		return err
	}
	// The gateway measures the duration with libav (lpms) to price the job
	// and refuses audio it cannot read or that lasts no time at all, in
	// whatever container libav takes: WAV, MP4/M4A, MP3, FLAC, Ogg.
	info, err := audio.Probe(data)
	if err != nil {
		return errors.New("audio duration calculation failed")
	}
	job.AudioSeconds, job.Audio, job.audioCodec = info.Duration.Seconds(), data, info.Codec
	if ts := f.str("return_timestamps"); ts != nil {
		job.ReturnTimestamps = *ts
	}
	f.model(job)
	return nil
}

func parseSegmentAnything2(r *http.Request, job *jobRequest) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	if _, _, err = f.image(job); err != nil {
		return err
	}
	f.model(job)
	return nil
}

func parseImageToText(r *http.Request, job *jobRequest) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	if _, _, err = f.image(job); err != nil {
		return err
	}
	if p := f.str("prompt"); p != nil {
		job.Prompt = *p
	}
	f.model(job)
	return nil
}

func parseTextToSpeech(r *http.Request, job *jobRequest) error {
	var req struct {
		Text        *string `json:"text"`
		Description *string `json:"description"`
		ModelID     *string `json:"model_id"`
	}
	if err := decodeJSONBody(r, &req); err != nil {
		return err
	}
	if req.Text != nil {
		job.Text = *req.Text
	}
	if req.ModelID != nil {
		job.Model = *req.ModelID
	}
	return nil
}
