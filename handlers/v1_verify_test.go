package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/models"
)

func storeFlagged(t *testing.T, st *models.Store, orch, kind string, thumb, consensus []byte) models.Verification {
	t.Helper()
	stats := ingest.Stats{Region: "FRA", Orchestrator: orch, RoundTripTime: 2, Timestamp: time.Now().Unix(),
		Pipeline: "Text to image", Model: "sdxl", Errors: []ingest.Error{{ErrorCode: "suspected_" + kind, Message: "x", Count: 1}}}
	v := models.Verification{Kind: kind, Reason: "measured", Hash: "ab", Distance: 99, Thumbnail: thumb, ConsensusThumbnail: consensus}
	if err := st.InsertVerified(t.Context(), models.NewResult{Stats: stats, Outcome: models.OutcomeFail, IngestKey: "jobtester"}, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerificationAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		jpeg, cjpeg := []byte{0xff, 0xd8, 1, 0xff, 0xd9}, []byte{0xff, 0xd8, 2, 0xff, 0xd9}
		out := storeFlagged(t, e.st, orchA, "outlier", jpeg, cjpeg)
		flat := storeFlagged(t, e.st, orchB, "flat", nil, nil)
		type row struct {
			ID           int64  `json:"id"`
			Orchestrator string `json:"orchestrator"`
			Kind         string `json:"kind"`
			Reason       string `json:"reason"`
			Detail       string `json:"detail"`
			Distance     int    `json:"distance"`
			ThumbnailURL string `json:"thumbnail_url"`
			ConsensusURL string `json:"consensus_thumbnail_url"`
		}
		list := func(q string) []row {
			t.Helper()
			code, body := e.get("/api/v1/verification" + q)
			var got struct {
				Flagged []row `json:"flagged"`
			}
			if code != http.StatusOK || json.Unmarshal(body, &got) != nil {
				t.Fatalf("GET %s = %d %s", q, code, body)
			}
			return got.Flagged
		}
		all := list("")
		if len(all) != 2 || all[0].ID != flat.ID || all[1].ID != out.ID {
			t.Fatalf("list %+v", all)
		}
		id := strconv.FormatInt(out.ID, 10)
		if r := all[1]; r.Reason != "suspected_outlier" || r.Detail != "measured" || r.Distance != 99 ||
			r.ThumbnailURL != "/api/v1/verification/"+id+"/answer.jpg" || r.ConsensusURL != "/api/v1/verification/"+id+"/consensus.jpg" {
			t.Fatalf("outlier row %+v", r)
		}
		if r := all[0]; r.ThumbnailURL != "" || r.ConsensusURL != "" {
			t.Fatalf("flat row %+v", r)
		}
		if got := list("?kind=flat"); len(got) != 1 || got[0].Orchestrator != orchB {
			t.Fatalf("kind filter %+v", got)
		}
		if got := list("?orchestrator=" + orchA + "&limit=1"); len(got) != 1 || got[0].Kind != "outlier" {
			t.Fatalf("orchestrator filter %+v", got)
		}
		for path, want := range map[string][]byte{"/answer.jpg": jpeg, "/consensus.jpg": cjpeg} {
			code, h, body := e.do(http.MethodGet, "/api/v1/verification/"+id+path, nil, nil)
			if code != http.StatusOK || h.Get("Content-Type") != "image/jpeg" || !bytes.Equal(body, want) {
				t.Fatalf("%s = %d %v", path, code, body)
			}
		}
		for _, bad := range []string{"?limit=0", "?since=yesterday", "?sweep=-1"} {
			if code, _ := e.get("/api/v1/verification" + bad); code != http.StatusBadRequest {
				t.Errorf("%s = %d", bad, code)
			}
		}
		if code, _ := e.get("/api/v1/verification/" + strconv.FormatInt(flat.ID, 10) + "/answer.jpg"); code != http.StatusNotFound {
			t.Errorf("missing thumbnail = %d", code)
		}
	})
}
