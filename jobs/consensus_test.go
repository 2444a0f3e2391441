package jobs

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	pngenc "image/png"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/livepeer"
	"jobtester/media"
	"jobtester/models"
	"jobtester/verify"
)

// TestRunnerChecksQuestionsAndSpeech runs the drawn LLM question, the
// spoken digits and speech through fakes that answer right and wrong.
func TestRunnerChecksQuestionsAndSpeech(t *testing.T) {
	t.Parallel()
	st := dbtest.Open(t, "sqlite", models.Options{})
	const seed = 7
	q := Definitions["Llm"].Build("m", InputRand(seed)).Expect
	digits := Definitions["Audio to text"].Build("m", InputRand(seed)).Expect.Transcript
	text, _ := Definitions["Text to speech"].Build("m", InputRand(seed)).Job.JSON.(map[string]any)["text"].(string)
	fits := func(string) []byte { return media.TestAudio(0.35*float64(len(strings.Fields(text))), 16000) }
	many := map[string]any{"text": strings.Repeat("many words ", 10)}
	wavOf := func(sample func(i int) int16) func(string) []byte {
		return func(string) []byte {
			n := int(0.35 * float64(len(strings.Fields(text))) * 16000)
			b := media.SpokenDigits("", 16000)
			binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
			binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
			for i := range n {
				b = binary.LittleEndian.AppendUint16(b, uint16(sample(i)))
			}
			return b
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	cases := []struct {
		name, pipeline string
		fake           fake
		params         map[string]any
		want           string
	}{
		{"right answer", "Llm", fake{reply: "The answer is " + q.Answer + "."}, nil, ""},
		{"canned text", "Llm", fake{reply: "Sure! Here is a detailed answer to your question."}, nil, "suspected_wrong_answer"},
		{"digits heard", "Audio to text", fake{text: " " + digits}, nil, ""},
		{"canned transcript", "Audio to text", fake{text: " Thank you for watching."}, nil, "suspected_wrong_answer"},
		{"a caption alone", "Image to text", fake{text: "a picture of a cat"}, nil, ""},
		{"speech that fits", "Text to speech", fake{speech: fits}, nil, ""},
		{"canned one-second speech", "Text to speech", fake{speech: func(string) []byte { return media.TestAudio(1, 16000) }}, many, "suspected_duration"},
		{"silence", "Text to speech", fake{speech: wavOf(func(int) int16 { return 0 })}, nil, "suspected_flat"},
		{"noise", "Text to speech", fake{speech: wavOf(func(int) int16 { return int16(r.Uint32()) })}, nil, "suspected_noise"},
	}
	for _, c := range cases {
		res := runVerified(t, st, fakeModel(t, c.fake), c.pipeline, c.params, seed)
		if got := reasonOf(res); got != c.want {
			t.Errorf("%s: %s %q, want %q", c.name, res.Outcome, res.Error, c.want)
		}
	}
}

func probeResult(t *testing.T, orch string, seed uint64, outcome models.Outcome) Result {
	r := Result{Target: Target{Orchestrator: orch, Capability: livepeer.Capability{Pipeline: "Text to image", Model: "m"},
		Probe: &Probe{Group: "g"}}, Outcome: outcome, StartedAt: time.Now()}
	if outcome == models.OutcomePass {
		pic := verify.Look(decodePNG(t, paint(seed, 128, 128)))
		r.Evidence = &Evidence{Hash: &pic.Hash, Thumb: []byte{1}, Distance: -1, gray: &pic.Gray}
	}
	return r
}

// TestConsensusBookJudgesCompleteGroups holds probes until their group is
// complete, fails the outlier with its evidence beside the consensus, and
// amends the sweep's report.
func TestConsensusBookJudgesCompleteGroups(t *testing.T) {
	t.Parallel()
	targets := []Target{}
	group := []Result{probeResult(t, "0xb", 1, models.OutcomePass), probeResult(t, "0xa", 1, models.OutcomePass),
		probeResult(t, "0xc", 2, models.OutcomePass), probeResult(t, "0xd", 1, models.OutcomeUnavailable)}
	for _, r := range group {
		targets = append(targets, r.Target)
	}
	book := newConsensusBook(targets)
	rep := Report{Expected: 4}
	for i, r := range group {
		rep.count(r)
		judged, ok := book.add(r)
		if ok != (i == len(group)-1) {
			t.Fatalf("group complete after %d of 4: %v", i+1, ok)
		}
		if !ok {
			continue
		}
		for _, j := range judged {
			want := models.OutcomePass
			switch j.Orchestrator {
			case "0xc":
				want = models.OutcomeFail
				if !strings.HasPrefix(j.Error, "suspected_outlier") || j.Evidence.Consensus == nil || j.Evidence.Consensus.Answers != 3 {
					t.Fatalf("outlier: %q %+v", j.Error, j.Evidence)
				}
				row := evidenceRow(j)
				if row.Kind != "outlier" || row.ConsensusHash == "" || j.Evidence.Correlation >= verify.MinConsensusCorrelation ||
					!strings.Contains(row.Figures, "consensus_distance") || !strings.Contains(row.Figures, "consensus_correlation") {
					t.Fatalf("stored evidence %+v", row)
				}
			case "0xd":
				want = models.OutcomeUnavailable
			}
			if j.Outcome != want {
				t.Fatalf("%s: %s, want %s", j.Orchestrator, j.Outcome, want)
			}
		}
	}
	rep.amend(book.judged())
	if rep.Passed != 2 || rep.Failed != 1 || rep.Unavailable != 1 || rep.Done() != 4 {
		t.Fatalf("report %+v", rep)
	}
	if left := book.flush(); len(left) != 0 {
		t.Fatalf("%d groups left", len(left))
	}
}

// TestConsensusOverrulesARepeatTheMajorityGave: an answer flagged only
// as a repeat passes when the other orchestrators answered the same
// request alike; a repeat unlike them stays failed, as an outlier.
func TestConsensusOverrulesARepeatTheMajorityGave(t *testing.T) {
	t.Parallel()
	repeat := func(r Result) Result {
		ev := *r.Evidence
		ev.Flag = &verify.Flag{Kind: verify.KindRepeat, Detail: "20 bits from an earlier answer"}
		r.Evidence, r.Outcome, r.Error = &ev, models.OutcomeFail, ev.Flag.Error()
		return r
	}
	group := judgeConsensus([]Result{probeResult(t, "0xa", 1, models.OutcomePass), repeat(probeResult(t, "0xb", 1, models.OutcomePass)),
		probeResult(t, "0xc", 1, models.OutcomePass), repeat(probeResult(t, "0xd", 4, models.OutcomePass))})
	for _, r := range group {
		want := models.OutcomePass
		if r.Orchestrator == "0xd" {
			want = models.OutcomeFail
		}
		if r.Outcome != want || (want == models.OutcomeFail) != (r.Evidence.Flag != nil) {
			t.Fatalf("%s: %s %q", r.Orchestrator, r.Outcome, r.Error)
		}
	}
	if !strings.HasPrefix(group[3].Error, "suspected_outlier") {
		t.Fatalf("the repeat unlike the others: %q", group[3].Error)
	}
}

func TestConsensusOfTwoFlagsNobody(t *testing.T) {
	t.Parallel()
	group := judgeConsensus([]Result{probeResult(t, "0xa", 1, models.OutcomePass), probeResult(t, "0xb", 2, models.OutcomePass)})
	for _, r := range group {
		if r.Outcome != models.OutcomePass || r.Evidence.Correlation >= verify.MinConsensusCorrelation {
			t.Fatalf("%s: %s at correlation %.3f", r.Orchestrator, r.Outcome, r.Evidence.Correlation)
		}
	}
}

// TestPlanProbesReplacesRegularTests: probes are the pairs' tests, so a
// sweep has as many tests with consensus as without, and only models with
// enough orchestrators get one.
func TestPlanProbesReplacesRegularTests(t *testing.T) {
	t.Parallel()
	var targets []Target
	add := func(orchs int, pipeline, model string) {
		for i := range orchs {
			targets = append(targets, Target{Orchestrator: string(rune('a' + i)), Capability: livepeer.Capability{Pipeline: pipeline, Model: model}})
		}
	}
	add(4, "Text to image", "sdxl")
	add(2, "Text to image", "rare")
	add(5, "Llm", "llama")
	before := len(targets)
	n := PlanProbes(targets, rand.New(rand.NewPCG(1, 2)))
	if n != 4 || len(targets) != before {
		t.Fatalf("%d probes in %d tests", n, len(targets))
	}
	shared := targets[0].Probe
	for _, tg := range targets {
		isProbe := tg.Capability.Model == "sdxl"
		if (tg.Probe != nil) != isProbe || (isProbe && tg.Probe != shared) {
			t.Fatalf("%+v", tg)
		}
	}
	seed := targets[0].InputSeed
	for _, tg := range targets {
		if (tg.Probe != nil) != (tg.InputSeed == seed && seed != 0) {
			t.Fatalf("probe %v with input seed %d (group's %d)", tg.Probe, tg.InputSeed, seed)
		}
	}
}

// TestStoreKeepsTheEvidenceOfAFlaggedTest stores a flagged result through
// the tester's write path: the compatible record fails with the reason and
// the evidence row points at it.
func TestStoreKeepsTheEvidenceOfAFlaggedTest(t *testing.T) {
	t.Parallel()
	st := dbtest.Open(t, "sqlite", models.Options{})
	tester := &Tester{Store: st, Region: "FRA", IngestKey: "jobtester", Log: quietLog()}
	group := judgeConsensus([]Result{probeResult(t, "0x00000000000000000000000000000000000000a1", 1, models.OutcomePass),
		probeResult(t, "0x00000000000000000000000000000000000000a2", 1, models.OutcomePass), probeResult(t, "0x00000000000000000000000000000000000000a3", 3, models.OutcomePass)})
	for _, r := range group {
		tester.store(context.Background(), 0, r, true)
	}
	got, err := st.Verifications(context.Background(), models.VerificationFilter{})
	if err != nil || len(got) != 1 || got[0].Orchestrator != group[2].Orchestrator || got[0].Kind != "outlier" || !got[0].HasConsensusThumbnail {
		t.Fatalf("evidence %+v %v", got, err)
	}
	res, err := st.RawResults(context.Background(), models.Filter{Orchestrator: group[2].Orchestrator, Pipeline: "Text to image", Model: "m"},
		models.Window{Since: time.Now().Add(-time.Hour), Until: time.Now().Add(time.Hour)}, 10)
	if err != nil || len(res) != 1 || res[0].SuccessRate != 0 || !strings.Contains(res[0].Errors, "suspected_outlier") {
		t.Fatalf("compatible record %+v %v", res, err)
	}
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := pngenc.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
