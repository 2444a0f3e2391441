package verify

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// voice is a crude voiced sound: syllables of a fundamental and its
// harmonics under an envelope, with pauses, at rate.
func voice(seconds float64, rate int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 3))
	out := make([]float64, int(seconds*float64(rate)))
	syllable := rate / 5
	f0 := 100 + 150*r.Float64()
	for i := range out {
		pos := i % syllable
		if (i/syllable)%4 == 3 {
			continue
		}
		t := float64(i) / float64(rate)
		env := math.Sin(math.Pi * float64(pos) / float64(syllable))
		var v float64
		for h := 1; h <= 6; h++ {
			v += math.Sin(2*math.Pi*f0*float64(h)*t) / float64(h)
		}
		out[i] = 0.3 * env * v
	}
	return out
}

func TestSound(t *testing.T) {
	t.Parallel()
	noise := make([]float64, 44100)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = 2*r.Float64() - 1
	}
	quiet := make([]float64, 16000)
	for i := range quiet {
		quiet[i] = 0.0002 * math.Sin(float64(i))
	}
	cases := []struct {
		name    string
		samples []float64
		rate    int
		want    Kind
	}{
		{"voice 16 kHz", voice(3, 16000, 1), 16000, ""},
		{"voice 44.1 kHz", voice(2, 44100, 2), 44100, ""},
		{"silence", make([]float64, 44100), 44100, KindFlat},
		{"near silence", quiet, 16000, KindFlat},
		{"white noise", noise, 44100, KindNoise},
		{"too short to judge", noise[:100], 44100, ""},
		{"no rate", noise, 0, ""},
	}
	for _, c := range cases {
		st, flag := Sound(c.samples, c.rate)
		var got Kind
		if flag != nil {
			got = flag.Kind
			if !strings.Contains(flag.Error(), "suspected_"+string(c.want)) {
				t.Errorf("%s: %q", c.name, flag.Error())
			}
		}
		if got != c.want {
			t.Errorf("%s: %q (rms %.4f, correlation %.2f), want %q", c.name, got, st.RMS, st.Correlation, c.want)
		}
	}
	if st := MeasureSound(nil); st != (SoundStats{}) {
		t.Errorf("empty: %+v", st)
	}
}

func TestTranscribed(t *testing.T) {
	t.Parallel()
	want := "three one four one five nine two six"
	cases := []struct {
		got string
		ok  bool
	}{
		{" three one four one five nine two six", true},
		{"3 1 4 1 5 9 2 6.", true},
		{"31415926", true},
		{"Three, one, four, one, five, nine, two, six.", true},
		{"three one four one five nine two", true}, // one digit dropped: 1 of 8
		{"three one four one", false},
		{" Thank you for watching.", false},
		{"", false},
		{"eight seven six five four three two one", false},
	}
	for _, c := range cases {
		if flag := Transcribed(want, c.got); (flag == nil) != c.ok {
			t.Errorf("%q: %v", c.got, flag)
		}
	}
	if Transcribed("", "anything") != nil {
		t.Error("nothing expected, flagged")
	}
}

func TestTextHash(t *testing.T) {
	t.Parallel()
	honest := "a photo of red disc light over the gradient corner with blue stripes"
	cases := []struct {
		a, b string
		same bool
	}{
		{honest, honest, true},
		{honest, "A photo of red disc, light over the gradient corner with blue stripes.", true},
		{honest, "a photo of red disc light over the gradient corner with green stripes", true},
		{honest, "a picture of a person standing in a room", false},
		{honest, "a photo of quick brown fox jumps over lazy dog signal frame model", false},
	}
	for _, c := range cases {
		d := Distance(TextHash(c.a), TextHash(c.b))
		if (d <= OutlierDistance) != c.same {
			t.Errorf("%q vs %q: %d bits", c.a, c.b, d)
		}
	}
	if TextHash("") != (Hash{}) || TextHash("...") != (Hash{}) {
		t.Error("no words, a hash")
	}
}
