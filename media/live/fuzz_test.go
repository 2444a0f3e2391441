package live

import (
	"bytes"
	"image"
	"testing"
	"time"
)

func TestSplitAnnexB(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   []byte
		want [][]byte
	}{
		{"empty", nil, nil},
		{"no start code", []byte{1, 2, 3}, nil},
		{"three-byte codes", []byte{0, 0, 1, 0x67, 1, 0, 0, 1, 0x68, 2}, [][]byte{{0x67, 1}, {0x68, 2}}},
		{"four-byte codes", []byte{0, 0, 0, 1, 0x67, 1, 0, 0, 0, 1, 0x65, 9}, [][]byte{{0x67, 1}, {0x65, 9}}},
		{"leading junk", []byte{9, 9, 0, 0, 1, 0x41}, [][]byte{{0x41}}},
		{"trailing zeros", []byte{0, 0, 1, 0x41, 7, 0, 0}, [][]byte{{0x41, 7}}},
		{"empty nalu", []byte{0, 0, 1, 0, 0, 1, 0x41}, [][]byte{{0x41}}},
		{"emulation prevention kept", []byte{0, 0, 1, 0x41, 0, 0, 3, 1}, [][]byte{{0x41, 0, 0, 3, 1}}},
		{"code at end", []byte{0, 0, 1, 0x41, 0, 0, 1}, [][]byte{{0x41}}},
	} {
		got := splitAnnexB(nil, tc.in)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d NALUs %x, want %x", tc.name, len(got), got, tc.want)
			continue
		}
		for i := range got {
			if !bytes.Equal(got[i], tc.want[i]) {
				t.Errorf("%s: NALU %d = %x, want %x", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}

// FuzzAnnexB checks that splitting never panics, that NALUs are non-empty
// and hold no start code, and that joining them back and splitting again is
// stable.
func FuzzAnnexB(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3})
	f.Add([]byte{0, 0, 1})
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0x41, 0, 0, 3, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		nalus := splitAnnexB(nil, b)
		for _, n := range nalus {
			if len(n) == 0 {
				t.Fatal("empty NALU")
			}
			if bytes.Contains(n, []byte{0, 0, 1}) {
				t.Fatalf("NALU %x holds a start code", n)
			}
		}
		again := splitAnnexB(nil, appendAnnexB(nil, nalus))
		if len(again) != len(nalus) {
			t.Fatalf("round trip: %d NALUs, then %d", len(nalus), len(again))
		}
		for i := range again {
			if !bytes.Equal(again[i], nalus[i]) {
				t.Fatalf("round trip changed NALU %d: %x -> %x", i, nalus[i], again[i])
			}
		}
	})
}

// FuzzDecoder feeds arbitrary access units, after a valid stream start, to
// the decoder: errors are fine, crashes and wrong-sized pictures are not.
func FuzzDecoder(f *testing.F) {
	s, err := NewSignal(SignalConfig{Width: 128, Height: 128, FPS: 30, KeyframeInterval: time.Second, FlashEvery: time.Second})
	if err != nil {
		f.Fatal(err)
	}
	enc, err := NewEncoder(EncoderConfig{Width: 128, Height: 128, FPS: 30})
	if err != nil {
		f.Fatal(err)
	}
	var aus [][]byte
	for n := range 3 {
		au, _, err := enc.Encode(s.Frame(n), time.Duration(n)*time.Millisecond)
		if err != nil {
			f.Fatal(err)
		}
		aus = append(aus, appendAnnexB(nil, au))
	}
	enc.Close()
	for _, au := range aus {
		f.Add(au)
	}
	f.Add([]byte{0, 0, 1, 0x65, 0x88, 0x84})
	f.Fuzz(func(t *testing.T, b []byte) {
		dec, err := NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		defer dec.Close()
		check := func(img *image.YCbCr, _ time.Duration) {
			if img.Rect.Dx() <= 0 || img.Rect.Dy() <= 0 || len(img.Y) < img.YStride*img.Rect.Dy() {
				t.Fatalf("bad picture %v", img.Rect)
			}
		}
		_ = dec.Decode([][]byte{aus[0]}, 0, check)
		_ = dec.Decode([][]byte{b}, time.Millisecond, check)
		_ = dec.Decode(splitAnnexB(nil, b), 2*time.Millisecond, check)
		_ = dec.Flush(check)
	})
}
