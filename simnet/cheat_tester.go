package simnet

import (
	"strings"
	"sync"

	"jobtester/media"
)

// How a tester_aware cheat tells the tester's requests from real traffic:
// by what jobtester's batch tests sent before their inputs were drawn per
// request. A request is the tester's when any of these holds:
//
//   - its User-Agent names jobtester;
//   - its seed is 42, the old tests' fixed seed;
//   - its prompt, text or a message is one of the old tests' fixed strings;
//   - its input image or audio is one of the old tests' generated files
//     (media.TestImage at 512×512, 256×256 or 1024×576; media.TestAudio of
//     3 s at 16 kHz).
//
// An output size alone is not a fingerprint: real users ask for 512×512
// too.

// oldTestStrings are the prompts and texts the fixed tests sent.
var oldTestStrings = []string{
	"a lighthouse on a cliff at dawn, oil painting",
	"the same scene in watercolour",
	"a sharp photograph",
	"a picture of",
	"Name three colours of the rainbow.",
	"The quick brown fox jumps over the lazy dog.",
}

const oldTestSeed = 42

// oldTestFiles are the digests of the fixed tests' input files, made once.
var oldTestFiles = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		digest(media.TestImage(512, 512)):  true,
		digest(media.TestImage(256, 256)):  true,
		digest(media.TestImage(1024, 576)): true,
		digest(media.TestAudio(3, 16000)):  true,
	}
})

// testerFingerprints describes the rules for the truth.
var testerFingerprints = []string{"user-agent contains jobtester", "seed 42", "a fixed prompt, text or message of the old tests", "an input file of the old tests"}

// looksLikeTester reports whether a request carries one of jobtester's
// old fingerprints.
func looksLikeTester(job jobRequest) bool {
	if strings.Contains(strings.ToLower(job.UserAgent), "jobtester") {
		return true
	}
	if job.Seed != nil && *job.Seed == oldTestSeed {
		return true
	}
	texts := []string{job.Prompt, job.Text}
	for _, m := range job.Messages {
		texts = append(texts, m.Content)
	}
	for _, t := range texts {
		for _, s := range oldTestStrings {
			if t == s {
				return true
			}
		}
	}
	files := oldTestFiles()
	return files[digest(job.Image)] || files[digest(job.Audio)]
}
