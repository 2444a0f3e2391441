package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/livemetrics"
	"jobtester/models"
)

const (
	opPipeline = "Text to image"
	opModel    = "ByteDance/SDXL-Lightning"
)

// operatorScenario stores addr(1)'s window: slow passes, two failure
// reasons, no-capacity attempts, a tester error and a failed live test;
// addr(2) and addr(3) make the model's typical latency 1 s.
func operatorScenario(t *testing.T, e *env) {
	t.Helper()
	var rs []result
	ai := func(orch int, ago time.Duration, out models.Outcome, rtt float64, why string) result {
		success := 0.0
		if out == models.OutcomePass {
			success = 1
		}
		return result{orch: orch, region: "FRA", pipeline: opPipeline, model: opModel, success: success, rtt: rtt,
			ago: ago, outcome: out, errorText: why}
	}
	for i := range 10 {
		rs = append(rs, ai(1, time.Duration(i+1)*time.Hour, models.OutcomePass, 4, ""))
	}
	for i := range 6 {
		rs = append(rs, ai(1, time.Duration(2+i%2)*time.Hour+time.Minute, models.OutcomeFail, 0, "CUDA out of memory"))
	}
	for i := range 2 {
		rs = append(rs, ai(1, time.Duration(5+i)*time.Hour+time.Minute, models.OutcomeFail, 0, "timeout"))
	}
	for i := range 5 {
		rs = append(rs, ai(1, time.Duration(i+1)*time.Hour+2*time.Minute, models.OutcomeUnavailable, 0, "no capacity"))
	}
	rs = append(rs, ai(1, 30*time.Minute, models.OutcomeTesterError, 0, "our side"))
	for o := 2; o <= 3; o++ {
		for i := range 20 {
			rs = append(rs, ai(o, time.Duration(i+1)*time.Hour, models.OutcomePass, 1, ""))
		}
	}
	e.insert(rs...)
	stats := ingest.Stats{Region: "FRA", Orchestrator: addr(1), RoundTripTime: 20, Pipeline: "live-video-to-video",
		Model: "streamdiffusion", Timestamp: e.now.Unix()}
	lr := models.LiveResult{Region: "FRA", Orchestrator: addr(1), Model: "streamdiffusion", Stream: "s1", StreamID: "s1",
		Outcome: models.OutcomeFail, Metrics: livemetrics.Metrics{Frames: 40, Freezes: 3, FPSMean: 4}, Thumbnail: jpegOf(t),
		Error: "output stopped while input is flowing"}
	if err := e.st.InsertLive(t.Context(), models.NewResult{Stats: stats, Outcome: models.OutcomeFail, IngestKey: "jobtester",
		ReceivedAt: e.now.Add(-time.Minute)}, &lr); err != nil {
		t.Fatal(err)
	}
}

func TestOperatorPageSaysWhatToFixFirst(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			operatorScenario(t, e)
			code, _, body := e.get("/orchestrators/"+addr(1)+"/operator?range=24h", nil)
			if code != http.StatusOK {
				t.Fatalf("operator page = %d\n%s", code, body)
			}
			// What to fix first, most costly first: 10 passes at 4× the
			// typical (weight 30), 6 out-of-memory failures, 5 of 24
			// attempts without capacity, the failed live test (5 a test),
			// 2 timeouts, and the live test's own failed result.
			advice := regexp.MustCompile(`(?s)<ol id="advice">(.*?)</ol>`).FindStringSubmatch(body)
			if advice == nil {
				t.Fatalf("no advice list:\n%s", body)
			}
			titles := regexp.MustCompile(`<li><strong>([^<]*)</strong>`).FindAllStringSubmatch(advice[1], -1)
			var got []string
			for _, m := range titles {
				got = append(got, m[1])
			}
			want := []string{"Slow in FRA: " + opPipeline + " · " + opModel, "Failures: &#34;E: CUDA out of memory&#34;",
				"No capacity for " + opPipeline + " · " + opModel, "Live video tests failing", "Failures: &#34;E: timeout&#34;",
				"Failures: &#34;the job did not succeed (no error given)&#34;"}
			if strings.Join(got, " | ") != strings.Join(want, " | ") {
				t.Errorf("advice\n got %q\nwant %q", got, want)
			}
			mustContain(t, "advice detail", advice[1], "Your median is 4.00 s against a typical 1.00 s, 4.0× slower over 10 passed tests",
				"6 of your 19 scored tests", "5 of 24 attempts (21 %)")
			// The failures table: one row per reason, counted per hour.
			mustContain(t, "failures table", body, `id="failure-reasons"`, "E: CUDA out of memory", `<td class="num">6</td>`,
				`<td class="num heat4">3</td>`, `<td class="num">2</td>`)
			if n := strings.Count(body, `<th scope="col" class="num">`); n < 25 { // Total and 24 or 25 hours
				t.Errorf("failures table has %d numeric columns, want an hour each", n)
			}
			mustContain(t, "latency table", body, `id="latency-table"`, "<td>FRA</td>", "4.00 s", "1.00 s", "4.00×")
			mustContain(t, "summary", body, `id="unavailable-share">5 (20.0 %`, "Tester errors")
			mustContain(t, "failed live test", body, `id="live-failed-tests"`, "/thumbnail.jpg", "output stopped while input is flowing")
			mustContain(t, "flagged answers", body, `id="flagged-op"`, `id="no-flagged"`)
			mustContain(t, "export links", body, `href="/api/v1/orchestrators/`+addr(1)+`/results.csv?from=`,
				`href="/api/v1/orchestrators/`+addr(1)+`/results.json?from=`)

			// The orchestrator page links here; another orchestrator's
			// clean window says nothing stands out.
			_, _, body = e.get("/orchestrators/"+addr(1), nil)
			mustContain(t, "orchestrator page", body, `href="/orchestrators/`+addr(1)+`/operator"`)
			_, _, body = e.get("/orchestrators/"+addr(2)+"/operator", nil)
			mustContain(t, "clean operator page", body, "Nothing stands out", `id="no-failures"`)
		})
	}
}

func TestOperatorPageRefusesBadParameters(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, p := range []string{"/orchestrators/0x12/operator", "/orchestrators/" + addr(1) + "/operator?range=2y"} {
		if code, _, _ := e.get(p, nil); code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400", p, code)
		}
	}
}
