package media

import (
	"bytes"
	"encoding/binary"
	"jobtester/testutil"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTestVideoRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		w, h, frames, fps int
		want              time.Duration
	}{
		{64, 48, 1, 1, time.Second},
		{160, 90, 14, 7, 2 * time.Second},
		{33, 17, 25, 6, 25 * time.Second / 6},
		{320, 240, 30, 30, time.Second},
	} {
		f, err := VideoInfo(TestVideo(c.w, c.h, c.frames, c.fps))
		want := VideoFormat{Width: c.w, Height: c.h, Frames: c.frames, Duration: c.want}
		if err != nil || f != want {
			t.Errorf("TestVideo(%d, %d, %d, %d) → %+v, %v; want %+v", c.w, c.h, c.frames, c.fps, f, err, want)
		}
	}
}

func TestTestVideoFramesAreJPEGOfTheSize(t *testing.T) {
	t.Parallel()
	data := TestVideo(96, 64, 3, 10)
	if !bytes.Equal(data, TestVideo(96, 64, 3, 10)) {
		t.Fatal("not deterministic")
	}
	// The frames are the mdat payload, back to back; each must decode.
	i := bytes.Index(data, []byte("mdat"))
	payload := data[i+4:]
	frames := bytes.Split(payload, []byte{0xFF, 0xD8, 0xFF})
	var decoded, distinct int
	seen := map[string]bool{}
	for _, f := range frames[1:] {
		jpg := append([]byte{0xFF, 0xD8, 0xFF}, f...)
		w, h, format, err := ImageInfo(jpg)
		if err != nil || w != 96 || h != 64 || format != "jpeg" {
			t.Fatalf("frame: %d×%d %s %v", w, h, format, err)
		}
		decoded++
		if !seen[string(jpg)] {
			distinct++
			seen[string(jpg)] = true
		}
	}
	if decoded != 3 || distinct != distinctFrames {
		t.Fatalf("decoded %d frames, %d distinct; want 3 and %d", decoded, distinct, distinctFrames)
	}
}

// TestTestVideoFFprobe checks the choice of sample entry against the tool
// the libav code is built on (a missing ffprobe fails it, see
// testutil.RequireTool).
func TestTestVideoFFprobe(t *testing.T) {
	t.Parallel()
	ffprobe := testutil.RequireTool(t, "ffprobe")
	path := filepath.Join(t.TempDir(), "v.mp4")
	if err := os.WriteFile(path, TestVideo(160, 96, 12, 6), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,nb_read_frames,duration", "-of", "default=nw=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	for _, want := range []string{"codec_name=mjpeg", "width=160", "height=96", "nb_read_frames=12", "duration=2.000000"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ffprobe output lacks %q:\n%s", want, out)
		}
	}
}

func TestTestVideoClampsArguments(t *testing.T) {
	t.Parallel()
	f, err := VideoInfo(TestVideo(0, -1, 0, 0))
	if err != nil || f != (VideoFormat{Width: 1, Height: 1, Frames: 1, Duration: time.Second}) {
		t.Fatalf("TestVideo(0, -1, 0, 0) → %+v, %v", f, err)
	}
}

// mp4Edit finds the first box of type typ in a TestVideo file and lets fn
// change its payload in place (the box's size stays as it was).
func mp4Edit(t *testing.T, data []byte, typ string, fn func(payload []byte)) []byte {
	t.Helper()
	data = bytes.Clone(data)
	i := bytes.Index(data, []byte(typ))
	if i < 4 {
		t.Fatalf("no %s box", typ)
	}
	size := int(binary.BigEndian.Uint32(data[i-4:]))
	fn(data[i+4 : i-4+size])
	return data
}

func TestVideoInfoRejectsBrokenInput(t *testing.T) {
	t.Parallel()
	good := TestVideo(64, 48, 4, 2)
	cases := brokenBoxes(good)
	for name, data := range brokenSampleTables(t, good) {
		cases[name] = data
	}
	for name, data := range cases {
		f, err := VideoInfo(data)
		if err == nil {
			t.Errorf("%s: accepted as %+v", name, f)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
}

// brokenBoxes are good with its box structure broken: sizes, order,
// nesting, truncation.
func brokenBoxes(good []byte) map[string][]byte {
	moovAt := bytes.Index(good, []byte("moov")) - 4
	mdatAt := bytes.Index(good, []byte("mdat")) - 4
	put32 := func(off int, v uint32) []byte {
		b := bytes.Clone(good)
		binary.BigEndian.PutUint32(b[off:], v)
		return b
	}
	cases := map[string][]byte{
		"empty":             nil,
		"garbage":           []byte("not a video, just some words here"),
		"wrong magic":       append([]byte{0, 0, 0, 0x20, 'R', 'I', 'F', 'F'}, good[8:]...),
		"png":               TestImage(8, 8),
		"binary type":       append([]byte{0, 0, 0, 8, 0, 1, 2, 3}, good...),
		"ftyp only":         good[:moovAt],
		"no mdat":           good[:mdatAt],
		"size past end":     put32(moovAt, uint32(len(good))),
		"size below header": put32(moovAt, 7),
		"huge 64-bit size":  append(append([]byte{0, 0, 0, 1}, "ftyp"...), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF),
		"huge mdat claim":   put32(mdatAt, 0xFFFFFFF0),
	}
	{
		b := bytes.Clone(good)
		i := bytes.Index(b, []byte("mp4v"))
		binary.BigEndian.PutUint32(b[i-4:], 0x7FFFFFFF)
		cases["sample entry size huge"] = b
	}
	{
		// A child box with size 0 means "to the end of the parent"; in
		// mvhd's place it swallows trak, so there is no video track.
		b := bytes.Clone(good)
		i := bytes.Index(b, []byte("mvhd"))
		binary.BigEndian.PutUint32(b[i-4:], 0)
		cases["size zero swallows trak"] = b
	}
	{
		// Two moov boxes.
		b := append(bytes.Clone(good[:mdatAt]), good[moovAt:mdatAt]...)
		cases["two moov"] = append(b, good[mdatAt:]...)
	}
	{
		// Boxes nested past the depth limit: a chain of 'meta'-like
		// containers is not walked, but trak→mdia→minf→stbl→stbl… is.
		inner := mp4Box("stbl")
		for range 20 {
			inner = mp4Box("stbl", inner)
		}
		trak := mp4Box("trak", mp4Box("mdia", mp4Box("minf", inner)))
		cases["nesting too deep"] = append(append(bytes.Clone(good[:moovAt]), mp4Box("moov", trak)...), good[mdatAt:]...)
	}
	for _, n := range []int{1, 4, 7, 8, 12, 16, moovAt, moovAt + 8, moovAt + 100, mdatAt - 1, mdatAt + 4, mdatAt + 8, len(good) - 1} {
		cases["truncated to "+itoa(n)] = good[:n]
	}
	return cases
}

// brokenSampleTables are good with a field of its track's tables wrong.
func brokenSampleTables(t *testing.T, good []byte) map[string][]byte {
	return map[string][]byte{
		"no video track": mp4Edit(t, good, "hdlr", func(p []byte) {
			copy(p[8:], "soun")
		}),
		"stsz count huge": mp4Edit(t, good, "stsz", func(p []byte) {
			binary.BigEndian.PutUint32(p[8:], 0x7FFFFFFF)
		}),
		"constant sample size huge": mp4Edit(t, good, "stsz", func(p []byte) {
			binary.BigEndian.PutUint32(p[4:], 0x7FFFFFFF)
		}),
		"stsz no samples": mp4Edit(t, good, "stsz", func(p []byte) {
			binary.BigEndian.PutUint32(p[8:], 0)
		}),
		"stco past mdat": mp4Edit(t, good, "stco", func(p []byte) {
			binary.BigEndian.PutUint32(p[8:], uint32(len(good)-10))
		}),
		"stco into moov": mp4Edit(t, good, "stco", func(p []byte) {
			binary.BigEndian.PutUint32(p[8:], 0)
		}),
		"stco count huge": mp4Edit(t, good, "stco", func(p []byte) {
			binary.BigEndian.PutUint32(p[4:], 0xFFFFFFFF)
		}),
		"stsc too few samples": mp4Edit(t, good, "stsc", func(p []byte) {
			binary.BigEndian.PutUint32(p[12:], 3)
		}),
		"stsc too many samples": mp4Edit(t, good, "stsc", func(p []byte) {
			binary.BigEndian.PutUint32(p[12:], 5)
		}),
		"stsc zero per chunk": mp4Edit(t, good, "stsc", func(p []byte) {
			binary.BigEndian.PutUint32(p[12:], 0)
		}),
		"stsc first chunk 2": mp4Edit(t, good, "stsc", func(p []byte) {
			binary.BigEndian.PutUint32(p[8:], 2)
		}),
		"stts disagrees": mp4Edit(t, good, "stts", func(p []byte) {
			binary.BigEndian.PutUint32(p[8:], 5)
		}),
		"stts entries huge": mp4Edit(t, good, "stts", func(p []byte) {
			binary.BigEndian.PutUint32(p[4:], 0x10000000)
		}),
		"mdhd timescale 0": mp4Edit(t, good, "mdhd", func(p []byte) {
			binary.BigEndian.PutUint32(p[12:], 0)
		}),
		"mdhd version 7":       mp4Edit(t, good, "mdhd", func(p []byte) { p[0] = 7 }),
		"tkhd version 1 short": mp4Edit(t, good, "tkhd", func(p []byte) { p[0] = 1 }),
		"no size anywhere": mp4Edit(t, mp4Edit(t, good, "tkhd", func(p []byte) {
			clear(p[76:84])
		}), "mp4v", func(p []byte) { clear(p[24:28]) }),
		"stsd empty": mp4Edit(t, good, "stsd", func(p []byte) {
			binary.BigEndian.PutUint32(p[4:], 0)
		}),
	}
}

func TestVideoInfoAcceptsVariants(t *testing.T) {
	t.Parallel()
	good := TestVideo(64, 48, 4, 2)
	want := VideoFormat{Width: 64, Height: 48, Frames: 4, Duration: 2 * time.Second}
	cases := map[string][]byte{
		// Size from the sample entry when the track header has none.
		"tkhd without size": mp4Edit(t, good, "tkhd", func(p []byte) { clear(p[76:84]) }),
		// mdhd duration "unknown": the stts total stands in.
		"mdhd duration unknown": mp4Edit(t, good, "mdhd", func(p []byte) {
			binary.BigEndian.PutUint32(p[16:], 0xFFFFFFFF)
		}),
		// Unknown boxes are skipped; a trailing free box is fine.
		"free box at end": append(bytes.Clone(good), mp4Box("free", []byte("padding"))...),
	}
	for name, data := range cases {
		f, err := VideoInfo(data)
		if err != nil || f != want {
			t.Errorf("%s: %+v, %v; want %+v", name, f, err, want)
		}
	}
}
