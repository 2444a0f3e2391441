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
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/livepeer"
	"jobtester/media"
	"jobtester/models"
)

// paint makes a picture that depends on seed the way a model's output
// depends on prompt and seed: a background and shapes drawn from it.
func paint(seed uint64, side int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	fx, fy, ph := 1+r.Float64()*5, 1+r.Float64()*5, r.Float64()*6
	for y := range side {
		for x := range side {
			v := 128 + 100*math.Sin(fx*float64(x)/float64(side)*math.Pi+ph)*math.Cos(fy*float64(y)/float64(side)*math.Pi)
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(v), uint8(255-v), uint8(v/2), 255
		}
	}
	for range 8 {
		x0, y0, w := r.IntN(side), r.IntN(side), side/10+r.IntN(side/4)
		c := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
		for y := y0; y < min(y0+w, side); y++ {
			for x := x0; x < min(x0+w, side); x++ {
				img.Set(x, y, c)
			}
		}
	}
	return encodePNG(img)
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := pngenc.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func noisePNG(seed uint64, side int) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.IntN(256))
	}
	return encodePNG(img)
}

// fakeModel is a gateway whose one orchestrator answers as behaviour says;
// the picture it returns is made from the request's seed.
func fakeModel(t *testing.T, picture func(seed uint64) []byte, reply string, speech float64) *livepeer.GatewayClient {
	t.Helper()
	var last []byte
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/stream/"):
			w.Write(last)
		case r.URL.Path == "/text-to-image":
			var body struct{ Seed uint64 }
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &body)
			last = picture(body.Seed)
			w.Write([]byte(`{"images":[{"url":"/stream/x/0.png","seed":1,"nsfw":false}]}`))
		case r.URL.Path == "/llm":
			json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"content": reply}}}})
		case r.URL.Path == "/text-to-speech":
			last = media.TestAudio(speech, 16000)
			w.Write([]byte(`{"audio":{"url":"/stream/x/0.wav"}}`))
		}
	}))
	t.Cleanup(gw.Close)
	return &livepeer.GatewayClient{CLIURL: gw.URL, HTTPURL: gw.URL}
}

func runVerified(t *testing.T, st *models.Store, c *livepeer.GatewayClient, pipeline string, params map[string]any) Result {
	t.Helper()
	lane := &Lane{Name: "l", Client: c, Webhook: livepeer.NewWebhook()}
	r := &AIRunner{JobTimeout: 5 * time.Second, Verifier: &Verifier{Store: st}}
	return r.Run(context.Background(), lane, Target{Orchestrator: "0x00000000000000000000000000000000000000aa", URI: "http://o",
		Capability: livepeer.Capability{Pipeline: pipeline, Model: "m"}, Params: params}, 1)
}

// TestRunnerFailsCheatsWithTheirReason sends tests with varying seeds to
// honest and cheating models and checks each test's outcome and reason.
func TestRunnerFailsCheatsWithTheirReason(t *testing.T) {
	t.Parallel()
	canned := paint(999, imageSide)
	grey := image.NewRGBA(image.Rect(0, 0, imageSide, imageSide))
	for i := range grey.Pix {
		grey.Pix[i] = 90
	}
	flatPNG := encodePNG(grey)
	cases := []struct {
		name    string
		picture func(seed uint64) []byte
		want    []string // per test: "" passes, else the reason
	}{
		{"honest", func(s uint64) []byte { return paint(s, imageSide) }, []string{"", "", ""}},
		{"flat", func(uint64) []byte { return flatPNG }, []string{"suspected_flat", "suspected_flat", "suspected_flat"}},
		{"noise", func(s uint64) []byte { return noisePNG(s, imageSide) }, []string{"suspected_noise", "suspected_noise", "suspected_noise"}},
		{"canned", func(uint64) []byte { return canned }, []string{"", "suspected_repeat", "suspected_repeat"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st := dbtest.Open(t, "sqlite", models.Options{})
			gw := fakeModel(t, c.picture, "", 0)
			for i, want := range c.want {
				res := runVerified(t, st, gw, "Text to image", map[string]any{"seed": 100 + i})
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
