package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// dashboardCalls are the dashboard's pages and chart data (web/), measured
// like the Explorer's calls: server time to render each over the loaded
// data set. Their names start with "page" (--only page).
func dashboardCalls(nw *network, now func() time.Time) []call {
	pair := aiPairs[nw.bestPair()]
	nPair := len(nw.supporters[nw.bestPair()])
	orch := nw.orchs[nw.bestOrch()].Addr
	// The history's series: an orchestrator serving the pair, so it has data.
	served := nw.orchs[nw.supporters[nw.bestPair()][0]].Addr
	job := url.QueryEscape(pair.Pipeline + "::" + pair.Model)
	rows := func(min int) func([]byte) error {
		return func(b []byte) error {
			if n := bytes.Count(b, []byte(`<th scope="row">`)); n < min {
				return fmt.Errorf("%d table rows, want at least %d: %s", n, min, clip(b))
			}
			return nil
		}
	}
	month := func() string {
		t := now()
		return "&since=" + strconv.FormatInt(t.Add(-30*24*time.Hour).Unix(), 10) + "&until=" + strconv.FormatInt(t.Unix(), 10)
	}
	window := func(d time.Duration) string {
		t := now()
		return "?from=" + strconv.FormatInt(t.Add(-d).Unix(), 10) + "&to=" + strconv.FormatInt(t.Unix(), 10)
	}
	has := func(what string) func([]byte) error {
		return func(b []byte) error {
			if !bytes.Contains(b, []byte(what)) {
				return fmt.Errorf("answer lacks %q: %s", what, clip(b))
			}
			return nil
		}
	}
	return []call{
		{"page: operator view (7 d)", "/orchestrators/" + orch + "/operator", has(`id="advice"`)},
		{"page: operator view (30 d)", "/orchestrators/" + orch + "/operator?range=30d", has(`id="advice"`)},
		{"page export: 30 d of one orchestrator (CSV)", "/api/v1/orchestrators/" + orch + "/results.csv" + window(30*24*time.Hour), func(b []byte) error {
			if n := bytes.Count(b, []byte("\n")); n < 2 || !bytes.HasPrefix(b, []byte("id,received_at,")) {
				return fmt.Errorf("export has %d lines: %s", n, clip(b))
			}
			return nil
		}},
		{"page export: 30 d of one orchestrator (JSON)", "/api/v1/orchestrators/" + orch + "/results.json" + window(30*24*time.Hour), func(b []byte) error {
			var doc struct {
				Results []json.RawMessage `json:"results"`
			}
			if err := json.Unmarshal(b, &doc); err != nil || len(doc.Results) == 0 {
				return fmt.Errorf("export of %d results (%v): %s", len(doc.Results), err, clip(b))
			}
			return nil
		}},
		{"page: leaderboard (transcoding, 24 h)", "/", rows(len(nw.orchs))},
		{"page: leaderboard (AI pipeline+model, 7 d)", "/?window=7d&job=" + job, rows(nPair)},
		{"/api/v1/leaderboard (AI pipeline+model, 24 h, with v2)", "/api/v1/leaderboard?job=" + job, func(b []byte) error {
			var lb struct {
				Rows []struct {
					V2 *struct{ Score float64 } `json:"v2"`
				} `json:"rows"`
			}
			if err := json.Unmarshal(b, &lb); err != nil {
				return err
			}
			if len(lb.Rows) < nPair || lb.Rows[0].V2 == nil {
				return fmt.Errorf("%d rows (want at least %d), the first without v2: %s", len(lb.Rows), nPair, clip(b))
			}
			return nil
		}},
		{"page: orchestrator (7 d, 25 results)", "/orchestrators/" + orch, func(b []byte) error {
			if !bytes.Contains(b, []byte(`id="results-table"`)) || !bytes.Contains(b, []byte(`data-history=`)) {
				return fmt.Errorf("orchestrator page lacks results or charts: %s", clip(b))
			}
			return nil
		}},
		{"page chart: 30 d hourly history of one AI series (JSON)", "/api/v1/history?step=hour&orchestrator=" + served + "&region=FRA&pipeline=" +
			url.QueryEscape(pair.Pipeline) + "&model=" + url.QueryEscape(pair.Model) + month(), func(b []byte) error {
			var h struct {
				Series []struct {
					Points []json.RawMessage `json:"points"`
				} `json:"series"`
			}
			if err := json.Unmarshal(b, &h); err != nil {
				return err
			}
			if len(h.Series) != 1 || len(h.Series[0].Points) < 24*30 {
				return fmt.Errorf("history is not one 30-day hourly series: %s", clip(b))
			}
			return nil
		}},
	}
}
