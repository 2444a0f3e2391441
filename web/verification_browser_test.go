package web_test

import (
	"image"
	"image/color"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/models"
	"jobtester/verify"
	"jobtester/web/webtest"
)

// storeOutlier stores a flagged test of orchestrator orch the way the
// tester does: a failed compatible record and its evidence, with real
// JPEG thumbnails of the answer (dark) and of the consensus (light).
func storeOutlier(t *testing.T, e *env, orch, consensus int) models.Verification {
	t.Helper()
	pic := func(c uint8) []byte {
		img := image.NewRGBA(image.Rect(0, 0, 256, 256))
		for y := range 256 {
			for x := range 256 {
				img.Set(x, y, color.RGBA{c, uint8(x), uint8(y), 255})
			}
		}
		return verify.Thumbnail(img)
	}
	stats := ingest.Stats{Region: "FRA", Orchestrator: addr(orch), RoundTripTime: 2, Timestamp: time.Now().Unix(),
		Pipeline: t2iPipeline, Model: t2iModel, Errors: []ingest.Error{{ErrorCode: "suspected_outlier", Message: "x", Count: 1}}}
	v := models.Verification{Kind: "outlier", Reason: "118 of 256 bits from the consensus of 5 answers to the same prompt and seed",
		Hash: "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff", Distance: 118,
		ConsensusHash: "ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00", ConsensusOrchestrator: addr(consensus),
		ConsensusAnswers: 5, Figures: `{"consensus_distance":118}`, Thumbnail: pic(10), ConsensusThumbnail: pic(240)}
	if err := e.st.InsertVerified(t.Context(), models.NewResult{Stats: stats, Outcome: models.OutcomeFail, IngestKey: "jobtester"}, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowserEvidenceRenders opens the page of a flagged orchestrator in
// Chromium: the flagged test shows its reason, the distances, and both
// thumbnails loaded side by side.
func TestBrowserEvidenceRenders(t *testing.T) {
	needVendor(t)
	e := newEnv(t, "sqlite")
	seedNetwork(t, e)
	storeOutlier(t, e, 1, 2)
	b := webtest.New(t)
	b.Navigate(e.srv.URL + "/orchestrators/" + addr(1))
	b.WaitVisible("#flagged-tests")
	card := b.Text("#flagged-tests figure.evidence")
	mustContain(t, "evidence card", card, "suspected_outlier", t2iModel, "118 of 256 bits", "of 5 answers")
	// The thumbnails load lazily: bring them into view as a reader would.
	webtest.Eval[bool](b, `(document.querySelector('#flagged-tests').scrollIntoView(), true)`)
	b.WaitFor("both thumbnails loaded", `[...document.querySelectorAll('#flagged-tests .evidence-pair img')].length === 2 &&
		[...document.querySelectorAll('#flagged-tests .evidence-pair img')].every(i => i.complete && i.naturalWidth === 96)`)
	pos := webtest.Eval[[]float64](b, `[...document.querySelectorAll('#flagged-tests .evidence-pair img')].map(i => i.getBoundingClientRect().top)`)
	if len(pos) != 2 || pos[0] != pos[1] {
		t.Errorf("answer and consensus are not side by side: tops %v", pos)
	}
	b.Screenshot("orchestrator-evidence")
	b.Navigate(e.srv.URL + "/orchestrators/" + addr(2))
	b.WaitVisible("#no-flagged")
	if errs := b.JSErrors(); len(errs) > 0 {
		t.Fatalf("JavaScript errors: %v", errs)
	}
}
