package handlers

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestBrokenIngestIsRefusedAndStoresNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		valid := aiBody(orchA, "FRA", "Llm", "m", 1, 2)
		cases := []struct {
			name   string
			body   string
			secret string
			status int
		}{
			{"no signature", string(valid), "", http.StatusForbidden},
			{"wrong key", string(valid), "some-other-secret-xyz", http.StatusForbidden},
			{"revoked key", string(valid), revokedSecret, http.StatusForbidden},
			{"bad JSON", `{"region":"FRA",`, aiTesterSecret, http.StatusBadRequest},
			{"empty body", ``, aiTesterSecret, http.StatusBadRequest},
			{"not an object", `[1,2]`, aiTesterSecret, http.StatusBadRequest},
			{"wrong type", strings.Replace(string(valid), `"success_rate":1`, `"success_rate":"1"`, 1), aiTesterSecret, http.StatusBadRequest},
			{"unknown region", strings.Replace(string(valid), `"FRA"`, `"XXX"`, 1), aiTesterSecret, http.StatusBadRequest},
			{"lower-case region", strings.Replace(string(valid), `"FRA"`, `"fra"`, 1), aiTesterSecret, http.StatusBadRequest},
			{"AI stat in transcoding-only region", strings.Replace(string(valid), `"FRA"`, `"NYC"`, 1), aiTesterSecret, http.StatusBadRequest},
			{"pipeline without model", strings.Replace(string(valid), `"model":"m",`, ``, 1), aiTesterSecret, http.StatusBadRequest},
			{"negative RTT", strings.Replace(string(valid), `"round_trip_time":2`, `"round_trip_time":-2`, 1), aiTesterSecret, http.StatusBadRequest},
			{"success rate above 1", strings.Replace(string(valid), `"success_rate":1`, `"success_rate":1.5`, 1), aiTesterSecret, http.StatusBadRequest},
			{"NaN", strings.Replace(string(valid), `"round_trip_time":2`, `"round_trip_time":NaN`, 1), aiTesterSecret, http.StatusBadRequest},
			{"number beyond float64", strings.Replace(string(valid), `"round_trip_time":2`, `"round_trip_time":1e400`, 1), aiTesterSecret, http.StatusBadRequest},
			{"unknown field", strings.Replace(string(valid), `{`, `{"gpu":"4090",`, 1), aiTesterSecret, http.StatusBadRequest},
			{"trailing data", string(valid) + `{}`, aiTesterSecret, http.StatusBadRequest},
			{"bad address", strings.Replace(string(valid), orchA, "0x1234", 1), aiTesterSecret, http.StatusBadRequest},
			{"oversized body", `{"region":"FRA","input_parameters":"` + strings.Repeat("a", 70<<10) + `"}`, aiTesterSecret, http.StatusRequestEntityTooLarge},
		}
		for _, c := range cases {
			code, b := e.post([]byte(c.body), c.secret)
			var body map[string]string
			if code != c.status || json.Unmarshal(b, &body) != nil || body["error"] == "" {
				t.Errorf("%s: %d %s, want %d with a JSON error", c.name, code, b, c.status)
			}
		}
		if n := e.count(); n != 0 {
			t.Fatalf("%d results stored after only bad requests", n)
		}
		// The same body signed with a live key is accepted and recorded
		// under that key's name.
		e.mustPost(valid, aiTesterSecret)
		if n := e.count(); n != 1 {
			t.Fatalf("count = %d after one good post", n)
		}
	})
}
