package live

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/media/mediaserver"
	"jobtester/testutil"
)

// TestSignalPublishCountedByFFprobe publishes the signal for 3 s to the
// embedded media server and has Debian's ffprobe, an independent RTMP
// client, play it and count the frames.
//
// ffmpeg's own RTMP server (-listen 1) cannot take the publish: it answers
// FCPublish with an onFCPublish command that has no transaction id, which
// gortmplib's client rejects ("invalid command payload"); ffmpeg as RTMP
// server is used for playing in TestReadH264FromFFmpegServerDecodesEveryFrame.
func TestSignalPublishCountedByFFprobe(t *testing.T) {
	ffprobe := testutil.RequireTool(t, "ffprobe")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := mediaserver.Start(ctx, mediaserver.Config{RTMPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	cfg := DefaultSignalConfig()
	// One keyframe for the whole run: the server's GOP cache then holds
	// every frame since the first, and ffprobe, joining a moment after the
	// start, still gets them all.
	cfg.KeyframeInterval = 10 * time.Second
	s, err := NewSignal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const seconds = 3
	pubCtx, stop := context.WithTimeout(ctx, seconds*time.Second)
	defer stop()
	var sent []time.Time
	published := make(chan error, 1)
	url := "rtmp://" + srv.RTMPAddr() + "/live/signal"
	go func() {
		published <- s.Publish(pubCtx, url+"?pipeline=noop&streamId=abc", func(n int, at time.Time) {
			sent = append(sent, at)
		})
	}()
	if err := srv.WaitPublished(testContext(t, 5*time.Second), "live/signal"); err != nil {
		t.Fatalf("stream never ready: %v", err)
	}
	probe := exec.CommandContext(testContext(t, 15*time.Second), ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", url)
	outc := make(chan []byte, 1)
	go func() {
		out, err := probe.Output()
		if err != nil {
			t.Errorf("ffprobe: %v", err)
		}
		outc <- out
	}()
	if err := <-published; err != nil {
		t.Fatalf("Publish: %v", err)
	}
	out := <-outc
	fields := strings.Split(strings.TrimSpace(string(out)), ",")
	if len(fields) != 4 || fields[0] != "h264" || fields[1] != "512" || fields[2] != "512" {
		t.Fatalf("ffprobe: %q, want h264,512,512,<frames>", out)
	}
	frames, _ := strconv.Atoi(fields[3])
	// ffprobe got every frame sent. 30 fps for 3 s is at most 90 (and the
	// first); how close to it a busy machine gets is the benchmark's
	// question, the pacing below this test's.
	if frames != len(sent) || frames < 30 || frames > 91 {
		t.Errorf("ffprobe counted %d frames, Publish sent %d; want the same, at most 91", frames, len(sent))
	}
	// Pacing: frame n leaves at start + n/30 s on the monotonic clock.
	// Publish's start is not visible here, and the first frame (a keyframe
	// with its parameter sets) may itself leave late, so the reference is
	// the earliest start any frame implies (sent[n] − n/30 s). A frame may
	// be late on a loaded machine, but lateness must not build up (no
	// drift): the median frame is on time.
	ref := sent[0]
	for n := range sent {
		if s := sent[n].Add(-time.Duration(n) * time.Second / 30); s.Before(ref) {
			ref = s
		}
	}
	var lateness []time.Duration
	for n := range sent {
		lateness = append(lateness, sent[n].Sub(ref.Add(time.Duration(n)*time.Second/30)))
	}
	if m := median(lateness); m > 10*time.Millisecond && !raceEnabled {
		t.Errorf("median frame %v behind schedule, want on time", m)
	}
	t.Logf("ffprobe counted %d frames of %d sent", frames, len(sent))
}
