package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

// postKeyed posts body signed with secret and the given Idempotency-Key
// (none when key is "-").
func (e *env) postKeyed(body []byte, secret, key string) (int, http.Header, []byte) {
	e.t.Helper()
	h := map[string]string{"Authorization": ingest.Sign(secret, body)}
	if key != "-" {
		h["Idempotency-Key"] = key
	}
	return e.do(http.MethodPost, "/api/post_stats", body, h)
}

// An Idempotency-Key makes a retried post answer 200 as the first did,
// without a second row or a second count in the rollups; the same key with
// another body is a 422 that stores nothing; a malformed key is a 400.
func TestIdempotencyKeyMakesPostsExactlyOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		body := aiBody(orchA, "FRA", "Llm", "m", 1, 2)
		for i, replay := range []string{"", "true", "true"} {
			code, h, b := e.postKeyed(body, aiTesterSecret, "retry-1")
			if code != http.StatusOK || string(b) != "ok" || h.Get("Idempotent-Replayed") != replay {
				t.Fatalf("post %d: %d %s, Idempotent-Replayed %q; want 200 ok, %q", i, code, b, h.Get("Idempotent-Replayed"), replay)
			}
		}
		other := aiBody(orchA, "FRA", "Llm", "m", 1, 3)
		code, _, b := e.postKeyed(other, aiTesterSecret, "retry-1")
		var msg map[string]string
		if code != http.StatusUnprocessableEntity || json.Unmarshal(b, &msg) != nil || !strings.Contains(msg["error"], "different body") {
			t.Fatalf("same key, other body: %d %s; want 422 with a JSON error", code, b)
		}
		for _, bad := range []string{"", "has space", strings.Repeat("k", 256), "caf\xc3\xa9"} {
			if code, _, b := e.postKeyed(other, aiTesterSecret, bad); code != http.StatusBadRequest {
				t.Errorf("Idempotency-Key %q: %d %s, want 400", bad, code, b)
			}
		}
		if n := e.count(); n != 1 {
			t.Fatalf("%d rows stored, want 1", n)
		}
		var lb struct {
			Rows []struct {
				Samples int `json:"samples"`
			} `json:"rows"`
		}
		if _, b := e.get("/api/v1/leaderboard?job_type=ai"); json.Unmarshal(b, &lb) != nil || len(lb.Rows) != 1 || lb.Rows[0].Samples != 1 {
			t.Fatalf("leaderboard %s, want one row of 1 sample (the rollups counted once)", b)
		}
		// The same key from another tester (another ingest key) is its own.
		code, h, _ := e.postKeyed(body, streamTesterSecret, "retry-1")
		if code != http.StatusOK || h.Get("Idempotent-Replayed") != "" || e.count() != 2 {
			t.Fatalf("same key, other tester: %d replayed %q, %d rows; want stored", code, h.Get("Idempotent-Replayed"), e.count())
		}
	})
}

// A legacy post (no key) is deduplicated by its body's hash per ingest
// key: a sniffed signed body replayed is stored once; another body, or the
// same body signed by another tester, is stored.
func TestReplayedLegacyBodyIsStoredOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		body := []byte(aiTesterPayload)
		for range 3 {
			e.mustPost(body, aiTesterSecret)
		}
		if n := e.count(); n != 1 {
			t.Fatalf("a body replayed 3 times: %d rows, want 1", n)
		}
		e.mustPost([]byte(strings.Replace(aiTesterPayload, `"round_trip_time":3.482`, `"round_trip_time":3.483`, 1)), aiTesterSecret)
		e.mustPost(body, streamTesterSecret)
		if n := e.count(); n != 3 {
			t.Fatalf("%d rows, want 3", n)
		}
	})
}

// A post whose commit went unconfirmed (the database froze) and that is
// retried with the same key once the database is back is stored exactly
// once, whatever the first attempt did.
func TestUnconfirmedPostRetriedIsStoredOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st, f := faultyStore(t, dialect)
		srv := pagesEnv(t, st, 1500*time.Millisecond)
		post := func(i int) answer {
			body := transcodingBody(faultOrch(i), "FRA", 1, 2, 1.5)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/post_stats", bytes.NewReader(body))
			req.Header.Set("Authorization", ingest.Sign(streamTesterSecret, body))
			req.Header.Set("Idempotency-Key", fmt.Sprint("post-", i))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("post %d: %v", i, err)
				return answer{}
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var m map[string]string
			_ = json.Unmarshal(b, &m)
			return answer{code: resp.StatusCode, stored: m["stored"], body: string(b)}
		}
		f.freeze()
		const n = 6
		first := make([]answer, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); first[i] = post(i) }()
		}
		wg.Wait()
		f.thaw()
		for i := range n {
			for a := post(i); a.code != http.StatusOK; a = post(i) {
				if a.code != http.StatusServiceUnavailable && a.code != http.StatusGatewayTimeout {
					t.Fatalf("retry of post %d: %+v", i, a)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if got := storedOf(t, st, i); got != 1 {
				t.Fatalf("post %d (first answer %d %q) retried until 200: %d rows, want 1", i, first[i].code, first[i].stored, got)
			}
		}
	})
}

// /metrics shows the outbox (depth, oldest age, parked) and the replays.
func TestOutboxAndReplayMetrics(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		body := aiBody(orchA, "FRA", "Llm", "m", 1, 2)
		e.mustPost(body, aiTesterSecret)
		e.mustPost(body, aiTesterSecret)
		nr := models.NewResult{IngestKey: "jobtester", Forward: true, Stats: ingest.Stats{Region: "FRA", Orchestrator: orchB,
			SuccessRate: 1, RoundTripTime: 1, Pipeline: "Llm", Model: "m"}}
		if err := e.st.Insert(context.Background(), nr, nr); err != nil {
			t.Fatal(err)
		}
		_, _, m := e.do(http.MethodGet, "/metrics", nil, nil)
		for _, want := range []string{
			`jobtester_ingest_replayed_total{ingest_key="ai-job-tester"} 1`,
			`jobtester_results_ingested_total{ingest_key="ai-job-tester",job_type="ai"} 1`,
			"jobtester_outbox_depth 2\n",
			"jobtester_outbox_parked 0\n",
			"jobtester_outbox_oldest_age_seconds ",
		} {
			if !strings.Contains(string(m), want) {
				t.Errorf("metrics lack %q", want)
			}
		}
	})
}

// FuzzIdempotencyKey: any header value is either refused or taken as it
// is, and only 1 to 255 printable ASCII characters are taken; a post
// without one is keyed by its body's hash.
func FuzzIdempotencyKey(f *testing.F) {
	for _, s := range []string{"k", "", " ", "a b", strings.Repeat("x", 255), strings.Repeat("x", 256), "\x00", "\xff", "sha256:00"} {
		f.Add(s, []byte(`{"region":"FRA"}`))
	}
	f.Fuzz(func(t *testing.T, key string, body []byte) {
		h := http.Header{}
		h.Set("Idempotency-Key", key)
		idem, err := idempotencyOf(h, body)
		if len(idem.BodySHA256) != 64 {
			t.Fatalf("body hash %q", idem.BodySHA256)
		}
		valid := len(key) >= 1 && len(key) <= 255
		for i := 0; i < len(key); i++ {
			valid = valid && key[i] > 0x20 && key[i] < 0x7f
		}
		if valid != (err == nil) || (err == nil && idem.Key != key) {
			t.Fatalf("key %q: idempotency %+v, err %v", key, idem, err)
		}
		none, err := idempotencyOf(http.Header{}, body)
		if err != nil || none.Key != models.BodyKey(none.BodySHA256) {
			t.Fatalf("no header: %+v, %v", none, err)
		}
	})
}
