package admin_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

func storeFlag(t *testing.T, st *models.Store, orch int, kind, model string) {
	t.Helper()
	stats := ingest.Stats{Region: "FRA", Orchestrator: addr(orch), RoundTripTime: 2, Timestamp: time.Now().Unix(),
		Pipeline: "Text to image", Model: model, Errors: []ingest.Error{{ErrorCode: "suspected_" + kind, Message: "x", Count: 1}}}
	v := models.Verification{Kind: kind, Reason: "measured " + kind, Distance: -1}
	if err := st.InsertVerified(t.Context(), models.NewResult{Stats: stats, Outcome: models.OutcomeFail, IngestKey: "jobtester"}, &v); err != nil {
		t.Fatal(err)
	}
}

// TestFlaggedTestsPageFilters lists flagged tests across the network and
// narrows them by orchestrator, kind, model and age.
func TestFlaggedTestsPageFilters(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, envOptions{})
		storeFlag(t, e.st, 1, "outlier", "sdxl")
		storeFlag(t, e.st, 2, "flat", "sdxl")
		storeFlag(t, e.st, 2, "repeat", "flux")
		c := e.client()
		if a := c.get("/admin/flagged"); a.code != http.StatusSeeOther {
			t.Fatalf("logged out: %d", a.code)
		}
		c.login()
		count := func(q string) int {
			t.Helper()
			a := c.get("/admin/flagged" + q)
			if a.code != http.StatusOK {
				t.Fatalf("GET %s = %d %s", q, a.code, a.body)
			}
			return strings.Count(a.body, `class="evidence"`)
		}
		for q, want := range map[string]int{"": 3, "?kind=flat": 1, "?orchestrator=0x" + strings.ToUpper(addr(2)[2:]): 2,
			"?model=flux": 1, "?days=1": 3, "?kind=outlier&orchestrator=" + addr(2): 0} {
			if got := count(q); got != want {
				t.Errorf("GET %s: %d flagged tests, want %d", q, got, want)
			}
		}
		a := c.get("/admin/flagged?kind=repeat")
		mustContain(t, "repeat filter", a.body, "suspected_repeat", "measured repeat", `href="/orchestrators/`+addr(2)+`"`, `<option value="repeat" selected>`)
		for _, bad := range []string{"?kind=nope", "?days=2", "?orchestrator=0x12"} {
			if a := c.get("/admin/flagged" + bad); a.code != http.StatusBadRequest {
				t.Errorf("GET %s = %d, want 400", bad, a.code)
			}
		}
		if a := c.get("/admin"); !strings.Contains(a.body, `href="/admin/flagged"`) {
			t.Error("the admin nav lacks the flagged tests")
		}
	})
}
