package jobs

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"jobtester/verify"
)

// QuestionFamilies are the kinds of LLM question the test asks: each has
// one answer any instruction-tuned model gives, so that an answer that
// ignores the question shows (verify.Answered).
var QuestionFamilies = []string{"arithmetic", "reverse", "count_letter", "alphabetical", "uppercase"}

// questionWords are the words the questions are about: enough of them
// that a question seldom comes back (a node keeping answers to the
// questions it has seen gains little), lower-case letters only.
var questionWords = strings.Fields(`lantern harbor pencil orchard meadow violin rocket blanket marble thunder
	garden silver crystal falcon window pepper canyon velvet strawberry banana mississippi committee balloon
	cinnamon parallel tomorrow anchor basket candle dolphin engine feather glacier hammer island jacket kettle
	ladder magnet needle ocean pillow quartz rabbit saddle tunnel umbrella valley walnut yellow zipper almond
	bridge cactus desert eclipse forest guitar helmet igloo jungle kitten lemon mirror napkin oyster parrot
	quiver river sunset tractor unicorn volcano wizard bottle castle dragon emerald fountain giraffe horizon
	insect jigsaw kingdom lobster mountain noodle orange pirate puzzle raven salmon tiger trumpet meteor
	whistle airport bakery compass diamond elephant flamingo galaxy harvest iceberg journal keyboard lighthouse
	mushroom notebook octopus penguin rainbow scissors telescope tornado vanilla waterfall blossom chimney`)

// drawQuestion draws a question of a random family with its answer: q.Text
// is what is asked, q.Expect its one answer; q.Wrong the other word a
// reply must not name (alphabetical), and q.MatchCase for the family whose
// answer is the case.
func drawQuestion(r *rand.Rand) (family string, q verify.Question) {
	family = pick(r, QuestionFamilies)
	word := pick(r, questionWords)
	ask := func(text, answer string) verify.Question {
		return verify.Question{Text: text, Expect: []string{answer}}
	}
	switch family {
	case "arithmetic":
		a, b := 2+r.IntN(98), 2+r.IntN(98)
		switch r.IntN(3) {
		case 0:
			return family, ask(fmt.Sprintf("What is %d + %d? Answer with the number only.", a, b), strconv.Itoa(a+b))
		case 1:
			return family, ask(fmt.Sprintf("What is %d - %d? Answer with the number only.", a, b), strconv.Itoa(a-b))
		default:
			a, b = 2+r.IntN(18), 2+r.IntN(18)
			return family, ask(fmt.Sprintf("What is %d × %d? Answer with the number only.", a, b), strconv.Itoa(a*b))
		}
	case "reverse":
		rs := []byte(word)
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		return family, ask(fmt.Sprintf("Reverse the word '%s'. Answer with the reversed word only.", word), string(rs))
	case "count_letter":
		letter := string(word[r.IntN(len(word))])
		return family, ask(fmt.Sprintf("How many times does the letter '%s' appear in '%s'? Answer with the number only.", letter, word),
			strconv.Itoa(strings.Count(word, letter)))
	case "alphabetical":
		other := pick(r, questionWords)
		for other == word {
			other = pick(r, questionWords)
		}
		q := ask(fmt.Sprintf("Which comes first in alphabetical order: '%s' or '%s'? Answer with the word only.", word, other), min(word, other))
		q.Wrong = []string{max(word, other)}
		return family, q
	default:
		q := ask(fmt.Sprintf("Write the word '%s' in capital letters. Answer with the word only.", word), strings.ToUpper(word))
		q.MatchCase = true
		return family, q
	}
}
