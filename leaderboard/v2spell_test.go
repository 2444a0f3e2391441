package leaderboard_test

import (
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/leaderboard"
	"jobtester/models"
)

// hourly writes one test of orch an hour, half past each of the 30 hours
// before end, newest first; fail says which (by hours before end, 0 the
// newest) failed.
func hourly(orch string, end time.Time, fail func(i int) bool) []models.NewResult {
	var out []models.NewResult
	for i := range 30 {
		out = append(out, t2iResult(orch, sdxl, end.Add(-30*time.Minute-time.Duration(i)*time.Hour), !fail(i)))
	}
	return out
}

// TestV2LeavesOutASpellThatEnded: a node that failed every test for four
// hours and passed before and after is scored on its passes, and says
// which hours it left out; a node failing now is not excused.
func TestV2LeavesOutASpellThatEnded(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			st := dbtest.Open(t, dialect, models.Options{})
			end := time.Now().UTC().Truncate(time.Hour)
			now := end.Add(-30 * time.Second)
			var rs []models.NewResult
			for o := 1; o <= 8; o++ {
				rs = append(rs, nodeSeries(addr(o), sdxl, 60, 58, now)...)
			}
			// 4 passes, 4 failures (ages 5–8 hours), 22 passes: 26 of 30.
			// One rate for all: G of the spell 23.56; the best split
			// (4 of 8 against 22 of 22) 12.47; the spell beats it by 11.
			back, down := addr(20), addr(21)
			rs = append(rs, hourly(back, end, func(i int) bool { return i >= 4 && i < 8 })...)
			rs = append(rs, hourly(down, end, func(i int) bool { return i < 4 })...)
			if err := st.Insert(t.Context(), rs...); err != nil {
				t.Fatal(err)
			}
			cache := leaderboard.NewV2Cache()
			v2 := map[string]leaderboard.V2{}
			for _, o := range []string{back, down} {
				ex, err := leaderboard.Explain(t.Context(), st, o, now, cache)
				if err != nil || len(ex) != 1 {
					t.Fatalf("explain %s: %v, %d series", o, err, len(ex))
				}
				v2[o] = ex[0].V2
			}
			b, d := v2[back], v2[down]
			want := leaderboard.V2Spell{From: end.Add(-8 * time.Hour), Until: end.Add(-4 * time.Hour), Tests: 4}
			if b.Spell == nil || !b.Spell.From.Equal(want.From) || !b.Spell.Until.Equal(want.Until) ||
				b.Spell.Tests != want.Tests || b.Spell.Passed != 0 {
				t.Fatalf("spell left out: %+v, want %+v", b.Spell, want)
			}
			// Its success rate reads its 26 passes alone (24.3 once
			// decayed; 28.0 with the failures): above the network's 58
			// in 60, where the failures would put it below.
			if b.SuccessRate < 0.95 || b.Tests < 24 || b.Tests > 25 {
				t.Fatalf("success rate %v over %v tests, want ≥ 0.95 over its 26 passes", b.SuccessRate, b.Tests)
			}
			if d.Spell != nil || d.SuccessRate > 0.5 {
				t.Fatalf("a node failing now: spell %+v, success rate %v", d.Spell, d.SuccessRate)
			}
			// The same through the table the API and the dashboard read.
			tbl, err := leaderboard.Build(t.Context(), st, leaderboard.Query{Region: "FRA",
				Pipeline: t2i, Model: sdxl, Window: "24h"}, now, cache)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range tbl.Rows {
				if r.Orchestrator == back {
					found = r.V2 != nil && r.V2.Spell != nil && r.V2.Spell.From.Equal(want.From)
				}
			}
			if !found {
				t.Fatal("the table's row of the node lacks its spell")
			}
		})
	}
}
