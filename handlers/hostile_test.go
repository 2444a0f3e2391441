package handlers

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/web"
)

// The hostile-input catalogue: every post here is refused with the same
// status and a JSON error on both databases, and stores nothing.
func TestHostilePostsAreRefusedAlikeAndStoreNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		valid := string(transcodingBody(orchA, "FRA", 1, 2, 1.5))
		with := func(old, repl string) string {
			if !strings.Contains(valid, old) {
				t.Fatalf("%s not in %s", old, valid)
			}
			return strings.Replace(valid, old, repl, 1)
		}
		future := e.clock.Now().Add(ingest.MaxClockSkew + time.Minute).Unix()
		cases := []struct{ name, body string }{
			{"round_trip_time 1e308", with(`"round_trip_time":1.5`, `"round_trip_time":1e308`)},
			{"round_trip_time over a day", with(`"round_trip_time":1.5`, `"round_trip_time":86400.5`)},
			{"seg_duration 1e308", with(`"seg_duration":2`, `"seg_duration":1e308`)},
			{"seg_duration over a day", with(`"seg_duration":2`, `"seg_duration":90000`)},
			{"upload_time big exponent", with(`"round_trip_time":1.5`, `"round_trip_time":1.5,"upload_time":1E+300`)},
			{"transcode_time -1e308", with(`"round_trip_time":1.5`, `"round_trip_time":1.5,"transcode_time":-1e308`)},
			{"number beyond float64", with(`"round_trip_time":1.5`, `"round_trip_time":1e400`)},
			{"success_rate just above 1", with(`"success_rate":1`, `"success_rate":1.0000000001`)},
			{"success_rate negative", with(`"success_rate":1`, `"success_rate":-0.5`)},
			{"timestamp in milliseconds", with(`"timestamp":1726864722`, `"timestamp":1726864722000`)},
			{"timestamp a day ahead", with(`"timestamp":1726864722`, fmt.Sprintf(`"timestamp":%d`, future))},
			{"timestamp beyond int64", with(`"timestamp":1726864722`, `"timestamp":1e30`)},
			{"segments_sent huge", with(`"segments_sent":15`, `"segments_sent":9007199254740993`)},
			{"error count huge", with(`"errors":[]`, `"errors":[{"error_code":"x","count":4000000000}]`)},
			{"NUL in an error message", with(`"errors":[]`, `"errors":[{"error_code":"x","message":"a\u0000b","count":1}]`)},
			{"NUL in the region", with(`"region":"FRA"`, `"region":"FR\u0000A"`)},
		}
		for _, c := range cases {
			code, b := e.post([]byte(c.body), streamTesterSecret)
			var body map[string]string
			if code != http.StatusBadRequest || json.Unmarshal(b, &body) != nil || body["error"] == "" {
				t.Errorf("%s: %d %s, want 400 with a JSON error", c.name, code, b)
			}
		}
		if n := e.count(); n != 0 {
			t.Fatalf("%d results stored after only refused posts", n)
		}
		// Two results at the bounds in one series: the sums stay finite
		// and every read of the bucket answers, on both databases.
		edge := with(`"round_trip_time":1.5`, `"round_trip_time":86400`)
		edge = strings.Replace(edge, `"seg_duration":2`, `"seg_duration":86400`, 1)
		e.mustPost([]byte(edge), streamTesterSecret)
		// Another body (the same one again would be a replay, stored once).
		e.mustPost([]byte(strings.Replace(edge, `"timestamp":1726864722`, `"timestamp":1726864723`, 1)), streamTesterSecret)
		now := e.clock.Now().Unix()
		for _, p := range []string{"/api/v1/leaderboard?job_type=transcoding", "/api/v1/history?job_type=transcoding&orchestrator=" + orchA,
			"/api/aggregated_stats", "/api/raw_stats?orchestrator=" + orchA, fmt.Sprintf("/api/v1/results?orchestrator=%s&since=%d", orchA, now-3600)} {
			if code, b := e.get(p); code != http.StatusOK {
				t.Errorf("GET %s after results at the bounds: %d %s", p, code, b)
			}
		}
		if n := e.count(); n != 2 {
			t.Fatalf("count = %d after two posts at the bounds", n)
		}
	})
}

// pagesEnv is the whole front end, API and pages, on one echo as main
// wires it.
func pagesEnv(t *testing.T, st *models.Store, ingestTimeout time.Duration) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	keys := ingest.NewKeyring([]ingest.Key{{Name: "stream-tester", Secret: streamTesterSecret}})
	e := New(Deps{Store: st, Keys: keys, Window: 24 * time.Hour, MaxBodyBytes: 64 << 10, Logger: log,
		PageError: web.ErrorPage, IngestTimeout: ingestTimeout})
	web.Register(e, web.Deps{Store: st, Logger: log})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

// Every reader, JSON and HTML, refuses a broken query parameter with 400
// on both databases; a well-formed one still answers.
func TestHostileQueryParametersAreRefusedAlike(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		srv := pagesEnv(t, dbtest.Open(t, dialect, models.Options{}), 0)
		readers := []string{"/api/raw_stats", "/api/aggregated_stats", "/api/pipelines", "/api/top_ai_score",
			"/api/v1/results", "/api/v1/leaderboard", "/api/v1/history", "/api/v1/live/results",
			"/api/v1/verifications", "/api/v1/sweeps", "/api/regions"}
		pages := []string{"/", "/orchestrators/" + orchA, "/runs"}
		bad := []string{"orchestrator=%00", "orchestrator=0x%ff", "orchestrator=%zz", "region=FR%00A",
			"model=%C3%28&pipeline=x", "%ff=1", "a%00=1", "orchestrator=%", "orchestrator=%4", "x=1;y=2"}
		for _, path := range append(readers, pages...) {
			page := !strings.HasPrefix(path, "/api/")
			for _, q := range bad {
				code, ct, b := rawGet(t, srv.URL+path+"?"+q)
				want := "application/json"
				if page {
					want = "text/html"
				}
				if code != http.StatusBadRequest || !strings.HasPrefix(ct, want) {
					t.Errorf("GET %s?%s: %d %s, want 400 %s", path, q, code, ct, want)
					continue
				}
				var body map[string]string
				if !page && (json.Unmarshal(b, &body) != nil || body["error"] == "") {
					t.Errorf("GET %s?%s: body %s, want a JSON error", path, q, b)
				}
			}
		}
		// Percent-encoded UTF-8 and a + for a space are fine.
		for _, u := range []string{"/api/v1/results?model=caf%C3%A9&pipeline=Text+to+image", "/api/aggregated_stats?region=FRA",
			"/?region=FRA", "/api/raw_stats?orchestrator=" + orchA} {
			if code, _, b := rawGet(t, srv.URL+u); code != http.StatusOK {
				t.Errorf("GET %s: %d %s", u, code, b)
			}
		}
		// A path with a NUL is refused the same way.
		if code, _, _ := rawGet(t, srv.URL+"/orchestrators/0x%00"); code != http.StatusBadRequest {
			t.Errorf("NUL in the path: %d", code)
		}
	})
}

// rawGet sends the URL as written, without Go's client re-encoding it.
func rawGet(t *testing.T, u string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}
