package leaderboard

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"jobtester/models"
)

func TestFailureReasonSaysWhyInAFewWords(t *testing.T) {
	long := strings.Repeat("x", 200)
	cases := []struct {
		r    models.RawResult
		want string
	}{
		{models.RawResult{Result: models.Result{Errors: `[{"error_code":"500","message":"runner  crashed\n again","count":1}]`}}, "500: runner crashed again"},
		{models.RawResult{Result: models.Result{Errors: `[{"error_code":"","message":"` + long + `"}]`}}, strings.Repeat("x", 87) + "…"},
		{models.RawResult{Result: models.Result{Errors: `not json`, HTTPStatus: 503}}, "HTTP 503"},
		{models.RawResult{Result: models.Result{Errors: `[]`, SegmentsSent: 10, SuccessRate: 0.5}}, "segments lost"},
		{models.RawResult{Result: models.Result{Pipeline: "llm", SuccessRate: 0}}, "the job did not succeed (no error given)"},
		{models.RawResult{Result: models.Result{Pipeline: "llm", SuccessRate: 1}}, "the answer failed a check"},
	}
	for i, c := range cases {
		if got := FailureReason(&c.r); got != c.want {
			t.Errorf("case %d: %q, want %q", i, got, c.want)
		}
	}
}

func TestTopReasonsFoldTheRestIntoOneRow(t *testing.T) {
	m := map[string]*ReasonRow{}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range maxReasons + 3 {
		m[fmt.Sprint("r", i)] = &ReasonRow{Reason: fmt.Sprint("r", i), Total: 100 - i, Counts: []int{100 - i, 0},
			Last: at.Add(time.Duration(i) * time.Hour), Example: fmt.Sprint("job", i)}
	}
	rows := topReasons(m, 2)
	if len(rows) != maxReasons {
		t.Fatalf("%d rows, want %d", len(rows), maxReasons)
	}
	if rows[0].Reason != "r0" || rows[maxReasons-2].Reason != fmt.Sprint("r", maxReasons-2) {
		t.Errorf("rows not by count: %v", rows)
	}
	other := rows[maxReasons-1]
	// r7..r10 fold: 93+92+91+90.
	if other.Reason != "4 other reasons" || other.Total != 366 || other.Counts[0] != 366 || other.Example != "job10" {
		t.Errorf("folded row %+v", other)
	}
}

func TestOperatorBucketIsHoursUpToTwoDays(t *testing.T) {
	if OperatorBucket(24*time.Hour) != time.Hour || OperatorBucket(7*24*time.Hour) != 24*time.Hour {
		t.Error("buckets: 24 h should be hourly and 7 d daily")
	}
}
