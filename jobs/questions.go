package jobs

import "jobtester/verify"

// Questions are the LLM prompts whose answers the tester can check. An
// LLM test whose prompt is one of them fails with suspected_wrong_answer
// when the reply misses the answer; any other prompt is checked for form
// only. The test inputs draw their prompts from here (definitions), so a
// new question is one line.
var Questions = []verify.Question{
	{Text: "Name three colours of the rainbow.", Expect: []string{"red", "orange", "yellow", "green", "blue", "indigo", "violet"}},
	{Text: "What is 7 plus 5? Answer with the number only.", Expect: []string{"12"}, Wrong: []string{"11", "13", "35"}},
	{Text: "What is the capital of France? Answer in one word.", Expect: []string{"Paris"}, Wrong: []string{"London", "Berlin", "Madrid"}},
	{Text: "How many legs does a spider have? Answer with a number.", Expect: []string{"8"}, Wrong: []string{"6", "4", "10"}},
	{Text: "What colour is a clear daytime sky? Answer in one word.", Expect: []string{"blue"}, Wrong: []string{"green", "red"}},
	{Text: "What is 9 times 3? Answer with the number only.", Expect: []string{"27"}, Wrong: []string{"12", "26", "28"}},
	{Text: "Which planet do we live on? Answer in one word.", Expect: []string{"Earth"}, Wrong: []string{"Mars", "Venus"}},
	{Text: "What is the opposite of hot? Answer in one word.", Expect: []string{"cold"}, Wrong: []string{"warm"}},
}
