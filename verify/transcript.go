package verify

import (
	"fmt"
	"strings"
)

// MaxDigitErrors is the share of spoken digits a transcript may get wrong
// (substituted, dropped or added, counted as edits) and still pass: a real
// recogniser slips on a digit now and then; one that did not listen gets
// most of them wrong.
const MaxDigitErrors = 0.2

// Transcribed flags a transcript of spoken digits that does not say them:
// expect and got are read as digit sequences (digits, or number words up
// to nine; "35" is "three five"), other words ignored, and more than
// MaxDigitErrors of the expected digits' edits apart is a wrong answer.
func Transcribed(expect, got string) *Flag {
	want, heard := digitsOf(expect), digitsOf(got)
	if want == "" {
		return nil
	}
	d := editDistance(want, heard)
	if float64(d) <= MaxDigitErrors*float64(len(want)) {
		return nil
	}
	return &Flag{Kind: KindWrongAnswer, Detail: fmt.Sprintf("the transcript %q is %d edits from the %d spoken digits %s (at most %.0f%% may differ)",
		short(got), d, len(want), want, 100*MaxDigitErrors)}
}

// digitsOf is the digit sequence a text says.
func digitsOf(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(normalise(s, false)) {
		w = strings.TrimPrefix(w, "-")
		if strings.Trim(w, "0123456789") == "" {
			b.WriteString(w)
		}
	}
	return b.String()
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
