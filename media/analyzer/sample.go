package analyzer

import (
	"image"
	"math"
)

// Sampling density. Every 4th luma pixel in each direction (1/16 of the
// pixels) keeps a 512×512 frame at 16 384 luma samples: enough to see a
// one-cell change of a frame counter, cheap enough for many streams on two
// cores. Chroma, which carries colour but no detail, is sampled at every
// 4th position of its own plane (every 8th pixel in 4:2:0).
const (
	lumaStep   = 4
	chromaStep = 4
	// gridSize is the side of the coarse grid (cells per row and column)
	// on which output and input frames are compared for pass-through: cell
	// means forgive compression noise and a one-frame misalignment, and
	// frames of different sizes map onto the same grid.
	gridSize = 16
)

// layout is the sampling plan for one frame geometry: where each sample
// sits in the planes and which grid cell it falls in. It is rebuilt only
// when the geometry changes.
type layout struct {
	rect             image.Rectangle
	yStride, cStride int
	ratio            image.YCbCrSubsampleRatio

	yRows, yCols   []int // plane offsets: sample (i, j) is Y[yRows[j]+yCols[i]]
	cRows, cCols   []int // same for Cb and Cr
	yCellX, yCellY []int // grid column and row of each luma sample column and row
	cCellX, cCellY []int
	yPerCell       []int // luma samples per grid cell
	cPerCell       []int
}

func (l *layout) matches(img *image.YCbCr) bool {
	return l != nil && l.rect == img.Rect && l.yStride == img.YStride && l.cStride == img.CStride && l.ratio == img.SubsampleRatio
}

// chromaSize is the size of the chroma planes of img, as image.YCbCr
// defines them for each subsampling ratio.
func chromaSize(img *image.YCbCr) (w, h int) {
	r := img.Rect
	// The chroma sample of the last pixel bounds the plane.
	last := img.COffset(r.Max.X-1, r.Max.Y-1) - img.COffset(r.Min.X, r.Min.Y)
	if img.CStride <= 0 {
		return 0, 0
	}
	return last%img.CStride + 1, last/img.CStride + 1
}

// valid reports whether img's planes are as long as its rectangle and
// strides say, so that sampling cannot index past them. Decoders produce
// valid images; a hand-made one may not be.
func valid(img *image.YCbCr) bool {
	r := img.Rect
	if r.Dx() <= 0 || r.Dy() <= 0 || img.YStride < r.Dx() {
		return false
	}
	cw, _ := chromaSize(img)
	if img.CStride < cw || cw <= 0 {
		return false
	}
	lastY := img.YOffset(r.Max.X-1, r.Max.Y-1)
	lastC := img.COffset(r.Max.X-1, r.Max.Y-1)
	return img.YOffset(r.Min.X, r.Min.Y) >= 0 && img.COffset(r.Min.X, r.Min.Y) >= 0 &&
		lastY < len(img.Y) && lastC < len(img.Cb) && lastC < len(img.Cr)
}

func newLayout(img *image.YCbCr) *layout {
	r := img.Rect
	l := &layout{rect: r, yStride: img.YStride, cStride: img.CStride, ratio: img.SubsampleRatio}
	for y := r.Min.Y; y < r.Max.Y; y += lumaStep {
		l.yRows = append(l.yRows, img.YOffset(r.Min.X, y))
	}
	for x := r.Min.X; x < r.Max.X; x += lumaStep {
		l.yCols = append(l.yCols, x-r.Min.X)
	}
	// COffset is separable for every ratio: a row part plus a column part.
	c0 := img.COffset(r.Min.X, r.Min.Y)
	cw, ch := chromaSize(img)
	for j := 0; j < ch; j += chromaStep {
		l.cRows = append(l.cRows, c0+j*img.CStride)
	}
	for i := 0; i < cw; i += chromaStep {
		l.cCols = append(l.cCols, i)
	}
	l.yCellX = cells(len(l.yCols))
	l.yCellY = cells(len(l.yRows))
	l.cCellX = cells(len(l.cCols))
	l.cCellY = cells(len(l.cRows))
	l.yPerCell = perCell(l.yCellX, l.yCellY)
	l.cPerCell = perCell(l.cCellX, l.cCellY)
	return l
}

// cells maps n sample positions onto gridSize cells, evenly.
func cells(n int) []int {
	c := make([]int, n)
	for i := range c {
		c[i] = i * gridSize / n
	}
	return c
}

func perCell(cx, cy []int) []int {
	cols := make([]int, gridSize)
	rows := make([]int, gridSize)
	for _, c := range cx {
		cols[c]++
	}
	for _, c := range cy {
		rows[c]++
	}
	n := make([]int, gridSize*gridSize)
	for y := range gridSize {
		for x := range gridSize {
			n[y*gridSize+x] = rows[y] * cols[x]
		}
	}
	return n
}

// samples holds one frame's subsample, plane by plane, in layout order.
type samples struct {
	y, cb, cr []uint8
}

// stats are what one pass over a frame's samples yields.
type stats struct {
	meanY, stdY float64
	// diff against the previous frame (valid only when it had the same
	// layout): mean absolute difference over all samples, and how many
	// samples changed by more than bigDiff.
	meanDiff float64
	bigDiffs int
	n        int // samples compared
}

// bigDiff is a change no encoder noise makes on a repeated picture but any
// real content change (a counter cell flipping, a moving edge) does.
const bigDiff = 32

// take copies img's samples into cur and measures them, comparing with prev
// when compare is set.
func (l *layout) take(img *image.YCbCr, cur, prev *samples, compare bool) stats {
	ny := len(l.yRows) * len(l.yCols)
	nc := len(l.cRows) * len(l.cCols)
	cur.y = grow(cur.y, ny)
	cur.cb = grow(cur.cb, nc)
	cur.cr = grow(cur.cr, nc)

	var sum, sum2, sumDiff uint64
	var big int
	k := 0
	for _, row := range l.yRows {
		line := img.Y[row:]
		out := cur.y[k : k+len(l.yCols)]
		for i, col := range l.yCols {
			v := line[col]
			out[i] = v
			sum += uint64(v)
			sum2 += uint64(v) * uint64(v)
		}
		if compare {
			for i, p := range prev.y[k : k+len(out)] {
				d := absDiff(out[i], p)
				sumDiff += uint64(d)
				if d > bigDiff {
					big++
				}
			}
		}
		k += len(out)
	}
	k = 0
	for _, row := range l.cRows {
		cbLine, crLine := img.Cb[row:], img.Cr[row:]
		outB, outR := cur.cb[k:k+len(l.cCols)], cur.cr[k:k+len(l.cCols)]
		for i, col := range l.cCols {
			outB[i], outR[i] = cbLine[col], crLine[col]
		}
		if compare {
			prevB, prevR := prev.cb[k:k+len(outB)], prev.cr[k:k+len(outR)]
			for i := range outB {
				db, dr := absDiff(outB[i], prevB[i]), absDiff(outR[i], prevR[i])
				sumDiff += uint64(db) + uint64(dr)
				if db > bigDiff || dr > bigDiff {
					big++
				}
			}
		}
		k += len(outB)
	}
	var s stats
	if ny > 0 {
		mean := float64(sum) / float64(ny)
		s.meanY = mean
		v := float64(sum2)/float64(ny) - mean*mean
		if v > 0 {
			s.stdY = math.Sqrt(v)
		}
	}
	if compare {
		s.n = ny + 2*nc
		if s.n > 0 {
			s.meanDiff = float64(sumDiff) / float64(s.n)
		}
		s.bigDiffs = big
	}
	return s
}

// grid averages a frame's samples into gridSize×gridSize cells per plane:
// Y cells, then Cb, then Cr.
func (l *layout) grid(s *samples) []uint8 {
	var acc [3 * gridSize * gridSize]uint32
	k := 0
	for j := range l.yRows {
		rowCell := l.yCellY[j] * gridSize
		for i := range l.yCols {
			acc[rowCell+l.yCellX[i]] += uint32(s.y[k])
			k++
		}
	}
	k = 0
	const cb, cr = gridSize * gridSize, 2 * gridSize * gridSize
	for j := range l.cRows {
		rowCell := l.cCellY[j] * gridSize
		for i := range l.cCols {
			c := rowCell + l.cCellX[i]
			acc[cb+c] += uint32(s.cb[k])
			acc[cr+c] += uint32(s.cr[k])
			k++
		}
	}
	g := make([]uint8, len(acc))
	for c := range gridSize * gridSize {
		g[c] = div(acc[c], l.yPerCell[c])
		g[cb+c] = div(acc[cb+c], l.cPerCell[c])
		g[cr+c] = div(acc[cr+c], l.cPerCell[c])
	}
	return g
}

// gridOf samples img on its own layout and returns its grid; used for the
// reference frames the output is compared with.
func gridOf(img *image.YCbCr) []uint8 {
	if img == nil || !valid(img) {
		return nil
	}
	l := newLayout(img)
	var s samples
	l.take(img, &s, nil, false)
	return l.grid(&s)
}

// gridDiff is the mean absolute difference of two grids, in levels.
func gridDiff(a, b []uint8) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 255
	}
	var sum int
	for i := range a {
		sum += int(absDiff(a[i], b[i]))
	}
	return float64(sum) / float64(len(a))
}

func div(sum uint32, n int) uint8 {
	if n == 0 {
		return 0
	}
	return uint8((sum + uint32(n)/2) / uint32(n))
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

func grow(b []uint8, n int) []uint8 {
	if cap(b) < n {
		return make([]uint8, n)
	}
	return b[:n]
}
