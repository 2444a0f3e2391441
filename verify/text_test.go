package verify

import (
	"strings"
	"testing"
	"time"
)

func TestAnswered(t *testing.T) {
	t.Parallel()
	sum := Question{Text: "What is 2 + 2? Answer with a number.", Expect: []string{"4"}, Wrong: []string{"3", "5"}}
	capital := Question{Text: "What is the capital of France?", Expect: []string{"Paris"}}
	diff := Question{Text: "What is 5 - 80? Answer with the number only.", Expect: []string{"-75"}}
	first := Question{Text: "Which comes first: 'lantern' or 'harbor'?", Expect: []string{"harbor"}, Wrong: []string{"lantern"}}
	upper := Question{Text: "Write the word 'lantern' in capital letters.", Expect: []string{"LANTERN"}, MatchCase: true}
	cases := []struct {
		q     Question
		reply string
		ok    bool
	}{
		{sum, "4", true},
		{sum, "The answer is Four.", true},
		{sum, "2 + 2 = 4", true},
		{sum, "14", false},
		{sum, "It could be 3, 4 or 5.", false},
		{sum, "red orange yellow", false},
		{sum, "", false},
		{capital, "paris, of course!", true},
		{capital, "PARIS", true},
		{capital, "Comparison shopping", false},
		{Question{Text: "x", Expect: []string{"", "  "}}, "anything", false},
		{diff, "-75", true},
		{diff, "The answer is -75.", true},
		{diff, "75", false},
		{diff, "5-80", false},
		{first, "harbor", true},
		{first, "'harbor' comes before 'lantern'", false},
		{upper, "LANTERN.", true},
		{upper, "lantern", false},
	}
	for _, c := range cases {
		flag := Answered(c.q, c.reply)
		if (flag == nil) != c.ok {
			t.Errorf("%q to %q: flag %v", c.reply, c.q.Text, flag)
		}
		if flag != nil && flag.Kind != KindWrongAnswer {
			t.Errorf("kind %q", flag.Kind)
		}
	}
}

func TestSpeechDuration(t *testing.T) {
	t.Parallel()
	nine := "The quick brown fox jumps over the lazy dog."
	long := strings.Repeat("word ", 40)
	cases := []struct {
		text string
		d    time.Duration
		ok   bool
	}{
		{nine, 3150 * time.Millisecond, true}, // 0.35 s a word
		{nine, 2 * time.Second, true},         // 4.5 words a second
		{nine, 10 * time.Second, true},        // slow, inside the slack
		{nine, 1 * time.Second, false},        // nine words in a second
		{nine, 11 * time.Second, false},
		{long, 3150 * time.Millisecond, false}, // canned length for a longer text
		{long, 14 * time.Second, true},
		{"", 0, true}, // nothing to judge
	}
	for _, c := range cases {
		if flag := SpeechDuration(c.text, c.d); (flag == nil) != c.ok {
			t.Errorf("%d words in %v: flag %v", len(strings.Fields(c.text)), c.d, flag)
		}
	}
}

func TestKinds(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds {
		if !k.Valid() || !strings.HasPrefix(k.Reason(), "suspected_") {
			t.Errorf("%q", k)
		}
	}
	if Kind("nope").Valid() {
		t.Error("unknown kind valid")
	}
	f := Flag{Kind: KindFlat, Detail: "x"}
	if f.Error() != "suspected_flat: x" {
		t.Errorf("%q", f.Error())
	}
}

func TestThumbnail(t *testing.T) {
	t.Parallel()
	th := Thumbnail(scene(1, 300, 150))
	if len(th) == 0 || len(th) > 8<<10 {
		t.Fatalf("thumbnail of %d bytes", len(th))
	}
	p := Look(reencodeBytes(th))
	if p.Gray.W != 64 || p.Gray.H != 32 {
		t.Fatalf("thumbnail measures %dx%d cells", p.Gray.W, p.Gray.H)
	}
}
