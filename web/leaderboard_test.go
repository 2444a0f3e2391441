package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"jobtester/models"
)

func TestLeaderboardPageRendersScoresAndNoData(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.insert(
		result{orch: 1, region: "FRA", success: 1, rtt: 1, ago: 10 * time.Minute},
		result{orch: 1, region: "FRA", success: 1, rtt: 1.2, ago: 2 * time.Hour},
		result{orch: 2, region: "LAX", success: 0.5, rtt: 3, ago: 30 * time.Minute, outcome: models.OutcomeFail},
	)
	ctx := t.Context()
	if err := e.st.SaveDiscovery(ctx, []models.DiscoveredOrchestrator{
		{Address: addr(3), ServiceURI: "https://o3.example:8935", Sources: "chain"},
	}, nil); err != nil {
		t.Fatal(err)
	}
	code, h, body := e.get("/", nil)
	if code != http.StatusOK {
		t.Fatalf("GET / = %d\n%s", code, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("content type %q", ct)
	}
	mustContain(t, "leaderboard", body, addr(1)[:8], `aria-sort="descending"`, `<caption>`, `scope="col"`)
	// Orchestrator 3 advertises but has no result: a row of "—", no zeros.
	i := strings.Index(body, `title="`+addr(3)+`"`)
	if i < 0 {
		t.Fatalf("no row for the untested orchestrator:\n%s", body)
	}
	row := body[i:]
	row = row[:strings.Index(row, "</tr>")]
	if strings.Count(row, `class="nodata"`) < 5 {
		t.Errorf("untested orchestrator's row does not show — for every value: %s", row)
	}
	if strings.Contains(row, ">0<") || strings.Contains(row, ">0.000<") || strings.Contains(row, "0.0 %") {
		t.Errorf("untested orchestrator's row shows a 0: %s", row)
	}
}
