package verify

import (
	"image"
	"math"
	"testing"
)

// over lays scene s over the input picture in, keeping keep of it: what a
// model that transforms an input (image to image, upscale) answers.
func over(in *image.RGBA, s uint64, keep float64) *image.RGBA {
	sc := scene(s, in.Rect.Dx(), in.Rect.Dy())
	out := image.NewRGBA(in.Rect)
	for i := range out.Pix {
		out.Pix[i] = uint8(keep*float64(in.Pix[i]) + (1-keep)*float64(sc.Pix[i]) + 0.5)
	}
	return out
}

func answerOf(img image.Image) Answer {
	p := Look(img)
	return Answer{Hash: p.Hash, Gray: &p.Gray}
}

func TestConsensus(t *testing.T) {
	t.Parallel()
	base := scene(10, 96, 96)
	honest := func(i uint64) Answer { return answerOf(reencode(drift(base, i), 70)) }
	other := func(s uint64) Answer { return answerOf(scene(s, 96, 96)) }
	input := scene(20, 96, 96)
	upscaled := over(input, 21, 0.6)
	up := func(i uint64) Answer { return answerOf(reencode(drift(upscaled, i), 70)) }
	cheapUp := answerOf(over(input, 22, 0.6))
	caption := func(s string) Answer { return Answer{Hash: TextHash(s)} }
	cases := []struct {
		name    string
		answers []Answer
		flagged []int
		decided bool
	}{
		{"none", nil, nil, false},
		{"alone", []Answer{honest(1)}, nil, false},
		{"two that disagree: nobody can tell", []Answer{honest(1), other(50)}, nil, false},
		{"three honest", []Answer{honest(1), honest(2), honest(3)}, nil, true},
		{"one cheap model among three", []Answer{honest(1), other(51), honest(2)}, []int{1}, true},
		{"two cheaters among five", []Answer{other(52), honest(1), honest(2), other(53), honest(3)}, []int{0, 3}, true},
		{"no majority: nothing flagged", []Answer{honest(1), other(54), other(55), other(56)}, nil, false},
		{"colluding canned pair is still a minority", []Answer{other(57), other(57), honest(1), honest(2), honest(3)}, []int{0, 1}, true},
		{"another model over the same input", []Answer{up(1), up(2), cheapUp, up(3)}, []int{2}, true},
		{"captions", []Answer{caption("a photo of a red disc over blue stripes"), caption("a picture of a person standing in a room"),
			caption("a photo of a red disc over blue stripes"), caption("A photo of a red disc over blue stripes.")}, []int{1}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			vs := Consensus(c.answers)
			if len(vs) != len(c.answers) {
				t.Fatalf("%d verdicts for %d answers", len(vs), len(c.answers))
			}
			var got []int
			for i, v := range vs {
				if v.Flag != nil {
					got = append(got, i)
					far := v.Correlation < MinConsensusCorrelation || (math.IsNaN(v.Correlation) && v.Distance > OutlierDistance)
					if v.Flag.Kind != KindOutlier || !far {
						t.Errorf("answer %d flagged %v at %d bits, correlation %.3f", i, v.Flag, v.Distance, v.Correlation)
					}
				}
				if (v.Medoid >= 0) != c.decided {
					t.Errorf("answer %d: medoid %d, decided %v", i, v.Medoid, c.decided)
				}
			}
			if len(got) != len(c.flagged) {
				t.Fatalf("flagged %v, want %v (%+v)", got, c.flagged, vs)
			}
			for i := range got {
				if got[i] != c.flagged[i] {
					t.Fatalf("flagged %v, want %v", got, c.flagged)
				}
			}
		})
	}
}

func TestConsensusReportsTheDistanceOfTwo(t *testing.T) {
	t.Parallel()
	a, b := answerOf(scene(1, 64, 64)), answerOf(scene(2, 64, 64))
	vs := Consensus([]Answer{a, b})
	if vs[0].Distance != Distance(a.Hash, b.Hash) || vs[1].Distance != vs[0].Distance || vs[0].Flag != nil ||
		vs[0].Correlation != Correlation(*a.Gray, *b.Gray) {
		t.Fatalf("%+v", vs)
	}
}

func TestCorrelation(t *testing.T) {
	t.Parallel()
	a := NewGray(scene(3, 128, 128), GraySide)
	if c := Correlation(a, a); math.Abs(c-1) > 1e-9 {
		t.Fatalf("self %v", c)
	}
	if c := Correlation(a, NewGray(drift(scene(3, 128, 128), 9), GraySide)); c < MinConsensusCorrelation {
		t.Fatalf("drifted %v", c)
	}
	flat := Gray{W: a.W, H: a.H, Pix: make([]float64, len(a.Pix))}
	small := NewGray(scene(3, 32, 32), GraySide)
	if Correlation(a, flat) != 0 || Correlation(a, small) != 0 || Correlation(Gray{}, Gray{}) != 0 {
		t.Fatal("flat, other grid or empty not 0")
	}
}
