package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var palette = []color.Color{
	color.RGBA{0x88, 0x88, 0x88, 0xff}, // legacy
	color.RGBA{0xe0, 0x8a, 0x1e, 0xff}, // wilson
	color.RGBA{0x9b, 0x6f, 0xc8, 0xff}, // v2, beta prior
	color.RGBA{0xd1, 0x3f, 0x8f, 0xff}, // v2, not node-pooled
	color.RGBA{0x1f, 0x6f, 0xd1, 0xff}, // v2
	color.RGBA{0x2a, 0xa1, 0x4a, 0xff}, // oracle: true p
	color.RGBA{0x5a, 0xc8, 0xc8, 0xff}, // oracle: true latency & A
	color.RGBA{0x1a, 0x5c, 0x2e, 0xff}, // oracle: Bayes p, true latency & A
	color.RGBA{0xc0, 0x30, 0x30, 0xff}, // smart sampling
}

// plot writes the evaluation's figures into dir.
func (res *results) plot(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("plots dir: %w", err)
	}
	for name, fn := range map[string]func() (*plot.Plot, error){
		"tau.png": res.tauPlot, "budget.png": res.budgetPlot, "drop.png": res.dropPlot,
	} {
		p, err := fn()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if p == nil {
			continue
		}
		if err := p.Save(16*vg.Centimeter, 9*vg.Centimeter, filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("save %s: %w", name, err)
		}
	}
	return nil
}

func line(p *plot.Plot, label string, pts plotter.XYs, c color.Color, dashed bool) error {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Color, l.Width = c, vg.Points(1.2)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	p.Add(l)
	p.Legend.Add(label, l)
	return nil
}

// tauPlot is Kendall's τ to the truth hour by hour, every method, first
// regime.
func (res *results) tauPlot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Rank agreement with the truth (" + res.runs[0].reg.Name + ")"
	p.X.Label.Text, p.Y.Label.Text = "hour", "Kendall τ"
	// Room above the lines for the legend.
	p.Y.Max = 1.2
	p.Legend.Top, p.Legend.Left = true, true
	for m := 0; m < nMethods; m++ {
		var pts plotter.XYs
		for h, t := range res.mets[0][m].Tau {
			if !math.IsNaN(t) {
				pts = append(pts, plotter.XY{X: float64(h), Y: t})
			}
		}
		if err := line(p, methodNames[m], pts, palette[m], false); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// budgetPlot is v2's mean τ per attempt spent, uniform sweep against smart
// sampling, with the legacy score's τ under the uniform sweep.
func (res *results) budgetPlot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "v2's ranking per test spent"
	p.X.Label.Text, p.Y.Label.Text = "attempts per series per hour", "mean Kendall τ"
	p.Legend.Top, p.Legend.Left = false, false
	curves := map[bool]plotter.XYs{}
	var legacy plotter.XYs
	for k, r := range res.runs {
		x := float64(r.tests) / float64(len(res.w.series)*res.w.hours)
		curves[r.reg.Smart] = append(curves[r.reg.Smart], plotter.XY{X: x, Y: res.mets[k][mV2].TauMean})
		if !r.reg.Smart {
			legacy = append(legacy, plotter.XY{X: x, Y: res.mets[k][mLegacy].TauMean})
		}
	}
	for _, c := range []struct {
		label string
		pts   plotter.XYs
		col   color.Color
		dash  bool
	}{{"v2, uniform sweep", curves[false], palette[mV2], true}, {"v2, smart sampling", curves[true], palette[nMethods], false},
		{"legacy, uniform sweep", legacy, palette[0], true}} {
		if len(c.pts) == 0 {
			continue
		}
		sort.Slice(c.pts, func(a, b int) bool { return c.pts[a].X < c.pts[b].X })
		if err := line(p, c.label, c.pts, c.col, c.dash); err != nil {
			return nil, err
		}
		sc, err := plotter.NewScatter(c.pts)
		if err != nil {
			return nil, err
		}
		sc.Color, sc.Shape = c.col, draw.CircleGlyph{}
		p.Add(sc)

	}
	return p, nil
}

// dropPlot follows the first drop: the series' rank in its field by the
// truth and by each method, uniform sweep, and v2 under the first smart
// regime.
func (res *results) dropPlot() (*plot.Plot, error) {
	if len(res.w.drops) == 0 {
		return nil, nil
	}
	d := res.w.drops[0]
	members := res.w.byPair[res.w.series[d.series].pair]
	pos := 0
	for j, i := range members {
		if i == d.series {
			pos = j
		}
	}
	from, to := max(d.from-24, 0), min(d.to+24, res.w.hours)
	track := func(val func(i, h int) float64) plotter.XYs {
		var pts plotter.XYs
		for h := from; h < to; h++ {
			pts = append(pts, plotter.XY{X: float64(h - d.from), Y: rankAt(members, val, h)[pos]})
		}
		return pts
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("A drop 0.95 → 0.5 for %d h: rank among %d nodes (1 = best)", d.to-d.from, len(members))
	p.X.Label.Text, p.Y.Label.Text = "hours since the drop", "rank"
	p.Legend.Top = true
	if err := line(p, "truth", track(func(i, h int) float64 { return res.tr.T[i][h] }), color.Black, true); err != nil {
		return nil, err
	}
	for _, m := range []int{mLegacy, mWilson, mV2} {
		sc := res.runs[0].scores[m]
		if err := line(p, methodNames[m]+" ("+res.runs[0].reg.Name+")", track(func(i, h int) float64 { return float64(sc[i][h].score) }), palette[m], false); err != nil {
			return nil, err
		}
	}
	for k, r := range res.runs {
		if r.reg.Smart {
			sc := res.runs[k].scores[mV2]
			if err := line(p, "v2 ("+r.reg.Name+")", track(func(i, h int) float64 { return float64(sc[i][h].score) }), palette[nMethods], false); err != nil {
				return nil, err
			}
			break
		}
	}
	return p, nil
}
