package verify

import (
	"fmt"
	"strings"
	"unicode"
)

// Question is an LLM prompt whose answer can be checked: Expect lists the
// accepted answers (any one suffices, e.g. "4" and "four"), Wrong the
// answers that give a reply away as guessing (a reply naming both words of
// "which comes first" must not pass). MatchCase makes the comparison mind
// letter case, for questions whose answer is the case ("write it in
// capitals"). The tester sends Text only.
type Question struct {
	Text      string   `json:"text"`
	Expect    []string `json:"expect"`
	Wrong     []string `json:"wrong,omitempty"`
	MatchCase bool     `json:"match_case,omitempty"`
}

// Answered flags a reply that does not contain an expected answer, or
// that also contains a wrong one. Both sides are normalised (case unless
// MatchCase, punctuation, spacing, number words up to twenty as digits, a
// minus sign kept on a number) and compared as whole words, so "The answer
// is Four." answers "4", and neither "14" nor "-4" does.
func Answered(q Question, reply string) *Flag {
	norm := func(s string) string { return normalise(s, q.MatchCase) }
	r := " " + norm(reply) + " "
	for _, w := range q.Wrong {
		if n := norm(w); n != "" && strings.Contains(r, " "+n+" ") {
			return &Flag{Kind: KindWrongAnswer, Detail: fmt.Sprintf("the reply %q contains %q, a wrong answer", short(reply), w)}
		}
	}
	for _, e := range q.Expect {
		if n := norm(e); n != "" && strings.Contains(r, " "+n+" ") {
			return nil
		}
	}
	return &Flag{Kind: KindWrongAnswer, Detail: fmt.Sprintf("the reply %q does not contain %s", short(reply), strings.Join(quoteAll(q.Expect), " or "))}
}

var numberWords = map[string]string{
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
	"eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
	"fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
}

// normalise turns everything but letters and digits into single spaces and
// number words into digits, lower-casing unless keepCase. A minus sign
// that starts a number stays on it: "-12" is not "12", and "5-3" is two
// words.
func normalise(s string, keepCase bool) string {
	if !keepCase {
		s = strings.ToLower(s)
	}
	rs := []rune(s)
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	var words []string
	for i := 0; i < len(rs); {
		start := i
		if rs[i] == '-' && i+1 < len(rs) && unicode.IsDigit(rs[i+1]) && (i == 0 || !word(rs[i-1])) {
			i++ // the sign, then the digits below
		} else if !word(rs[i]) {
			i++
			continue
		}
		for i < len(rs) && word(rs[i]) {
			i++
		}
		w := string(rs[start:i])
		if d, ok := numberWords[strings.ToLower(w)]; ok {
			w = d
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
