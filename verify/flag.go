package verify

// Kind names what a check suspects. A flagged test fails with the reason
// "suspected_<kind>" (Reason), the same word in the database, the JSON and
// the pages.
type Kind string

// The kinds of suspicion.
const (
	KindFlat        Kind = "flat"         // no content: a picture of one colour, or silence
	KindNoise       Kind = "noise"        // random pixels or samples
	KindRepeat      Kind = "repeat"       // the same answer as for a different input
	KindOutlier     Kind = "outlier"      // far from what the other orchestrators answered
	KindWrongAnswer Kind = "wrong_answer" // an LLM reply or a transcript that misses the known answer
	KindDuration    Kind = "duration"     // speech too short or too long for its text
)

// Kinds lists every kind, for filters and validation.
var Kinds = []Kind{KindFlat, KindNoise, KindRepeat, KindOutlier, KindWrongAnswer, KindDuration}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// Reason is the error code of a flagged test: "suspected_<kind>".
func (k Kind) Reason() string { return "suspected_" + string(k) }

// Flag is one check's suspicion with the figures that support it.
type Flag struct {
	Kind Kind
	// Detail says in words what was measured against what threshold; it
	// follows Reason in the test's error.
	Detail string
}

// Error is the test's error text: the reason, then the detail.
func (f Flag) Error() string { return f.Kind.Reason() + ": " + f.Detail }
