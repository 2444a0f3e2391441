package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"jobtester/models"
)

// TestMappingWritesWithTheTokenAreAudited pins that the bearer-token
// writes leave the same audit trail as the admin pages, under actor
// "token", and that refused writes leave none.
func TestMappingWritesWithTheTokenAreAudited(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		admin := map[string]string{"Authorization": "Bearer " + adminToken, "Content-Type": "application/json"}
		body := `{"orchestrator":"` + orchA + `","uri":"https://a.example.com:8935","job_types":["ai"]}`
		code, _, b := e.do(http.MethodPost, "/api/v1/mappings", []byte(body), admin)
		var m models.URIMapping
		if code != http.StatusCreated || json.Unmarshal(b, &m) != nil {
			t.Fatalf("create = %d %s", code, b)
		}
		e.do(http.MethodPost, "/api/v1/mappings", []byte(`{"orchestrator":"0x1","uri":"x","job_types":["ai"]}`), admin)
		e.do(http.MethodPost, "/api/v1/mappings", []byte(body), nil)
		upd := strings.Replace(body, "a.example.com", "b.example.com", 1)
		if code, _, b := e.do(http.MethodPut, "/api/v1/mappings/"+itoa(m.ID), []byte(upd), admin); code != http.StatusOK {
			t.Fatalf("update = %d %s", code, b)
		}
		if code, _, _ := e.do(http.MethodDelete, "/api/v1/mappings/"+itoa(m.ID), nil, admin); code != http.StatusNoContent {
			t.Fatalf("delete = %d", code)
		}
		log, err := e.st.AuditLog(context.Background(), models.AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range log {
			got = append(got, a.Actor+" "+a.Action+" "+a.Target)
		}
		target := "mapping:" + itoa(m.ID)
		want := []string{"token mapping.delete " + target, "token mapping.update " + target, "token mapping.create " + target}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("audit log %q, want %q", got, want)
		}
		if !strings.Contains(log[1].Before, "a.example.com") || !strings.Contains(log[1].After, "b.example.com") {
			t.Errorf("update entry before %s after %s", log[1].Before, log[1].After)
		}
	})
}
