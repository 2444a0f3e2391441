package web

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"jobtester/ethaddr"
)

// noDataTitle explains a "—": the page never shows a missing value as 0.
const noDataTitle = "No results in this window"

func fmtScore(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 3, 64)
}

func fmtPercent(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v*100, 'f', 1, 64) + " %"
}

// fmtSeconds shows a duration in seconds with a unit that keeps 2–3
// significant digits.
func fmtSeconds(v *float64) string {
	if v == nil {
		return ""
	}
	s := *v
	switch {
	case s < 1:
		return strconv.FormatFloat(s*1000, 'f', 0, 64) + " ms"
	case s < 100:
		return strconv.FormatFloat(s, 'f', 2, 64) + " s"
	}
	return strconv.FormatFloat(s, 'f', 0, 64) + " s"
}

func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 10000 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

// shortAddress keeps both ends of an address for narrow cells.
func shortAddress(a string) string { return ethaddr.Address(a).Short() }

// sparkline geometry, in SVG user units.
const (
	sparkW = 120
	sparkH = 28
)

// sparkSegments turns values in 0..1 into polyline point lists, one per run
// of steps with data: a step without results leaves a gap instead of
// dropping to 0. A run of one step becomes a short flat stroke so it shows.
func sparkSegments(vals []*float64) []string {
	if len(vals) == 0 {
		return nil
	}
	dx := float64(sparkW) / math.Max(1, float64(len(vals)-1))
	y := func(v float64) float64 { return 2 + (1-math.Max(0, math.Min(1, v)))*(sparkH-4) }
	var out []string
	var cur []byte
	n := 0 // points in cur
	point := func(x, y float64) {
		if n > 0 {
			cur = append(cur, ' ')
		}
		cur = strconv.AppendFloat(cur, x, 'f', 1, 64)
		cur = append(cur, ',')
		cur = strconv.AppendFloat(cur, y, 'f', 1, 64)
		n++
	}
	var lx, ly float64
	flush := func() {
		if n == 1 {
			// One step alone: a short stroke beside it, inside the box.
			x := lx + 3
			if x > sparkW {
				x = lx - 3
			}
			point(x, ly)
		}
		if n > 0 {
			out = append(out, string(cur))
		}
		cur, n = cur[:0], 0
	}
	for i, v := range vals {
		if v == nil {
			flush()
			continue
		}
		lx, ly = float64(i)*dx, y(*v)
		point(lx, ly)
	}
	flush()
	return out
}

// sparkSummary is the sparkline's text alternative.
func sparkSummary(vals []*float64, step string) string {
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, v := range vals {
		if v != nil {
			lo, hi, n = math.Min(lo, *v), math.Max(hi, *v), n+1
		}
	}
	if n == 0 {
		return "No results in the sparkline's period"
	}
	return fmt.Sprintf("Score per %s: %d of %d steps with results, from %.2f to %.2f", step, n, len(vals), lo, hi)
}

// fmtPricePerPixel shows a transcoding price, an exact rational of wei per
// pixel ("1200", "1841/20"), in the dashboard's one scheme: wei per pixel
// with thousands separators and up to 3 decimals, and what a megapixel
// costs in gwei (the same number / 1,000): "1,200 wei per pixel (1.2 gwei
// per megapixel)". "" when unknown or not a number.
func fmtPricePerPixel(rat string) string {
	r, ok := new(big.Rat).SetString(rat)
	if !ok || r.Sign() < 0 {
		return ""
	}
	perMegapixel := new(big.Rat).Quo(r, big.NewRat(1000, 1)) // wei/px × 10^6 px / 10^9 wei per gwei
	return fmtDecimal(r, 3) + " wei per pixel (" + fmtDecimal(perMegapixel, 3) + " gwei per megapixel)"
}

// fmtDecimal shows r rounded to at most prec decimals, trailing zeros
// dropped, with thousands separators in its whole part.
func fmtDecimal(r *big.Rat, prec int) string {
	s := r.FloatString(prec)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	s = groupDigits(whole)
	if frac != "" {
		s += "." + frac
	}
	return s
}
