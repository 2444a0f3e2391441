package handlers

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobtester/ingest"
	"jobtester/leaderboard"
	"jobtester/models"
)

// storeExportRows writes results of orch(1) (some AI with errors, some
// transcoding, one outside the window) and of orch(2), and returns what
// the store holds of orch(1) in the last day, oldest first, read apart
// from the export.
func storeExportRows(t *testing.T, e *env) []models.RawResult {
	t.Helper()
	now := e.clock.Now()
	var batch []models.NewResult
	for i := range 30 {
		s := ingest.Stats{Region: "FRA", Orchestrator: orch(1), SuccessRate: 1, RoundTripTime: 1.25 + float64(i)/7,
			Timestamp: now.Add(-time.Duration(i) * time.Hour).Unix(), Pipeline: t2iPipeline, Model: t2iModel}
		out := models.OutcomePass
		switch i % 3 {
		case 1:
			s.SuccessRate, out = 0, models.OutcomeFail
			s.Errors = []ingest.Error{{ErrorCode: "500", Message: `bad "quoted", answer` + "\nsecond line", Count: 2}}
		case 2:
			s = ingest.Stats{Region: "LON", Orchestrator: orch(1), SuccessRate: 0.8, RoundTripTime: 0.5, SegDuration: 2,
				SegmentsSent: 10, SegmentsRecv: 8, UploadTime: 0.1, DownloadTime: 0.2, TranscodeTime: 0.3, Timestamp: s.Timestamp}
			out = models.OutcomeFail
		}
		batch = append(batch, models.NewResult{Stats: s, Outcome: out, ReceivedAt: now.Add(-time.Duration(i) * time.Hour),
			IngestKey: "test", HTTPStatus: 200 + i})
	}
	other := ingest.Stats{Region: "FRA", Orchestrator: orch(2), SuccessRate: 1, RoundTripTime: 1, Pipeline: t2iPipeline, Model: t2iModel}
	batch = append(batch, models.NewResult{Stats: other, ReceivedAt: now.Add(-time.Hour), IngestKey: "test"})
	if err := e.st.Insert(t.Context(), batch...); err != nil {
		t.Fatal(err)
	}
	// The stored rows as the paged result list reads them (newest first).
	page, err := e.st.Results(t.Context(), models.ResultQuery{Orchestrator: orch(1), Since: now.Add(-24 * time.Hour),
		Until: now, Limit: 500})
	if err != nil || len(page.Results) != 25 { // hours 0..24 ago, the 24th at the window's edge
		t.Fatalf("store holds %d rows of the window (%v), want 25", len(page.Results), err)
	}
	want := page.Results
	slices.Reverse(want)
	return want
}

func TestExportJSONAndCSVEqualTheStoredRows(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		want := storeExportRows(t, e)
		now := e.clock.Now()
		q := fmt.Sprintf("from=%d&to=%s", now.Add(-24*time.Hour).Unix(), now.Add(time.Second).Format(time.RFC3339Nano))
		base := "/api/v1/orchestrators/" + orch(1)

		code, h, b := e.do(http.MethodGet, base+"/results.json?"+q, nil, nil)
		if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Fatalf("json: %d %v %s", code, h, b)
		}
		var doc struct {
			Orchestrator string                  `json:"orchestrator"`
			From         time.Time               `json:"from"`
			To           time.Time               `json:"to"`
			Results      []leaderboard.ExportRow `json:"results"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("json: %v\n%s", err, b)
		}
		if doc.Orchestrator != orch(1) || len(doc.Results) != len(want) {
			t.Fatalf("json: %s with %d rows, want %s with %d", doc.Orchestrator, len(doc.Results), orch(1), len(want))
		}
		for i := range want {
			w := leaderboard.ExportRowOf(&want[i])
			if g := doc.Results[i]; fmt.Sprint(g.CSV()) != fmt.Sprint(w.CSV()) {
				t.Errorf("json row %d:\n got %v\nwant %v", i, g.CSV(), w.CSV())
			}
		}

		code, h, b = e.do(http.MethodGet, base+"/results?format=csv&"+q, nil, nil)
		if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") ||
			!strings.Contains(h.Get("Content-Disposition"), ".csv") {
			t.Fatalf("csv: %d %v %s", code, h, b)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || len(recs) != len(want)+1 || fmt.Sprint(recs[0]) != fmt.Sprint(leaderboard.ExportColumns) {
			t.Fatalf("csv: %d records, %v\n%s", len(recs), err, b)
		}
		for i, r := range want {
			rec := recs[i+1]
			id, _ := strconv.ParseInt(rec[0], 10, 64)
			at, _ := time.Parse(time.RFC3339Nano, rec[1])
			rtt, _ := strconv.ParseFloat(rec[8], 64)
			status, _ := strconv.Atoi(rec[9])
			var errs []ingest.Error
			if err := json.Unmarshal([]byte(rec[11]), &errs); err != nil {
				t.Fatalf("csv row %d errors %q: %v", i, rec[11], err)
			}
			if id != r.ID || !at.Equal(r.ReceivedAt) || rtt != r.RoundTripTime || status != r.HTTPStatus ||
				rec[3] != r.Region || rec[6] != string(r.Outcome) || fmt.Sprint(errs) != fmt.Sprint(r.Stats().Errors) {
				t.Errorf("csv row %d = %v, stored %+v", i, rec, r)
			}
		}
		if !strings.Contains(string(b), `\""quoted\""`) { // JSON's \" doubled by CSV
			t.Error("csv lost the quotes of an error message")
		}
	})
}

func TestExportRefusesBadParametersWith400JSON(t *testing.T) {
	e := newEnv(t, "sqlite")
	base := "/api/v1/orchestrators/" + orch(1)
	now := e.clock.Now()
	for _, p := range []string{
		"/api/v1/orchestrators/0x12/results.json",
		base + "/results?format=xml",
		base + "/results.csv?from=yesterday",
		base + "/results.json?to=-5",
		base + fmt.Sprintf("/results.json?from=%d&to=%d", now.Unix(), now.Add(-time.Hour).Unix()),
		base + fmt.Sprintf("/results.json?from=%d&to=%d", now.Add(-32*24*time.Hour).Unix(), now.Unix()),
	} {
		code, b := e.get(p)
		var body struct {
			Error string `json:"error"`
		}
		if code != http.StatusBadRequest || json.Unmarshal(b, &body) != nil || body.Error == "" {
			t.Errorf("GET %s = %d %s, want 400 with a JSON error", p, code, b)
		}
	}
}
