package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	pngenc "image/png"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/livepeer"
	"jobtester/media"
	"jobtester/models"
)

// paint makes a w×h picture that depends on seed the way a model's
// output depends on prompt and seed: a background and shapes drawn from
// it, placed in fractions of the size so that one seed gives the same
// picture at any size.
func paint(seed uint64, w, h int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fx, fy, ph := 1+r.Float64()*5, 1+r.Float64()*5, r.Float64()*6
	for y := range h {
		for x := range w {
			v := 128 + 100*math.Sin(fx*float64(x)/float64(w)*math.Pi+ph)*math.Cos(fy*float64(y)/float64(h)*math.Pi)
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(v), uint8(255-v), uint8(v/2), 255
		}
	}
	for range 8 {
		fx0, fy0, fs := r.Float64(), r.Float64(), 0.1+r.Float64()/4
		c := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
		x0, y0 := int(fx0*float64(w)), int(fy0*float64(h))
		for y := y0; y < min(y0+int(fs*float64(h)), h); y++ {
			for x := x0; x < min(x0+int(fs*float64(w)), w); x++ {
				i := img.PixOffset(x, y)
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = c.R, c.G, c.B
			}
		}
	}
	return media.EncodePNG(img)
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := pngenc.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func noisePNG(seed uint64, w, h int) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.IntN(256))
	}
	return encodePNG(img)
}

// fake is how a fake model answers: pictures from the request's seed and
// size, an LLM reply, speech for a text, a transcript or caption.
type fake struct {
	picture func(seed uint64, w, h int) []byte
	reply   string
	speech  func(text string) []byte
	text    string
}

// fakeModel is a gateway whose one orchestrator answers as f says.
func fakeModel(t *testing.T, f fake) *livepeer.GatewayClient {
	t.Helper()
	var mu sync.Mutex
	var last []byte
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the request whole before answering: a server that answers
		// an upload early and closes resets the client mid-write.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasPrefix(r.URL.Path, "/stream/"):
			w.Write(last)
		case r.URL.Path == "/text-to-image":
			var body struct{ Seed, Width, Height int }
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &body)
			last = f.picture(uint64(body.Seed), body.Width, body.Height)
			w.Write([]byte(`{"images":[{"url":"/stream/x/0.png","seed":1,"nsfw":false}]}`))
		case r.URL.Path == "/llm":
			json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"content": f.reply}}}})
		case r.URL.Path == "/text-to-speech":
			var body struct{ Text string }
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &body)
			last = f.speech(body.Text)
			w.Write([]byte(`{"audio":{"url":"/stream/x/0.wav"}}`))
		case r.URL.Path == "/audio-to-text" || r.URL.Path == "/image-to-text":
			json.NewEncoder(w).Encode(map[string]any{"text": f.text})
		}
	}))
	t.Cleanup(gw.Close)
	return &livepeer.GatewayClient{CLIURL: gw.URL, HTTPURL: gw.URL}
}

func runVerified(t *testing.T, st *models.Store, c *livepeer.GatewayClient, pipeline string, params map[string]any, inputSeed uint64) Result {
	t.Helper()
	lane := &Lane{Name: "l", Client: c, Webhook: livepeer.NewWebhook()}
	// The job timeout only stops a hung test: drawn sizes go up to 1024²,
	// and drawing, painting and checking an answer under -race on a busy
	// machine can take seconds.
	r := &AIRunner{JobTimeout: time.Minute, Verifier: &Verifier{Store: st}}
	return r.Run(context.Background(), lane, Target{Orchestrator: "0x00000000000000000000000000000000000000aa", URI: "http://o",
		Capability: livepeer.Capability{Pipeline: pipeline, Model: "m"}, Params: params, InputSeed: inputSeed}, 1)
}

// TestRunnerFailsCheatsWithTheirReason sends tests with varying seeds to
// honest and cheating models and checks each test's outcome and reason.
func TestRunnerFailsCheatsWithTheirReason(t *testing.T) {
	t.Parallel()
	flat := func(_ uint64, w, h int) []byte {
		grey := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range grey.Pix {
			grey.Pix[i] = 90
		}
		return encodePNG(grey)
	}
	cases := []struct {
		name    string
		picture func(seed uint64, w, h int) []byte
		want    []string // per test: "" passes, else the reason
	}{
		{"honest", paint, []string{"", "", ""}},
		{"flat", flat, []string{"suspected_flat", "suspected_flat", "suspected_flat"}},
		{"noise", noisePNG, []string{"suspected_noise", "suspected_noise", "suspected_noise"}},
		{"canned", func(_ uint64, w, h int) []byte { return paint(999, w, h) }, []string{"", "suspected_repeat", "suspected_repeat"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st := dbtest.Open(t, "sqlite", models.Options{})
			gw := fakeModel(t, fake{picture: c.picture})
			for i, want := range c.want {
				res := runVerified(t, st, gw, "Text to image", nil, uint64(100+i))
				if got := reasonOf(res); got != want {
					t.Fatalf("test %d: %s %q, want reason %q", i, res.Outcome, res.Error, want)
				}
				if want != "" && (res.Evidence == nil || len(res.Evidence.Thumb) == 0 || ResultStats("FRA", res).Errors[0].ErrorCode != want) {
					t.Fatalf("test %d: evidence %+v", i, res.Evidence)
				}
			}
		})
	}
}

func reasonOf(r Result) string {
	if r.Outcome == models.OutcomePass {
		return ""
	}
	reason, _, _ := strings.Cut(r.Error, ":")
	return reason
}
