package models_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
)

func flaggedResult(orch int, reason string) models.NewResult {
	st := ingest.Stats{Region: "FRA", Orchestrator: addr(orch), RoundTripTime: 2.5, Timestamp: time.Now().Unix(),
		Pipeline: "Text to image", Model: "sdxl", InputParams: `{"seed":7}`,
		Errors: []ingest.Error{{ErrorCode: reason, Message: reason + ": 120 of 256 bits", Count: 1}}}
	return models.NewResult{Stats: st, Outcome: models.OutcomeFail, IngestKey: "jobtester"}
}

// TestVerificationsRoundTrip stores flagged tests with their evidence and
// reads them back: every field, the thumbnails, the filters, the failure
// counted by the leaderboard totals, and retention deleting the evidence
// with its result.
func TestVerificationsRoundTrip(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		sw := models.Sweep{Region: "FRA", StartedBy: "cli", Lanes: 1}
		if err := st.CreateSweep(ctx, &sw); err != nil {
			t.Fatal(err)
		}
		thumb, cthumb := []byte{0xff, 0xd8, 1, 2, 0xff, 0xd9}, []byte{0xff, 0xd8, 3, 0xff, 0xd9}
		nr := flaggedResult(1, "suspected_outlier")
		nr.SweepID = sw.ID
		out := models.Verification{Kind: "outlier", Reason: "120 of 256 bits from the consensus", Hash: fmt.Sprintf("%064x", 1),
			Distance: 120, ConsensusHash: fmt.Sprintf("%064x", 2), ConsensusOrchestrator: "0x" + fmt.Sprintf("%040X", 2),
			ConsensusAnswers: 5, Figures: `{"std":40.5}`, Thumbnail: thumb, ConsensusThumbnail: cthumb}
		if err := st.InsertVerified(ctx, nr, &out); err != nil {
			t.Fatal(err)
		}
		flat := models.Verification{Kind: "flat", Reason: "luma varies by 0.3"}
		if err := st.InsertVerified(ctx, flaggedResult(2, "suspected_flat"), &flat); err != nil {
			t.Fatal(err)
		}
		if out.ID == 0 || out.ResultID == 0 || out.Orchestrator != addr(1) || out.ConsensusOrchestrator != addr(2) {
			t.Fatalf("identity not set: %+v", out)
		}
		all, err := st.Verifications(ctx, models.VerificationFilter{})
		if err != nil || len(all) != 2 {
			t.Fatalf("list: %d rows, %v", len(all), err)
		}
		got := all[1]
		if all[0].ID != flat.ID || got.ID != out.ID {
			t.Fatalf("not newest first: %d %d", all[0].ID, all[1].ID)
		}
		want := out
		want.Thumbnail, want.ConsensusThumbnail = nil, nil
		if got.CreatedAt.Sub(want.CreatedAt).Abs() > time.Millisecond {
			t.Fatalf("created %v, stored %v", want.CreatedAt, got.CreatedAt)
		}
		if got.SweepID == nil || *got.SweepID != sw.ID {
			t.Fatalf("sweep %v, want %d", got.SweepID, sw.ID)
		}
		got.CreatedAt, got.SweepID, want.SweepID = want.CreatedAt, nil, nil
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}
		if all[0].HasThumbnail || all[0].ThumbnailURL(false) != "" || got.ThumbnailURL(true) == "" {
			t.Fatalf("thumbnail flags: %+v / %+v", all[0], got)
		}
		checkVerificationFilters(t, st, sw.ID)
		checkVerificationThumbnails(t, st, out.ID, flat.ID, thumb, cthumb)
		tot, err := st.Totals(ctx, models.Filter{Orchestrator: addr(1)}, models.Window{Since: time.Now().Add(-2 * time.Hour), Until: time.Now().Add(time.Hour)})
		if err != nil || len(tot) != 1 || tot[0].Results != 1 || tot[0].Passed != 0 {
			t.Fatalf("the flagged test is not counted as a failure: %+v %v", tot, err)
		}
		if _, _, err := st.Prune(ctx, time.Now().Add(time.Hour), time.Now().Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if left, _ := st.Verifications(ctx, models.VerificationFilter{}); len(left) != 0 {
			t.Fatalf("%d flagged tests outlived their results", len(left))
		}
	})
}

func checkVerificationFilters(t *testing.T, st *models.Store, sweep int64) {
	t.Helper()
	for _, c := range []struct {
		f    models.VerificationFilter
		want int
	}{
		{models.VerificationFilter{Kind: "outlier"}, 1},
		{models.VerificationFilter{Kind: "noise"}, 0},
		{models.VerificationFilter{Orchestrator: "0x" + fmt.Sprintf("%040X", 2)}, 1},
		{models.VerificationFilter{SweepID: sweep}, 1},
		{models.VerificationFilter{Model: "sdxl", Pipeline: "Text to image"}, 2},
		{models.VerificationFilter{Since: time.Now().Add(time.Hour)}, 0},
		{models.VerificationFilter{Limit: 1}, 1},
	} {
		got, err := st.Verifications(ctx, c.f)
		if err != nil || len(got) != c.want {
			t.Errorf("filter %+v: %d rows (%v), want %d", c.f, len(got), err, c.want)
		}
	}
}

func checkVerificationThumbnails(t *testing.T, st *models.Store, withID, withoutID int64, thumb, cthumb []byte) {
	t.Helper()
	if b, err := st.VerificationThumbnail(ctx, withID, false); err != nil || !bytes.Equal(b, thumb) {
		t.Fatalf("answer thumbnail: %v %v", b, err)
	}
	if b, err := st.VerificationThumbnail(ctx, withID, true); err != nil || !bytes.Equal(b, cthumb) {
		t.Fatalf("consensus thumbnail: %v %v", b, err)
	}
	for _, id := range []int64{withoutID, 999999} {
		if _, err := st.VerificationThumbnail(ctx, id, false); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("thumbnail of %d: %v", id, err)
		}
	}
}

// TestAnswerHashesKeepTheNewest stores more hashes than are kept and reads
// the newest back per orchestrator and model, on both databases.
func TestAnswerHashesKeepTheNewest(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		n := models.AnswerHashesKept + 5
		for i := range n {
			for _, orch := range []int{1, 2} {
				h := models.AnswerHash{Orchestrator: addr(orch), Pipeline: "Text to image", Model: "sdxl",
					InputKey: fmt.Sprintf("k%d", i), Hash: fmt.Sprintf("%064x", i)}
				if err := st.SaveAnswerHash(ctx, h); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := st.AnswerHashes(ctx, addr(1), "Text to image", "sdxl", 0)
		if err != nil || len(got) != models.AnswerHashesKept {
			t.Fatalf("%d hashes kept (%v), want %d", len(got), err, models.AnswerHashesKept)
		}
		if got[0].InputKey != fmt.Sprintf("k%d", n-1) || got[len(got)-1].InputKey != "k5" {
			t.Fatalf("kept %s..%s", got[0].InputKey, got[len(got)-1].InputKey)
		}
		if other, _ := st.AnswerHashes(ctx, addr(2), "Text to image", "other", 10); len(other) != 0 {
			t.Fatalf("another model's hashes: %d", len(other))
		}
	})
}
