package verify

import (
	"fmt"
	"strings"
	"unicode"
)

// Question is an LLM prompt whose answer can be checked: Expect lists the
// accepted answers (any one suffices, e.g. "4" and "four"), Wrong the
// answers that give a reply away as guessing (a reply listing every
// candidate must not pass). The tester sends Text only.
type Question struct {
	Text   string   `json:"text"`
	Expect []string `json:"expect"`
	Wrong  []string `json:"wrong,omitempty"`
}

// Answered flags a reply that does not contain an expected answer, or
// that also contains a wrong one. Both sides are normalised (case,
// punctuation, spacing, number words up to twenty as digits) and compared
// as whole words, so "The answer is Four." answers "4" and "14" does not.
func Answered(q Question, reply string) *Flag {
	r := " " + normalise(reply) + " "
	for _, w := range q.Wrong {
		if n := normalise(w); n != "" && strings.Contains(r, " "+n+" ") {
			return &Flag{Kind: KindWrongAnswer, Detail: fmt.Sprintf("the reply %q contains %q, a wrong answer", short(reply), w)}
		}
	}
	for _, e := range q.Expect {
		if n := normalise(e); n != "" && strings.Contains(r, " "+n+" ") {
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

// normalise lower-cases s, turns everything but letters and digits into
// single spaces and number words into digits.
func normalise(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range f {
		if d, ok := numberWords[w]; ok {
			f[i] = d
		}
	}
	return strings.Join(f, " ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
