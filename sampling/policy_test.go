package sampling

import (
	"math"
	"math/rand"
	"testing"
)

func sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}

// TestFloorAndBudgetOverManyRounds plays 500 hourly rounds of 120 series
// with random scores, changes and unavailability, and checks every round
// that the plan stays within the budget, and every series that it is
// never left untested longer than the floor.
func TestFloorAndBudgetOverManyRounds(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	p := DefaultParams()
	const n = 120
	series := make([]Series, n)
	for i := range series {
		series[i] = Series{Group: i % 4, SinceTest: math.Inf(1)}
	}
	// Enough for the floor's share plus room: n/floor per round.
	budget := n/int(p.FloorHours) + 10
	for round := 0; round < 500; round++ {
		for i := range series {
			s := &series[i]
			s.Score = 0.5 + 0.5*r.Float64()
			s.Low, s.High = s.Score-0.1*r.Float64(), s.Score+0.1*r.Float64()
			s.Change = 0
			if r.Intn(10) == 0 {
				s.Change = 20 * r.Float64()
			}
			s.Busy = r.Intn(8) == 0
		}
		counts, short := Plan(series, budget, p)
		if got := sum(counts); got > budget {
			t.Fatalf("round %d: %d tests planned, budget %d", round, got, budget)
		}
		for i := range series {
			s := &series[i]
			if counts[i] > p.MaxPerSeries {
				t.Fatalf("round %d: series %d gets %d tests, at most %d", round, i, counts[i], p.MaxPerSeries)
			}
			if counts[i] > 0 {
				s.SinceTest = p.RoundHours
				s.LastUnavailable = r.Intn(5) == 0
				continue
			}
			s.SinceTest += p.RoundHours
			// Series start untested: they get their first test within
			// the rounds the budget needs to reach them all.
			if round >= n/budget+1 && s.SinceTest > p.FloorHours {
				t.Fatalf("round %d: series %d untested for %v h, floor %v h (short %d)", round, i, s.SinceTest, p.FloorHours, short)
			}
		}
		if round >= n/budget+1 && short != 0 {
			t.Fatalf("round %d: %d floor tests short with budget %d", round, short, budget)
		}
	}
}

func TestFloorFirstWhenBudgetIsShort(t *testing.T) {
	p := DefaultParams()
	series := []Series{{SinceTest: 5}, {SinceTest: 9}, {SinceTest: 1, Change: 50}, {SinceTest: 7}}
	counts, short := Plan(series, 2, p)
	// Due: 5, 9, 7 h (each + 1 > 4). The two oldest (9, 7) get the budget;
	// the alarm waits.
	if counts[1] != 1 || counts[3] != 1 || counts[0] != 0 || counts[2] != 0 || short != 1 {
		t.Fatalf("counts %v short %d; want the two longest-untested and 1 short", counts, short)
	}
}

func TestAlarmsRetriesAndBusy(t *testing.T) {
	p := DefaultParams()
	series := []Series{
		{SinceTest: 1, Change: p.Alarm + 1, Score: 0.9, Low: 0.85, High: 0.95},             // alarmed
		{SinceTest: 1, Change: p.Alarm + 1, Busy: true, Score: 0.9, Low: 0.85, High: 0.95}, // alarmed but busy
		{SinceTest: 1, LastUnavailable: true, Score: 0.5, Low: 0.49, High: 0.51},           // retry
		{SinceTest: 1, LastUnavailable: true, Busy: true, Score: 0.2, Low: 0.19, High: 0.21},
	}
	counts, _ := Plan(series, p.FollowUp+1, p)
	if counts[0] != p.FollowUp || counts[1] != 0 || counts[2] != 1 || counts[3] != 0 {
		t.Fatalf("counts %v; want %d follow-ups, none while busy, one retry", counts, p.FollowUp)
	}
}

func TestSpreadGoesToUnsettledRanks(t *testing.T) {
	p := DefaultParams()
	p.Reserve = 0
	// Three nodes tangled around 0.9 with wide intervals, one far below
	// with a narrow one: the spare tests go to the tangle.
	series := []Series{
		{SinceTest: 1, Score: 0.90, Low: 0.85, High: 0.95},
		{SinceTest: 1, Score: 0.91, Low: 0.86, High: 0.96},
		{SinceTest: 1, Score: 0.89, Low: 0.84, High: 0.94},
		{SinceTest: 1, Score: 0.40, Low: 0.39, High: 0.41},
	}
	counts, _ := Plan(series, 6, p)
	if sum(counts) != 6 || counts[3] != 0 {
		t.Fatalf("counts %v; want all 6 among the first three", counts)
	}
	if got := overlaps(series); got[0] != 2 || got[3] != 0 {
		t.Fatalf("overlaps %v", got)
	}
}

func TestReserveComesAfterTheFloor(t *testing.T) {
	p := DefaultParams() // Reserve 0.1
	series := make([]Series, 30)
	for i := range series {
		series[i] = Series{SinceTest: 1, Score: 0.5, Low: 0.4, High: 0.6}
	}
	// Budget 20: 2 held back for follow-ups, 18 planned.
	if c, _ := Plan(series, 20, p); sum(c) != 18 {
		t.Fatalf("planned %d of 20, want 18 (2 held)", sum(c))
	}
	// 20 series due on their floor and a budget of 20: the floor takes it
	// all, nothing is held back.
	for i := range series[:20] {
		series[i].SinceTest = p.FloorHours
	}
	c, short := Plan(series, 20, p)
	if sum(c) != 20 || short != 0 {
		t.Fatalf("planned %d short %d; want the whole budget on the floor", sum(c), short)
	}
	for i := range series[:20] {
		if c[i] != 1 {
			t.Fatalf("due series %d got %d", i, c[i])
		}
	}
}

func TestPlanIsDeterministicAndEmptySafe(t *testing.T) {
	if c, s := Plan(nil, 10, DefaultParams()); len(c) != 0 || s != 0 {
		t.Fatalf("empty: %v %d", c, s)
	}
	if c, _ := Plan([]Series{{SinceTest: 1}}, -3, DefaultParams()); c[0] != 0 {
		t.Fatalf("negative budget planned %v", c)
	}
	series := []Series{{Score: 0.5, Low: 0.4, High: 0.6, SinceTest: 2}, {Score: 0.5, Low: 0.4, High: 0.6, SinceTest: 2}}
	a, _ := Plan(series, 3, DefaultParams())
	b, _ := Plan(series, 3, DefaultParams())
	if a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("two plans of the same input differ: %v %v", a, b)
	}
}

func TestSurpriseVectors(t *testing.T) {
	// q = 0.97, suspect 0.5: a failure adds ln(0.5/0.03) = 2.813411, a
	// pass ln(0.5/0.97) = −0.662688.
	cases := []struct {
		pr   Probe
		want float64
	}{
		{Probe{SuccessRate: 0.97, Failed: 1}, 2.813411},
		{Probe{SuccessRate: 0.97, Failed: 2}, 5.626821},
		{Probe{SuccessRate: 0.97, Failed: 1, Passed: 2}, 1.488035},
		{Probe{SuccessRate: 0.5, Failed: 3}, 0},      // no better than the suspicion: no surprise
		{Probe{SuccessRate: 0.97, Tested: 3}, 0},     // only no-capacity answers
		{Probe{SuccessRate: 1, Failed: 1}, 6.214608}, // q capped at 0.999: ln(0.5/0.001)
	}
	for _, c := range cases {
		if got := Surprise(c.pr, 0.5); math.Abs(got-c.want) > 1e-6 {
			t.Fatalf("Surprise(%+v) = %v, want %v", c.pr, got, c.want)
		}
	}
}

func TestFollowUpsOfSurprisingFailures(t *testing.T) {
	p := DefaultParams() // Surprise 4 (ln 1.386), Confirmed 200 (ln 5.298), FollowUp 2, MaxPerSeries 5
	probes := []Probe{
		{SuccessRate: 0.97, Failed: 1, Tested: 1},             // 2.81: follow up
		{SuccessRate: 0.97, Failed: 2, Tested: 3},             // 5.63: confirmed, the score's job now
		{SuccessRate: 0.97, Failed: 1, Passed: 2, Tested: 3},  // 1.49: still open
		{SuccessRate: 0.97, Failed: 1, Passed: 3, Tested: 4},  // 0.83: cleared
		{SuccessRate: 0.80, Failed: 1, Tested: 1},             // ln 2.5 = 0.92: a mediocre node failing is no news
		{SuccessRate: 0.97, Failed: 1, Tested: 1, Busy: true}, // no capacity to test
		{SuccessRate: 0.97, Failed: 1, Passed: 2, Tested: 4},  // 1.49 but only one test left in its round
	}
	got := FollowUps(probes, 100, p)
	want := []int{2, 0, 2, 0, 0, 0, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("follow-ups %v, want %v", got, want)
		}
	}
	// A budget of 3: the most surprising first (series 0, then 2 and 6 tie
	// at 1.49 and go in order).
	got = FollowUps(probes, 3, p)
	if got[0] != 2 || got[2] != 1 || got[6] != 0 || sum(got) != 3 {
		t.Fatalf("follow-ups within 3: %v", got)
	}
	if got := FollowUps(probes, -1, p); sum(got) != 0 {
		t.Fatalf("negative budget: %v", got)
	}
}
