package simnet

import (
	"bytes"
	"math"
	"net/http"
	"strings"
	"testing"

	"jobtester/media"
	"jobtester/media/audio"
)

// digitsIn returns SpokenDigits of digits written in each container Encode
// knows, generated with libav.
func digitsIn(t *testing.T, digits string, rate int) map[string][]byte {
	t.Helper()
	pcm, got, err := audio.DecodeMono(media.SpokenDigits(digits, rate))
	if err != nil || got != rate {
		t.Fatalf("decode the WAV: %v (rate %d)", err, got)
	}
	files := map[string][]byte{}
	for _, c := range audio.Containers {
		if files[c], err = audio.Encode(pcm, rate, c); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// The gateway takes every container libav reads, measuring each as lpms
// does, before any orchestrator is asked.
func TestAudioToTextProbesEveryContainer(t *testing.T) {
	t.Parallel()
	const digits = "3141592653" // 10 slots of 0.3 s: 3 s
	for c, file := range digitsIn(t, digits, 16000) {
		body, ctype := multipartBody(t, nil, map[string][]byte{"audio": file})
		r, err := http.NewRequest(http.MethodPost, "/audio-to-text", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", ctype)
		var job jobRequest
		if err := parseAudioToText(r, &job); err != nil {
			t.Errorf("%s: %v", c, err)
			continue
		}
		if math.Abs(job.AudioSeconds-3) > 0.1 {
			t.Errorf("%s: %.3f s, want 3 ± 0.1", c, job.AudioSeconds)
		}
	}
}

// An honest speech model hears the tester's digits in every container the
// gateway can measure, so the transcript check holds whatever format the
// audio came in. A PCM WAV, which go-livepeer's gateway cannot measure, and
// a cut MP4 (its index lost) are the gateway's 400, and no orchestrator is
// asked.
func TestAudioToTextEveryContainerEndToEnd(t *testing.T) {
	t.Parallel()
	n := startNet(t, allPipelines())
	base := n.Gateways()[0].HTTPURL
	const digits = "27182818"
	want := " two seven one eight two eight one eight"
	files := digitsIn(t, digits, 16000)
	for _, c := range audio.Containers {
		r := postForm(t, base+"/audio-to-text", nil, map[string][]byte{"audio": files[c]})
		if c == "wav" {
			if r.status != http.StatusBadRequest || !strings.Contains(apiErrorOf(t, r), "audio duration calculation failed") {
				t.Errorf("PCM WAV: status %d %s, want 400 audio duration calculation failed", r.status, r.body)
			}
			continue
		}
		if r.err != nil || r.status != http.StatusOK {
			t.Errorf("%s: status %d, %v: %s", c, r.status, r.err, r.body)
			continue
		}
		var body struct {
			Text string `json:"text"`
		}
		r.json(t, &body)
		if body.Text != want {
			t.Errorf("%s: heard %q, want %q", c, body.Text, want)
		}
	}
	cut := files["mp4"][:len(files["mp4"])*3/4]
	r := postForm(t, base+"/audio-to-text", nil, map[string][]byte{"audio": cut})
	if r.status != http.StatusBadRequest || !strings.Contains(apiErrorOf(t, r), "audio duration calculation failed") {
		t.Errorf("cut MP4: status %d %s, want 400 audio duration calculation failed", r.status, r.body)
	}
	if got, want := len(n.Requests()), len(audio.Containers)-1; got != want {
		t.Errorf("%d requests reached an orchestrator, want %d: one for each container but WAV, none for the cut MP4", got, want)
	}
}

// flacOf is a WAV re-encoded as FLAC: what a client of go-livepeer's
// gateway has to send, since it refuses PCM.
func flacOf(t *testing.T, wav []byte) []byte {
	t.Helper()
	pcm, rate, err := audio.DecodeMono(wav)
	if err != nil {
		t.Fatal(err)
	}
	flac, err := audio.Encode(pcm, rate, "flac")
	if err != nil {
		t.Fatal(err)
	}
	return flac
}
