package simnet

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
)

// An honest simulated LLM answers the simple questions whose answer can be
// checked, as any instruction-tuned model does; it recognises them by their
// wording (the families below) and answers anything else with plausible
// words. Its answer is a function of the model and the conversation, as a
// greedy decode is, and a model may or may not end it with a full stop.

var (
	qArith   = regexp.MustCompile(`(?i)what is (-?\d{1,9}) (\+|-|plus|minus|times|×|\*|x) (-?\d{1,9})\s*\?`)
	qReverse = regexp.MustCompile(`(?i)reverse the word '([a-z]+)'`)
	qCount   = regexp.MustCompile(`(?i)how many times does the letter '([a-z])' appear in '([a-z]+)'`)
	qFirst   = regexp.MustCompile(`(?i)which comes first in alphabetical order: '([a-z]+)' or '([a-z]+)'`)
	qUpper   = regexp.MustCompile(`(?i)write the word '([a-z]+)' in capital letters`)
)

// answerQuestion returns the correct answer to a checkable question, or
// false when the text is not one.
func answerQuestion(q string) (string, bool) {
	if m := qArith.FindStringSubmatch(q); m != nil {
		a, _ := strconv.ParseInt(m[1], 10, 64)
		b, _ := strconv.ParseInt(m[3], 10, 64)
		switch strings.ToLower(m[2]) {
		case "+", "plus":
			return strconv.FormatInt(a+b, 10), true
		case "-", "minus":
			return strconv.FormatInt(a-b, 10), true
		default:
			return strconv.FormatInt(a*b, 10), true
		}
	}
	if m := qReverse.FindStringSubmatch(q); m != nil {
		r := []byte(m[1])
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), true
	}
	if m := qCount.FindStringSubmatch(q); m != nil {
		return strconv.Itoa(strings.Count(strings.ToLower(m[2]), strings.ToLower(m[1]))), true
	}
	if m := qFirst.FindStringSubmatch(q); m != nil {
		a, b := m[1], m[2]
		if strings.ToLower(b) < strings.ToLower(a) {
			a = b
		}
		return a, true
	}
	if m := qUpper.FindStringSubmatch(q); m != nil {
		return strings.ToUpper(m[1]), true
	}
	return "", false
}

// lastUserMessage is the text the model answers.
func lastUserMessage(msgs []llmMessage) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			return msgs[i].Content
		}
	}
	if len(msgs) > 0 {
		return msgs[len(msgs)-1].Content
	}
	return ""
}

// conversationKey is what an LLM's answer depends on.
func conversationKey(msgs []llmMessage) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Role)
		b.WriteByte(0)
		b.WriteString(m.Content)
		b.WriteByte(0)
	}
	return b.String()
}

// complete is an honest model's completion and its token count, cut at
// maxTokens (one word a token).
func complete(model string, msgs []llmMessage, maxTokens int) (string, int) {
	r := seededRand(contentSeed(model, conversationKey(msgs)))
	text, ok := answerQuestion(lastUserMessage(msgs))
	if ok {
		if r.IntN(2) == 0 {
			text += "."
		}
	} else {
		text = words(r, 16+r.IntN(32))
	}
	w := strings.Fields(text)
	n := min(max(maxTokens, 0), len(w))
	return strings.Join(w[:n], " "), n
}

func seededRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }
