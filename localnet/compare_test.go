package localnet_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"jobtester/livepeer"
	"jobtester/localnet"
	"jobtester/media"
	"jobtester/simnet"
)

// compareScenario has one orchestrator per behaviour, each with its own
// model names, so that a gateway that may use every orchestrator still
// reaches only the one whose behaviour a request is about.
func compareScenario() simnet.Scenario {
	lat := func(d time.Duration) simnet.Latency { return simnet.Latency{Median: simnet.Duration(d), Spread: 0.05} }
	return simnet.Scenario{
		Gateways: []simnet.GatewaySpec{{Name: "sim", RetryTimeout: simnet.Duration(retryTimeout),
			// Loopback under a busy machine can exceed the default 500 ms.
			DiscoveryTimeout: simnet.Duration(5 * time.Second)}},
		Orchestrators: []simnet.OrchestratorSpec{
			{Name: "healthy", Models: []simnet.ModelSpec{
				{Pipeline: "text-to-image", Model: "healthy/t2i", Latency: lat(100 * time.Millisecond)},
				{Pipeline: "audio-to-text", Model: "healthy/whisper", Latency: lat(100 * time.Millisecond)},
			}},
			{Name: "slow", Models: []simnet.ModelSpec{{Pipeline: "text-to-image", Model: "slow/t2i", Latency: lat(1500 * time.Millisecond)}}},
			{Name: "flaky", Models: []simnet.ModelSpec{{Pipeline: "text-to-image", Model: "flaky/t2i", FailureRate: 0.5, Latency: lat(20 * time.Millisecond)}}},
			{Name: "broken", Models: []simnet.ModelSpec{{Pipeline: "text-to-image", Model: "broken/t2i", Broken: true, Latency: lat(20 * time.Millisecond)}}},
			{Name: "wrong", Models: []simnet.ModelSpec{
				{Pipeline: "text-to-image", Model: "wrong/t2i", WrongSizeRate: 1, Latency: lat(100 * time.Millisecond)},
				{Pipeline: "image-to-video", Model: "wrong/svd", WrongSizeRate: 1, Latency: lat(100 * time.Millisecond)},
			}},
		},
	}
}

// retryTimeout is both gateways' -aiProcessingRetryTimeout: long enough that on a
// loaded machine the 20 tries, not the clock, end a failing request, so a
// flaky model is retried to success through both.
const retryTimeout = 10 * time.Second

// answer is one gateway's reply to one request.
type answer struct {
	status  int // 0: no HTTP response
	body    string
	took    time.Duration
	media   string // the first media URL, if any
	w, h    int    // its size, if it is an image or a video
	triesAt int    // runner jobs for the request's model while it ran
}

// class is what a tester can tell from an answer: a result, a refusal, or
// nobody available (503 or no reply: go-livepeer ends both ways).
func (a answer) class() string {
	switch a.status {
	case http.StatusOK:
		return "200"
	case 0, http.StatusServiceUnavailable:
		return "unavailable"
	}
	return fmt.Sprint(a.status)
}

func (a answer) String() string {
	s := fmt.Sprintf("%d", a.status)
	if a.status == 0 {
		s = "no reply"
	}
	b := a.body
	if len(b) > 70 {
		b = b[:70] + "…"
	}
	if a.w > 0 {
		b += fmt.Sprintf(" [%d×%d]", a.w, a.h)
	}
	return fmt.Sprintf("%s %s, %s, %d tries", s, b, a.took.Round(10*time.Millisecond), a.triesAt)
}

type request struct {
	name, route, model string
	build              func() (body []byte, contentType string)
}

func jsonBody(v any) func() ([]byte, string) {
	return func() ([]byte, string) {
		b, _ := json.Marshal(v)
		return b, "application/json"
	}
}

func multipartBody(file, name string, data []byte, fields map[string]string) func() ([]byte, string) {
	return func() ([]byte, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile(file, name)
		fw.Write(data)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		mw.Close()
		return buf.Bytes(), mw.FormDataContentType()
	}
}

var mediaURL = regexp.MustCompile(`"url":"([^"]+)"`)

// send posts one request and fetches the first media result it names.
func send(t *testing.T, nw *simnet.Network, base string, rq request) answer {
	t.Helper()
	body, ct := rq.build()
	client := &http.Client{Timeout: 2 * time.Minute}
	seqBefore := len(nw.Requests())
	start := time.Now()
	resp, err := client.Post(base+"/"+rq.route, ct, bytes.NewReader(body))
	a := answer{took: time.Since(start)}
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		a.status, a.body, a.took = resp.StatusCode, strings.TrimSpace(string(b)), time.Since(start)
	}
	for _, q := range nw.Requests()[seqBefore:] {
		if q.Model == rq.model {
			a.triesAt++
		}
	}
	if m := mediaURL.FindStringSubmatch(a.body); m != nil {
		a.media = m[1]
		if r, err := client.Get(base + m[1]); err == nil {
			data, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if w, h, _, err := media.ImageInfo(data); err == nil {
				a.w, a.h = w, h
			} else if v, err := media.VideoInfo(data); err == nil {
				a.w, a.h = v.Width, v.Height
			}
		}
	}
	return a
}

// TestRealGatewayBesideSimnets sends the same requests through a real
// go-livepeer gateway and through simnet's, in front of the same simulated
// models, and holds simnet's answers to the real ones: what a tester can
// tell from each (a result, a refusal with its message, nobody available),
// the media URL's shape and the size of what it serves. The table it logs
// is the one in docs/simnet.md.
func TestRealGatewayBesideSimnets(t *testing.T) {
	bin, off, err := localnet.TestBinary()
	if off {
		t.Skip(localnet.EnvBinary + "=off")
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	nw, err := simnet.Start(ctx, compareScenario(), simnet.Options{Seed: 5, TimeScale: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nw.Close() })
	ln, err := localnet.Start(ctx, localnet.Options{Binary: bin, Network: nw, RetryTimeout: retryTimeout,
		Gateways: []localnet.GatewayOptions{{Name: "real"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for name, log := range ln.Logs() {
				t.Logf("%s log tail:\n%s", name, log[max(0, len(log)-3000):])
			}
		}
		ln.Close()
	})
	real, sim := ln.Gateways[0].HTTPURL, nw.Gateways()[0].HTTPURL
	t2i := func(model string) func() ([]byte, string) {
		return jsonBody(map[string]any{"prompt": "a lighthouse", "model_id": model, "width": 64, "height": 64, "seed": 3})
	}
	wav := media.SpokenDigits("31415926", 16000)
	requests := []request{
		{"healthy", "text-to-image", "healthy/t2i", t2i("healthy/t2i")},
		{"slow", "text-to-image", "slow/t2i", t2i("slow/t2i")},
		{"flaky (50 % failures)", "text-to-image", "flaky/t2i", t2i("flaky/t2i")},
		{"broken model", "text-to-image", "broken/t2i", t2i("broken/t2i")},
		{"wrong size, image", "text-to-image", "wrong/t2i", t2i("wrong/t2i")},
		{"wrong size, image-to-video", "image-to-video", "wrong/svd", multipartBody("image", "in.png", media.TestImage(64, 64),
			map[string]string{"model_id": "wrong/svd", "width": "512", "height": "512", "fps": "6"})},
		{"model nobody serves", "text-to-image", "nobody/t2i", t2i("nobody/t2i")},
	}
	t.Logf("| behaviour | real gateway | simnet's gateway |")
	for _, rq := range requests {
		ra, sa := send(t, nw, real, rq), send(t, nw, sim, rq)
		t.Logf("| %s | %s | %s |", rq.name, ra, sa)
		if ra.class() != sa.class() {
			t.Errorf("%s: real gateway %s, simnet's %s", rq.name, ra, sa)
		}
		if ra.status == http.StatusBadRequest && ra.body != sa.body {
			t.Errorf("%s: the refusals differ: real %s, simnet's %s", rq.name, ra.body, sa.body)
		}
		if (ra.media == "") != (sa.media == "") || (ra.w != sa.w || ra.h != sa.h) {
			t.Errorf("%s: media differ: real %q %d×%d, simnet's %q %d×%d", rq.name, ra.media, ra.w, ra.h, sa.media, sa.w, sa.h)
		}
		for _, m := range []string{ra.media, sa.media} {
			if m != "" && !regexp.MustCompile(`^/stream/[^/]+/[^/]+\.(png|mp4)$`).MatchString(m) {
				t.Errorf("%s: media URL %q is not /stream/<request>/<file>", rq.name, m)
			}
		}
	}
	checkAudioFormats(t, nw, real, sim, wav)
	checkOffchainDiscovery(t, ln.Gateways[0])
}

// checkOffchainDiscovery: an off-chain gateway lists no orchestrators and
// no capabilities; the client says so in a way jobs can name
// (docs/discovery.md, "Off-chain gateways").
func checkOffchainDiscovery(t *testing.T, gw localnet.Gateway) {
	t.Helper()
	c := &livepeer.GatewayClient{CLIURL: gw.CLIURL, HTTPURL: gw.HTTPURL}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.RegisteredOrchestrators(ctx); !errors.Is(err, livepeer.ErrOffchain) {
		t.Errorf("registered orchestrators from an off-chain gateway: %v, want ErrOffchain", err)
	}
	if _, err := c.AICapabilities(ctx); !errors.Is(err, livepeer.ErrCapabilitiesUnavailable) {
		t.Errorf("capabilities from an off-chain gateway: %v, want ErrCapabilitiesUnavailable", err)
	}
}

// gatewayAudioRefusal is the real gateway's own answer to audio it cannot
// measure. A runner's refusal passed on reads ": audio duration…" (the
// gateway keeps what follows "returned 400").
const gatewayAudioRefusal = `{"error":{"message":"audio duration calculation failed"}}`

// checkAudioFormats: the real gateway measures uploaded audio with its own
// FFmpeg build through a pipe (docs/simnet.md says why a PCM WAV fails
// there); FLAC and MP3 made by ffmpeg (a test package) from the same WAV
// pass the gateway and reach the runner. simnet's gateway does the same:
// the WAV is its own 400 before anyone is asked, FLAC and MP3 are
// transcribed.
func checkAudioFormats(t *testing.T, nw *simnet.Network, real, sim string, wav []byte) {
	t.Helper()
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("ffmpeg (scripts/setup.sh --test installs it): %v", err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "a.wav")
	if err := os.WriteFile(in, wav, 0o600); err != nil {
		t.Fatal(err)
	}
	rq := request{"audio-to-text, PCM WAV (2.4 s)", "audio-to-text", "healthy/whisper", multipartBody("audio", "a.wav", wav, map[string]string{"model_id": "healthy/whisper"})}
	ra, sa := send(t, nw, real, rq), send(t, nw, sim, rq)
	t.Logf("| %s | %s | %s |", rq.name, ra, sa)
	if ra.status != http.StatusBadRequest || ra.body != gatewayAudioRefusal || ra.triesAt != 0 {
		t.Errorf("PCM WAV: the real gateway answered %s; it was seen refusing it itself", ra)
	}
	if sa.status != http.StatusBadRequest || sa.body != gatewayAudioRefusal || sa.triesAt != 0 {
		t.Errorf("PCM WAV: simnet's gateway answered %s; the real one refuses it itself", sa)
	}
	for _, ext := range []string{"flac", "mp3"} {
		out := filepath.Join(dir, "a."+ext)
		if b, err := exec.Command(ff, "-loglevel", "error", "-i", in, out).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg to %s: %v: %s", ext, err, b)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rq := request{"audio-to-text, " + ext, "audio-to-text", "healthy/whisper", multipartBody("audio", "a."+ext, data, map[string]string{"model_id": "healthy/whisper"})}
		ra, sa := send(t, nw, real, rq), send(t, nw, sim, rq)
		t.Logf("| %s | %s | %s |", rq.name, ra, sa)
		if ra.body == gatewayAudioRefusal {
			t.Errorf("%s: the real gateway could not measure it: %s", ext, ra)
		}
		if ra.status != http.StatusOK || sa.status != http.StatusOK || transcript(t, ra.body) != transcript(t, sa.body) {
			t.Errorf("%s: real gateway %s, simnet's %s: want the same transcript from both", ext, ra, sa)
		}
	}
}

// transcript is the text of an audio-to-text answer.
func transcript(t *testing.T, body string) string {
	t.Helper()
	var a struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Errorf("audio-to-text answer %q: %v", body, err)
	}
	return a.Text
}
