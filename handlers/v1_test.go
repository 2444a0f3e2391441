package handlers

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestMappingsAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		admin := map[string]string{"Authorization": "Bearer " + adminToken, "Content-Type": "application/json"}
		body := `{"orchestrator":"` + strings.ToUpper(orchA) + `","uri":"https://live.example.com:8935","job_types":["live","ai"],"note":"GPU box 2"}`

		// Writes need the admin token.
		if code, _, _ := e.do(http.MethodPost, "/api/v1/mappings", []byte(body), nil); code != http.StatusUnauthorized {
			t.Fatalf("create without token = %d", code)
		}
		if code, _, _ := e.do(http.MethodPost, "/api/v1/mappings", []byte(body), map[string]string{"Authorization": "Bearer wrong-token-0123456789"}); code != http.StatusUnauthorized {
			t.Fatalf("create with a wrong token = %d", code)
		}
		code, _, b := e.do(http.MethodPost, "/api/v1/mappings", []byte(body), admin)
		var m struct {
			ID           int64  `json:"id"`
			Orchestrator string `json:"orchestrator"`
			JobTypes     string `json:"job_types"`
		}
		if code != http.StatusCreated || json.Unmarshal(b, &m) != nil || m.Orchestrator != orchA || m.JobTypes != "ai,live" {
			t.Fatalf("create = %d %s", code, b)
		}
		for _, bad := range []string{
			`{"orchestrator":"0x12","uri":"https://x","job_types":["ai"]}`,
			`{"orchestrator":"` + orchA + `","uri":"not a url","job_types":["ai"]}`,
			`{"orchestrator":"` + orchA + `","uri":"https://y","job_types":["video"]}`,
			`{"orchestrator":"` + orchA + `","uri":"https://y","job_types":["ai"],"extra":1}`,
			`{"orchestrator":`,
			body, // duplicate
		} {
			code, _, b := e.do(http.MethodPost, "/api/v1/mappings", []byte(bad), admin)
			var eb map[string]string
			if code != http.StatusBadRequest || json.Unmarshal(b, &eb) != nil || eb["error"] == "" {
				t.Errorf("create %s = %d %s, want 400 with a reason", bad, code, b)
			}
		}
		upd := `{"orchestrator":"` + orchA + `","uri":"https://batch.example.com:8935","job_types":["ai"]}`
		if code, _, b := e.do(http.MethodPut, "/api/v1/mappings/"+itoa(m.ID), []byte(upd), admin); code != http.StatusOK || !strings.Contains(string(b), "batch.example.com") {
			t.Fatalf("update = %d %s", code, b)
		}
		var list struct {
			Mappings []json.RawMessage `json:"mappings"`
		}
		code, b = e.get("/api/v1/mappings")
		if code != http.StatusOK || json.Unmarshal(b, &list) != nil || len(list.Mappings) != 1 {
			t.Fatalf("list = %d %s", code, b)
		}
		if code, _, _ := e.do(http.MethodDelete, "/api/v1/mappings/"+itoa(m.ID), nil, admin); code != http.StatusNoContent {
			t.Fatalf("delete = %d", code)
		}
		for _, c := range []struct {
			method, path string
			want         int
		}{
			{http.MethodDelete, "/api/v1/mappings/" + itoa(m.ID), http.StatusNotFound},
			{http.MethodGet, "/api/v1/mappings/" + itoa(m.ID), http.StatusNotFound},
			{http.MethodGet, "/api/v1/mappings/abc", http.StatusBadRequest},
			{http.MethodGet, "/api/v1/sweeps/7", http.StatusNotFound},
			{http.MethodGet, "/api/v1/sweeps/current", http.StatusNotFound},
			{http.MethodPost, "/api/v1/sweeps", http.StatusConflict},
		} {
			h := admin
			if code, _, b := e.do(c.method, c.path, nil, h); code != c.want {
				t.Errorf("%s %s = %d %s, want %d", c.method, c.path, code, b, c.want)
			}
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
