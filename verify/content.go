package verify

import (
	"fmt"
	"math"
)

// Stats are the spatial statistics of a picture that tell content from a
// flat fill or from noise.
type Stats struct {
	// Std is the standard deviation of the luma, 0..255: near 0 for one
	// colour.
	Std float64 `json:"std"`
	// Correlation is the mean correlation of each cell with its right and
	// lower neighbours, -1..1: near 1 for pictures (neighbouring areas look
	// alike), near 0 for independent random pixels.
	Correlation float64 `json:"correlation"`
	// Entropy is the Shannon entropy of the 32-bin luma histogram, in bits
	// (0..5): kept as evidence, a flat picture has about 0.
	Entropy float64 `json:"entropy"`
	// Colour is ColourSpread, measured only for a picture flat in luma.
	Colour float64 `json:"colour,omitempty"`
}

// Content thresholds; docs/verification.md gives the measurements behind
// them.
const (
	// FlatStd: a picture whose luma varies by less than this is flat. A
	// solid fill re-encoded as JPEG measures under 1, a plain sky with a
	// gradient over 8; generated pictures measure 30 and more.
	FlatStd = 4.0
	// NoiseCorrelation: below this the picture is noise. Independent
	// pixels measure 0 ± 0.02 on the 64² grid; pictures, textures included,
	// stay above 0.6 once averaged to that grid.
	NoiseCorrelation = 0.25
)

// Measure computes g's Stats.
func Measure(g Gray) Stats {
	n := float64(len(g.Pix))
	if n == 0 {
		return Stats{}
	}
	var mean float64
	var hist [32]float64
	for _, v := range g.Pix {
		mean += v
		hist[min(int(v)/8, 31)]++
	}
	mean /= n
	var variance float64
	for _, v := range g.Pix {
		variance += (v - mean) * (v - mean)
	}
	variance /= n
	st := Stats{Std: math.Sqrt(variance)}
	for _, c := range hist {
		if c > 0 {
			p := c / n
			st.Entropy -= p * math.Log2(p)
		}
	}
	if variance > 0 {
		var cov, pairs float64
		for y := range g.H {
			for x := range g.W {
				d := g.Pix[y*g.W+x] - mean
				if x+1 < g.W {
					cov += d * (g.Pix[y*g.W+x+1] - mean)
					pairs++
				}
				if y+1 < g.H {
					cov += d * (g.Pix[(y+1)*g.W+x] - mean)
					pairs++
				}
			}
		}
		if pairs > 0 {
			st.Correlation = cov / pairs / variance
		}
	}
	return st
}

// Content flags a picture that has no content: flat, or noise. A picture
// too small to measure (under 4×4 cells) is not judged.
func Content(g Gray) (Stats, *Flag) {
	st := Measure(g)
	if g.W < 4 || g.H < 4 {
		return st, nil
	}
	// Colour noise over a large picture averages to a low contrast on
	// the grid; its cells are still uncorrelated, which a flat fill's
	// (a gradient, or JPEG's faint blocks under 1 level) are not.
	if st.Std < FlatStd && (st.Std < 1 || st.Correlation >= NoiseCorrelation) {
		return st, &Flag{Kind: KindFlat, Detail: fmt.Sprintf("luma varies by %.2f, under %.0f: one colour", st.Std, FlatStd)}
	}
	if st.Correlation < NoiseCorrelation {
		return st, &Flag{Kind: KindNoise, Detail: fmt.Sprintf("neighbouring areas correlate at %.2f, under %.2f: random pixels", st.Correlation, NoiseCorrelation)}
	}
	return st, nil
}
